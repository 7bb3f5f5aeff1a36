"""表四 政府信息公开行政复议、行政诉讼情况: one unlabelled data row of fifteen cells.

1. The data row is the first row with at least ten value cells that prints a value, or that has no
   label at all (a blank template). Header rows, whose words are printed spaced out, vertically or
   interleaved, are not read: the column order is the format's, the same in both versions.
2. Fifteen cells are assigned in the order of statistics.toml (行政复议 ×5, 未经复议直接起诉 ×5,
   复议后起诉 ×5). More than fifteen: filler blanks are dropped from the end, then from the start.
3. Exactly ten printed values with nothing before them cannot be placed (are they the ten 行政诉讼
   cells after five blank 行政复议 cells, as in seed 004?); they are reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .grid import GridCell, LogicalRow
from .model import TableRead, make_value, parse_issue, where
from .spec import Spec

TABLE = "四"
CELLS = 15


def read(rows: Sequence[LogicalRow], spec: Spec) -> TableRead:
    """The 表四 values of ``rows`` (steps in the module docstring)."""
    result = TableRead()
    row = next((r for r in rows if len(r.values) >= 10 and (r.filled or not r.labels)), None)
    if row is None:
        return result
    cells = _fifteen(list(row.values))
    if cells is None:
        first = row.values[0]
        result.issues.append(parse_issue(
            "t4-cells-unplaced", f"表四 data row at {where(first)} has {len(row.values)} cells "
            f"({len(row.filled)} printed), expected 15; not stored",
            fix="with 10 values, check whether the five 行政复议 cells are blank"))
        return result
    for key, cell in zip(spec.official_keys(TABLE, None), cells, strict=True):
        result.add(make_value(spec.stats[key], cell, TABLE))
    return result


def _fifteen(cells: list[GridCell]) -> list[GridCell] | None:
    """Step 2: the row's fifteen cells, filler blanks trimmed; None if they cannot be placed."""
    while len(cells) > CELLS and not cells[-1].is_filled:
        cells.pop()
    while len(cells) > CELLS and not cells[0].is_filled:
        cells.pop(0)
    return cells if len(cells) == CELLS else None
