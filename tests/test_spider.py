"""The spider's small decisions, on real portal configs and real Scrapy response objects."""

from pathlib import Path

from scrapy.http import HtmlResponse, Response

from crawler.config import load_portal
from crawler.responses import filename
from crawler.spiders.column import ColumnSpider

ROOT = Path(__file__).resolve().parent.parent


def _spider(portal_id: str) -> ColumnSpider:
    return ColumnSpider(load_portal(ROOT / "crawler" / "portals" / f"{portal_id}.toml"), archive=None)


def test_forced_http_scheme_is_used_on_the_wire_and_the_published_url_kept():
    request = _spider("sg-gxs")._request("https://www.sg.gov.cn/sggxs/gkmlpt/index", callback=None)
    assert request.url == "http://www.sg.gov.cn/sggxs/gkmlpt/index"
    assert request.meta["requested_url"] == "https://www.sg.gov.cn/sggxs/gkmlpt/index"


def test_scheme_as_published_leaves_the_url_alone():
    request = _spider("hanyin-gxs")._request("https://www.hanyin.gov.cn/Content-2673984.html", callback=None)
    assert request.url == "https://www.hanyin.gov.cn/Content-2673984.html"


def _file_response(disposition: bytes) -> Response:
    return Response("http://files.example.test/download?id=1", headers={"Content-Disposition": disposition})


def test_filename_from_rfc5987_header():
    cd = b"attachment; filename*=UTF-8''%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"
    assert filename(_file_response(cd), None) == "年度报告.pdf"


def test_filename_from_raw_gbk_bytes_in_plain_header():
    cd = b'attachment; filename="' + "年度报告.pdf".encode("gbk") + b'"'
    assert filename(_file_response(cd), None) == "年度报告.pdf"


def test_filename_from_percent_encoded_utf8_in_plain_header():
    assert filename(_file_response(b'attachment; filename="%E5%B9%B4%E6%8A%A5.pdf"'), None) == "年报.pdf"


def test_filename_falls_back_to_link_text_then_url():
    response = Response("http://files.example.test/u/cms/abc.pdf")
    assert filename(response, "附件：年度报告.pdf") == "附件：年度报告.pdf"
    assert filename(response, None) == "abc.pdf"


def test_raw_chinese_href_is_percent_encoded_as_utf8():
    page = HtmlResponse("http://www.hanyin.replica.test/Content-1.html", body=b"<html></html>")
    url = _spider("hanyin-gxs")._absolute(page, "/Uploadfiles/2024/01/年度报告.docx")
    assert (
        url == "http://www.hanyin.replica.test/Uploadfiles/2024/01/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.docx"
    )


def test_gkmlpt_tree_categories_are_found_by_name_with_their_children_and_without_jump_links():
    from crawler.responses import categories

    tree = [
        {"id": 1001, "name": "政府信息公开指南", "jump_url": "/sgxxx/gkmlpt/guide"},
        {
            "id": 1002,
            "name": "法定主动公开内容",
            "children": [{"id": 1003, "name": "机构职能"}, {"id": 1004, "name": "部门文件"}],
        },
        {"id": 1010, "name": "政府信息公开年报", "post_count": 6},
    ]
    column = next(c for c in load_portal(ROOT / "crawler/portals/sg-gxs.toml").columns if c.key == "catalog")
    assert categories(tree, column) == [1002, 1003, 1004]


def test_unix_timestamps_are_read_as_beijing_dates():
    from crawler.extractors import normalise_date

    # 2024-01-26 00:00 in Beijing is still 2024-01-25 in UTC.
    assert normalise_date("1706198400") == "2024-01-26"
