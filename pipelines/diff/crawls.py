"""What changed on each portal between two crawls: documents new, changed, vanished, unchanged.

Read from the derived database: ``document_status`` says what each crawl saw of each document and
which captures made up its version then (page, attachments, printed metadata); the text of each
capture comes from ``extractions``. Crawl A need not be the crawl just before B: a document's
version "at A" is the last one seen in A or before it.

A document's state between A and B:

- ``new``: first seen after A; ``returned``: gone at A, answering again at B;
- ``changed`` / ``unchanged``: same content hash or not (main text, metadata, attachment bytes);
- ``vanished``: answering at A, its own URL gone at B (404, 410, soft-404) — the last archived copy is
  linked; ``still_vanished``: already gone at A;
- ``blocked``: B met a challenge page, which says nothing about the document;
- ``unchecked``: B did not ask for it (its portal's crawl ran out of time, say).

Changed documents carry the diff of each part that changed: the page's main text, each
attachment's text, the printed metadata, and, for annual reports, every statistic whose number moved.
"""

import json
from dataclasses import asdict, dataclass, field

import sqlite_utils

from pipelines.diff.text import diff_text
from pipelines.extract import EXTRACTOR_VERSION
from pipelines.load_reports import as_extraction
from pipelines.report import parse_report

STATES = ("new", "returned", "changed", "vanished", "blocked", "still_vanished", "unchanged", "unchecked")


@dataclass
class Capture:
    """One archived response, with where to find it."""

    record_id: str
    url: str
    fetched_at: str | None
    warc_file: str | None
    warc_offset: int | None
    crawl_id: str | None


@dataclass
class DocumentChange:
    document_id: str
    url: str
    title: str
    doc_type: str | None
    state: str
    capture_a: Capture | None = None
    capture_b: Capture | None = None
    last_seen_crawl: str | None = None
    parts: list[dict] = field(default_factory=list)  # {"part", "name", "diff"} or metadata/statistics


@dataclass
class PortalChanges:
    portal: str
    agency: str | None
    crawled_in_a: bool
    crawled_in_b: bool
    counts: dict[str, int] = field(default_factory=dict)
    documents: list[DocumentChange] = field(default_factory=list)  # every one but the unchanged
    unchanged_urls: list[str] = field(default_factory=list)


@dataclass
class CrawlDiff:
    crawl_a: dict
    crawl_b: dict
    portals: list[PortalChanges] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(STATES, 0)
        for portal in self.portals:
            for state, n in portal.counts.items():
                out[state] += n
        return out

    def summary(self) -> str:
        totals = self.totals
        shown = ", ".join(f"{totals[s]} {s.replace('_', ' ')}" for s in STATES if totals[s])
        return f"{self.crawl_b['crawl_id']} against {self.crawl_a['crawl_id']}: {shown or 'nothing crawled'}"

    def as_json(self) -> dict:
        return {**asdict(self), "totals": self.totals, "summary": self.summary()}


class NoSuchCrawl(ValueError):
    """A crawl id that the database does not have, or fewer than two crawls to compare."""


def crawl_pair(db: sqlite_utils.Database, a: str | None = None, b: str | None = None) -> tuple[dict, dict]:
    """The two crawls to compare: the ones named, or the last two."""
    crawls = list(db.query("SELECT * FROM crawls ORDER BY started_at"))
    by_id = {c["crawl_id"]: c for c in crawls}
    for name in (a, b):
        if name and name not in by_id:
            known = ", ".join(by_id) or "none"
            raise NoSuchCrawl(f"no crawl {name!r} in the database (crawls: {known})")
    if a and b:
        return by_id[a], by_id[b]
    if a:  # one crawl named: compare it with the one before it
        i = crawls.index(by_id[a])
        if i == 0:
            raise NoSuchCrawl(f"{a} is the first crawl: there is nothing before it to compare with")
        return crawls[i - 1], by_id[a]
    if len(crawls) < 2:
        raise NoSuchCrawl(
            f"the database has {len(crawls)} crawl(s): run `gongkai crawl` again to compare two"
        )
    return crawls[-2], crawls[-1]


# Listed one by one only when something happened to them; the rest are counted (and, for
# unchanged documents, their URLs kept in the JSON), so a night's digest stays small on a large archive.
QUIET = ("unchanged", "unchecked", "still_vanished")
STATUS_COLUMNS = "s.document_id, s.crawl_id, s.evidence, s.content_sha256, s.page_capture"


def diff_crawls(db: sqlite_utils.Database, a: str | None = None, b: str | None = None) -> CrawlDiff:
    """Every portal's document changes between crawl ``a`` and crawl ``b`` (default: the last two).

    Reads what crawls A and B saw; only a document A did not see is looked up further back (by its
    primary key), so the cost follows the number of documents, not the length of the history.
    """
    crawl_a, crawl_b = crawl_pair(db, a, b)
    if crawl_a["started_at"] >= crawl_b["started_at"]:
        raise NoSuchCrawl(
            f"{crawl_a['crawl_id']} is not earlier than {crawl_b['crawl_id']}: give the older crawl first"
        )
    in_a, in_b = _rows_in(db, crawl_a["crawl_id"]), _rows_in(db, crawl_b["crawl_id"])
    portals_a, portals_b = _portals(crawl_a), _portals(crawl_b)
    result = CrawlDiff(_crawl_info(crawl_a), _crawl_info(crawl_b))
    per_portal: dict[str, PortalChanges] = {}
    documents = db.query(
        "SELECT id, portal, agency, url, title, doc_type FROM documents ORDER BY portal, url"
    )
    for doc in documents:
        seen_b = in_b.get(doc["id"])
        # A night usually sees every known document, so the row in A is nearly always the answer;
        # only the others need a look further back.
        before = in_a.get(doc["id"]) or _last_version(db, doc["id"], crawl_a["started_at"], evidence=None)
        if before is None and seen_b is None:
            continue  # not yet known at B, or only seen between the two crawls
        if seen_b is None and portals_b is not None and doc["portal"] not in portals_b:
            continue  # B did not crawl this portal at all
        portal = per_portal.setdefault(
            doc["portal"],
            PortalChanges(
                doc["portal"],
                doc["agency"],
                portals_a is None or doc["portal"] in portals_a,
                portals_b is None or doc["portal"] in portals_b,
            ),
        )
        version_a = (
            before
            if before is None or before["evidence"] == "document"
            else _last_version(db, doc["id"], crawl_a["started_at"])
        )
        change = _document_change(db, doc, before, version_a, seen_b, crawl_b)
        portal.counts[change.state] = portal.counts.get(change.state, 0) + 1
        if change.state == "unchanged":
            portal.unchanged_urls.append(doc["url"])
        else:
            portal.documents.append(change)
    result.portals = [per_portal[p] for p in sorted(per_portal)]
    return result


def _rows_in(db, crawl_id: str) -> dict[str, dict]:
    """What one crawl saw of each document: its ``document_status`` rows, by document."""
    rows = db.query(f"SELECT {STATUS_COLUMNS} FROM document_status s WHERE s.crawl_id = ?", [crawl_id])
    return {r["document_id"]: r for r in rows}


def _document_change(
    db, doc: dict, before: dict | None, version_a: dict | None, in_b: dict | None, crawl_b: dict
) -> DocumentChange:
    change = DocumentChange(doc["id"], doc["url"], doc["title"] or "", doc["doc_type"], "unchecked")
    gone_at_a = before is not None and before["evidence"] == "gone"
    if in_b is None:
        return change
    if in_b["evidence"] == "blocked":
        change.state = "blocked"
        change.capture_a = _capture(db, version_a["page_capture"]) if version_a else None
    elif in_b["evidence"] == "gone":
        if gone_at_a or version_a is None:
            change.state = "still_vanished"
            return change
        change.state = "vanished"
        last = _last_version(db, doc["id"], crawl_b["started_at"]) or version_a
        change.last_seen_crawl = last["crawl_id"]
        change.capture_a = _capture(db, last["page_capture"])
    elif version_a is None:
        change.state = "new"
        change.capture_b = _capture(db, in_b["page_capture"])
    elif version_a["content_sha256"] == in_b["content_sha256"]:
        change.state = "returned" if gone_at_a else "unchanged"  # unchanged: no capture lookups
        if gone_at_a:
            change.capture_b = _capture(db, in_b["page_capture"])
    else:
        change.state = "returned" if gone_at_a else "changed"
        change.capture_a = _capture(db, version_a["page_capture"])
        change.capture_b = _capture(db, in_b["page_capture"])
        change.parts = version_parts(db, _full(db, version_a), _full(db, in_b), doc["doc_type"])
    return change


def _last_version(db, document_id: str, started_at: str, evidence: str | None = "document") -> dict | None:
    """The document's last status row with ``evidence`` (any when None) in a crawl started at or before
    ``started_at``: with the default, its last version (for a vanished one: its last archived copy)."""
    only = "AND s.evidence = ?" if evidence else ""
    return next(
        db.query(
            f"SELECT {STATUS_COLUMNS} FROM document_status s JOIN crawls c ON c.crawl_id = s.crawl_id"
            f" WHERE s.document_id = ? {only} AND c.started_at <= ? ORDER BY c.started_at DESC LIMIT 1",
            [document_id, evidence, started_at] if evidence else [document_id, started_at],
        ),
        None,
    )


def _full(db, row: dict) -> dict:
    """A status row with its version's attachments and metadata, read only for changed documents."""
    full = next(
        db.query(
            "SELECT * FROM document_status WHERE document_id = ? AND crawl_id = ?",
            [row["document_id"], row["crawl_id"]],
        )
    )
    return dict(full)


def version_parts(db, a: dict, b: dict, doc_type: str | None) -> list[dict]:
    """The parts of a document that differ between two versions, each with its diff."""
    parts = []
    page = diff_text(_text(db, a["page_capture"]), _text(db, b["page_capture"]))
    if page.changed:
        parts.append({"part": "page", "name": "page text", "diff": page.as_json()})
    for old, new in attachment_pairs(db, a, b):
        parts += _attachment_parts(db, old, new, doc_type)
    if doc_type == "annual_report" and page.changed:
        moved = statistic_changes(db, a["page_capture"], b["page_capture"])
        if moved:
            parts.append({"part": "statistics", "name": "page", "changes": moved})
    fields = _metadata_changes(a.get("metadata"), b.get("metadata"))
    if fields:
        parts.append({"part": "metadata", "name": "metadata", "changes": fields})
    return parts


def attachment_pairs(db, a: dict, b: dict) -> list[tuple[dict | None, dict | None]]:
    """Each attachment of version ``a`` paired with its counterpart in ``b`` (None: added or removed).

    A file at the same URL pairs with itself; a file that moved to another URL pairs by its bytes,
    then by its name, so a renamed link is not read as one file removed and another added.
    """
    old = {x["url"]: x for x in json.loads(a.get("attachment_captures") or "[]")}
    new = {x["url"]: x for x in json.loads(b.get("attachment_captures") or "[]")}
    pairs = [(old.pop(url), new.pop(url)) for url in sorted(old.keys() & new.keys())]
    for key in (lambda x: _attachment_sha(db, x), lambda x: x.get("name")):
        for url_a, att_a in sorted(old.items()):
            match = next(
                (u for u, att_b in sorted(new.items()) if key(att_b) and key(att_b) == key(att_a)), None
            )
            if match:
                pairs.append((old.pop(url_a), new.pop(match)))
    pairs += [(att, None) for _, att in sorted(old.items())] + [(None, att) for _, att in sorted(new.items())]
    return pairs


def _attachment_parts(db, old: dict | None, new: dict | None, doc_type: str | None) -> list[dict]:
    """What changed in one attachment: nothing when its bytes are the same (or it could not be fetched
    on one side: an unfetched file is not a changed one), else its text diff and moved statistics."""
    capture_a, capture_b = (old or {}).get("capture"), (new or {}).get("capture")
    if (
        old
        and new
        and (not capture_a or not capture_b or _attachment_sha(db, old) == _attachment_sha(db, new))
    ):
        return []
    state = "added" if old is None else ("removed" if new is None else "changed")
    if old and new and old["url"] != new["url"]:
        state = "moved and changed"
    part = {
        "part": "attachment",
        "name": (new or old).get("name") or (new or old)["url"],
        "url": (new or old)["url"],
        "state": state,
        "capture_a": _capture(db, capture_a),
        "capture_b": _capture(db, capture_b),
    }
    diff = diff_text(_text(db, capture_a), _text(db, capture_b))
    if diff.changed:
        part["diff"] = diff.as_json()
    else:
        part["note"] = "the file's bytes changed but its extracted text did not (or could not be read)"
    parts = [part]
    if doc_type == "annual_report" and old and new:
        moved = statistic_changes(db, capture_a, capture_b)
        if moved:
            parts.append({"part": "statistics", "name": part["name"], "changes": moved})
    return parts


def _attachment_sha(db, att: dict) -> str | None:
    return att.get("sha256") or (_sha(db, att["capture"]) if att.get("capture") else None)


def statistic_changes(db, capture_a: str | None, capture_b: str | None) -> list[dict]:
    """Every statistic of an annual report whose value differs between two captures of it."""
    a, b = _figures(db, capture_a), _figures(db, capture_b)
    if not a or not b:
        return []
    return [
        {"key": key, "from": a.get(key), "to": b.get(key)}
        for key in sorted(a.keys() | b.keys())
        if a.get(key) != b.get(key)
    ]


def _figures(db, record_id: str | None) -> dict:
    row = _extraction(db, record_id)
    if not row or not row.get("kind"):
        return {}
    report = parse_report(as_extraction(row))
    return report.figures() if report.is_annual_report else {}


def _metadata_changes(a: str | None, b: str | None) -> list[dict]:
    old, new = json.loads(a or "{}"), json.loads(b or "{}")
    return [
        {"field": k, "from": old.get(k), "to": new.get(k)}
        for k in sorted(old.keys() | new.keys())
        if old.get(k) != new.get(k)
    ]


def _extraction(db, record_id: str | None) -> dict | None:
    if not record_id:
        return None
    return next(
        db.query(
            "SELECT e.* FROM captures c JOIN extractions e ON e.payload_sha256 = c.payload_sha256"
            " WHERE c.record_id = ? AND c.status < 300 ORDER BY e.extractor_version = ? DESC LIMIT 1",
            [record_id, EXTRACTOR_VERSION],
        ),
        None,
    )


def _text(db, record_id: str | None) -> str:
    row = _extraction(db, record_id)
    return (row or {}).get("text") or ""


def _sha(db, record_id: str) -> str | None:
    row = next(db.query("SELECT payload_sha256 FROM captures WHERE record_id = ?", [record_id]), None)
    return row["payload_sha256"] if row else None


def _capture(db, record_id: str | None) -> Capture | None:
    if not record_id:
        return None
    row = next(db.query("SELECT * FROM captures WHERE record_id = ?", [record_id]), None)
    if row is None:
        return None
    return Capture(
        row["record_id"], row["url"], row["fetched_at"], row["warc_file"], row["warc_offset"], row["crawl_id"]
    )


def _portals(crawl: dict) -> set[str] | None:
    """The portals a crawl covered, or None when it did not say."""
    try:
        portals = json.loads(crawl.get("portals") or "null")
    except json.JSONDecodeError:
        portals = [p for p in (crawl.get("portals") or "").split(",") if p]
    return set(portals) if portals else None


def _crawl_info(crawl: dict) -> dict:
    keys = ("crawl_id", "started_at", "finished_at", "status", "documents", "responses")
    return {k: crawl.get(k) for k in keys}
