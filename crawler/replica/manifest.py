"""manifest.json: what a crawl of the replica should find, so tests need not hard-code it.

Per host and agency: the column start URLs with their page and item counts, how many distinct
documents the columns list (and how many of those answer 200), the annual reports with their
form and truth file, the pages reachable only as 相关文件, and the fault URLs by kind. A flat
``faults`` list repeats every fault with its expected status.
"""

from __future__ import annotations

from crawler.replica.pages import COLUMN_NAMES, column_url
from crawler.replica.plan import AGENCIES, HOSTS, PAGE_SIZE, Agency, Doc

STATUS = {
    "http_404": 404,
    "http_500": 500,
    "gbk_lying_header": 200,
    "corrupt_attachment": 200,
    "duplicate_listing": 200,
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
    listed = [d for d in docs if d.columns]
    broken = [d for d in listed if d.fault in ("http_404", "http_500")]
    return {
        "agency": agency.name,
        "publisher": agency.publisher,
        "config": f"crawler/replica/portals/{agency.portal_id}.toml",
        "columns": columns,
        "documents": len(listed),
        "documents_ok": len(listed) - len(broken),
        "attachments": sorted(d.attachment_url for d in docs if d.attachment_url),
        "annual_reports": [
            {
                "year": d.report.year,
                "form": d.report.form,
                "format_version": d.report.version,
                "profile": d.report.profile,
                "title": d.title,
                "page": d.page_url,
                "attachment": d.attachment_url,
                "truth": f"crawler/replica/truth/{agency.slug}-{d.report.year}.json",
            }
            for d in docs
            if d.report
        ],
        "related_only": [d.page_url for d in docs if not d.columns],
        "faults": faults_of(docs),
    }


def faults_of(docs: list[Doc]) -> dict[str, list[str]]:
    """Fault URLs by kind (the attachment URL for a corrupt attachment, else the page URL)."""
    faults: dict[str, list[str]] = {}
    for doc in docs:
        if doc.fault:
            url = doc.attachment_url if doc.fault == "corrupt_attachment" else doc.page_url
            faults.setdefault(doc.fault, []).append(url)
        if len(doc.columns) > 1:
            faults.setdefault("duplicate_listing", []).append(doc.list_url)
    return faults
