"""Annual reports into the database: parse, choose the best source, check, and store with provenance.

An annual report is often published more than once — an HTML page with the tables and the same
report as a PDF or DOCX attachment. Each source is parsed; the one that yields the most cells becomes
the report of record, and the others are compared with it cell by cell (``other_sources``), so a
researcher sees when a portal's page and its attachment disagree. Every statistic keeps its raw cell
text and its place (page, row, column) in the capture it came from.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from archive.index import Capture
from pipelines.extract import Extraction, Table
from pipelines.report import PARSER_VERSION, Report, parse_report, run_checks


@dataclass(frozen=True)
class ReportSource:
    """One rendering of a report: the capture and its cached extraction row."""

    capture: Capture
    extraction: dict


@dataclass(frozen=True)
class ReportDocument:
    """A document classified as an annual report, with every rendering of it."""

    document_id: str
    agency: str | None
    title: str
    year: int | None
    sources: tuple[ReportSource, ...]


def as_extraction(row: dict) -> Extraction:
    """The `Extraction` a cached extraction row was made from (tables with their spans)."""
    tables = tuple(Table.from_json(t) for t in json.loads(row.get("tables_json") or "[]"))
    return Extraction(
        kind=row["kind"],
        method=row["method"],
        text=row["text"] or "",
        tables=tables,
        pages=row.get("pages"),
        encoding=row.get("encoding"),
    )


def load_reports(db: sqlite_utils.Database, documents: Iterable[ReportDocument]) -> dict[str, int]:
    """Parse, check and store every annual report; returns how many ended in each parse status.

    Reports are processed agency by agency in year order, so the cross-year checks of checks.toml
    (carried over = last year's carried forward) can see the previous year's report.
    """
    statuses: dict[str, int] = {}
    previous: dict[tuple[str | None, int], Report] = {}
    for doc in sorted(documents, key=lambda d: (d.agency or "", d.year or 0, d.document_id)):
        parsed = [
            (source, parse_report(as_extraction(source.extraction), title=doc.title))
            for source in doc.sources
        ]
        best = _best(parsed)
        status = _store(db, doc, best, parsed, previous)
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def _best(parsed: list[tuple[ReportSource, Report]]) -> tuple[ReportSource, Report] | None:
    """The source with the most cells found; on a tie the earlier one (the page before attachments)."""
    candidates = [(source, report) for source, report in parsed if report.values]
    return max(candidates, key=lambda p: len(p[1].values), default=None) if candidates else None


def _store(db, doc: ReportDocument, best, parsed, previous: dict) -> str:
    db["statistics"].delete_where("report_id = ?", [doc.document_id])
    db["check_results"].delete_where("report_id = ?", [doc.document_id])
    if best is None:
        db["reports"].upsert(_report_row(doc, None, None, "no_tables", [], parsed), pk="id")
        return "no_tables"
    source, report = best
    year = report.year or doc.year
    checks = run_checks(report, previous=previous.get((doc.agency, (year or 0) - 1)))
    previous[(doc.agency, year or 0)] = report
    status = "parsed" if set(report.tables_found) == {"二", "三", "四"} and not report.issues else "partial"
    db["reports"].upsert(_report_row(doc, source, report, status, checks, parsed), pk="id")
    db["statistics"].insert_all(_statistic_rows(doc.document_id, source, report), pk=("report_id", "key"))
    db["check_results"].insert_all(
        [
            {
                "report_id": doc.document_id,
                "check_id": c.id,
                "rule": c.rule,
                "status": c.status,
                "severity": c.severity,
                "detail": c.detail,
                "check_values": json.dumps(dict(c.values), ensure_ascii=False, default=str),
            }
            for c in checks
        ],
        pk=("report_id", "check_id"),
    )
    return status


def _report_row(doc, source, report, status, checks, parsed) -> dict:
    figures = report.figures() if report else {}
    return {
        "id": doc.document_id,
        "document_id": doc.document_id,
        "agency": doc.agency,
        "printed_agency": report.agency if report else None,
        "title": doc.title,
        "year": (report.year if report else None) or doc.year,
        "format_version": report.format_version if report else None,
        "table_versions": json.dumps(dict(report.table_versions), ensure_ascii=False) if report else None,
        "tables_found": "".join(report.tables_found) if report else "",
        "source_kind": source.extraction["kind"] if source else None,
        "source_url": source.capture.url if source else None,
        "source_capture": source.capture.record_id if source else None,
        "payload_sha256": source.capture.payload_sha256 if source else None,
        "parse_status": status,
        "cells": sum(v is not None for v in figures.values()),
        "blank_cells": sum(v is None for v in figures.values()),
        "checks_failed": sum(c.status == "fail" for c in checks),
        "checks_incomplete": sum(c.status == "incomplete" for c in checks),
        "parse_issues": json.dumps([i.as_row() for i in report.issues], ensure_ascii=False)
        if report
        else "[]",
        "other_sources": json.dumps(_comparisons(source, report, parsed), ensure_ascii=False),
        "parser_version": PARSER_VERSION,
    }


def _comparisons(best_source, best, parsed) -> list[dict]:
    """How every other rendering compares with the report of record, cell by cell."""
    out = []
    for source, report in parsed:
        if source is best_source:
            continue
        theirs, ours = report.figures(), best.figures() if best else {}
        differ = sorted(k for k in theirs.keys() & ours.keys() if theirs[k] != ours[k])
        out.append(
            {
                "kind": source.extraction["kind"],
                "url": source.capture.url,
                "capture": source.capture.record_id,
                "cells": len(theirs),
                "differing": differ,
            }
        )
    return out


def _statistic_rows(report_id: str, source: ReportSource, report: Report) -> list[dict]:
    return [
        {
            "report_id": report_id,
            "key": v.key,
            "value": v.value,
            "blank": v.value is None,
            "raw": v.raw,
            "unit": v.unit,
            "printed_unit": v.printed_unit,
            "table_no": v.table,
            "source": v.source,
            "page": v.page,
            "row": v.row,
            "col": v.col,
            "capture": source.capture.record_id,
        }
        for v in report.values.values()
    ]
