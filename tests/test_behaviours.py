"""Transport faults a real portal throws at a crawler, served by the replica, each met the right way.

The config (tests/fixtures/replica-behaviours.toml) lists the replica's behaviour URLs as documents.
"""

import sqlite3

import pytest

from tests.conftest import ROOT, gongkai

CONFIG = ROOT / "tests/fixtures/replica-behaviours.toml"
BASE = "http://www.yueqing.replica.test/__behaviour"


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    data = tmp_path_factory.mktemp("behaviours")
    gongkai("crawl", "--portal", str(CONFIG), "--data", str(data))
    gongkai("extract", "--data", str(data))
    return data


def _index(data, sql, *args):
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        return conn.execute(sql, args).fetchall()


def test_redirect_chain_is_followed_and_every_hop_archived(crawl):
    hops = _index(
        crawl, "SELECT url, status FROM captures WHERE url LIKE ? ORDER BY fetched_at", f"{BASE}/col/%"
    )
    assert [s for _, s in hops] == [301, 302, 200]
    docs = [u for (u,) in _index(crawl, "SELECT url FROM observations WHERE url LIKE ?", f"{BASE}/col/%")]
    assert docs == [f"{BASE}/col/col1229000999/index.html"]


def test_server_error_then_success_is_retried_and_the_document_kept(crawl):
    statuses = [
        s
        for (s,) in _index(
            crawl, "SELECT status FROM captures WHERE url = ? ORDER BY fetched_at", f"{BASE}/flaky"
        )
    ]
    assert statuses == [503, 503, 200]
    assert not _index(crawl, "SELECT 1 FROM issues WHERE url = ?", f"{BASE}/flaky")


@pytest.mark.parametrize("path", ["jsl", "ruishu"])
def test_challenge_page_is_blocked_never_a_document(crawl, path):
    assert _index(crawl, "SELECT code FROM issues WHERE url = ?", f"{BASE}/{path}") == [("blocked",)]
    kinds = {
        k
        for (k,) in _index(
            crawl, "SELECT json_extract(data, '$.type') FROM observations WHERE url = ?", f"{BASE}/{path}"
        )
    }
    assert kinds == {"blocked"}


def test_slow_response_past_the_read_timeout_is_a_timeout_failure(crawl):
    assert _index(crawl, "SELECT code FROM issues WHERE url = ?", f"{BASE}/slow?seconds=5") == [("timeout",)]


def test_gbk_page_without_header_charset_is_decoded_from_its_meta(crawl):
    with sqlite3.connect(crawl / "gongkai.db") as conn:
        [(text,)] = conn.execute("SELECT text FROM documents WHERE url = ?", (f"{BASE}/gbk.html",)).fetchall()
    assert "\ufffd" not in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)
