"""Word documents: DOCX read with merged cells once, zip bombs refused; DOC through antiword/catdoc."""

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest

from archive.errors import ExtractionError
from pipelines.extract import Cell, extract

SHARED = Path(os.environ.get("GONGKAI_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
TEMPLATE = SHARED / "real-reports" / "annual-report-2021-format-blank-template.docx"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_DOC = OLE_MAGIC + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 64


def template_tables():
    return extract(TEMPLATE.read_bytes(), url="https://example.gov.cn/nb.docx").tables


def made_docx(build) -> bytes:
    """A DOCX written by python-docx after ``build(document)`` has filled it."""
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_merged_cells_appear_once_with_spans():
    table3 = template_tables()[1]  # 表三
    corner, applicants = table3.rows[0]
    assert (corner.rowspan, corner.colspan, applicants.text, applicants.colspan) == (3, 3, "申请人情况", 7)
    assert [c for row in table3.rows for c in row if c.text == "三、本年度办理结果"] == [
        Cell("三、本年度办理结果", rowspan=22, colspan=1)]
    assert {len(row) for row in table3.grid()} == {10}
    assert len(table3.rows) == 28


def test_docx_grid_marks_positions_covered_by_a_merge_as_none():
    grid = template_tables()[1].grid()
    assert grid[5][:3] == ["三、本年度办理结果", "（一）予以公开", None]
    assert [row[0] for row in grid[6:27]] == [None] * 21


def test_docx_fullwidth_space_cells_are_blank():
    with zipfile.ZipFile(TEMPLATE) as archive:  # the template really holds U+3000 in its empty cells
        assert "<w:t>\u3000</w:t>" in archive.read("word/document.xml").decode("utf-8")
    table3 = template_tables()[1]
    new_row = table3.grid()[3]
    assert new_row == ["一、本年新收政府信息公开申请数量", None, None, "", "", "", "", "", "", ""]
    assert not any("\u3000" in c.text for t in template_tables() for row in t.rows for c in row)


def test_docx_text_keeps_paragraphs_and_tables_in_document_order():
    text = extract(TEMPLATE.read_bytes()).text
    assert text.startswith("政府信息公开工作年度报告格式模板\n一、总体情况\n（文字描述）\n"
                           "二、主动公开政府信息情况\n")
    assert text.index("二、主动公开") < text.index("第二十条第（一）项") < text.index("三、收到和处理")
    assert "\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t\t\t\n" in text


def test_docx_merge_made_by_python_docx_comes_out_once():
    def build(document):
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).merge(table.cell(1, 1)).text = "合并"
        table.cell(0, 2).text = "右上"
        table.cell(2, 0).text = "　"
        table.cell(2, 1).text = "5"

    (table,) = extract(made_docx(build)).tables
    assert table.rows[0] == (Cell("合并", rowspan=2, colspan=2), Cell("右上"))
    assert table.grid() == [["合并", None, "右上"], [None, None, ""], ["", "5", ""]]


def test_docx_title_comes_from_core_properties():
    def build(document):
        document.core_properties.title = "某某局2023年政府信息公开工作年度报告"
        document.add_paragraph("一、总体情况")

    result = extract(made_docx(build))
    assert (result.kind, result.method) == ("docx", "python-docx")
    assert result.title == "某某局2023年政府信息公开工作年度报告"


def test_docx_zip_bomb_is_refused_before_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (25 * 1024 * 1024))
    with pytest.raises(ExtractionError) as raised:
        extract(buffer.getvalue())
    assert raised.value.code == "docx-too-large"
    assert raised.value.message.startswith("DOCX would inflate to 26,214,413 bytes from ")


def test_truncated_docx_raises_docx_unreadable():
    body = TEMPLATE.read_bytes()
    with pytest.raises(ExtractionError) as raised:
        extract(body[:-2000], url="https://example.gov.cn/nb.docx")
    assert raised.value.code == "docx-unreadable"


def test_doc_without_a_converter_raises_unsupported_format(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ExtractionError) as raised:
        extract(OLE_DOC, url="https://example.gov.cn/a.doc")
    assert raised.value.code == "unsupported-format"
    assert raised.value.fix.startswith("install antiword")


def test_doc_text_comes_from_antiword_when_it_is_on_path(monkeypatch, tmp_path):
    antiword = tmp_path / "antiword"
    antiword.write_text('#!/bin/sh\nprintf "  一、总体情况\\n\\n2023年，我局……\\n"\n', encoding="utf-8")
    antiword.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = extract(OLE_DOC)
    assert (result.kind, result.method, result.text) == ("doc", "antiword", "一、总体情况\n2023年，我局……")


def test_doc_converter_failure_raises_doc_unreadable(monkeypatch, tmp_path):
    antiword = tmp_path / "antiword"
    antiword.write_text("#!/bin/sh\necho 'not a Word document' >&2\nexit 1\n", encoding="utf-8")
    antiword.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ExtractionError) as raised:
        extract(OLE_DOC)
    assert raised.value.code == "doc-unreadable"
    assert raised.value.message == "antiword failed (exit 1): not a Word document"
