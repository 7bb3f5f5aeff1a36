"""The bundled replica portal, served over real HTTP on 127.0.0.1 and used as a proxy.

URLs come from crawler/replica/manifest.json, so a rebuild of the replica needs no test edits.
"""

from __future__ import annotations

import http.client
import json
import re
import tomllib
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import parse_qs, quote, unquote, urlencode, urljoin, urlsplit
from urllib.request import ProxyHandler, Request, build_opener

import pytest
from lxml import html
from pdfminer.high_level import extract_text

from crawler.replica.serve import is_replica_host, running_replica
from tests.conftest import shared_dir

REPLICA = Path(__file__).resolve().parents[1] / "crawler" / "replica"
SPEC = shared_dir() / "spec"
MANIFEST = json.loads((REPLICA / "manifest.json").read_text(encoding="utf-8"))
TRUTHS = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((REPLICA / "truth").glob("*.json"))
}
APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)
AGENCIES = {
    portal: agency for host in MANIFEST["hosts"].values() for portal, agency in host["agencies"].items()
}
REPORTS = [report for agency in AGENCIES.values() for report in agency["annual_reports"]]
SEEDS = {report["seed"]: report for report in REPORTS if "seed" in report}
YUEQING = "http://www.yueqing.replica.test"
PROXY = f"{YUEQING}/module/jpage/dataproxy.jsp"


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    with running_replica(tmp_path_factory.mktemp("replica") / "requests.jsonl") as running:
        yield running


def fetch(replica, url: str, form: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    """GET a replica URL through the replica as proxy, or POST ``form`` (urlencoded, UTF-8) to it.

    The URL is percent-encoded as UTF-8 first.
    """
    opener = build_opener(ProxyHandler({"http": replica.url}))
    data = urlencode(form).encode() if form is not None else None
    try:
        with opener.open(Request(quote(url, safe=":/?=&%"), data=data), timeout=10) as response:
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


def jpage(replica, form: dict, start: int, end: int, path: str = PROXY) -> tuple[int, int, list[str]]:
    """POST one data-proxy window; (status, totalrecord, the <li> records)."""
    status, _, body = fetch(replica, f"{path}?startrecord={start}&endrecord={end}&perpage=15", form)
    total = re.search(rb"<totalrecord>(\d+)</totalrecord>", body)
    records = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", body.decode("utf-8"), re.S)
    return status, int(total.group(1)) if total else -1, [r.strip() for r in records]


def island(page: bytes) -> list[str]:
    """The <li> records of a Hanweb column page's XML island."""
    script = html.fromstring(page).xpath("//script[@type='text/xml']")[0].text
    return [r.strip() for r in re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", script, re.S)]


def record_links(records: list[str], base: str) -> list[str]:
    """Absolute item URLs of data-proxy records (each an <li> HTML fragment)."""
    return [urljoin(base, html.fragment_fromstring(r).cssselect("a")[0].get("href")) for r in records]


def truth_of(report: dict) -> dict:
    """The truth record a manifest report entry points at."""
    return TRUTHS[Path(report["truth"]).stem]


def fault_url(kind: str) -> str:
    return next(fault["url"] for fault in MANIFEST["faults"] if fault["kind"] == kind)


def column(portal: str, key: str) -> dict:
    return AGENCIES[portal]["columns"][key]


def test_public_column_list_page_lists_fifteen_items_and_its_page_count(replica):
    status, _, body = fetch(replica, column("replica-lixian-gxs", "catalog")["start_urls"][0])
    page = html.fromstring(body)
    items = page.cssselect("ul.xxgk_nav_list > li")
    assert status == 200
    assert len(items) == 15
    assert all(li.cssselect("a[href][title]") and li.cssselect("span") for li in items)
    assert re.search(rb"pageCount:3,", body)


def test_list_query_parameter_order_does_not_matter(replica):
    url = column("replica-lixian-nyncj", "catalog")["start_urls"][0].replace("pageIndex=1", "pageIndex=2")
    base, query = url.split("?")
    shuffled = base + "?" + "&".join(reversed(query.split("&")))
    assert fetch(replica, shuffled)[2] == fetch(replica, url)[2]
    assert fetch(replica, shuffled)[0] == 200


def test_ankang_list_pager_ends_with_a_link_to_the_last_page(replica):
    start = column("replica-hanyin-scjgj", "catalog")["start_urls"][0]
    page = html.fromstring(fetch(replica, start)[2])
    last = page.cssselect("div.page a")[-1]
    assert len(page.cssselect("ul.newlist > li")) == 15
    assert last.text == "尾页"
    assert re.search(r"_3\.html$", last.get("href"))
    assert fetch(replica, urljoin(start, last.get("href")))[0] == 200


def test_every_listed_document_answers_as_the_manifest_says(replica):
    """Walk every column of every agency; count items and fetch each one once."""
    for portal, agency in AGENCIES.items():
        links = set()
        for key, entry in agency["columns"].items():
            found = list_links(replica, entry)
            assert len(found) == entry["items"], (portal, key)
            links |= set(found)
        statuses = {url: fetch(replica, url)[0] for url in links}
        broken = {url for url, status in statuses.items() if status != 200}
        assert len(links) == agency["documents"]
        assert len(links) - len(broken) == agency["documents_ok"]
        assert broken == {
            f["url"] for f in MANIFEST["faults"] if f["portal"] == portal and f["status"] != 200
        }


def list_links(replica, entry: dict) -> list[str]:
    """Item URLs of every page of a column, following the family's pagination.

    Hanweb: page 1 from the XML island, then data-proxy windows of 45 (3 pages of 15) up to the
    total, de-duplicated by URL as a crawler would. gkmlpt and gongkai: the JSON list URLs the
    manifest names (``api``), de-duplicated; TRS: its ``page_urls``.
    """
    if "api" in entry:
        links = []
        for url in entry["api"]:
            items = json.loads(fetch(replica, url)[2])[entry["json"]["items"]]
            links += [urljoin(url, item[entry["json"]["link"]]) for item in items]
        return list(dict.fromkeys(links))
    if "page_urls" in entry:
        links = []
        for url in entry["page_urls"]:
            page = html.fromstring(fetch(replica, url)[2])
            links += [urljoin(url, a.get("href")) for a in page.cssselect("ul.list > li > a")]
        return links
    start, links = entry["start_urls"][0], []
    if "jpage" in entry:
        body = fetch(replica, start)[2]
        links = record_links(island(body), start)
        total = int(re.search(rb"totalRecord:\s*(\d+)", body).group(1))
        for first in range(1, total + 1, 45):
            links += record_links(jpage(replica, entry["jpage"]["form"], first, first + 44)[2], start)
        return list(dict.fromkeys(links))
    for number in range(1, entry["pages"] + 1):
        if "pageIndex=" in start:
            url = start.replace("pageIndex=1", f"pageIndex={number}")
        else:
            url = start if number == 1 else start.replace(".html", f"_{number}.html")
        page = html.fromstring(fetch(replica, url)[2])
        links += [
            urljoin(url, a.get("href"))
            for a in page.cssselect("ul.xxgk_nav_list > li > a, ul.newlist > li > a")
        ]
    return links


def test_public_column_detail_page_carries_the_metadata_table_twice(replica):
    report = AGENCIES["replica-lixian-gxs"]["annual_reports"][0]
    page = html.fromstring(fetch(replica, report["page"])[2])
    tables = page.cssselect("table.table_suoyin")
    labels = [re.sub(r"\s", "", th.text_content()) for th in tables[0].cssselect("th")]
    assert len(tables) == 2
    assert labels[:4] == ["索引号：", "信息分类：", "发布机构：", "生成日期："]
    assert "发布日期：" in labels and "文号：" in labels
    assert page.cssselect("td.pmingcheng")[2].text == AGENCIES["replica-lixian-gxs"]["publisher"]
    assert page.cssselect("h1.newstitle")[0].text == report["title"]
    assert page.cssselect("div.j-fontContent")
    assert page.cssselect('meta[name="ArticleTitle"]')[0].get("content") == report["title"]


def test_ankang_detail_page_carries_the_same_cell_metadata_block_and_related_image_page(replica):
    report = next(r for r in AGENCIES["replica-hanyin-gxs"]["annual_reports"] if r["year"] == 2023)
    page = html.fromstring(fetch(replica, report["page"])[2])
    head = page.cssselect("div.xxgk-head")[0].text_content()
    for label in ("索引号: ", "发布日期: ", "来源: ", "内容概述: ", "相关文件: "):
        assert label in head
    related = urljoin(report["page"], page.cssselect("div.xxgk-head a[href^='/Content-']")[0].get("href"))
    image_page = html.fromstring(fetch(replica, related)[2])
    assert related in AGENCIES["replica-hanyin-gxs"]["related_only"]
    assert (
        image_page.cssselect("div.xqCent img")
        and not image_page.cssselect("div.xqCent")[0].text_content().strip()
    )


def test_raw_chinese_attachment_path_answers_in_utf8_but_not_in_gbk(replica):
    report = next(r for r in AGENCIES["replica-hanyin-gxs"]["annual_reports"] if r["year"] == 2023)
    docx = report["urls"]["docx"]
    status, headers, body = fetch(replica, docx)
    gbk = docx.replace("年度报告", quote("年度报告", encoding="gbk"))
    assert docx.endswith("/Uploadfiles/2024/01/年度报告.docx")
    assert (status, body[:4]) == (200, b"PK\x03\x04")
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert fetch(replica, gbk)[0] == 404


def test_hanweb_column_page_holds_only_the_first_fifteen_records_in_its_xml_island(replica):
    entry = column("replica-yueqing-gxs", "catalog")
    body = fetch(replica, entry["start_urls"][0])[2]
    first_window = jpage(replica, entry["jpage"]["form"], 1, 45)[2]
    assert island(body) == first_window[:15]
    assert not html.fromstring(body).cssselect("a[href*='/art/']")  # an HTML parser sees no item link
    assert b"$('#7741858').jpage({ dataStore: dataStore, totalRecord: 50, perPage: 15, groupSize: 3, " in body
    assert b"ajaxParam: {col:1, appid:1, webid:3307, path:'/', columnid:1229547728, " in body


def test_hanweb_page_number_in_the_column_url_is_left_to_the_browser(replica):
    start = column("replica-yueqing-gxs", "catalog")["start_urls"][0]
    assert fetch(replica, f"{start}?uid=7741858&pageNum=3")[2] == fetch(replica, start)[2]


def test_jpage_window_answers_records_start_to_end_and_the_total(replica):
    form = column("replica-yueqing-gxs", "catalog")["jpage"]["form"]
    status, total, first = jpage(replica, form, 1, 45)
    second, middle = jpage(replica, form, 46, 90)[2], jpage(replica, form, 16, 18)[2]
    assert (status, total, len(first), len(second)) == (200, 50, 45, 5)
    assert middle == first[15:18]
    assert len(set(first + second)) == 50
    assert jpage(replica, form, 51, 95) == (200, 50, [])


def test_jpage_answer_is_a_utf8_datastore_with_the_page_count(replica):
    form = column("replica-yueqing-nyncj", "catalog")["jpage"]["form"]
    status, headers, body = fetch(replica, f"{PROXY}?startrecord=1&endrecord=45&perpage=15", form)
    assert headers["Content-Type"] == "text/xml;charset=UTF-8"
    assert body.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<datastore><totalrecord>40</totalrecord>'
    )
    assert b"<totalpage>3</totalpage>" in body


def test_jpage_with_another_columns_unitid_answers_that_columns_records(replica):
    fault = next(f for f in MANIFEST["faults"] if f["kind"] == "jpage_wrong_unitid")
    status, total, records = jpage(replica, fault["form"], 1, 45)
    assert (status, total) == (200, column(fault["portal"], "catalog")["items"])
    assert records[:15] == island(fetch(replica, fault["answers_with"])[2])


def test_jpage_with_an_unknown_unitid_answers_an_empty_recordset(replica):
    form = column("replica-yueqing-gxs", "annual_report")["jpage"]["form"] | {"unitid": "1"}
    assert jpage(replica, form, 1, 45) == (200, 0, [])


def test_jpage_proxy_takes_only_post(replica):
    status, headers, _ = fetch(replica, f"{PROXY}?startrecord=1&endrecord=45&perpage=15")
    assert (status, headers["Allow"]) == (405, "POST")


def test_the_other_builds_proxy_path_answers_404(replica):
    form = column("replica-yueqing-gxs", "annual_report")["jpage"]["form"]
    assert jpage(replica, form, 1, 45, path=f"{YUEQING}/module/web/jpage/dataproxy.jsp")[0] == 404


def test_hanweb_detail_page_carries_the_metadata_table_and_the_zoom_body(replica):
    report = SEEDS["004"]
    page = html.fromstring(fetch(replica, report["page"])[2])
    labels = [th.text for th in page.cssselect("div.xxgk-meta th")]
    assert page.cssselect("div.xxgk-meta div.hd")[0].text == "信息公开元数据"
    assert labels[:6] == ["索引号", "发布机构", "公开方式", "公开范围", "文\u3000号", "有效性"]
    assert page.cssselect("table#c td.title")[0].text == report["title"]
    assert page.cssselect("table#c div#zoom table")
    assert re.fullmatch(r"/art/2022/1/28/art_1229547731_\d+\.html", urlsplit(report["page"]).path)
    assert page.cssselect('meta[name="PubDate"]')[0].get("content") == "2022-01-28 09:42"


def servlet_files() -> dict[str, str]:
    """Download-servlet URL of a file in each Content-Disposition form (first one in the manifest)."""
    routes = json.loads((REPLICA / "site" / "routes.json").read_text(encoding="utf-8"))["routes"]
    servlet = next(r for r in routes if r.get("kind") == "download")
    urls = sorted(u for a in AGENCIES.values() for u in a["attachments"] if "/downfile.jsp?" in u)
    by_form = {}
    for url in urls:
        stored = parse_qs(urlsplit(url).query)["filename"][0]
        by_form.setdefault(servlet["files"][stored]["disposition"], url)
    return by_form


@pytest.mark.parametrize("form", ["rfc5987", "gbk_raw", "percent_utf8", "none"])
def test_download_servlet_names_its_file_in_each_content_disposition_form(replica, form):
    url = servlet_files()[form]
    showname = parse_qs(urlsplit(url).query)["showname"][0]
    status, headers, body = fetch(replica, url)
    sent = headers["Content-Disposition"]
    expected = {
        "rfc5987": f"attachment; filename*=UTF-8''{quote(showname)}",
        "gbk_raw": f'attachment; filename="{showname}"'.encode("gbk").decode("latin-1"),  # raw GBK bytes
        "percent_utf8": f'attachment; filename="{quote(showname)}"',
        "none": None,
    }
    assert (status, headers["Content-Type"]) == (200, "application/octet-stream")
    assert body[:4] in (b"%PDF", b"PK\x03\x04")
    assert sent == expected[form]
    assert showname == unquote(url.split("showname=")[1].split("&")[0]) and showname.endswith(
        (".pdf", ".docx")
    )


def test_download_servlet_answers_an_unknown_file_with_a_200_html_page(replica):
    status, headers, body = fetch(replica, f"{YUEQING}/module/download/downfile.jsp?classid=0&filename=0.pdf")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert "文件不存在" in body.decode("utf-8")


def test_missing_detail_page_answers_404(replica):
    assert fetch(replica, fault_url("http_404"))[0] == 404


def test_broken_detail_page_always_answers_500_with_an_html_body(replica):
    for _ in range(2):
        status, headers, body = fetch(replica, fault_url("http_500"))
        assert status == 500
        assert headers["Content-Type"].startswith("text/html") and b"<html>" in body


def test_gbk_page_says_utf8_in_its_header_but_its_bytes_are_gbk(replica):
    status, headers, body = fetch(replica, fault_url("gbk_lying_header"))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gb18030")
    assert '<meta charset="gbk">' in text
    assert all(name in text for name in ("王镕", "李喆", "张堃"))


def test_corrupt_attachment_is_served_as_a_pdf_that_cannot_be_read(replica, tmp_path):
    status, headers, body = fetch(replica, fault_url("corrupt_attachment"))
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    assert body.startswith(b"%PDF-") and b"%%EOF" not in body
    (tmp_path / "broken.pdf").write_bytes(body)
    with pytest.raises(Exception):  # noqa: B017 (pdfminer raises one of several parser errors)
        extract_text(tmp_path / "broken.pdf")


def test_public_column_attachment_downloads_as_octet_stream_with_its_filename(replica):
    report = next(r for r in AGENCIES["replica-lixian-nyncj"]["annual_reports"] if r["form"] == "b")
    status, headers, body = fetch(replica, report["attachment"])
    assert status == 200 and body.startswith(b"%PDF-")
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(report['title'])}.pdf"


def test_report_pdfs_have_a_text_layer_with_the_tables(replica, tmp_path):
    for report in (r for r in REPORTS if "pdf" in r["urls"]):
        path = tmp_path / "report.pdf"
        path.write_bytes(fetch(replica, report["urls"]["pdf"])[2])
        text = re.sub(r"\s", "", extract_text(path))
        assert "收到和处理政府信息公开申请情况" in text and "未经复议直接起诉" in text, report["title"]


def test_unknown_host_answers_502(replica):
    assert fetch(replica, "http://www.example.gov.cn/")[0] == 502


def test_replica_hosts_are_recognised_by_their_suffix(replica):
    assert all(is_replica_host(host) for host in replica.hosts)
    assert is_replica_host("WWW.HANYIN.REPLICA.TEST.") and not is_replica_host("www.hanyin.gov.cn")


def test_paths_outside_the_site_or_with_nul_bytes_answer_404(replica):
    assert fetch(replica, "http://www.hanyin.replica.test/%2e%2e/routes.json")[0] == 404
    assert fetch(replica, "http://www.hanyin.replica.test/a%00b.html")[0] == 404


def test_origin_form_request_is_dispatched_on_the_host_header(replica):
    address = urlsplit(replica.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request("GET", "/robots.txt", headers={"Host": "www.hanyin.replica.test:80"})
    response = connection.getresponse()
    assert (response.status, response.read()) == (200, b"User-agent: *\nAllow: /\n")
    connection.close()


def test_origin_form_post_reaches_the_data_proxy_by_the_host_header(replica):
    form = column("replica-yueqing-nyncj", "annual_report")["jpage"]["form"]
    address = urlsplit(replica.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request(
        "POST",
        "/module/jpage/dataproxy.jsp?startrecord=1&endrecord=2&perpage=15",
        body=urlencode(form),
        headers={"Host": "www.yueqing.replica.test", "Content-Type": "application/x-www-form-urlencoded"},
    )
    body = connection.getresponse().read().decode("utf-8")
    connection.close()
    assert "<totalrecord>4</totalrecord>" in body and body.count("<record>") == 2


def test_every_request_is_logged_as_one_json_line(replica):
    fetch(replica, "http://www.li-xian.replica.test/robots.txt?logged=1")
    entries = [json.loads(line) for line in replica.log_path.read_text(encoding="utf-8").splitlines()]
    entry = next(e for e in entries if e["path"] == "/robots.txt?logged=1")
    assert entry["host"] == "www.li-xian.replica.test" and entry["method"] == "GET"
    assert entry["status"] == 200 and entry["bytes"] == 23 and entry["time"] > 0


@pytest.mark.parametrize("name", sorted(TRUTHS))
def test_truth_balances_new_and_carried_over_against_handled_and_carried_forward(name):
    """t3.balance for every column; a blank cell reads as 0 (checks.toml policy)."""
    figures = {key: value or 0 for key, value in TRUTHS[name]["statistics"].items()}
    for col in (*APPLICANTS, "total"):
        assert (
            figures[f"applications.new.{col}"] + figures[f"applications.carried_over.{col}"]
            == figures[f"applications.outcome.total.{col}"] + figures[f"applications.carried_forward.{col}"]
        ), col


@pytest.mark.parametrize("name", sorted(TRUTHS))
def test_truth_totals_are_the_sums_of_their_parts(name):
    """t3.row_total, t3.outcome_total and t4.block_total."""
    figures = {key: value or 0 for key, value in TRUTHS[name]["statistics"].items()}
    rows = {
        key.removeprefix("applications.").rsplit(".", 1)[0]
        for key in figures
        if key.startswith("applications.")
    }
    for row in rows:
        assert figures[f"applications.{row}.total"] == sum(
            figures[f"applications.{row}.{c}"] for c in APPLICANTS
        )
    outcomes = rows - {"new", "carried_over", "carried_forward", "outcome.total"}
    for col in APPLICANTS:
        assert figures[f"applications.outcome.total.{col}"] == sum(
            figures[f"applications.{r}.{col}"] for r in outcomes
        )
    for block in ("review", "litigation.direct", "litigation.after_review"):
        parts = ("upheld", "corrected", "other", "pending")
        assert figures[f"{block}.total"] == sum(figures[f"{block}.{part}"] for part in parts)


def test_truth_has_every_cell_of_its_format_version():
    sizes = {"2019": 22 + 161 + 15, "2021": 10 + 175 + 15}  # cells per statistics.toml [versions]
    for name, record in TRUTHS.items():
        assert len(record["statistics"]) == sizes[record["format_version"]], name
        assert ("applications.outcome.other.undivided.total" in record["statistics"]) == (
            record["format_version"] == "2019"
        )


def test_each_form_and_format_has_a_report_with_all_distinct_non_zero_values():
    """Forms a–d in both formats, and form e in the 2021 format (e in 2019 is seed 003, all zeros)."""
    covered = set()
    for record in TRUTHS.values():
        values = list(record["statistics"].values())
        if None not in values and 0 not in values and len(set(values)) == len(values):
            covered.add((record["format_version"], record["form"]))
    assert covered >= {(version, form) for version in ("2019", "2021") for form in "abcd"} | {("2021", "e")}


def test_every_form_occurs_in_both_format_versions():
    forms = {(record["format_version"], record["form"]) for record in TRUTHS.values()}
    assert forms == {(version, form) for version in ("2019", "2021") for form in "abcdef"}


def test_every_agency_reports_on_at_least_three_years():
    assert all(len({r["year"] for r in agency["annual_reports"]}) >= 3 for agency in AGENCIES.values())


@pytest.mark.parametrize("seed", ["002", "003", "004"])
def test_seed_rendering_truth_is_the_hand_checked_expected_values(seed):
    expected = tomllib.loads((SPEC / "expected" / f"{seed}.toml").read_text(encoding="utf-8"))
    record = truth_of(SEEDS[seed])
    blanks = expected["blank"]["keys"]
    assert record["statistics"] == expected["values"] | dict.fromkeys(blanks)
    assert (record["seed"], record["form"], record["format_version"]) == (
        seed,
        "e",
        expected["document"]["format_version"],
    )
    assert [key for key, value in record["statistics"].items() if value is None] == blanks


@pytest.mark.parametrize("seed", ["002", "003", "004"])
def test_seed_report_is_published_as_html_tables_a_pdf_and_a_docx(replica, seed, tmp_path):
    urls = SEEDS[seed]["urls"]
    page = html.fromstring(fetch(replica, urls["page"])[2])
    statistics = [t for t in page.xpath("//table[not(.//table)]") if "申请人情况" in t.text_content()]
    blank_cells = [td for td in page.xpath("//td") if td.text == "\xa0"]  # &nbsp;
    blanks = [key for key, value in truth_of(SEEDS[seed])["statistics"].items() if value is None]
    status, _, pdf = fetch(replica, urls["pdf"])
    (tmp_path / "seed.pdf").write_bytes(pdf)
    docx = fetch(replica, urls["docx"])[2]
    assert sorted(urls) == ["docx", "page", "pdf"]
    assert (
        len(statistics) == 1
        and statistics[0].xpath(".//td[@rowspan]")
        and statistics[0].xpath(".//td[@colspan]")
    )
    assert len(blank_cells) == len(blanks)
    assert status == 200 and "本年新收政府信息公开申请数量" in re.sub(
        r"\s", "", extract_text(tmp_path / "seed.pdf")
    )
    assert docx.startswith(b"PK\x03\x04") and b"word/document.xml" in docx


def test_seed_reports_are_published_by_their_own_agencies_for_their_own_years():
    assert {seed: Path(r["truth"]).stem for seed, r in SEEDS.items()} == {
        "002": "hanyin-gxs-2023",
        "003": "lixian-gxs-2020",
        "004": "yueqing-gxs-2021",
    }


def test_carried_over_equals_last_years_carried_forward():
    for name, record in TRUTHS.items():
        previous = TRUTHS.get(name.replace(str(record["year"]), str(record["year"] - 1)))
        for col in APPLICANTS if previous else ():
            assert record["statistics"][f"applications.carried_over.{col}"] == (
                previous["statistics"][f"applications.carried_forward.{col}"] or 0
            ), (name, col)


def test_portal_configs_start_where_the_manifest_says():
    """Start URLs as the manifest gives them; a gkmlpt column finds its category in the TREE or its URL."""
    for portal, agency in AGENCIES.items():
        config = tomllib.loads((REPLICA / "portals" / f"{portal}.toml").read_text(encoding="utf-8"))
        starts = {c["kind"]: c.get("start_urls", []) for c in config["columns"]}
        assert config["portal"]["id"] == portal and config["portal"]["agency"] == agency["agency"]
        assert starts == {key: entry["start_urls"] for key, entry in agency["columns"].items()}
        for c in config["columns"]:
            entry = agency["columns"][c["kind"]]
            if "category" in entry:
                url = c["pagination"]["url"]
                named = entry["name"] in c.get("match_name", []) and "{category}" in url
                assert named or f"/api/all/{entry['category']}?" in url, (portal, c["key"])
        assert all(
            urlsplit(url).hostname in config["scope"]["allowed_domains"]
            for urls in starts.values()
            for url in urls
        )


def test_readme_lists_every_fault_url():
    readme = (REPLICA / "README.md").read_text(encoding="utf-8")
    assert [f["url"] for f in MANIFEST["faults"] if f["url"] not in readme] == []
