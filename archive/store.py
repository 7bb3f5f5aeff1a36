"""Writing and reading WARC records (with warcio), and keeping the capture index in step.

`Archive` is the only writer of the archive. Its guarantees are in the package docstring; the two
that shape this module: a record is flushed and fsynced before its index row is written, and a
payload already archived is written again only as a revisit record.
"""

import base64
import fcntl
import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import index
from archive.errors import ArchiveError
from archive.index import Capture
from archive.issues import Issue
from archive.recover import TornTail, set_aside_torn_tails

WARC_ROTATE_BYTES = 512 * 1024 * 1024
# The stored body is de-chunked, so a reader must not try to de-chunk it again.
RENAMED_HEADERS = {"transfer-encoding": "X-Archive-Orig-Transfer-Encoding"}
RENAMED_BACK = {v.lower(): k for k, v in RENAMED_HEADERS.items()}
# WARC 1.1 §6.7.2: a 304 is archived as a revisit of the capture the server says is unchanged.
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
MAX_REVISIT_HOPS = 8


@dataclass(frozen=True)
class SentRequest:
    """A request as it went out: method, headers (latin-1 strings, one character per byte) and body."""

    method: str
    headers: list[tuple[str, str]]
    body: bytes


class RawHTTPHeaders(StatusAndHeaders):
    """HTTP headers written to WARC byte for byte as received.

    Header values arrive as bytes; they are carried as latin-1 strings (one character per byte) and
    written back with latin-1. warcio would otherwise percent-encode a non-ASCII value (a GBK file
    name in Content-Disposition), and the archive would no longer hold what the server sent.
    """

    def to_ascii_bytes(self, filter_func=None) -> bytes:
        return self.to_str(filter_func).encode("latin-1") + b"\r\n"


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of `data`: the payload key used everywhere in gongkai."""
    return hashlib.sha256(data).hexdigest()


def warc_digest(sha_hex: str) -> str:
    """The WARC-Payload-Digest form of a sha256 (labelled, base32, as WARC tools expect)."""
    return "sha256:" + base64.b32encode(bytes.fromhex(sha_hex)).decode("ascii")


def new_crawl_id() -> str:
    """A sortable, unique crawl id such as ``20261123T061500Z-3fa2``."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _request_row(record, at: tuple[str, int, int], capture: Capture, request: SentRequest) -> dict:
    warc_file, offset, length = at
    return {
        "record_id": record.rec_headers.get_header("WARC-Record-ID"),
        "capture": capture.record_id,
        "crawl_id": capture.crawl_id,
        "url": capture.url,
        "method": request.method,
        "body_sha256": sha256_hex(request.body),
        "body_length": len(request.body),
        "warc_file": warc_file,
        "warc_offset": offset,
        "warc_length": length,
    }


class Archive:
    """An archive directory: WARC files plus the capture index. Open one per process."""

    def __init__(self, root: Path, readonly: bool = False) -> None:
        """``readonly``: only read records (replay); the archive must exist and nothing is written."""
        self.root = Path(root)
        self.warc_dir = self.root / "warc"
        if not readonly:
            self.warc_dir.mkdir(parents=True, exist_ok=True)
        self.db: sqlite3.Connection = index.connect(self.root / "index.sqlite", readonly=readonly)
        self._file = None
        self._file_name = ""
        self._writer: WARCWriter | None = None
        self.crawl_id: str | None = None
        self._lock_file = None

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- crawls -------------------------------------------------------------------------------

    def begin_crawl(self, portals: Iterable[str]) -> str:
        """Start a crawl: a new crawl id and a new WARC file that only this crawl appends to."""
        self._lock()
        self.crawl_id = new_crawl_id()
        self.db.execute(
            "INSERT INTO crawls (crawl_id, started_at, portals, status) VALUES (?, ?, ?, 'running')",
            (self.crawl_id, _now(), json.dumps(sorted(portals))),
        )
        self._open_warc(0)
        return self.crawl_id

    def interrupted_crawl(self, portals: Iterable[str]) -> str | None:
        """The id of a crawl of exactly these portals that was killed before it finished, if any."""
        row = self.db.execute(
            "SELECT crawl_id FROM crawls WHERE status = 'running' AND portals = ? ORDER BY started_at DESC",
            (json.dumps(sorted(portals)),),
        ).fetchone()
        return row[0] if row else None

    def resume_crawl(self, crawl_id: str) -> list[TornTail]:
        """Go on with an interrupted crawl: set its torn tails aside, then append to a new WARC file."""
        self._lock()
        self.crawl_id = crawl_id
        files = sorted(p.name for p in self.warc_dir.glob(f"{crawl_id}-*.warc.gz"))
        torn = self._set_aside(files)
        self._open_warc(len(files))
        return torn

    def close_interrupted(self) -> list[TornTail]:
        """Mark every other crawl still 'running' as interrupted and set its torn tails aside.

        Those are crawls killed while crawling other portals, which this run does not resume.
        """
        self._lock()
        torn = []
        running = self.db.execute(
            "SELECT crawl_id FROM crawls WHERE status = 'running' AND crawl_id IS NOT ?", (self.crawl_id,)
        ).fetchall()
        for (crawl_id,) in running:
            torn += self._set_aside(sorted(p.name for p in self.warc_dir.glob(f"{crawl_id}-*.warc.gz")))
            self.db.execute("UPDATE crawls SET status = 'interrupted' WHERE crawl_id = ?", (crawl_id,))
        return torn

    def _set_aside(self, files: list[str]) -> list[TornTail]:
        torn = set_aside_torn_tails(self.warc_dir, self.db, files)
        for tail in torn:
            self.record_issue(
                Issue(
                    stage="archive",
                    code="torn-tail",
                    level="warning",
                    url=tail.warc_file,
                    message=f"{tail.warc_file}: {tail.length} bytes after offset {tail.offset} were never "
                    f"indexed (the crawl was killed); set aside as {tail.kept_as.name}",
                    fix="none needed: a crawl fetches those responses again",
                )
            )
        return torn

    def _lock(self) -> None:
        """One writer per archive: a second crawl on the same data directory stops with a clear error."""
        if self._lock_file is not None:
            return
        self._lock_file = open(self.root / "lock", "w")  # noqa: SIM115 (held for the process)
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise ArchiveError(f"{self.root} is being written by another crawl; wait for it to finish") from e

    def end_crawl(self, stats: dict, status: str = "finished") -> None:
        """Close the crawl's WARC file and record how the crawl ended."""
        self.db.execute(
            "UPDATE crawls SET finished_at = ?, status = ?, stats = ? WHERE crawl_id = ?",
            (_now(), status, json.dumps(stats, ensure_ascii=False, default=str), self.crawl_id),
        )
        self._close_warc()

    def close(self) -> None:
        """Close the WARC file (if any) and the index, and release the writer's lock."""
        self._close_warc()
        self.db.close()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    # -- writing ------------------------------------------------------------------------------

    def store_response(
        self,
        *,
        portal: str,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        method: str = "GET",
        protocol: str = "HTTP/1.1",
        reason: str = "",
        referer: str | None = None,
        request: SentRequest | None = None,
        not_modified_of: str | None = None,
    ) -> Capture:
        """Archive one HTTP response; a payload seen before becomes a revisit record.

        ``request``: the request as sent, archived as a WARC request record beside the response when it
        is not a GET (a POSTed form decides what a data proxy answers, so the answer alone is not enough).
        ``not_modified_of``: the capture a 304 answered a conditional request about; the 304 becomes a
        revisit record of profile server-not-modified referring to it.
        """
        self._require_crawl()
        http_headers = RawHTTPHeaders(
            f"{status} {reason}".strip(),
            [(RENAMED_HEADERS.get(k.lower(), k), v) for k, v in headers],
            protocol=protocol,
        )
        extra = {"WARC-Gongkai-Crawl": self.crawl_id, "WARC-Gongkai-Portal": portal}
        earlier = index.get_capture(self.db, not_modified_of) if not_modified_of else None
        if earlier is not None:
            sha, length, original = earlier.payload_sha256, earlier.payload_length, earlier
            record = self._writer.create_warc_record(
                url,
                "revisit",
                http_headers=http_headers,
                warc_headers_dict={
                    **extra,
                    "WARC-Profile": NOT_MODIFIED_PROFILE,
                    "WARC-Refers-To": earlier.record_id,
                    "WARC-Refers-To-Target-URI": earlier.url,
                    "WARC-Refers-To-Date": earlier.fetched_at,
                },
            )
        else:
            sha, length = sha256_hex(body), len(body)
            original = index.first_capture_of(self.db, sha)
            record = self._payload_record(url, sha, body, http_headers, extra, original)
        capture = Capture(
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
            crawl_id=self.crawl_id,
            portal=portal,
            url=url,
            method=method,
            status=status,
            content_type=next((v for k, v in headers if k.lower() == "content-type"), None),
            fetched_at=record.rec_headers.get_header("WARC-Date"),
            payload_sha256=sha,
            payload_length=length,
            warc_file="",
            warc_offset=0,
            warc_length=0,
            record_type="revisit" if original else "response",
            refers_to=original.record_id if original else None,
            referer=referer,
        )
        sent = None
        if request is not None and request.method != "GET":
            sent = self._request_record(url, request, extra, capture.record_id)
            # The request goes first, as WARC writers order them; both are on disk before either row.
            sent_offset, sent_length = self._write(sent)
            sent_at = (self._file_name, sent_offset, sent_length)
        offset, written = self._write(record)
        capture = replace(capture, warc_file=self._file_name, warc_offset=offset, warc_length=written)
        # One transaction: a request row never exists without its capture, nor the other way round.
        self.db.execute("BEGIN")
        try:
            index.add_capture(self.db, capture)
            if sent is not None:
                index.add_request(self.db, _request_row(sent, sent_at, capture, request))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return capture

    def _payload_record(self, url, sha: str, body: bytes, http_headers, extra: dict, original):
        """A response record holding the body, or a revisit of the capture that already holds it."""
        if original:
            return self._writer.create_revisit_record(
                url,
                warc_digest(sha),
                original.url,
                original.fetched_at,
                http_headers=http_headers,
                warc_headers_dict={**extra, "WARC-Refers-To": original.record_id},
            )
        return self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={**extra, "WARC-Payload-Digest": warc_digest(sha)},
        )

    def _request_record(self, url: str, request: SentRequest, extra: dict, response_id: str):
        """A WARC request record: request line, headers and body exactly as sent."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        names = {k.lower() for k, _ in request.headers}
        headers = list(request.headers)
        if "host" not in names:
            headers.insert(0, ("Host", parts.netloc))
        if request.body and "content-length" not in names:
            headers.append(("Content-Length", str(len(request.body))))
        http_headers = RawHTTPHeaders(
            f"{request.method} {target} HTTP/1.1", headers, protocol="", is_http_request=True
        )
        return self._writer.create_warc_record(
            url,
            "request",
            payload=BytesIO(request.body),
            length=len(request.body),
            http_headers=http_headers,
            warc_headers_dict={**extra, "WARC-Concurrent-To": response_id},
        )

    def store_observation(self, *, portal: str, url: str, capture: str | None, data: dict) -> str | None:
        """Archive what the crawler read off a page as a WARC metadata record of JSON.

        Returns the record id, or None when this crawl already recorded the same observation.
        """
        self._require_crawl()
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
        data_sha = sha256_hex(payload)
        if index.observed(self.db, self.crawl_id, data_sha, capture):
            return None
        headers = {"WARC-Gongkai-Crawl": self.crawl_id, "WARC-Gongkai-Portal": portal}
        if capture:
            headers["WARC-Concurrent-To"] = capture
        record = self._writer.create_warc_record(
            url,
            "metadata",
            payload=BytesIO(payload),
            length=len(payload),
            warc_content_type="application/json",
            warc_headers_dict=headers,
        )
        offset, length = self._write(record)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        index.add_observation(
            self.db,
            {
                "record_id": record_id,
                "crawl_id": self.crawl_id,
                "portal": portal,
                "url": url,
                "capture": capture,
                "observed_at": record.rec_headers.get_header("WARC-Date"),
                "data": payload.decode("utf-8"),
                "data_sha256": data_sha,
                "warc_file": self._file_name,
                "warc_offset": offset,
                "warc_length": length,
            },
        )
        return record_id

    def record_issue(self, issue: Issue) -> None:
        """Record an issue of the running crawl in the index."""
        index.add_issue(self.db, self.crawl_id, issue)

    # -- reading ------------------------------------------------------------------------------

    def read_response(self, capture: Capture) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Status, headers and raw body of a capture, as the server sent them (a resumed crawl replays it).

        Headers are read from the record's raw bytes, not from warcio's decoded strings, so a header
        in GBK comes back exactly as it was sent.
        """
        with open(self.warc_dir / capture.warc_file, "rb") as f:
            f.seek(capture.warc_offset)
            record = next(iter(ArchiveIterator(f, no_record_parse=True)))
            head = record.raw_stream.read().split(b"\r\n\r\n", 1)[0]
        headers = []
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            original = RENAMED_BACK.get(name.decode("latin-1").lower())
            headers.append((original.encode("latin-1") if original else name, value.strip()))
        return capture.status, headers, self.read_payload(capture, decoded=False)

    def read_payload(self, capture: Capture, decoded: bool = True) -> bytes:
        """The payload bytes of a capture (following a revisit to the record that holds them).

        ``decoded=False`` gives the bytes exactly as the server sent them; ``decoded=True`` undoes a
        ``Content-Encoding`` such as gzip.
        """
        # A 304's revisit refers to the capture it confirmed, which may itself be a revisit.
        for _ in range(MAX_REVISIT_HOPS):
            if capture.record_type != "revisit":
                break
            original = index.get_capture(self.db, capture.refers_to or "")
            if original is None:
                raise ArchiveError(f"revisit {capture.record_id} refers to {capture.refers_to}, not in index")
            capture = original
        record_path = self.warc_dir / capture.warc_file
        with open(record_path, "rb") as f:
            f.seek(capture.warc_offset)
            record = next(iter(ArchiveIterator(f)), None)
            if record is None or record.rec_headers.get_header("WARC-Record-ID") != capture.record_id:
                raise ArchiveError(
                    f"{record_path} offset {capture.warc_offset}: no record {capture.record_id}"
                )
            stream = record.content_stream() if decoded else record.raw_stream
            return stream.read()

    # -- internals ----------------------------------------------------------------------------

    def _require_crawl(self) -> None:
        if self._writer is None:
            raise ArchiveError("no crawl is open: call begin_crawl() before storing records")

    def _open_warc(self, seq: int) -> None:
        self._file_name = f"{self.crawl_id}-{seq:05d}.warc.gz"
        # "ab": append-only, even if a resumed crawl reopens the same name.
        self._file = open(self.warc_dir / self._file_name, "ab")  # noqa: SIM115 (held open for the crawl)
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        self._seq = seq

    def _close_warc(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file = None
        self._writer = None

    def _write(self, record) -> tuple[int, int]:
        """Write a record, flush it to disk, and return its offset and length in the file."""
        if self._file.tell() > WARC_ROTATE_BYTES:
            self._close_warc()
            self._open_warc(self._seq + 1)
        offset = self._file.tell()
        self._writer.write_record(record)
        self._file.flush()
        os.fsync(self._file.fileno())
        return offset, self._file.tell() - offset
