"""manifest.json: what a crawl of the replica should find, so tests need not hard-code it.

Per host and agency: the column start URLs with their page and item counts (and, on Hanweb, the
data-proxy form of each column), how many distinct documents the columns list (and how many of
those answer 200), the annual reports with their form, renderings and truth file, the pages
reachable only as 相关文件, and the fault URLs by kind. A flat ``faults`` list repeats every
fault with its expected status (a POST-only fault also gives its method and form).
"""

from __future__ import annotations

from crawler.replica import hanweb
from crawler.replica.pages import COLUMN_NAMES, column_url
from crawler.replica.plan import JPAGE_PROXY, PAGE_SIZE, Doc
from crawler.replica.sites import AGENCIES, HOSTS, Agency

STATUS = {
    "http_404": 404,
    "http_500": 500,
    "gbk_lying_header": 200,
    "corrupt_attachment": 200,
    "duplicate_listing": 200,
    "jpage_wrong_unitid": 200,
}
FAULT_NOTES = {
    "http_404": "listed in the catalogue, but the detail URL answers 404",
    "http_500": "listed in the catalogue, but the detail URL always answers 500 with an HTML error page",
    "gbk_lying_header": 'GBK bytes, <meta charset="gbk">, header "text/html; charset=utf-8" (R14, R16)',
    "corrupt_attachment": "a .pdf attachment whose bytes are a truncated PDF (no xref, no %%EOF)",
    "duplicate_listing": "the same report page listed in the annual-report column and in the catalogue (R45)",
    "jpage_wrong_unitid": "the data proxy asked for one column with another column's unitid answers 200 "
    "with that other column's records (R20)",
}


def manifest(docs: list[Doc]) -> dict:
    """The manifest for a planned site."""
    hosts = {}
    for host in HOSTS:
        agencies = {
            a.portal_id: agency_entry(a, [d for d in docs if d.agency is a])
            for a in AGENCIES
            if a.host is host
        }
        hosts[host.name] = {"family": host.family, "homepage": host.homepage, "agencies": agencies}
    faults = [
        {"kind": kind, "url": url, "status": STATUS[kind], "host": host_name, "portal": portal}
        | (proxy_fault_request(AGENCIES_BY_PORTAL[portal]) if kind == "jpage_wrong_unitid" else {})
        for host_name, entry in hosts.items()
        for portal, agency in entry["agencies"].items()
        for kind, urls in agency["faults"].items()
        for url in urls
    ]
    return {
        "schema_version": 1,
        "generated_by": "python -m crawler.replica.build",
        "page_size": PAGE_SIZE,
        "hosts": hosts,
        "faults": faults,
    }


AGENCIES_BY_PORTAL = {agency.portal_id: agency for agency in AGENCIES}


def agency_entry(agency: Agency, docs: list[Doc]) -> dict:
    """One agency's columns, document counts, reports and faults."""
    columns = {}
    for column in ("annual_report", "catalog"):
        count = sum(1 for d in docs if column in d.columns)
        columns[column] = {
            "name": COLUMN_NAMES[column],
            "start_urls": [column_url(agency, column)],
            "pages": max(1, -(-count // PAGE_SIZE)),
            "items": count,
        }
        if agency.host.family == "hanweb":
            columns[column]["jpage"] = {"proxy": JPAGE_PROXY, "form": hanweb.proxy_form(agency, column)}
    listed = [d for d in docs if d.columns]
    broken = [d for d in listed if d.fault in ("http_404", "http_500")]
    return {
        "agency": agency.name,
        "publisher": agency.publisher,
        "config": f"crawler/replica/portals/{agency.portal_id}.toml",
        "columns": columns,
        "documents": len(listed),
        "documents_ok": len(listed) - len(broken),
        "attachments": sorted(file.url for d in docs for file in d.attachments),
        "annual_reports": [report_entry(d) for d in docs if d.report],
        "related_only": [d.page_url for d in docs if not d.columns],
        "faults": faults_of(agency, docs),
    }


def report_entry(doc: Doc) -> dict:
    """One annual report: year, form, profile, seed, its renderings (page, pdf, docx) and truth file."""
    report = doc.report
    assert report is not None, doc.key
    return {
        "year": report.year,
        "form": report.form,
        "format_version": report.version,
        "profile": report.profile,
        **({"seed": report.seed_report} if report.seed_report else {}),
        "title": doc.title,
        "page": doc.page_url,
        "attachment": doc.attachment_url,
        "urls": ({"page": doc.page_url} if doc.page_url else {})
        | {file.ext: file.url for file in doc.attachments},
        "truth": f"crawler/replica/truth/{doc.agency.slug}-{report.year}.json",
    }


def faults_of(agency: Agency, docs: list[Doc]) -> dict[str, list[str]]:
    """Fault URLs by kind: a corrupt attachment's URL, the data proxy for jpage, else the page."""
    faults: dict[str, list[str]] = {}
    for doc in docs:
        if doc.fault:
            url = doc.attachment_url if doc.fault == "corrupt_attachment" else doc.page_url
            faults.setdefault(doc.fault, []).append(url)
        if len(doc.columns) > 1:
            faults.setdefault("duplicate_listing", []).append(doc.list_url)
    if "jpage_wrong_unitid" in agency.faults:
        faults["jpage_wrong_unitid"] = [proxy_fault_request(agency)["url"]]
    return faults


def proxy_fault_request(agency: Agency) -> dict:
    """The request that shows ``jpage_wrong_unitid``: the 年报 column's id with the catalogue's unitid."""
    form = hanweb.proxy_form(agency, "annual_report") | {"unitid": agency.unit_id("catalog")}
    return {
        "url": f"http://{agency.host.name}{JPAGE_PROXY}?startrecord=1&endrecord=45&perpage=15",
        "method": "POST",
        "form": form,
        "answers_with": column_url(agency, "catalog"),
        "note": FAULT_NOTES["jpage_wrong_unitid"],
    }
