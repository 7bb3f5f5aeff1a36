"""表三 收到和处理政府信息公开申请情况: rows matched by label, seven values per row.

1. The row tree comes from statistics.toml: every 表三 row path (一 … 四, （一）…（七）, 1. … 8.) of
   both versions, with aliases. （六）其他处理 is a row with cells in 2019 and a group of three in 2021.
2. Header rows are skipped: labels such as 自然人, 商业企业, 总计 before the first data row, the 勾稽关系
   note, 申请人情况 (a later row with two column words is a repeated header).
3. Each row's labels are matched outermost first. A level-2 group label (（三）不予公开) sets the context
   in which level-3 labels ("3.其他", "2.重复申请") are resolved; the ordinal's style gives the level.
   The last matched label that carries cells names the row.
4. Values: a positional row has its values after its last label, often with empty filler cells
   before or after them (merged label columns, trailing separators). The seven columns are the window
   of seven cells with the most printed values; a tie (a blank at the window's edge) is settled by the
   number of filler cells after the values in unambiguous rows flattened alike (`_alignment_keys`),
   else by the last seven cells before the trailing blanks. A loose row takes its first seven
   printed values.
5. Free text may list several row labels before their numbers: no numbers → a table of headers only,
   every cell blank; seven per label → read row by row or column by column, whichever makes more
   rows' 总计 equal their parts. A group label followed by 7×k values and no sub-row labels (sub-row
   labels lost) is spread over its k sub-rows in layout order.
6. Version: 2021 if a 2021-only row (the （六） sub-rows) was seen, 2019 if the single （六） row was.
7. `complete`: rows a structured table lost (a row cut off at a page foot) are taken from the text
   when the text lists labels first and numbers after them, and its numbers agree with the table
   on every row both have, in some order of its columns (PDF text lists columns in no fixed order).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .grid import GridCell, LogicalRow
from .model import TableRead, make_value, parse_issue, where
from .normalise import Label, label, similarity, split_ordinals, squash
from .spec import Spec

TABLE = "三"
MATCH = 0.72  # least similarity for a row label to count as matched
HEADER_NOTES = ("勾稽关系", "申请人情况")


@dataclass(frozen=True)
class Node:
    """One label of the 表三 row tree."""

    path: tuple[str, ...]  # normalised labels, outermost first
    label: Label
    aliases: tuple[str, ...]
    row_key: str | None  # e.g. applications.outcome.granted, when this label's row carries cells
    versions: frozenset[str]  # versions whose layout gives this label's own row cells
    children: tuple[tuple[str, ...], ...] = ()

    @property
    def level(self) -> int:
        return len(self.path)


@dataclass(frozen=True)
class Layout:
    """The 表三 row tree and the seven national columns."""

    nodes: dict[tuple[str, ...], Node]
    columns: tuple[str, ...]  # natural_person … total
    column_words: frozenset[str]  # normalised column header labels


@functools.cache
def layout(spec: Spec) -> Layout:
    """The row tree and columns of 表三, from statistics.toml (step 1)."""
    rows: dict[tuple[str, ...], dict] = {}
    columns: list[str] = []
    words: set[str] = set()
    for stat in spec.table_stats(TABLE):
        path = tuple(label(part).text for part in stat.row)
        for depth in range(1, len(path) + 1):
            rows.setdefault(path[:depth], {"label": label(stat.row[depth - 1]), "aliases": set(),
                                           "row_key": None, "versions": set()})
        rows[path]["row_key"] = stat.row_key
        rows[path]["versions"].update(stat.versions)
        rows[path]["aliases"].update(label(alias).text for alias in stat.row_aliases)
        if stat.official and stat.column_key not in columns:
            columns.append(stat.column_key)
        words.update(label(part).text for part in stat.column)
    nodes = {}
    for path, entry in rows.items():
        children = tuple(p for p in rows if len(p) == len(path) + 1 and p[: len(path)] == path)
        nodes[path] = Node(path, entry["label"], tuple(sorted(entry["aliases"])), entry["row_key"],
                           frozenset(entry["versions"]), children)
    return Layout(nodes, tuple(columns), frozenset(words))


def read(rows: Sequence[LogicalRow], spec: Spec) -> TableRead:
    """The 表三 values of ``rows`` (steps in the module docstring)."""
    plan = layout(spec)
    result = TableRead()
    found = [(row, matched, _target(matched)) for row, matched in _matched_rows(rows, plan, result)]
    ends = _consensus(found)
    stored: list[Node] = []
    for row, matched, target in found:
        if target is None:
            if row.filled:
                cells = ", ".join(where(c) for c in row.filled[:3])
                result.issues.append(parse_issue("t3-unlabelled-row",
                                                 f"表三 values with no known row label at {cells}"))
            continue
        leaves = _leaves(matched)
        if row.loose and (len(leaves) > 1 or (leaves and not row.values)):
            stored += _store_loose(leaves, row, spec, plan, result)
        elif target.row_key:
            keys = _alignment_keys(row, len(matched), target) if row.values else ()
            stored += _store_row(target, row, keys, ends, spec, plan, result)
        else:
            stored += _store_group(target, row, spec, plan, result)
    result.version = _version(stored)
    return result


def _target(matched: list[tuple[Node, GridCell]]) -> Node | None:
    """The row a row's labels name: the last matched label that has cells or sub-rows."""
    return next((node for node, _ in reversed(matched) if node.row_key or node.children), None)


def _matched_rows(rows: Sequence[LogicalRow], plan: Layout,
                  result: TableRead) -> Iterator[tuple[LogicalRow, list[tuple[Node, GridCell]]]]:
    """Steps 2–3: each non-header row with the nodes its labels match, in order."""
    context: Node | None = None
    started = False
    for row in rows:
        if not row.loose and _is_header(row, plan, started):
            continue
        matched, context = _match_row(row, plan, context, started, result)
        started = started or any(node.level == 1 and node.row_key for node, _ in matched)
        yield row, matched


def _is_header(row: LogicalRow, plan: Layout, started: bool) -> bool:
    """Step 2: a positional column-header row, or the row of the 勾稽关系 note."""
    if any(_is_note(cell) for cell in row.labels):
        return True
    words = sum(1 for cell in row.labels if _is_column_word(cell, plan))
    return words >= 2 or (words >= 1 and not started and not row.filled)


def _is_note(cell: GridCell) -> bool:
    """The 勾稽关系 note or the 申请人情况 header."""
    text = squash(cell.text)
    return any(note in text for note in HEADER_NOTES)


def _is_column_word(cell: GridCell, plan: Layout) -> bool:
    """A label that is a column header word (自然人, 其他, 总计 …) printed without an ordinal."""
    lab = label(cell.text)
    return lab.style is None and lab.text in plan.column_words


def _match_row(row: LogicalRow, plan: Layout, context: Node | None, started: bool,
               result: TableRead) -> tuple[list[tuple[Node, GridCell]], Node | None]:
    """Step 3: the nodes a row's labels match, outermost first, and the group context after the row."""
    matched = []
    for cell in row.labels:
        if _is_note(cell) or (not started and _is_column_word(cell, plan)):
            continue  # header words collected into the first row of a loose table
        for part in _parts(cell, plan, context):
            printed = label(part)
            node = _match_label(printed, plan, context)
            if node is None:
                continue
            matched.append((node, cell))
            if printed.text != node.label.text:
                result.variants.append((part, node.path[-1]))
            if node.children:
                context = node
            elif node.level == 1:
                context = None
    return matched, context


def _parts(cell: GridCell, plan: Layout, context: Node | None) -> list[str]:
    """The labels in one cell: its pieces cut before each inner ordinal when two or more of them are
    row labels (the labels of a row printed on one line of text), else the whole cell."""
    parts = split_ordinals(cell.text)
    if len(parts) > 1 and sum(_match_label(label(p), plan, context) is not None for p in parts) >= 2:
        return parts
    return [cell.text]


def _match_label(lab: Label, plan: Layout, context: Node | None) -> Node | None:
    """The node a label names: within the context's children first, then anywhere."""
    if not lab.text and lab.style is None:
        return None
    pools = []
    if context is not None:
        pools.append([plan.nodes[path] for path in context.children])
    pools.append(list(plan.nodes.values()))
    for pool in pools:
        scored = [(_score(lab, node), node) for node in pool]
        score, node = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        if score >= MATCH:
            return node
    return None


def _score(lab: Label, node: Node) -> float:
    """Label similarity, adjusted by the ordinal: its style gives the level, its number the position."""
    best = max([similarity(lab.text, node.label.text), *(similarity(lab.text, a) for a in node.aliases)])
    if lab.style is None or node.label.style is None:
        return best
    if lab.style != node.label.style:
        return best - 0.3
    if lab.number != node.label.number:
        return best - 0.15
    if lab.text and node.label.text.startswith(lab.text):
        best = max(best, 0.8)  # a label cut by a page break: "（四）无" | "法提供"
    return best + 0.05


def _consensus(found: Sequence[tuple[LogicalRow, list, Node | None]]) -> dict[tuple, Counter]:
    """Step 4: how many filler cells follow the seven values in unambiguous rows, counted for rows
    alike (`_alignment_keys`)."""
    counts: dict[tuple, Counter] = {}
    for row, matched, target in found:
        if row.loose or len(row.values) < 7:
            continue
        starts = _best_windows(row.values)
        if len(starts) == 1 and _filled(row.values[starts[0]: starts[0] + 7]) == 7:
            trailing = len(row.values) - starts[0] - 7
            for key in _alignment_keys(row, len(matched), target):
                counts.setdefault(key, Counter())[trailing] += 1
    return counts


def _alignment_keys(row: LogicalRow, labels: int, target: Node | None) -> tuple[tuple, ...]:
    """From the most to the least specific, what makes rows flattened alike: the same segment, row
    level, number of labels, label column and number of cells; the same visible shape (where the
    first label stands, where the row ends); the same level and number of cells; the same segment
    (the table's usual count)."""
    segment, size, level = row.values[0].segment, len(row.values), target.level if target else 0
    first, last = (row.labels[0].col if row.labels else -1), (row.labels[-1].col if row.labels else -1)
    shape = (segment, "shape", first, row.values[-1].col)
    return (segment, level, labels, last, size), shape, (segment, level, size), (segment,)


def _filled(cells: Sequence[GridCell]) -> int:
    return sum(1 for cell in cells if cell.is_filled)


def _best_windows(values: Sequence[GridCell], width: int = 7) -> list[int]:
    """Start positions of the windows of ``width`` cells holding the most printed values."""
    scores = [_filled(values[s: s + width]) for s in range(len(values) - width + 1)]
    best = max(scores, default=0)
    return [s for s, score in enumerate(scores) if score == best]


def pick_window(row: LogicalRow, keys: tuple[tuple, ...], counts: dict[tuple, Counter],
                width: int = 7) -> list[GridCell] | None:
    """The ``width`` value cells of a positional row (step 4); None when the row has fewer cells."""
    values = row.values
    if len(values) < width:
        return None
    starts = _best_windows(values, width)
    if len(starts) > 1:
        for key in keys:
            if key in counts:
                trailing = counts[key].most_common(1)[0][0]
                agreeing = [s for s in starts if len(values) - s - width == trailing]
                if agreeing:
                    return list(values[agreeing[0]: agreeing[0] + width])
        last_filled = max((i for i, cell in enumerate(values) if cell.is_filled), default=len(values) - 1)
        fitting = [s for s in starts if s + width - 1 <= max(last_filled, width - 1)]
        starts = fitting[-1:] or starts
    return list(values[starts[0]: starts[0] + width])


def _seven(row: LogicalRow, keys: tuple[tuple, ...], ends: dict[tuple, Counter], result: TableRead,
           name: str) -> list[GridCell] | None:
    """The seven cells of a row, reporting printed values left over."""
    loose = row.filled[:7] if len(row.filled) >= 7 else None
    cells = loose if row.loose else pick_window(row, keys, ends)
    if cells is None:
        result.issues.append(parse_issue("t3-short-row", f"表三 row {name}: {len(row.filled)} values, "
                                         "expected 7; not stored", fix="check the table by hand"))
        return None
    left = [cell for cell in row.values if cell.is_filled and cell not in cells]
    if left:
        result.issues.append(parse_issue("t3-unclaimed-cells",
                                         f"表三 row {name}: {len(left)} printed value(s) outside the seven "
                                         f"columns, e.g. {left[0].text!r} at {where(left[0])}"))
    return cells


def _store_row(node: Node, row: LogicalRow, keys: tuple[tuple, ...], ends: dict[tuple, Counter],
               spec: Spec, plan: Layout, result: TableRead) -> list[Node]:
    """Store one matched row's seven values; the row's node if stored."""
    cells = _seven(row, keys, ends, result, node.path[-1])
    if not cells:
        return []
    _put(node, cells, spec, plan, result)
    return [node]


def _leaves(matched: list[tuple[Node, GridCell]]) -> list[tuple[Node, GridCell]]:
    """Matched labels that name a row with cells, except a label followed by one of its own sub-rows
    (（六） then 1.: a group here, not the single 2019 row)."""
    leaves = []
    for i, (node, cell) in enumerate(matched):
        below = any(other.level > node.level and other.path[: node.level] == node.path
                    for other, _ in matched[i + 1:])
        if node.row_key and not below:
            leaves.append((node, cell))
    return leaves


def _store_loose(leaves: list[tuple[Node, GridCell]], row: LogicalRow, spec: Spec, plan: Layout,
                 result: TableRead) -> list[Node]:
    """Step 5: several row labels of free text followed by their values.

    No values: a table of headers only, every cell blank. Seven values per label: the text listed
    the labels first and the numbers after them, row by row or column by column (PDF text of ruled
    tables comes column by column); the order in which more rows' 总计 equal their parts is taken.
    Seven values in all: they belong to the last label, the earlier labels' rows printed nothing.
    """
    filled, count = row.filled, len(leaves)
    if len(filled) == 7 * count and filled:
        order = _reading_order(filled, count)
        if order == "columns":
            result.issues.append(parse_issue("t3-column-order", f"表三 {count} rows read column by column "
                                             f"from {where(filled[0])}: their totals add up that way"))
        for i, (node, _) in enumerate(leaves):
            cells = filled[7 * i: 7 * i + 7] if order == "rows" else filled[i::count]
            _put(node, cells, spec, plan, result)
        return [node for node, _ in leaves]
    if filled and len(filled) != 7:
        result.issues.append(parse_issue("t3-short-row", f"表三 {count} row labels with {len(filled)} values "
                                         f"from {where(filled[0])}; not stored",
                                         fix="check the table by hand"))
        return []
    if filled:
        _put(leaves[-1][0], filled, spec, plan, result)
    for node, cell in leaves[: -1] if filled else leaves:
        _put(node, [GridCell("", cell.source, cell.page, cell.row, -1, cell.segment)] * 7, spec, plan, result)
    return [node for node, _ in leaves]


def _reading_order(filled: list[GridCell], count: int) -> str:
    """"rows" or "columns": the order in which more rows have 总计 = the sum of the other six."""
    def adds_up(cells: list[GridCell]) -> bool:
        numbers = [cell.reading.value for cell in cells]
        return None not in numbers and numbers[6] == sum(numbers[:6])
    by_rows = sum(adds_up(filled[7 * i: 7 * i + 7]) for i in range(count))
    by_columns = sum(adds_up(filled[i::count]) for i in range(count))
    return "columns" if by_columns > by_rows else "rows"


def _put(node: Node, cells: Sequence[GridCell], spec: Spec, plan: Layout, result: TableRead) -> None:
    """Store seven cells as one row's values."""
    for column, cell in zip(plan.columns, cells, strict=True):
        result.add(make_value(spec.stats[f"{node.row_key}.{column}"], cell, TABLE))


def _store_group(node: Node, row: LogicalRow, spec: Spec, plan: Layout, result: TableRead) -> list[Node]:
    """Step 5: values under a group label whose sub-row labels were lost, spread by layout order."""
    leaves = [plan.nodes[path] for path in node.children if plan.nodes[path].row_key]
    filled = row.filled
    if not filled:
        return []
    if not leaves or len(filled) != 7 * len(leaves):
        result.issues.append(parse_issue("t3-group-values",
                                         f"表三 {node.path[-1]}: {len(filled)} values under the group label "
                                         "without sub-row labels; not stored"))
        return []
    result.issues.append(parse_issue("t3-rows-by-count", f"表三 {node.path[-1]}: sub-row labels missing; "
                                     f"{len(filled)} values spread over {len(leaves)} rows by layout order"))
    for i, leaf in enumerate(leaves):
        _put(leaf, filled[7 * i: 7 * i + 7], spec, plan, result)
    return leaves


def _version(stored: list[Node]) -> str | None:
    """Step 6: the version whose only-in-one-version rows were stored most."""
    votes = Counter(next(iter(node.versions)) for node in stored if len(node.versions) == 1)
    if not votes:
        return None
    (top, count), *rest = votes.most_common()
    return None if rest and rest[0][1] == count else top


def complete(primary: TableRead, rows: Sequence[LogicalRow], spec: Spec) -> None:
    """Step 7: fill rows missing from ``primary`` from loose text rows that agree with it."""
    plan = layout(spec)
    for row, matched in _matched_rows(rows, plan, TableRead()):
        leaves = [node for node, _ in _leaves(matched)]
        have = {key.rsplit(".", 1)[0] for key in primary.values}
        missing = [i for i, node in enumerate(leaves) if node.row_key not in have]
        if not row.loose or len(leaves) < 2 or len(row.filled) != 7 * len(leaves) or not missing:
            continue
        if len(missing) == len(leaves):
            continue  # nothing to compare with: the text's order cannot be confirmed
        filled = _aligned(leaves, row.filled, primary, plan, missing)
        if filled is None:
            continue
        for i in missing:
            _put(leaves[i], filled[i], spec, plan, primary)
        names = ", ".join(leaves[i].path[-1] for i in missing)
        primary.issues.append(parse_issue("t3-rows-from-text",
                                          f"表三 row(s) missing from the table grid, read from the text: "
                                          f"{names}",
                                          fix="the text agrees with the grid elsewhere"))


def _aligned(leaves: list[Node], filled: list[GridCell], primary: TableRead, plan: Layout,
             missing: list[int]) -> dict[int, list[GridCell]] | None:
    """The missing rows' seven cells, if one reading order of the text fits every known cell."""
    count = len(leaves)
    orders = {"rows": lambda j, i: filled[7 * i + j], "columns": lambda j, i: filled[j * count + i]}
    for order, cell_at in orders.items():
        result: dict[int, list[GridCell]] = {i: [] for i in missing}
        for c, column in enumerate(plan.columns):
            blocks = [c] if order == "rows" else range(7)
            known = {i: primary.values[f"{node.row_key}.{column}"].value
                     for i, node in enumerate(leaves) if i not in missing}
            fits = [j for j in blocks if all(cell_at(j, i).reading.value == v for i, v in known.items())]
            if not fits:
                break
            for i in missing:
                options = {cell_at(j, i).reading.value for j in fits}
                if len(options) != 1:
                    break
                result[i].append(cell_at(fits[0], i))
            else:
                continue
            break
        else:
            return result
    return None
