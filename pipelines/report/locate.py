"""Where the statistics tables are: which structured tables hold them, or which text lines.

Anchors (report-formats.md §8.1), matched on normalised text: 表二 by 第二十条第 or 信息内容; 表三 by the
勾稽关系 note, 申请人情况 or its first/last row labels; 表四 by 行政复议 together with 行政诉讼 (or
未经复议直接起诉 / 复议后起诉).

Structured tables: each `Table` is classified by its anchors; a table without anchors belongs to the
table whose row labels it repeats (the second page of a split 表三 starts at "3.补正后…"), else to
the table just before it when it lies on the same or the next page and has the same width. The
tables of one kind that follow each other are one logical table.

Text: section headings (二、主动公开…, 三、收到和处理…, 四、…行政复议…, 五、…问题…) bound the search;
a table's region runs from its anchor line to the next heading or the next table's anchor. A section
whose heading is followed by nothing but the next heading (tables published as images) has no region.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipelines.extract.model import Table

from .normalise import squash, squash_cells

KINDS = ("二", "三", "四")
ANCHORS: dict[str, Callable[[str], bool]] = {
    "四": lambda t: "行政复议" in t and any(w in t for w in ("行政诉讼", "未经复议直接起诉", "复议后起诉")),
    "三": lambda t: any(w in t for w in ("勾稽关系", "申请人情况", "本年新收政府信息公开申请数量",
                                         "上年结转政府信息公开申请数量")),
    "二": lambda t: "第二十条第" in t or t.startswith("信息内容") or "\t信息内容" in t,
}
HEADING = re.compile(r"^(?P<n>[一二三四五六七])、(?P<title>.{2,40})$")
SECTION_WORDS = {
    "一": ("总体情况",),
    "二": ("主动公开",),
    "三": ("收到和处理", "申请情况"),
    "四": ("行政复议", "行政诉讼"),
    "五": ("问题",),
    "六": ("其他需要报告", "其他事项", "其他报告"),
}
# 表三 rows that look like section headings (四、结转下年度继续办理)
TABLE_ROW_WORDS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度")


@dataclass(frozen=True)
class Located:
    """The source of one statistics table: structured tables, or numbered text lines."""

    kind: str
    tables: tuple[Table, ...] = ()
    lines: tuple[tuple[int, str], ...] = ()


def classify(table: Table) -> str | None:
    """The statistics table a structured table holds, by its anchors."""
    text = "\t".join(squash(cell or "") for row in table.grid() for cell in row)
    return next((kind for kind in ("四", "三", "二") if ANCHORS[kind](text)), None)


def find_tables(tables: Sequence[Table], row_kind: Callable[[Table], str | None]) -> dict[str, Located]:
    """The structured tables of each statistics table (module docstring). ``row_kind`` names the table
    whose row labels an anchorless table repeats."""
    found: dict[str, list[Table]] = {}
    previous: tuple[str, Table] | None = None
    closed: set[str] = set()
    for table in tables:
        kind = classify(table) or row_kind(table) or _continues(previous, table)
        if kind is None or kind in closed:
            previous = None
            continue
        if previous and previous[0] != kind:
            closed.add(previous[0])
        found.setdefault(kind, []).append(table)
        previous = (kind, table)
    return {kind: Located(kind, tables=tuple(group)) for kind, group in found.items()}


def _continues(previous: tuple[str, Table] | None, table: Table) -> str | None:
    """The previous table's kind, if this table looks like its continuation on the next page."""
    if previous is None:
        return None
    kind, before = previous
    same_width = len(table.grid()[0]) == len(before.grid()[0]) if table.rows and before.rows else False
    near = before.page is None or table.page is None or table.page - before.page in (0, 1)
    return kind if same_width and near else None


def section_headings(lines: Sequence[str]) -> dict[int, str]:
    """Line index → section number ("二" … "六") of each section heading, by its words."""
    headings = {}
    for index, line in enumerate(lines):
        text = squash(line)
        match = HEADING.match(text)
        if not match or "\t" in line or any(word in text for word in TABLE_ROW_WORDS):
            continue
        section = next((n for n, words in SECTION_WORDS.items() if any(w in match["title"] for w in words)),
                       None)
        if section:
            headings[index] = section
    return headings


def find_text(text: str, kinds: Sequence[str] = KINDS) -> dict[str, Located]:
    """The text lines of each statistics table in ``kinds`` (module docstring)."""
    lines = text.splitlines()
    headings = section_headings(lines)
    anchors = {kind: _anchor(lines, kind, headings) for kind in KINDS}
    stops = sorted({*headings, *(a for a in anchors.values() if a is not None), len(lines)})
    found = {}
    for kind in kinds:
        start = anchors[kind]
        if start is None:
            continue
        end = next(stop for stop in stops if stop > start)
        numbered = tuple((i + 1, lines[i]) for i in range(start, end))
        found[kind] = Located(kind, lines=numbered)
    return found


def _anchor(lines: Sequence[str], kind: str, headings: dict[int, str]) -> int | None:
    """The first anchor line of a table, inside its own section when that section has a heading."""
    own = [i for i, section in headings.items() if section == kind]
    start = own[0] if own else 0
    later = [i for i in headings if i > start]
    end = later[0] if own and later else len(lines)
    if kind == "四" and own:
        return own[0]  # the 表四 heading carries the anchor words itself
    for index in range(start, end):
        if ANCHORS[kind](squash_cells(lines[index])):
            return index
    return None
