"""A POSTed list form is archived as a WARC request record beside the response it got.

The Hanweb data proxy answers by the form in the POST body (which column, which unit), so the
response alone does not say what was asked. One crawl of a jpage portal on the replica; then the
same crawl marked as killed and run again, which resumes it from the archive.
"""

import json
import sqlite3
import tomllib
from urllib.parse import parse_qsl

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.replica.serve import running_replica
from tests.conftest import ROOT, gongkai

PORTAL = "replica-yueqing-gxs"
PROXY = "http://www.yueqing.replica.test/module/jpage/dataproxy.jsp"
CONFIG = tomllib.loads((ROOT / f"crawler/replica/portals/{PORTAL}.toml").read_text(encoding="utf-8"))
# each column's form as the portal's page script posts it, {webid} filled from [discovery]
FORMS = [
    {k: v.replace("{webid}", CONFIG["discovery"]["webid"]) for k, v in c["pagination"]["form"].items()}
    for c in CONFIG["columns"]
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A data directory after one crawl of the jpage portal, with the replica's request log."""
    data = tmp_path_factory.mktemp("posts")
    with running_replica(data / "requests.jsonl") as replica:
        gongkai("crawl", "--portal", PORTAL, "--data", str(data), "--replica-url", replica.url)
    return data


def _index(data, sql, *args):
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        return conn.execute(sql, args).fetchall()


def _records(data) -> dict[str, object]:
    """Every WARC record by its WARC-Record-ID, with its block read."""
    found = {}
    for warc in sorted((data / "archive/warc").glob("*.warc.gz")):
        with open(warc, "rb") as f:
            for record in ArchiveIterator(f):
                record.block = record.content_stream().read()
                found[record.rec_headers.get_header("WARC-Record-ID")] = record
    return found


def test_every_post_to_the_data_proxy_has_a_request_row_paired_with_its_capture(crawled):
    posts = _index(crawled, "SELECT record_id FROM captures WHERE method = 'POST'")
    paired = _index(crawled, "SELECT capture FROM requests WHERE method = 'POST'")
    assert posts and sorted(paired) == sorted(posts)
    assert {u for (u,) in _index(crawled, "SELECT url FROM requests")} <= {
        u for (u,) in _index(crawled, "SELECT url FROM captures WHERE url LIKE ?", PROXY + "?%")
    }


def test_request_record_holds_the_posted_form_byte_for_byte(crawled):
    records = _records(crawled)
    bodies = {records[r].block for (r,) in _index(crawled, "SELECT record_id FROM requests")}
    posted = {tuple(sorted(parse_qsl(body.decode("ascii")))) for body in bodies}
    assert posted == {tuple(sorted(form.items())) for form in FORMS}
    assert all(b"webname=%E4%B9%90%E6%B8%85" in body for body in bodies)  # percent-encoded UTF-8, as sent


def test_request_record_starts_with_the_post_request_line(crawled):
    records = _records(crawled)
    for (record_id,) in _index(crawled, "SELECT record_id FROM requests"):
        request = records[record_id]
        assert request.rec_type == "request"
        assert (request.http_headers.protocol, request.http_headers.statusline.split("?")[0]) == (
            "POST",
            "/module/jpage/dataproxy.jsp",
        )
        assert request.http_headers.get_header("Content-Type") == "application/x-www-form-urlencoded"


def test_request_record_is_concurrent_to_the_response_it_got(crawled):
    records = _records(crawled)
    for record_id, capture in _index(crawled, "SELECT record_id, capture FROM requests"):
        assert records[record_id].rec_headers.get_header("WARC-Concurrent-To") == capture
        assert records[capture].rec_type in ("response", "revisit")
        assert records[capture].rec_headers.get_header("WARC-Target-URI") == records[
            record_id
        ].rec_headers.get_header("WARC-Target-URI")


def test_request_body_digest_in_the_index_matches_the_record(crawled):
    import hashlib

    records = _records(crawled)
    for record_id, sha in _index(crawled, "SELECT record_id, body_sha256 FROM requests"):
        assert hashlib.sha256(records[record_id].block).hexdigest() == sha


def test_gets_are_not_archived_as_request_records(crawled):
    assert _index(crawled, "SELECT count(*) FROM requests WHERE method = 'GET'") == [(0,)]
    in_warc = [r for r in _records(crawled).values() if r.rec_type == "request"]
    assert [(len(in_warc),)] == _index(crawled, "SELECT count(*) FROM captures WHERE method != 'GET'")


def test_archive_with_request_records_verifies(crawled):
    assert gongkai("verify-archive", "--data", str(crawled)).stdout.endswith(", 0 problems\n")


def test_resumed_crawl_replays_its_posts_from_the_archive_not_the_portal(crawled, tmp_path):
    from tests.conftest import copy_data

    data = copy_data(crawled, tmp_path / "data")
    before = _index(data, "SELECT count(*) FROM captures")
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        conn.execute("UPDATE crawls SET status = 'running'")  # as if the crawl had been killed
    log = tmp_path / "requests.jsonl"
    with running_replica(log) as replica:
        gongkai("crawl", "--portal", PORTAL, "--data", str(data), "--replica-url", replica.url)
    asked = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert not [e for e in asked if e["method"] == "POST"]
    assert _index(data, "SELECT count(*) FROM captures") == before
    assert gongkai("verify-archive", "--data", str(data)).stdout.endswith(", 0 problems\n")
