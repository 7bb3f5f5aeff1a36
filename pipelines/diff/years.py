"""An agency's annual reports year over year: every statistic, the checks, and sections 一, 五, 六.

Read from the derived database only (``reports``, ``statistics``, ``check_results`` and the text of
each report's source capture). Each year is one report: the best parsed one when an agency published
several (a page and its PDF, or the same report in two columns).

A statistic's cell in a year is one of:

- ``value``: a number was printed;
- ``blank``: the cell was printed empty — not zero, so no change is computed from or to it;
- ``not_in_format``: that year's format has no such cell (the 2019 format's single （六）其他处理 row
  became three rows in 2021). Moving from or to such a cell is a *format change*, never a drop to
  zero or a new figure;
- ``not_found``: the format has the cell but the parser did not find it (a table missing from the
  text, say);
- ``no_report``: no parsed report for that year.
"""

import json
from dataclasses import asdict, dataclass, field

import sqlite_utils

from pipelines.diff.sections import TITLES, split_sections
from pipelines.diff.text import diff_text
from pipelines.extract import EXTRACTOR_VERSION
from pipelines.report.spec import Spec, Stat, load_spec

SECTIONS = ("一", "五", "六")
# Rows the two formats print differently but that mean the same total: the 2019 format's single
# （六）其他处理 row is the sum of the three rows the 2021 format splits it into. A derived row per
# column makes the figure comparable across the format change.
ACROSS_FORMATS = {
    "applications.outcome.other": ("undivided", ("no_correction", "unpaid_fee", "misc")),
}
HEADLINE = "applications.new.total"
ORDER_REPORTS = "parse_status = 'parsed' DESC, cells DESC, checks_failed ASC, id"


@dataclass
class YearReport:
    """The report that stands for one year."""

    year: int
    report_id: str
    document_id: str
    title: str
    format_version: str
    table_versions: dict
    parse_status: str
    source_kind: str
    source_url: str
    source_capture: str
    checks_failed: int


@dataclass
class Change:
    """How one statistic moved from one year to the next."""

    from_year: int
    to_year: int
    kind: str  # changed | same | format_change | not_in_format | blanked | filled | missing
    delta: float | None = None
    percent: float | None = None


@dataclass
class StatisticRow:
    key: str
    label: str
    table: str
    unit: str
    cells: dict[int, dict]  # year → {"state": …, "value": …, "raw": …}
    changes: list[Change]
    derived: bool = False  # not a printed cell: a sum that reads the same in both formats

    @property
    def changed(self) -> bool:
        """Whether a number moved, or a cell was blanked or filled (a format change is not a change)."""
        return any(c.kind in ("changed", "blanked", "filled") for c in self.changes)

    @property
    def format_only(self) -> bool:
        """Whether the cell is printed in one format version only, within these years."""
        return any(c.kind == "format_change" for c in self.changes)


@dataclass
class SectionChange:
    section: str
    title: str
    from_year: int
    to_year: int
    state: str  # compared | missing_in_from | missing_in_to | missing_in_both
    diff: dict | None = None


@dataclass
class CheckChange:
    check_id: str
    from_year: int
    to_year: int
    became: str  # newly_failing | failing_first_checked | no_longer_failing
    severity: str
    detail: str


@dataclass
class AgencyYears:
    """Everything the year-over-year report says about one agency."""

    agency: str
    years: list[YearReport]
    statistics: list[StatisticRow] = field(default_factory=list)
    checks: list[CheckChange] = field(default_factory=list)
    sections: list[SectionChange] = field(default_factory=list)
    summary: str = ""

    def by_table(self) -> list[tuple[str, list[StatisticRow]]]:
        """The statistics grouped by table, in the report's order (表二, 表三, 表四)."""
        groups: dict[str, list[StatisticRow]] = {}
        for row in self.statistics:
            groups.setdefault(row.table, []).append(row)
        return list(groups.items())

    def as_json(self) -> dict:
        out = asdict(self)
        for row, stat in zip(out["statistics"], self.statistics, strict=True):
            row["changed"] = stat.changed
            row["format_only"] = stat.format_only
            row["cells"] = {str(y): c for y, c in stat.cells.items()}
        return out


def agencies_matching(db: sqlite_utils.Database, query: str | None) -> list[str]:
    """Agencies with reports whose name is ``query``, contains it, or whose portal id is it."""
    names = [r["agency"] for r in db.query("SELECT DISTINCT agency FROM reports WHERE agency IS NOT NULL")]
    if not query:
        return sorted(names)
    if query in names:
        return [query]
    by_portal = [
        r["agency"]
        for r in db.query("SELECT DISTINCT d.agency FROM documents d WHERE d.portal = ?", [query])
        if r["agency"] in names
    ]
    return sorted(set(by_portal) or {n for n in names if query in n})


def diff_years(
    db: sqlite_utils.Database,
    agency: str,
    from_year: int | None = None,
    to_year: int | None = None,
    spec: Spec | None = None,
) -> AgencyYears:
    """The year-over-year diff of one agency's reports between ``from_year`` and ``to_year`` (inclusive)."""
    spec = spec or load_spec()
    years = _year_reports(db, agency, from_year, to_year)
    result = AgencyYears(agency, years)
    if not years:
        result.summary = f"{agency}: no annual report in the database for these years"
        return result
    values = {y.year: _statistics(db, y.report_id) for y in years}
    # In the order statistics.toml lists them, which is the order the forms print them.
    order = {key: i for i, key in enumerate(spec.stats)}
    keys = sorted({k for v in values.values() for k in v}, key=lambda k: (order.get(k, len(order)), k))
    result.statistics = [_statistic_row(spec.stats.get(k), k, years, values) for k in keys]
    result.statistics += [
        row for family in ACROSS_FORMATS for row in _across_formats(spec, family, years, values)
    ]
    pairs = _pairs(years)
    result.checks = [c for a, b in pairs for c in _check_changes(db, a, b)]
    texts = {y.year: split_sections(_report_text(db, y)) for y in years}
    result.sections = [_section_change(s, a.year, b.year, texts) for a, b in pairs for s in SECTIONS]
    result.summary = summarise(result)
    return result


def summarise(result: AgencyYears) -> str:
    """One line: years and formats, the headline figure's path, what changed, checks, text."""
    years = result.years
    span = f"{years[0].year}–{years[-1].year}" if len(years) > 1 else str(years[0].year)
    formats = "/".join(dict.fromkeys(y.format_version for y in years))
    parts = [f"{result.agency} {span}: {len(years)} reports ({formats} format)"]
    # A gap means the changes shown span two years; say so rather than let it pass for one.
    missing = sorted(set(range(years[0].year, years[-1].year + 1)) - {y.year for y in years})
    if missing:
        parts.append("no report for " + ", ".join(map(str, missing)))
    headline = next((s for s in result.statistics if s.key == HEADLINE), None)
    if headline:
        path = " → ".join(_cell_text(headline.cells[y.year]) for y in years)
        parts.append(f"applications received {path}")
    printed = [s for s in result.statistics if not s.derived]
    changed = sum(1 for s in printed for c in s.changes if c.kind == "changed")
    format_only = sum(1 for s in result.statistics if s.format_only)
    parts.append(f"{_count(changed, 'change')} in statistics")
    if format_only:
        parts.append(f"{_count(format_only, 'cell')} in one format only")
    failing = sum(1 for c in result.checks if c.became == "newly_failing")
    if failing:
        parts.append(f"{_count(failing, 'check')} newly failing")
    first = sum(1 for c in result.checks if c.became == "failing_first_checked")
    if first:
        parts.append(f"{_count(first, 'check')} failing the first year they apply")
    rewritten = [
        s for s in result.sections if s.diff and s.diff["sentences_rewritten"] + s.diff["sentences_added"]
    ]
    if rewritten:
        parts.append(f"text changed in {_count(len(rewritten), 'section comparison')}")
    return "; ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _year_reports(db, agency: str, from_year: int | None, to_year: int | None) -> list[YearReport]:
    rows = db.query(
        f"SELECT * FROM reports WHERE agency = ? AND year IS NOT NULL ORDER BY year, {ORDER_REPORTS}",
        [agency],
    )
    chosen: dict[int, YearReport] = {}
    for r in rows:
        if r["year"] in chosen or (from_year and r["year"] < from_year) or (to_year and r["year"] > to_year):
            continue
        chosen[r["year"]] = YearReport(
            year=r["year"],
            report_id=r["id"],
            document_id=r["document_id"],
            title=r["title"] or "",
            format_version=r["format_version"] or "unknown",
            table_versions=json.loads(r["table_versions"] or "{}"),
            parse_status=r["parse_status"],
            source_kind=r["source_kind"],
            source_url=r["source_url"],
            source_capture=r["source_capture"],
            checks_failed=r["checks_failed"] or 0,
        )
    return [chosen[y] for y in sorted(chosen)]


def _statistics(db, report_id: str) -> dict[str, dict]:
    return {
        r["key"]: {"value": r["value"], "blank": bool(r["blank"]), "raw": r["raw"], "unit": r["unit"]}
        for r in db.query(
            "SELECT key, value, blank, raw, unit FROM statistics WHERE report_id = ?", [report_id]
        )
    }


def _in_format(stat: Stat | None, year: YearReport) -> bool:
    """Whether the format this year's table was printed in has the cell (unknown keys: assume so)."""
    if stat is None or not stat.versions:
        return True
    version = year.table_versions.get(stat.table, year.format_version)
    return version not in ("2019", "2021") or version in stat.versions


def _cell(stat: Stat | None, year: YearReport, found: dict | None) -> dict:
    if found is not None:
        if found["blank"]:
            return {"state": "blank", "value": None, "raw": found["raw"]}
        return {"state": "value", "value": found["value"], "raw": found["raw"]}
    if year.parse_status != "parsed":
        return {"state": "no_report", "value": None, "raw": None}
    if not _in_format(stat, year):
        return {"state": "not_in_format", "value": None, "raw": None, "format": year.format_version}
    return {"state": "not_found", "value": None, "raw": None}


def _statistic_row(stat: Stat | None, key: str, years: list[YearReport], values: dict) -> StatisticRow:
    cells = {y.year: _cell(stat, y, values[y.year].get(key)) for y in years}
    changes = [_change(a.year, b.year, cells[a.year], cells[b.year]) for a, b in _pairs(years)]
    unit = stat.unit if stat else next((v[key]["unit"] for v in values.values() if key in v), "") or ""
    return StatisticRow(key, label(stat, key), stat.table if stat else "", unit, cells, changes)


def _across_formats(spec, family: str, years: list[YearReport], values: dict) -> list[StatisticRow]:
    """One derived row per column of ``family``: the undivided row where a year prints it, else the
    sum of the rows it was split into. Keyed ``<family>.*.<column>``."""
    whole, parts = ACROSS_FORMATS[family]
    columns = sorted({k.rsplit(".", 1)[1] for k in spec.stats if k.startswith(f"{family}.{whole}.")})
    rows = []
    for column in columns:
        cells = {}
        for y in years:
            found = values[y.year]
            keys = [f"{family}.{whole}.{column}"] + [f"{family}.{p}.{column}" for p in parts]
            present = [found[k] for k in keys if k in found]
            numbers = [c["value"] for c in present if not c["blank"]]
            if numbers:
                cells[y.year] = {"state": "value", "value": sum(numbers), "raw": None}
            elif present:
                cells[y.year] = {"state": "blank", "value": None, "raw": None}
            else:
                cells[y.year] = {"state": "not_found", "value": None, "raw": None}
        if all(c["state"] == "not_found" for c in cells.values()):
            continue
        changes = [_change(a.year, b.year, cells[a.year], cells[b.year]) for a, b in _pairs(years)]
        stat = spec.stats[f"{family}.{whole}.{column}"]
        text = f"{label(stat, stat.key)} — comparable across formats (2021: sum of its three rows)"
        rows.append(StatisticRow(f"{family}.*.{column}", text, stat.table, stat.unit, cells, changes, True))
    return rows


def _pairs(years: list[YearReport]) -> list[tuple[YearReport, YearReport]]:
    return list(zip(years, years[1:], strict=False))


def _change(from_year: int, to_year: int, a: dict, b: dict) -> Change:
    states = {a["state"], b["state"]}
    if states == {"not_in_format"}:
        return Change(from_year, to_year, "not_in_format")
    if "not_in_format" in states:
        return Change(from_year, to_year, "format_change")
    if states & {"not_found", "no_report"}:
        return Change(from_year, to_year, "missing")
    if a["state"] == "blank" and b["state"] == "blank":
        return Change(from_year, to_year, "same")
    if a["state"] == "blank":
        return Change(from_year, to_year, "filled")
    if b["state"] == "blank":
        return Change(from_year, to_year, "blanked")
    delta = b["value"] - a["value"]
    if delta == 0:
        return Change(from_year, to_year, "same", 0.0, 0.0)
    percent = round(100 * delta / a["value"], 1) if a["value"] else None
    return Change(from_year, to_year, "changed", delta, percent)


def label(stat: Stat | None, key: str) -> str:
    """A statistic's printed labels: 表三 · 三、本年度办理结果 / （一）予以公开 · 自然人."""
    if stat is None:
        return key
    where = " / ".join(p for p in (stat.section, *stat.row) if p)
    column = " / ".join(stat.column)
    return " · ".join(p for p in (f"表{stat.table}", where, column) if p)


def _check_changes(db, a: YearReport, b: YearReport) -> list[CheckChange]:
    before = _check_status(db, a.report_id)
    after = _check_status(db, b.report_id)
    out = []
    for check_id, row in sorted(after.items()):
        was = before.get(check_id, {}).get("status")
        if row["status"] == "fail" and was != "fail":
            # A rule the year before did not apply to (another format version) fails for the first
            # time it is checked: not the same news as a report that used to add up.
            became = "newly_failing" if was in ("pass", "incomplete") else "failing_first_checked"
            out.append(CheckChange(check_id, a.year, b.year, became, row["severity"], row["detail"]))
    for check_id, row in sorted(before.items()):
        if row["status"] == "fail" and after.get(check_id, {}).get("status") != "fail":
            detail = after.get(check_id, {}).get("detail") or f"{check_id} is not checked in {b.year}"
            out.append(CheckChange(check_id, a.year, b.year, "no_longer_failing", row["severity"], detail))
    return out


def _check_status(db, report_id: str) -> dict[str, dict]:
    rows = db.query(
        "SELECT check_id, status, severity, detail FROM check_results WHERE report_id = ?", [report_id]
    )
    return {r["check_id"]: r for r in rows}


def _report_text(db, year: YearReport) -> str:
    """The extracted text of the rendering the report's numbers came from."""
    row = next(
        db.query(
            "SELECT e.text FROM captures c JOIN extractions e ON e.payload_sha256 = c.payload_sha256"
            " WHERE c.record_id = ? AND e.text IS NOT NULL ORDER BY e.extractor_version = ? DESC LIMIT 1",
            [year.source_capture, EXTRACTOR_VERSION],
        ),
        None,
    )
    return row["text"] if row else ""


def _section_change(section: str, from_year: int, to_year: int, texts: dict) -> SectionChange:
    a, b = texts[from_year].get(section), texts[to_year].get(section)
    change = SectionChange(section, TITLES[section], from_year, to_year, "compared")
    if a is None or b is None:
        change.state = (
            "missing_in_both"
            if a is None and b is None
            else ("missing_in_from" if a is None else "missing_in_to")
        )
        return change
    change.diff = diff_text(a, b).as_json()
    return change


def _cell_text(cell: dict) -> str:
    if cell["state"] == "value":
        value = cell["value"]
        return str(int(value)) if float(value).is_integer() else str(value)
    return {"blank": "blank", "not_in_format": "n/a", "not_found": "?", "no_report": "?"}[cell["state"]]
