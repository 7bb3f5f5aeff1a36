"""``gongkai diff years`` and ``gongkai diff crawls``: the diff reports from the command line."""

from pathlib import Path

import click

OUT_HELP = "HTML file to write; .json and .md are written beside it. Default: DATA/diffs/…"
LINK_HELP = (
    "Where `gongkai serve` answers, for links to archived captures. Default: public_url of gongkai.toml."
)


def _common(f):
    for option in reversed(
        [
            click.option(
                "--data",
                "data_dir",
                type=click.Path(file_okay=False, path_type=Path),
                default=None,
                help="Data directory (archive and database). Default: data_dir of gongkai.toml, ./data.",
            ),
            click.option("--settings", "settings_path", type=click.Path(dir_okay=False, path_type=Path)),
            click.option(
                "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=OUT_HELP
            ),
            click.option("--link-base", default=None, help=LINK_HELP),
        ]
    ):
        f = option(f)
    return f


def _database(settings_path: Path | None, data_dir: Path | None, link_base: str | None) -> tuple[Path, str]:
    """The database to read and the address to link archived captures under."""
    from crawler.config import command_settings

    settings = command_settings(settings_path, data_dir)
    db_path = Path(settings.data_dir) / "gongkai.db"
    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `gongkai extract` first")
    return db_path, link_base or settings.public_url


@click.group()
def diff() -> None:
    """What changed: an agency's annual reports year over year, or the portals between two crawls.

    Each writes an HTML page that reads offline, with .json and .md beside it.

    Example:

        gongkai diff years 乐清 --from 2020 --to 2023
        gongkai diff crawls
    """


@diff.command()
@click.argument("agency", required=False)
@click.option(
    "--from", "from_year", type=int, default=None, help="First year (default: the earliest report)."
)
@click.option("--to", "to_year", type=int, default=None, help="Last year (default: the latest report).")
@_common
def years(agency, from_year, to_year, data_dir, settings_path, out, link_base) -> None:
    """Diff an agency's annual reports across years: every statistic, checks, sections 一, 五, 六.

    AGENCY is the agency's name, part of it, or its portal id; leave it out for every agency.
    A cell that only one format version prints (2019 or 2021) is shown as a format change.

    Example:

        gongkai diff years 乐清市农业农村局 --from 2020 --to 2023 --out yueqing.html
    """
    from pipelines.diff.reports import NoSuchAgency, write_years

    try:
        db_path, link_base = _database(settings_path, data_dir, link_base)
        paths, results = write_years(db_path, agency, out, from_year, to_year, link_base)
    except NoSuchAgency as e:
        raise click.ClickException(str(e)) from e
    for result in results:
        click.echo(result.summary)
    click.echo("wrote " + ", ".join(map(str, paths)))


@diff.command()
@click.argument("crawl_a", required=False)
@click.argument("crawl_b", required=False)
@_common
def crawls(crawl_a, crawl_b, data_dir, settings_path, out, link_base) -> None:
    """Diff two crawls: per portal, documents new, changed, vanished and unchanged, with text diffs.

    With no crawl ids the last two crawls are compared; with one, that crawl and the one before it.

    Example:

        gongkai diff crawls 20240630T020000Z-1a2b 20240701T020000Z-3c4d
    """
    from pipelines.diff.crawls import STATES, NoSuchCrawl
    from pipelines.diff.reports import write_crawls

    try:
        db_path, link_base = _database(settings_path, data_dir, link_base)
        paths, result = write_crawls(db_path, crawl_a, crawl_b, out, link_base)
    except NoSuchCrawl as e:
        raise click.ClickException(str(e)) from e
    click.echo(result.summary())
    for portal in result.portals:
        shown = [(state, portal.counts[state]) for state in STATES if portal.counts.get(state)]
        counts = ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in shown)
        click.echo(f"  {portal.portal}: {counts}")
    click.echo("wrote " + ", ".join(map(str, paths)))
