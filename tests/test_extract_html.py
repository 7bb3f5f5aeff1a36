"""HTML extraction: main_selector → trafilatura → body text; tables with spans; charset issues."""

import os
from pathlib import Path

import pytest

from archive.errors import ExtractionError
from pipelines.extract import Cell, extract

SHARED = Path(os.environ.get("GONGKAI_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
PINGTAN = SHARED / "real-reports" / "pingtan-annual-report-column-list-page.html"

# A typical article page of a disclosure column: navigation, a metadata table, the content node, a footer.
ARTICLE = """<!DOCTYPE html><html><head><meta charset="{charset}">
<meta name="ArticleTitle" content="某某局2023年政府信息公开工作年度报告"><title>年度报告_某某局</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/zcwj">政策文件</a></div>
<table class="xxgk-meta">
<tr><td>索引号</td><td>11341702486344515H/202110-00013</td><td>发布机构</td><td>某某局</td></tr>
<tr><td>成文日期</td><td>2024-01-20</td><td>文号</td><td></td></tr></table>
<div class="j-fontContent">
  <p>　　一、总体情况</p>
  <p>　　2023年，我局主动公开政府信息
      123条，朱镕基、张喆同志曾视察。</p>
  <table border="1">
    <tr><td rowspan="2">信息内容</td><td colspan="2">本年</td></tr>
    <tr><td>制发件数</td><td>废止件数</td></tr>
    <tr><td>规章</td><td>0</td><td>&nbsp;</td></tr>
  </table>
  <p>二、主动公开政府信息情况<br>（一）主动公开</p>
</div>
<div class="footer">主办单位：某某局　地址：某某路1号　网站标识码：0000000001</div>
</body></html>"""


def article(charset: str = "utf-8") -> bytes:
    return ARTICLE.format(charset=charset).encode("gbk" if charset == "gbk" else "utf-8")


def test_html_main_selector_beats_navigation():
    result = extract(article(), content_type="text/html", main_selector="div.j-fontContent")
    assert result.method == "lxml-main"
    assert result.text.startswith("一、总体情况\n2023年，我局主动公开政府信息 123条")
    for outside in ("首页", "索引号", "主办单位"):
        assert outside not in result.text


def test_html_main_text_keeps_paragraph_and_br_breaks():
    text = extract(article(), main_selector="div.j-fontContent").text
    assert text.endswith("二、主动公开政府信息情况\n（一）主动公开")


def test_html_table_inside_main_node_keeps_spans_from_attributes():
    (table,) = extract(article(), main_selector="div.j-fontContent").tables
    assert table.rows[0] == (Cell("信息内容", rowspan=2), Cell("本年", colspan=2))
    assert table.grid() == [["信息内容", "本年", None], [None, "制发件数", "废止件数"], ["规章", "0", ""]]


def test_html_table_is_tab_flattened_in_the_main_text():
    text = extract(article(), main_selector="div.j-fontContent").text
    assert "信息内容\t本年\t\n\t制发件数\t废止件数\n规章\t0\t" in text


def test_html_selector_that_matches_nothing_falls_back_to_trafilatura_with_a_warning():
    result = extract(article(), main_selector="div.xqCent")
    assert result.method == "trafilatura"
    assert [issue.code for issue in result.issues] == ["main-selector-missed"]
    assert result.issues[0].level == "warning"
    assert "政府信息 123条" in result.text


def test_html_selector_matching_an_empty_node_falls_back_with_a_warning():
    empty_node = b'<div class="xqCent"><script>fill()</script></div><div>'
    page = article().replace(b'<div class="footer">', empty_node)
    result = extract(page, main_selector="div.xqCent")
    assert result.method == "trafilatura"
    assert [issue.code for issue in result.issues] == ["main-selector-empty"]


def test_html_invalid_selector_is_reported_not_raised():
    result = extract(article(), main_selector="div[")
    assert [issue.code for issue in result.issues] == ["main-selector-invalid"]


def test_html_metadata_table_is_not_a_content_table():
    result = extract(article())  # no selector: tables come from the whole page
    assert [table.rows[0][0].text for table in result.tables] == ["信息内容"]


def test_html_layout_table_gives_way_to_the_table_inside_it():
    page = ("<html><body><table><tr><td>导航</td><td><table><tr><td>总计</td><td>21</td></tr></table>"
            "</td></tr></table><p>正文内容足够长，说明这是一个政府信息公开工作年度报告页面。</p></body></html>")
    (table,) = extract(page.encode()).tables
    assert table.grid() == [["总计", "21"]]


def test_html_without_selector_uses_trafilatura():
    result = extract(PINGTAN.read_bytes(), content_type="text/html; charset=utf-8")
    assert (result.kind, result.method, result.encoding) == ("html", "trafilatura", "utf-8")
    assert "平潭综合实验区2025年度政府信息公开工作年度报告" in result.text
    assert "平潭综合实验区2016年度政府信息公开工作年度报告" in result.text


def test_html_title_prefers_article_title_meta_then_title_tag():
    assert extract(article()).title == "某某局2023年政府信息公开工作年度报告"
    assert extract(PINGTAN.read_bytes()).title == "政府信息公开年报_政府信息公开_平潭综合实验区党工委管委会"


def test_html_falls_back_to_body_text_when_trafilatura_finds_nothing(monkeypatch):
    monkeypatch.setattr("trafilatura.extract", lambda *args, **kwargs: None)
    result = extract(article())
    assert result.method == "lxml-body"
    assert result.text.startswith("首页 政务公开 政策文件")
    assert "主办单位" in result.text


def test_lying_utf8_header_on_gbk_page_is_decoded_and_flagged():
    result = extract(article("gbk"), content_type="text/html; charset=utf-8",
                     main_selector="div.j-fontContent")
    assert "朱镕基、张喆" in result.text
    assert result.encoding == "gb18030"
    (issue,) = result.issues
    assert (issue.stage, issue.code, issue.level) == ("extract", "charset-mismatch", "warning")
    assert issue.message == "header says utf-8 but bytes are not utf-8; decoded as gb18030 (meta)"


def test_html_page_with_no_text_raises_empty_document():
    with pytest.raises(ExtractionError) as raised:
        extract(b"<html><head><title></title></head><body><script>load()</script></body></html>")
    assert raised.value.code == "empty-document"
