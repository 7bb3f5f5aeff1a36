"""`gongkai diff crawls`: what changed on the portals between two nights of the replica.

The replica's manifest lists every change it makes on nights 2 and 3; the crawl diff must report
each one with the right state, and nothing else.
"""

import json
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import EPOCHS, NIGHT_2, ROOT, gongkai

NIGHT_3 = {"still_gone": "still_vanished", "unblocked": "unchanged", "changed_text": "changed"}


def _diff(data, out, *crawls) -> tuple[subprocess.CompletedProcess, dict]:
    proc = gongkai("diff", "crawls", *crawls, "--data", str(data), "--out", str(out))
    return proc, json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def night_2(nights, tmp_path_factory):
    """The diff of night 1 → night 2: (command output, JSON, HTML path)."""
    data, crawls = nights
    out = tmp_path_factory.mktemp("crawl-diff") / "night-2.html"
    proc, diff = _diff(data, out, crawls[0], crawls[1])
    return proc, diff, out


def _documents(diff: dict) -> dict[str, dict]:
    """Every document the diff accounts for, by URL; unchanged ones are listed by URL only."""
    found = {d["url"]: d for p in diff["portals"] for d in p["documents"]}
    found |= {url: {"url": url, "state": "unchanged"} for p in diff["portals"] for url in p["unchanged_urls"]}
    return found


def _entry(night: str, kind: str) -> dict:
    return EPOCHS[night][kind][0]


@pytest.mark.parametrize("kind,state", NIGHT_2.items())
def test_each_change_of_night_two_is_reported_with_its_state(night_2, kind, state):
    _, diff, _ = night_2
    documents = _documents(diff)
    for entry in EPOCHS["2"][kind]:
        assert documents[entry["url"]]["state"] == state, entry["url"]


def test_nothing_else_is_reported_as_changed_on_night_two(night_2):
    _, diff, _ = night_2
    expected = {
        e["url"] for kind, state in NIGHT_2.items() if state != "unchanged" for e in EPOCHS["2"][kind]
    }
    reported = {url for url, d in _documents(diff).items() if d["state"] != "unchanged"}
    assert reported == expected


def test_counts_per_portal_add_up_to_the_totals(night_2):
    _, diff, _ = night_2
    for state, total in diff["totals"].items():
        assert sum(p["counts"].get(state, 0) for p in diff["portals"]) == total
    assert diff["totals"]["new"] == 2 and diff["totals"]["vanished"] == 3


def test_number_changed_inside_the_pdf_attachment_is_reported(night_2):
    _, diff, _ = night_2
    entry = _entry("2", "changed_report")
    parts = _documents(diff)[entry["url"]]["parts"]
    pdf = next(p for p in parts if p["part"] == "attachment" and p["url"] == entry["urls"]["pdf"])
    assert ["delete", str(entry["was"])] in pdf["diff"]["pieces"]
    assert ["insert", str(entry["now"])] in pdf["diff"]["pieces"]
    moved = next(p for p in parts if p["part"] == "statistics" and p["name"].endswith(".pdf"))
    assert moved["changes"] == [{"key": entry["statistic"], "from": entry["was"], "to": entry["now"]}]


def test_number_changed_in_the_page_and_the_docx_is_reported_too(night_2):
    _, diff, _ = night_2
    entry = _entry("2", "changed_report")
    moved = [p for p in _documents(diff)[entry["url"]]["parts"] if p["part"] == "statistics"]
    assert len(moved) == 3  # the HTML table, the PDF and the DOCX
    assert all(p["changes"] == [{"key": entry["statistic"], "from": 126, "to": 162}] for p in moved)


def test_changed_text_shows_the_reworded_paragraph_word_by_word(night_2):
    _, diff, _ = night_2
    entry = _entry("2", "changed_text")
    (page,) = _documents(diff)[entry["url"]]["parts"]
    assert page["part"] == "page"
    assert ["delete", "切实"] in page["diff"]["pieces"] and ["insert", "进一步"] in page["diff"]["pieces"]
    assert page["diff"]["sentences_rewritten"] == 1


def test_a_metadata_only_change_shows_the_field_and_no_text_diff(night_2):
    _, diff, _ = night_2
    entry = _entry("2", "metadata_only")
    (part,) = _documents(diff)[entry["url"]]["parts"]
    assert part["part"] == "metadata"
    assert [(c["from"], c["to"]) for c in part["changes"]] == [tuple(entry["metadata"]["有效性"])]


def test_changed_document_links_its_capture_of_each_night(night_2, nights):
    _, diff, _ = night_2
    _, crawls = nights
    document = _documents(diff)[_entry("2", "changed_text")["url"]]
    assert document["capture_a"]["crawl_id"] == crawls[0]
    assert document["capture_b"]["crawl_id"] == crawls[1]


@pytest.mark.parametrize("kind", ["removed_404", "removed_410", "soft_404"])
def test_vanished_document_links_its_last_archived_copy(night_2, nights, kind):
    _, diff, out = night_2
    data, crawls = nights
    document = _documents(diff)[_entry("2", kind)["url"]]
    capture = document["capture_a"]
    with sqlite3.connect(data / "gongkai.db") as conn:
        status, crawl = conn.execute(
            "SELECT status, crawl_id FROM captures WHERE record_id = ?", (capture["record_id"],)
        ).fetchone()
    assert (status, crawl, document["last_seen_crawl"]) == (200, crawls[0], crawls[0])
    uuid = capture["record_id"].strip("<>").removeprefix("urn:uuid:")
    assert f"/-/capture/{uuid}" in out.read_text(encoding="utf-8")


def test_markdown_shows_the_changed_number_in_place(night_2):
    _, _, out = night_2
    assert "[-126-]{+162+}" in out.with_suffix(".md").read_text(encoding="utf-8")


def test_default_compares_the_last_two_crawls(nights, tmp_path):
    data, crawls = nights
    proc, diff = _diff(data, tmp_path / "last.html")
    assert (diff["crawl_a"]["crawl_id"], diff["crawl_b"]["crawl_id"]) == (crawls[1], crawls[2])
    documents = _documents(diff)
    for kind, state in NIGHT_3.items():
        for entry in EPOCHS["3"][kind]:
            assert documents[entry["url"]]["state"] == state, (kind, entry["url"])
    assert diff["summary"] in proc.stdout


def test_crawls_given_newest_first_are_a_clear_error(nights):
    data, crawls = nights
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "diff", "crawls", crawls[2], crawls[0], "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "give the older crawl first" in proc.stderr


def test_archived_copies_are_linked_under_the_public_url_of_the_settings(nights, tmp_path):
    data, crawls = nights
    settings = tmp_path / "gongkai.toml"
    public = 'public_url = "https://gongkai.example.org"'
    settings.write_text(f'data_dir = "{data}"\n{public}\n', encoding="utf-8")
    out = tmp_path / "linked.html"
    gongkai("diff", "crawls", crawls[0], crawls[1], "--settings", str(settings), "--out", str(out))
    assert 'href="https://gongkai.example.org/-/capture/' in out.read_text(encoding="utf-8")
