"""What the spider reads off responses, as small functions: file names, URL shapes, list data.

Kept apart from the spider so each can be tested on a real Scrapy response without a crawl.
"""

import re
from urllib.parse import quote, unquote, urlsplit

from parsel import Selector

from archive.charset import decode_html


def json_list(data, path: str | None) -> list:
    """The list of item objects at a dotted path of a JSON document."""
    value = data
    for part in (path or "").split("."):
        if part:
            value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, list) else []


def categories(tree: list, column) -> list:
    """Category ids of the TREE under the column's ``category`` or ``match_name``, leaves included.

    Nodes with a ``jump_url`` are links to other pages (the guide), not categories.
    """
    wanted = {str(column.category)} if column.category else set()
    names = set(column.match_name)

    def walk(nodes, inside: bool):
        for node in nodes:
            hit = inside or str(node.get("id")) in wanted or node.get("name") in names
            if hit and not node.get("jump_url"):
                yield node["id"]
            yield from walk(node.get("children") or [], hit)

    return list(dict.fromkeys(walk(tree, False)))


def gone(url: str, evidence: str, capture: str | None) -> dict:
    """The document's own URL says it is gone (404, 410, a soft-404 page): evidence for "vanished"."""
    return {"type": "gone", "url": url, "evidence": evidence, "_capture": capture}


def portal_item(portal) -> dict:
    """Who publishes on this portal: recorded so the database never needs the config files."""
    return {
        "type": "portal",
        "url": portal.homepage,
        "id": portal.id,
        "agency": portal.agency,
        "agency_aliases": list(portal.agency_aliases),
        "portal_name": portal.portal_name,
        "region_code": portal.region_code,
        "level": portal.level,
        "family": portal.family,
        "homepage": portal.homepage,
        "config": str(portal.path),
    }


def is_html(response) -> bool:
    ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
    head = response.body[:512].lstrip().lower()
    if head.startswith((b"%pdf", b"pk\x03\x04", b"\xd0\xcf\x11\xe0")):
        return False
    return "html" in ctype or head.startswith((b"<!doctype", b"<html", b"<?xml"))


def extension(url: str) -> str:
    path = unquote(urlsplit(url).path if "://" in url else url)
    return path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""


def basename(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def filename(response, fallback: str | None) -> str:
    """File name from Content-Disposition (RFC 5987 first, then plain, trying UTF-8 then GB18030)."""
    cd = response.headers.get("Content-Disposition", b"")
    m = re.search(rb"filename\*\s*=\s*([\w-]+)''([^;]+)", cd, re.I)
    if m:
        return unquote(m.group(2).decode("latin-1").strip('"'), encoding=m.group(1).decode() or "utf-8")
    m = re.search(rb'filename\s*=\s*"?([^";]+)"?', cd, re.I)
    if m:
        raw = m.group(1)
        for codec in ("utf-8", "gb18030"):
            try:
                return unquote(raw.decode(codec))
            except UnicodeDecodeError:
                continue
    return fallback or basename(response.url)


def page_selector(response, gb2312_as: str) -> tuple[Selector, str]:
    """The page parsed from its bytes with gongkai's charset rules (Scrapy trusts a lying header)."""
    header = response.headers.get("Content-Type", b"").decode("latin-1")
    m = re.search(r"charset=([\w-]+)", header, re.I)
    decoded = decode_html(response.body, m.group(1) if m else None, gb2312_as)
    return Selector(text=decoded.text, base_url=response.url), decoded.text


def absolute(response, link: str) -> str:
    """Resolve a link as a browser would; raw non-ASCII in paths is percent-encoded as UTF-8."""
    url = response.urljoin(link.strip())
    parts = urlsplit(url)
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=")
    return parts._replace(path=path, fragment="").geturl()
