"""Regenerate the replica portal: ``site/``, ``site/routes.json``, ``truth/`` and ``manifest.json``.

Usage::

    python -m crawler.replica.build [--seeds /work/shared/seeds] [--spec /work/shared/spec]

Steps: plan every document (sites.py, plan.py) → invent each report's statistics, or take a
seed report's hand-checked ones (stats.py) → for each epoch (epochs.py), apply that night's changes
and render pages, DOCX and PDF (pages.py, hanweb.py, gkmlpt.py, gongkai.py, trs.py, report.py,
office.py; PDFs via headless LibreOffice, one run for all epochs), then the lists of families A, D
and F (lists.py; the gkmlpt API gives file sizes) → keep epoch 1 as ``site/`` and what each later
epoch changed as ``site/_epochs/<n>/`` → write the files, the route table, one truth JSON per report (and per
report a later epoch corrects, under ``truth/epoch-<n>/``) and the manifest the tests read. The
output is checked in; a rerun gives the same bytes (randomness is seeded; tool timestamps are fixed).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from itertools import permutations
from pathlib import Path
from urllib.parse import quote

from crawler.replica import (
    behaviours,
    epochs,
    filler,
    hanweb,
    lists,
    office,
    overlay,
    pages,
    plan,
    stats,
    texts,
)
from crawler.replica.manifest import FAULT_NOTES, epochs_section, manifest
from crawler.replica.plan import (
    DOWNLOAD_PATH,
    JPAGE_PROXY,
    PAGE_SIZE,
    Attachment,
    Doc,
    column_documents,
    route,
    site_path,
)
from crawler.replica.report import Block, document_blocks, report_blocks
from crawler.replica.serve import OVERLAY, REPLICA_HOSTS
from crawler.replica.sites import AGENCIES, HOSTS, Agency, Host, vocabulary

HERE = Path(__file__).resolve().parent
ERROR_500 = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>500 Internal Server Error</title></head>'
    "<body><h1>500 Internal Server Error</h1><p>服务器内部错误，请稍后再试。</p>"
    "<p>java.lang.NullPointerException at com.cms.content.ContentAction.view</p></body></html>"
)
ERROR_404 = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head>'
    "<body><h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
)
ERROR_410 = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>410 Gone</title></head>'
    "<body><h1>410 Gone</h1><p>该信息已撤销发布。</p></body></html>"
)
ERRORS = {"http_404": (404, ERROR_404), "http_410": (410, ERROR_410), "http_500": (500, ERROR_500)}
MISSING_DOWNLOAD = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>提示</title></head>'
    "<body><p>对不起，您要下载的文件不存在或已被删除！</p></body></html>"
)


@dataclass
class Site:
    """Everything a build writes, collected before anything touches the disk."""

    docs: list[Doc] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # path under site/ → bytes
    routes: list[dict] = field(default_factory=list)
    pdf_sources: dict[str, tuple[bytes, datetime]] = field(default_factory=dict)  # doc key → DOCX, date
    pdf_files: dict[str, str] = field(default_factory=dict)  # doc key → where its PDF goes
    downloads: dict[str, dict[str, dict]] = field(default_factory=dict)  # host → servlet filename → entry
    truth: dict[str, dict] = field(default_factory=dict)
    epoch_truth: dict[str, dict] = field(default_factory=dict)  # "epoch-<n>/<name>" → truth record
    manifest: dict = field(default_factory=dict)


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m crawler.replica.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"), help="folder of seed texts")
    parser.add_argument(
        "--spec", type=Path, default=Path("/work/shared/spec"), help="statistics.toml, expected/*.toml"
    )
    args = parser.parse_args(argv)
    site = build(args.seeds, args.spec)
    write(site, HERE)
    size = sum(len(data) for data in site.files.values())
    later = sum(1 for path in site.files if path.startswith(f"{OVERLAY}/"))
    print(
        f"replica: {len(site.files)} files, {size / 1e6:.1f} MB, {len(site.truth)} reports; "
        f"epochs {', '.join(map(str, epochs.EPOCHS))} ({later} files changed after epoch 1)"
    )


def build(seeds: Path, spec_dir: Path) -> Site:
    """Render the whole replica in memory: every epoch, then epoch 1 plus what later ones change."""
    assert {h.name for h in HOSTS} == set(REPLICA_HOSTS), "serve.REPLICA_HOSTS and sites.HOSTS disagree"
    spec = tomllib.loads((spec_dir / "statistics.toml").read_text(encoding="utf-8"))
    planned = plan.plan_site()
    figures = {
        agency.slug: stats.agency_statistics(
            spec,
            [(p.year, p.version, p.profile, seed_values(spec_dir, p.seed_report)) for p in agency.reports],
            agency.kind,
            f"replica-stats:{agency.slug}",
        )
        for agency in AGENCIES
    }
    worlds = {
        epoch: render_epoch(epochs.documents_at(epoch, planned), figures, spec, seeds)
        for epoch in epochs.EPOCHS
    }
    add_pdfs(worlds)
    for world in worlds.values():
        add_family_lists(world)
    return combine(worlds)


def render_epoch(
    docs: list[Doc], figures: dict[str, dict[int, stats.Values]], spec: dict, seeds: Path
) -> Site:
    """Everything one epoch serves, but the PDFs (``add_pdfs`` converts every epoch's at once)."""
    by_key = {doc.key: doc for doc in docs}
    site = Site(docs)
    for doc in docs:
        values = report_values(doc, figures)
        render(doc, site, blocks_of(doc, values, spec, seeds), by_key)
        if doc.report:
            site.truth[f"{doc.agency.slug}-{doc.report.year}"] = truth(doc, values)
    for agency in AGENCIES:
        if agency.host.family in lists.FAMILIES:
            continue  # add_family_lists, once the PDFs exist
        for column in ("annual_report", "catalog"):
            add_column(site, agency, column, docs)
    for host in HOSTS:
        add_host_pages(site, host)
        if host.family == "hanweb":
            add_servlets(site, host)
    files, routes = behaviours.build()
    site.files |= files
    site.routes += routes
    return site


def report_values(doc: Doc, figures: dict[str, dict[int, stats.Values]]) -> stats.Values | None:
    """A report's statistics, with a later night's correction; None for any other document."""
    if not doc.report:
        return None
    values = figures[doc.agency.slug][doc.report.year]
    if doc.correction:
        key, value = doc.correction
        assert key in values, f"{doc.key}: no statistic {key} to correct"
        values = values | {key: value}
    return values


def add_pdfs(worlds: dict[int, Site]) -> None:
    """Convert every epoch's DOCX to PDF in one LibreOffice run; an unchanged DOCX is converted once.

    A document whose DOCX a later epoch changes is converted again as ``<key>@<epoch>``.
    """
    jobs: dict[str, tuple[bytes, datetime]] = {}
    names: dict[tuple[int, str], str] = {}
    for epoch, world in worlds.items():
        for key, source in world.pdf_sources.items():
            before = names.get((epoch - 1, key))
            if before is not None and jobs[before] == source:
                names[(epoch, key)] = before
            else:
                names[(epoch, key)] = key if epoch == 1 else f"{key}@{epoch}"
                jobs[names[(epoch, key)]] = source
    pdfs = office.to_pdf(jobs)
    for (epoch, key), name in names.items():
        world = worlds[epoch]
        broken = next(doc for doc in world.docs if doc.key == key).fault == "corrupt_attachment"
        world.files[world.pdf_files[key]] = office.truncated_pdf(pdfs[name]) if broken else pdfs[name]


def add_family_lists(world: Site) -> None:
    """The lists of every agency of families A, D and F (lists.py), from the epoch's files."""
    for agency in AGENCIES:
        if agency.host.family in lists.FAMILIES:
            files, routes = lists.agency_lists(agency, world.docs, world.files)
            world.files |= files
            world.routes += routes


def combine(worlds: dict[int, Site]) -> Site:
    """Epoch 1 as the site, each later epoch's changed files under ``_epochs/<n>/``, one route table."""
    site = Site(worlds[1].docs, dict(worlds[1].files), truth=worlds[1].truth)
    changed_urls = {}
    for epoch in list(worlds)[1:]:
        before, world = worlds[epoch - 1], worlds[epoch]
        overlay.check_vanished(before.files, world.files, world.routes, epoch)
        changed = sorted(path for path, data in world.files.items() if before.files.get(path) != data)
        site.files |= {f"{OVERLAY}/{epoch}/{path}": world.files[path] for path in changed}
        changed_urls[epoch] = overlay.served_urls(changed, world.routes, world.docs)
        changed_urls[epoch] |= overlay.route_changes(before.routes, world.routes)
        for name, record in world.truth.items():
            if record["statistics"] != before.truth[name]["statistics"]:
                files = {
                    role: overlay.served_file(site.files, path, epoch)
                    for role, path in record["files"].items()
                }
                site.epoch_truth[f"epoch-{epoch}/{name}"] = record | {"epoch": epoch, "files": files}
    routes = overlay.merge_routes({epoch: world.routes for epoch, world in worlds.items()})
    site.files["routes.json"] = dump({"about": ROUTES_ABOUT, "epochs": list(worlds), "routes": routes})
    site.manifest = manifest(site.docs) | {
        "behaviours": behaviours.manifest_entries(),
        "epochs": epochs_section(
            {epoch: world.docs for epoch, world in worlds.items()},
            {epoch: world.truth for epoch, world in worlds.items()},
            {epoch: sorted(urls) for epoch, urls in changed_urls.items()},
        ),
    }
    return site


def blocks_of(doc: Doc, values: stats.Values | None, spec: dict, seeds: Path) -> list[Block]:
    """The content of a document as blocks, by kind."""
    agency, when = doc.agency, doc.published
    closing = [agency.name, f"{when.year}年{when.month}月{when.day}日"]
    if doc.kind == "report":
        return report_blocks(doc, values, spec, seeds)
    if doc.kind == "guide":
        return document_blocks(doc.title, filler.guide(agency), closing)
    if doc.kind in ("work_plan", "self_assessment"):
        seed = 1 if doc.kind == "work_plan" else 0
        lines = texts.adapted(seeds, seed, when.year, vocabulary(agency))
        return document_blocks(
            doc.title, lines[1:] if seed == 1 else lines[2:-2], [] if seed == 1 else closing
        )
    if doc.kind == "image":
        return []
    honours = doc.fault in filler.GBK_FAULTS
    paragraphs, ending = filler.honours_body(doc) if honours else filler.body(doc)
    return document_blocks(doc.title, filler.revised(doc, paragraphs) if doc.revised else paragraphs, ending)


def render(doc: Doc, site: Site, blocks: list[Block], by_key: dict[str, Doc]) -> None:
    """Write one document's page, attachments and routes into the site."""
    if doc.attachments:
        add_attachments(site, doc, blocks)
    if doc.page_url is None:
        return
    if doc.fault in ERRORS or doc.gone in ERRORS:
        add_error_route(site, doc)
        return
    if doc.gone == "soft_404":
        site.files[site_path(doc.page_url)] = pages.soft_404_page(doc.agency.host).encode()
        return
    if doc.blocked:
        add_challenge_route(site, doc)
    column = doc.home_column
    related = by_key.get(doc.related_key) if doc.related_key else None
    charset = PAGE_CHARSETS.get(doc.fault or "", "utf-8")  # as declared; GB 2312 pages are GBK bytes
    html = pages.detail_page(doc, body_html(site, doc, blocks), column, related, charset)
    site.files[site_path(doc.page_url)] = html.encode("gbk" if charset == "gb2312" else charset)
    headers = page_headers(doc)
    if headers:
        quirk = None if doc.fault else "no_charset"
        note = (
            FAULT_NOTES[doc.fault] if doc.fault else "Content-Type without charset (UTF-8 bytes, meta utf-8)"
        )
        site.routes.append(
            route(
                doc.page_url,
                file=site_path(doc.page_url),
                fault=doc.fault,
                quirk=quirk,
                note=note,
                headers=headers,
            )
        )


PAGE_CHARSETS = {"gbk_lying_header": "gbk", "gbk_meta_charset": "gb2312"}


def body_html(site: Site, doc: Doc, blocks: list[Block]) -> str:
    """The main content of a page: the image of a 一图读懂 page, 详见附件 (form b), or the blocks."""
    if doc.kind == "image":
        image_url = plan.image_url(doc)
        site.files[site_path(image_url)] = office.png_bytes(750, 900, IMAGE_BANDS)
        return pages.image_body(image_url)
    if doc.report and doc.report.form == "b":
        return "<p>详见附件。</p>\n" + pages.attachment_html(doc)
    return pages.blocks_html(blocks[1:]) + "\n" + pages.attachment_html(doc)


def page_headers(doc: Doc) -> dict[str, str] | None:
    """Header overrides of a page: a GBK page's lying or missing charset, the Ankang guides' missing one."""
    if doc.fault == "gbk_lying_header":
        return {"Content-Type": "text/html; charset=utf-8"}
    if doc.fault == "gbk_meta_charset":
        return {"Content-Type": "text/html"}
    if doc.kind == "guide" and doc.agency.host.family == "ankang-node":
        return {"Content-Type": "text/html"}
    return None


def add_error_route(site: Site, doc: Doc) -> None:
    """A page that answers 404, 410 or 500 with an HTML error body: a fault, or gone on a later night."""
    status, body = ERRORS[doc.fault or doc.gone]
    error_file = f"_routes/{doc.agency.host.name}/{status}.html"
    site.files[error_file] = body.encode()
    note = FAULT_NOTES[doc.fault] if doc.fault else f"removed on a later night: answers {status}"
    site.routes.append(
        route(doc.page_url, file=error_file, status=status, fault=doc.fault, gone=doc.gone, note=note)
    )


def add_challenge_route(site: Site, doc: Doc) -> None:
    """A page that answers a 瑞数-style challenge (412) instead of itself, on a later night (R10)."""
    challenge_file = f"_routes/{doc.agency.host.name}/412.html"
    site.files[challenge_file] = behaviours.RUISHU_CHALLENGE.encode()
    note = "blocked on a later night: a 瑞数-style challenge instead of the page"
    site.routes.append(
        route(
            doc.page_url,
            file=challenge_file,
            status=412,
            headers=behaviours.RUISHU_HEADERS,
            blocked="ruishu",
            note=note,
        )
    )


def add_attachments(site: Site, doc: Doc, blocks: list[Block]) -> None:
    """Store a document's DOCX and queue its PDF; add the routes its family serves files by.

    A report's files hold the report (form e: the same DOCX, and the PDF made from it); other
    documents' files are a title page. public/column files download as octet-stream with an
    RFC 5987 name; Hanweb files come from the download servlet (``add_servlets``).
    """
    title = "报名汇总表" if doc.fault == "corrupt_attachment" else doc.title
    data = office.docx_bytes(
        blocks if doc.kind == "report" else [("title", title)], doc.agency.name, doc.published
    )
    family = doc.agency.host.family
    for file in doc.attachments:
        if file.ext == "pdf":
            site.pdf_sources[doc.key], site.pdf_files[doc.key] = (data, doc.published), file.file
        else:
            site.files[file.file] = data
        if family == "public-column":
            disposition = f"attachment; filename*=UTF-8''{quote(file.name)}"
            headers = {"Content-Type": "application/octet-stream", "Content-Disposition": disposition}
            site.routes.append(route(file.url, file=file.file, note="download", headers=headers))
        elif family == "hanweb":
            site.downloads.setdefault(doc.agency.host.name, {})[file.file.rsplit("/", 1)[1]] = download(file)
        elif doc.fault:
            site.routes.append(route(file.url, file=file.file, fault=doc.fault, note=FAULT_NOTES[doc.fault]))


def download(file: Attachment) -> dict:
    """The download servlet's entry for one stored file: its body and headers (R35)."""
    headers, encoding = hanweb.download_disposition(file.name, file.disposition or "none")
    entry = {"file": file.file, "headers": headers, "disposition": file.disposition}
    return entry | ({"header_encoding": {"Content-Disposition": encoding}} if encoding else {})


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


DISCLOSURE_INDEX = {
    "public-column": "zwgk/index.html",
    "ankang-node": "Node-9001.html",
    "hanweb": "col/col1229000002/index.html",
    "gkmlpt": "zwgk/index.html",
    "sd-gongkai": "gongkai/index.html",
    "trs-static": "xxgk/index.html",
}


def add_host_pages(site: Site, host: Host) -> None:
    """Homepage (also the disclosure index), robots.txt and the stylesheet of a host."""
    home = pages.home_page(host, [a for a in AGENCIES if a.host is host]).encode()
    site.files[f"{host.name}/index.html"] = home
    site.files[f"{host.name}/{DISCLOSURE_INDEX[host.family]}"] = home
    site.files[f"{host.name}/robots.txt"] = b"User-agent: *\nAllow: /\n"
    site.files[f"{host.name}/static/style.css"] = pages.STYLE.encode()
    site.files |= lists.host_files(host)


def seed_values(spec_dir: Path, seed: str | None) -> stats.Values | None:
    """The hand-checked values of a seed report (``expected/<seed>.toml``), blanks as None."""
    if seed is None:
        return None
    expected = tomllib.loads((spec_dir / "expected" / f"{seed}.toml").read_text(encoding="utf-8"))
    return expected["values"] | dict.fromkeys(expected["blank"]["keys"])


def truth(doc: Doc, values: stats.Values) -> dict:
    """Ground truth of one report: identity, where each rendering is, its form and every statistic.

    ``urls`` names each rendering by role (page, pdf, docx); ``files`` says where the replica
    keeps its bytes under crawler/replica/site/ (the download servlet's URLs share one path).
    """
    report = doc.report
    urls = {"page": doc.page_url} if doc.page_url else {}
    urls |= {file.ext: file.url for file in doc.attachments}
    files = {"page": site_path(doc.page_url)} if doc.page_url else {}
    files |= {file.ext: file.file for file in doc.attachments}
    return {
        "agency": doc.agency.name,
        "portal": doc.agency.portal_id,
        "year": report.year,
        "format_version": report.version,
        "title": doc.title,
        "published": f"{doc.published:%Y-%m-%d}",
        "urls": urls,
        "files": files,
        "form": report.form,
        "profile": report.profile,
        **({"seed": report.seed_report} if report.seed_report else {}),
        "statistics": values,
    }


def dump(data: object) -> bytes:
    """Stable, diffable JSON."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def write(site: Site, root: Path) -> None:
    """Replace site/ and truth/ with the build, and write manifest.json."""
    for folder in ("site", "truth"):
        shutil.rmtree(root / folder, ignore_errors=True)
    for relative, data in site.files.items():
        target = root / "site" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for name, record in (site.truth | site.epoch_truth).items():
        target = root / "truth" / f"{name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(dump(record))
    (root / "manifest.json").write_bytes(dump(site.manifest))


IMAGE_BANDS = [
    (120, (192, 0, 0)),
    (40, (255, 255, 255)),
    (160, (242, 200, 120)),
    (30, (255, 255, 255)),
    (160, (120, 170, 220)),
    (30, (255, 255, 255)),
    (160, (150, 200, 140)),
    (30, (255, 255, 255)),
    (120, (200, 200, 200)),
]
ROUTES_ABOUT = (
    "Requests the replica answers from this table rather than from a plain file under site/<host>/: "
    "keyed by host, percent-decoded path and query with parameters sorted. 'file' is the body under "
    "site/; 'status' defaults to 200; 'headers' override the Content-Type guessed from the extension; "
    "'header_encoding' sends a header's value in that encoding (raw bytes, not RFC 2047). "
    "Routes with a 'kind' are keyed by host and path only and answer from the request's parameters: "
    "'jpage' (POST only) matches the form fields in 'form' and answers the records 'startrecord' to "
    "'endrecord' of the JSON list in 'records' as a Hanweb <datastore>; no match gives an empty "
    "recordset. 'docs_api' (GET) picks the route whose 'channel' is the request's and answers "
    "{'total', 'docs'}: the items 'page' (from 1) of 'size' (default 15) of the JSON list in 'records'. "
    "'download' serves files[<the 'param' query value>], else 'missing'. "
    "'slow' sleeps 'delay' seconds (or the 'param' query value) before answering; 'flaky' answers "
    "'error' to a client's first 'failures' requests (per client and URL, forgotten when the epoch "
    "changes), then itself. 'epochs' (top level) lists the epochs served; a route with 'epochs': "
    "{'from': a, 'until': b} answers only in those (no 'until': every later one), else it answers in "
    "every epoch; a file is read from _epochs/<n>/ for the newest n up to the epoch that has it, else "
    "from site/ (see crawler/replica/epochs.py). "
    "'fault' marks a deliberate fault (see crawler/replica/README.md); 'quirk' a real-portal oddity; "
    "'gone' and 'blocked' a later epoch's change; 'behaviour' a transport misbehaviour (behaviours.py)."
)

if __name__ == "__main__":
    main()
