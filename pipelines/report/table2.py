"""表二 主动公开政府信息情况: blocks of a heading, a header row and data rows.

1. The vocabulary comes from statistics.toml: row labels (规章, 行政许可 …, aliases included) name a
   row key such as ``proactive.art20_5.licensing``; column labels (本年制发件数, 处理决定数量 …) name
   the key's last segment; both carry the versions that print them.
2. Labels are read in order, whatever the row form: 第二十条第（X）项 starts a block, 信息内容 or a
   column label starts a header, a row label starts a data row. One cell per line works the same way,
   since the labels of a loose row arrive in printed order.
3. A data row's values go to the header's columns in order (the k-th value cell under the k-th
   column). Blank filler after the last column is ignored; printed values there are reported. With
   no usable header, the row's columns in the detected version's order are used.
4. Version: each label printed only in one version's layout (本年新制作数量, 第二十条第（九）项,
   其他对外管理服务事项 …) is a vote; labels both versions print (行政规范性文件 …) are not.
5. Units: 元 printed in a cell or column header of a 万元 cell converts the value to 万元.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .grid import GridCell, LogicalRow
from .model import TableRead, make_value, parse_issue, where
from .normalise import label, similarity, squash
from .spec import Spec

TABLE = "二"
MATCH = 0.8
HEADING = re.compile(r"第二十条")
HEADER_START = "信息内容"


@dataclass(frozen=True)
class Vocabulary:
    """Row, column and heading labels of 表二 with what they name and which versions print them."""

    rows: dict[str, tuple[str, frozenset[str]]]  # label → (row key, versions)
    columns: dict[str, tuple[str, frozenset[str]]]  # label → (column segment, versions)
    sections: dict[str, frozenset[str]]  # heading → versions
    row_columns: dict[tuple[str, str], list[str]]  # (row key, version) → column segments in order


@functools.cache
def vocabulary(spec: Spec) -> Vocabulary:
    """Step 1."""
    rows: dict[str, tuple[str, set[str]]] = {}
    columns: dict[str, tuple[str, set[str]]] = {}
    sections: dict[str, set[str]] = {}
    row_columns: dict[tuple[str, str], list[str]] = {}
    for stat in spec.table_stats(TABLE):
        for printed in (stat.row[-1], *stat.row_aliases):
            rows.setdefault(label(printed).text, (stat.row_key, set()))[1].update(stat.versions)
        for printed, versions in stat.column_labels().items():
            columns.setdefault(label(printed).text, (stat.column_key, set()))[1].update(versions)
        if stat.section:
            sections.setdefault(squash(stat.section), set()).update(stat.versions)
        for version in stat.versions:
            row_columns.setdefault((stat.row_key, version), []).append(stat.column_key)
    return Vocabulary({k: (v[0], frozenset(v[1])) for k, v in rows.items()},
                      {k: (v[0], frozenset(v[1])) for k, v in columns.items()},
                      {k: frozenset(v) for k, v in sections.items()}, row_columns)


@dataclass
class _State:
    """Where the reader is: the current header and the version votes so far."""

    header: list[tuple[str | None, GridCell]] = field(default_factory=list)
    header_open: bool = False
    votes: Counter = field(default_factory=Counter)


def read(rows: Sequence[LogicalRow], spec: Spec) -> TableRead:
    """The 表二 values of ``rows`` (steps in the module docstring)."""
    words = vocabulary(spec)
    result = TableRead()
    state = _State()
    pending: list[tuple[str, LogicalRow, list]] = []
    for row in rows:
        row_keys = _read_labels(row, words, state, result)
        if len(row_keys) > 1 and row.filled:
            result.issues.append(parse_issue(
                "t2-order-ambiguous", f"表二 rows {', '.join(row_keys)} printed before all their values "
                f"(from {where(row.filled[0])}): by row or by column cannot be told; not stored"))
        elif row_keys:
            pending += [(row_key, row, list(state.header)) for row_key in row_keys]
        elif row.filled:
            result.issues.append(parse_issue("t2-unlabelled-row", f"表二 values with no known row label at "
                                             f"{where(row.filled[0])}"))
    result.version = _version(state.votes)
    for row_key, row, header in pending:
        _store(row_key, row, header, words, spec, result)
    return result


def _read_labels(row: LogicalRow, words: Vocabulary, state: _State, result: TableRead) -> list[str]:
    """Step 2: update the state from a row's labels; the row keys it names (one for a data row)."""
    row_keys: list[str] = []
    for cell in row.labels:
        text = label(cell.text).text
        if HEADING.search(text):
            state.header, state.header_open = [], False
            _vote(state, _best(squash(cell.text), words.sections))
            continue
        if text.startswith(HEADER_START):
            state.header, state.header_open = [], True
            text = text[len(HEADER_START):]
            if not text:
                continue
        if len(segment(text, words.columns)) > 1:
            _read_run(text, cell, words, state)
            continue
        kind, name, versions, canonical = _classify(text, words)
        if kind is None:
            _read_run(text, cell, words, state)
            continue
        if kind == "column":
            if not state.header_open:
                state.header, state.header_open = [], True
            state.header.append((name, cell))
        else:
            row_keys.append(name)
            state.header_open = False
        _vote(state, versions)
        if canonical != text:
            result.variants.append((cell.text, canonical))
    return row_keys


def _read_run(text: str, cell: GridCell, words: Vocabulary, state: _State) -> None:
    """Several column labels run together in one cell (a header line of PDF text): split them."""
    found = segment(text, words.columns)
    if not found:
        return
    if not state.header_open:
        state.header, state.header_open = [], True
    for known in found:
        name, versions = words.columns[known]
        state.header.append((name, GridCell(known, cell.source, cell.page, cell.row, cell.col, cell.segment)))
        _vote(state, versions)


def segment(text: str, known: dict[str, object]) -> list[str]:
    """The known labels found left to right in ``text``, longest first at each position."""
    found, i = [], 0
    by_length = sorted(known, key=len, reverse=True)
    while i < len(text):
        match = next((k for k in by_length if k and text.startswith(k, i)), None)
        if match:
            found.append(match)
            i += len(match)
        else:
            i += 1
    return found


def _classify(text: str, words: Vocabulary) -> tuple[str | None, str | None, frozenset[str], str]:
    """A label as a "row" or "column" label of 表二, with what it names and its versions."""
    row = _best_label(text, words.rows)
    column = _best_label(text, words.columns)
    best = max(row, column, key=lambda found: found[0])
    if best[0] < MATCH:
        return None, None, frozenset(), text
    kind = "row" if best is row else "column"
    name, versions = (words.rows if kind == "row" else words.columns)[best[1]]
    return kind, name, versions, best[1]


def _best_label(text: str, table: dict) -> tuple[float, str]:
    """The most similar label of ``table`` and its score."""
    return max(((similarity(text, known), known) for known in table), default=(0.0, ""))


def _best(text: str, table: dict[str, frozenset[str]]) -> frozenset[str]:
    """The versions of the most similar heading, if similar enough."""
    score, known = _best_label(text, table)
    return table[known] if score >= MATCH else frozenset()


def _vote(state: _State, versions: frozenset[str]) -> None:
    """Step 4: a label printed by one version only is a vote for it."""
    if len(versions) == 1:
        state.votes[next(iter(versions))] += 1


def _version(votes: Counter) -> str | None:
    """The version with most votes; None on a tie or without votes."""
    ranked = votes.most_common()
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _store(row_key: str, row: LogicalRow, header: list, words: Vocabulary, spec: Spec,
           result: TableRead) -> None:
    """Step 3: one data row's values under its header's columns."""
    columns = [name for name, _ in header if name and f"{row_key}.{name}" in spec.stats]
    units = {name: _unit(cell.text) for name, cell in header if name}
    if not columns or len(columns) != len(header):
        columns = _default_columns(row_key, result.version, words)
        units = {}
    values = list(row.values) if not row.loose else row.filled
    if row.loose and 0 < len(values) < len(columns):
        result.issues.append(parse_issue("t2-short-row", f"表二 {row_key}: {len(values)} values for "
                                         f"{len(columns)} columns; not stored"))
        return
    for i, column in enumerate(columns):
        cell = values[i] if i < len(values) else _blank_at(row)
        result.add(make_value(spec.stats[f"{row_key}.{column}"], cell, TABLE, units.get(column)))
    extra = [cell for cell in values[len(columns):] if cell.is_filled]
    if extra:
        result.issues.append(parse_issue("t2-unclaimed-cells", f"表二 {row_key}: printed value "
                                         f"{extra[0].text!r} "
                                         f"at {where(extra[0])} is under no known column"))


def _default_columns(row_key: str, version: str | None, words: Vocabulary) -> list[str]:
    """The row's columns in the version's order (the 2021 order when the version is unknown)."""
    return words.row_columns.get((row_key, version or "2021")) or words.row_columns.get((row_key, "2019"), [])


def _blank_at(row: LogicalRow) -> GridCell:
    """An empty cell standing for a value the row does not print (lost or never there)."""
    anchor = row.labels[-1] if row.labels else row.values[-1]
    return GridCell("", anchor.source, anchor.page, anchor.row, -1, anchor.segment)


def _unit(header: str) -> str | None:
    """Step 5: the money unit printed in a column header."""
    text = squash(header)
    return "万元" if "万元" in text else "元" if "元" in text else None
