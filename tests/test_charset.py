"""archive.charset: declared charsets are believed only when the bytes agree."""

import ast
from pathlib import Path

import pytest

from archive.charset import charset_from_content_type, decode_html

GBK_PAGE = "<html><head><meta charset='gb2312'></head><body>朱镕基 张喆 2023年度报告</body></html>"


def test_lying_utf8_header_on_gbk_bytes_is_decoded_and_flagged():
    decoded = decode_html(GBK_PAGE.encode("gbk"), header_charset="utf-8")
    assert "朱镕基 张喆" in decoded.text
    assert (decoded.encoding, decoded.source) == ("gb18030", "meta")
    assert decoded.mismatch == "header says utf-8 but bytes are not utf-8; decoded as gb18030 (meta)"


def test_gb2312_label_decodes_gbk_only_characters():
    body = GBK_PAGE.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")  # 镕 and 喆 are GBK-only: a literal GB 2312 decode fails
    decoded = decode_html(body, header_charset="GB2312")
    assert "镕" in decoded.text and "喆" in decoded.text
    assert (decoded.encoding, decoded.source, decoded.mismatch) == ("gb18030", "header", None)


def test_gb2312_label_can_be_mapped_to_another_codec():
    decoded = decode_html("政府信息公开".encode("gbk"), header_charset="gb2312", gb2312_as="gbk")
    assert decoded.encoding == "gbk"


def test_bom_wins_over_a_contradicting_header():
    decoded = decode_html("\ufeff<p>政务公开</p>".encode("utf-8"), header_charset="gbk")
    assert (decoded.text, decoded.encoding, decoded.source) == ("<p>政务公开</p>", "utf-8", "bom")


def test_header_charset_is_used_when_the_bytes_fit_it():
    decoded = decode_html("<p>政务公开</p>".encode(), header_charset="UTF-8")
    assert (decoded.encoding, decoded.source, decoded.mismatch) == ("utf-8", "header", None)


def test_meta_charset_is_used_without_a_header():
    page = '<meta http-equiv="Content-Type" content="text/html; charset=gbk"><p>年报</p>'
    decoded = decode_html(page.encode("gbk"))
    assert (decoded.encoding, decoded.source, decoded.mismatch) == ("gb18030", "meta", None)


def test_gbk_meta_on_utf8_bytes_is_refuted_by_the_bytes():
    # GB 18030 would decode these UTF-8 bytes "strictly" into mojibake; valid UTF-8 wins.
    decoded = decode_html("<meta charset=gbk><p>中文</p>".encode())
    assert "中文" in decoded.text
    assert decoded.mismatch == "page declares gbk but bytes are utf-8; decoded as utf-8 (detected)"


def test_latin1_server_default_on_a_chinese_page_is_not_believed():
    decoded = decode_html("<p>政府信息公开</p>".encode(), header_charset="ISO-8859-1")
    assert "政府信息公开" in decoded.text
    assert decoded.mismatch.startswith("header says iso-8859-1, which fits any bytes but not this page")


def test_unlabelled_gbk_bytes_are_detected_as_gb18030():
    decoded = decode_html("<p>政府信息公开工作年度报告</p>".encode("gbk"))
    assert (decoded.encoding, decoded.source) == ("gb18030", "detected")


def test_undecodable_bytes_fall_back_to_gb18030_with_replacements():
    decoded = decode_html(b"<p>\x81\x20broken</p>")
    assert (decoded.encoding, decoded.source) == ("gb18030", "fallback")
    assert "\ufffd" in decoded.text


def test_unknown_header_label_is_flagged():
    decoded = decode_html(b"<p>ok</p>", header_charset="utf8mb4")
    assert decoded.mismatch == ("header says 'utf8mb4', which is not a known encoding; "
                                "decoded as utf-8 (detected)")


def test_charset_is_read_from_a_content_type_value():
    assert charset_from_content_type('text/html; charset="GBK"') == "GBK"
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type(None) is None


def test_charset_module_imports_neither_crawler_nor_pipelines():
    source = Path(__file__).resolve().parents[1] / "archive" / "charset.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imports = (node for node in ast.walk(tree) if isinstance(node, ast.Import))
    imported |= {alias.name for node in imports for alias in node.names}
    assert not {name for name in imported if name and name.split(".")[0] in ("crawler", "pipelines")}
