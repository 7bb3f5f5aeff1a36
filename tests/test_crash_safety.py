"""Crash safety: kill -9 a crawl at any moment, run it again, and the archive is whole and complete.

A killed crawl is resumed (same crawl id): what it already archived is replayed from the archive, not
fetched again, and a torn record at the end of a WARC file is set aside, never trusted.
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.store import Archive
from tests.conftest import ROOT, copy_data, gongkai


def _content(data: Path) -> tuple[set, set]:
    """What an archive holds, independent of timing: (url, payload) pairs and the observations."""
    with sqlite3.connect(data / "archive" / "index.sqlite") as conn:
        payloads = set(conn.execute("SELECT url, payload_sha256 FROM captures"))
        observed = {
            json.dumps(json.loads(d), sort_keys=True)
            for (d,) in conn.execute("SELECT data FROM observations")
        }
    return payloads, observed


def _crawl_killed_after(data: Path, seconds: float) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "crawl", "--data", str(data)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(seconds)
    # The whole process group: the crawl and the replica server it started.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_crawl_killed_at_a_random_moment_resumes_to_the_same_archive_content(crawled, tmp_path, seed):
    data = tmp_path / "data"
    _crawl_killed_after(data, random.Random(seed).uniform(1.5, 5.0))
    gongkai("crawl", "--data", str(data))
    assert _content(data) == _content(crawled)
    with sqlite3.connect(data / "archive" / "index.sqlite") as conn:
        assert conn.execute("SELECT status FROM crawls").fetchall() in ([("finished",)],)
    assert gongkai("verify-archive", "--data", str(data)).stdout.endswith(", 0 problems\n")


def test_torn_tail_is_set_aside_and_the_warc_file_cut_back_to_its_last_record(crawled, tmp_path):
    data = copy_data(crawled, tmp_path / "data")
    warc = next((data / "archive" / "warc").glob("*.warc.gz"))
    size = warc.stat().st_size
    torn = b"\x1f\x8b\x08\x00" + os.urandom(300)  # half a gzip member, as kill -9 leaves it
    with open(warc, "ab") as f:
        f.write(torn)
    with sqlite3.connect(data / "archive" / "index.sqlite") as conn:
        conn.execute("UPDATE crawls SET status = 'running'")
    gongkai("crawl", "--data", str(data))
    assert warc.stat().st_size == size
    [kept] = (data / "archive" / "torn").iterdir()
    assert kept.read_bytes() == torn and kept.name == f"{warc.name}@{size}"
    assert gongkai("verify-archive", "--data", str(data)).stdout.endswith(", 0 problems\n")


def test_verify_archive_reports_zero_problems_on_a_whole_archive(crawled):
    out = gongkai("verify-archive", "--data", str(crawled)).stdout
    assert out.endswith(", 0 problems\n") and " records checked" in out


def test_verify_archive_reports_a_planted_payload_mismatch_by_file_and_offset(crawled, tmp_path):
    data = copy_data(crawled, tmp_path / "data")
    with sqlite3.connect(data / "archive" / "index.sqlite") as conn:
        record_id, warc_file, offset = conn.execute(
            "SELECT record_id, warc_file, warc_offset FROM captures WHERE record_type = 'response' LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE captures SET payload_sha256 = ? WHERE record_id = ?", ("0" * 64, record_id))
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "verify-archive", "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert f"{warc_file} offset {offset} {record_id}: payload sha256 " in proc.stdout
    assert proc.stdout.endswith(", 1 problems\n")


def test_verify_archive_reports_damaged_warc_bytes(crawled, tmp_path):
    data = copy_data(crawled, tmp_path / "data")
    warc = next((data / "archive" / "warc").glob("*.warc.gz"))
    raw = bytearray(warc.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    warc.write_bytes(bytes(raw))
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "verify-archive", "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert warc.name in proc.stdout


def test_second_writer_on_the_same_archive_is_refused(tmp_path):
    first = Archive(tmp_path / "archive")
    first.begin_crawl(["a"])
    second = Archive(tmp_path / "archive")
    with pytest.raises(ArchiveError, match="is being written by another crawl"):
        second.begin_crawl(["a"])
    first.close()
    second.close()
