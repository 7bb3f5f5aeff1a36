"""Binary documents of the replica: DOCX (python-docx), PDF (LibreOffice from that DOCX), PNG.

Reports are laid out as real ones are: A4, 宋体 body, ruled tables whose merged cells follow
the national layout (the same grid as the HTML tables). PDFs come from LibreOffice so they have
real table rules and a text layer. Bytes are made reproducible where the tools allow: zip entry
times in DOCX are fixed, and LibreOffice's creation date, document ID and checksum are replaced
by values of the same length derived from the document, so offsets stay valid.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from crawler.replica.report import Block
from crawler.replica.tables import Grid, placed

BODY_FONT, HEADING_FONT = "宋体", "黑体"


def docx_bytes(blocks: list[Block], author: str, when: datetime) -> bytes:
    """A DOCX of the blocks: title, headings, indented paragraphs, ruled tables, signature."""
    document = Document()
    _set_up(document)
    for kind, value in blocks:
        if kind == "table":
            _add_table(document, value)
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(value)
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, HEADING_FONT, 16, bold=True)
        elif kind == "heading":
            _font(run, HEADING_FONT, 12, bold=True)
        elif kind == "closing":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.paragraph_format.first_line_indent = Pt(21)
    properties = document.core_properties
    properties.title = next((value for kind, value in blocks if kind == "title"), "")
    properties.author = properties.last_modified_by = author
    properties.created = properties.modified = when
    properties.revision = 1
    properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip_times(buffer.getvalue())


def _set_up(document: Document) -> None:
    """A4 with 2 cm margins; Normal style in 宋体 10.5 pt (五号)."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)


def _font(run, name: str, size: float, bold: bool = False) -> None:
    """Set a run's Latin and East Asian font, size and weight."""
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _add_table(document: Document, grid: Grid) -> None:
    """A ruled table with fixed column widths and the grid's merged cells."""
    table = document.add_table(rows=len(grid.rows), cols=grid.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(width) for width in grid.widths_cm]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    # one cell object per grid position, taken before merging: table.cell() rescans the whole table
    cells = [list(row.cells) for row in table.rows]
    for row in cells:
        for cell, width in zip(row, widths, strict=True):
            cell.width = width
    for r, c, cell in placed(grid):
        target = cells[r][c]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(cells[r + cell.rowspan - 1][c + cell.colspan - 1])
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = target.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(cell.text), BODY_FONT, 8)
    document.add_paragraph()


def fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip (DOCX) with every entry dated 1980-01-01, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()


def to_pdf(documents: dict[str, tuple[bytes, datetime]]) -> dict[str, bytes]:
    """Convert DOCX documents (name → bytes, date) to PDF with one headless LibreOffice run."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit(
            "LibreOffice not found: install libreoffice-writer-nogui and fonts-wqy-zenhei "
            "(the replica's PDFs are converted from DOCX so their tables are really ruled)"
        )
    with tempfile.TemporaryDirectory(prefix="gongkai-replica-") as tmp:
        folder = Path(tmp)
        sources = []
        for name, (data, _) in documents.items():
            sources.append(folder / f"{name}.docx")
            sources[-1].write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "pdf"),
            *map(str, sources),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=900)
        return {
            name: fixed_pdf_stamps((folder / "pdf" / f"{name}.pdf").read_bytes(), when, name)
            for name, (_, when) in documents.items()
        }


def fixed_pdf_stamps(data: bytes, when: datetime, name: str) -> bytes:
    """Replace LibreOffice's run-dependent stamps (dates, /ID, /DocChecksum) with same-length values."""
    stamp = when.strftime("%Y%m%d%H%M%S").encode()
    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)\d{14}", lambda m: m.group(1) + stamp, data)
    digest = hashlib.md5(name.encode()).hexdigest().upper().encode()  # noqa: S324 (not security)
    head, mark, trailer = data.rpartition(b"trailer")
    trailer = re.sub(rb"(<|/DocChecksum\s*/)[0-9A-F]{32}", lambda m: m.group(1) + digest, trailer)
    return head + mark + trailer


def truncated_pdf(data: bytes) -> bytes:
    """A broken copy of a PDF: the first two fifths, then garbage, and no trailer or %%EOF."""
    return data[: len(data) * 2 // 5] + b"\n\x00\xff garbled upload \xfe\x00" * 8


def png_bytes(width: int, height: int, bands: list[tuple[int, tuple[int, int, int]]]) -> bytes:
    """An RGB PNG of horizontal colour bands (height, colour): an image-only 一图读懂 page."""
    rows = b"".join((b"\x00" + bytes(colour) * width) * band for band, colour in bands)
    rows += (b"\x00" + b"\xff\xff\xff" * width) * (height - sum(band for band, _ in bands))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )
