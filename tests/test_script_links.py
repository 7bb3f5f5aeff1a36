"""Attachment links written as script, followed to the download servlet, archived and extracted.

乐清市农业农村局's pages on the replica (an older Hanweb template) link their files only from
script (portals.md §3.6, R26): ``href="javascript:void(0)" onclick="downloadFile('…')"`` for the first
file of a page and ``href="javascript:window.open('…')"`` for the second. The files come from the
download servlet ``/module/download/downfile.jsp?…`` with a Content-Disposition name (R35, R37).
Its portal config takes the URLs out with `pick` on the link attributes.
"""

import json
import re
import sqlite3
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.replica.serve import running_replica
from tests.conftest import ROOT, gongkai

PORTAL = "replica-yueqing-nyncj"
MANIFEST = json.loads((ROOT / "crawler/replica/manifest.json").read_text(encoding="utf-8"))
AGENCY = next(h["agencies"][PORTAL] for h in MANIFEST["hosts"].values() if PORTAL in h["agencies"])
REPORTS = {r["year"]: r for r in AGENCY["annual_reports"]}
ONCLICK = REPORTS[2020]  # form b: 详见附件 and one PDF, linked by onclick="downloadFile('…')"
BOTH = REPORTS[2022]  # form e: PDF by onclick, DOCX by href="javascript:window.open('…')"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("script-links")
    gongkai("crawl", "--portal", PORTAL, "--data", str(data))
    gongkai("extract", "--data", str(data))
    return data


def _captures(data, url: str) -> list[tuple]:
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        return conn.execute("SELECT status, content_type FROM captures WHERE url = ?", (url,)).fetchall()


def _attachment(data, url: str) -> dict:
    with sqlite3.connect(data / "gongkai.db") as conn:
        conn.row_factory = sqlite3.Row
        [row] = conn.execute(
            "SELECT a.*, d.url AS page FROM attachments a JOIN documents d ON d.id = a.document_id"
            " WHERE a.url = ?",
            (url,),
        ).fetchall()
    return dict(row)


def test_replica_page_links_its_files_only_from_script():
    with running_replica() as replica:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": replica.url}))
        html = opener.open(BOTH["page"]).read().decode("utf-8")
    assert not re.search(r'href="/module/download/', html)
    assert re.search(
        r'href="javascript:void\(0\)" onclick="downloadFile\(\'/module/download/downfile\.jsp', html
    )
    assert re.search(r'href="javascript:window\.open\(\'/module/download/downfile\.jsp', html)


def test_file_behind_an_onclick_download_call_is_fetched_and_archived(crawled):
    assert _captures(crawled, ONCLICK["urls"]["pdf"]) == [(200, "application/octet-stream")]


def test_file_behind_a_javascript_window_open_href_is_fetched_and_archived(crawled):
    assert _captures(crawled, BOTH["urls"]["docx"]) == [(200, "application/octet-stream")]


def test_script_linked_files_are_attachments_of_the_page_that_links_them(crawled):
    for report, kind in ((ONCLICK, "pdf"), (BOTH, "pdf"), (BOTH, "docx")):
        attachment = _attachment(crawled, report["urls"][kind])
        assert (attachment["page"], attachment["status"], attachment["kind"]) == (report["page"], "ok", kind)


def test_download_servlet_rfc5987_name_is_the_attachment_filename(crawled):
    url = ONCLICK["urls"]["pdf"]
    routes = json.loads((ROOT / "crawler/replica/site/routes.json").read_text(encoding="utf-8"))["routes"]
    served = next(r for r in routes if r.get("kind") == "download")["files"]
    stored = parse_qs(urlsplit(url).query)["filename"][0]
    assert served[stored]["disposition"] == "rfc5987"
    assert _attachment(crawled, url)["filename"] == parse_qs(urlsplit(url).query)["showname"][0]


def test_report_whose_page_says_see_attachment_has_the_text_of_its_script_linked_pdf(crawled):
    attachment = _attachment(crawled, ONCLICK["urls"]["pdf"])
    with sqlite3.connect(crawled / "gongkai.db") as conn:
        [(text,)] = conn.execute(
            "SELECT text FROM extractions WHERE payload_sha256 = ?", (attachment["payload_sha256"],)
        ).fetchall()
    # pdfminer sets the year apart with spaces: "乐清市农业农村局 2020 年度…"
    assert attachment["chars"] > 1000 and text.replace(" ", "").startswith(ONCLICK["title"])
