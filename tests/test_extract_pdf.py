"""PDF extraction on the real Huai'an annual reports: text by pdfminer, ruled tables by pdfplumber."""

import ctypes
import functools
import io
import os
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium
import pytest

from archive.errors import ExtractionError
from pipelines.extract import Extraction, extract

SHARED = Path(os.environ.get("GONGKAI_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
REPORTS = SHARED / "real-reports"
HONGZE_2023 = "2023-huaian-hongze-district-government-annual-report.pdf"
HONGZE_2024 = "2024-huaian-hongze-district-government-annual-report.pdf"
MUNICIPAL_2024 = "2024-huaian-municipal-government-annual-report.pdf"


@functools.cache
def extracted(name: str) -> Extraction:
    """Each real PDF is extracted once per test run (about 2 s each)."""
    return extract((REPORTS / name).read_bytes(), content_type="application/pdf", url=f"https://example.gov.cn/{name}")


def made_pdf(*page_texts: str) -> bytes:
    """A small PDF with one page per text, in Helvetica ("" makes a page without text)."""
    document = pypdfium2.PdfDocument.new()
    for text in page_texts:
        page = document.new_page(595, 842)
        if text:
            obj = pdfium.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", 12.0)
            wide = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
            pdfium.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(pdfium.FPDF_WCHAR)))
            pdfium.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, 700)
            pdfium.FPDFPage_InsertObject(page.raw, obj)
            pdfium.FPDFPage_GenerateContent(page.raw)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def table_starting(result: Extraction, label: str, page: int):
    return next(t for t in result.tables if t.page == page and t.rows[0][0].text.startswith(label))


def test_pdf_report_text_keeps_chinese_and_numbers():
    municipal = extracted(MUNICIPAL_2024)
    assert (municipal.kind, municipal.method, municipal.pages) == ("pdf", "pdfminer", 6)
    assert "行政许可" in municipal.text and "447228" in municipal.text and "3985758" in municipal.text
    assert "统计期限自 2024 年 1 月 1 日至 2024 年 12 月 31 日" in municipal.text


def test_pdf_text_follows_page_order():
    text = extracted(HONGZE_2023).text
    headings = ("一、总体情况", "二、主动公开", "六、其他需要报告的事项")
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_pdf_tables_come_out_per_page_with_split_table_on_two_pages():
    result = extracted(HONGZE_2023)
    assert [(t.page, len(t.rows), len(t.grid()[0])) for t in result.tables] == [
        (2, 8, 4), (3, 6, 2), (3, 16, 10), (4, 9, 10), (4, 4, 15)]
    first, second = result.tables[2], result.tables[3]  # 表三, broken by the page break after （四）2.
    assert first.grid()[3][0] == "一、本年新收政府信息公开申请数量"
    assert second.grid()[0][2] == "3.补正后申请内容仍不明确"
    assert second.grid()[-1][0] == "四、结转下年度继续办理"


def test_pdf_merged_header_cells_keep_their_spans():
    table = table_starting(extracted(HONGZE_2023), "（本列数据的勾稽关系为", page=3)
    corner, applicants = table.rows[0]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert (applicants.text, applicants.rowspan, applicants.colspan) == ("申请人情况", 1, 7)
    assert [c.text for c in table.rows[2]] == [
        "商业\n企业", "科研\n机构", "社会\n公益\n组织", "法律\n服务\n机构", "其他"]


def test_pdf_vertical_merged_label_is_one_cell_spanning_its_rows():
    table = table_starting(extracted(HONGZE_2024), "（本列数据的勾稽关系为", page=3)
    label = table.rows[5][0]
    assert "".join(label.text.split()) == "三、本年度办理结果"
    assert label.rowspan == 11  # to the page break: the rest of the group continues on page 4
    assert [row[0] for row in table.grid()[6:]] == [None] * 10


def test_pdf_figures_are_in_the_cells_they_are_printed_in():
    table = table_starting(extracted(MUNICIPAL_2024), "行政复议", page=5)
    printed = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    assert [int(value) for value in table.grid()[-1]] == printed
    fees = table_starting(extracted(MUNICIPAL_2024), "信息内容", page=4)
    assert fees.grid()[-1] == ["行政事业性收费", "96171.6"]


def test_pdf_prose_in_shaded_boxes_is_not_taken_for_a_table():
    # WPS draws a filled box behind every line of prose; those must not come out as one-column tables.
    for name in (HONGZE_2023, HONGZE_2024, MUNICIPAL_2024):
        assert all(len(table.grid()[0]) >= 2 for table in extracted(name).tables)
        assert not any("本报告由" in c.text for t in extracted(name).tables for row in t.rows for c in row)


def test_pdf_title_comes_from_utf16le_metadata():
    assert extracted(HONGZE_2023).title == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert extracted(HONGZE_2023).issues == ()


def test_corrupt_pdf_raises_pdf_unreadable():
    body = (REPORTS / HONGZE_2024).read_bytes()
    with pytest.raises(ExtractionError) as raised:
        extract(body[: len(body) // 2])
    assert raised.value.code == "pdf-unreadable"
    assert raised.value.message.startswith("pdfminer cannot read the PDF: PSEOF")
    assert "bytes are kept" in raised.value.fix


def test_pdf_without_text_raises_pdf_no_text_layer():
    with pytest.raises(ExtractionError) as raised:
        extract(made_pdf("", ""))
    assert raised.value.code == "pdf-no-text-layer"
    assert raised.value.message == "2 pages, no text on any of them"
    assert raised.value.fix == "needs OCR; the bytes are kept"


def test_pdf_pages_without_text_are_named_in_a_warning():
    result = extract(made_pdf("Report 2023 total 447228", "", "page three"))
    assert result.text == "Report 2023 total 447228\npage three"
    (issue,) = result.issues
    assert (issue.code, issue.level) == ("pdf-pages-without-text", "warning")
    assert issue.message == "no text on page(s) 2"


def test_pdf_table_failure_costs_the_tables_not_the_text(monkeypatch):
    def broken_open(*args, **kwargs):
        raise ValueError("odd drawing")

    monkeypatch.setattr("pdfplumber.open", broken_open)
    result = extract(made_pdf("Report 2023"))
    assert (result.text, result.tables) == ("Report 2023", ())
    assert [issue.code for issue in result.issues] == ["pdf-tables-failed"]


def test_pdf_served_as_html_is_read_as_pdf_with_a_warning():
    result = extract(made_pdf("Report 2023"), content_type="text/html", url="https://example.gov.cn/a.html")
    assert result.kind == "pdf"
    (issue,) = result.issues
    assert issue.code == "kind-mismatch"
    assert issue.message == ("served as html (content-type=text/html, url=https://example.gov.cn/a.html) "
                             "but the bytes are pdf")
