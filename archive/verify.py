"""`gongkai verify-archive`: re-read every WARC record and check it against its digest and the index.

Modelled on ``warcio check``: it goes on past a broken file, names the file, offset and record of each
problem, and the caller exits 1 when there is any. Checks:

1. Every record can be read; a response's payload matches its ``WARC-Payload-Digest`` (sha256), and
   every record's block matches its ``WARC-Block-Digest`` (warcio's digest checker).
2. Every index row (capture, request or observation) points at a record with the same WARC-Record-ID
   at its file and offset, a capture's payload sha256 is the one the index holds, and a request
   record's WARC-Concurrent-To names the capture the index pairs it with.
3. Every response, revisit, request and metadata record in the WARC files has an index row (a record
   the index does not know was never committed, e.g. a torn tail a crash left behind).
"""

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.store import warc_digest

INDEXED_TYPES = ("response", "revisit", "request", "metadata")


@dataclass(frozen=True)
class Problem:
    """One mismatch, located by file and offset."""

    warc_file: str
    offset: int | None
    record_id: str
    message: str

    def __str__(self) -> str:
        where = f"{self.warc_file} offset {self.offset}" if self.offset is not None else self.warc_file
        return f"{where} {self.record_id}: {self.message}".replace("  ", " ")


@dataclass
class Verification:
    """What was checked, and every problem found."""

    files: int = 0
    records: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Seen:
    warc_file: str
    offset: int
    payload_sha256: str | None
    concurrent_to: str | None = None


def verify_archive(root: Path) -> Verification:
    """Check every WARC file under ``root/warc`` and every row of ``root/index.sqlite``."""
    result = Verification()
    seen: dict[str, _Seen] = {}
    for path in sorted((root / "warc").glob("*.warc.gz")):
        result.files += 1
        _read_file(path, seen, result)
    conn = sqlite3.connect(root / "index.sqlite")
    try:
        _check_index(conn, seen, result)
    finally:
        conn.close()
    return result


def _read_file(path: Path, seen: dict[str, _Seen], result: Verification) -> None:
    offset = None
    try:
        with open(path, "rb") as f:
            records = ArchiveIterator(f, check_digests=True)
            for record in records:
                payload = record.raw_stream.read()
                # Asked after the read: warcio's offset lookup finishes reading the record.
                offset = records.get_record_offset()
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                result.records += 1
                sha = hashlib.sha256(payload).hexdigest() if record.rec_type == "response" else None
                declared = record.rec_headers.get_header("WARC-Payload-Digest")
                if sha and declared and declared.startswith("sha256:") and declared != warc_digest(sha):
                    result.problems.append(
                        Problem(
                            path.name,
                            offset,
                            record_id,
                            f"payload does not match its WARC-Payload-Digest {declared}",
                        )
                    )
                if record.digest_checker.passed is False:
                    for problem in record.digest_checker.problems:
                        result.problems.append(
                            Problem(path.name, offset, record_id, f"digest check: {problem}")
                        )
                if record.rec_type in INDEXED_TYPES:
                    concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
                    seen[record_id] = _Seen(path.name, offset, sha, concurrent)
    except Exception as e:  # noqa: BLE001 (any damage: report it and go on to the next file)
        at = f"after offset {offset}" if offset is not None else "at the start"
        result.problems.append(Problem(path.name, None, "", f"unreadable {at}: {type(e).__name__}: {e}"))


def _check_index(conn: sqlite3.Connection, seen: dict[str, _Seen], result: Verification) -> None:
    indexed = set()
    rows = conn.execute(
        "SELECT record_id, warc_file, warc_offset, payload_sha256, record_type FROM captures"
        " UNION ALL SELECT record_id, warc_file, warc_offset, NULL, 'metadata' FROM observations"
        # A request row carries its capture where a capture carries its payload sha256.
        " UNION ALL SELECT record_id, warc_file, warc_offset, capture, 'request' FROM requests"
    ).fetchall()
    for record_id, warc_file, offset, sha, record_type in rows:
        indexed.add(record_id)
        found = seen.get(record_id)
        if found is None:
            result.problems.append(
                Problem(warc_file, offset, record_id, "in the index but not in any WARC file")
            )
        elif (found.warc_file, found.offset) != (warc_file, offset):
            result.problems.append(
                Problem(
                    warc_file,
                    offset,
                    record_id,
                    f"index says {warc_file} offset {offset}, "
                    f"but the record is at {found.warc_file} offset {found.offset}",
                )
            )
        elif record_type == "response" and found.payload_sha256 != sha:
            result.problems.append(
                Problem(
                    warc_file,
                    offset,
                    record_id,
                    f"payload sha256 {found.payload_sha256} differs from the index's {sha}",
                )
            )
        elif record_type == "request" and found.concurrent_to != sha:
            result.problems.append(
                Problem(
                    warc_file,
                    offset,
                    record_id,
                    f"request record is WARC-Concurrent-To {found.concurrent_to}, "
                    f"the index pairs it with {sha}",
                )
            )
    for record_id, found in seen.items():
        if record_id not in indexed:
            result.problems.append(
                Problem(found.warc_file, found.offset, record_id, "record not in the index")
            )
