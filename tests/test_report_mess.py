"""Messy renderings of generated reports parse back to the numbers they were made from.

Each variant draws a report whose every cell is a different non-zero number with the format's
arithmetic right (both formats, and the "mixed" case of a 2019 表三 in a 2021 report), lays its
three tables out as the national format does (merged cells included), then renders them in one of
the forms real documents arrive in — an HTML page read by the extraction stage, structured tables
(one split across two pages), tab lines (full grid or HTML order), pipe lines, space-separated PDF
lines, one cell per line — with the
mess seen in real reports: spaced-out characters, full/half-width brackets, spaces after ordinals,
"1、" numbering, instruction text in labels, signed 本年增/减 as "-N" or "减N", units and thousands
separators in cells, blank cells and placeholders, page footers inside a table, empty lines,
a label moved to the first cell or cut short, vertical labels one character per line.

A value read from the wrong row or column always shows, since no two cells are equal.
"""

from __future__ import annotations

import html
import random
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipelines.extract import extract
from pipelines.extract.model import Cell, Extraction, Table
from pipelines.report import parse_report, run_checks

ROOT = Path(__file__).resolve().parent.parent
SPEC = tomllib.loads((ROOT / "pipelines" / "report" / "statistics.toml").read_text(encoding="utf-8"))["stat"]
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
              "legal_service_org", "other_org")
BLOCKS = ("review", "litigation.direct", "litigation.after_review")
PARTS = ("upheld", "corrected", "other", "pending")
FORMS = ("grid", "tab_full", "tab_compact", "pipe", "space", "cell_lines", "html")
POSITIONAL = ("grid", "tab_full", "tab_compact", "pipe", "html")
PLACEHOLDERS = ("-", "—", "/", "无")
VARIANTS = 240


# --- values: distinct, non-zero, arithmetic right ------------------------------------------------

def official(table: str, version: str) -> list[str]:
    """Keys of one table of one version, in statistics.toml order."""
    return [key for key, stat in SPEC.items() if stat["table"] == table and stat.get("official", True)
            and version in stat["versions"]]


def row_keys(table: str, version: str) -> list[str]:
    """Row keys (key without column) in order."""
    return list(dict.fromkeys(key.rsplit(".", 1)[0] for key in official(table, version)))


def draw_values(v2: str, v3: str, rng: random.Random) -> dict[str, int | float]:
    """One report's values; redrawn until every cell's magnitude is unique."""
    while True:
        pool = iter(rng.sample(range(1, 4000), 700))
        values = {**_table3(v3, pool), **_table4(pool), **_table2(v2, pool, rng)}
        sizes = [abs(v) for v in values.values()]
        if len(set(sizes)) == len(sizes):
            return values


def _table3(version: str, pool) -> dict[str, int]:
    values: dict[str, int] = {}
    leaves = [r for r in row_keys("三", version) if r.startswith("applications.outcome.")
              and r != "applications.outcome.total"]
    for row in leaves:
        for column in APPLICANTS:
            values[f"{row}.{column}"] = next(pool)
    for column in APPLICANTS:
        values[f"applications.outcome.total.{column}"] = sum(values[f"{r}.{column}"] for r in leaves)
        carried_over, carried_forward = next(pool), next(pool)
        values[f"applications.carried_over.{column}"] = carried_over
        values[f"applications.carried_forward.{column}"] = carried_forward
        values[f"applications.new.{column}"] = (values[f"applications.outcome.total.{column}"]
                                                 + carried_forward - carried_over)
    for row in row_keys("三", version):
        values[f"{row}.total"] = sum(values[f"{row}.{c}"] for c in APPLICANTS)
    return values


def _table4(pool) -> dict[str, int]:
    values: dict[str, int] = {}
    for block in BLOCKS:
        for part in PARTS:
            values[f"{block}.{part}"] = next(pool)
        values[f"{block}.total"] = sum(values[f"{block}.{p}"] for p in PARTS)
    return values


def _table2(version: str, pool, rng: random.Random) -> dict[str, int | float]:
    values: dict[str, int | float] = {}
    for key in official("二", version):
        stat = SPEC[key]
        if stat["value_type"] == "decimal":
            values[key] = next(pool) + rng.choice((0.25, 0.5, 0.75, 0.1, 0.05))
        elif stat["value_type"] == "signed_integer":
            values[key] = next(pool) * rng.choice((1, -1))
        else:
            values[key] = next(pool)
    for row in ("regulations", "normative_documents"):  # keep the 表二 heuristics true
        prefix = f"proactive.art20_1.{row}"
        names = ("issued", "repealed", "in_force") if version == "2021" else ("newly_made", "newly_published",
                                                                               "published_total")
        ordered = sorted(values[f"{prefix}.{n}"] for n in names)
        if version == "2021":
            values.update({f"{prefix}.issued": ordered[0], f"{prefix}.repealed": ordered[1],
                           f"{prefix}.in_force": ordered[2]})
        else:
            values.update({f"{prefix}.newly_made": ordered[0], f"{prefix}.newly_published": ordered[1],
                           f"{prefix}.published_total": ordered[2]})
    for key in [k for k in values if k.endswith(".prior_year_items")]:
        values[key] += 4000  # 上一年项目数量 + 本年增/减 stays positive
    return values


# --- style: the mess of one document -------------------------------------------------------------

@dataclass
class Style:
    """The random choices for one rendered document."""

    rng: random.Random
    form: str
    half_width: bool
    ordinal_space: bool
    sub_numbering: str  # "." or "、"
    minus: str  # "-" or "减"
    thousands: bool
    units: bool
    instructions: bool
    spaced_headers: bool
    blank: set[str] = field(default_factory=set)
    placeholder: dict[str, str] = field(default_factory=dict)

    def label(self, text: str, level_three: bool = False) -> str:
        """A printed label with this document's bracket width, ordinal spacing and numbering."""
        if level_three and self.sub_numbering == "、":
            text = text.replace(".", "、", 1)
        if self.ordinal_space:
            text = text.replace("）", "） ", 1) if text.startswith("（") else text
            text = text.replace(".", ". ", 1) if text[:1].isdigit() else text
        if self.half_width:
            text = text.translate(str.maketrans("（），：", "(),:"))
        if self.rng.random() < 0.15 and len(text) > 4:  # a stray space inside a word
            cut = self.rng.randrange(2, len(text) - 1)
            text = text[:cut] + " " + text[cut:]
        return text

    def header(self, text: str) -> str:
        """A short header label, maybe spaced out character by character ("结 果 维 持")."""
        return " ".join(text) if self.spaced_headers and len(text) <= 6 else self.label(text)

    def number(self, key: str, value: int | float) -> str:
        """A value as printed, or blank, or a placeholder."""
        if key in self.blank:
            return ""
        if key in self.placeholder:
            return self.placeholder[key]
        if isinstance(value, float):
            return f"{value:.2f}"
        text = f"{abs(value):,}" if self.thousands and abs(value) >= 1000 else str(abs(value))
        if value < 0:
            text = f"{self.minus}{text}"
        if self.units and SPEC[key]["table"] == "二" and value > 0 and SPEC[key]["unit"] == "件":
            text += "件"
        return text


def make_style(rng: random.Random, values: dict, form: str) -> Style:
    """Random mess for one document; blanks only where the form shows them (positional forms)."""
    style = Style(rng, form, rng.random() < 0.5, rng.random() < 0.4, rng.choice((".", ".", "、")),
                  rng.choice(("-", "减")), rng.random() < 0.3, rng.random() < 0.2, rng.random() < 0.3,
                  rng.random() < 0.5)
    keys = sorted(values)
    if form in POSITIONAL:
        edges = [k for k in keys if k.startswith("applications.")
                 and k.endswith((".total", ".natural_person"))]
        style.blank = set(rng.sample(keys, rng.choice((0, 0, 1, 2))) + rng.sample(edges, rng.choice((0, 1))))
    for key in rng.sample(keys, rng.choice((0, 0, 1))):
        if key not in style.blank:
            style.placeholder[key] = rng.choice(PLACEHOLDERS)
    return style


# --- layout: the national tables with merged cells -----------------------------------------------

Rows = list[list[Cell]]


def table2_layout(version: str, values: dict, style: Style) -> Rows:
    """表二: a heading, a header and data rows per block; four columns."""
    rows: Rows = []
    blocks: dict[str, dict[str, list[str]]] = {}
    for key in official("二", version):
        blocks.setdefault(SPEC[key]["section"], {}).setdefault(key.rsplit(".", 1)[0], []).append(key)
    for section, block in blocks.items():
        rows.append([Cell(style.label(section), colspan=4)])
        first = next(iter(block.values()))
        headers = [_column_label(key, version, style) for key in first]
        rows.append([Cell("信息内容"), *_spread(headers)])
        for keys in block.values():
            label = SPEC[keys[0]]["row"][-1]
            if version == "2021" and label == "规范性文件":
                label = "行政规范性文件"
            if style.instructions and label == "规章":
                label = "规章(设区的市、自治州人民政府应提供相关数据)"
            rows.append([Cell(style.label(label)), *_spread([style.number(k, values[k]) for k in keys])])
    return rows


def _column_label(key: str, version: str, style: Style) -> str:
    stat = SPEC[key]
    label = stat.get("column_by_version", {}).get(version, stat.get("column", [""]))[-1]
    if style.instructions and label in ("上一年项目数量", "处理决定数量"):
        label += "(指2019年事项数)" if label == "上一年项目数量" else "(2023年办件量)"
    return style.label(label)


def _spread(texts: list[str]) -> list[Cell]:
    """Cells filling the three value columns; the last one spans what is left."""
    cells = [Cell(text) for text in texts]
    cells[-1] = Cell(texts[-1], colspan=3 - len(texts) + 1)
    return cells


def table3_layout(version: str, values: dict, style: Style) -> Rows:
    """表三: three header rows, then rows with up to three label columns (merged as in the format)."""
    rows: Rows = [
        [Cell(style.label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), 3, 3),
         Cell(style.header("申请人情况"), colspan=7)],
        [Cell(style.header("自然人"), 2), Cell(style.header("法人或其他组织"), colspan=5),
         Cell(style.header("总计"), 2)],
        [Cell(style.header(w)) for w in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    keys = row_keys("三", version)
    paths = {row: tuple(SPEC[f"{row}.total"]["row"]) for row in keys}
    outcome = [row for row in keys if paths[row][0].startswith("三")]
    placed: set[tuple[str, ...]] = set()
    for row in keys:
        path = paths[row]
        numbers = [Cell(style.number(f"{row}.{c}", values[f"{row}.{c}"])) for c in (*APPLICANTS, "total")]
        labels: list[Cell] = []
        if len(path) == 1:
            labels = [Cell(style.label(path[0]), colspan=3)]
        else:
            if path[:1] not in placed:
                labels.append(Cell(style.label(path[0]), rowspan=len(outcome)))
                placed.add(path[:1])
            if len(path) == 2:
                labels.append(Cell(style.label(path[1]), colspan=2))
            else:
                if path[:2] not in placed:
                    size = sum(1 for r in keys if paths[r][:2] == path[:2])
                    labels.append(Cell(style.label(path[1]), rowspan=size))
                    placed.add(path[:2])
                labels.append(Cell(style.label(path[2], level_three=True)))
        rows.append(labels + numbers)
    return rows


def table4_layout(values: dict, style: Style) -> Rows:
    """表四: three header rows and one data row of fifteen cells."""
    heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return [
        [Cell(style.header("行政复议"), colspan=5), Cell(style.header("行政诉讼"), colspan=10)],
        [*(Cell(style.header(h), 2) for h in heads), Cell(style.label("未经复议直接起诉"), colspan=5),
         Cell(style.label("复议后起诉"), colspan=5)],
        [Cell(style.header(h)) for h in heads * 2],
        [Cell(style.number(f"{b}.{p}", values[f"{b}.{p}"])) for b in BLOCKS for p in (*PARTS, "total")],
    ]


# --- rendering ------------------------------------------------------------------------------------

def compact_lines(rows: Rows) -> list[list[str]]:
    """HTML-order flattening: each cell, then "" for each further column it spans; rowspans vanish."""
    return [[part for c in row for part in [c.text] + [""] * (c.colspan - 1)] for row in rows]


def full_lines(rows: Rows) -> list[list[str]]:
    """Full-grid flattening: every position, covered ones as ""."""
    return [[text or "" for text in row] for row in Table(tuple(map(tuple, rows))).grid()]


def loose_lines(rows: Rows, one_per_line: bool, style: Style) -> list[str]:
    """Free text: the printed cells of a row space-separated, or one per line."""
    lines = []
    for row in rows:
        texts = [c.text for c in row if c.text.strip()]
        if one_per_line:
            for text in texts:
                if text.startswith(("三、", "三 、")) and style.rng.random() < 0.5:
                    lines += [ch for ch in text if not ch.isspace()]  # a vertical label
                else:
                    lines.append(text)
        elif texts:
            lines.append(" ".join(texts))
    return lines


def text_table(rows: Rows, style: Style, table: str) -> list[str]:
    """One table in the document's text form, with its line-level mess."""
    rng = style.rng
    if style.form in ("space", "cell_lines"):
        lines = loose_lines(rows, style.form == "cell_lines", style)
    else:
        cells = full_lines(rows) if style.form == "tab_full" else compact_lines(rows)
        cells = [_broken(row, rng) if table == "三" and rng.random() < 0.05 else row for row in cells]
        joiner = " | " if style.form == "pipe" else "\t"
        blanks = any(not cell.text for row in rows for cell in row if cell.colspan == 1 and cell.rowspan == 1)
        trailing = _trailing_by_shape(cells, rng, uniform=blanks)
        lines = [joiner.join(row + [""] * trailing[_shape(row)]) for row in cells]
    if table in ("二", "三") and rng.random() < 0.4 and len(lines) > 6:  # a page break inside the table
        at = rng.randrange(3, len(lines) - 1)
        lines[at:at] = ["", f"- {rng.randrange(2, 9)} -", ""]
    if style.form in POSITIONAL and rng.random() < 0.3:
        at = rng.randrange(1, len(lines))
        lines.insert(at, "")
    return lines


def _shape(row: list[str]) -> tuple[int, int]:
    """Rows of one shape (leading empty cells, length) are flattened alike by an extractor."""
    leading = next((i for i, text in enumerate(row) if text), len(row))
    return leading, len(row)


def _trailing_by_shape(rows: list[list[str]], rng: random.Random,
                       uniform: bool) -> dict[tuple[int, int], int]:
    """Empty cells an extractor appends, the same for every row of one shape (seed 002: rows 一 to
    （二） end in one empty cell, the rows under （三） do not). A shape of one row gets the table's
    usual count. In a table with blank cells the count is the same for every row: where a row's
    edge cell is blank and its shape is its own, nothing could tell where its values end."""
    shapes = Counter(_shape(row) for row in rows)
    if uniform:
        count = rng.choice((0, 0, 1, 2))
        return dict.fromkeys(shapes, count)
    trailing = {shape: rng.choice((0, 0, 1, 2)) for shape, count in shapes.items() if count > 1}
    usual = Counter({n: 0 for n in (0, 1, 2)})
    for shape, n in trailing.items():
        usual[n] += shapes[shape]
    return {shape: trailing.get(shape, usual.most_common(1)[0][0]) for shape in shapes}


def _broken(row: list[str], rng: random.Random) -> list[str]:
    """A level-3 row with its label moved into the first cell (seed 004), or cut short (seed 002)."""
    labels = [i for i, text in enumerate(row)
              if text and text[0].isdigit() and not text.replace(",", "").isdigit()]
    if not labels:
        return row
    i = labels[0]
    if rng.random() < 0.5 and i > 0 and not any(row[:i]):
        return [row[i], "", *row[i + 1:]]
    if len(row[i]) >= 14:
        row = list(row)
        row[i] = row[i][: int(len(row[i]) * 0.8)]
    return row


def split_table(rows: Rows, at: int, page: int) -> tuple[Table, Table]:
    """A table cut between rows ``at - 1`` and ``at``, as a PDF page break leaves it: spans clipped,
    and an empty cell opening the second part where a span from the first part went on."""
    first: list[list[tuple[int, Cell]]] = [[] for _ in rows[:at]]
    second: list[list[tuple[int, Cell]]] = [[] for _ in rows[at:]]
    for r, c, cell in _positions(rows):
        if r >= at:
            second[r - at].append((c, cell))
            continue
        first[r].append((c, Cell(cell.text, min(cell.rowspan, at - r), cell.colspan)))
        if r + cell.rowspan > at:
            second[0].append((c, Cell("", r + cell.rowspan - at, cell.colspan)))
    parts = [tuple(tuple(cell for _, cell in sorted(row, key=lambda p: p[0])) for row in part)
             for part in (first, second)]
    return Table(parts[0], page), Table(parts[1], page + 1)


def _positions(rows: Rows) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of each cell, placed as HTML places them."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
    return placed


# --- documents ------------------------------------------------------------------------------------

@dataclass
class Variant:
    """One generated document and what it must parse to."""

    seed: int
    form: str
    versions: tuple[str, str]
    document: Extraction | str
    expected: dict[str, int | float | None]


def make_variant(seed: int) -> Variant:
    """The document of one seed."""
    rng = random.Random(seed)
    v2, v3 = rng.choice((("2021", "2021"), ("2021", "2021"), ("2019", "2019"), ("2021", "2019")))
    values = draw_values(v2, v3, rng)
    form = FORMS[seed % len(FORMS)]
    style = make_style(rng, values, form)
    year = 2023 if v2 == "2021" else 2020
    layouts = {"二": table2_layout(v2, values, style), "三": table3_layout(v3, values, style),
               "四": table4_layout(values, style)}
    head = ["", "测试县供销合作社联合社", "", f"{year} 年度政府信息公开工作年度报告", "", "一、总体情况",
            f"{year}年，本单位共受理政府信息公开申请{values['applications.new.total']}件，均按时答复。"]
    sections = {"二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况",
                "四": "四、政府信息公开行政复议、行政诉讼情况"}
    tail = ["五、存在的主要问题及改进情况", "公开内容还不够丰富。", "六、其他需要报告的事项", "无。"]
    expected = {key: (None if key in style.blank or key in style.placeholder else value)
                for key, value in values.items()}
    if form == "grid":
        text = "\n".join(head + [sections[t] for t in sections] + tail)
        tables = _grid_tables(layouts, rng)
        return Variant(seed, form, (v2, v3), Extraction("pdf", "generated", text, tables), expected)
    if form == "html":
        page = html_page(head, sections, layouts, tail)
        extraction = extract(page.encode("utf-8"), content_type="text/html")
        return Variant(seed, form, (v2, v3), extraction, expected)
    lines = list(head)
    for table, title in sections.items():
        lines += ["", title, ""] + text_table(layouts[table], style, table)
    lines += [""] + tail
    return Variant(seed, form, (v2, v3), "\n".join(lines), expected)


def html_page(head: list[str], sections: dict[str, str], layouts: dict[str, Rows], tail: list[str]) -> str:
    """A report page with the three tables as HTML tables in the national rowspan/colspan layout."""
    def paragraph(text: str) -> str:
        return f"<p>{html.escape(text)}</p>" if text else ""

    def table(rows: Rows) -> str:
        body = "".join("<tr>" + "".join(
            f'<td rowspan="{c.rowspan}" colspan="{c.colspan}">{html.escape(c.text) or "&nbsp;"}</td>'
            for c in row) + "</tr>" for row in rows)
        return f"<table border='1'>{body}</table>"

    parts = [paragraph(line) for line in head]
    for key, title in sections.items():
        parts += [paragraph(title), table(layouts[key])]
    parts += [paragraph(line) for line in tail]
    return f"<html><head><title>{html.escape(head[1])}</title></head><body>{''.join(parts)}</body></html>"


def _grid_tables(layouts: dict[str, Rows], rng: random.Random) -> tuple[Table, ...]:
    """Structured tables on pages 2–4; 表三 (and sometimes 表二) split over a page break."""
    tables: list[Table] = [Table(tuple(map(tuple, layouts["二"])), 2)]
    if rng.random() < 0.5:
        at = rng.randrange(3, len(layouts["二"]) - 1)
        tables = list(split_table(layouts["二"], at, 2))
    page = tables[-1].page
    at = rng.randrange(5, len(layouts["三"]) - 1)
    tables += split_table(layouts["三"], at, page)
    tables.append(Table(tuple(map(tuple, layouts["四"])), page + 1))
    return tuple(tables)


def differences(got: dict, want: dict) -> dict[str, tuple]:
    """key → (parsed, expected) for every key that differs."""
    return {k: (got.get(k, "absent"), want.get(k, "absent")) for k in sorted(set(got) | set(want))
            if got.get(k, "absent") != want.get(k, "absent")}


def _shown(variant: Variant) -> str:
    document = variant.document
    if isinstance(document, str):
        return document[:4000]
    return "\n\n".join(table.text() for table in document.tables)[:4000]


@pytest.mark.parametrize("seed", range(VARIANTS))
def test_messy_rendering_parses_to_the_generated_numbers(seed):
    variant = make_variant(seed)
    report = parse_report(variant.document)
    diff = differences(report.figures(), variant.expected)
    assert diff == {}, f"seed {seed} form {variant.form} versions {variant.versions}\n{_shown(variant)}"


@pytest.mark.parametrize("seed", range(0, VARIANTS, 8))
def test_messy_rendering_keeps_the_table_versions(seed):
    variant = make_variant(seed)
    report = parse_report(variant.document)
    v2, v3 = variant.versions
    assert (dict(report.table_versions), report.tables_found) == ({"二": v2, "三": v3}, ("二", "三", "四"))
    assert report.format_version == (v2 if v2 == v3 else "mixed")


@pytest.mark.parametrize("seed", range(1, VARIANTS, 12))
def test_generated_reports_fail_no_arithmetic_check(seed):
    variant = make_variant(seed)
    results = run_checks(parse_report(variant.document))
    arithmetic = ("t2.", "t3.", "t4.", "values.")
    failed = [r.detail for r in results if r.status == "fail" and r.rule.startswith(arithmetic)]
    assert failed == []
