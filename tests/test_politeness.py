"""Politeness as a real portal's config asks for it, measured by the replica's request log (R48)."""

import json

from crawler.replica.serve import running_replica
from tests.conftest import ROOT, gongkai

REPLICA_POLITENESS = """[politeness]
delay = 0
concurrency = 4
autothrottle = false
respect_robots = false
override_reason = "bundled replica on 127.0.0.1"
"""
POLITE = """[politeness]
delay = 0.5
concurrency = 1
respect_robots = true
max_requests_per_run = 12
"""


def test_crawl_keeps_the_configured_delay_and_asks_robots_txt_first(tmp_path):
    source = (ROOT / "crawler/replica/portals/replica-lixian-gxs.toml").read_text(encoding="utf-8")
    assert REPLICA_POLITENESS in source
    config = tmp_path / "replica-lixian-gxs.toml"
    config.write_text(source.replace(REPLICA_POLITENESS, POLITE), encoding="utf-8")
    with running_replica(tmp_path / "requests.jsonl") as replica:
        gongkai(
            "crawl", "--portal", str(config), "--data", str(tmp_path / "data"), "--replica-url", replica.url
        )
        log = [json.loads(line) for line in replica.log_path.read_text(encoding="utf-8").splitlines()]
    assert log[0]["path"] == "/robots.txt"
    times = [entry["time"] for entry in log[1:]]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # Scrapy randomises the delay between 0.5 and 1.5 times the configured 0.5 s.
    assert len(times) >= 10 and min(gaps) >= 0.24, gaps
