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
    """Write the year-over-year report of every agency matching ``agency`` (all when None).

    One agency: ``out`` (default ``DATA/diffs/years-<agency>.html``) and its .json and .md. Several:
    one report per agency in a folder, and ``out`` (default ``DATA/diffs/years-all/index.html``)
    lists them with their summary lines — a single page for thousands of agencies would not open.
    """
    db = sqlite_utils.Database(db_path)
    names = agencies_matching(db, agency)
    if not names:
        known = "、".join(agencies_matching(db, None)[:12]) or "none: run `gongkai extract` first"
        raise NoSuchAgency(f"no agency with annual reports matches {agency!r} (agencies: {known})")
    spec = load_spec()
    span = f"-{from_year or ''}-{to_year or ''}" if from_year or to_year else ""
    if len(names) == 1:
        results = [diff_years(db, names[0], from_year, to_year, spec)]
        out = out or db_path.parent / "diffs" / f"years-{file_name(names[0])}{span}.html"
        return _write_years_file(results, db_path, out, link_base), results
    out = out or db_path.parent / "diffs" / f"years-{file_name(agency or 'all')}{span}" / "index.html"
    results, entries = [], []
    for name in names:
        result = diff_years(db, name, from_year, to_year, spec)
        _write_years_file([result], db_path, out.parent / f"{file_name(name)}{span}.html", link_base)
        results.append(result)
        entries.append((result, f"{file_name(name)}{span}.html"))
    paths = render.write_report(
        render.years_index_html(entries, str(db_path)),
        render.years_json(results, summaries_only=True),
        "\n".join(f"- [{render.md(r.summary)}]({href})" for r, href in entries) + "\n",
        out,
    )
    return paths, results


def _write_years_file(results: list[AgencyYears], db_path: Path, out: Path, link_base: str) -> list[Path]:
    return render.write_report(
        render.years_html(results, str(db_path), link_base),
        render.years_json(results),
        render.years_markdown(results),
        out,
    )


def file_name(name: str) -> str:
    """A name made safe as one file name: no path separators or control characters."""
    return "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in name).strip(". ") or "_"


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
