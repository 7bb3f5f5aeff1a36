"""Word documents to text and tables: DOCX with python-docx, DOC (and WPS) with antiword or catdoc.

DOCX steps:

1. Refuse zip bombs (`ziputil.open_zip`): over 200 MB inflated, or an absurd ratio → ``docx-too-large``;
   and XML bombs: any part with a DTD (entity definitions) → ``docx-xml-entities``.
2. Open with python-docx; failure → ``docx-unreadable``.
3. Walk the body in document order: each paragraph is a line; each table becomes a `Table` and also
   appears in the text as tab-joined rows (report-formats.md §7.1 "tab-flattened").

Tables are read from the XML, not from python-docx's ``table.rows[i].cells``, because python-docx
repeats a merged cell's text at every grid position it covers. Here ``w:gridSpan`` gives ``colspan``,
a ``w:vMerge`` restart cell counts the continue cells below it as ``rowspan``, and each merged cell
comes out once. Cells holding only U+3000 (WPS's "empty") are blank, never "0". Spans are capped at
``MAX_SPAN`` and a table whose cells cover over ``MAX_TABLE_CELLS`` grid positions is ``docx-too-large``,
so a hostile ``w:gridSpan="999999999"`` cannot make the grid explode.

DOC steps: 1. ``antiword`` if on PATH; 2. ``catdoc``; 3. otherwise ``unsupported-format``. Both run in a
subprocess with a timeout; tables come out only as text (antiword draws them with ``|``).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from archive.errors import ExtractionError

from .model import Cell, Extraction, Table, cell
from .ziputil import open_zip

DOC_TOOLS = (("antiword", ("-m", "UTF-8.txt", "-w", "0")), ("catdoc", ("-d", "utf-8", "-w")))
DOC_TIMEOUT_SECONDS = 60
MAX_SPAN = 1000  # Word tables have at most 63 columns; a bigger w:gridSpan is damage or an attack
MAX_TABLE_CELLS = 1_000_000  # grid positions of one table; report tables have a few hundred


def extract_docx(body: bytes) -> Extraction:
    """Text and tables of a DOCX payload, in document order (steps in the module docstring)."""
    open_zip(body, "docx").close()
    try:
        document = docx.Document(io.BytesIO(body))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors… on broken parts
        raise ExtractionError(
            "docx-unreadable",
            f"python-docx cannot open the document: {error!r}",
            fix="the bytes are kept; check whether the download was truncated",
        ) from error
    lines, tables = [], []
    for block in _blocks(document.element.body):
        if block.tag == qn("w:tbl"):
            table = docx_table(block, document)
            tables.append(table)
            lines.append(table.text())  # not stripped: leading and trailing tabs are blank cells
        else:
            lines.append(Paragraph(block, document).text.strip())
    text = "\n".join(line for line in lines if line.strip())
    title = (document.core_properties.title or "").strip() or None
    return Extraction(kind="docx", method="python-docx", text=text, tables=tuple(tables), title=title)


def docx_table(tbl: etree._Element, document: object) -> Table:
    """A ``w:tbl`` element as a `Table`, merged cells once with their spans."""
    rows = [_row_entries(tr) for tr in tbl.findall(qn("w:tr"))]
    out = []
    for r, entries in enumerate(rows):
        cells = []
        for col, tc, colspan, vmerge in entries:
            if vmerge == "continue":
                continue  # covered by the restart cell above, which carries the rowspan
            rowspan = 1 + _continued_below(rows, r, col) if vmerge == "restart" else 1
            cells.append(
                cell(_cell_text(tc, document), rowspan, colspan) if tc is not None else Cell("", 1, colspan)
            )
        out.append(tuple(cells))
    area = sum(c.rowspan * c.colspan for row in out for c in row)
    if area > MAX_TABLE_CELLS:
        raise ExtractionError(
            "docx-too-large",
            f"a table covers {area:,} grid positions",
            fix="refused as damaged or hostile; the bytes are kept",
        )
    return Table(tuple(out))


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of the body in order, looking inside content controls (``w:sdt``)."""
    for child in parent.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _row_entries(tr: etree._Element) -> list[tuple[int, etree._Element | None, int, str | None]]:
    """(grid column, tc, colspan, vMerge) for each cell of a row; ``w:gridBefore`` as an empty cell."""
    entries: list[tuple[int, etree._Element | None, int, str | None]] = []
    col = min(_int_val(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"), 0), MAX_SPAN)
    if col:
        entries.append((0, None, col, None))
    for tc in tr.findall(qn("w:tc")):
        props = tc.find(qn("w:tcPr"))
        span = min(_int_val(props.find(qn("w:gridSpan")) if props is not None else None, 1), MAX_SPAN)
        entries.append((col, tc, span, _vmerge(props)))
        col += span
    return entries


def _vmerge(props: etree._Element | None) -> str | None:
    """ "restart", "continue" or None; a bare ``<w:vMerge/>`` means continue."""
    node = props.find(qn("w:vMerge")) if props is not None else None
    if node is None:
        return None
    return "restart" if node.get(qn("w:val")) == "restart" else "continue"


def _continued_below(rows: list, r: int, col: int) -> int:
    """How many rows below row ``r`` continue the vertical merge that starts at grid column ``col``."""
    count = 0
    for entries in rows[r + 1 :]:
        if not any(c == col and vm == "continue" for c, _, _, vm in entries):
            break
        count += 1
    return count


def _cell_text(tc: etree._Element, document: object) -> str:
    """A cell's paragraphs (nested tables included) joined by line breaks."""
    return "\n".join(Paragraph(p, document).text for p in tc.iter(qn("w:p")))


def _int_val(node: etree._Element | None, default: int) -> int:
    """The integer ``w:val`` of an element, or ``default`` when absent or malformed."""
    try:
        return max(int(node.get(qn("w:val"))), 0) if node is not None else default
    except (TypeError, ValueError):
        return default


def extract_doc(body: bytes) -> Extraction:
    """Text of a DOC (Word 97–2003 / WPS) payload through antiword or catdoc, whichever is installed."""
    for tool, args in DOC_TOOLS:
        path = shutil.which(tool)
        if path:
            text = run_converter(path, args, body, tool)
            lines = (line.strip() for line in text.splitlines())
            return Extraction(kind="doc", method=tool, text="\n".join(line for line in lines if line))
    raise ExtractionError(
        "unsupported-format",
        "DOC files need antiword or catdoc, and neither is on PATH",
        fix="install antiword (apt-get install antiword) or catdoc; the bytes are kept",
    )


def run_converter(path: str, args: tuple[str, ...], body: bytes, tool: str, kind: str = "doc") -> str:
    """Run a converter on the payload (written to a temporary file) and return its UTF-8 output.

    Raises ExtractionError ``<kind>-unreadable`` when the tool fails or runs past the timeout.
    """
    with tempfile.NamedTemporaryFile(suffix=f".{kind}") as handle:
        handle.write(body)
        handle.flush()
        try:
            command = [path, *args, handle.name]
            done = subprocess.run(command, capture_output=True, timeout=DOC_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as error:
            raise ExtractionError(
                f"{kind}-unreadable",
                f"{tool} took over {DOC_TIMEOUT_SECONDS} s",
                fix="the bytes are kept; try converting the file by hand",
            ) from error
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip()[:200]
        raise ExtractionError(
            f"{kind}-unreadable",
            f"{tool} failed (exit {done.returncode}): {why}",
            fix=f"the bytes are kept; the file may be damaged or not a {kind.upper()} file",
        )
    return done.stdout.decode("utf-8", "replace")
