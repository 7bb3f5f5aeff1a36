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

This module plans, renders each epoch and combines them; one document's page, files and routes are
documents.py's, the classic families' lists and Hanweb's servlets columns.py's, and the build's
in-memory result and its writing output.py's.
"""

from __future__ import annotations

import argparse
import tomllib
from datetime import datetime
from pathlib import Path

from crawler.replica import behaviours, epochs, lists, office, overlay, pages, plan, stats
from crawler.replica.columns import add_column, add_servlets
from crawler.replica.documents import blocks_of, render
from crawler.replica.manifest import epochs_section, manifest
from crawler.replica.output import Site, dump, write
from crawler.replica.plan import Doc, site_path
from crawler.replica.routing import OVERLAY, REPLICA_HOSTS
from crawler.replica.sites import AGENCIES, HOSTS, Host

HERE = Path(__file__).resolve().parent


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
    assert {h.name for h in HOSTS} == set(REPLICA_HOSTS), "routing.REPLICA_HOSTS and sites.HOSTS disagree"
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
