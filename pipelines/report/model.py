"""What parsing produces: `Value` (one statistic cell with provenance) and `Report` (one document)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from archive.issues import Issue

from .grid import GridCell
from .spec import Stat


@dataclass(frozen=True)
class Value:
    """One statistic cell as printed: the number (None = blank), the raw text and where it stood."""

    key: str
    value: int | float | None  # None: blank, or a placeholder such as "-", "无" (see raw)
    raw: str
    table: str  # 二 | 三 | 四
    source: str  # "table" (a structured Table of the extraction) | "text" (the extraction's text)
    page: int | None
    row: int | None  # Table row index (0-based), or text line number (1-based)
    col: int | None  # Table grid column, or position in the split line (0-based)
    unit: str  # the key's unit (件, 项, 万元)
    printed_unit: str | None = None  # a unit printed in the cell or its column header, if any

    @property
    def is_blank(self) -> bool:
        """True when the document left the cell empty or put a placeholder in it."""
        return self.value is None


@dataclass(frozen=True)
class Report:
    """The statistics of one annual report, with the evidence for its format version."""

    agency: str | None
    year: int | None
    format_version: str | None  # "2019" | "2021" | "mixed" | "pre2019" | None
    table_versions: Mapping[str, str]  # {"二": "2021", "三": "2019"}: tables found, by their own markers
    tables_found: tuple[str, ...]  # of "二", "三", "四", in that order
    is_annual_report: bool
    values: Mapping[str, Value]
    issues: tuple[Issue, ...] = ()
    title: str | None = None
    narrative: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    variants: tuple[tuple[str, str], ...] = ()  # (printed label, canonical label) where they differ

    def figures(self) -> dict[str, int | float | None]:
        """Every cell as key → number, blanks as None."""
        return {key: value.value for key, value in self.values.items()}


def make_value(stat: Stat, cell: GridCell, table: str, header_unit: str | None = None) -> Value:
    """The `Value` of one cell for one key; a value printed in 元 under a 万元 key is converted."""
    reading = cell.reading
    number = reading.value if reading.kind == "number" else None
    printed_unit = reading.unit or header_unit
    if number is not None and stat.unit == "万元" and printed_unit == "元":
        number = round(number / 10000, 6)
    if isinstance(number, float) and stat.value_type != "decimal" and number.is_integer():
        number = int(number)
    return Value(stat.key, number, cell.text, table, cell.source, cell.page, cell.row, cell.col, stat.unit,
                 printed_unit if printed_unit in ("元", "万元") else None)


def parse_issue(code: str, message: str, fix: str = "") -> Issue:
    """A parse-stage warning."""
    return Issue(stage="parse", code=code, message=message, fix=fix, level="warning")


def where(cell: GridCell) -> str:
    """A cell's place for a message: "page 3 row 5 col 2" or "line 57 cell 3"."""
    if cell.source == "table":
        page = f"page {cell.page} " if cell.page else ""
        return f"{page}table row {cell.row} col {cell.col}"
    return f"line {cell.row} cell {cell.col}"


@dataclass
class TableRead:
    """What one table reader found: values by key, the table's version evidence, and problems."""

    values: dict[str, Value] = field(default_factory=dict)
    version: str | None = None
    issues: list[Issue] = field(default_factory=list)
    variants: list[tuple[str, str]] = field(default_factory=list)

    def add(self, value: Value) -> None:
        """Store a value; a key read twice keeps the first reading and is reported."""
        if value.key in self.values:
            self.issues.append(parse_issue("duplicate-cell", f"{value.key} read twice; kept the first "
                                           f"({self.values[value.key].raw!r}), ignored {value.raw!r}"))
            return
        self.values[value.key] = value
