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


def open_db(path: Path) -> sqlite_utils.Database:
    """Open the derived database, applying any pending migrations."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply(db)
    return db
