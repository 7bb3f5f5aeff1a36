"""Several nights of the replica, with its faults on: what changed, vanished, appeared or was blocked.

One replica serves three nights (epochs); `gongkai crawl` runs each night against it, then
`gongkai extract` reads all three crawls. The replica's manifest says what changed each night.
"""

import sqlite3

import pytest

from tests.conftest import EPOCHS, NIGHT_2, gongkai

NIGHT_3 = {"still_gone": "vanished", "unblocked": "unchanged", "changed_text": "changed"}


def _statuses(data, crawl_id) -> dict[str, str]:
    with sqlite3.connect(data / "gongkai.db") as conn:
        rows = conn.execute(
            "SELECT d.url, s.status FROM document_status s JOIN documents d ON d.id = s.document_id"
            " WHERE s.crawl_id = ?",
            (crawl_id,),
        )
        return dict(rows)


def _urls(night: str, kind: str) -> list[str]:
    return [entry["url"] for entry in EPOCHS[night][kind]]


def test_three_crawls_are_recorded(nights):
    data, crawls = nights
    assert len(crawls) == 3


def test_the_first_night_finds_every_document_new(nights):
    data, crawls = nights
    assert set(_statuses(data, crawls[0]).values()) == {"new"}


@pytest.mark.parametrize(("kind", "status"), sorted(NIGHT_2.items()))
def test_second_night_status_of_each_change(nights, kind, status):
    data, crawls = nights
    statuses = _statuses(data, crawls[1])
    assert {url: statuses.get(url) for url in _urls("2", kind)} == {url: status for url in _urls("2", kind)}


def test_second_night_every_other_document_is_unchanged_though_the_lists_moved(nights):
    data, crawls = nights
    named = {url for kind in NIGHT_2 for url in _urls("2", kind)}
    others = {url: s for url, s in _statuses(data, crawls[1]).items() if url not in named}
    assert others and set(others.values()) == {"unchanged"}


@pytest.mark.parametrize(("kind", "status"), sorted(NIGHT_3.items()))
def test_third_night_status_of_each_change(nights, kind, status):
    data, crawls = nights
    statuses = _statuses(data, crawls[2])
    assert {url: statuses.get(url) for url in _urls("3", kind)} == {url: status for url in _urls("3", kind)}


def test_vanished_document_stays_with_its_last_sighting_and_the_night_it_went(nights):
    data, crawls = nights
    url = _urls("2", "removed_404")[0]
    with sqlite3.connect(data / "gongkai.db") as conn:
        row = conn.execute(
            "SELECT status, last_seen_crawl, gone_since_crawl, length(text) FROM documents WHERE url = ?",
            (url,),
        ).fetchone()
    assert row[:3] == ("vanished", crawls[0], crawls[1]) and row[3] > 0


def test_changed_report_keeps_both_versions_of_its_pdf_in_the_archive(nights):
    data, _ = nights
    pdf = EPOCHS["2"]["changed_report"][0]["urls"]["pdf"]
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        shas = {
            sha
            for (sha,) in conn.execute(
                "SELECT payload_sha256 FROM captures WHERE url = ? AND status = 200", (pdf,)
            )
        }
    assert len(shas) == 2


def test_number_changed_inside_the_report_is_the_stored_value(nights):
    data, _ = nights
    change = EPOCHS["2"]["changed_report"][0]
    with sqlite3.connect(data / "gongkai.db") as conn:
        [(value,)] = conn.execute(
            "SELECT s.value FROM statistics s JOIN documents d ON d.id = s.report_id"
            " WHERE d.url = ? AND s.key = ?",
            (change["url"], change["statistic"]),
        ).fetchall()
    assert value == change["now"] != change["was"]


def test_blocked_night_is_recorded_as_blocked_not_as_a_version(nights):
    data, crawls = nights
    url = _urls("2", "blocked")[0]
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        codes = {
            c
            for (c,) in conn.execute(
                "SELECT code FROM issues WHERE url = ? AND crawl_id = ?", (url, crawls[1])
            )
        }
    assert codes == {"blocked"}


def test_archive_verifies_after_three_nights(nights):
    data, _ = nights
    assert gongkai("verify-archive", "--data", str(data)).stdout.endswith(", 0 problems\n")
