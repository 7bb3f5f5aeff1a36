"""manifest.json: what a crawl of the replica should find, so tests need not hard-code it.

Per host and agency: the column start URLs with their page and item counts (and, on Hanweb, the
data-proxy form of each column), how many distinct documents the columns list (and how many of
those answer 200), the annual reports with their form, renderings and truth file, the pages
reachable only as 相关文件, and the fault URLs by kind. A flat ``faults`` list repeats every
fault with its expected status (a POST-only fault also gives its method and form). ``epochs``
says what each later epoch changes (epochs.py), kind by kind, with the URLs; ``behaviours`` (added
by build.py from behaviours.py) lists the transport misbehaviours.
"""

from __future__ import annotations

from crawler.replica import epochs, filler, hanweb, lists
from crawler.replica.pages import COLUMN_NAMES, column_url, views
from crawler.replica.plan import JPAGE_PROXY, PAGE_SIZE, Doc, column_documents
from crawler.replica.sites import AGENCIES, HOSTS, Agency

STATUS = {
    "http_404": 404,
    "http_500": 500,
    "gbk_lying_header": 200,
    "corrupt_attachment": 200,
    "duplicate_listing": 200,
    "jpage_wrong_unitid": 200,
    "gbk_meta_charset": 200,
}
FAULT_NOTES = {
    "http_404": "listed in the catalogue, but the detail URL answers 404",
    "http_500": "listed in the catalogue, but the detail URL always answers 500 with an HTML error page",
    "gbk_lying_header": 'GBK bytes, <meta charset="gbk">, header "text/html; charset=utf-8" (R14, R16)',
    "corrupt_attachment": "a .pdf attachment whose bytes are a truncated PDF (no xref, no %%EOF)",
    "duplicate_listing": "the same report page listed in the annual-report column and in the catalogue (R45)",
    "jpage_wrong_unitid": "the data proxy asked for one column with another column's unitid answers 200 "
    "with that other column's records (R20)",
    "gbk_meta_charset": 'GBK bytes, header "text/html" without a charset, '
    '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"> and names a GB 2312 label '
    "cannot hold (R13, R16)",
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
        if agency.host.family in lists.FAMILIES:
            columns[column] = lists.manifest_column(agency, column, docs)
            continue
        count = len(column_documents(docs, agency, column))
        columns[column] = {
            "name": COLUMN_NAMES[column],
            "start_urls": [column_url(agency, column)],
            "pages": max(1, -(-count // PAGE_SIZE)),
            "items": count,
        }
        if agency.host.family == "hanweb":
            columns[column]["jpage"] = {"proxy": JPAGE_PROXY, "form": hanweb.proxy_form(agency, column)}
    listed = [d for d in docs if d.columns and d.listed]
    broken = [d for d in listed if d.fault in ("http_404", "http_500") or d.blocked]
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


EPOCHS_ABOUT = (
    "What the replica serves after set_epoch(n) (crawler/replica/epochs.py). Epoch 1 is the site as "
    "the rest of this manifest describes it; each later epoch is the one before plus the changes "
    "listed under its number, by kind, each with its URL and what it answers then ('status'). "
    "'lists' gives the columns whose items changed, with their new counts; 'portals' the documents "
    "every portal lists and how many of them answer 200 with the document; 'changed_urls' every GET "
    "URL whose answer differs from the epoch before. Every other URL answers byte for byte as before."
)
# what a changed document's URL answers in the epoch of the change
CHANGE_STATUS = {"removed_404": 404, "removed_410": 410, "blocked": 412}


def epochs_section(
    docs: dict[int, list[Doc]], truths: dict[int, dict[str, dict]], changed_urls: dict[int, list[str]]
) -> dict:
    """manifest.json ``epochs``: the changes of each epoch after the first, by kind."""
    section: dict = {"about": EPOCHS_ABOUT}
    for epoch in list(docs)[1:]:
        now = {d.key: d for d in docs[epoch]}
        before = {d.key: d for d in docs[epoch - 1]}
        kinds: dict[str, list[dict]] = {}
        for change in epochs.CHANGES:
            if change.epoch == epoch:
                entry = change_entry(change, now[change.key], before[change.key], truths)
                kinds.setdefault(change.kind, []).append(entry)
            elif change.until == epoch - 1:
                assert change.kind == "blocked", f"only a block is lifted, not {change.kind}"
                kinds.setdefault("unblocked", []).append(doc_entry(now[change.key], 200))
            elif change in epochs.in_force(epoch) and now[change.key].gone:
                status = CHANGE_STATUS.get(change.kind, 200)
                kinds.setdefault("still_gone", []).append(doc_entry(now[change.key], status, change.kind))
        for item, doc in epochs.added_documents(docs[1]):
            if item.epoch == epoch:
                kinds.setdefault("added", []).append(added_entry(doc, docs[epoch]))
        section[str(epoch)] = {
            "night": f"{epochs.NIGHTS[epoch]:%Y-%m-%d}",
            **kinds,
            "lists": changed_lists(docs[epoch], docs[epoch - 1]),
            "portals": {
                agency.portal_id: {
                    key: agency_entry(agency, [d for d in docs[epoch] if d.agency is agency])[key]
                    for key in ("documents", "documents_ok")
                }
                for agency in AGENCIES
            },
            "changed_urls": changed_urls[epoch],
        }
    return section


def doc_entry(doc: Doc, status: int, was: str | None = None) -> dict:
    """What every change entry says: the URL, its portal and title, the status it answers now."""
    return {"url": doc.list_url, "portal": doc.agency.portal_id, "title": doc.title, "status": status} | (
        {"change": was} if was else {}
    )


def change_entry(change: epochs.Change, doc: Doc, before: Doc, truths: dict[int, dict[str, dict]]) -> dict:
    """One change of an epoch, with what a client can check it by."""
    entry = doc_entry(doc, CHANGE_STATUS.get(change.kind, 200))
    lists = [column_url(doc.agency, column) for column in doc.columns]
    if change.kind == "changed_report":
        key, value = doc.correction
        name = f"{doc.agency.slug}-{doc.report.year}"
        entry |= {
            "urls": report_entry(doc)["urls"],
            "statistic": key,
            "was": truths[change.epoch - 1][name]["statistics"][key],
            "now": value,
            "truth": f"crawler/replica/truth/epoch-{change.epoch}/{name}.json",
            "note": "the HTML table, the PDF and the DOCX all change, each at the same URL",
        }
    elif change.kind == "changed_text":
        was, now = filler.body(before)[0], filler.revised(doc, filler.body(doc)[0])
        entry |= {"paragraph": {"was": was[1], "now": now[1]}}
    elif change.kind == "boilerplate_only":
        entry |= {"chrome": {"浏览次数": [views(before), views(doc)], "归档时间": f"{doc.archived:%Y-%m-%d}"}}
    elif change.kind == "metadata_only":
        entry |= {"metadata": {"有效性": [before.validity, doc.validity]}}
    elif change.kind == "blocked":
        entry |= {"challenge": "瑞数: 412, $_ts= and an external script, as the behaviour ruishu_challenge"}
    if not doc.listed:
        entry |= {"removed_from": lists}
    return entry


def added_entry(doc: Doc, docs: list[Doc]) -> dict:
    """A new document: where it is listed, and at which place (1 = first) of that list's first page."""
    column = doc.columns[0]
    position = [d.key for d in column_documents(docs, doc.agency, column)].index(doc.key) + 1
    return doc_entry(doc, 200) | {"list": column_url(doc.agency, column), "position": position}


def changed_lists(docs: list[Doc], before: list[Doc]) -> dict[str, dict]:
    """The columns whose items (or their order) differ from the epoch before, with their new size."""
    lists = {}
    for agency in AGENCIES:
        for column in ("annual_report", "catalog"):
            now = [d.key for d in column_documents(docs, agency, column)]
            if now != [d.key for d in column_documents(before, agency, column)]:
                lists[column_url(agency, column)] = {
                    "items": len(now),
                    "pages": max(1, -(-len(now) // PAGE_SIZE)),
                }
    return lists
