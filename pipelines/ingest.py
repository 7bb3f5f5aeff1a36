"""The extract stage: read the archive (only the archive) and fill the derived database.

Steps, in order:

1. Copy crawls and captures from the capture index, so the database can link to archived bytes.
2. Read the crawler's observations (portal, listing, document, attachment metadata records).
3. For each document, extract the text of its page and of each attachment. Extraction is cached per
   payload sha256 and extractor version, so unchanged bytes are not extracted twice, and a new
   extractor version redoes them.
4. Classify each document (annual report, work plan, …) from its title and text.
5. Parse each annual report's statistics from its best source and check them (`load_reports`).
6. Upsert documents, column memberships, attachments and failures on stable ids; rebuild the search
   index. Running it again changes nothing unless the archive or the extractors changed.

Bad input — a corrupt PDF, a page whose charset lies — becomes a row in ``failures`` and the run goes
on.
"""

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from archive import index
from archive.db import open_db
from archive.errors import ExtractionError
from archive.index import Capture
from archive.store import Archive
from pipelines.classify import classify
from pipelines.extract import EXTRACTOR_VERSION, extract
from pipelines.history import content_hash, statuses, timeline
from pipelines.load_reports import ReportDocument, ReportSource, load_reports
from pipelines.searchtext import bigram_text


@dataclass
class ExtractSummary:
    """Counts for the closing summary."""

    documents: int = 0
    attachments: int = 0
    extracted: int = 0  # payloads extracted this run (others came from the cache)
    failures: dict[str, int] = field(default_factory=dict)
    doc_types: dict[str, int] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)  # parse status → reports
    seconds: float = 0.0


def stable_id(*parts: str) -> str:
    """A short id that stays the same for the same inputs, run after run."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def extract_all(
    data_dir: Path, rebuild: bool = False, progress: Callable[[Iterable], Iterable] | None = None
) -> ExtractSummary:
    """Fill ``data_dir/gongkai.db`` from ``data_dir/archive``; ``rebuild`` starts from an empty database."""
    started = time.monotonic()
    db_path = Path(data_dir) / "gongkai.db"
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = open_db(db_path)
    archive = Archive(Path(data_dir) / "archive")
    summary = ExtractSummary()
    try:
        _copy_index(archive, db)
        observations = list(index.observations(archive.db))
        _load_portals(db, observations)
        documents = _latest_documents(observations)
        listings = _listings(observations)
        attachment_obs = _latest_by_url(observations, "attachment")
        _load_crawl_issues(archive, db)
        items = progress(documents) if progress else documents
        reports = [_load_document(archive, db, obs, listings, attachment_obs, summary) for obs in items]
        summary.reports = load_reports(db, [r for r in reports if r])
        _load_history(archive, db, observations, summary)
        _rebuild_search(db)
        summary.failures = {
            r["code"]: r["n"]
            for r in db.query("SELECT code, count(*) AS n FROM failures GROUP BY code ORDER BY code")
        }
        summary.doc_types = {
            r["doc_type"]: r["n"]
            for r in db.query(
                "SELECT doc_type, count(*) AS n FROM documents GROUP BY doc_type ORDER BY doc_type"
            )
        }
    finally:
        archive.close()
        db.close()
    summary.seconds = round(time.monotonic() - started, 1)
    return summary


def _copy_index(archive: Archive, db: sqlite_utils.Database) -> None:
    crawls = []
    for row in archive.db.execute("SELECT * FROM crawls"):
        stats = json.loads(row["stats"] or "{}")
        crawls.append(
            {
                "crawl_id": row["crawl_id"],
                "started_at": row["started_at"],
                "finished_at": row["finished_at"],
                "status": row["status"],
                "portals": row["portals"],
                "responses": stats.get("responses"),
                "revisits": stats.get("revisits"),
                "documents": stats.get("documents"),
                "failures": sum(stats.get("issues", {}).values()),
                "seconds": stats.get("seconds"),
            }
        )
    db["crawls"].upsert_all(crawls, pk="crawl_id")
    nights = [dict(r) for r in archive.db.execute("SELECT * FROM nightly_runs")]
    if nights:
        db["nightly_runs"].upsert_all(nights, pk=("run_id", "portal"))
    db["captures"].upsert_all(
        (c.__dict__ for c in index.captures(archive.db)), pk="record_id", batch_size=500
    )


def _load_portals(db: sqlite_utils.Database, observations: list[dict]) -> None:
    for obs in observations:
        data = obs["data"]
        if data.get("type") != "portal":
            continue
        db["portals"].upsert(
            {
                k: data.get(k)
                for k in (
                    "id",
                    "agency",
                    "portal_name",
                    "region_code",
                    "level",
                    "family",
                    "homepage",
                    "config",
                )
            },
            pk="id",
        )
        db["agencies"].upsert(
            {
                "name": data["agency"],
                "region_code": data.get("region_code"),
                "level": data.get("level"),
                "portal": data["id"],
            },
            pk="name",
        )


def _latest_documents(observations: list[dict]) -> list[dict]:
    """The newest document observation per (portal, url), with the crawls it was seen in."""
    latest: dict[tuple[str, str], dict] = {}
    for obs in observations:
        if obs["data"].get("type") != "document":
            continue
        key = (obs["portal"], obs["url"])
        seen = latest.get(key, {}).get("crawls", [])
        latest[key] = {**obs, "crawls": seen + [obs["crawl_id"]]}
    return list(latest.values())


def _latest_by_url(observations: list[dict], kind: str) -> dict[str, dict]:
    return {obs["url"]: obs for obs in observations if obs["data"].get("type") == kind}


def _listings(observations: list[dict]) -> dict[str, dict[str, dict]]:
    """For each listed URL, the columns that list it (newest listing per column)."""
    out: dict[str, dict[str, dict]] = {}
    for obs in observations:
        if obs["data"].get("type") == "listing":
            out.setdefault(obs["url"], {})[obs["data"]["column"]] = obs["data"]
    return out


def _load_crawl_issues(archive: Archive, db: sqlite_utils.Database) -> None:
    rows = [
        {
            "id": stable_id(r["crawl_id"] or "", r["stage"], r["code"], r["url"] or "", r["message"]),
            "crawl_id": r["crawl_id"],
            "url": r["url"],
            "stage": r["stage"],
            "code": r["code"],
            "level": r["level"],
            "error": r["message"],
            "fix": r["fix"],
            "capture": r["capture"],
        }
        for r in archive.db.execute("SELECT * FROM issues")
    ]
    db["failures"].upsert_all(rows, pk="id")


def _load_document(
    archive, db, obs: dict, listings: dict, attachment_obs: dict, summary
) -> ReportDocument | None:
    """Upsert one document and its attachments; an annual report is returned for parsing."""
    data = obs["data"]
    doc_id = stable_id(obs["portal"], data["url"])
    capture = index.get_capture(archive.db, obs["capture"]) if obs["capture"] else None
    page = _extraction(archive, db, capture, data.get("main_selector"), summary) if capture else None
    texts = [page["text"]] if page and page.get("text") else []
    kinds = [page["kind"]] if page and page.get("kind") else []
    sources = [ReportSource(capture, page)] if page and not page.get("error_code") else []
    attachments = []
    for att in data.get("attachments", []):
        row, ext = _attachment(archive, db, doc_id, att, attachment_obs.get(att["url"]), summary)
        attachments.append(row)
        if ext and ext.get("text"):
            texts.append(ext["text"])
            kinds.append(ext["kind"])
            sources.append(ReportSource(index.get_capture(archive.db, row["capture"]), ext))
    fields = data.get("fields", {})
    title = fields.get("title") or data.get("listing", {}).get("title") or ""
    text = "\n\n".join(texts)
    kind = classify(title, text)
    db["documents"].upsert(
        {
            "id": doc_id,
            "portal": obs["portal"],
            "agency": _agency(db, obs["portal"]),
            "title": title,
            "doc_type": kind.doc_type,
            "report_year": kind.report_year if kind.doc_type == "annual_report" else None,
            "url": data["url"],
            "published_date": fields.get("published_date"),
            "written_date": fields.get("written_date"),
            "identifier": fields.get("identifier"),
            "doc_number": fields.get("doc_number"),
            "publisher": fields.get("publisher"),
            "form": "+".join(dict.fromkeys(kinds)) or None,
            "page_capture": obs["capture"],
            "payload_sha256": capture.payload_sha256 if capture else None,
            "attachments": len(attachments),
            "first_seen_crawl": obs["crawls"][0],
            "last_seen_crawl": obs["crawls"][-1],
            "classification": kind.reason,
            "raw_metadata": json.dumps(data.get("raw_fields", {}), ensure_ascii=False),
            "text": text,
        },
        pk="id",
    )
    for column_key, listing in listings.get(data["url"], {}).items():
        db["document_columns"].upsert(
            {
                "document_id": doc_id,
                "column_key": column_key,
                "column_kind": listing.get("column_kind"),
                "listing_title": listing.get("title"),
                "listing_date": listing.get("date"),
                "list_url": listing.get("list_url"),
            },
            pk=("document_id", "column_key"),
        )
    if attachments:
        db["attachments"].upsert_all(attachments, pk="id")
    summary.documents += 1
    summary.attachments += len(attachments)
    if kind.doc_type != "annual_report":
        return None
    return ReportDocument(doc_id, _agency(db, obs["portal"]), title, kind.report_year, tuple(sources))


def _load_history(archive: Archive, db, observations: list[dict], summary) -> None:
    """Each document's status in each crawl (see `pipelines.history`)."""
    order = {
        r[0]: i for i, r in enumerate(archive.db.execute("SELECT crawl_id FROM crawls ORDER BY started_at"))
    }
    # Each attachment URL's good fetches (status < 300), oldest first: (crawl order, capture).
    fetched: dict[str, list[tuple[int, Capture]]] = {}
    for o in observations:
        if o["data"]["type"] == "attachment" and o["capture"]:
            found = index.get_capture(archive.db, o["capture"])
            if found is not None and found.status < 300:
                fetched.setdefault(o["url"], []).append((order.get(o["crawl_id"], -1), found))
    for captures in fetched.values():
        captures.sort(key=lambda pair: pair[0])

    def attachment_as_of(crawl_id: str, url: str) -> tuple[Capture | None, bool]:
        """The attachment's capture in this crawl; when this crawl could not fetch it (a timeout, a 500,
        the time budget), the last good one before — not fetching a file is not a change of it."""
        at = order.get(crawl_id, -1)
        earlier = [c for o, c in fetched.get(url, []) if o <= at]
        if not earlier:
            return None, False
        return earlier[-1], earlier[-1].crawl_id == crawl_id

    # What each document was in each crawl, kept beside its status for diffs between crawls.
    versions: dict[tuple[str, str, str], dict] = {}

    def content_of(obs: dict) -> str:
        capture = index.get_capture(archive.db, obs["capture"]) if obs["capture"] else None
        page = (
            _extraction(archive, db, capture, obs["data"].get("main_selector"), summary) if capture else None
        )
        shas, captures = [], []
        for att in obs["data"].get("attachments", []):
            found, this_crawl = attachment_as_of(obs["crawl_id"], att["url"])
            shas.append(found.payload_sha256 if found else "missing")
            if found:  # every version's text, not only the latest, so crawls can be diffed
                _extraction(archive, db, found, None, summary)
            captures.append(
                {
                    "url": att["url"],
                    "name": att.get("name"),
                    "capture": found.record_id if found else None,
                    "sha256": found.payload_sha256 if found else None,
                    "fetched_this_crawl": this_crawl,
                }
            )
        versions[(obs["portal"], obs["url"], obs["crawl_id"])] = {
            "page_capture": obs["capture"],
            "attachment_captures": json.dumps(captures, ensure_ascii=False),
            "metadata": json.dumps(obs["data"].get("raw_fields") or {}, ensure_ascii=False),
        }
        text = page.get("text") if page and not page.get("error_code") else None
        return content_hash(
            text, capture.payload_sha256 if capture else None, shas, obs["data"].get("raw_fields")
        )

    for (portal, url), evidence in timeline(observations, order, content_of).items():
        doc_id = stable_id(portal, url)
        if not db["documents"].count_where("id = ?", [doc_id]):
            continue  # a URL that never answered as a document (a 404 in a list) has no history
        history = statuses(evidence)
        contents = {crawl: (kind, content) for crawl, kind, content in evidence}
        db["document_status"].upsert_all(
            [
                {
                    "document_id": doc_id,
                    "crawl_id": crawl,
                    "status": status,
                    "evidence": contents[crawl][0],
                    "content_sha256": contents[crawl][1],
                    **versions.get((portal, url, crawl), {}),
                }
                for crawl, status in history
            ],
            pk=("document_id", "crawl_id"),
        )
        gone_since = None
        for crawl, status in history:
            gone_since = (gone_since or crawl) if status == "vanished" else None
        db["documents"].update(
            doc_id, {"status": history[-1][1] if history else None, "gone_since_crawl": gone_since}
        )


def _agency(db, portal: str) -> str | None:
    row = db["portals"].get(portal) if db["portals"].exists() else None
    return row["agency"] if row else None


def _attachment(archive, db, doc_id: str, att: dict, obs: dict | None, summary) -> tuple[dict, dict | None]:
    capture = index.get_capture(archive.db, obs["capture"]) if obs and obs["capture"] else None
    ext = _extraction(archive, db, capture, None, summary) if capture else None
    status = "missing" if capture is None else ("failed" if ext is None or ext.get("error_code") else "ok")
    row = {
        "id": stable_id(doc_id, att["url"]),
        "document_id": doc_id,
        "url": att["url"],
        "filename": (obs or {}).get("data", {}).get("name") or att.get("name"),
        "capture": capture.record_id if capture else None,
        "payload_sha256": capture.payload_sha256 if capture else None,
        "content_type": capture.content_type if capture else None,
        "kind": (ext or {}).get("kind"),
        "status": status,
        "pages": (ext or {}).get("pages"),
        "chars": (ext or {}).get("chars"),
    }
    return row, ext


def _extraction(archive: Archive, db, capture: Capture, main_selector: str | None, summary) -> dict | None:
    """The extraction of a capture's payload: from the cache, or made now (and recorded)."""
    if capture.status >= 300:
        return None
    key = (capture.payload_sha256, EXTRACTOR_VERSION)
    cached = next(
        db.query("SELECT * FROM extractions WHERE payload_sha256 = ? AND extractor_version = ?", key), None
    )
    if cached is None:
        cached = _extract_now(archive, capture, main_selector)
        db["extractions"].upsert(cached, pk=("payload_sha256", "extractor_version"))
        summary.extracted += 1
    for issue in json.loads(cached.get("issues") or "[]"):
        _failure(
            db, capture, issue["code"], issue["message"], issue.get("fix", ""), issue.get("level", "warning")
        )
    if cached.get("error_code"):
        _failure(
            db, capture, cached["error_code"], cached["error"], "the bytes are kept in the archive", "error"
        )
    return cached


def _extract_now(archive: Archive, capture: Capture, main_selector: str | None) -> dict:
    row = {"payload_sha256": capture.payload_sha256, "extractor_version": EXTRACTOR_VERSION}
    body = archive.read_payload(capture)
    try:
        ext = extract(body, content_type=capture.content_type, url=capture.url, main_selector=main_selector)
    except ExtractionError as e:
        return {**row, "error_code": e.code, "error": e.message}
    tables = [t.as_json() for t in ext.tables]
    return {
        **row,
        "kind": ext.kind,
        "method": ext.method,
        "encoding": ext.encoding,
        "pages": ext.pages,
        "tables": len(ext.tables),
        "chars": len(ext.text),
        "text": ext.text,
        "tables_json": json.dumps(tables, ensure_ascii=False),
        "error_code": None,
        "error": None,
        "issues": json.dumps([i.as_row() for i in ext.issues], ensure_ascii=False),
    }


def _failure(db, capture: Capture, code: str, error: str, fix: str, level: str) -> None:
    db["failures"].upsert(
        {
            "id": stable_id("extract", code, capture.payload_sha256),
            "crawl_id": capture.crawl_id,
            "url": capture.url,
            "stage": "extract",
            "code": code,
            "level": level,
            "error": error,
            "fix": fix,
            "capture": capture.record_id,
        },
        pk="id",
    )


def _rebuild_search(db: sqlite_utils.Database) -> None:
    """Re-index every document's title and text as bigrams (see `pipelines.searchtext`)."""
    db.execute("DELETE FROM documents_fts")
    rows = db.execute("SELECT rowid, title, text FROM documents").fetchall()
    with db.conn:
        db.conn.executemany(
            "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)",
            [(rowid, bigram_text(title or ""), bigram_text(text or "")) for rowid, title, text in rows],
        )
