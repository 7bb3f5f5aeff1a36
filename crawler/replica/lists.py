"""The lists of families A (gkmlpt), D (Shandong gongkai) and F (TRS static), and their manifest entries.

Each family lists differently: gkmlpt from a Vue shell's TREE and a JSON API per category, gongkai
from a JSON endpoint behind a shell page, TRS from static ``index_N.html`` pages. build.py writes
these lists once every epoch's PDFs exist, because the gkmlpt API gives each file's size.
"""

from __future__ import annotations

import json

from crawler.replica import gkmlpt, gongkai, pages, trs
from crawler.replica.pages import COLUMN_NAMES, column_url
from crawler.replica.plan import Doc, column_documents, route, site_path
from crawler.replica.sites import Agency, Host

FAMILIES = ("gkmlpt", "sd-gongkai", "trs-static")
COLUMNS = ("annual_report", "catalog")
Built = tuple[dict[str, bytes], list[dict]]  # files under site/, routes.json entries


def compact(data: object) -> bytes:
    """JSON as the platforms send it: UTF-8, no indentation."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def agency_lists(agency: Agency, docs: list[Doc], files: dict[str, bytes]) -> Built:
    """Every list page, shell, API answer and route of one agency of families A, D or F."""
    listed = {column: column_documents(docs, agency, column) for column in COLUMNS}
    if agency.host.family == "gkmlpt":
        return _gkmlpt(agency, listed, files)
    if agency.host.family == "sd-gongkai":
        return _gongkai(agency, listed)
    return _trs(agency, listed)


def gkmlpt_api_url(agency: Agency, category: int, page: int) -> str:
    return f"http://{agency.host.name}/{agency.unit}/gkmlpt/api/all/{category}?page={page}&sid={agency.sid}"


def _gkmlpt(agency: Agency, listed: dict[str, list[Doc]], files: dict[str, bytes]) -> Built:
    """The shell (three views, one file) and the API's page 0 and page 1 of every category."""
    host = agency.host.name
    sizes = {
        file.url: len(files[file.file])
        for docs in listed.values()
        for doc in docs
        for file in doc.attachments
        if file.file in files
    }
    categories = gkmlpt.categories(agency, listed["annual_report"], listed["catalog"])
    folder = f"_routes/{host}/gkmlpt/{agency.unit}"
    built = {f"{folder}/index.html": gkmlpt.shell(agency, gkmlpt.tree(agency, categories)).encode()}
    routes = [
        route(
            f"http://{host}/{agency.unit}/gkmlpt/{view}",
            file=f"{folder}/index.html",
            note=f"{agency.name} gkmlpt shell ({view} view)",
        )
        for view in gkmlpt.VIEWS
    ]
    for category in categories:
        built[f"{folder}/api/{category.id}.json"] = compact(gkmlpt.api_page(category, sizes))
        routes += [
            route(
                gkmlpt_api_url(agency, category.id, page),
                file=f"{folder}/api/{category.id}.json",
                note=f"{category.name} page {page} (0 and 1 are the same batch; 2 is past the window)",
            )
            for page in (0, 1)
        ]
    return built, routes


def _gongkai(agency: Agency, listed: dict[str, list[Doc]]) -> Built:
    """The unit home, each channel's shell page and the JSON list route behind it."""
    host = agency.host.name
    built = {f"{host}/gongkai/site_{agency.unit}/index.html": gongkai_unit_page(agency).encode()}
    routes = []
    for column, docs in listed.items():
        channel = agency.column_id(column)
        built[site_path(column_url(agency, column)) + "index.html"] = gongkai_shell_page(
            agency, column
        ).encode()
        records = f"_routes/{host}/gongkai/{channel}.json"
        built[records] = compact([gongkai.record(doc) for doc in docs])
        note = f"{agency.name} {COLUMN_NAMES[column]}: the JSON list of channel {channel}"
        routes.append(
            route(
                f"http://{host}{gongkai.API_PATH}",
                kind="docs_api",
                channel=channel,
                records=records,
                note=note,
            )
        )
    return built, routes


def _trs(agency: Agency, listed: dict[str, list[Doc]]) -> Built:
    """Each section's ``index.html``, ``index_1.html`` … and the stubs after the last one."""
    built = {}
    for column, docs in listed.items():
        count = trs_pages(len(docs))
        base = trs.section_url(agency, column)
        for index in range(count):
            chunk = docs[index * trs.PAGE_SIZE : (index + 1) * trs.PAGE_SIZE]
            html = trs_list_page(agency, column, chunk, index, count)
            built[site_path(base + trs.page_name(index))] = html.encode()
        for index in range(count, count + trs.STUBS):
            built[site_path(base + trs.page_name(index))] = trs.stub(agency, column, index)
    return built, []


def trs_pages(items: int) -> int:
    return max(1, -(-items // trs.PAGE_SIZE))


def trs_list_page(agency: Agency, column: str, docs: list[Doc], index: int, count: int) -> str:
    """One TRS list page (``index.html`` is page 0), with the pager script loaded in the head."""
    name = COLUMN_NAMES[column]
    content = trs.list_content(agency, column, name, docs, index, count)
    meta = {"ColumnName": name, "ColumnType": name}
    script = f'\n<script src="{trs.PAGER_SCRIPT}"></script>'
    title = f"{name}-{agency.name}-{agency.host.site}"
    return pages.page(agency.host, title, meta, content, head=script, http_equiv=True)


def gongkai_shell_page(agency: Agency, column: str) -> str:
    """A gongkai channel page: no list in the HTML, only the box the list script fills."""
    return pages.column_page(agency, column, gongkai.shell_content(agency, column, COLUMN_NAMES))


def gongkai_unit_page(agency: Agency) -> str:
    """A gongkai unit's disclosure home ``/gongkai/site_<unit>/``."""
    meta = {"ColumnName": "政府信息公开", "ColumnType": "政府信息公开"}
    content = gongkai.unit_content(agency, COLUMN_NAMES)
    return pages.page(agency.host, f"{agency.name}-{agency.host.site}", meta, content)


def host_files(host: Host) -> dict[str, bytes]:
    """A new family's own static files: the gkmlpt app script, gongkai's list script, TRS's pager."""
    if host.family == "gkmlpt":
        return {f"{host.name}{gkmlpt.APP_SCRIPT}": gkmlpt.APP_JS.encode()}
    if host.family == "sd-gongkai":
        return {f"{host.name}{gongkai.LIST_SCRIPT}": gongkai.LIST_JS.encode()}
    if host.family == "trs-static":
        return {f"{host.name}{trs.PAGER_SCRIPT}": trs.PAGER_JS.encode()}
    return {}


def manifest_column(agency: Agency, column: str, docs: list[Doc]) -> dict:
    """manifest.json's entry for a column of families A, D or F: how a client walks it, and its size.

    Every entry has ``items`` (documents listed) and ``pages``; the list data is at ``api`` (JSON
    URLs; ``json`` names the items array and the link key) or ``page_urls`` (TRS pages).
    """
    listed = column_documents(docs, agency, column)
    entry: dict = {"name": COLUMN_NAMES[column], "items": len(listed)}
    if agency.host.family == "gkmlpt":
        annual = column_documents(docs, agency, "annual_report")
        catalog = column_documents(docs, agency, "catalog")
        wanted = {int(agency.column_id(column))}
        if column == "catalog":
            wanted |= set(gkmlpt.child_ids(agency))
        shown = [c for c in gkmlpt.categories(agency, annual, catalog) if c.id in wanted]
        return entry | {
            "start_urls": [],
            "index_url": f"http://{agency.host.name}/{agency.unit}/gkmlpt/index",
            "sid": agency.sid,
            "category": int(agency.column_id(column)),
            "pages": 1,
            "api": [gkmlpt_api_url(agency, c.id, 1) for c in shown],
            "json": {"items": "articles", "link": "url"},
            "window": {
                str(c.id): {"name": c.name, "post_count": c.post_count, "served": len(c.posts)} for c in shown
            },
            "past_window": [gkmlpt_api_url(agency, c.id, 2) for c in shown],
        }
    if agency.host.family == "sd-gongkai":
        count = max(1, -(-len(listed) // gongkai.PAGE_SIZE))
        return entry | {
            "start_urls": [column_url(agency, column)],
            "pages": count,
            "api": [gongkai.api_url(agency, column, n) for n in range(1, count + 1)],
            "json": {"items": "docs", "link": "url"},
        }
    count = trs_pages(len(listed))
    base = trs.section_url(agency, column)
    return entry | {
        "start_urls": [column_url(agency, column)],
        "pages": count,
        "page_urls": [base + trs.page_name(n) for n in range(count)],
        "stubs": [base + trs.page_name(n) for n in range(count, count + trs.STUBS)],
    }
