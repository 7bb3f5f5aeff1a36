"""`gongkai nightly`: crawl every configured portal, extract, and log the run; exit non-zero only when
something needs a person.

Each portal gets its own time budget, so one slow or broken portal cannot eat the night. The run is
logged in the ``nightly_runs`` table of the capture index (one row per portal per night, kept with the
archive because the database is rebuilt at will), which the database copies for browsing.

What needs a person, as opposed to what the archive simply records:

- a portal from which no document could be read at all (moved, blocked, or its config is wrong);
- a portal whose crawl ended for another reason than finishing or running out of its time budget;
- a portal where at least half of the requests failed.

Ordinary bad input — a 404 here, a corrupt PDF there — is recorded in ``failures`` and is not a reason
to wake anyone.

The night's digest is the crawl diff of tonight against the night before (`pipelines.diff.crawls`),
written to ``DATA/digests/<crawl id>.html`` with its .json and .md beside it, ready to be mailed.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archive import index

OK_REASONS = ("finished", "closespider_timeout")


@dataclass
class PortalNight:
    """One portal's part of a nightly run."""

    portal: str
    responses: int
    documents: int
    failures: int
    finish_reason: str | None
    needs_attention: str | None


@dataclass
class NightlyReport:
    """The whole night."""

    run_id: str
    portals: list[PortalNight] = field(default_factory=list)

    @property
    def needs_attention(self) -> list[PortalNight]:
        return [p for p in self.portals if p.needs_attention]


def judge(stats: dict) -> str | None:
    """Why a portal's crawl needs a person, or None when the archive can simply record what happened."""
    documents = stats.get("gongkai/observations/document", 0)
    failures = sum(v for k, v in stats.items() if k.startswith("gongkai/issues/"))
    reason = stats.get("finish_reason")
    if reason not in OK_REASONS:
        return f"the crawl ended with reason {reason!r}"
    if documents == 0:
        return "no document could be read: check the portal by hand and its config's [G] guesses"
    if stats.get("requests", 0) and failures * 2 >= stats["requests"]:
        return f"{failures} of {stats['requests']} requests failed"
    return None


def record_night(index_path: Path, run_id: str, started: str, summary) -> NightlyReport:
    """Write one row per portal to ``nightly_runs`` and return the night's report."""
    report = NightlyReport(run_id)
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    conn = index.connect(index_path)
    try:
        for portal, stats in summary.per_portal.items():
            night = PortalNight(
                portal=portal,
                responses=stats.get("gongkai/captures", 0),
                documents=stats.get("gongkai/observations/document", 0),
                failures=sum(v for k, v in stats.items() if k.startswith("gongkai/issues/")),
                finish_reason=stats.get("finish_reason"),
                needs_attention=judge(stats),
            )
            report.portals.append(night)
            index.add_night(
                conn,
                {
                    **night.__dict__,
                    "run_id": run_id,
                    "crawl_id": summary.crawl_id,
                    "started_at": started,
                    "finished_at": finished,
                },
            )
    finally:
        conn.close()
    return report


def as_json(report: NightlyReport) -> str:
    """The night's report as JSON, for logs and mail."""
    return json.dumps(
        {"run_id": report.run_id, "portals": [p.__dict__ for p in report.portals]},
        ensure_ascii=False,
        indent=2,
    )


def write_digest(db_path: Path, crawl_id: str, link_base: str) -> tuple[list[Path], str] | None:
    """Write the night's digest (its crawl against the crawl before), linking archived copies under
    ``link_base``; None on the very first night."""
    from pipelines.diff.crawls import NoSuchCrawl
    from pipelines.diff.reports import write_crawls

    out = db_path.parent / "digests" / f"{crawl_id}.html"
    try:
        paths, diff = write_crawls(db_path, crawl_id, None, out, link_base)
    except NoSuchCrawl:
        return None
    return paths, diff.summary()
