"""Only what the config allows is fetched: file size caps and the portal's own domains."""

import sqlite3

from tests.conftest import ROOT, gongkai

REPLICA_CONFIG = ROOT / "crawler/replica/portals/replica-lixian-gxs.toml"


def _config(tmp_path, old: str, new: str):
    path = tmp_path / "replica-lixian-gxs.toml"
    path.write_text(REPLICA_CONFIG.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return path


def test_attachment_over_the_size_cap_is_stopped_and_recorded(tmp_path):
    config = _config(tmp_path, "[attachments]\n", "[attachments]\nmax_bytes = 2000\n")
    data = tmp_path / "data"
    proc = gongkai("crawl", "--portal", str(config), "--data", str(data))
    assert "failure too-large:" in proc.stdout
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        rows = conn.execute("SELECT url, message FROM issues WHERE code = 'too-large'").fetchall()
        kept = conn.execute(
            "SELECT count(*) FROM captures WHERE url LIKE '%.pdf' OR url LIKE '%.docx'"
        ).fetchone()
    assert rows and all("larger than the limit of 2000 bytes" in message for _, message in rows)
    assert kept[0] == 0


def test_links_to_other_hosts_are_never_fetched(tmp_path):
    data = tmp_path / "data"
    gongkai("crawl", "--portal", str(REPLICA_CONFIG), "--data", str(data))
    with sqlite3.connect(data / "archive/index.sqlite") as conn:
        hosts = {url.split("/")[2] for (url,) in conn.execute("SELECT url FROM captures")}
    assert hosts == {"www.li-xian.replica.test"}
