"""`gongkai nightly` and its systemd and cron examples: the shipped command runs a whole night."""

import json
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

from pipelines.nightly import judge
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
GONGKAI = str(Path(sys.executable).parent / "gongkai")


def _exec_start() -> list[str]:
    line = next(
        x for x in (DEPLOY / "gongkai-nightly.service").read_text().splitlines() if x.startswith("ExecStart=")
    )
    return shlex.split(line.removeprefix("ExecStart="))


def _settings(tmp_path: Path, portals_dir: Path) -> Path:
    path = tmp_path / "gongkai.toml"
    path.write_text(f'data_dir = "{tmp_path / "data"}"\nportals_dir = "{portals_dir}"\n', encoding="utf-8")
    return path


def _run_as_installed(argv: list[str], settings: Path, epoch: int = 1) -> subprocess.CompletedProcess:
    """The unit's command with this checkout standing in for /opt/gongkai and /etc/gongkai; the
    replica the crawl starts serves night ``epoch``."""
    argv = [GONGKAI if a == "/opt/gongkai/.venv/bin/gongkai" else a for a in argv]
    argv = [str(settings) if a == "/etc/gongkai/gongkai.toml" else a for a in argv]
    env = {**os.environ, "GONGKAI_REPLICA_EPOCH": str(epoch)}
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)


def test_systemd_timer_command_runs_a_night_and_logs_every_portal(tmp_path):
    # Two portals of two families keep the test short; every portal gets its own row either way.
    portals = tmp_path / "portals"
    portals.mkdir()
    for name in ("replica-lixian-gxs", "replica-hanyin-gxs"):
        (portals / f"{name}.toml").write_bytes((ROOT / f"crawler/replica/portals/{name}.toml").read_bytes())
    proc = _run_as_installed(_exec_start(), _settings(tmp_path, portals))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with sqlite3.connect(tmp_path / "data/archive/index.sqlite") as conn:
        nights = conn.execute("SELECT portal, documents, needs_attention FROM nightly_runs").fetchall()
    assert {p for p, _, _ in nights} == {"replica-lixian-gxs", "replica-hanyin-gxs"}
    assert all(docs > 0 and attention is None for _, docs, attention in nights)
    with sqlite3.connect(tmp_path / "data/gongkai.db") as conn:
        assert conn.execute("SELECT count(*) FROM nightly_runs").fetchone()[0] == len(nights)


def test_second_night_writes_a_digest_of_what_changed_since_the_first(tmp_path):
    portals = tmp_path / "portals"
    portals.mkdir()
    name = "replica-hanyin-gxs"  # night 2 rewords one of its notices
    (portals / f"{name}.toml").write_bytes((ROOT / f"crawler/replica/portals/{name}.toml").read_bytes())
    settings = _settings(tmp_path, portals)
    first = _run_as_installed(_exec_start(), settings, epoch=1)
    assert "digest: first night, nothing to compare with yet" in first.stdout
    second = _run_as_installed(_exec_start(), settings, epoch=2)
    assert second.returncode == 0, second.stdout + second.stderr
    with sqlite3.connect(tmp_path / "data/gongkai.db") as conn:
        crawl = conn.execute("SELECT crawl_id FROM crawls ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    digest = tmp_path / "data" / "digests" / f"{crawl}.html"
    assert f"digest written to {digest}" in second.stdout
    data = json.loads(digest.with_suffix(".json").read_text(encoding="utf-8"))
    changed = [d["url"] for p in data["portals"] for d in p["documents"] if d["state"] != "unchanged"]
    epochs = json.loads((ROOT / "crawler/replica/manifest.json").read_text(encoding="utf-8"))["epochs"]
    assert changed == [e["url"] for e in epochs["2"]["changed_text"] if e["portal"] == name]
    assert "<del>切实</del><ins>进一步</ins>" in digest.read_text(encoding="utf-8")


def test_timer_runs_the_service_and_crontab_runs_the_same_command():
    timer = (DEPLOY / "gongkai-nightly.timer").read_text()
    assert "OnCalendar=" in timer and "Persistent=true" in timer
    cron = next(x for x in (DEPLOY / "crontab").read_text().splitlines() if x and not x.startswith("#"))
    assert " ".join(_exec_start()[1:]) in cron


def test_portal_that_yields_no_document_needs_a_person_and_exits_1(tmp_path):
    portals = tmp_path / "portals"
    portals.mkdir()
    config = (ROOT / "crawler/replica/portals/replica-lixian-gxs.toml").read_text(encoding="utf-8")
    (portals / "replica-lixian-gxs.toml").write_text(config.replace("catId=", "catId=404"), encoding="utf-8")
    proc = _run_as_installed(_exec_start(), _settings(tmp_path, portals))
    assert proc.returncode == 1
    assert "replica-lixian-gxs: 0 documents" in proc.stdout and "NEEDS ATTENTION" in proc.stdout


def test_ordinary_failures_do_not_need_a_person():
    stats = {
        "finish_reason": "finished",
        "requests": 50,
        "gongkai/observations/document": 40,
        "gongkai/issues/http-404": 1,
        "gongkai/issues/http-500": 1,
    }
    assert judge(stats) is None


def test_a_crawl_that_broke_off_needs_a_person():
    assert judge({"finish_reason": "shutdown", "gongkai/observations/document": 3}) == (
        "the crawl ended with reason 'shutdown'"
    )
