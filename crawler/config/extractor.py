"""Extractor tables (portal-configs.md §3.1): exactly one source key, and only the options it takes.

`extractors` converts a key holding an ordered list of them (a lone table is a list of one) into a
tuple of `Extractor`; crawler/extractors.py evaluates them against a page.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Extractor
from .validate import K, _Bad, _Ctx, _table, _toml, array, boolean, regex, strings, text

SOURCES = ("css", "xpath", "meta", "label", "json", "regex", "list", "const")
# The spec lists `within` and `all` for xpath; the examples also use `attr` with it (zibo-gxs).
OPTIONS = {
    "css": ("attr", "within", "all"),
    "xpath": ("attr", "within", "all"),
    "meta": (),
    "label": ("within", "value"),
    "json": ("from",),
    "regex": ("on", "group"),
    "list": (),
    "const": (),
}
NORMALIZE = (
    "strip",
    "collapse_ws",
    "date",
    "unescape_js",
    "null_placeholders",
    "fullwidth_digits",
    "abs_url",
)


def _json_from(v: Any, ctx: _Ctx, key: str) -> str:
    if not isinstance(v, str) or not (v in ("list_item", "response") or re.fullmatch(r"script:\S+", v)):
        raise _Bad(
            f'expected "list_item", "response" or "script:<js variable>", got {_toml(v)}', '"list_item"'
        )
    return v


def _group(v: Any, ctx: _Ctx, key: str) -> int | str:
    if isinstance(v, bool) or not isinstance(v, int | str):
        raise _Bad(f"expected a group number or name, got {_toml(v)}", "1")
    return v


EXTRACTOR_OPTIONS = {
    "attr": K(text()),
    "within": K(text()),
    "all": K(boolean, False),
    "from": K(_json_from, "list_item"),
    "on": K(text(("text", "html", "url")), "text"),
    "group": K(_group),
    "value": K(text(("next_cell", "same_cell")), "next_cell"),
    "pick": K(regex()),
    "normalize": K(strings(NORMALIZE), []),
}


def _source_value(
    source: str, v: Any, ctx: _Ctx, key: str
) -> tuple[str | tuple[str, ...], re.Pattern | None]:
    if source == "label":
        return array(text(), single=True, what="a label or an array of labels")(v, ctx, key), None
    if source == "regex":
        compiled = regex()(v, ctx, key)
        return compiled.pattern, compiled
    if not isinstance(v, str) or (source != "const" and not v):
        raise _Bad(f"expected a non-empty string, got {_toml(v)}")
    return v, None


def _extractor(item: Any, ctx: _Ctx) -> Extractor | None:
    """One extractor table: exactly one source key (rule 6), options that apply to that source."""
    if not isinstance(item, dict):
        ctx.problem("", f'expected an extractor table such as {{ css = "h1" }}, got {_toml(item)}')
        return None
    for key in item:
        if key not in SOURCES and key not in EXTRACTOR_OPTIONS:
            ctx.unknown(key, SOURCES + tuple(EXTRACTOR_OPTIONS))
    sources = [k for k in item if k in SOURCES]
    if len(sources) != 1:
        one = ", ".join(SOURCES)
        if not sources:
            ctx.problem("", f"no source key; an extractor takes exactly one of {one}", 'e.g. { css = "h1" }')
        else:
            split = "[" + ", ".join(_toml({k: item[k]}) for k in sources) + "]"
            what = f"{len(sources)} source keys ({', '.join(sources)}); an extractor takes exactly one"
            ctx.problem("", what, f"split it into one extractor per source: {split}")
        return None
    source = sources[0]
    takes = OPTIONS[source] + ("pick", "normalize")
    for key in item:
        if key in EXTRACTOR_OPTIONS and key not in takes:
            ctx.problem(
                key, f"does not apply to a {source} extractor (it takes {', '.join(takes)})", f"remove {key}"
            )
    opts = _table({k: v for k, v in item.items() if k in takes}, EXTRACTOR_OPTIONS, ctx)
    try:
        value, pattern = _source_value(source, item[source], ctx, source)
    except _Bad as bad:
        ctx.problem(source + bad.at, bad.what, bad.fix)
        return None
    return Extractor(
        source=source,
        value=value,
        attr=opts["attr"],
        within=opts["within"],
        all=opts["all"] or False,
        from_=opts["from"] or "list_item",
        on=opts["on"] or "text",
        group=opts["group"],
        value_mode=opts["value"] or "next_cell",
        pick=opts["pick"],
        normalize=opts["normalize"] or (),
        pattern=pattern,
    )


def extractors(v: Any, ctx: _Ctx, key: str) -> tuple[Extractor, ...]:
    """An ordered list of extractors (a lone table is a list of one); the first non-empty result wins."""
    if isinstance(v, dict):
        v = [v]
    if not isinstance(v, list):
        raise _Bad(f"expected an array of extractor tables, got {_toml(v)}", '[{ css = "a", attr = "href" }]')
    found = [_extractor(item, ctx.at(owner=f"{ctx.owner}{key}[{i}]")) for i, item in enumerate(v)]
    return tuple(e for e in found if e)
