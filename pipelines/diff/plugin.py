"""Datasette plugin: the diff reports as pages, and archived captures replayed from the WARC files.

Routes (under the Datasette instance that serves ``gongkai.db``):

- ``/-/diffs``: every agency with annual reports and every pair of consecutive crawls, as links;
- ``/-/diff/years/<agency>?from=2020&to=2023``: the year-over-year report (``.json`` for the data);
- ``/-/diff/crawls`` (the last two crawls) and ``/-/diff/crawls/<a>/<b>``: the crawl-to-crawl report;
- ``/-/capture/<uuid>``: the archived bytes of one capture, with its archived content type.

The pages are the same HTML that ``gongkai diff`` writes to files. Captures are read from the
``archive/`` directory beside the database; archived pages are served in a CSP sandbox, so a
portal's scripts never run under this origin.
"""

import asyncio
import html
import sqlite3
from pathlib import Path
from urllib.parse import quote, unquote

import sqlite_utils
from datasette import Response, hookimpl

from archive import index
from archive.charset import charset_from_content_type, decode_html
from archive.store import Archive
from pipelines.diff import render
from pipelines.diff.crawls import NoSuchCrawl, diff_crawls
from pipelines.diff.years import agencies_matching, diff_years
from pipelines.report.spec import load_spec

# Content a browser could run script in: served in a CSP sandbox.
ACTIVE_CONTENT = ("html", "xml", "svg", "javascript", "octet-stream")


def _database(datasette):
    """The Datasette database that holds gongkai's tables."""
    for db in datasette.databases.values():
        if db.path and Path(db.path).name == "gongkai.db":
            return db
    return next(db for db in datasette.databases.values() if db.path)


async def _run(datasette, fn):
    db = _database(datasette)
    return await db.execute_fn(lambda conn: fn(sqlite_utils.Database(conn)))


def _wants_json(request) -> bool:
    return request.url_vars.get("format") == "json" or request.args.get("_format") == "json"


async def years_page(datasette, request):
    agency = unquote(request.url_vars["agency"])
    from_year = _year(request.args.get("from"))
    to_year = _year(request.args.get("to"))

    def build(db):
        names = agencies_matching(db, agency)
        if len(names) != 1:
            return names, []
        return names, [diff_years(db, names[0], from_year, to_year, load_spec())]

    names, results = await _run(datasette, build)
    if not names:
        return Response.html(f"<p>No agency with annual reports matches {_escape(agency)}.</p>", status=404)
    if len(names) > 1:
        # One page per agency: a word common to many names must not diff them all on one request.
        links = "".join(f'<li><a href="{_years_href(n)}">{_escape(n)}</a></li>' for n in names)
        return Response.html(f"<p>{len(names)} agencies match {_escape(agency)}:</p><ul>{links}</ul>")
    if _wants_json(request):
        return Response.json({"agencies": [r.as_json() for r in results]})
    source = str(_database(datasette).path)
    return Response.html(render.years_html(results, source, link_base=""))


async def crawls_page(datasette, request):
    a, b = request.url_vars.get("a"), request.url_vars.get("b")
    try:
        result = await _run(datasette, lambda db: diff_crawls(db, a, b))
    except NoSuchCrawl as e:
        return Response.html(f"<p>{_escape(str(e))}</p>", status=404)
    if _wants_json(request):
        return Response.json(result.as_json())
    return Response.html(render.crawls_html(result, str(_database(datasette).path), link_base=""))


async def index_page(datasette, request):
    def build(db):
        agencies = [
            (r["agency"], r["first"], r["last"], r["n"])
            for r in db.query(
                "SELECT agency, min(year) AS first, max(year) AS last, count(*) AS n FROM reports"
                " WHERE agency IS NOT NULL GROUP BY agency ORDER BY agency"
            )
        ]
        crawls = [r["crawl_id"] for r in db.query("SELECT crawl_id FROM crawls ORDER BY started_at")]
        return agencies, crawls

    agencies, crawls = await _run(datasette, build)
    items = [
        f'<li><a href="{_years_href(name)}">{_escape(name)}</a> {first}–{last} ({n} reports)</li>'
        for name, first, last, n in agencies
    ]
    pairs = [
        f'<li><a href="/-/diff/crawls/{quote(a)}/{quote(b)}">{_escape(a)} → {_escape(b)}</a></li>'
        for a, b in zip(crawls, crawls[1:], strict=False)
    ]
    body = (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>gongkai diffs</title>"
        "</head><body>"
        "<h1>Diff reports</h1><h2>Annual reports year over year</h2><ul>"
        + "".join(items)
        + "</ul><h2>Between crawls</h2><ul>"
        + ("".join(reversed(pairs)) or "<li>Only one crawl so far.</li>")
        + "</ul></body></html>"
    )
    return Response.html(body)


async def capture_page(datasette, request):
    record_id = f"<urn:uuid:{request.url_vars['uuid']}>"
    db_path = Path(_database(datasette).path)
    archive_dir = db_path.parent / "archive"
    if not (archive_dir / "index.sqlite").exists():
        return Response.text(
            f"the archive is not beside {db_path}: capture {record_id} cannot be read here", 404
        )

    def read():
        archive = Archive(archive_dir, readonly=True)
        try:
            capture = index.get_capture(archive.db, record_id)
            if capture is None:
                return None, None
            return capture, archive.read_payload(capture)
        finally:
            archive.close()

    try:
        capture, body = await asyncio.to_thread(read)
    except (OSError, sqlite3.Error) as e:
        return Response.text(f"capture {record_id} could not be read: {e}", 500)
    if capture is None:
        return Response.text(f"no capture {record_id} in the archive", 404)
    return _replay(capture, body)


def _replay(capture, body: bytes) -> Response:
    """The archived answer as it was: its status (an archived 404 page stays a 404), its type, its bytes."""
    content_type = capture.content_type or "application/octet-stream"
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Robots-Tag": "noindex",
        "X-Gongkai-Original-Url": quote(capture.url, safe=":/?&=%#"),
        "X-Gongkai-Fetched-At": capture.fetched_at or "",
    }
    if any(kind in content_type for kind in ACTIVE_CONTENT):
        # Archived pages carry the portal's scripts; they must not run under this origin. PDFs are
        # left out: browsers refuse to show a PDF inside a sandbox.
        headers["Content-Security-Policy"] = "sandbox"
    if content_type.startswith("text/html"):
        # Portals lie about charsets (GBK sent as utf-8); serve the text as the extractor read it.
        decoded = decode_html(body, charset_from_content_type(content_type))
        body, content_type = decoded.text.encode("utf-8"), "text/html; charset=utf-8"
    status = capture.status if 200 <= (capture.status or 0) < 600 and capture.status != 304 else 200
    return Response(body, status=status, headers=headers, content_type=content_type)


def _years_href(agency: str) -> str:
    return "/-/diff/years/" + quote(agency, safe="")


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _escape(text: str) -> str:
    return html.escape(text)


@hookimpl
def register_routes():
    return [
        (r"^/-/diffs$", index_page),
        (r"^/-/diff/years/(?P<agency>[^/]+?)(\.(?P<format>json))?$", years_page),
        (r"^/-/diff/crawls(\.(?P<format>json))?$", crawls_page),
        (r"^/-/diff/crawls/(?P<a>[^/]+)/(?P<b>[^/.]+)(\.(?P<format>json))?$", crawls_page),
        (r"^/-/capture/(?P<uuid>[0-9a-fA-F-]{36})$", capture_page),
    ]


@hookimpl
def menu_links(datasette, actor):
    return [{"href": "/-/diffs", "label": "Diff reports"}]
