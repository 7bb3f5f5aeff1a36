"""Shared fixtures: a real crawl of the replica portal into a temporary data directory, and Datasette.

The crawl runs `gongkai crawl` in a subprocess (the Twisted reactor runs once per process), once per
test session; tests that change the archive make their own copy.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the replica changes on nights 2 and 3, by kind of change (see crawler/replica/epochs.py)…
EPOCHS = json.loads((ROOT / "crawler/replica/manifest.json").read_text(encoding="utf-8"))["epochs"]
# …and the status each kind must get on night 2.
NIGHT_2 = {
    "changed_report": "changed",
    "changed_text": "changed",
    "metadata_only": "changed",
    "boilerplate_only": "unchanged",
    "delisted": "unchanged",
    "removed_404": "vanished",
    "removed_410": "vanished",
    "soft_404": "vanished",
    "blocked": "blocked",
    "added": "new",
}


def shared_dir() -> Path:
    """The project's shared reference folder (spec, seeds, real reports)."""
    return Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))


def gongkai(*args: str, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the gongkai CLI in a fresh process; fail the test with its output if it fails."""
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode != 0:
        pytest.fail(f"gongkai {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def crawled(tmp_path_factory) -> Path:
    """A data directory holding one crawl of the whole bundled replica."""
    data = tmp_path_factory.mktemp("data")
    proc = gongkai("crawl", "--data", str(data))
    (data / "crawl-output.txt").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return data


@pytest.fixture(scope="session")
def extracted(crawled, tmp_path_factory) -> Path:
    """The crawl above, extracted into gongkai.db (the replica is no longer running by now)."""
    proc = gongkai("extract", "--data", str(crawled))
    (crawled / "extract-output.txt").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return crawled


@pytest.fixture(scope="session")
def nights(tmp_path_factory) -> tuple[Path, list[str]]:
    """A data directory after three nights of the replica (epochs 1–3), extracted; and the crawl ids.

    Only the portals the nights change are crawled; the others would only add unchanged documents.
    """
    from crawler.replica.serve import running_replica

    data = tmp_path_factory.mktemp("nights")
    portals = sorted(
        {
            e["portal"]
            for n in ("2", "3")
            for kind in EPOCHS[n].values()
            if isinstance(kind, list)
            for e in kind
            if isinstance(e, dict) and "portal" in e
        }
    )
    args = [arg for portal in portals for arg in ("--portal", portal)]
    with running_replica() as replica:
        for night in (1, 2, 3):
            replica.set_epoch(night)
            gongkai("crawl", *args, "--data", str(data), "--replica-url", replica.url)
    gongkai("extract", "--data", str(data))
    with sqlite3.connect(data / "gongkai.db") as conn:
        crawls = [c for (c,) in conn.execute("SELECT crawl_id FROM crawls ORDER BY started_at")]
    return data, crawls


def copy_data(src: Path, dest: Path) -> Path:
    """A private copy of a data directory, for tests that add to the archive."""
    shutil.copytree(src, dest)
    return dest


@contextlib.contextmanager
def running_datasette(db_path: Path) -> Iterator[str]:
    """A real Datasette server over ``db_path``, on a free port of 127.0.0.1; yields its URL."""
    from pipelines.publish import datasette_command, free_port

    port = free_port()
    proc = subprocess.Popen(
        datasette_command(db_path, port=port),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"datasette died:\n{proc.stdout.read()}")
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("datasette did not answer within 30 s")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def datasette_url(extracted):
    """A real Datasette server over the extracted database."""
    with running_datasette(extracted / "gongkai.db") as url:
        yield url


def artefact_path(name: str) -> Path:
    """Where a test leaves a file for people to look at (screenshots): tests/artefacts/, kept out of git."""
    folder = Path(os.environ.get("GONGKAI_TEST_ARTEFACTS", ROOT / "tests" / "artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
