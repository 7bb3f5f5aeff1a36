"""Telling kinds apart (bytes, then Content-Type, then URL) and dispatching on them."""

import io
import zipfile

import pytest

from archive.errors import ExtractionError
from pipelines.extract import EXTRACTOR_VERSION, extract, sniff

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_sniff_magic_bytes_beat_content_type_and_url():
    assert sniff(b"%PDF-1.7\n...", "text/html", "https://example.gov.cn/a.html") == "pdf"
    assert sniff(zipped("word/document.xml"), "application/msword", "a.doc") == "docx"
    assert sniff(zipped("xl/workbook.xml"), "application/octet-stream") == "xlsx"
    assert sniff(b"<!DOCTYPE html><html><body>404</body></html>", "application/pdf", "a.pdf") == "html"


def test_sniff_tells_word_from_excel_inside_ole_files():
    assert sniff(OLE + "WordDocument".encode("utf-16-le")) == "doc"
    assert sniff(OLE + "Workbook".encode("utf-16-le")) == "xls"
    assert sniff(OLE, url="https://example.gov.cn/up/a.xls?id=3") == "xls"


def test_sniff_uses_content_type_then_url_extension():
    assert sniff(b"plain words", "text/plain; charset=gbk", "a.html") == "text"
    assert sniff(b"plain words", "application/octet-stream", "https://example.gov.cn/f/nb.wps#p1") == "doc"
    assert sniff(b"<div>fragment</div>", None, "https://example.gov.cn/art/2024/1/2/art_1_2.html") == "html"


def test_sniff_says_unknown_when_nothing_tells():
    assert sniff(b"\x89PNG\r\n\x1a\n", "image/png", "https://example.gov.cn/a.png") == "unknown"
    assert sniff(b"", None, "https://example.gov.cn/download") == "unknown"


def test_empty_payload_raises_empty_document():
    with pytest.raises(ExtractionError) as raised:
        extract(b"", content_type="application/pdf")
    assert (raised.value.code, raised.value.message) == ("empty-document", "the payload is empty (0 bytes)")


def test_unknown_payload_raises_unsupported_format():
    with pytest.raises(ExtractionError) as raised:
        extract(b"\x89PNG\r\n\x1a\n", content_type="image/png", url="https://example.gov.cn/t.png")
    assert raised.value.code == "unsupported-format"
    assert raised.value.message == ("cannot tell what this payload is "
                                    "(content-type=image/png, url=https://example.gov.cn/t.png)")


def test_plain_text_is_decoded_with_validated_charsets():
    body = "  统计期限自2023年1月1日\r\n\r\n朱镕基\n".encode("gbk")
    result = extract(body, content_type="text/plain; charset=gb2312")
    assert (result.kind, result.method, result.encoding) == ("text", "decode", "gb18030")
    assert result.text == "  统计期限自2023年1月1日\n\n朱镕基"


def test_plain_text_keeps_leading_empty_cells_of_tab_flattened_rows():
    body = b"\t\t0\t0\n"
    assert extract(body, content_type="text/plain; charset=utf-8").text == "\t\t0\t0"


def test_extractor_version_is_recorded_as_a_string():
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION
