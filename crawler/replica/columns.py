"""The lists of the classic families: public-column and Ankang list pages, Hanweb columns and servlets.

The lists of families A, D and F, which need the rendered files, are lists.py's. Hanweb answers
its lists and files through routes (its data proxy and download servlet), which routing.py answers
from routes.json.
"""

from __future__ import annotations

from itertools import permutations

from crawler.replica import hanweb, pages
from crawler.replica.output import Site, dump
from crawler.replica.plan import (
    DOWNLOAD_PATH,
    JPAGE_PROXY,
    PAGE_SIZE,
    Doc,
    column_documents,
    route,
    site_path,
)
from crawler.replica.sites import AGENCIES, Agency, Host

MISSING_DOWNLOAD = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>提示</title></head>'
    "<body><p>对不起，您要下载的文件不存在或已被删除！</p></body></html>"
)


def add_column(site: Site, agency: Agency, column: str, docs: list[Doc]) -> None:
    """Write every list page of one column (newest first, 15 per page), or its Hanweb records."""
    listed = column_documents(docs, agency, column)
    if agency.host.family == "hanweb":
        add_jpage_column(site, agency, column, listed)
        return
    pages_total = max(1, -(-len(listed) // PAGE_SIZE))
    for number in range(1, pages_total + 1):
        chunk = listed[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        html = pages.list_page(agency, column, chunk, number, pages_total).encode()
        url = pages.column_url(agency, column, number)
        if agency.host.family == "public-column":
            body_file = f"_routes/{agency.host.name}/column/{agency.column_id(column)}/{number}.html"
            site.files[body_file] = html
            site.routes.append(
                route(url, file=body_file, note=f"{agency.name} {pages.COLUMN_NAMES[column]} p{number}")
            )
            if number == 1:  # the same list without pageIndex, as menus link it
                site.routes.append(
                    route(url.rsplit("&pageIndex=", 1)[0], file=body_file, note="page 1 alias")
                )
        else:
            site.files[site_path(url)] = html


def add_jpage_column(site: Site, agency: Agency, column: str, listed: list[Doc]) -> None:
    """A Hanweb column: the page with its first 15 records, and the proxy route holding them all."""
    records = [hanweb.record(doc) for doc in listed]
    site.files[site_path(pages.column_url(agency, column))] = pages.hanweb_column_page(
        agency, column, records
    ).encode()
    site.files[jpage_records_file(agency, column)] = dump(records)
    note = f"{agency.name} {pages.COLUMN_NAMES[column]}, asked with its own unitid"
    site.routes.append(jpage_route(agency, column, agency, column, note=note))


def jpage_route(agency: Agency, column: str, unit_agency: Agency, unit_column: str, **fields: object) -> dict:
    """A data-proxy route: webid, the column id of one column and the unitid of one (maybe another).

    The unit decides what comes back: the records of the column the unitid belongs to.
    """
    form = hanweb.proxy_form(agency, column)
    return route(
        f"http://{agency.host.name}{JPAGE_PROXY}",
        kind="jpage",
        method="POST",
        form={k: form[k] for k in ("webid", "columnid")} | {"unitid": unit_agency.unit_id(unit_column)},
        records=jpage_records_file(unit_agency, unit_column),
        **fields,
    )


def jpage_records_file(agency: Agency, column: str) -> str:
    """Where one Hanweb column's list records are kept, under site/."""
    return f"_routes/{agency.host.name}/jpage/{agency.column_id(column)}.json"


def add_servlets(site: Site, host: Host) -> None:
    """Hanweb's download servlet, and the data proxy's answers to a column id with another unit's id."""
    site.files[f"_routes/{host.name}/download-missing.html"] = MISSING_DOWNLOAD.encode()
    site.routes.append(
        route(
            f"http://{host.name}{DOWNLOAD_PATH}",
            kind="download",
            param="filename",
            files=dict(sorted(site.downloads.get(host.name, {}).items())),
            missing={"file": f"_routes/{host.name}/download-missing.html", "quirk": "missing_file"},
            note="files by their storage name; showname is only what the link says",
        )
    )
    columns = [(a, c) for a in AGENCIES if a.host is host for c in ("annual_report", "catalog")]
    for (agency, column), (other, other_column) in permutations(columns, 2):
        note = (
            f"{agency.name} {pages.COLUMN_NAMES[column]} asked with the unitid of {other.name} "
            + (pages.COLUMN_NAMES[other_column])
        )
        fault = "jpage_wrong_unitid"
        site.routes.append(jpage_route(agency, column, other, other_column, fault=fault, note=note))
