"""Spreadsheets to tables: XLSX read from its XML parts, XLS through catdoc's ``xls2csv``.

Statistics attachments (附表, 预决算 tables) come as spreadsheets. Each sheet becomes one `Table`; the
text is each sheet's name followed by its rows, tab-joined.

XLSX steps: 1. zip-bomb and XML-bomb checks (`ziputil.open_zip`: ``xlsx-too-large``,
``xlsx-xml-entities``); 2. read the workbook's sheet
list, shared strings and each sheet's cells with lxml (entities and network off); merged ranges
(``mergeCell``) give rowspan/colspan; broken XML → ``xlsx-unreadable``. Numbers keep the digits stored
in the file; dates stay as Excel serial numbers.

XLS steps: 1. ``xls2csv`` if on PATH (sheets split at form feeds, no spans); 2. else ``unsupported-format``.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import shutil
import zipfile

from lxml import etree

from archive.errors import ExtractionError

from .model import Extraction, Table, cell
from .office import run_converter
from .ziputil import open_zip

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
REF = re.compile(r"([A-Z]+)(\d+)")
MAX_CELLS = 1_000_000  # far beyond any report table; protects against sheets claiming huge ranges
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)


def extract_xlsx(body: bytes) -> Extraction:
    """One table per sheet of an XLSX payload, and the sheets as text."""
    with open_zip(body, "xlsx") as archive:
        try:
            shared = _shared_strings(archive)
            sheets = [
                (name, _sheet_table(_xml(archive, path), shared)) for name, path in _sheet_paths(archive)
            ]
        except (KeyError, etree.XMLSyntaxError, ValueError) as error:
            raise ExtractionError(
                "xlsx-unreadable",
                f"cannot read the workbook: {error!r}",
                fix="the bytes are kept; check whether the download was truncated",
            ) from error
    text = "\n".join(f"{name}\n{table.text()}" for name, table in sheets if table.rows)
    return Extraction(
        kind="xlsx", method="xlsx-xml", text=text, tables=tuple(table for _, table in sheets if table.rows)
    )


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    """A part of the package parsed without entity expansion or network access."""
    return etree.fromstring(archive.read(name), SAFE_XML)


def _sheet_paths(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order."""
    workbook = _xml(archive, "xl/workbook.xml")
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("rel:Relationship", NS)}
    paths = []
    for sheet in workbook.findall("m:sheets/m:sheet", NS):
        target = targets.get(sheet.get(f"{{{NS['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        paths.append((sheet.get("name", ""), path))
    return paths


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The workbook's shared strings (rich-text runs joined), or [] when it has none."""
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = _xml(archive, "xl/sharedStrings.xml")
    return ["".join(si.itertext()) for si in root.findall("m:si", NS)]


def _sheet_table(sheet: etree._Element, shared: list[str]) -> Table:
    """A worksheet as a `Table`: merged ranges once with spans, missing cells blank."""
    cells = sheet.iterfind(".//m:sheetData/m:row/m:c", NS)
    values = {_position(c.get("r", "")): _cell_value(c, shared) for c in cells}
    values.pop(None, None)
    if not values:
        return Table(())
    nrows, ncols = max(r for r, _ in values) + 1, max(c for _, c in values) + 1
    if nrows * ncols > MAX_CELLS:
        raise ValueError(f"sheet spans {nrows} × {ncols} cells")
    merges = [_range(m.get("ref", "")) for m in sheet.iterfind(".//m:mergeCells/m:mergeCell", NS)]
    merged = sum(max(r1 - r0 + 1, 0) * max(c1 - c0 + 1, 0) for (r0, c0), (r1, c1) in merges)
    if merged > MAX_CELLS:  # checked before listing them: "A1:XFD1048576" alone is 17 billion cells
        raise ValueError(f"merged ranges cover {merged:,} cells")
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for (r0, c0), (r1, c1) in merges}
    covered = {(r, c) for (r0, c0), (r1, c1) in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    rows = []
    for r in range(nrows):
        row = [
            cell(values.get((r, c)), *spans.get((r, c), (1, 1)))
            for c in range(ncols)
            if (r, c) in spans or (r, c) not in covered
        ]
        rows.append(tuple(row))
    return Table(tuple(rows))


def _cell_value(c: etree._Element, shared: list[str]) -> str:
    """The displayed value of a ``<c>``: shared or inline string, boolean, or the stored number."""
    kind, value = c.get("t", "n"), c.findtext("m:v", default="", namespaces=NS)
    if kind == "s":
        return shared[int(value)] if value.isdigit() and int(value) < len(shared) else ""
    if kind == "inlineStr":
        node = c.find("m:is", NS)
        return "".join(node.itertext()) if node is not None else ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    if kind == "n" and value:
        return _number(value)
    return value


def _number(value: str) -> str:
    """A stored number as a person would read it: 447228, 7730.28 (binary float noise rounded off)."""
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else format(number, ".15g")


def _position(ref: str) -> tuple[int, int] | None:
    """ "B3" → (2, 1), zero-based (row, column); None for a malformed reference."""
    match = REF.fullmatch(ref.upper())
    if not match:
        return None
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


def _range(ref: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """ "A1:C2" → ((0, 0), (1, 2)); a malformed range becomes an empty one-cell range at A1."""
    start, _, end = ref.partition(":")
    first, last = _position(start), _position(end or start)
    return (first, last) if first and last else ((0, 0), (0, 0))


def extract_xls(body: bytes) -> Extraction:
    """Sheets of an XLS payload through catdoc's ``xls2csv``, one table per sheet (no spans)."""
    path = shutil.which("xls2csv")
    if not path:
        raise ExtractionError(
            "unsupported-format",
            "XLS files need xls2csv (from catdoc), not on PATH",
            fix="install catdoc (apt-get install catdoc); the bytes are kept",
        )
    output = run_converter(path, ("-d", "utf-8"), body, "xls2csv", kind="xls")
    tables = [_csv_table(sheet) for sheet in output.split("\f") if sheet.strip()]
    text = "\n".join(table.text() for table in tables)
    return Extraction(kind="xls", method="xls2csv", text=text, tables=tuple(tables))


def _csv_table(sheet: str) -> Table:
    """One sheet of xls2csv output as a `Table` (xls2csv loses merges, so every span is 1)."""
    return Table(tuple(tuple(cell(value) for value in row) for row in csv.reader(io.StringIO(sheet))))
