"""Spreadsheets: XLSX sheets become tables with merged ranges; XLS needs xls2csv."""

import io
import zipfile

import pytest

from archive.errors import ExtractionError
from pipelines.extract import Cell, extract

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def made_xlsx(sheet_xml: str, strings: list[str]) -> bytes:
    """A minimal XLSX package with one sheet named 附表."""
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>",
        "xl/workbook.xml": f"<workbook xmlns='{MAIN}' xmlns:r='{RELS}'><sheets>"
                           "<sheet name='附表' sheetId='1' r:id='rId1'/></sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f"<Relationships xmlns='{PACKAGE_RELS}'><Relationship Id='rId1' "
                                      "Type='worksheet' Target='worksheets/sheet1.xml'/></Relationships>",
        "xl/sharedStrings.xml": f"<sst xmlns='{MAIN}'>{shared}</sst>",
        "xl/worksheets/sheet1.xml": f"<worksheet xmlns='{MAIN}'>{sheet_xml}</worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return buffer.getvalue()


SHEET = """<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>
<row r="2"><c r="C2"><v>447228</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>行政事业性收费</t></is></c><c r="B3"><v>7730.2800000000007</v></c>
<c r="C3" t="s"><v>2</v></c></row>
</sheetData><mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells>"""


def test_xlsx_sheet_becomes_a_table_with_merged_ranges_once():
    result = extract(made_xlsx(SHEET, ["信息内容", "本年处理决定数量", "　"]))
    assert (result.kind, result.method) == ("xlsx", "xlsx-xml")
    (table,) = result.tables
    assert table.rows[0] == (Cell("信息内容", rowspan=2, colspan=2), Cell("本年处理决定数量"))
    assert table.grid() == [["信息内容", None, "本年处理决定数量"], [None, None, "447228"],
                            ["行政事业性收费", "7730.28", ""]]


def test_xlsx_text_names_each_sheet_before_its_rows():
    text = extract(made_xlsx(SHEET, ["信息内容", "本年处理决定数量", ""])).text
    assert text == "附表\n信息内容\t\t本年处理决定数量\n\t\t447228\n行政事业性收费\t7730.28\t"


def test_xlsx_with_broken_xml_raises_xlsx_unreadable():
    with pytest.raises(ExtractionError) as raised:
        extract(made_xlsx("<sheetData><row>", []))
    assert raised.value.code == "xlsx-unreadable"


def test_xls_without_xls2csv_raises_unsupported_format(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    ole_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le")
    with pytest.raises(ExtractionError) as raised:
        extract(ole_xls)
    assert (raised.value.code, raised.value.fix) == (
        "unsupported-format", "install catdoc (apt-get install catdoc); the bytes are kept")
