"""Shared fixtures: a real crawl of the replica portal into a temporary data directory, and Datasette.

The crawl runs `gongkai crawl` in a subprocess (the Twisted reactor runs once per process), once per
test session; tests that change the archive make their own copy.
"""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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


def copy_data(src: Path, dest: Path) -> Path:
    """A private copy of a data directory, for tests that add to the archive."""
    shutil.copytree(src, dest)
    return dest


@pytest.fixture(scope="session")
def datasette_url(extracted):
    """A real Datasette server over the extracted database, on a free port of 127.0.0.1."""
    from pipelines.publish import datasette_command, free_port

    port = free_port()
    proc = subprocess.Popen(
        datasette_command(extracted / "gongkai.db", port=port),
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
    yield url
    proc.terminate()
    proc.wait(timeout=10)
