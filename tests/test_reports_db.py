"""Annual reports in the database: every replica report's statistics equal its truth, with provenance.

The replica's reports have distinct non-zero values in every cell of some reports, in every published
form (HTML tables, PDF, DOCX), so a misplaced column or row fails here.
"""

import json
import sqlite3

import pytest

from archive import index
from archive.store import Archive
from pipelines.extract import extract
from pipelines.report import parse_report
from tests.conftest import ROOT

TRUTHS = {
    p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "crawler/replica/truth").glob("*.json")
}


def _db(data):
    conn = sqlite3.connect(data / "gongkai.db")
    conn.row_factory = sqlite3.Row
    return conn


def _figures(conn, report_id):
    return {
        r["key"]: (None if r["blank"] else r["value"])
        for r in conn.execute("SELECT key, value, blank FROM statistics WHERE report_id = ?", (report_id,))
    }


def _report_for(conn, truth):
    return conn.execute(
        "SELECT r.* FROM reports r JOIN documents d ON d.id = r.document_id"
        " WHERE d.agency = ? AND r.year = ?",
        (truth["agency"], truth["year"]),
    ).fetchone()


@pytest.mark.parametrize("name", sorted(TRUTHS))
def test_stored_statistics_equal_the_replica_truth(extracted, name):
    truth = TRUTHS[name]
    with _db(extracted) as conn:
        report = _report_for(conn, truth)
        assert report is not None, name
        assert report["format_version"] == truth["format_version"]
        assert _figures(conn, report["id"]) == truth["statistics"]


def _renderings(truth: dict) -> list[str]:
    """Every URL that carries the report's tables (a form-b page only says 详见附件)."""
    return [url for key, url in truth["urls"].items() if url and not (key == "page" and truth["form"] == "b")]


@pytest.mark.parametrize("name", sorted(TRUTHS))
def test_every_archived_rendering_parses_to_the_truth(extracted, name):
    truth = TRUTHS[name]
    with Archive(extracted / "archive") as archive:
        latest = {c.url: c for c in index.captures(archive.db) if c.status == 200}
        for url in _renderings(truth):
            capture = next(c for u, c in latest.items() if _same(u, url))
            extraction = extract(
                archive.read_payload(capture), content_type=capture.content_type, url=capture.url
            )
            report = parse_report(extraction, title=truth["title"])
            assert report.figures() == truth["statistics"], url


def _same(archived: str, published: str) -> bool:
    from urllib.parse import unquote

    return unquote(archived) == unquote(published)


def test_each_statistic_points_at_an_archived_capture_and_keeps_its_raw_text(extracted):
    with _db(extracted) as conn:
        rows = conn.execute(
            "SELECT s.raw, s.value, s.blank, c.url"
            " FROM statistics s JOIN captures c ON c.record_id = s.capture"
        ).fetchall()
        total = conn.execute("SELECT count(*) FROM statistics").fetchone()[0]
    assert len(rows) == total > 0
    assert all(r["raw"].strip() for r in rows if not r["blank"])


def test_blank_cells_are_stored_as_blank_not_zero(extracted):
    with _db(extracted) as conn:
        blanks = conn.execute("SELECT value, raw FROM statistics WHERE blank").fetchall()
    assert blanks and all(r["value"] is None for r in blanks)


def test_check_results_are_stored_for_every_report(extracted):
    with _db(extracted) as conn:
        per_report = conn.execute(
            "SELECT r.id, count(c.check_id)"
            " FROM reports r LEFT JOIN check_results c ON c.report_id = r.id GROUP BY r.id"
        ).fetchall()
        balance = conn.execute(
            "SELECT DISTINCT status FROM check_results WHERE rule = 't3.balance'"
        ).fetchall()
    assert per_report and all(n > 0 for _, n in per_report)
    assert {s for (s,) in balance} == {"pass"}


def test_headline_view_has_one_row_per_report(extracted):
    with _db(extracted) as conn:
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        rows = conn.execute("SELECT applications_new, outcome_total FROM report_headlines").fetchall()
    assert len(rows) == reports == len(TRUTHS)
    assert all(r["applications_new"] is not None and r["outcome_total"] is not None for r in rows)


def test_renderings_that_agree_are_recorded_as_agreeing(extracted):
    with _db(extracted) as conn:
        others = [json.loads(r[0]) for r in conn.execute("SELECT other_sources FROM reports")]
    compared = [o for group in others for o in group if o["cells"]]
    assert compared and all(o["differing"] == [] for o in compared)
