"""Families A (gkmlpt), D (Shandong gongkai) and F (TRS static) on the bundled replica portal.

Served over real HTTP on 127.0.0.1 and reached through the replica as a proxy; every URL comes from
crawler/replica/manifest.json, so a rebuild needs no test edits.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html

from crawler.replica.serve import running_replica
from tests.test_replica import AGENCIES, MANIFEST, fetch, list_links

REPLICA = Path(__file__).resolve().parents[1] / "crawler" / "replica"
FAMILIES = tomllib.loads((REPLICA.parent / "config" / "families.toml").read_text(encoding="utf-8"))
SG, ZIBO, TRS = (AGENCIES[p] for p in ("replica-sg-gxs", "replica-zibo-gxs", "replica-trs-taoyuan"))


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    with running_replica(tmp_path_factory.mktemp("replica") / "requests.jsonl") as running:
        yield running


def fetch_json(replica, url: str):
    status, headers, body = fetch(replica, url)
    assert status == 200, url
    return json.loads(body)


def report(agency: dict, form: str) -> dict:
    return next(r for r in agency["annual_reports"] if r["form"] == form)


def hrefs(body: bytes) -> list[str]:
    return [a.get("href") for a in html.fromstring(body).xpath("//a[@href]")]


# --- A: gkmlpt -----------------------------------------------------------------------------------


def test_gkmlpt_index_is_a_shell_without_list_links_that_carries_sid_and_tree(replica):
    status, headers, body = fetch(replica, SG["columns"]["catalog"]["index_url"])
    text = body.decode("utf-8")
    sid = re.search(FAMILIES["gkmlpt"]["discovery"]["sid_regex"], text).group(1)
    tree = json.loads(re.search(FAMILIES["gkmlpt"]["discovery"]["tree_regex"], text, re.S).group(1))
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert hrefs(body) == [] and not re.search(r"post_\d", text)
    assert sid == SG["columns"]["catalog"]["sid"] and '<div id="app"></div>' in text
    assert [node["name"] for node in tree] == ["政府信息公开指南", "法定主动公开内容", "政府信息公开年报"]
    assert tree[0]["jump_url"].endswith("/gkmlpt/guide") and len(tree[1]["children"]) == 2
    assert tree[2]["post_count"] == len(SG["annual_reports"])


def test_gkmlpt_api_page_zero_and_page_one_are_the_same_batch(replica):
    for url in SG["columns"]["catalog"]["api"] + SG["columns"]["annual_report"]["api"]:
        first = fetch(replica, url)
        zero = fetch(replica, url.replace("page=1", "page=0"))
        assert first[0] == zero[0] == 200 and first[2] == zero[2], url
        assert first[1]["Content-Type"] == "application/json"


def test_gkmlpt_api_page_two_is_past_the_window_and_answers_404(replica):
    entry = SG["columns"]["catalog"]
    for url in entry["past_window"]:
        assert fetch(replica, url)[0] == 404, url
    claimed = [w for w in entry["window"].values() if w["post_count"] > w["served"]]
    assert claimed and all(w["post_count"] > 100 for w in claimed)  # the crawler asks for page 2


def test_gkmlpt_api_gives_each_post_with_its_metadata_and_attachments(replica):
    url = SG["columns"]["annual_report"]["api"][0]
    data = fetch_json(replica, url)
    post = next(a for a in data["articles"] if a["attachment"])
    keys = {"id", "title", "date", "created_at", "display_publish_time", "publisher", "identifier"}
    keys |= {"document_number", "url", "post_url", "attachment"}
    assert keys <= set(post) and data["classify"]["post_count"] == data["total"] == len(data["articles"])
    assert isinstance(post["date"], int) and post["url"] == post["post_url"]
    n = post["id"]
    assert urlsplit(post["url"]).path.endswith(f"/gkmlpt/content/{n // 10**6}/{n // 10**3}/post_{n}.html")
    file = post["attachment"][0]
    a = file["id"]
    assert urlsplit(file["url"]).path.endswith(f"/attachment/{a // 10**6}/{a // 10**3}/{a}/{n}.pdf")
    status, _, body = fetch(replica, file["url"])
    assert status == 200 and body.startswith(b"%PDF") and int(file["size"]) == len(body)


def test_gkmlpt_detail_has_the_metadata_table_title_body_and_detail_json(replica):
    page_url = report(SG, "f")["page"]
    body = fetch(replica, page_url)[2]
    page = html.fromstring(body)
    labels = [re.sub(r"\s|：", "", td.text_content()) for td in page.cssselect("div.introduce td")[::2]]
    assert labels == ["索引号", "分类", "发布机构", "成文日期", "名称", "文号", "发布日期", "主题词"]
    assert page.cssselect("h1.title")[0].text == report(SG, "f")["title"]
    content = page.cssselect("div.article-content")[0]
    assert content.cssselect("table") and content.cssselect("a.nfw-cms-attachment")
    sid = SG["columns"]["catalog"]["sid"]
    script = body.decode("utf-8").split(f"window._CONFIG = {{ SID: '{sid}', DETAIL: ", 1)[1]
    detail = json.loads(script.split(" };\n</script>", 1)[0])
    assert "\\u003C" in script and detail["content"].startswith("<p")
    assert detail["title"] == report(SG, "f")["title"]


def test_gkmlpt_cross_posted_document_is_one_url_in_two_categories(replica):
    annual = {a["url"] for a in fetch_json(replica, SG["columns"]["annual_report"]["api"][0])["articles"]}
    catalog = {
        a["url"] for url in SG["columns"]["catalog"]["api"] for a in fetch_json(replica, url)["articles"]
    }
    assert annual & catalog == set(SG["faults"]["duplicate_listing"])


# --- D: Shandong gongkai -------------------------------------------------------------------------


def test_gongkai_channel_page_is_a_shell_without_document_links(replica):
    entry = ZIBO["columns"]["catalog"]
    status, _, body = fetch(replica, entry["start_urls"][0])
    box = html.fromstring(body).cssselect("div#docList")[0]
    assert status == 200 and not [h for h in hrefs(body) if "doc_" in h]
    assert box.get("data-channel") in entry["api"][0] and box.get("data-site") == "site_sgxs"
    assert b'<script src="/gongkai/static/js/list.js"></script>' in body
    assert (
        b"/gongkai/api/docs"
        in fetch(replica, urljoin(entry["start_urls"][0], "/gongkai/static/js/list.js"))[2]
    )


def test_gongkai_json_endpoint_pages_fifteen_at_a_time_to_the_total(replica):
    entry = ZIBO["columns"]["catalog"]
    pages = [fetch_json(replica, url) for url in entry["api"]]
    assert len(pages) == entry["pages"] > 1
    assert [len(p["docs"]) for p in pages[:-1]] == [15] * (len(pages) - 1)
    assert {p["total"] for p in pages} == {entry["items"]}
    assert len({d["id"] for p in pages for d in p["docs"]}) == entry["items"]
    assert set(pages[0]["docs"][0]) == {"id", "title", "url", "pubDate"}
    past = entry["api"][-1].replace(f"page={entry['pages']}", f"page={entry['pages'] + 1}")
    assert fetch_json(replica, past)["docs"] == []


def test_gongkai_json_endpoint_answers_an_unknown_channel_with_nothing(replica):
    url = ZIBO["columns"]["catalog"]["api"][0]
    assert fetch_json(replica, re.sub(r"channel=[^&]+", "channel=channel_0", url)) == {"total": 0, "docs": []}


def test_gongkai_detail_has_the_info_table_placeholder_renditions_and_attachment(replica):
    entry = report(ZIBO, "f")
    page = html.fromstring(fetch(replica, entry["page"])[2])
    cells = {th.text.rstrip(":"): th.getnext().text_content() for th in page.cssselect("table.xxgk-info th")}
    assert list(cells) == ["标题", "索引号", "文号", "发文日期", "发布机构"] and cells["文号"] == "〔〕号"
    renditions = page.cssselect("div.renditions a")
    assert [a.text for a in renditions][:2] == ["语音播报", "图片解读"]
    assert not page.cssselect("div.content div.renditions")  # beside the body, not in it
    link = page.cssselect("div.content a")[0].get("href")
    assert re.fullmatch(r"doc_[0-9a-f]{24}_[0-9a-f]{32}\.pdf", link)
    assert urljoin(entry["page"], link) == entry["urls"]["pdf"]
    assert fetch(replica, entry["urls"]["pdf"])[2].startswith(b"%PDF")


def test_gongkai_rendition_page_is_listed_nowhere(replica):
    image = ZIBO["related_only"][0]
    listed = {url for entry in ZIBO["columns"].values() for url in list_links(replica, entry)}
    assert image not in listed and fetch(replica, image)[0] == 200


# --- F: TRS static -------------------------------------------------------------------------------


def test_trs_index_counts_its_pages_only_in_create_page_html(replica):
    entry = TRS["columns"]["catalog"]
    for number, url in enumerate(entry["page_urls"]):
        body = fetch(replica, url)[2].decode("utf-8")
        assert f'createPageHTML({entry["pages"]}, {number}, "index", "html");' in body, url
        assert not [h for h in hrefs(body.encode()) if re.search(r"index_\d+\.html", h)]
    assert [urlsplit(u).path.rsplit("/", 1)[1] for u in entry["page_urls"]] == [
        "index.html",
        *(f"index_{n}.html" for n in range(1, entry["pages"])),
    ]


def test_trs_list_links_are_relative_with_one_cross_section_link(replica):
    links = [h for url in TRS["columns"]["catalog"]["page_urls"] for h in hrefs(fetch(replica, url)[2])]
    items = [h for h in links if re.search(r"/\d{6}/(t\d{8}_\d+\.html|P0\d+\.pdf)$", h)]
    assert all(h.startswith(("./", "../../")) for h in items)
    cross = [h for h in items if h.startswith("../../")]
    base = TRS["columns"]["catalog"]["page_urls"][0]
    assert [urljoin(base, h) for h in cross] == TRS["faults"]["duplicate_listing"]
    assert re.fullmatch(r"\./\d{6}/t\d{8}_\d+\.html", next(h for h in items if h.startswith("./")))


def test_trs_deep_index_page_is_a_tiny_stub(replica):
    for url in TRS["columns"]["catalog"]["stubs"]:
        status, _, body = fetch(replica, url)
        assert status == 200 and 300 <= len(body) <= 400
        assert not html.fromstring(body).cssselect("ul.list > li")


def test_trs_detail_has_the_one_line_block_and_a_p0_attachment(replica):
    entry = report(TRS, "f")
    body = fetch(replica, entry["page"])[2]
    page = html.fromstring(body)
    line = page.cssselect("div.xxgk_info")[0].text
    assert re.fullmatch(r"索引号:\S+ 公开方式:政府网站 发文日期:\d{4}-\d{2}-\d{2} 00:00:00", line)
    link = page.cssselect("div.TRS_UEDITOR a")[-1].get("href")
    assert (
        re.fullmatch(r"\./P0\d{8}\d{12}\.pdf", link) and urljoin(entry["page"], link) == entry["urls"]["pdf"]
    )
    assert page.cssselect("h2.title")[0].text == entry["title"]


def test_trs_report_published_only_as_a_pdf_is_linked_from_the_list(replica):
    entry = report(TRS, "d")
    assert "page" not in entry["urls"]
    assert entry["urls"]["pdf"] in list_links(replica, TRS["columns"]["annual_report"])


def test_trs_gbk_page_has_no_charset_in_its_header(replica):
    fault = next(f for f in MANIFEST["faults"] if f["kind"] == "gbk_meta_charset")
    status, headers, body = fetch(replica, fault["url"])
    assert (status, headers["Content-Type"]) == (200, "text/html")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gbk")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' in text
    assert all(name in text for name in ("王镕", "李喆", "张堃"))  # GBK only: a GB 2312 decoder fails
    assert fault["url"] in list_links(replica, TRS["columns"]["catalog"])


# --- all three ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("agency", [SG, ZIBO, TRS], ids=["gkmlpt", "gongkai", "trs"])
def test_new_family_agency_lists_a_catalogue_and_three_years_of_reports(agency):
    assert agency["columns"]["catalog"]["items"] >= 20 and len(agency["annual_reports"]) >= 3
    assert all(Path(REPLICA.parent.parent / r["truth"]).is_file() for r in agency["annual_reports"])
