"""Reading a document: its main content, metadata fields, attachment links and renditions.

Each function takes the page (as an extractor `Context`) and the portal config it needs, and
returns plain data; `document` shapes it into the ``document`` observation the archive records.
"""

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from parsel import Selector

from crawler.extractors import Context, all_values, first_value, node_text, node_values
from crawler.responses import absolute, basename, extension, filename


def main_node(detail, page_sel: Selector) -> tuple[Selector | None, str | None]:
    """The main-content node and the CSS selector that found it (extraction reuses the selector)."""
    for ex in detail.main:
        found = page_sel.css(ex.value) if ex.source == "css" else []
        if found:
            return found[0], ex.value
    return None, None


def read_fields(detail, ctx: Context) -> tuple[dict, dict, dict]:
    """(fields, raw values, winning extractor) per metadata field; a placeholder value reads as None."""
    fields, raw, sources = {}, {}, {}
    placeholders = {p.strip() for p in detail.placeholders}
    for name, extractors in detail.fields.items():
        value, source = first_value(extractors, ctx)
        if value is None:
            continue
        raw[name] = value
        sources[name] = source
        fields[name] = None if value.strip() in placeholders else value
    return fields, raw, sources


def attachment_links(spec, response, ctx: Context) -> list[dict]:
    """Links to files, found by the ``[attachments] links`` extractors (``spec``), each URL once.

    A ``css`` link is a file by its extension, URL pattern or ``showname``; it is read node by node
    so that its text names it. Its ``pick`` takes the URL out of script (R26):
    ``href="javascript:window.open('…')"`` or ``onclick="downloadFile('…')"``; a bare ``javascript:``
    href is no link. JSON links (a list item's ``attachment[].url``) are files by definition and come
    after the page's own.
    """
    # Without a main-content node the whole page is searched, rather than nothing.
    page_ctx = replace(ctx, main=ctx.main if ctx.main is not None else ctx.page)
    found: dict[str, dict] = {}
    for ex in spec.links:
        if ex.source != "css":
            continue
        for value, node in node_values(ex, page_ctx):
            url = absolute(response, value)
            shown = parse_qs(urlsplit(url).query).get("showname", [""])[0]
            is_file = (
                extension(url) in spec.extensions
                or extension(shown) in spec.extensions
                or any(p.search(url) for p in spec.url_patterns)
            )
            if url.startswith("http") and url not in found and is_file:
                found[url] = {"url": url, "name": shown or node_text(node) or basename(url)}
    if ctx.json_item is not None:
        for ex in spec.links:
            if ex.source == "json":
                for value in all_values([ex], ctx):
                    url = absolute(response, value)
                    found.setdefault(url, {"url": url, "name": basename(url)})
    return list(found.values())


def renditions(detail, main: Selector | None) -> list[dict]:
    """Links in the main content to other renderings of the document (``detail.renditions`` texts)."""
    if main is None or not detail.renditions:
        return []
    return [
        {"text": node_text(a), "href": a.attrib.get("href")}
        for a in main.css("a")
        if any(r in node_text(a) for r in detail.renditions)
    ]


def document(response, column, listing: dict, **found) -> dict:
    """The ``document`` observation of a page or file: what the crawler read, beside its capture."""
    empty = {
        "fields": {},
        "raw_fields": {},
        "field_sources": {},
        "main_selector": None,
        "attachments": [],
        "related": [],
        "renditions": [],
    }
    return {
        "type": "document",
        "column": column.key,
        "column_kind": column.kind,
        "url": response.url,
        "requested_url": response.meta.get("requested_url", response.url),
        "listing": listing,
        **empty,
        **found,
        "_capture": response.meta.get("capture"),
    }


def file_document(response, column, listing: dict) -> dict:
    """A file linked straight from a list (a report published only as a PDF): itself a document."""
    return document(
        response,
        column,
        listing,
        fields={"title": listing.get("title"), "published_date": listing.get("date")},
        field_sources={"title": "list", "published_date": "list"},
        direct_file=True,
        filename=filename(response, listing.get("title")),
    )


def attachment(response, document_url: str, name: str) -> dict:
    """The ``attachment`` observation: a file, with its name as the portal gave it."""
    return {
        "type": "attachment",
        "url": response.url,
        "document_url": document_url,
        "name": filename(response, name),
        "link_text": name,
        "_capture": response.meta.get("capture"),
    }
