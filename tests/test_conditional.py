"""Conditional requests end to end: a recrawl asks "changed since?" and an unchanged page costs a 304.

The replica's Ankang host is told to act as a static web server (ETag, Last-Modified, 304 answers;
crawler/replica/validators.py). One portal is crawled three times into one archive: twice on the
same night (epoch 1), where nothing changed, then on the next night (epoch 2), where one document's
text changed. Each crawl has its own replica request log, so the test can see what was asked.
"""

import json
import sqlite3
import urllib.request

import pytest

from crawler.replica.serve import running_replica
from tests.conftest import ROOT, gongkai

HOST = "www.hanyin.replica.test"
PORTAL = "replica-hanyin-gxs"
EPOCHS = json.loads((ROOT / "crawler/replica/manifest.json").read_text(encoding="utf-8"))["epochs"]
CHANGED = next(e["url"] for e in EPOCHS["2"]["changed_text"] if e["portal"] == PORTAL)
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


@pytest.fixture(scope="module")
def recrawled(tmp_path_factory):
    """The archive after three crawls (epochs 1, 1, 2), extracted; the crawl ids; each crawl's request log."""
    data = tmp_path_factory.mktemp("conditional")
    logs = []
    for n, epoch in enumerate((1, 1, 2)):
        log = data / f"requests-{n}.jsonl"
        with running_replica(log, epoch=epoch, validators=(HOST,)) as replica:
            gongkai("crawl", "--portal", PORTAL, "--data", str(data), "--replica-url", replica.url)
        logs.append([json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()])
    gongkai("extract", "--data", str(data))
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        crawls = [c for (c,) in conn.execute("SELECT crawl_id FROM crawls ORDER BY started_at")]
    return data, crawls, logs


def _index(data, sql, *args):
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        return conn.execute(sql, args).fetchall()


def _path(url: str) -> str:
    return url.split(HOST, 1)[1]


def test_replica_static_host_answers_a_matching_etag_with_304():
    url = "http://www.trs.replica.test/xxgk/gkml/index.html"
    with running_replica() as replica:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": replica.url}))
        first = opener.open(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(urllib.request.Request(url, headers={"If-None-Match": etag}))
    assert etag and modified and answer.value.code == 304


def test_replica_dynamic_hosts_send_no_validators_by_default():
    with running_replica() as replica:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": replica.url}))
        headers = opener.open(f"http://{HOST}/Node-9105.html").headers
    assert headers["ETag"] is None and headers["Last-Modified"] is None


def test_first_crawl_sends_no_validators(recrawled):
    _, _, logs = recrawled
    assert not [e for e in logs[0] if "conditional" in e]


def test_recrawl_asks_for_a_document_with_if_none_match_and_if_modified_since(recrawled):
    _, _, logs = recrawled
    [asked] = [e for e in logs[1] if e["path"] == _path(CHANGED)]
    assert set(asked["conditional"]) == {"If-None-Match", "If-Modified-Since"}


def test_recrawl_of_an_unchanged_night_is_answered_304_for_every_page_asked_again(recrawled):
    _, _, logs = recrawled
    conditional = [e for e in logs[1] if "conditional" in e]
    assert conditional and {e["status"] for e in conditional} == {304}


def test_304_is_archived_as_a_not_modified_revisit_of_the_earlier_capture(recrawled):
    data, crawls, _ = recrawled
    [(status, record_type, refers_crawl)] = _index(
        data,
        "SELECT c.status, c.record_type, e.crawl_id FROM captures c"
        " JOIN captures e ON e.record_id = c.refers_to"
        " WHERE c.crawl_id = ? AND c.url = ?",
        crawls[1],
        CHANGED,
    )
    assert (status, record_type, refers_crawl) == (304, "revisit", crawls[0])


def test_304_revisit_record_carries_the_server_not_modified_profile(recrawled):
    from warcio.archiveiterator import ArchiveIterator

    data, crawls, _ = recrawled
    [(warc_file, offset)] = _index(
        data, "SELECT warc_file, warc_offset FROM captures WHERE crawl_id = ? AND url = ?", crawls[1], CHANGED
    )
    with open(data / "archive/warc" / warc_file, "rb") as f:
        f.seek(offset)
        record = next(iter(ArchiveIterator(f)))
    assert record.rec_headers.get_header("WARC-Profile") == NOT_MODIFIED_PROFILE
    assert record.http_headers.get_statuscode() == "304"


def test_not_modified_recrawl_stores_no_payload_twice(recrawled):
    data, crawls, _ = recrawled
    stored_again = _index(
        data,
        "SELECT c.url FROM captures c WHERE c.crawl_id = ? AND c.record_type = 'response' AND EXISTS"
        " (SELECT 1 FROM captures e WHERE e.crawl_id = ? AND e.payload_sha256 = c.payload_sha256)",
        crawls[1],
        crawls[0],
    )
    assert stored_again == []


def _statuses(data, crawl_id: str) -> dict[str, str]:
    """Each document's status in one crawl, by URL."""
    with sqlite3.connect(data / "gongkai.db") as conn:
        return dict(
            conn.execute(
                "SELECT d.url, s.status FROM document_status s JOIN documents d ON d.id = s.document_id"
                " WHERE s.crawl_id = ?",
                (crawl_id,),
            )
        )


def test_document_answered_304_is_unchanged_and_keeps_its_text(recrawled):
    data, crawls, _ = recrawled
    statuses = _statuses(data, crawls[1])
    with sqlite3.connect(data / "gongkai.db") as conn:
        [(text,)] = conn.execute("SELECT text FROM documents WHERE url = ?", (CHANGED,)).fetchall()
    assert statuses and set(statuses.values()) == {"unchanged"}
    assert EPOCHS["2"]["changed_text"][0]["paragraph"]["now"] in text


def test_document_changed_on_the_next_night_is_answered_200_and_archived_as_a_new_version(recrawled):
    data, crawls, logs = recrawled
    [asked] = [e for e in logs[2] if e["path"] == _path(CHANGED)]
    [(status, record_type)] = _index(
        data, "SELECT status, record_type FROM captures WHERE crawl_id = ? AND url = ?", crawls[2], CHANGED
    )
    versions = _index(
        data, "SELECT DISTINCT payload_sha256 FROM captures WHERE url = ? AND status = 200", CHANGED
    )
    assert "conditional" in asked and asked["status"] == 200
    assert (status, record_type, len(versions)) == (200, "response", 2)


def test_document_changed_on_the_next_night_is_changed_and_the_rest_unchanged(recrawled):
    data, crawls, _ = recrawled
    statuses = _statuses(data, crawls[2])
    assert statuses.pop(CHANGED) == "changed"
    assert set(statuses.values()) == {"unchanged"}


def test_archive_with_not_modified_revisits_verifies(recrawled):
    data, _, _ = recrawled
    assert gongkai("verify-archive", "--data", str(data)).stdout.endswith(", 0 problems\n")
