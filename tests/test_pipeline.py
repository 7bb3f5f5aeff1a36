"""The whole pipeline on the bundled replica: crawl → WARC archive → extract → SQLite → Datasette.

Everything here is real: the replica is served over HTTP on 127.0.0.1, Scrapy crawls it in a
subprocess, the WARC files are read back with warcio, and Datasette answers over HTTP.
"""

import hashlib
import json
import sqlite3
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import index
from archive.store import Archive
from crawler.replica.serve import running_replica
from tests.conftest import ROOT, copy_data, gongkai

MANIFEST = json.loads((ROOT / "crawler" / "replica" / "manifest.json").read_text(encoding="utf-8"))
AGENCIES = {pid: a for host in MANIFEST["hosts"].values() for pid, a in host["agencies"].items()}
FAULTS = {f["kind"]: f for f in MANIFEST["faults"]}


def _rows(data: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(data / "gongkai.db") as conn:
        return conn.execute(sql, args).fetchall()


def _fetch_via_replica(replica, url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": replica.url}))
    try:
        with opener.open(urllib.request.Request(urllib.parse.quote(url, safe=":/?&=%"))) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


# -- crawl and archive -------------------------------------------------------------------------


def test_crawl_reads_every_document_page_of_every_agency(crawled):
    with Archive(crawled / "archive") as archive:
        seen = {}
        for obs in index.observations(archive.db):
            if obs["data"]["type"] == "document":
                seen.setdefault(obs["portal"], set()).add(obs["url"])
    assert {pid: len(urls) for pid, urls in seen.items()} == {
        pid: a["documents_ok"] for pid, a in AGENCIES.items()
    }


def test_archived_payloads_are_byte_for_byte_what_the_server_sends(crawled):
    urls = [r["page"] for a in AGENCIES.values() for r in a["annual_reports"] if r.get("page")]
    urls += [u for a in AGENCIES.values() for u in a["attachments"]]
    urls += [f["url"] for f in MANIFEST["faults"] if f.get("method", "GET") == "GET"]
    with Archive(crawled / "archive") as archive, running_replica() as replica:
        latest = {c.url: c for c in index.captures(archive.db)}
        mismatched = []
        for url in urls:
            capture = latest[_as_archived(url)]
            status, body = _fetch_via_replica(replica, url)
            if (status, body) != (capture.status, archive.read_payload(capture, decoded=False)):
                mismatched.append(url)
    assert mismatched == []


def _as_archived(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts._replace(path=urllib.parse.quote(urllib.parse.unquote(parts.path), safe="/%")).geturl()


def test_every_warc_record_has_a_matching_index_row(crawled):
    with Archive(crawled / "archive") as archive:
        indexed = {c.record_id: (c.warc_file, c.warc_offset) for c in index.captures(archive.db)}
        in_warc = {}
        for warc in sorted((crawled / "archive" / "warc").glob("*.warc.gz")):
            with open(warc, "rb") as f:
                it = ArchiveIterator(f)
                for record in it:
                    if record.rec_type in ("response", "revisit"):
                        in_warc[record.rec_headers.get_header("WARC-Record-ID")] = (warc.name, it.offset)
    assert in_warc == indexed


def test_error_pages_are_archived_with_their_status(crawled):
    with Archive(crawled / "archive") as archive:
        statuses = {c.url: c.status for c in index.captures(archive.db)}
    assert statuses[FAULTS["http_404"]["url"]] == 404
    assert statuses[FAULTS["http_500"]["url"]] == 500


def test_recrawl_writes_revisit_records_and_stores_no_payload_twice(crawled, tmp_path):
    data = copy_data(crawled, tmp_path / "data")
    gongkai("crawl", "--data", str(data))
    with Archive(data / "archive") as archive:
        crawl_ids = [r[0] for r in archive.db.execute("SELECT crawl_id FROM crawls ORDER BY started_at")]
        second = list(index.captures(archive.db, crawl_ids[-1]))
    assert len(crawl_ids) == 2 and second
    assert {c.record_type for c in second} == {"revisit"}
    stored = []
    for warc in (data / "archive" / "warc").glob("*.warc.gz"):
        with open(warc, "rb") as f:
            stored += [
                hashlib.sha256(r.raw_stream.read()).hexdigest()
                for r in ArchiveIterator(f)
                if r.rec_type == "response"
            ]
    assert len(stored) == len(set(stored))


def test_recrawl_leaves_the_first_crawls_warc_bytes_untouched(crawled, tmp_path):
    data = copy_data(crawled, tmp_path / "data")
    before = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (data / "archive" / "warc").iterdir()
    }
    gongkai("crawl", "--data", str(data))
    after = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (data / "archive" / "warc").iterdir()
    }
    assert {name: after[name] for name in before} == before
    assert len(after) == len(before) + 1


def test_crawl_summary_names_each_failure(crawled):
    output = (crawled / "crawl-output.txt").read_text(encoding="utf-8")
    assert "failure http-404: 1" in output
    assert "failure http-500: 1" in output


# -- extract ------------------------------------------------------------------------------------


def test_extract_runs_from_the_archive_alone(crawled, tmp_path):
    data = copy_data(crawled, tmp_path / "data")
    # Any network use would go to this dead proxy and fail.
    proc = gongkai("extract", "--data", str(data), env={"http_proxy": "http://127.0.0.1:9", "no_proxy": ""})
    assert "documents" in proc.stdout
    assert _rows(data, "SELECT count(*) FROM documents")[0][0] > 0


def test_extract_twice_gives_the_same_database(extracted, tmp_path):
    data = copy_data(extracted, tmp_path / "data")
    gongkai("extract", "--data", str(data))
    tables = ["documents", "document_columns", "attachments", "failures", "captures", "extractions"]
    for table in tables:
        assert _table_digest(extracted, table) == _table_digest(data, table), table


def _table_digest(data: Path, table: str) -> str:
    rows = _rows(data, f"SELECT * FROM {table} ORDER BY 1, 2")
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()


def test_every_agency_has_at_least_three_years_of_annual_reports(extracted):
    years = {}
    for portal, year in _rows(
        extracted, "SELECT portal, report_year FROM documents WHERE doc_type = 'annual_report'"
    ):
        years.setdefault(portal, set()).add(year)
    assert set(years) == set(AGENCIES)
    assert all(len(y) >= 3 for y in years.values()), years


def test_each_annual_report_is_found_in_its_published_form_with_its_year(extracted):
    found = {
        url: (year, kind)
        for url, year, kind in _rows(extracted, "SELECT url, report_year, doc_type FROM documents")
    }
    for agency in AGENCIES.values():
        for report in agency["annual_reports"]:
            url = _as_archived(report.get("page") or report["attachment"])
            assert found[url] == (report["year"], "annual_report"), url


def test_attachment_text_is_part_of_the_document_text(extracted):
    rows = _rows(
        extracted,
        "SELECT d.text, a.kind FROM documents d JOIN attachments a ON a.document_id = d.id "
        "WHERE d.doc_type = 'annual_report' AND a.status = 'ok' AND a.kind = 'pdf'",
    )
    assert rows
    assert all("本年新收政府信息公开申请数量" in text for text, _ in rows)


def test_work_plan_and_self_assessment_are_told_apart_from_annual_reports(extracted):
    kinds = {k for (k,) in _rows(extracted, "SELECT DISTINCT doc_type FROM documents")}
    assert {"annual_report", "work_plan", "self_assessment", "disclosure_guide"} <= kinds


def test_document_listed_in_two_columns_is_one_document_with_two_memberships(extracted):
    url = FAULTS["duplicate_listing"]["url"]
    [(doc_id,)] = _rows(extracted, "SELECT id FROM documents WHERE url = ?", url)
    columns = _rows(extracted, "SELECT column_key FROM document_columns WHERE document_id = ?", doc_id)
    assert len(columns) == 2


def test_metadata_table_fields_are_stored(extracted):
    rows = _rows(
        extracted,
        "SELECT identifier, publisher, published_date FROM documents"
        " WHERE doc_type = 'annual_report' AND form LIKE 'html%'",
    )
    assert rows and all(
        identifier and publisher and published_date for identifier, publisher, published_date in rows
    )


@pytest.mark.parametrize(
    ("fault", "stage", "code"),
    [
        ("http_404", "crawl", "http-404"),
        ("http_500", "crawl", "http-500"),
        ("corrupt_attachment", "extract", "pdf-unreadable"),
        ("gbk_lying_header", "extract", "charset-mismatch"),
    ],
)
def test_each_bad_input_gets_a_failure_row(extracted, fault, stage, code):
    url = _as_archived(FAULTS[fault]["url"])
    rows = _rows(extracted, "SELECT stage, code, capture FROM failures WHERE url = ?", url)
    assert (stage, code) in {(s, c) for s, c, _ in rows}, rows


def test_page_with_a_lying_charset_is_still_decoded_right(extracted):
    [(text,)] = _rows(
        extracted, "SELECT text FROM documents WHERE url = ?", FAULTS["gbk_lying_header"]["url"]
    )
    assert "供销" in text and "\ufffd" not in text


# -- publish ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["复议", "依申请公开"])
def test_datasette_json_api_finds_chinese_queries(datasette_url, query):
    data = _json(f"{datasette_url}/gongkai/documents.json?_shape=objects&_search={urllib.parse.quote(query)}")
    assert data["rows"], query
    assert all(query in (row["text"] or "") + (row["title"] or "") for row in data["rows"])


def test_datasette_search_box_page_shows_matching_documents(datasette_url):
    url = f"{datasette_url}/gongkai/documents?_search={urllib.parse.quote('复议')}"
    with urllib.request.urlopen(url, timeout=10) as resp:
        page = resp.read().decode("utf-8")
    assert 'name="_search"' in page and 'value="复议"' in page
    assert "年度报告" in page


def test_datasette_serves_the_metadata_descriptions(datasette_url):
    meta = _json(f"{datasette_url}/-/metadata.json")
    assert "documents" in meta["databases"]["gongkai"]["tables"]


def test_warc_files_are_gzip_per_record(crawled):
    raw = next((crawled / "archive" / "warc").glob("*.warc.gz")).read_bytes()
    member = zlib.decompressobj(wbits=31)
    first = member.decompress(raw)
    # The first gzip member ends after one record; the rest of the file is further members.
    assert first.startswith(b"WARC/1.1") and first.count(b"WARC/1.1\r\n") == 1
    assert member.unused_data.startswith(b"\x1f\x8b")
