"""What extraction produces: `Extraction`, its `Table`s and their `Cell`s (re-exported by the package)."""

from __future__ import annotations

from dataclasses import dataclass

from archive.issues import Issue

# Whitespace that means "blank" in a cell: ASCII space and controls, NBSP (&nbsp;), U+3000 (the
# full-width space WPS and Word templates put in empty cells). Stripped from both ends of cell text.
BLANK = " \t\r\n\f\v\u00a0\u3000"


@dataclass(frozen=True)
class Cell:
    """One table cell as found in the source; merged cells appear once, with their spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    """A table as in the source: each row holds only the cells that start in it (spans kept)."""

    rows: tuple[tuple[Cell, ...], ...]
    page: int | None = None  # 1-based page of a PDF; None elsewhere

    def grid(self) -> list[list[str | None]]:
        """Spans expanded into a rectangular grid, one list per row of `rows`.

        A cell's text sits at its top-left position. Positions covered by another cell's span, and
        positions a short row does not reach, are None, so "blank" ("") and "no cell here" (None) stay
        apart. Cells are placed as HTML does: each at the next column not taken by a rowspan from above.
        """
        placed: dict[tuple[int, int], str | None] = {}
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in placed:
                    c += 1
                _place(placed, r, c, cell, len(self.rows))
                c += cell.colspan
        width = max((c + 1 for _, c in placed), default=0)
        return [[placed.get((r, c)) for c in range(width)] for r in range(len(self.rows))]

    def as_json(self) -> dict:
        """The table as JSON-ready data, spans kept, so `Table.from_json` gives it back unchanged."""
        return {
            "page": self.page,
            "rows": [[[c.text, c.rowspan, c.colspan] for c in row] for row in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict) -> Table:
        """The table `as_json` wrote (extractions are cached in the database in this form)."""
        rows = tuple(
            tuple(Cell(text, rowspan, colspan) for text, rowspan, colspan in row) for row in data["rows"]
        )
        return cls(rows=rows, page=data.get("page"))

    def text(self) -> str:
        """The table as text: one line per row, grid cells joined by tabs, covered positions empty.

        This is the "tab-flattened" shape of report-formats.md §7.1, which the report parser reads.
        """
        lines = ["\t".join(_one_line(value) for value in row) for row in self.grid()]
        return "\n".join(lines)


@dataclass(frozen=True)
class Extraction:
    """Text and tables taken from one archived payload, with how they were obtained."""

    kind: str  # html | pdf | docx | doc | xlsx | xls | text
    method: str  # which step of the cascade won, e.g. "trafilatura", "lxml-main", "pdfminer"
    text: str  # readable full text, paragraphs separated by "\n"
    tables: tuple[Table, ...] = ()
    title: str | None = None
    pages: int | None = None
    encoding: str | None = None  # html/text: the codec actually used
    issues: tuple[Issue, ...] = ()  # warnings met on the way (stage="extract")


def cell(text: str | None, rowspan: int = 1, colspan: int = 1) -> Cell:
    """A `Cell` with its text stripped of blank characters (so a U+3000-only cell is "")."""
    return Cell((text or "").strip(BLANK), max(rowspan, 1), max(colspan, 1))


def warning(code: str, message: str, fix: str = "") -> Issue:
    """An extract-stage warning `Issue`; the caller fills in url and capture when it records it."""
    return Issue(stage="extract", code=code, message=message, fix=fix, level="warning")


def _place(placed: dict[tuple[int, int], str | None], r: int, c: int, cell: Cell, nrows: int) -> None:
    """Put ``cell`` at (r, c) and mark the positions its spans cover (rowspans stop at the last row)."""
    for dr in range(min(cell.rowspan, nrows - r)):
        for dc in range(cell.colspan):
            placed[(r + dr, c + dc)] = None
    placed[(r, c)] = cell.text


def _one_line(value: str | None) -> str:
    """A grid value for a tab-joined line: None as "", inner line breaks and tabs as spaces."""
    return " ".join((value or "").split("\t")).replace("\n", " ")
