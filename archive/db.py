"""The derived database (``gongkai.db``): schema, migrations and upserts, with sqlite-utils.

Everything here can be rebuilt from the archive (`gongkai extract --all`). Tables are keyed on
stable ids, so extracting again updates rows in place instead of adding copies. Schema changes are
named sqlite-utils migrations, recorded in ``_sqlite_migrations`` and applied one transaction each.
"""

from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("gongkai")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Portals, crawls, captures, documents, attachments, extractions, failures."""
    db["portals"].create(
        {
            "id": str,
            "agency": str,
            "portal_name": str,
            "region_code": str,
            "level": str,
            "family": str,
            "homepage": str,
            "config": str,
        },
        pk="id",
    )
    db["agencies"].create({"name": str, "region_code": str, "level": str, "portal": str}, pk="name")
    db["crawls"].create(
        {
            "crawl_id": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "portals": str,
            "responses": int,
            "revisits": int,
            "documents": int,
            "failures": int,
            "seconds": float,
        },
        pk="crawl_id",
    )
    db["captures"].create(
        {
            "record_id": str,
            "crawl_id": str,
            "portal": str,
            "url": str,
            "method": str,
            "status": int,
            "content_type": str,
            "fetched_at": str,
            "payload_sha256": str,
            "payload_length": int,
            "warc_file": str,
            "warc_offset": int,
            "warc_length": int,
            "record_type": str,
            "refers_to": str,
            "referer": str,
        },
        pk="record_id",
        foreign_keys=[("crawl_id", "crawls")],
    )
    db["extractions"].create(
        {
            "payload_sha256": str,
            "extractor_version": str,
            "kind": str,
            "method": str,
            "encoding": str,
            "pages": int,
            "tables": int,
            "chars": int,
            "text": str,
            "tables_json": str,
            "issues": str,
            "error_code": str,
            "error": str,
        },
        pk=("payload_sha256", "extractor_version"),
    )
    db["documents"].create(
        {
            "id": str,
            "portal": str,
            "agency": str,
            "title": str,
            "doc_type": str,
            "report_year": int,
            "url": str,
            "published_date": str,
            "written_date": str,
            "identifier": str,
            "doc_number": str,
            "publisher": str,
            "form": str,
            "page_capture": str,
            "payload_sha256": str,
            "attachments": int,
            "first_seen_crawl": str,
            "last_seen_crawl": str,
            "classification": str,
            "raw_metadata": str,
            "text": str,
        },
        pk="id",
        foreign_keys=[("portal", "portals"), ("agency", "agencies"), ("page_capture", "captures")],
    )
    db["document_columns"].create(
        {
            "document_id": str,
            "column_key": str,
            "column_kind": str,
            "listing_title": str,
            "listing_date": str,
            "list_url": str,
        },
        pk=("document_id", "column_key"),
        foreign_keys=[("document_id", "documents")],
    )
    db["attachments"].create(
        {
            "id": str,
            "document_id": str,
            "url": str,
            "filename": str,
            "capture": str,
            "payload_sha256": str,
            "content_type": str,
            "kind": str,
            "status": str,
            "pages": int,
            "chars": int,
        },
        pk="id",
        foreign_keys=[("document_id", "documents"), ("capture", "captures")],
    )
    db["failures"].create(
        {
            "id": str,
            "crawl_id": str,
            "url": str,
            "stage": str,
            "code": str,
            "level": str,
            "error": str,
            "fix": str,
            "capture": str,
        },
        pk="id",
    )
    db.execute(
        "CREATE VIRTUAL TABLE documents_fts USING fts5(title, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    for table, column in [
        ("documents", "portal"),
        ("documents", "doc_type"),
        ("documents", "agency"),
        ("documents", "report_year"),
        ("captures", "url"),
        ("captures", "payload_sha256"),
        ("failures", "code"),
        ("attachments", "document_id"),
    ]:
        db[table].create_index([column], if_not_exists=True)


HEADLINES = {
    "applications_new": "applications.new.total",
    "applications_carried_over": "applications.carried_over.total",
    "granted": "applications.outcome.granted.total",
    "partially_granted": "applications.outcome.partially_granted.total",
    "outcome_total": "applications.outcome.total.total",
    "carried_forward": "applications.carried_forward.total",
    "review_total": "review.total",
    "litigation_direct_total": "litigation.direct.total",
    "litigation_after_review_total": "litigation.after_review.total",
    "licensing_decisions": "proactive.art20_5.licensing.decisions",
    "penalty_decisions": "proactive.art20_6.penalty.decisions",
    "fees_amount_wan_yuan": "proactive.art20_8.fees.amount",
}


@migrations()
def m002_reports(db: sqlite_utils.Database) -> None:
    """Annual reports: one row per report, statistics in long form, check results, a headline view."""
    db["reports"].create(
        {
            "id": str,
            "document_id": str,
            "agency": str,
            "printed_agency": str,
            "title": str,
            "year": int,
            "format_version": str,
            "table_versions": str,
            "tables_found": str,
            "source_kind": str,
            "source_url": str,
            "source_capture": str,
            "payload_sha256": str,
            "parse_status": str,
            "cells": int,
            "blank_cells": int,
            "checks_failed": int,
            "checks_incomplete": int,
            "parse_issues": str,
            "other_sources": str,
            "parser_version": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents"), ("source_capture", "captures")],
    )
    db["statistics"].create(
        {
            "report_id": str,
            "key": str,
            "value": float,
            "blank": int,
            "raw": str,
            "unit": str,
            "printed_unit": str,
            "table_no": str,
            "source": str,
            "page": int,
            "row": int,
            "col": int,
            "capture": str,
        },
        pk=("report_id", "key"),
        foreign_keys=[("report_id", "reports")],
    )
    db["check_results"].create(
        {
            "report_id": str,
            "check_id": str,
            "rule": str,
            "status": str,
            "severity": str,
            "detail": str,
            "check_values": str,
        },
        pk=("report_id", "check_id"),
        foreign_keys=[("report_id", "reports")],
    )
    for table, column in [
        ("reports", "agency"),
        ("reports", "year"),
        ("statistics", "key"),
        ("check_results", "status"),
    ]:
        db[table].create_index([column], if_not_exists=True)
    pivots = ",\n  ".join(
        f"max(CASE WHEN s.key = '{key}' THEN s.value END) AS {name}" for name, key in HEADLINES.items()
    )
    db.create_view(
        "report_headlines",
        f"""SELECT r.id AS report_id, r.agency, r.year, r.format_version,
  r.parse_status, r.checks_failed,
  {pivots}
FROM reports r LEFT JOIN statistics s ON s.report_id = r.id
GROUP BY r.id""",
    )


@migrations()
def m003_document_status(db: sqlite_utils.Database) -> None:
    """Each document's status in each crawl (new, changed, unchanged, vanished, blocked)."""
    db["document_status"].create(
        {
            "document_id": str,
            "crawl_id": str,
            "status": str,
            "evidence": str,
            "content_sha256": str,
        },
        pk=("document_id", "crawl_id"),
        foreign_keys=[("document_id", "documents"), ("crawl_id", "crawls")],
    )
    db["document_status"].create_index(["crawl_id", "status"], if_not_exists=True)
    db["documents"].add_column("status", str)
    db["documents"].add_column("gone_since_crawl", str)


@migrations()
def m004_document_versions(db: sqlite_utils.Database) -> None:
    """What a document was in each crawl: its page capture, attachment captures and printed metadata,
    so that two crawls' versions can be diffed."""
    db["document_status"].add_column("page_capture", str)
    db["document_status"].add_column("attachment_captures", str)
    db["document_status"].add_column("metadata", str)


def open_db(path: Path) -> sqlite_utils.Database:
    """Open the derived database, applying any pending migrations."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db)
    return db
