"""Evaluating the extractor lists of a portal config against a page or a list item.

An extractor list (portal-configs.md §3.1) is tried in order; the first extractor that yields a
non-empty value wins, and the name of the winner is returned with the value so the archive records
which rule produced each field.
"""

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

from parsel import Selector

# Whitespace inside labels is noise: "索  引  号", "文　号" (U+3000), "标\n题".
_WS = re.compile(r"[\s\u3000\xa0]+")
# Portals stamp dates in Beijing time: a Unix timestamp of local midnight is the day after in UTC.
CHINA = timezone(timedelta(hours=8))
_DATE_PARTS = re.compile(
    r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2}):(\d{2}))?"
)


@dataclass
class Context:
    """What an extractor can read: a node of the page, the whole page, the list item, the URL."""

    node: Selector  # the current scope: an item node for lists, the page for details
    page: Selector
    url: str
    html: str = ""
    list_item: dict = field(default_factory=dict)  # values the list carried (title, date, …)
    json_item: object = None  # the JSON object of a json list item
    json_response: object = None
    main: Selector | None = None  # the main-content node, for `within = "main"`


def normalise_label(text: str) -> str:
    """A label as compared: NFKC, no whitespace, no trailing colon."""
    return _WS.sub("", unicodedata.normalize("NFKC", text)).rstrip(":：")


def node_text(node: Selector) -> str:
    """Visible text of a node, whitespace collapsed."""
    return _WS.sub(" ", " ".join(node.xpath(".//text()").getall())).strip()


def first_value(extractors: Sequence, ctx: Context) -> tuple[str | None, str | None]:
    """The first non-empty value of an extractor list, and which extractor gave it."""
    for ex in extractors:
        value = evaluate(ex, ctx)
        if isinstance(value, list):
            value = value[0] if value else None
        if value not in (None, ""):
            return value, describe(ex)
    return None, None


def all_values(extractors: Sequence, ctx: Context) -> list[str]:
    """Every value that every extractor of the list yields (for link lists such as attachments)."""
    out: list[str] = []
    for ex in extractors:
        value = evaluate(ex, ctx, force_all=True)
        values = value if isinstance(value, list) else [value]
        out.extend(v for v in values if v not in (None, "") and v not in out)
    return out


def node_values(ex, ctx: Context) -> list[tuple[str, Selector]]:
    """Each node a ``css`` extractor matches, with its value (``attr`` or text, then ``pick``, ``normalize``).

    For link lists the node matters too: its text names the link when the value is only a URL.
    """
    scope = _scope(ex, ctx)
    if scope is None:
        return []
    pairs = []
    for node in scope.css(ex.value):
        value = _finish(ex, node.attrib.get(ex.attr) if ex.attr else node_text(node), ctx)
        if value:
            pairs.append((value, node))
    return pairs


def describe(ex) -> str:
    """A short name for an extractor, e.g. ``label:索引号`` or ``css:h1.title``."""
    value = "/".join(ex.value) if isinstance(ex.value, (list, tuple)) else ex.value
    return f"{ex.source}:{value}"


def evaluate(ex, ctx: Context, force_all: bool = False):
    """Run one extractor; returns a string, a list of strings (``all``), or None."""
    scope = _scope(ex, ctx)
    if scope is None:
        return None
    raw = _SOURCES[ex.source](ex, ctx, scope, force_all or ex.all)
    if isinstance(raw, list):
        return [v for v in (_finish(ex, r, ctx) for r in raw) if v not in (None, "")]
    return _finish(ex, raw, ctx)


def _scope(ex, ctx: Context) -> Selector | None:
    within = getattr(ex, "within", None)
    if not within:
        return ctx.node
    if within == "main":
        return ctx.main
    found = ctx.node.css(within)
    return found[0] if found else None


def _finish(ex, value, ctx: Context):
    if value is None:
        return None
    value = str(value).strip()
    if ex.pick is not None and value:
        m = ex.pick.search(value)
        value = (m.group(1) if m.groups() else m.group(0)) if m else ""
    for step in ex.normalize:
        value = NORMALIZERS[step](value, ctx)
    return value


def _css(ex, ctx, scope, many):
    found = scope.css(ex.value)
    values = [(n.attrib.get(ex.attr) if ex.attr else node_text(n)) for n in found]
    return values if many else (values[0] if values else None)


def _xpath(ex, ctx, scope, many):
    found = scope.xpath(ex.value)
    values = [
        (n.attrib.get(ex.attr) if ex.attr else node_text(n)) if hasattr(n, "attrib") else str(n.get())
        for n in found
    ]
    return values if many else (values[0] if values else None)


def _meta(ex, ctx, scope, many):
    return ctx.page.xpath(f"//meta[@name={json.dumps(ex.value)}]/@content").get()


def _label(ex, ctx, scope, many):
    """Label/value lookup; labels compared after `normalise_label`."""
    wanted = {normalise_label(label) for label in ex.value}
    same_cell = getattr(ex, "value_mode", "next_cell") == "same_cell"
    for node in scope.xpath(".//th|.//td|.//span|.//b|.//strong|.//p|.//li|.//dt|.//label|.//div"):
        text = node_text(node)
        if same_cell:
            value = _same_cell_value(text, wanted)
            if value is not None and not node.xpath("./*[contains(., ':') or contains(., '：')]"):
                return value
        elif normalise_label(text) in wanted:
            sibling = node.xpath("following-sibling::*[1]")
            if sibling:
                return node_text(sibling[0])
    return None


def _same_cell_value(text: str, wanted: set[str]) -> str | None:
    head, sep, tail = re.sub(r"[:：]", ":", text, count=1).partition(":")
    if sep and normalise_label(head) in wanted:
        return tail.strip()
    return None


def _json(ex, ctx, scope, many):
    source = getattr(ex, "from_", None) or "list_item"
    if source == "list_item":
        data = ctx.json_item
    elif source == "response":
        data = ctx.json_response
    else:  # script:<js variable>
        data = _script_object(ctx.html, source.split(":", 1)[1])
    return json_path(data, ex.value, many)


def json_path(data, path: str, many: bool = False):
    """Follow a dotted path (``a.b``, ``attachment[].url``) through JSON data."""
    values = [data]
    for part in path.split("."):
        spread = part.endswith("[]")
        key = part[:-2] if spread else part
        nxt = []
        for v in values:
            v = v.get(key) if isinstance(v, dict) else None
            if spread and isinstance(v, list):
                nxt.extend(v)
            elif v is not None:
                nxt.append(v)
        values = nxt
    values = [
        v
        if isinstance(v, str)
        else json.dumps(v, ensure_ascii=False)
        if isinstance(v, (dict, list))
        else str(v)
        for v in values
    ]
    return values if many else (values[0] if values else None)


def _script_object(html: str, variable: str):
    m = re.search(re.escape(variable) + r"\s*=\s*(\{.*?\})\s*;?\s*</script>", html, re.S)
    if not m:
        return None
    try:
        return json.loads(m.group(1))
    except ValueError:
        return None


def _regex(ex, ctx, scope, many):
    on = getattr(ex, "on", "text") or "text"
    haystack = {"html": ctx.html, "url": ctx.url}.get(on) if on != "text" else node_text(scope)
    pattern = re.compile(ex.value)
    group = getattr(ex, "group", None)
    matches = [
        (m.group(group) if group is not None else (m.group(1) if m.groups() else m.group(0)))
        for m in pattern.finditer(haystack or "")
    ]
    return matches if many else (matches[0] if matches else None)


def _list(ex, ctx, scope, many):
    return ctx.list_item.get(ex.value)


def _const(ex, ctx, scope, many):
    return ex.value


_SOURCES = {
    "css": _css,
    "xpath": _xpath,
    "meta": _meta,
    "label": _label,
    "json": _json,
    "regex": _regex,
    "list": _list,
    "const": _const,
}


def normalise_date(value: str, ctx: Context | None = None) -> str:
    """A date as ISO ``YYYY-MM-DD`` (with ``THH:MM`` when a time is given); unparseable → ''."""
    text = _WS.sub("", value)
    if text.isdigit() and len(text) == 10:  # Unix seconds (gkmlpt JSON)
        return datetime.fromtimestamp(int(text), CHINA).strftime("%Y-%m-%d")
    m = _DATE_PARTS.search(value.replace("\n", ""))
    if not m:
        return ""
    y, mo, d, hh, mm = m.groups()
    date = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
    return f"{date}T{int(hh):02d}:{mm}" if hh else date


NORMALIZERS = {
    "strip": lambda v, ctx: v.strip(),
    "collapse_ws": lambda v, ctx: _WS.sub(" ", v).strip(),
    "date": normalise_date,
    "null_placeholders": lambda v, ctx: v,  # placeholders are mapped by the spider, keeping the raw value
    "fullwidth_digits": lambda v, ctx: unicodedata.normalize("NFKC", v),
    "abs_url": lambda v, ctx: urljoin(ctx.url, v.strip()),
    "unescape_js": lambda v, ctx: json.loads(f'"{v}"') if "\\u" in v else v,
}
