"""Write the diff reports to files: the year-over-year report and the crawl-to-crawl report."""

from pathlib import Path

import sqlite_utils

from pipelines.diff import DEFAULT_LINK_BASE, render
from pipelines.diff.crawls import CrawlDiff, diff_crawls
from pipelines.diff.years import AgencyYears, agencies_matching, diff_years
from pipelines.report.spec import load_spec


class NoSuchAgency(ValueError):
    """No agency with annual reports matches what was asked for."""


def write_years(
    db_path: Path,
    agency: str | None,
    out: Path | None,
    from_year: int | None = None,
    to_year: int | None = None,
    link_base: str = DEFAULT_LINK_BASE,
) -> tuple[list[Path], list[AgencyYears]]:
    """Write the year-over-year report of every agency matching ``agency`` (all when None)."""
    db = sqlite_utils.Database(db_path)
    names = agencies_matching(db, agency)
    if not names:
        known = "、".join(agencies_matching(db, None)[:12]) or "none: run `gongkai extract` first"
        raise NoSuchAgency(f"no agency with annual reports matches {agency!r} (agencies: {known})")
    spec = load_spec()
    results = [diff_years(db, name, from_year, to_year, spec) for name in names]
    slug = names[0] if len(names) == 1 else "all"
    span = f"-{from_year or ''}-{to_year or ''}" if from_year or to_year else ""
    out = out or db_path.parent / "diffs" / f"years-{slug}{span}.html"
    paths = render.write_report(
        render.years_html(results, str(db_path), link_base),
        render.years_json(results),
        render.years_markdown(results),
        out,
    )
    return paths, results


def write_crawls(
    db_path: Path,
    crawl_a: str | None,
    crawl_b: str | None,
    out: Path | None,
    link_base: str = DEFAULT_LINK_BASE,
) -> tuple[list[Path], CrawlDiff]:
    """Write the crawl-to-crawl report of ``crawl_a`` → ``crawl_b`` (default: the last two crawls)."""
    diff = diff_crawls(sqlite_utils.Database(db_path), crawl_a, crawl_b)
    a, b = diff.crawl_a["crawl_id"], diff.crawl_b["crawl_id"]
    out = out or db_path.parent / "diffs" / f"crawls-{a}-{b}.html"
    paths = render.write_report(
        render.crawls_html(diff, str(db_path), link_base),
        render.crawls_json(diff),
        render.crawls_markdown(diff),
        out,
    )
    return paths, diff
