"""Reading a list page: its item nodes (HTML, Hanweb's CDATA records), each item's link, and the filters.

What a list offers is recorded as a ``listing`` observation; the spider then asks for the item's
detail page or file.
"""

import re

from parsel import Selector

from crawler.extractors import Context, first_value

# Hanweb keeps list records as HTML fragments in CDATA, in the page's XML island and in proxy answers.
CDATA_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)


def list_items(column, page_sel: Selector, html: str) -> list:
    """The item nodes of a list page; for `xml_cdata`, taken from the CDATA records."""
    if not column.list.items:
        return []
    if column.list.format == "xml_cdata":
        fragment = "".join(CDATA_RECORD.findall(html))
        return Selector(text=f"<html><body>{fragment}</body></html>").css(column.list.items)
    return page_sel.css(column.list.items)


def item_link(column, node, ctx: Context) -> str | None:
    """The link of one list item: by the ``link`` extractors, else out of its ``onclick`` script."""
    link, _ = first_value(column.list.link, ctx)
    if not link and column.list.onclick_link:
        m = column.list.onclick_link.search(node.get())
        link = m.group(1) if m else None
    return link


def wanted(portal, column, title: str, url: str) -> bool:
    """An item passes the column's title filters and the portal's ``scope.deny`` URL patterns."""
    flt = column.item_filter
    if flt.title_regex and not flt.title_regex.search(title):
        return False
    if flt.title_exclude and flt.title_exclude.search(title):
        return False
    return not any(p.search(url) for p in portal.scope.deny)


def listing(response, column, url: str, title: str | None, date: str | None) -> dict:
    """The ``listing`` observation: a list offered this item, with the title and date it showed."""
    return {
        "type": "listing",
        "column": column.key,
        "column_kind": column.kind,
        "url": url,
        "title": title,
        "date": date,
        "list_url": response.url,
        "_capture": response.meta.get("capture"),
    }
