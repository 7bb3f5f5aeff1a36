"""The state of a document between two crawls, from what each crawl saw of it (document_status).

These cases are rare on a real night and absent from the replica's epochs, so they are laid out here
in a small database of their own: crawls 1–4, and for each document what each crawl saw.
"""

import json

import pytest

from archive.db import open_db
from pipelines.diff.crawls import NoSuchCrawl, attachment_pairs, diff_crawls, version_parts

CRAWLS = ["c1", "c2", "c3", "c4"]
# document → what crawls c1..c4 saw: (evidence, content hash); None: not asked for.
SEEN = {
    "steady": [("document", "x"), ("document", "x"), ("document", "x"), ("document", "x")],
    "edited": [("document", "x"), ("document", "y"), ("document", "y"), ("document", "z")],
    "gone": [("document", "x"), ("gone", None), ("gone", None), ("gone", None)],
    "back": [("document", "x"), ("gone", None), ("document", "x"), ("document", "x")],
    "late": [None, None, ("document", "x"), ("document", "x")],
    "guarded": [("document", "x"), ("blocked", None), ("document", "x"), ("document", "x")],
    "skipped": [("document", "x"), None, ("document", "x"), ("document", "x")],
}


@pytest.fixture
def db(tmp_path):
    db = open_db(tmp_path / "gongkai.db")
    db["crawls"].insert_all(
        {"crawl_id": c, "started_at": f"2024-07-0{i + 1}T02:00:00Z", "portals": '["p"]'}
        for i, c in enumerate(CRAWLS)
    )
    db["documents"].insert_all(
        {"id": name, "portal": "p", "url": f"http://x.test/{name}", "title": name, "doc_type": "other"}
        for name in SEEN
    )
    db["document_status"].insert_all(
        {"document_id": name, "crawl_id": crawl, "evidence": seen[0], "content_sha256": seen[1]}
        for name, row in SEEN.items()
        for crawl, seen in zip(CRAWLS, row, strict=True)
        if seen
    )
    return db


def _states(db, a, b) -> dict[str, str]:
    portals = diff_crawls(db, a, b).portals
    urls = {f"http://x.test/{name}": name for name in SEEN}
    return {d.document_id: d.state for p in portals for d in p.documents} | {
        urls[url]: "unchanged" for p in portals for url in p.unchanged_urls
    }


def test_states_between_consecutive_crawls(db):
    assert _states(db, "c1", "c2") == {
        "steady": "unchanged",
        "edited": "changed",
        "gone": "vanished",
        "back": "vanished",
        "guarded": "blocked",
        "skipped": "unchecked",
    }


def test_a_document_answering_again_is_returned_and_one_still_gone_is_still_vanished(db):
    states = _states(db, "c2", "c3")
    assert (states["back"], states["gone"]) == ("returned", "still_vanished")


def test_a_document_first_seen_after_a_is_new(db):
    assert _states(db, "c2", "c3")["late"] == "new"


def test_a_blocked_night_compares_with_the_last_version_seen_before_it(db):
    assert _states(db, "c2", "c3")["guarded"] == "unchanged"


def test_crawls_far_apart_compare_the_last_version_at_a_with_b(db):
    states = _states(db, "c1", "c4")
    assert (states["edited"], states["steady"], states["skipped"]) == ("changed", "unchanged", "unchanged")


def test_a_document_not_yet_known_at_b_is_not_listed(db):
    assert "late" not in _states(db, "c1", "c2")


def test_an_unknown_crawl_is_named_with_the_known_ones(db):
    with pytest.raises(NoSuchCrawl, match="no crawl 'c9' in the database \\(crawls: c1, c2, c3, c4\\)"):
        diff_crawls(db, "c9", "c2")


def _version(*attachments: dict) -> dict:
    return {"attachment_captures": json.dumps(list(attachments))}


def _att(url: str, sha: str | None, name: str = "年报.pdf") -> dict:
    return {"url": url, "name": name, "capture": f"<urn:uuid:{sha}>" if sha else None, "sha256": sha}


def test_an_attachment_this_crawl_could_not_fetch_is_no_change(db):
    a, b = _version(_att("http://x.test/a.pdf", "s1")), _version(_att("http://x.test/a.pdf", None))
    assert version_parts(db, {**a, "page_capture": None}, {**b, "page_capture": None}, "other") == []


def test_a_file_moved_to_another_url_pairs_with_itself_by_its_bytes(db):
    a = _version(_att("http://x.test/a.pdf", "s1", "甲.pdf"))
    b = _version(_att("http://x.test/new/a.pdf?v=2", "s1", "乙.pdf"))
    [(old, new)] = attachment_pairs(db, a, b)
    assert (old["url"], new["url"]) == ("http://x.test/a.pdf", "http://x.test/new/a.pdf?v=2")


def test_a_renamed_link_with_new_bytes_pairs_by_its_name(db):
    a = _version(_att("http://x.test/a.pdf", "s1"), _att("http://x.test/b.pdf", "s2", "附件二.pdf"))
    b = _version(_att("http://x.test/c.pdf", "s3"), _att("http://x.test/d.doc", "s4", "新附件.doc"))
    pairs = [((o or {}).get("url"), (n or {}).get("url")) for o, n in attachment_pairs(db, a, b)]
    assert pairs == [
        ("http://x.test/a.pdf", "http://x.test/c.pdf"),
        ("http://x.test/b.pdf", None),
        (None, "http://x.test/d.doc"),
    ]
