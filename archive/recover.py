"""Recovery after a crash: torn WARC tails are detected and set aside, never trusted.

The capture index is the commit point: a record is written and fsynced before its index row, so the
bytes of a WARC file past the end of its last indexed record were never committed. They may be a
whole record whose index row was not written yet, or half a gzip member cut by ``kill -9``. Either
way they are moved, unchanged, to ``archive/torn/<file>@<offset>`` and the WARC file is cut back to
its last committed record, so every reader sees only whole records and no archived byte is lost.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from archive import index


@dataclass(frozen=True)
class TornTail:
    """Bytes set aside from the end of a WARC file."""

    warc_file: str
    offset: int
    length: int
    kept_as: Path


def set_aside_torn_tails(warc_dir: Path, conn: sqlite3.Connection, warc_files: list[str]) -> list[TornTail]:
    """Cut every named WARC file back to its last indexed record; keep what is cut in ``torn/``."""
    torn = []
    for name in warc_files:
        path = warc_dir / name
        if not path.exists():
            continue
        end, size = index.indexed_end(conn, name), path.stat().st_size
        if size > end:
            torn.append(_set_aside(path, end, size - end))
    return torn


def _set_aside(path: Path, offset: int, length: int) -> TornTail:
    keep = path.parent.parent / "torn" / f"{path.name}@{offset}"
    keep.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "rb") as src:
        src.seek(offset)
        data = src.read()
    # The copy is on disk before the WARC file is cut, so a crash here loses nothing.
    with open(keep, "wb") as dst:
        dst.write(data)
        dst.flush()
        os.fsync(dst.fileno())
    with open(path, "r+b") as f:
        f.truncate(offset)
        os.fsync(f.fileno())
    return TornTail(path.name, offset, length, keep)
