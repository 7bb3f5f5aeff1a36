"""Writing and reading WARC records (with warcio), and keeping the capture index in step.

`Archive` is the only writer of the archive. Its guarantees are in the package docstring; the two
that shape this module: a record is flushed and fsynced before its index row is written, and a
payload already archived is written again only as a revisit record.
"""

import base64
import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import index
from archive.errors import ArchiveError
from archive.index import Capture
from archive.issues import Issue

WARC_ROTATE_BYTES = 512 * 1024 * 1024
# The stored body is de-chunked, so a reader must not try to de-chunk it again.
RENAMED_HEADERS = {"transfer-encoding": "X-Archive-Orig-Transfer-Encoding"}


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


class Archive:
    """An archive directory: WARC files plus the capture index. Open one per process."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.warc_dir = self.root / "warc"
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        self.db: sqlite3.Connection = index.connect(self.root / "index.sqlite")
        self._file = None
        self._file_name = ""
        self._writer: WARCWriter | None = None
        self.crawl_id: str | None = None

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- crawls -------------------------------------------------------------------------------

    def begin_crawl(self, portals: Iterable[str]) -> str:
        """Start a crawl: a new crawl id and a new WARC file that only this crawl appends to."""
        self.crawl_id = new_crawl_id()
        self.db.execute(
            "INSERT INTO crawls (crawl_id, started_at, portals, status) VALUES (?, ?, ?, 'running')",
            (self.crawl_id, _now(), json.dumps(sorted(portals))),
        )
        self._open_warc(0)
        return self.crawl_id

    def end_crawl(self, stats: dict, status: str = "finished") -> None:
        """Close the crawl's WARC file and record how the crawl ended."""
        self.db.execute(
            "UPDATE crawls SET finished_at = ?, status = ?, stats = ? WHERE crawl_id = ?",
            (_now(), status, json.dumps(stats, ensure_ascii=False, default=str), self.crawl_id),
        )
        self._close_warc()

    def close(self) -> None:
        """Close the WARC file (if any) and the index."""
        self._close_warc()
        self.db.close()

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
    ) -> Capture:
        """Archive one HTTP response; a payload seen before becomes a revisit record."""
        self._require_crawl()
        sha = sha256_hex(body)
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        http_headers = StatusAndHeaders(
            f"{status} {reason}".strip(),
            [(RENAMED_HEADERS.get(k.lower(), k), v) for k, v in headers],
            protocol=protocol,
        )
        original = index.first_capture_of(self.db, sha)
        extra = {"WARC-Gongkai-Crawl": self.crawl_id, "WARC-Gongkai-Portal": portal}
        if original:
            record = self._writer.create_revisit_record(
                url,
                warc_digest(sha),
                original.url,
                original.fetched_at,
                http_headers=http_headers,
                warc_headers_dict={**extra, "WARC-Refers-To": original.record_id},
            )
        else:
            record = self._writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http_headers,
                warc_headers_dict={**extra, "WARC-Payload-Digest": warc_digest(sha)},
            )
        offset, length = self._write(record)
        capture = Capture(
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
            crawl_id=self.crawl_id,
            portal=portal,
            url=url,
            method=method,
            status=status,
            content_type=content_type,
            fetched_at=record.rec_headers.get_header("WARC-Date"),
            payload_sha256=sha,
            payload_length=len(body),
            warc_file=self._file_name,
            warc_offset=offset,
            warc_length=length,
            record_type="revisit" if original else "response",
            refers_to=original.record_id if original else None,
            referer=referer,
        )
        index.add_capture(self.db, capture)
        return capture

    def store_observation(self, *, portal: str, url: str, capture: str | None, data: dict) -> str:
        """Archive what the crawler read off a page as a WARC metadata record of JSON."""
        self._require_crawl()
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
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
        self._write(record)
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
            },
        )
        return record_id

    def record_issue(self, issue: Issue) -> None:
        """Record an issue of the running crawl in the index."""
        index.add_issue(self.db, self.crawl_id, issue)

    # -- reading ------------------------------------------------------------------------------

    def read_payload(self, capture: Capture, decoded: bool = True) -> bytes:
        """The payload bytes of a capture (following a revisit to the record that holds them).

        ``decoded=False`` gives the bytes exactly as the server sent them; ``decoded=True`` undoes a
        ``Content-Encoding`` such as gzip.
        """
        if capture.record_type == "revisit":
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
