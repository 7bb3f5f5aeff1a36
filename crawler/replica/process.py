"""Run the replica server in a subprocess, for tests and ``gongkai run``: `running_replica`.

The server (``python -m crawler.replica.serve``) prints two banner lines, its proxy URL and its
control URL; `running_replica` waits for them and hands them over as a `Replica`, which can also
move the server to another epoch between two crawls.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from crawler.replica.control import ask
from crawler.replica.routing import REPLICA_HOSTS

REPO_ROOT = Path(__file__).resolve().parents[2]
BANNER = "gongkai replica serving "
CONTROL_BANNER = "gongkai replica control "


@dataclass(frozen=True)
class Replica:
    """A running replica: ``url`` is the proxy address to give the crawler; ``control_url`` sets the epoch."""

    url: str
    hosts: tuple[str, ...]
    log_path: Path | None = None
    control_url: str = ""

    def set_epoch(self, epoch: int) -> None:
        """Serve ``epoch`` from the next request on (POST to the control port)."""
        ask(f"{self.control_url}/epoch", str(epoch).encode())

    def epoch(self) -> int:
        """The epoch being served."""
        return int(ask(f"{self.control_url}/epoch"))


@contextmanager
def running_replica(
    log_path: Path | str | None = None,
    epoch: int | None = None,
    validators: tuple[str, ...] | None = None,
) -> Iterator[Replica]:
    """Run the replica in a subprocess for the duration of a ``with`` block.

    ``epoch`` None serves ``$GONGKAI_REPLICA_EPOCH``, else 1. ``validators``: the hosts that send
    ETag/Last-Modified and answer 304 (None: the static TRS host only). Example::

        with running_replica(tmp_path / "requests.jsonl") as replica:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": replica.url}))
            ...
            replica.set_epoch(2)  # the next night
    """
    log = Path(log_path).resolve() if log_path else None
    command = [sys.executable, "-m", "crawler.replica.serve", "--port", "0"]
    command += ["--log", str(log)] if log else []
    command += ["--epoch", str(epoch)] if epoch is not None else []
    command += ["--validators", ",".join(validators) or "none"] if validators is not None else []
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            url, control_url = _read_banner(process, stderr)
            yield Replica(url, REPLICA_HOSTS, log, control_url)
        finally:
            _stop(process)


def _read_banner(process: subprocess.Popen, stderr) -> tuple[str, str]:
    """Wait for the two banner lines and return their URLs; explain if the server died first."""
    watchdog = threading.Timer(30, process.kill)  # a hung start must not hang the test run
    watchdog.start()
    try:
        lines = [process.stdout.readline(), process.stdout.readline()]
    finally:
        watchdog.cancel()
    if not (lines[0].startswith(BANNER) and lines[1].startswith(CONTROL_BANNER)):
        process.wait(5)
        stderr.seek(0)
        detail = stderr.read().decode("utf-8", "replace")
        raise RuntimeError(f"replica server exited (code {process.returncode}) before serving:\n{detail}")
    return lines[0][len(BANNER) :].strip(), lines[1][len(CONTROL_BANNER) :].strip()


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server process, killing it if it does not stop in 5 s."""
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()
