"""The diff reports browsed from a real Datasette over HTTP, and archived captures replayed from WARC."""

import hashlib
import json
import shutil
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.conftest import running_datasette


@pytest.fixture(scope="module")
def site(nights):
    data, crawls = nights
    with running_datasette(data / "gongkai.db") as url:
        yield url, data, crawls


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_diff_index_links_every_agency_and_each_pair_of_nights(site):
    url, _, crawls = site
    status, _, body = fetch(url + "/-/diffs")
    page = body.decode("utf-8")
    assert status == 200
    assert (
        f"/-/diff/crawls/{crawls[0]}/{crawls[1]}" in page
        and f"/-/diff/crawls/{crawls[1]}/{crawls[2]}" in page
    )
    assert "/-/diff/years/" + urllib.parse.quote("乐清市农业农村局") in page


def test_crawl_diff_page_is_the_report_of_the_last_two_nights(site):
    url, _, crawls = site
    status, headers, body = fetch(url + "/-/diff/crawls")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert f"What changed: {crawls[1]} → {crawls[2]}" in body.decode("utf-8")


def test_crawl_diff_json_reports_the_changed_number(site):
    url, _, crawls = site
    status, _, body = fetch(f"{url}/-/diff/crawls/{crawls[0]}/{crawls[1]}.json")
    diff = json.loads(body)
    moved = [
        c
        for p in diff["portals"]
        for d in p["documents"]
        for part in d["parts"]
        if part["part"] == "statistics"
        for c in part["changes"]
    ]
    assert status == 200 and {(c["from"], c["to"]) for c in moved} == {(126, 162)}


def test_year_over_year_page_for_an_agency(site):
    url, _, _ = site
    status, _, body = fetch(url + "/-/diff/years/" + urllib.parse.quote("乐清市农业农村局") + "?from=2021")
    page = body.decode("utf-8")
    assert status == 200 and "乐清市农业农村局 2021–2023: 3 reports" in page


def test_unknown_crawl_is_a_404_naming_the_known_ones(site):
    url, _, crawls = site
    status, _, body = fetch(f"{url}/-/diff/crawls/nope/{crawls[0]}")
    assert status == 404 and crawls[0] in body.decode("utf-8")


def test_capture_link_replays_the_archived_pdf_byte_for_byte(site):
    url, data, _ = site
    with sqlite3.connect(data / "archive" / "index.sqlite") as conn:
        record_id, payload_sha = conn.execute(
            "SELECT record_id, payload_sha256 FROM captures WHERE content_type = 'application/pdf'"
            " AND record_type = 'response' LIMIT 1"
        ).fetchone()
    uuid = record_id.strip("<>").removeprefix("urn:uuid:")
    status, headers, body = fetch(f"{url}/-/capture/{uuid}")
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == payload_sha


def replay(site, where: str) -> tuple[int, dict, bytes]:
    """Fetch from the plugin the first archived capture that ``where`` (SQL over captures) picks."""
    url, data, _ = site
    with sqlite3.connect(data / "archive" / "index.sqlite") as conn:
        (record_id,) = conn.execute(f"SELECT record_id FROM captures WHERE {where} LIMIT 1").fetchone()
    return fetch(f"{url}/-/capture/{record_id.strip('<>').removeprefix('urn:uuid:')}")


def test_archived_page_is_served_sandboxed(site):
    status, headers, _ = replay(site, "content_type LIKE 'text/html%' AND status = 200")
    assert status == 200 and headers["Content-Security-Policy"] == "sandbox"


def test_unknown_capture_is_a_404(site):
    url, _, _ = site
    status, _, _ = fetch(f"{url}/-/capture/00000000-0000-0000-0000-000000000000")
    assert status == 404


def test_a_name_matching_several_agencies_lists_them_instead_of_diffing_all(site):
    url, _, _ = site
    status, _, body = fetch(url + "/-/diff/years/" + urllib.parse.quote("乐清"))
    page = body.decode("utf-8")
    assert status == 200 and "2 agencies match 乐清" in page
    assert "/-/diff/years/" + urllib.parse.quote("乐清市农业农村局", safe="") in page


def test_an_archived_404_page_is_replayed_as_a_404(site):
    status, headers, _ = replay(site, "status = 404")
    assert status == 404 and headers["X-Content-Type-Options"] == "nosniff"


def test_an_archived_pdf_is_not_sandboxed_so_browsers_show_it(site):
    status, headers, _ = replay(site, "content_type = 'application/pdf'")
    assert status == 200 and "Content-Security-Policy" not in headers


def test_replaying_a_capture_writes_nothing_to_the_archive(nights, tmp_path):
    data, _ = nights
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    with sqlite3.connect(copy / "archive" / "index.sqlite") as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # as shipped to a read-only host: no -wal, no -shm
        (record_id,) = conn.execute(
            "SELECT record_id FROM captures WHERE content_type = 'application/pdf' LIMIT 1"
        ).fetchone()

    def snapshot():
        return sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in (copy / "archive").rglob("*"))

    before = snapshot()
    with running_datasette(copy / "gongkai.db") as url:
        status, _, body = fetch(f"{url}/-/capture/{record_id.strip('<>').removeprefix('urn:uuid:')}")
    assert status == 200 and body.startswith(b"%PDF")
    assert snapshot() == before
