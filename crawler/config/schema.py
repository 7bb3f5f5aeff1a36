"""The key tables of a portal file (portal-configs.md §2): each key's converter, default and example.

One table per TOML table ([portal], [fetch], [politeness], …, [[columns]] with its list and
pagination), with the checks that concern one table only: the politeness floor (rule 8), the keys
each pagination type takes and needs, and template variables. `_portal_schema` puts them together
for a family; the rules across tables are applied in portals.py.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Callable, Iterable, Sequence
from types import MappingProxyType
from typing import Any

from .extractor import extractors
from .families import FAMILIES
from .model import (
    AnnualReport,
    Attachments,
    Blocking,
    Detail,
    Fetch,
    Identity,
    ItemFilter,
    ListSpec,
    Pagination,
    Politeness,
    Provenance,
    Scope,
)
from .validate import (
    REQUIRED,
    K,
    _Bad,
    _Ctx,
    _fix,
    _table,
    _toml,
    array,
    boolean,
    codec,
    integer,
    mapping,
    number,
    regex,
    regex_text,
    scalar,
    strings,
    table,
    text,
    url,
)

# --- the portal schema (portal-configs.md §2) -----------------------------------------------------------

PROVENANCE = {"verified": K(strings(), []), "guessed": K(strings(), []), "sources": K(strings(), [])}

PORTAL = {
    "id": K(text(pattern=r"[a-z0-9-]+", what="a slug of a-z, 0-9 and -"), REQUIRED, '"hanyin-gxs"'),
    "agency": K(text(), REQUIRED, '"汉阴县供销合作社联合社"'),
    "agency_aliases": K(strings(), []),
    "portal_name": K(text(), REQUIRED, '"汉阴县人民政府"'),
    "region_code": K(text(pattern=r"\d{6}", what="a 6-digit GB/T 2260 code"), REQUIRED, '"610921"'),
    "level": K(text(("province", "city", "county", "district", "township")), REQUIRED, '"county"'),
    "family": K(text(FAMILIES), REQUIRED, '"generic"'),
    "homepage": K(url, REQUIRED, '"https://www.hanyin.gov.cn/"'),
    "status": K(text(("active", "paused", "retired")), "active"),
    "notes": K(text(), ""),
    "provenance": K(table(PROVENANCE, Provenance), {}),
}

FETCH = {
    "scheme": K(text(("as_published", "http", "https")), "as_published"),
    "user_agent": K(text(), "default"),
    "headers": K(mapping(text()), {}),
    "cookies": K(boolean, True),
    "connect_timeout": K(number(0), 10.0),
    "read_timeout": K(number(0), 30.0),
    "retries": K(integer(0), 3),
    "retry_backoff": K(number(0), 2.0),
    "max_redirects": K(integer(0), 8),
    "tls_verify": K(boolean, True),
    "encoding": K(lambda v, c, k: v if v == "auto" else codec(v, c, k), "auto"),
    "gb2312_as": K(codec, "gb18030"),
    "max_body_bytes": K(integer(1), 52428800),
}

MIN_DELAY, MAX_CONCURRENCY = 0.5, 4


def _polite(out: dict, ctx: _Ctx) -> None:
    """Rule 8: a floor under politeness that only a written reason may lower."""
    if out["override_reason"]:
        return
    if out["delay"] is not None and out["delay"] < MIN_DELAY:
        ctx.problem(
            "delay",
            f"expected a number >= {MIN_DELAY}, got {out['delay']:g}",
            f"delay = {MIN_DELAY}, or set override_reason",
        )
    if out["concurrency"] is not None and out["concurrency"] > MAX_CONCURRENCY:
        ctx.problem(
            "concurrency",
            f"expected an integer <= {MAX_CONCURRENCY}, got {out['concurrency']}",
            f"concurrency = {MAX_CONCURRENCY}, or set override_reason",
        )


POLITENESS = {
    "delay": K(number(0), 2.0),
    "jitter": K(number(0), 0.5),
    "concurrency": K(integer(1), 1),
    "autothrottle": K(boolean, True),
    "respect_robots": K(boolean, True),
    "robots_unavailable": K(text(("skip_host", "allow")), "skip_host"),
    "max_requests_per_run": K(integer(1), 3000),
    "window": K(text(pattern=r"(\d{1,2}:\d{2}-\d{1,2}:\d{2}( \S+)?)?", what='"HH:MM-HH:MM Area/City"'), ""),
    "contact": K(text(), ""),
    "override_reason": K(text(), ""),
}

SCOPE = {
    "allowed_domains": K(strings(), REQUIRED, '["www.example.gov.cn"]'),
    "attachment_domains": K(strings(), []),
    "deny": K(array(regex(), what="an array of regular expressions"), []),
    "follow_offsite_links": K(boolean, False),
}

IDENTITY = {
    "canonical_url": K(
        strings(("fold_scheme", "drop_fragment", "sort_query", "drop_params")),
        ["fold_scheme", "drop_fragment", "sort_query", "drop_params"],
    ),
    "drop_params": K(strings(), ["uid", "pageNum", "from", "source"]),
    "keys": K(strings(("identifier", "canonical_url")), ["identifier", "canonical_url"]),
    "hash_scope": K(text(("main", "raw")), "main"),
    "boilerplate": K(array(regex(), what="an array of regular expressions"), []),
    "gone_after_misses": K(integer(1), 2),
}

BLOCKING = {
    "challenge_status": K(array(integer(100, 599), what="an array of HTTP status codes"), [412, 521]),
    "challenge_markers": K(
        strings(),
        ["$_ts", "__jsl_clearance", "acw_sc__v2", "Please enable JavaScript", "安全验证", "访问异常"],
    ),
    "soft_404_markers": K(strings(), ["非法请求", "页面不存在", "404 Not Found", "您访问的页面不存在"]),
    "stub_bytes": K(integer(0), 600),
    "main_selector": K(text(), ""),
}

FIELDS = (
    "title",
    "identifier",
    "publisher",
    "doc_number",
    "written_date",
    "published_date",
    "category",
    "theme",
    "validity",
    "abstract",
)


def _detail(**out: Any) -> Detail:
    return Detail(**{**out, "fields": MappingProxyType(dict(out["fields"] or {}))})


DETAIL = {
    "main": K(extractors, []),
    "frame": K(extractors, []),
    "fields": K(
        table({name: K(extractors) for name in FIELDS}, lambda **f: {k: v for k, v in f.items() if v}), {}
    ),
    "related": K(extractors, []),
    "renditions": K(strings(), []),
    "placeholders": K(strings(), ["〔〕号", "无", "无文号", "-", "—", "/"]),
    "precedence": K(
        strings(("table", "api", "detail_json", "list", "meta")),
        ["table", "api", "detail_json", "list", "meta"],
    ),
}

ATTACHMENTS = {
    "links": K(extractors, [{"css": "a", "attr": "href", "within": "main"}]),
    "extensions": K(strings(), ["pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar"]),
    "url_patterns": K(array(regex(), what="an array of regular expressions"), []),
    "name_from": K(
        strings(("content_disposition", "link_text", "url_basename"), ("query:", "json:")),
        ["content_disposition", "query:showname", "link_text", "url_basename"],
    ),
    "href_encodings": K(array(codec, what="an array of codec names"), ["utf-8", "gb18030"]),
    "sniff": K(boolean, True),
    "max_bytes": K(integer(1), 104857600),
}

ANNUAL_REPORT = {
    "title_regex": K(array(regex(year=True), single=True, what="a regex or an array of regexes"), []),
    "kind_regex": K(mapping(regex()), {}),
    "year_fallback": K(
        strings(("title", "body", "published_year_minus_one")), ["title", "body", "published_year_minus_one"]
    ),
    "expect_attachment": K(boolean, False),
}

# [discovery] keys by family; the *_regex ones read a value from a page when it is not given.
DISCOVERY = {
    "gkmlpt": {
        "index_url": K(url),
        "sid": K(scalar),
        "sid_regex": K(regex_text),
        "tree_regex": K(regex_text),
    },
    "hanweb": {
        **{k: K(scalar) for k in ("webid", "unitid", "columnid")},
        "proxy": K(text()),
        **{k: K(regex_text) for k in ("webid_regex", "unitid_regex", "columnid_regex", "total_regex")},
    },
    "public-column": {"organ_id": K(scalar), "site_id": K(scalar)},
    "sd-gongkai": {"site_code": K(scalar)},
}
# Discovery keys a family needs, how to derive them from a start URL, and an example for the fix (rule 3).
DISCOVERY_NEEDS = {
    "gkmlpt": ("index_url", None, '"https://www.sg.gov.cn/<dept>/gkmlpt/index"'),
    "public-column": (
        "organ_id",
        r"/public/column/(\d+)",
        '"6616363" (the number in /public/column/<organ_id>)',
    ),
    "sd-gongkai": (
        "site_code",
        r"/gongkai/site_([a-z0-9]+)/",
        '"sgxs" (the <code> in /gongkai/site_<code>/)',
    ),
}

# --- columns, lists and pagination ----------------------------------------------------------------------

LIST = {
    "format": K(text(("html", "xml_cdata", "json", "jsonp", "html_fragment", "rendered", "self")), "html"),
    "items": K(text(), None, '"ul.list > li"'),
    "link": K(extractors, [], '[{ css = "a", attr = "href" }]'),
    "title": K(extractors, []),
    "date": K(extractors, []),
    "onclick_link": K(regex()),
    "onclick_template": K(text()),
    "direct_files": K(strings(), ["pdf", "doc", "docx", "xls", "xlsx", "wps", "zip"]),
}

# The keys each pagination type takes, besides type, max_pages, stop_on and max_consecutive_misses.
PAGINATION_KEYS = {
    "none": (),
    "template": ("first", "pattern", "n_start", "total", "total_is", "page_size"),
    "query": ("param", "n_start", "url", "total", "total_is", "page_size"),
    "jpage": ("proxy", "method", "per_page", "group", "form", "total", "total_is"),
    "json_api": ("url", "n_start", "aliases", "items", "total", "total_is", "page_size"),
    "post_form": ("url", "form", "param", "n_start", "total", "total_is", "page_size"),
    "next_link": ("link",),
    "onclick_pager": ("regex", "url"),
}
PAGINATION_NEEDS = {
    "template": ("pattern",),
    "query": ("param",),
    "jpage": ("proxy",),
    "json_api": ("url",),
    "post_form": ("url", "param"),
    "next_link": ("link",),
    "onclick_pager": ("regex", "url"),
}
PAGINATION = {
    "type": K(
        text(tuple(PAGINATION_KEYS)), REQUIRED, '"none" (one page), or "template", "query", "next_link", …'
    ),
    "first": K(text()),
    "pattern": K(text(), None, '"index_{n}.html"'),
    "param": K(text(), None, '"pageIndex"'),
    "url": K(text(), None, '"https://…?page={n}"'),
    "n_start": K(integer(0), 1),
    "total": K(extractors, []),
    "total_is": K(text(("pages", "items")), "pages"),
    "page_size": K(integer(1)),
    "proxy": K(text(), None, '"/module/jpage/dataproxy.jsp"'),
    "method": K(text(("GET", "POST")), "POST"),
    "per_page": K(integer(1)),
    "group": K(integer(1)),
    "form": K(mapping(scalar), {}),
    "aliases": K(mapping(integer(0)), {}),
    "items": K(text()),
    "link": K(extractors, [], '[{ xpath = "//a[normalize-space()=\'下一页\']", attr = "href" }]'),
    "regex": K(regex(), None, r"'\((\d+)\)'"),
    "max_pages": K(integer(1), 200),
    "stop_on": K(strings(("total", "empty", "stub", "no_new", "http_404")), ["total", "empty", "stub"]),
    "max_consecutive_misses": K(integer(1), 2),
}
TEMPLATE_VARS = ("n", "s", "e", "category")


def _pagination_check(family: str | None) -> Callable:
    """Keys must fit the type; each type's required keys are there; template variables are known."""
    discovery = DISCOVERY.get(family, {}) if family else {}
    known = TEMPLATE_VARS + tuple(k for k in discovery if not k.endswith("_regex"))

    def check(out: dict, ctx: _Ctx, raw_keys: Iterable[str]) -> None:
        kind = out["type"]
        if kind is None:
            return
        takes = PAGINATION_KEYS[kind] + ("type", "max_pages", "stop_on", "max_consecutive_misses")
        for key in raw_keys:
            if key in PAGINATION and key not in takes:
                users = ", ".join(t for t, keys in PAGINATION_KEYS.items() if key in keys)
                ctx.problem(
                    key, f'not used by type = "{kind}"', f"remove it, or use a type that takes it ({users})"
                )
        for key in PAGINATION_NEEDS.get(kind, ()):
            if not out[key]:
                ctx.problem(key, f'missing; type = "{kind}" needs it', _fix(key, None, PAGINATION[key]))
        templates = [(k, out[k]) for k in ("first", "pattern", "url", "proxy") if out[k] and k in takes]
        templates += [(f"form.{k}", v) for k, v in (out["form"] or {}).items() if "form" in takes]
        for key, value in templates:
            _check_template(key, value, known, ctx)

    return check


def _check_template(key: str, value: str, known: Sequence[str], ctx: _Ctx) -> None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as e:
        ctx.problem(key, f"malformed template {_toml(value)}: {e}", "write variables as {n}")
        return
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {{{close[0]}}}?" if close else ""
            ctx.problem(key, f"unknown template variable {{{name}}}{hint} (known: {', '.join(known)})")


def _pagination(family: str | None) -> Callable:
    check = _pagination_check(family)

    def conv(v: Any, ctx: _Ctx, key: str) -> Pagination:
        if not isinstance(v, dict):
            raise _Bad(f"expected a table, got {_toml(v)}")
        sub = ctx.at(table=f"{ctx.table}.{key}")
        out = _table(v, PAGINATION, sub)
        check(out, sub, v)
        return Pagination(**out)

    return conv


ITEM_FILTER = {"title_regex": K(regex()), "title_exclude": K(regex())}
COLUMN_KINDS = ("annual_report", "catalog", "guide", "policy", "other")


def _column_schema(family: str | None) -> dict[str, K]:
    return {
        "key": K(text(pattern=r"\S+", what="a non-empty string"), REQUIRED, '"annual-reports"'),
        "kind": K(text(COLUMN_KINDS), REQUIRED, '"annual_report"'),
        "name": K(text(), REQUIRED, '"政府信息公开年报"'),
        "start_urls": K(array(url, single=True, what="an array of absolute http(s) URLs"), []),
        "category": K(scalar),
        "match_name": K(strings(), []),
        "incremental": K(boolean, True),
        "full_every_days": K(integer(1), 7),
        "pinned_max": K(integer(0), 0),
        "item_filter": K(table(ITEM_FILTER, ItemFilter), {}),
        "list": K(table(LIST, ListSpec), {}),
        "pagination": K(_pagination(family), {}),
        "detail": K(table(DETAIL, dict, defaults=False), {}),
    }


# --- the whole file -------------------------------------------------------------------------------------


def _schema_version(v: Any, ctx: _Ctx, key: str) -> int:
    if v != 1 or isinstance(v, bool):
        raise _Bad(f"expected 1, got {_toml(v)}; this gongkai reads schema version 1", "1")
    return v


def _columns(v: Any, ctx: _Ctx, key: str) -> tuple[dict, ...]:
    """The raw [[columns]] tables; each is converted by `_column` once [detail] is known."""
    if not isinstance(v, list) or not all(isinstance(c, dict) for c in v):
        raise _Bad(f"expected an array of tables ([[columns]]), got {_toml(v)}")
    if not v:
        raise _Bad("no columns", fix="add a [[columns]] table with key, kind, name and start_urls")
    return tuple(v)


def _discovery_keys(family: str | None) -> dict[str, K]:
    """The family's discovery keys; every family's when the family itself is wrong (reported elsewhere)."""
    if family is None:
        return {k: rule for keys in DISCOVERY.values() for k, rule in keys.items()}
    return DISCOVERY.get(family, {})


def _portal_schema(family: str | None) -> dict[str, K]:
    return {
        "schema_version": K(_schema_version, REQUIRED, "1"),
        "portal": K(
            table(PORTAL, dict),
            REQUIRED,
            "add a [portal] table with id, agency, portal_name, region_code, level, family, homepage",
        ),
        "fetch": K(table(FETCH, Fetch), {}),
        "politeness": K(table(POLITENESS, Politeness, check=_polite), {}),
        "scope": K(
            table(SCOPE, Scope), REQUIRED, 'add a [scope] table with allowed_domains = ["www.example.gov.cn"]'
        ),
        "identity": K(table(IDENTITY, Identity), {}),
        "blocking": K(table(BLOCKING, Blocking), {}),
        "discovery": K(table(_discovery_keys(family), lambda **d: {k: v for k, v in d.items() if v}), {}),
        "columns": K(_columns, REQUIRED, "add a [[columns]] table with key, kind, name and start_urls"),
        "detail": K(table(DETAIL, _detail), {}),
        "attachments": K(table(ATTACHMENTS, Attachments), {}),
        "annual_report": K(table(ANNUAL_REPORT, AnnualReport), {}),
    }
