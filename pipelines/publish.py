"""Publishing: Datasette over the derived database, described by ``datasette_metadata.json``."""

import socket
import subprocess
import sys
from pathlib import Path

METADATA = Path(__file__).resolve().parent.parent / "datasette_metadata.json"
SETTINGS = {
    # Suggested facets scan whole tables on every page view; too slow once the archive is large.
    "suggest_facets": "off",
    "truncate_cells_html": "400",
    "default_page_size": "50",
    "sql_time_limit_ms": "3000",
}


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def datasette_command(
    db_path: Path, host: str = "127.0.0.1", port: int = 8001, extra: list[str] | None = None
) -> list[str]:
    """The ``datasette serve`` command line for the database, with metadata and settings."""
    cmd = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--metadata",
        str(METADATA),
        "--host",
        host,
        "--port",
        str(port),
    ]
    for name, value in SETTINGS.items():
        cmd += ["--setting", name, value]
    return cmd + (extra or [])


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette in the foreground until interrupted; returns its exit code."""
    if not db_path.exists():
        raise FileNotFoundError(f"{db_path} does not exist: run `gongkai extract` first")
    print(f"Datasette serving {db_path} at http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    try:
        return subprocess.call(datasette_command(db_path, host, port))
    except KeyboardInterrupt:
        return 0


def get(db_path: Path, path: str) -> str:
    """Answer one request without a server (``datasette --get``), e.g. for scripts and checks."""
    cmd = datasette_command(db_path, extra=["--get", path])
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
