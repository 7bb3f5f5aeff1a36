"""A document's status per crawl, from what its own URL answered (pure rules; the replica tests run them
end to end across nights)."""

from pipelines.history import content_hash, statuses


def test_first_sighting_is_new_and_same_content_is_unchanged():
    assert statuses([("c1", "document", "a"), ("c2", "document", "a")]) == [
        ("c1", "new"),
        ("c2", "unchanged"),
    ]


def test_different_content_is_changed():
    assert statuses([("c1", "document", "a"), ("c2", "document", "b")])[-1] == ("c2", "changed")


def test_gone_evidence_after_a_sighting_is_vanished():
    assert statuses([("c1", "document", "a"), ("c2", "gone", None)])[-1] == ("c2", "vanished")


def test_a_404_before_any_sighting_is_no_history():
    assert statuses([("c1", "gone", None)]) == []


def test_a_challenge_page_is_blocked_and_does_not_reset_the_content():
    history = statuses([("c1", "document", "a"), ("c2", "blocked", None), ("c3", "document", "a")])
    assert history == [("c1", "new"), ("c2", "blocked"), ("c3", "unchanged")]


def test_boilerplate_outside_the_main_text_does_not_change_the_content_hash():
    # The hash is of the extracted main text: the raw page bytes (visit counter, sidebar) do not enter it.
    assert content_hash("正文", "sha-of-page-1", ["x"]) == content_hash("正文", "sha-of-page-2", ["x"])


def test_a_replaced_attachment_changes_the_content_hash():
    assert content_hash("正文", None, ["pdf-v1"]) != content_hash("正文", None, ["pdf-v2"])


def test_a_metadata_field_turning_invalid_changes_the_content_hash():
    assert content_hash("正文", None, [], {"validity": "有效"}) != content_hash(
        "正文", None, [], {"validity": "失效"}
    )
