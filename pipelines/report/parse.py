"""From an extraction (text and tables) to a `Report` of canonical statistics with provenance.

The cascade:

1. Input: an `Extraction`, or plain text (a seed file). Its tables are preferred over its text.
2. Title, agency and year: the caller's title, else the extraction's (PDF metadata), else the first
   lines of the text — the first of these that names an agency and a year. A short agency name is
   widened to the fuller form the text itself prints (洪泽区人民政府 → 淮安市洪泽区人民政府).
3. Tables: structured tables are classified by their anchors and continuation (`locate`); tables not
   found among them are looked for in the text, between section headings.
4. Rows: each source becomes rows of cells with provenance (`grid`): grid rows, tab or pipe lines,
   space-separated PDF lines, one cell per line.
5. Values: a reader per table matches rows by normalised label against statistics.toml and assigns
   values by the known column order (`table2`, `table3`, `table4`). If a structured table yields no
   values, its text is tried instead; rows a structured 表三 lost (cut off at a page foot) are taken
   from the text when the text agrees with the grid on every other row (`table3.complete`).
6. Versions: each table's own markers (`table_versions`); a table without markers inherits from the
   other, else from the report year; ``format_version`` is the common value or "mixed".
7. Kind: a document with statistics tables, or with an annual-report title, is an annual report.
   Without tables it is "pre2019" when its year is 2018 or earlier, or, with no year, when it has
   the old template's sections (一、概述, 收费及减免情况) or a 计量单位 column. Anything else (a
   self-assessment, a work plan) is not an annual report and carries no values.
8. Narrative: figures stated in prose that checks compare with the tables (applications received).
"""

from __future__ import annotations

import re
from collections import Counter
from types import MappingProxyType

from archive.issues import Issue
from pipelines.extract.model import Extraction, Table

from . import table2, table3, table4
from .grid import logical_rows, table_rows, text_rows
from .locate import KINDS, Located, find_tables, find_text
from .model import Report, TableRead, parse_issue
from .normalise import label, similarity, squash, squash_cells
from .spec import Spec, load_spec

READERS = {"二": table2.read, "三": table3.read, "四": table4.read}
ANNUAL_TITLE = re.compile(r"政府信息公开.{0,12}(?:年度报告|年报|工作报告)|政务公开.{0,8}年度报告")
NOT_ANNUAL = re.compile(r"自评|自查|方案|要点|计划|通知|考核|意见")
TITLE_YEAR = re.compile(r"[(（]?(?P<year>(?:19|20)\d{2})年度?[)）]?")
TITLE_KIND = re.compile(r"(?:关于)?(?:政府信息公开|政务公开|信息公开)")
# the pre-2019 template: a section 概述 or 政府信息公开的收费及减免情况, an 附表 column 计量单位
PRE2019_MARKS = re.compile(r"^(?:[一二三四五六七八九十]{1,2}、(?:概述|.{0,12}收费及减免).{0,6}"
                           r"|.*计量单位.*\t.*)$", re.M)
NARRATIVE = {
    "applications_received": re.compile(r"(?:受理|收到|新收)(?:各类|了)?政府信息公开申请(?:共)?(\d+)件"),
}
PLACE = r"[\u4e00-\u9fff]{2,3}(?:省|市|自治州|州|盟)"


def parse_report(extraction_or_text: Extraction | str, *, title: str | None = None,
                 spec: Spec | None = None) -> Report:
    """Parse one document into a `Report` (steps in the module docstring)."""
    spec = spec or load_spec()
    if isinstance(extraction_or_text, str):
        text, tables, hints = extraction_or_text, (), [title]
    else:
        extraction = extraction_or_text
        text, tables, hints = extraction.text, extraction.tables, [title, extraction.title]
    doc_title, agency, year = _identify(text, hints)
    reads, issues = _read_tables(text, tables, spec)
    found = tuple(kind for kind in KINDS if kind in reads)
    annual = bool(found) or _looks_annual(doc_title)
    if not annual:
        return Report(None, year, None, MappingProxyType({}), (), False, MappingProxyType({}),
                      title=doc_title)
    versions = _table_versions(reads, year)
    values = {key: value for read in reads.values() for key, value in read.values.items()}
    issues += [issue for read in reads.values() for issue in read.issues]
    issues += _document_issues(agency, year, found)
    return Report(
        agency=agency, year=year, format_version=_format_version(versions, year, found, text),
        table_versions=MappingProxyType(versions), tables_found=found, is_annual_report=True,
        values=MappingProxyType(values), issues=tuple(issues), title=doc_title,
        narrative=MappingProxyType(_narrative(text)),
        variants=tuple(dict.fromkeys(v for read in reads.values() for v in read.variants)),
    )


def _identify(text: str, hints: list[str | None]) -> tuple[str | None, str | None, int | None]:
    """Step 2: title, agency and year."""
    candidates = [hint for hint in hints if hint] + [t for t in [_text_title(text)] if t]
    named = [(c, *_agency_and_year(c)) for c in candidates]
    for candidate, agency, year in named:
        if agency and year and _looks_annual(candidate):
            return candidate, _widen(agency, text), year
    for candidate, _, year in named:
        if year:
            return candidate, None, year
    return (candidates[0] if candidates else None), None, None


def _agency_and_year(title: str) -> tuple[str | None, int | None]:
    """The agency and year a title names: "XX局2023年度政府信息公开…", "2022年度XX局政府信息公开…",
    "XX局政府信息公开工作年度报告（2022年度）"."""
    flat = squash(title)
    year = TITLE_YEAR.search(flat)
    rest = TITLE_YEAR.sub("", flat, count=1) if year else flat
    kind = TITLE_KIND.search(rest)
    agency = rest[: kind.start()] if kind else None
    return agency or None, int(year["year"]) if year else None


def _text_title(text: str) -> str | None:
    """The title printed at the top: the first lines up to the one that says 报告 (at most three)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:6]
    for end, line in enumerate(lines[:3]):
        if "报告" in line and len(squash(line)) <= 60:
            return " ".join(lines[: end + 1])
    return lines[0] if lines and len(lines[0]) <= 80 else None


def _looks_annual(title: str | None) -> bool:
    """An annual-report title, not a self-assessment, plan or notice."""
    text = squash(title or "")
    return bool(ANNUAL_TITLE.search(text)) and not NOT_ANNUAL.search(text)


def _widen(agency: str, text: str) -> str:
    """The fuller name the text prints for a district or county body (淮安市 + 洪泽区人民政府).

    Of the place names printed right before the agency name, the one the text uses most often
    elsewhere wins (so "由淮安市" loses to "淮安市"); bodies already named from a city up are kept.
    """
    if not re.match(r"^[\u4e00-\u9fff]{1,4}[区县旗]", agency):
        return agency
    flat = squash(text)
    prefixes = re.findall(rf"(?=([\u4e00-\u9fff]{{1,5}}?(?:省|市|自治州|州|盟)){re.escape(agency)})", flat)
    candidates = {p[-k:] for p in prefixes for k in range(3, len(p) + 1) if re.fullmatch(PLACE, p[-k:])}
    if not candidates:
        return agency
    counts = Counter({c: flat.count(c) for c in candidates})
    best = max(counts.values())
    return max((c for c, n in counts.items() if n == best), key=len) + agency


def _read_tables(text: str, tables: tuple[Table, ...],
                 spec: Spec) -> tuple[dict[str, TableRead], list[Issue]]:
    """Steps 3–5: each statistics table found, read; and the problems of sources that gave nothing."""
    structured = find_tables(tables, lambda t: _row_kind(t, spec)) if tables else {}
    in_text = find_text(text)
    reads: dict[str, TableRead] = {}
    empty: list[Issue] = []
    for kind in KINDS:
        tried = [_read(s, spec) for s in (structured.get(kind), in_text.get(kind)) if s is not None]
        found = [read for read in tried if read.values]
        if not found:
            empty += [issue for read in tried for issue in read.issues]
            continue
        reads[kind] = found[0]
        if kind == "三" and kind in structured and kind in in_text:
            table3.complete(found[0], logical_rows(text_rows(in_text[kind].lines, 1000)), spec)
    return reads, empty


def _read(located: Located, spec: Spec) -> TableRead:
    """One table read from its structured tables or its text lines."""
    if located.tables:
        rows = [row for i, table in enumerate(located.tables) for row in table_rows(table, i)]
    else:
        rows = text_rows(located.lines, 1000)
    return READERS[located.kind](logical_rows(rows), spec)


def _row_kind(table: Table, spec: Spec) -> str | None:
    """The statistics table whose row labels an anchorless structured table repeats (two or more)."""
    known = {"三": [n.label.text for n in table3.layout(spec).nodes.values() if n.level > 1],
             "二": list(table2.vocabulary(spec).rows)}
    labels = [label(cell).text for row in table.grid() for cell in row if cell]
    for kind, words in known.items():
        hits = sum(1 for text in labels if len(text) >= 3 and max(similarity(text, w) for w in words) >= 0.9)
        if hits >= 2:
            return kind
    return None


def _table_versions(reads: dict[str, TableRead], year: int | None) -> dict[str, str]:
    """Step 6: the version of 表二 and 表三 as found, inheriting when a table has no markers."""
    own = {kind: reads[kind].version for kind in ("二", "三") if kind in reads}
    fallback = next((v for v in own.values() if v), None) or _version_for_year(year)
    return {kind: version or fallback for kind, version in own.items() if version or fallback}


def _version_for_year(year: int | None) -> str | None:
    """The format a report on ``year`` should use."""
    if year is None:
        return None
    return "2021" if year >= 2021 else "2019" if year >= 2019 else None


def _format_version(versions: dict[str, str], year: int | None, found: tuple[str, ...],
                    text: str) -> str | None:
    """Step 6–7: the document's format version."""
    distinct = set(versions.values())
    if len(distinct) > 1:
        return "mixed"
    if distinct:
        return distinct.pop()
    old_template = PRE2019_MARKS.search("\n".join(squash_cells(line) for line in text.splitlines()))
    if not found and ((year is not None and year <= 2018) or (year is None and old_template)):
        return "pre2019"
    return _version_for_year(year)


def _document_issues(agency: str | None, year: int | None, found: tuple[str, ...]) -> list:
    """Warnings about the document as a whole."""
    issues = []
    if agency is None:
        issues.append(parse_issue("no-agency", "no agency name found in the title or first lines"))
    if year is None:
        issues.append(parse_issue("no-year", "no report year found in the title or first lines"))
    missing = [kind for kind in KINDS if kind not in found]
    if missing:
        issues.append(parse_issue("table-not-found", f"表{'、'.join(missing)} not found",
                                  fix="the table may be an image, an attachment, or replaced by a sentence"))
    return issues


def _narrative(text: str) -> dict[str, int]:
    """Step 8: figures stated in the prose."""
    flat = squash(text)
    found = {}
    for name, pattern in NARRATIVE.items():
        match = pattern.search(flat)
        if match:
            found[name] = int(match[1])
    return found
