"""PDF to text (pdfminer.six) and ruled tables (pdfplumber), page by page, in a child process.

Steps:

0. Isolation: steps 1–3 run in one forked child per PDF (`sandbox.run_limited`), stopped after
   ``PDF_TIME_LIMIT`` seconds (``pdf-timeout``: pdfminer loops for ever on a reference cycle) or when it
   needs more than ``PDF_MEMORY_LIMIT`` bytes or recurses too deep (``pdf-too-complex``: a Flate bomb, a
   page tree thousands of levels deep). A child that dies without answering → ``pdf-unreadable``.
1. Text: ``pdfminer.high_level.extract_pages`` yields one laid-out page at a time, so memory stays flat on
   long reports. Each text box's lines are kept in pdfminer's reading order; pages are joined by "\\n".
   Any other pdfminer failure (encrypted, truncated, corrupt) → ``pdf-unreadable``.
2. No text on any page → ``pdf-no-text-layer`` (a scan: needs OCR; the bytes are kept). Some pages
   without text → a ``pdf-pages-without-text`` warning naming them.
3. Tables: pdfplumber's ruled-line detection, one page at a time (each page's cache released after use).
   A table split by a page break stays two `Table`s on consecutive pages; joining them is the parser's
   call. A failure here costs only the tables: a ``pdf-tables-failed`` warning, the text is kept.

Why filled rectangles are set aside at first: WPS exports draw a white, unstroked rectangle behind
every line of body text, which pdfplumber reads as table cells and so returns whole pages of prose as
one-column "tables" (all three Huai'an reports do this). Table places are found from rules only
(strokes, or filled rectangles thin enough to be lines); see `_page_tables` for the second pass.
"""

from __future__ import annotations

import codecs
import io

import pdfplumber
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextContainer
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text

from archive.errors import ExtractionError

from .model import Cell, Extraction, Table, cell, warning
from .sandbox import run_limited

FILE_SUFFIXES = (".doc", ".docx", ".wps", ".pdf")
RULE_THICKNESS = 2.0  # points; a filled rectangle thinner than this in one direction is a drawn line
PDF_TIME_LIMIT = 180.0  # seconds for text and tables of one PDF: real reports take 1–3 s, 0.5 s a page
PDF_MEMORY_LIMIT = 2 * 1024**3  # bytes the child may add to the address space it inherits


def extract_pdf(
    body: bytes, *, time_limit: float = PDF_TIME_LIMIT, memory_limit: int = PDF_MEMORY_LIMIT
) -> Extraction:
    """Text and ruled tables of a PDF payload, parsed in a child process (steps in the module docstring)."""
    return run_limited(_extract_pdf, body, kind="pdf", time_limit=time_limit, memory_limit=memory_limit)


def _extract_pdf(body: bytes) -> Extraction:
    """Steps 1–3 of the module docstring, in the current process."""
    page_texts = _page_texts(body)
    if not any(page_texts):
        raise ExtractionError(
            "pdf-no-text-layer",
            f"{len(page_texts)} pages, no text on any of them",
            fix="needs OCR; the bytes are kept",
        )
    issues = []
    blank = [str(number) for number, text in enumerate(page_texts, 1) if not text]
    if blank:
        issues.append(
            warning(
                "pdf-pages-without-text",
                f"no text on page(s) {', '.join(blank)}",
                fix="those pages are probably images; they need OCR",
            )
        )
    tables, title = (), None
    try:
        tables, title = _tables_and_title(body)
    except Exception as error:  # pdfplumber can fail on odd drawings where pdfminer's text pass did not
        issues.append(
            warning(
                "pdf-tables-failed",
                f"table detection failed: {error!r}",
                fix="the text is kept; tables must be read from it",
            )
        )
    text = "\n".join(page for page in page_texts if page)
    return Extraction(
        kind="pdf",
        method="pdfminer",
        text=text,
        tables=tables,
        title=title,
        pages=len(page_texts),
        issues=tuple(issues),
    )


def _page_texts(body: bytes) -> list[str]:
    """One string per page: the page's non-empty text lines joined by "\\n"."""
    texts = []
    try:
        for page in extract_pages(io.BytesIO(body), laparams=LAParams()):
            lines = (
                line.strip()
                for box in page
                if isinstance(box, LTTextContainer)
                for line in box.get_text().splitlines()
            )
            texts.append("\n".join(line for line in lines if line))
    except (MemoryError, RecursionError):
        raise  # not damage but excess: the sandbox reports pdf-too-complex
    except Exception as error:  # pdfminer raises PSEOF, PDFSyntaxError, KeyError… on damaged files
        raise ExtractionError(
            "pdf-unreadable",
            f"pdfminer cannot read the PDF: {type(error).__name__}: {error}",
            fix="the bytes are kept; it may be encrypted, truncated or damaged",
        ) from error
    if not texts:
        raise ExtractionError(
            "pdf-unreadable",
            "pdfminer finds no pages in the PDF",
            fix="the bytes are kept; it may be truncated or damaged",
        )
    return texts


def _tables_and_title(body: bytes) -> tuple[tuple[Table, ...], str | None]:
    """Ruled tables of every page, tagged with their page numbers, and the document's metadata title."""
    tables: list[Table] = []
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            tables.extend(_page_tables(page, number))
            page.close()  # release the page's cached layout objects: flat memory on long reports
        title = _metadata_title(pdf.doc)
    return tuple(table for table in tables if table.rows), title


def _page_tables(page: pdfplumber.page.Page, number: int) -> list[Table]:
    """The ruled tables of one page, in two passes.

    Pass 1 finds where tables are from rules alone (see the module docstring on filled rectangles).
    Pass 2 detects again with the filled rectangles that lie mostly inside those places put back: WPS
    draws some cell borders only as cell fills, e.g. the left edge of the tall merged "三、本年度办理结果"
    cell, without which the merged cell is lost.
    """
    places = [found.bbox for found in page.filter(_is_rule_or_text).find_tables()]
    if not places:
        return []
    ruled = page.filter(lambda obj: _is_rule_or_text(obj) or _mostly_inside(obj, places))
    return [plumber_table(found, number) for found in ruled.find_tables()]


def _is_rule_or_text(obj: dict) -> bool:
    """False for filled, unstroked rectangles bigger than a rule (backgrounds, text highlights)."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    return min(obj.get("width", 0), obj.get("height", 0)) < RULE_THICKNESS


def _mostly_inside(obj: dict, places: list[tuple[float, float, float, float]]) -> bool:
    """True if at least half of the object's area lies inside one of ``places`` (x0, top, x1, bottom)."""
    area = max(obj["width"] * obj["height"], 1e-6)
    for x0, top, x1, bottom in places:
        width = min(obj["x1"], x1) - max(obj["x0"], x0)
        height = min(obj["bottom"], bottom) - max(obj["top"], top)
        if width > 0 and height > 0 and width * height >= area / 2:
            return True
    return False


def plumber_table(found: pdfplumber.table.Table, page: int) -> Table:
    """A pdfplumber table as a `Table`: merged cells once, spans counted on the table's own grid.

    pdfplumber's columns are the distinct left edges of its cells and its rows the distinct top edges
    (``found.rows``; ``found.extract()`` has the same shape, with None where no cell starts). A cell's
    span is the number of those edges it covers. Grid positions no cell covers (a missing rule) become
    empty cells, so the cells after them keep their columns.
    """
    grid_rows = found.rows
    tops = [row.bbox[1] for row in grid_rows]
    lefts = sorted({box[0] for box in found.cells})
    covered: set[tuple[int, int]] = set()
    rows = []
    for r, (row, texts) in enumerate(zip(grid_rows, found.extract(), strict=True)):
        cells = []
        for c, (box, text) in enumerate(zip(row.cells, texts, strict=True)):
            if box is None:
                if (r, c) not in covered:
                    cells.append(Cell(""))
                continue
            rowspan, colspan = _covered(tops, box[1], box[3]), _covered(lefts, box[0], box[2])
            covered.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            cells.append(cell(text, rowspan, colspan))
        rows.append(tuple(cells))
    return Table(tuple(rows), page)


def _covered(edges: list[float], start: float, end: float) -> int:
    """How many grid edges lie in [start, end): the span of a cell from ``start`` to ``end``."""
    return max(sum(1 for edge in edges if start - 0.01 <= edge < end - 0.01), 1)


def _metadata_title(document: PDFDocument) -> str | None:
    """The PDF's Title, unless it is empty or just a file name ("Microsoft Word - 附件1.doc")."""
    raw = resolve1(document.info[0].get("Title")) if document.info else None
    if isinstance(raw, bytes):
        # Read the bytes ourselves: WPS writes UTF-16 little-endian with a BOM, which decoders that only
        # know PDFDocEncoding and UTF-16BE (pdfplumber's) turn into mojibake.
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raw = raw.decode("utf-16", "replace")
        else:
            raw = decode_text(raw)
    title = raw.strip().strip("\x00") if isinstance(raw, str) else ""
    looks_like_file = title.lower().endswith(FILE_SUFFIXES) or title.startswith("Microsoft")
    return None if looks_like_file or not title else title
