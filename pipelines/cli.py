"""The ``gongkai`` command line: each command a few lines over the modules that do the work."""

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from archive.errors import GongkaiError

ROOT = Path(__file__).resolve().parent.parent
PORTAL_DIRS = (ROOT / "crawler" / "portals", ROOT / "crawler" / "replica" / "portals")
REPLICA_PORTALS = ROOT / "crawler" / "replica" / "portals"


def _data_option(f):
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Data directory (archive and database). Default: data_dir of gongkai.toml, ./data.",
    )(f)


def _settings_option(f):
    return click.option(
        "--settings",
        "settings_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Run settings file. Default: ./gongkai.toml if present.",
    )(f)


def _run_settings(settings_path: Path | None, data_dir: Path | None):
    from crawler.config import command_settings

    return command_settings(settings_path, data_dir)


class GongkaiGroup(click.Group):
    """A click group that shows gongkai's own errors as one-line messages with exit code 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GongkaiError as e:
            raise click.ClickException(str(e)) from e


@click.group(cls=GongkaiGroup)
@click.version_option(package_name="gongkai")
def cli() -> None:
    """gongkai (公开): archive government information-disclosure columns and publish them as data.

    The data flows one way: crawl (portal → WARC archive) → extract (archive → SQLite) → serve
    (Datasette). Start with `gongkai run`, which does all three on the bundled replica portal.
    """


@cli.command()
@click.option(
    "--portal",
    "portal_names",
    multiple=True,
    metavar="NAME|FILE",
    help="Portal config id or TOML file; repeatable. Default: the bundled replica portal.",
)
@_data_option
@_settings_option
@click.option(
    "--replica-url",
    default=None,
    metavar="URL",
    help="Use a replica portal already serving at URL instead of starting one (tests, demos).",
)
def crawl(
    portal_names: tuple[str, ...], data_dir: Path | None, settings_path: Path | None, replica_url: str | None
) -> None:
    """Fetch disclosure columns; every response goes into the WARC archive.

    With no --portal, serves the bundled replica portal on 127.0.0.1 for the length of the crawl and
    crawls it.

    Example:

        gongkai crawl --portal lixian-gxs --data ./data
    """
    run = _run_settings(settings_path, data_dir)
    summary = _crawl(portal_names, Path(run.data_dir), run, replica_url=replica_url)
    _print_crawl(summary)


def _crawl(
    portal_names,
    data_dir: Path,
    run,
    paths: list[Path] | None = None,
    budget: float | None = None,
    replica_url: str | None = None,
):
    from crawler.config import load_portals, resolve_portal
    from crawler.crawl import run_crawl
    from crawler.replica.serve import running_replica

    if paths is None:
        paths = (
            [resolve_portal(n, PORTAL_DIRS) for n in portal_names]
            if portal_names
            else sorted(REPLICA_PORTALS.glob("*.toml"))
        )
    portals = [p for p in load_portals(paths) if p.status == "active"]
    if not portals:
        raise click.ClickException("no active portal to crawl (every config given is paused or retired)")
    needs_replica = any(d.endswith(".replica.test") for p in portals for d in p.scope.allowed_domains)
    if replica_url or not needs_replica:
        return run_crawl(portals, data_dir, run, replica_proxy=replica_url, budget_seconds=budget)
    with running_replica() as replica:
        proxy = replica.url
        click.echo(f"replica portal serving on {replica.url} ({len(portals)} portal configs)", err=True)
        return run_crawl(portals, data_dir, run, replica_proxy=proxy, budget_seconds=budget)


def _print_crawl(summary) -> None:
    click.echo(
        f"crawl {summary.crawl_id}: {summary.responses} responses archived "
        f"({summary.revisits} revisits), {summary.documents} documents, "
        f"{summary.attachments} attachments, {summary.failures} failures, {summary.seconds} s"
    )
    for code, n in sorted(summary.issues.items()):
        click.echo(f"  failure {code}: {n}")


@cli.command()
@click.option("--all", "rebuild", is_flag=True, help="Rebuild the database from the archive from scratch.")
@_data_option
@_settings_option
def extract(rebuild: bool, data_dir: Path | None, settings_path: Path | None) -> None:
    """Read the archive (only the archive) and fill the database: documents, text, failures.

    Re-running is idempotent; payloads already extracted by this extractor version are not redone.

    Example:

        gongkai extract --data ./data
    """
    run = _run_settings(settings_path, data_dir)
    _print_extract(_extract(Path(run.data_dir), rebuild))


def _extract(data_dir: Path, rebuild: bool):
    from pipelines.ingest import extract_all

    if not (data_dir / "archive" / "index.sqlite").exists():
        raise click.ClickException(f"no archive in {data_dir}: run `gongkai crawl --data {data_dir}` first")

    def progress(items):
        with click.progressbar(items, label="extract", file=sys.stderr) as bar:
            yield from bar

    return extract_all(data_dir, rebuild=rebuild, progress=progress if sys.stderr.isatty() else None)


def _print_extract(summary) -> None:
    kinds = ", ".join(f"{k} {v}" for k, v in summary.doc_types.items())
    click.echo(
        f"extract: {summary.documents} documents ({kinds}), {summary.attachments} attachments, "
        f"{summary.extracted} payloads extracted, {sum(summary.failures.values())} failures recorded, "
        f"{summary.seconds} s"
    )
    for code, n in summary.failures.items():
        click.echo(f"  failure {code}: {n}")


@cli.command()
@_data_option
@_settings_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--get", "get_path", default=None, metavar="PATH", help="Answer one request and exit.")
def serve(
    data_dir: Path | None, settings_path: Path | None, host: str, port: int, get_path: str | None
) -> None:
    """Run Datasette on the database, described by datasette_metadata.json.

    Example:

        gongkai serve --data ./data --port 8001
    """
    from pipelines import publish

    run = _run_settings(settings_path, data_dir)
    db_path = Path(run.data_dir) / "gongkai.db"
    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `gongkai extract` first")
    if get_path:
        click.echo(publish.get(db_path, get_path), nl=False)
        return
    sys.exit(publish.serve(db_path, host, port))


@cli.command()
@_data_option
@_settings_option
@click.option("--serve/--no-serve", "then_serve", default=True, help="Start Datasette at the end.")
@click.option("--port", default=8001, show_default=True, type=int)
def run(data_dir: Path | None, settings_path: Path | None, then_serve: bool, port: int) -> None:
    """Crawl the bundled replica portal, extract, and serve the result with Datasette.

    Example:

        gongkai run --data ./data
    """
    from pipelines import publish

    started = time.monotonic()
    settings = _run_settings(settings_path, data_dir)
    data = Path(settings.data_dir)
    crawl_summary = _crawl((), data, settings)
    _print_crawl(crawl_summary)
    extract_summary = _extract(data, rebuild=False)
    _print_extract(extract_summary)
    click.echo(
        f"done: {crawl_summary.responses} pages and files crawled, {extract_summary.documents} documents, "
        f"{crawl_summary.failures} crawl failures, {sum(extract_summary.failures.values())} failures "
        f"recorded in all, {time.monotonic() - started:.1f} s"
    )
    if then_serve:
        sys.exit(publish.serve(data / "gongkai.db", "127.0.0.1", port))


SHOW_PROBLEMS = 200
CONTENT_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--title", default=None, help="The document's title, when the file does not carry it.")
@click.pass_context
def parse(ctx: click.Context, file: Path, as_json: bool, title: str | None) -> None:
    """Parse an annual report file (.txt, .html, .pdf, .docx): statistics by canonical key, and checks.

    Exit code 2 when the file cannot be read or is not an annual report in a statutory format.

    Example:

        gongkai parse 2023ndbg.pdf --json
    """
    from archive.errors import ExtractionError
    from pipelines.extract import extract
    from pipelines.report import parse_report, run_checks

    try:
        extraction = extract(
            file.read_bytes(), content_type=CONTENT_TYPES.get(file.suffix.lower()), url=file.name
        )
    except ExtractionError as e:
        click.echo(f"Error: {file}: {e.message} ({e.code}). {e.fix}".rstrip(), err=True)
        ctx.exit(2)
    report = parse_report(extraction, title=title)
    if not report.is_annual_report or not report.tables_found:
        click.echo(
            f"Error: {file}: not an annual report in the 2019 or 2021 statutory format "
            f"(no statistics table found)",
            err=True,
        )
        ctx.exit(2)
    checks = run_checks(report)
    if as_json:
        click.echo(json.dumps(_report_json(report, checks), ensure_ascii=False, indent=2))
    else:
        _print_report(report, checks)


def _report_json(report, checks) -> dict:
    return {
        "agency": report.agency,
        "year": report.year,
        "format_version": report.format_version,
        "table_versions": dict(report.table_versions),
        "tables_found": list(report.tables_found),
        "statistics": report.figures(),
        "checks": [
            {
                "id": c.id,
                "rule": c.rule,
                "passed": c.passed,
                "status": c.status,
                "severity": c.severity,
                "detail": c.detail,
            }
            for c in checks
        ],
        "issues": [str(i) for i in report.issues],
    }


def _print_report(report, checks) -> None:
    versions = ", ".join(f"表{t} {v}" for t, v in report.table_versions.items())
    click.echo(
        f"agency: {report.agency}\nyear: {report.year}\nformat_version: {report.format_version} "
        f"({versions})\ntables found: {' '.join(report.tables_found)}\nstatistics:"
    )
    for key, value in report.figures().items():
        click.echo(f"  {key} = {'(blank)' if value is None else value}")
    counts = {s: sum(c.status == s for c in checks) for s in ("pass", "fail", "incomplete", "not_applicable")}
    click.echo("checks: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for c in checks:
        if c.status in ("fail", "incomplete"):
            click.echo(f"  {c.status.upper()} {c.detail}")
    for issue in report.issues:
        click.echo(f"  {issue}")


@cli.command()
@_data_option
@_settings_option
@click.option("--budget-minutes", default=30.0, show_default=True, help="Time budget of each portal's crawl.")
def nightly(data_dir: Path | None, settings_path: Path | None, budget_minutes: float) -> None:
    """Crawl every portal config in portals_dir, extract, and log the run; for cron and systemd.

    Exits 1 only when something needs a person (a portal that yielded no document, a crawl that broke
    off, most requests failing); ordinary bad input is recorded in the failures table.

    Example:

        gongkai nightly --settings /etc/gongkai/gongkai.toml --budget-minutes 20
    """
    from pipelines.nightly import record_night, write_digest

    run = _run_settings(settings_path, data_dir)
    data = Path(run.data_dir)
    started = datetime.now(UTC)
    paths = sorted(Path(run.portals_dir).glob("*.toml"))
    if not paths:
        raise click.ClickException(f"no portal configs in {run.portals_dir} (portals_dir)")
    summary = _crawl((), data, run, paths=paths, budget=budget_minutes * 60)
    _print_crawl(summary)
    # Logged before extracting, so the database built next already shows tonight's run.
    report = record_night(
        data / "archive" / "index.sqlite",
        started.strftime("%Y%m%dT%H%M%SZ"),
        started.isoformat(timespec="seconds"),
        summary,
    )
    _print_extract(_extract(data, rebuild=False))
    digest = write_digest(data / "gongkai.db", summary.crawl_id, run.public_url)
    if digest:
        paths, line = digest
        click.echo(f"digest: {line}\ndigest written to {paths[0]}")
    else:
        click.echo("digest: first night, nothing to compare with yet")
    for night in report.portals:
        verdict = f"NEEDS ATTENTION: {night.needs_attention}" if night.needs_attention else "ok"
        click.echo(
            f"night {report.run_id} {night.portal}: {night.documents} documents, "
            f"{night.failures} failures, {night.finish_reason}: {verdict}"
        )
    if report.needs_attention:
        sys.exit(1)


@cli.command()
@click.option("--port", default=0, show_default=True, type=int, help="0 picks a free port.")
def replica(port: int) -> None:
    """Serve the bundled replica portal on 127.0.0.1 (as an HTTP proxy for *.replica.test hosts).

    Example:

        gongkai replica --port 8800
        curl -x http://127.0.0.1:8800 http://www.li-xian.replica.test/
    """
    from crawler.replica.serve import main as serve_replica

    serve_replica(["--port", str(port)])


@cli.command("verify-archive")
@_data_option
@_settings_option
def verify_archive(data_dir: Path | None, settings_path: Path | None) -> None:
    """Re-read every WARC record, check digests against the index; list mismatches; exit 1 if any.

    Example:

        gongkai verify-archive --data ./data
    """
    from archive.verify import verify_archive as verify

    run = _run_settings(settings_path, data_dir)
    root = Path(run.data_dir) / "archive"
    if not (root / "index.sqlite").exists():
        raise click.ClickException(f"no archive in {run.data_dir}")
    result = verify(root)
    for problem in result.problems[:SHOW_PROBLEMS]:
        click.echo(str(problem))
    if len(result.problems) > SHOW_PROBLEMS:
        click.echo(f"… and {len(result.problems) - SHOW_PROBLEMS} more")
    click.echo(
        f"{result.files} WARC files, {result.records} records checked, {len(result.problems)} problems"
    )
    if result.problems:
        sys.exit(1)


@cli.command("check-config")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_config(files: tuple[Path, ...]) -> None:
    """Validate portal configs; list every problem; exit 1 if there is any.

    With no FILES, checks every config shipped in crawler/portals and crawler/replica/portals.

    Example:

        gongkai check-config crawler/portals/lixian-gxs.toml
    """
    from crawler.config import check_portal

    paths = files or tuple(sorted(p for d in PORTAL_DIRS for p in d.glob("*.toml")))
    problems = [problem for path in paths for problem in check_portal(path)]
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"{len(paths)} configs checked, {len(problems)} problems")
    if problems:
        sys.exit(1)


# A group of its own module; imported here so `gongkai diff …` is part of the one command line.
from pipelines.diff.commands import diff  # noqa: E402

cli.add_command(diff)

if __name__ == "__main__":
    cli()
