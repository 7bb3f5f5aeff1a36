"""The three statistics tables as grids in the national layout (rowspan/colspan), from the spec.

Row and column labels come from ``statistics.toml`` (``section``, ``row``, ``column``,
``column_by_version``) so every printed cell sits exactly where its canonical key says; only
the header rows of 表三 and 表四, which carry no keys, are written out here. One grid feeds
both renderers: HTML ``<table>`` (pages.py) and DOCX merged cells (office.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.replica.stats import APPLICANTS, Values, application_rows, official_keys

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ORGANISATIONS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass(frozen=True)
class Cell:
    """One printed cell; ``key`` is set on value cells only."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None


@dataclass(frozen=True)
class Grid:
    """A table: its width in grid columns and its rows of cells (spanned positions omitted)."""

    columns: int
    rows: tuple[tuple[Cell, ...], ...]
    widths_cm: tuple[float, ...]


def number_text(value: int | float | None) -> str:
    """How a value is printed: blank stays empty, decimals keep two places at most."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def value_cell(key: str, values: Values, colspan: int = 1) -> Cell:
    """The printed cell of one statistic."""
    return Cell(number_text(values[key]), colspan=colspan, key=key)


def table_two(spec: dict, version: str, values: Values) -> Grid:
    """表二 主动公开政府信息情况: per 第二十条 block a heading row, a 信息内容 row, data rows."""
    blocks: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for key in official_keys(spec, version):
        stat = spec["stat"][key]
        if stat["table"] == "二":
            column = (stat.get("column") or stat["column_by_version"][version])[-1]
            blocks.setdefault(stat["section"], {}).setdefault(stat["row"][-1], []).append((key, column))
    rows: list[tuple[Cell, ...]] = []
    for section, block in blocks.items():
        labels = [column for _, column in next(iter(block.values()))]
        spans = [1] * (len(labels) - 1) + [4 - len(labels)]  # the last column fills the 4-wide grid
        rows.append((Cell(section, colspan=4),))
        rows.append((Cell("信息内容"), *(Cell(t, colspan=s) for t, s in zip(labels, spans, strict=True))))
        for row, cells in block.items():
            rows.append(
                (Cell(row), *(value_cell(k, values, s) for (k, _), s in zip(cells, spans, strict=True)))
            )
    return Grid(4, tuple(rows), (4.7, 4.1, 4.1, 4.1))


def table_three(spec: dict, version: str, values: Values) -> Grid:
    """表三 收到和处理政府信息公开申请情况: 3 label columns, 7 applicant columns."""
    header = (
        (Cell(NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)),
        (Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)),
        tuple(Cell(name) for name in ORGANISATIONS),
    )
    row_keys = application_rows(spec, version)
    paths = [tuple(spec["stat"][f"applications.{row}.total"]["row"]) for row in row_keys]
    body = []
    for index, (row, path) in enumerate(zip(row_keys, paths, strict=True)):
        body.append(
            (
                *_row_labels(paths, index, path),
                *(value_cell(f"applications.{row}.{col}", values) for col in (*APPLICANTS, "total")),
            )
        )
    return Grid(10, (*header, *body), (1.5, 2.1, 3.6) + (1.4,) * 7)


def _row_labels(paths: list[tuple[str, ...]], index: int, path: tuple[str, ...]) -> tuple[Cell, ...]:
    """Label cells of one 表三 row; a group label is printed once, spanning its rows."""

    def first(prefix: tuple[str, ...]) -> bool:
        return index == 0 or paths[index - 1][: len(prefix)] != prefix

    def span(prefix: tuple[str, ...]) -> int:
        return sum(1 for p in paths if p[: len(prefix)] == prefix)

    if len(path) == 1:
        return (Cell(path[0], colspan=3),)
    cells = [Cell(path[0], rowspan=span(path[:1]))] if first(path[:1]) else []
    if len(path) == 2:
        return (*cells, Cell(path[1], colspan=2))
    if first(path[:2]):
        cells.append(Cell(path[1], rowspan=span(path[:2])))
    return (*cells, Cell(path[2]))


def table_four(values: Values) -> Grid:
    """表四 行政复议、行政诉讼: three header rows over one row of 15 values."""
    blocks = ("review", "litigation.direct", "litigation.after_review")
    parts = ("upheld", "corrected", "other", "pending", "total")
    rows = (
        (Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)),
        (
            *(Cell(name, rowspan=2) for name in OUTCOMES),
            Cell("未经复议直接起诉", colspan=5),
            Cell("复议后起诉", colspan=5),
        ),
        tuple(Cell(name) for name in OUTCOMES * 2),
        tuple(value_cell(f"{block}.{part}", values) for block in blocks for part in parts),
    )
    return Grid(15, rows, (17.0 / 15,) * 15)


def placed(grid: Grid) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) for every cell, skipping positions covered by earlier spans."""
    taken: set[tuple[int, int]] = set()
    result = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            result.append((r, c, cell))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
    return result
