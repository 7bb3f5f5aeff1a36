"""Where a column's further list pages are: page URLs, page counts, JSON API pages and Hanweb windows.

Small functions over a portal config and what page 1 said; the spider turns their answers into
requests. The pagination types are those of portal-configs.md: ``none``, ``template``, ``query``,
``next_link``, ``jpage`` (Hanweb's data proxy) and ``json_api`` (gkmlpt's category TREE included).
"""

import re
from urllib.parse import parse_qs, quote, urljoin, urlsplit

from crawler.extractors import Context, first_value

HANDLED_PAGINATION = ("none", "template", "query", "next_link", "jpage", "json_api")
TEMPLATE_VAR = re.compile(r"\{(\w+)\}")


def uses_tree(portal, column) -> bool:
    """True when a JSON list API is asked per category, so the gkmlpt index (its TREE) comes first."""
    return "{category}" in (column.pagination.url or "") and "index_url" in portal.discovery


def tree_config(discovery: dict, html: str) -> dict[str, str | None]:
    """SID and the category TREE of the gkmlpt index, from [discovery] or its ``*_regex`` on the page."""
    found = {}
    for name in ("sid", "tree"):
        pattern = discovery.get(f"{name}_regex")
        m = re.search(pattern, html, re.S) if pattern else None
        found[name] = discovery.get(name) or (m.group(1) if m else None)
    return found


def api_page_url(portal, column, n: int, variables: dict) -> str:
    """Page ``n`` of a JSON list API, its ``{name}`` variables filled from [discovery] and ``variables``."""
    pag = column.pagination
    number = pag.aliases.get(str(n), n)
    url = TEMPLATE_VAR.sub(
        lambda m: str({**portal.discovery, **variables, "n": number}.get(m.group(1), "")), pag.url
    )
    # A relative API path resolves against the column's page, else the portal's homepage.
    return urljoin(column.start_urls[0] if column.start_urls else portal.homepage, url)


def more_api_pages(pagination, page: int, items: list, total: str | None) -> bool:
    """Whether to ask the next API page: items keep coming, the total is not reached, nor max_pages."""
    size = pagination.page_size or len(items) or 1
    seen = (page - pagination.n_start + 1) * size
    more = items and (not str(total or "").isdigit() or seen < int(total))
    return bool(more) and page - pagination.n_start + 1 < pagination.max_pages


def page_count(column, ctx: Context) -> int:
    """How many list pages page 1 says there are (its total counts pages, or items when told so)."""
    pag = column.pagination
    value, _ = first_value(pag.total, ctx)
    try:
        total = int(value)
    except (TypeError, ValueError):
        return 1
    if pag.total_is == "items":
        return -(-total // (pag.page_size or 15))
    return total


def page_url(first_url: str, column, n: int) -> str:
    """The URL of list page ``n`` (from 2) of a ``template`` or ``query`` column."""
    pag = column.pagination
    number = n - 2 + pag.n_start if pag.type == "template" else n - 1 + pag.n_start
    if pag.type == "template":
        return urljoin(first_url, pag.pattern.replace("{n}", str(number)))
    if pag.url:
        return urljoin(first_url, pag.url.replace("{n}", str(number)))
    parts = urlsplit(first_url)
    query = parse_qs(parts.query, keep_blank_values=True)
    query[pag.param] = [str(number)]
    encoded = "&".join(f"{k}={quote(v[0], safe='')}" for k, v in query.items())
    return parts._replace(query=encoded).geturl()


def jpage_windows(portal, column, column_url: str, total: int, html: str) -> list[tuple[int, str, dict]]:
    """Hanweb's data proxy: (page number, URL, form) per window of `group` pages up to ``total`` records.

    Records 1–45, 46–90, …; the XML island of the column page holds only page 1, and the windows
    overlap it on purpose (the portal's own script asks for 1–45 too).
    """
    pag = column.pagination
    size = (pag.per_page or 15) * (pag.group or 3)
    form = {k: fill(portal.discovery, v, html) for k, v in (pag.form or {}).items()}
    windows = []
    for n, start in enumerate(range(1, total + 1, size), start=2):
        if n - 1 > pag.max_pages:
            break
        query = f"startrecord={start}&endrecord={start + size - 1}&perpage={pag.per_page or 15}"
        windows.append((n, urljoin(column_url, pag.proxy) + "?" + query, form))
    return windows


def fill(discovery: dict, template: str, html: str) -> str:
    """A form value with ``{webid}``-style variables from [discovery], or its ``*_regex`` on the page."""

    def value(m: re.Match) -> str:
        name = m.group(1)
        if name in discovery:
            return str(discovery[name])
        pattern = discovery.get(f"{name}_regex")
        found = re.search(pattern, html) if pattern else None
        return found.group(1) if found else ""

    return TEMPLATE_VAR.sub(value, str(template))
