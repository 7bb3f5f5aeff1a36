"""Rows of cells from whatever form a table arrives in, each cell keeping where it was printed.

Forms (report-formats.md §7.1):

- a structured `Table` (HTML, DOCX, PDF ruled table): one row per grid row, spans expanded, covered
  positions dropped, so a cell's ``col`` is its grid column;
- tab-flattened text: one line per row, cells split on tabs (merged cells became empty strings);
- pipe-flattened text: the same with ``|``;
- free text: space-separated PDF lines ("四、结转下年度继续办理 0 0 0 0 0 0 0") or one cell per line.
  Such rows are *loose*: a blank cell leaves no trace, so only printed values can be placed.

`logical_rows` then turns rows into (labels, values) pairs: a positional row's values are the cells
after its last label; loose lines are regrouped, labels collecting until values arrive, because one
cell per line spreads a row (and a vertical label, one character per line) over many lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pipelines.extract.model import Table

from .normalise import Reading, is_page_footer, read_cell


@dataclass(frozen=True)
class GridCell:
    """One printed cell and where it was printed."""

    text: str
    source: str  # "table" (a structured Table) | "text" (recovered from the extraction's text)
    page: int | None  # PDF page of the Table; None for text and non-PDF tables
    row: int  # row index in its Table (0-based), or line number in the text (1-based)
    col: int  # grid column in its Table, or position in the split line (0-based)
    segment: int  # the Table or text block it came from; alignment is decided per segment

    @cached_property
    def reading(self) -> Reading:
        """What the cell holds (number, blank, placeholder or text)."""
        return read_cell(self.text)

    @property
    def is_label(self) -> bool:
        """Text that is not a number, blank or placeholder."""
        return not self.reading.is_value

    @property
    def is_filled(self) -> bool:
        """A number or placeholder: something printed in a value position."""
        return self.reading.kind in ("number", "placeholder")


@dataclass(frozen=True)
class Row:
    """One row as found: a grid row or a text line."""

    cells: tuple[GridCell, ...]
    loose: bool = False  # from free text: blank cells are invisible, positions mean nothing


@dataclass(frozen=True)
class LogicalRow:
    """A table row as the readers see it: its label cells, then its value cells."""

    labels: tuple[GridCell, ...]
    values: tuple[GridCell, ...]
    loose: bool = False
    extra: tuple[GridCell, ...] = field(default=())  # filled cells printed before the last label

    @property
    def filled(self) -> list[GridCell]:
        """The value cells holding a number or placeholder."""
        return [cell for cell in self.values if cell.is_filled]


def table_rows(table: Table, segment: int) -> list[Row]:
    """The rows of a structured table: grid rows with covered positions (None) dropped."""
    rows = []
    for r, grid_row in enumerate(table.grid()):
        cells = tuple(GridCell(text, "table", table.page, r, c, segment)
                      for c, text in enumerate(grid_row) if text is not None)
        if cells:
            rows.append(Row(cells))
    return rows


def text_rows(lines: Iterable[tuple[int, str]], segment: int) -> list[Row]:
    """Rows from numbered text lines: tab or pipe lines are positional, other lines loose.

    Empty lines and page footers ("- 3 -") are skipped: in flattened text they are layout, not cells.
    """
    rows = []
    for number, line in lines:
        if not line.strip() or is_page_footer(line):
            continue
        if "\t" in line or "|" in line:
            parts = line.split("\t") if "\t" in line else line.split("|")
            cells = tuple(GridCell(part.strip(), "text", None, number, c, segment)
                          for c, part in enumerate(parts))
            rows.append(Row(cells))
        else:
            rows.append(Row(_loose_cells(line, number, segment), loose=True))
    return rows


def _loose_cells(line: str, number: int, segment: int) -> tuple[GridCell, ...]:
    """A free-text line as a label cell followed by its trailing run of value tokens."""
    tokens = line.split()
    start = len(tokens)
    while start > 0 and read_cell(tokens[start - 1]).kind in ("number", "placeholder"):
        start -= 1
    cells = []
    if start:
        cells.append(GridCell(" ".join(tokens[:start]), "text", None, number, 0, segment))
    offset = len(cells)
    cells += [GridCell(token, "text", None, number, offset + i, segment)
              for i, token in enumerate(tokens[start:])]
    return tuple(cells)


def logical_rows(rows: Sequence[Row]) -> list[LogicalRow]:
    """Rows as (labels, values): positional rows one by one, loose lines regrouped (module docstring)."""
    result: list[LogicalRow] = []
    labels: list[GridCell] = []
    values: list[GridCell] = []

    def flush() -> None:
        if labels or values:
            result.append(LogicalRow(tuple(labels), tuple(values), loose=True))
        labels.clear()
        values.clear()

    for row in rows:
        if not row.loose:
            flush()
            result.append(split_row(row))
            continue
        row_labels = [cell for cell in row.cells if cell.is_label]
        if row_labels and values:
            flush()
        labels.extend(row_labels)
        values.extend(cell for cell in row.cells if not cell.is_label)
    flush()
    return result


def split_row(row: Row) -> LogicalRow:
    """A positional row: label cells up to the last label, value cells after it."""
    last = max((i for i, cell in enumerate(row.cells) if cell.is_label), default=-1)
    head = row.cells[: last + 1]
    return LogicalRow(tuple(c for c in head if c.is_label), row.cells[last + 1:],
                      extra=tuple(c for c in head if c.is_filled))
