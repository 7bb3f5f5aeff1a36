"""The capture index: a small SQLite file beside the WARC files that says what is where.

It records crawls, captures (one row per WARC response or revisit record), requests (one row per
WARC request record: the body of a POST), observations (the crawler's JSON metadata records) and
issues met while crawling. It is written only after the WARC
record it describes is on disk (see `archive.store`), and it can be rebuilt from the WARC files.
"""

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.issues import Issue

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawls (
    crawl_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    portals TEXT NOT NULL,          -- JSON list of portal ids
    status TEXT NOT NULL,           -- running | finished | failed
    stats TEXT                      -- JSON: counts at the end of the crawl
);
CREATE TABLE IF NOT EXISTS captures (
    record_id TEXT PRIMARY KEY,     -- WARC-Record-ID
    crawl_id TEXT NOT NULL REFERENCES crawls(crawl_id),
    portal TEXT NOT NULL,
    url TEXT NOT NULL,
    method TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT,
    fetched_at TEXT NOT NULL,       -- WARC-Date, ISO 8601 UTC
    payload_sha256 TEXT NOT NULL,
    payload_length INTEGER NOT NULL,
    warc_file TEXT NOT NULL,        -- relative to archive/warc/
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL,
    record_type TEXT NOT NULL,      -- response | revisit
    refers_to TEXT,                 -- revisit: record_id of the capture holding the payload, or (a 304)
                                    -- of the capture the server said is not modified
    referer TEXT
);
CREATE INDEX IF NOT EXISTS captures_url ON captures(url);
CREATE INDEX IF NOT EXISTS captures_sha ON captures(payload_sha256);
CREATE INDEX IF NOT EXISTS captures_crawl ON captures(crawl_id);
CREATE TABLE IF NOT EXISTS requests (
    record_id TEXT PRIMARY KEY,     -- WARC-Record-ID of the request record
    capture TEXT NOT NULL,          -- record_id of the capture answering it (its WARC-Concurrent-To)
    crawl_id TEXT NOT NULL,
    url TEXT NOT NULL,
    method TEXT NOT NULL,           -- never GET: only requests with a body are archived
    body_sha256 TEXT NOT NULL,
    body_length INTEGER NOT NULL,
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_capture ON requests(capture);
CREATE INDEX IF NOT EXISTS requests_url ON requests(crawl_id, url, body_sha256);
CREATE TABLE IF NOT EXISTS observations (
    record_id TEXT PRIMARY KEY,     -- WARC-Record-ID of the metadata record
    crawl_id TEXT NOT NULL,
    portal TEXT NOT NULL,
    url TEXT NOT NULL,
    capture TEXT,                   -- record_id of the capture it describes
    observed_at TEXT NOT NULL,
    data TEXT NOT NULL,             -- the JSON written to the WARC metadata record
    data_sha256 TEXT NOT NULL,      -- of `data`: a resumed crawl does not record the same thing twice
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS observations_crawl ON observations(crawl_id, data_sha256);
CREATE TABLE IF NOT EXISTS nightly_runs (
    run_id TEXT NOT NULL,
    portal TEXT NOT NULL,
    crawl_id TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    responses INTEGER,
    documents INTEGER,
    failures INTEGER,
    finish_reason TEXT,
    needs_attention TEXT,           -- why a person should look, or NULL
    PRIMARY KEY (run_id, portal)
);
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY,
    crawl_id TEXT,
    stage TEXT NOT NULL,
    code TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    fix TEXT,
    url TEXT,
    capture TEXT
);
"""


@dataclass(frozen=True)
class Capture:
    """One archived response: where its record is, and what it held."""

    record_id: str
    crawl_id: str
    portal: str
    url: str
    method: str
    status: int
    content_type: str | None
    fetched_at: str
    payload_sha256: str
    payload_length: int
    warc_file: str
    warc_offset: int
    warc_length: int
    record_type: str
    refers_to: str | None
    referer: str | None


CAPTURE_COLUMNS = ", ".join(Capture.__dataclass_fields__)


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating if needed) the capture index at `path`; ``readonly`` opens an existing one
    without writing anything (for replay from a read-only deployment)."""
    if readonly:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.row_factory = sqlite3.Row
        return conn
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    # WAL: readers (extract, verify) never block the crawl that is writing.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    return conn


def add_capture(conn: sqlite3.Connection, capture: Capture) -> None:
    """Insert one capture row (after its WARC record is on disk)."""
    values = [getattr(capture, name) for name in Capture.__dataclass_fields__]
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO captures ({CAPTURE_COLUMNS}) VALUES ({marks})", values)


def add_request(conn: sqlite3.Connection, row: dict) -> None:
    """Insert one request row (after its WARC request record is on disk)."""
    conn.execute(
        "INSERT INTO requests (record_id, capture, crawl_id, url, method, body_sha256, body_length,"
        " warc_file, warc_offset, warc_length) VALUES (:record_id, :capture, :crawl_id, :url, :method,"
        " :body_sha256, :body_length, :warc_file, :warc_offset, :warc_length)",
        row,
    )


def add_observation(conn: sqlite3.Connection, row: dict) -> None:
    """Insert one observation row (after its WARC metadata record is on disk)."""
    conn.execute(
        "INSERT INTO observations (record_id, crawl_id, portal, url, capture, observed_at, data, data_sha256,"
        " warc_file, warc_offset, warc_length) VALUES (:record_id, :crawl_id, :portal, :url, :capture,"
        " :observed_at, :data, :data_sha256, :warc_file, :warc_offset, :warc_length)",
        row,
    )


def add_issue(conn: sqlite3.Connection, crawl_id: str | None, issue: Issue) -> None:
    """Record an issue met while crawling."""
    conn.execute(
        "INSERT INTO issues (crawl_id, stage, code, level, message, fix, url, capture)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (crawl_id, issue.stage, issue.code, issue.level, issue.message, issue.fix, issue.url, issue.capture),
    )


def observed(conn: sqlite3.Connection, crawl_id: str, data_sha256: str, capture: str | None) -> bool:
    """Whether this crawl already recorded exactly this observation (a resumed crawl sees pages again)."""
    row = conn.execute(
        "SELECT 1 FROM observations WHERE crawl_id = ? AND data_sha256 = ? AND capture IS ?",
        (crawl_id, data_sha256, capture),
    ).fetchone()
    return row is not None


def indexed_end(conn: sqlite3.Connection, warc_file: str) -> int:
    """Where the last indexed record of a WARC file ends: bytes past it were never committed."""
    row = conn.execute(
        "SELECT max(end) FROM (SELECT warc_offset + warc_length AS end FROM captures WHERE warc_file = ?"
        " UNION ALL SELECT warc_offset + warc_length FROM observations WHERE warc_file = ?"
        " UNION ALL SELECT warc_offset + warc_length FROM requests WHERE warc_file = ?)",
        (warc_file, warc_file, warc_file),
    ).fetchone()
    return row[0] or 0


def captured_in(conn: sqlite3.Connection, crawl_id: str, url: str) -> Capture | None:
    """The latest successful (status < 400) GET capture of a URL in one crawl, if any."""
    row = conn.execute(
        f"SELECT {CAPTURE_COLUMNS} FROM captures WHERE crawl_id = ? AND url = ? AND status < 400"
        " AND method = 'GET'"
        " ORDER BY fetched_at DESC LIMIT 1",
        (crawl_id, url),
    ).fetchone()
    return Capture(**row) if row else None


def answered_in(
    conn: sqlite3.Connection, crawl_id: str, url: str, method: str, body_sha256: str
) -> Capture | None:
    """The latest successful capture answering exactly this request (method and body) in one crawl."""
    row = conn.execute(
        f"SELECT {', '.join('c.' + c for c in Capture.__dataclass_fields__)} FROM requests r"
        " JOIN captures c ON c.record_id = r.capture WHERE r.crawl_id = ? AND r.url = ? AND r.method = ?"
        " AND r.body_sha256 = ? AND c.status < 400 ORDER BY c.fetched_at DESC LIMIT 1",
        (crawl_id, url, method, body_sha256),
    ).fetchone()
    return Capture(**row) if row else None


def add_night(conn: sqlite3.Connection, row: dict) -> None:
    """Log one portal's part of a nightly run."""
    conn.execute(
        "INSERT OR REPLACE INTO nightly_runs (run_id, portal, crawl_id, started_at, finished_at, responses,"
        " documents, failures, finish_reason, needs_attention) VALUES (:run_id, :portal, :crawl_id,"
        " :started_at, :finished_at, :responses, :documents, :failures, :finish_reason, :needs_attention)",
        row,
    )


def document_urls(conn: sqlite3.Connection, portal: str) -> list[str]:
    """Every URL ever observed as a document of this portal, in first-seen order."""
    rows = conn.execute(
        "SELECT url, min(rowid) FROM observations"
        " WHERE portal = ? AND json_extract(data, '$.type') = 'document' GROUP BY url ORDER BY 2",
        (portal,),
    )
    return [url for url, _ in rows]


def latest_ok_capture(conn: sqlite3.Connection, url: str, before_crawl: str | None) -> Capture | None:
    """The newest 200 GET capture of a URL from another crawl than ``before_crawl`` (conditional requests)."""
    row = conn.execute(
        f"SELECT {CAPTURE_COLUMNS} FROM captures WHERE url = ? AND status = 200 AND method = 'GET'"
        " AND crawl_id IS NOT ?"
        " ORDER BY fetched_at DESC LIMIT 1",
        (url, before_crawl),
    ).fetchone()
    return Capture(**row) if row else None


def first_capture_of(conn: sqlite3.Connection, payload_sha256: str) -> Capture | None:
    """The capture that holds the bytes of this payload, if it is archived already."""
    row = conn.execute(
        f"SELECT {CAPTURE_COLUMNS} FROM captures WHERE payload_sha256 = ? AND record_type = 'response'"
        " ORDER BY fetched_at LIMIT 1",
        (payload_sha256,),
    ).fetchone()
    return Capture(**row) if row else None


def get_capture(conn: sqlite3.Connection, record_id: str) -> Capture | None:
    """The capture with this WARC-Record-ID."""
    row = conn.execute(f"SELECT {CAPTURE_COLUMNS} FROM captures WHERE record_id = ?", (record_id,)).fetchone()
    return Capture(**row) if row else None


def captures(conn: sqlite3.Connection, crawl_id: str | None = None) -> Iterator[Capture]:
    """Every capture, oldest first; only one crawl's when `crawl_id` is given."""
    sql = f"SELECT {CAPTURE_COLUMNS} FROM captures"
    args: tuple = ()
    if crawl_id:
        sql += " WHERE crawl_id = ?"
        args = (crawl_id,)
    for row in conn.execute(sql + " ORDER BY fetched_at, rowid", args):
        yield Capture(**row)


def observations(conn: sqlite3.Connection) -> Iterator[dict]:
    """Every observation, oldest first, with its JSON data decoded."""
    for row in conn.execute("SELECT * FROM observations ORDER BY observed_at, rowid"):
        yield {**dict(row), "data": json.loads(row["data"])}
