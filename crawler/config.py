"""Configuration as validated data: run settings (gongkai.toml) and portal files (crawler/portals/*.toml).

A portal file (schema: portal-configs.md) becomes a frozen `Portal`; gongkai.toml becomes `Settings`.
Both are checked against tables of key → `K(converter, default)`, so every key is known, typed and
defaulted in one place. Problems are collected, not raised one at a time: `check_portal` returns them
all and `load_portal` raises one `ConfigError` listing them, one per line, as

    crawler/portals/hanyin-gxs.toml: [politeness] delay: expected a number >= 0.5, got 0.1. Fix: …

Unknown keys are errors with a did-you-mean (difflib, as click does): a misspelled key must not silently
switch a rule off (scrapy/scrapy#4302). Keys of a column's tables are prefixed with the column:
`column "annual-reports" [columns.list] unknown key "itmes"; did you mean "items"?`.

Family behaviour (the selectors and pagination shapes of the six CMS families) is data in
crawler/families.toml, merged key by key under each portal file's own values.
"""

from __future__ import annotations

import codecs
import difflib
import json
import re
import string
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from archive.errors import ConfigError

FAMILIES = ("gkmlpt", "hanweb", "public-column", "sd-gongkai", "ankang-node", "trs-static", "generic")
FAMILIES_FILE = Path(__file__).with_name("families.toml")
# A guessed value not yet filled in (`colREPLACE`, `catId=REPLACE_CATID`): the column is skipped.
PLACEHOLDER = re.compile(r"REPLACE(?:_[A-Z0-9]+)*")


# --- the dataclasses ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extractor:
    """One way to get a value (portal-configs.md §3.1); fields are tried as ordered tuples of these."""

    source: str  # css | xpath | meta | label | json | regex | list | const
    value: str | tuple[str, ...]  # selector, name, path, pattern…; a tuple of labels for `label`
    attr: str | None = None
    within: str | None = None  # "main" = the detail's main node, else a CSS selector
    all: bool = False
    from_: str = "list_item"  # TOML `from`: list_item | response | script:<js variable>
    on: str = "text"  # text | html | url (regex source)
    group: int | str | None = None  # regex source: None = group 1 or the only named group
    value_mode: str = "next_cell"  # TOML `value` of a label extractor: next_cell | same_cell
    pick: re.Pattern[str] | None = None
    normalize: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None  # the compiled `value` of a regex extractor


@dataclass(frozen=True)
class ListSpec:
    format: str
    items: str | None
    link: tuple[Extractor, ...]
    title: tuple[Extractor, ...]
    date: tuple[Extractor, ...]
    onclick_link: re.Pattern[str] | None
    onclick_template: str | None
    direct_files: tuple[str, ...]


@dataclass(frozen=True)
class Pagination:
    type: str
    first: str | None
    pattern: str | None
    param: str | None
    url: str | None
    n_start: int
    total: tuple[Extractor, ...]
    total_is: str
    page_size: int | None
    proxy: str | None
    method: str
    per_page: int | None
    group: int | None
    form: Mapping[str, str]
    aliases: Mapping[str, int]
    items: str | None
    link: tuple[Extractor, ...]
    regex: re.Pattern[str] | None
    max_pages: int
    stop_on: tuple[str, ...]
    max_consecutive_misses: int


@dataclass(frozen=True)
class ItemFilter:
    title_regex: re.Pattern[str] | None
    title_exclude: re.Pattern[str] | None

    def keeps(self, title: str) -> bool:
        """True if a list item with this title belongs to the column's agency."""
        if self.title_regex and not self.title_regex.search(title):
            return False
        return not (self.title_exclude and self.title_exclude.search(title))


@dataclass(frozen=True)
class Detail:
    main: tuple[Extractor, ...]
    frame: tuple[Extractor, ...]
    fields: Mapping[str, tuple[Extractor, ...]]
    related: tuple[Extractor, ...]
    renditions: tuple[str, ...]
    placeholders: tuple[str, ...]
    precedence: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    key: str
    kind: str
    name: str
    start_urls: tuple[str, ...]
    category: str | None
    match_name: tuple[str, ...]
    incremental: bool
    full_every_days: int
    pinned_max: int
    item_filter: ItemFilter
    list: ListSpec
    pagination: Pagination
    detail: Detail  # the portal's [detail] with this column's overrides merged in
    active: bool = True
    inactive_reason: str = ""


@dataclass(frozen=True)
class Attachments:
    links: tuple[Extractor, ...]
    extensions: tuple[str, ...]
    url_patterns: tuple[re.Pattern[str], ...]
    name_from: tuple[str, ...]
    href_encodings: tuple[str, ...]
    sniff: bool
    max_bytes: int


@dataclass(frozen=True)
class AnnualReport:
    title_regex: tuple[re.Pattern[str], ...]
    kind_regex: Mapping[str, re.Pattern[str]]
    year_fallback: tuple[str, ...]
    expect_attachment: bool


@dataclass(frozen=True)
class Fetch:
    scheme: str
    user_agent: str
    headers: Mapping[str, str]
    cookies: bool
    connect_timeout: float
    read_timeout: float
    retries: int
    retry_backoff: float
    max_redirects: int
    tls_verify: bool
    encoding: str
    gb2312_as: str
    max_body_bytes: int


@dataclass(frozen=True)
class Politeness:
    delay: float
    jitter: float
    concurrency: int
    autothrottle: bool
    respect_robots: bool
    robots_unavailable: str
    max_requests_per_run: int
    window: str
    contact: str  # "" = the `contact` run setting
    override_reason: str  # why this portal may go below the delay/concurrency floor (rule 8)


@dataclass(frozen=True)
class Scope:
    allowed_domains: tuple[str, ...]
    attachment_domains: tuple[str, ...]
    deny: tuple[re.Pattern[str], ...]
    follow_offsite_links: bool


@dataclass(frozen=True)
class Identity:
    canonical_url: tuple[str, ...]
    drop_params: tuple[str, ...]
    keys: tuple[str, ...]
    hash_scope: str
    boilerplate: tuple[re.Pattern[str], ...]
    gone_after_misses: int


@dataclass(frozen=True)
class Blocking:
    challenge_status: tuple[int, ...]
    challenge_markers: tuple[str, ...]
    soft_404_markers: tuple[str, ...]
    stub_bytes: int
    main_selector: str


@dataclass(frozen=True)
class Provenance:
    verified: tuple[str, ...]
    guessed: tuple[str, ...]  # non-empty: the run report lists these when a crawl fails (rule 9)
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Portal:
    path: Path
    id: str
    agency: str
    agency_aliases: tuple[str, ...]
    portal_name: str
    region_code: str
    level: str
    family: str
    homepage: str
    status: str
    notes: str
    provenance: Provenance
    fetch: Fetch
    politeness: Politeness
    scope: Scope
    identity: Identity
    blocking: Blocking
    discovery: Mapping[str, str]
    columns: tuple[Column, ...]
    detail: Detail
    attachments: Attachments
    annual_report: AnnualReport

    @property
    def active_columns(self) -> tuple[Column, ...]:
        """The columns a crawl walks: no REPLACE placeholder left, portal not paused or retired."""
        return tuple(c for c in self.columns if c.active)


# --- problems and converters ----------------------------------------------------------------------------

REQUIRED = object()


class K(NamedTuple):
    """One key of a table: how to convert it, its default (raw TOML, or REQUIRED), an example for fixes."""

    conv: Callable[[Any, _Ctx, str], Any]
    default: Any = None
    example: str | None = None


class _Bad(Exception):
    """A value is wrong; `at` extends the key (``[2]``), `example` or `fix` says what to write."""

    def __init__(self, what: str, example: str | None = None, at: str = "", fix: str | None = None):
        super().__init__(what)
        self.what, self.example, self.at, self.fix = what, example, at, fix


@dataclass
class _Ctx:
    """Where we are in a file, and the shared list every problem is appended to."""

    file: str
    problems: list[str]
    table: str = ""
    column: str = ""
    owner: str = ""  # key path inside the table, e.g. "title[0]" for one extractor

    def at(self, table: str | None = None, owner: str = "") -> _Ctx:
        return _Ctx(self.file, self.problems, self.table if table is None else table, self.column, owner)

    def where(self) -> str:
        col = f'column "{self.column}" ' if self.column else ""
        table = {"": "", "columns": "[[columns]] "}.get(self.table, f"[{self.table}] ")
        return f"{self.file}: {col}{table}".rstrip()

    def problem(self, key: str, what: str, fix: str | None = None) -> None:
        path = f"{self.owner}.{key}" if self.owner and key and not key.startswith("[") else self.owner + key
        lead = f"{self.where()} {path}:" if path else self.where()
        self.problems.append(f"{lead} {what}" + (f". Fix: {fix}" if fix else ""))

    def unknown(self, key: str, valid: Iterable[str]) -> None:
        valid = list(valid)
        close = difflib.get_close_matches(key, valid, n=1)
        hint = f'did you mean "{close[0]}"?' if close else "valid keys: " + (", ".join(valid) or "none")
        lead = f"{self.owner}: " if self.owner else ""
        self.problems.append(f'{self.where()} {lead}unknown key "{key}"; {hint}')


def _toml(v: Any) -> str:
    """Show a value as it would be written in TOML (regexes as literal strings)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        if "\\" in v and "'" not in v and "\n" not in v:
            return f"'{v}'"
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + " }"
    return str(v)


def _alts(choices: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in choices)


def _closest(v: str, choices: Sequence[str]) -> str:
    return (difflib.get_close_matches(v, choices, n=1) or [choices[0]])[0]


def _table(raw: Mapping[str, Any], schema: Mapping[str, K], ctx: _Ctx, defaults: bool = True) -> dict:
    """Convert one table: report unknown and missing keys, convert each value, apply defaults."""
    for key in raw:
        if key not in schema:
            ctx.unknown(key, schema)
    out: dict[str, Any] = {}
    for key, rule in schema.items():
        if key in raw:
            value = raw[key]
        elif rule.default is REQUIRED:
            ctx.problem(key, "missing", _fix(key, None, rule))
            out[key] = None
            continue
        elif not defaults:
            continue
        elif rule.default is None:
            out[key] = None
            continue
        else:
            value = rule.default
        try:
            out[key] = rule.conv(value, ctx, key)
        except _Bad as bad:
            ctx.problem(key + bad.at, bad.what, bad.fix or _fix(key, bad.example, rule))
            out[key] = None
    return out


def _fix(key: str, example: str | None, rule: K) -> str | None:
    """What to write instead: `key = <example>`, or the example itself when it is a whole sentence."""
    if not example and rule.example and rule.example.startswith("add "):
        return rule.example
    if example or rule.example:
        return f"{key} = {example or rule.example}"
    if rule.default not in (REQUIRED, None, "", (), [], {}):
        return f"{key} = {_toml(rule.default)}"
    return None


def text(choices: Sequence[str] = (), pattern: str | None = None, what: str = "a string") -> Callable:
    """A string; one of `choices`, or matching `pattern` (described by `what`)."""

    def conv(v: Any, ctx: _Ctx, key: str) -> str:
        if not isinstance(v, str):
            raise _Bad(f"expected {what if not choices else 'one of ' + _alts(choices)}, got {_toml(v)}")
        if choices and v not in choices:
            close = difflib.get_close_matches(v, choices, n=1)
            raise _Bad(
                f"expected one of {_alts(choices)}, got {_toml(v)}", _toml(close[0]) if close else None
            )
        if pattern and not re.fullmatch(pattern, v):
            raise _Bad(f"expected {what}, got {_toml(v)}")
        return v

    return conv


def integer(lo: int | None = None, hi: int | None = None) -> Callable:
    what = "an integer" + (f" >= {lo}" if lo is not None else "") + (f" <= {hi}" if hi is not None else "")

    def conv(v: Any, ctx: _Ctx, key: str) -> int:
        if (
            isinstance(v, bool)
            or not isinstance(v, int)
            or (lo is not None and v < lo)
            or (hi is not None and v > hi)
        ):
            raise _Bad(f"expected {what}, got {_toml(v)}")
        return v

    return conv


def number(lo: float | None = None) -> Callable:
    what = "a number" + (f" >= {lo}" if lo is not None else "")

    def conv(v: Any, ctx: _Ctx, key: str) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float) or (lo is not None and v < lo):
            raise _Bad(f"expected {what}, got {_toml(v)}")
        return float(v)

    return conv


def boolean(v: Any, ctx: _Ctx, key: str) -> bool:
    if not isinstance(v, bool):
        raise _Bad(f"expected true or false, got {_toml(v)}")
    return v


def scalar(v: Any, ctx: _Ctx, key: str) -> str:
    """A string, or an integer kept as its decimal string (ids written either way)."""
    if isinstance(v, bool) or not isinstance(v, str | int):
        raise _Bad(f"expected a string or an integer, got {_toml(v)}")
    return str(v)


def url(v: Any, ctx: _Ctx, key: str) -> str:
    if not isinstance(v, str) or urlsplit(v).scheme not in ("http", "https") or not urlsplit(v).hostname:
        raise _Bad(f"expected an absolute http(s) URL, got {_toml(v)}", '"https://www.example.gov.cn/…"')
    return v


def codec(v: Any, ctx: _Ctx, key: str) -> str:
    if not isinstance(v, str):
        raise _Bad(f"expected a codec name, got {_toml(v)}")
    try:
        codecs.lookup(v)
    except LookupError:
        raise _Bad(f"unknown codec {_toml(v)}", '"gb18030"') from None
    return v


def array(item: Callable, single: bool = False, what: str = "an array of strings", choices: Sequence = ()):
    """An array converted item by item (a lone value is accepted if `single`); returns a tuple."""

    def conv(v: Any, ctx: _Ctx, key: str) -> tuple:
        if single and not isinstance(v, list):
            v = [v]
        if not isinstance(v, list):
            raise _Bad(f"expected {what}, got {_toml(v)}")
        out = []
        for i, x in enumerate(v):
            try:
                out.append(item(x, ctx, key))
            except _Bad as bad:
                ok = choices and isinstance(x, str)
                fixed = [_closest(x, choices) if j == i else y for j, y in enumerate(v)] if ok else None
                raise _Bad(bad.what, _toml(fixed) if fixed else None, f"[{i}]", bad.fix) from None
        return tuple(out)

    return conv


def strings(choices: Sequence[str] = (), prefixes: Sequence[str] = ()) -> Callable:
    """An array of strings, each one of `choices` or starting with one of `prefixes` when given."""

    def item(x: Any, ctx: _Ctx, key: str) -> str:
        if not isinstance(x, str):
            raise _Bad(f"expected a string, got {_toml(x)}")
        if choices and x not in choices and not x.startswith(tuple(prefixes)):
            allowed = _alts(choices) + "".join(f', "{p}…"' for p in prefixes)
            raise _Bad(f"expected one of {allowed}, got {_toml(x)}")
        return x

    return array(item, choices=choices)


def regex(year: bool = False) -> Callable:
    """A regular expression, compiled; with `year`, it must have a (?P<year>…) group (rule 5)."""

    def conv(v: Any, ctx: _Ctx, key: str) -> re.Pattern[str]:
        if not isinstance(v, str):
            raise _Bad(f"expected a regular expression string, got {_toml(v)}")
        try:
            compiled = re.compile(v)
        except re.error as e:
            fix = (
                "write it as a TOML literal string '…' (backslashes need no escaping) and check its brackets"
            )
            raise _Bad(f"invalid regular expression {_toml(v)}: {e}", fix=fix) from None
        if year and "year" not in compiled.groupindex:
            raise _Bad(
                f"pattern {_toml(v)} has no (?P<year>…) group", fix=r"name the year, e.g. '(?P<year>20\d{2})'"
            )
        return compiled

    return conv


def regex_text(v: Any, ctx: _Ctx, key: str) -> str:
    """A regular expression kept as text (discovery values are strings), checked to compile."""
    return regex()(v, ctx, key).pattern


def mapping(value: Callable) -> Callable:
    """An inline table of string keys, values converted; read-only."""

    def conv(v: Any, ctx: _Ctx, key: str) -> Mapping:
        if not isinstance(v, dict):
            raise _Bad(f"expected a table, got {_toml(v)}", '{ name = "value" }')
        out = {}
        for k, x in v.items():
            try:
                out[k] = value(x, ctx, key)
            except _Bad as bad:
                raise _Bad(bad.what, None, f".{k}", bad.fix) from None
        return MappingProxyType(out)

    return conv


def table(schema: Mapping[str, K], build: Callable, defaults: bool = True, check: Callable | None = None):
    """A sub-table, converted by `schema`, then `check(out, ctx)` and `build(**out)`."""

    def conv(v: Any, ctx: _Ctx, key: str) -> Any:
        if not isinstance(v, dict):
            raise _Bad(f"expected a table, got {_toml(v)}")
        sub = ctx.at(table=f"{ctx.table}.{key}" if ctx.table else key)
        out = _table(v, schema, sub, defaults)
        if check:
            check(out, sub)
        return build(**out)

    return conv


# --- extractors (portal-configs.md §3.1) ----------------------------------------------------------------

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


def _column(raw: dict, family: str | None, fam_columns: Mapping, detail: Detail | None, ctx: _Ctx) -> Column:
    """One [[columns]] entry, with family list/pagination defaults under it and [detail] merged over."""
    out = _table(_family_column(raw, fam_columns), _column_schema(family), ctx)
    if not out["start_urls"] and not (family == "gkmlpt" and (out["category"] or out["match_name"])):
        give = "start_urls" if family != "gkmlpt" else "start_urls, category or match_name"
        ctx.problem("start_urls", f"missing; a column needs {give}", 'start_urls = ["https://…"]')
    lst: ListSpec | None = out["list"]
    if lst and lst.format != "self":
        for key in ("items", "link"):
            if not getattr(lst, key):
                ctx.at(table="columns.list").problem(
                    key,
                    f'missing; format = "{lst.format}" needs it',
                    _fix(key, None, LIST[key]) or f'{key} = "li"',
                )
    if detail and out["detail"]:
        own = out["detail"]
        out["detail"] = replace(
            detail, **{**own, "fields": MappingProxyType({**detail.fields, **own.get("fields", {})})}
        )
    else:
        out["detail"] = detail
    return Column(**out)


def _family_column(raw: dict, fam: Mapping) -> dict:
    """Put the family's list and pagination defaults under a column, if its format/type agrees."""
    col = dict(raw)
    own, base = col.get("list", {}), fam.get("list", {})
    if isinstance(own, dict) and own.get("format", base.get("format")) == base.get("format"):
        own = col["list"] = _merge(base, own)
    fmt = own.get("format") if isinstance(own, dict) else None
    pag, base = col.get("pagination", {}), fam.get("pagination", {})
    if not isinstance(pag, dict):
        return col
    if fmt == "self":
        col["pagination"] = {"type": "none", **pag}  # each start URL is a document: nothing to page
    elif pag.get("type", base.get("type")) == base.get("type"):
        col["pagination"] = _merge(base, pag)
    return col


def _merge(base: Mapping, over: Mapping) -> dict:
    """Key-by-key merge: tables merge recursively, everything else (arrays too) is replaced."""
    out = dict(base)
    for key, value in over.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merge(out[key], value) if both else value
    return out


@cache
def _families() -> dict:
    with FAMILIES_FILE.open("rb") as f:
        return tomllib.load(f)


def _family_defaults(family: str | None) -> dict:
    data = _families()
    return _merge(data.get("all", {}), data.get(family, {}) if family else {})


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


def _build(raw: dict, path: Path, ctx: _Ctx) -> Portal | None:
    """Validate a parsed file against the schema and the cross-key rules; None if anything is wrong."""
    meta = raw.get("portal")
    family = meta.get("family") if isinstance(meta, dict) and meta.get("family") in FAMILIES else None
    defaults = _family_defaults(family)
    if family and not DISCOVERY.get(family) and isinstance(raw.get("discovery"), dict):
        for key in raw.pop("discovery"):  # a clearer message than "valid keys: none"
            ctx.at(table="discovery").problem(
                "", f'unknown key "{key}"; family "{family}" takes no discovery keys'
            )
    merged = _merge({k: v for k, v in defaults.items() if k != "columns"}, raw)
    out = _table(merged, _portal_schema(family), ctx)
    if out["detail"] and not out["detail"].main:
        ctx.at(table="detail").problem(
            "main", "missing; needed to find the document text", 'main = [{ css = "#zoom" }]'
        )
    columns = [
        _column(c, family, defaults.get("columns", {}), out["detail"], _column_ctx(ctx, c, i))
        for i, c in enumerate(out["columns"] or (), 1)
    ]
    meta = out.pop("portal") or {}
    out["discovery"] = _discover(family, out["discovery"] or {}, columns, ctx)
    _check_unique_keys(columns, ctx)
    if out["scope"]:
        _check_hosts(out["scope"].allowed_domains, columns, out["discovery"], ctx)
    if ctx.problems:
        return None
    columns = [_activate(c, meta["status"], out["discovery"]) for c in columns]
    out.update(columns=tuple(columns), discovery=MappingProxyType(out["discovery"]))
    del out["schema_version"]
    return Portal(path=path, **meta, **out)


def _column_ctx(ctx: _Ctx, raw: dict, i: int) -> _Ctx:
    key = raw.get("key")
    return _Ctx(ctx.file, ctx.problems, "columns", key if isinstance(key, str) and key else f"#{i}")


def _discover(family: str | None, found: dict, columns: list[Column], ctx: _Ctx) -> dict:
    """Rule 3: a family's required discovery key is given, or derived from a start URL."""
    if family not in DISCOVERY_NEEDS:
        return dict(found)
    key, derive, example = DISCOVERY_NEEDS[family]
    found = dict(found)
    if key not in found and derive:
        urls = [u for c in columns for u in c.start_urls or ()]
        hits = [
            m.group(1) for u in urls if (m := re.search(derive, u)) and not PLACEHOLDER.search(m.group(1))
        ]
        if hits:
            found[key] = hits[0]
    if key not in found:
        how = " and no start URL shows it" if derive else ""
        ctx.at(table="discovery").problem(
            key, f'missing; family "{family}" needs it{how}', f"{key} = {example}"
        )
    return found


def _check_unique_keys(columns: list[Column], ctx: _Ctx) -> None:
    seen: set[str] = set()
    for col in columns:
        if col.key in seen:
            replace(ctx.at(table="columns"), column=col.key).problem(
                "key", f'"{col.key}" is used by two columns', "give each column its own key"
            )
        seen.add(col.key)


def _host_allowed(address: str, domains: Sequence[str]) -> bool:
    host = urlsplit(address).hostname or ""
    return any(host == d or host.endswith("." + d) for d in domains)


def _check_hosts(domains: Sequence[str], columns: list[Column], discovery: Mapping, ctx: _Ctx) -> None:
    """Rule 4: every start URL, index URL and absolute pagination URL is on an allowed host."""
    allowed = ", ".join(domains)
    checks = (
        [(ctx.at(table="discovery"), "index_url", discovery["index_url"])] if "index_url" in discovery else []
    )
    for col in columns:
        cctx = ctx.at(table="columns")
        cctx.column = col.key
        checks += [(cctx, f"start_urls[{i}]", u) for i, u in enumerate(col.start_urls or ())]
        pag = col.pagination
        for key in ("first", "pattern", "url", "proxy"):
            value = getattr(pag, key) if pag else None
            if value and value.startswith(("http://", "https://")):
                checks.append((cctx.at(table="columns.pagination"), key, value))
    for where, key, address in checks:
        if not _host_allowed(address, domains):
            host = urlsplit(address).hostname
            where.problem(
                key,
                f'host "{host}" is not in [scope] allowed_domains ({allowed})',
                f'add "{host}" to allowed_domains, or correct the URL',
            )


def _activate(col: Column, status: str, discovery: Mapping[str, str]) -> Column:
    """Rule 7: a column with a REPLACE placeholder left in, or of a paused/retired portal, is skipped."""
    if status != "active":
        return replace(col, active=False, inactive_reason=f'portal status is "{status}"')
    for key, value in _column_strings(col, discovery):
        if m := PLACEHOLDER.search(value):
            reason = (
                f'{key} contains the placeholder "{m.group()}"; put the real value from the live portal there'
            )
            return replace(col, active=False, inactive_reason=reason)
    return col


def _column_strings(col: Column, discovery: Mapping[str, str]) -> Iterable[tuple[str, str]]:
    yield from ((f"start_urls[{i}]", u) for i, u in enumerate(col.start_urls))
    pag = col.pagination
    yield from (
        (f"pagination.{k}", getattr(pag, k)) for k in ("first", "pattern", "url", "proxy") if getattr(pag, k)
    )
    yield from ((f"pagination.form.{k}", v) for k, v in pag.form.items())
    yield from ((f"[discovery] {k}", v) for k, v in discovery.items() if not k.endswith("_regex"))


def _read(path: Path, ctx: _Ctx) -> dict | None:
    """Parse a TOML file; syntax errors name the file and the line."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        ctx.problems.append(f"{ctx.file}: no such file")
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"line {m.group(1)}, column {m.group(2)}" if m else "end of file"
        reason = re.sub(r"\s*\(at .*?\)$", "", msg)
        ctx.problems.append(f"{ctx.file}: {where}: TOML syntax error: {reason}")
    except UnicodeDecodeError as e:
        ctx.problems.append(
            f"{ctx.file}: not UTF-8 ({e.reason} at byte {e.start}). Fix: save the file as UTF-8"
        )
    return None


def _load(path: Path) -> tuple[Portal | None, list[str]]:
    path = Path(path)
    ctx = _Ctx(str(path), [])
    raw = _read(path, ctx)
    portal = _build(raw, path, ctx) if raw is not None else None
    return portal, ctx.problems


def check_portal(path: Path | str) -> list[str]:
    """Every problem of one portal file, one message per line ([] if it is valid)."""
    return _load(Path(path))[1]


def load_portal(path: Path | str) -> Portal:
    """Load one portal file; raise ConfigError listing every problem if it is not valid."""
    portal, problems = _load(Path(path))
    if problems or portal is None:
        raise ConfigError("\n".join(problems))
    return portal


def load_portals(paths: Iterable[Path | str]) -> list[Portal]:
    """Load several portal files; ids must be unique across them (rule 2). Lists every problem."""
    portals, problems, seen = [], [], {}
    for path in paths:
        portal, found = _load(Path(path))
        problems += found
        if portal is None:
            continue
        if portal.id in seen:
            problems.append(
                f'{path}: [portal] id: "{portal.id}" is already used by {seen[portal.id]}. '
                "Fix: choose another id (ids are never reused)"
            )
            continue
        seen[portal.id] = path
        portals.append(portal)
    if problems:
        raise ConfigError("\n".join(problems))
    return portals


def resolve_portal(name_or_path: str, search: Sequence[Path | str]) -> Path:
    """A path to a .toml file, or a portal id looked up as <dir>/<id>.toml in the `search` directories."""
    if name_or_path.endswith(".toml") or "/" in name_or_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise ConfigError(f"{path}: no such portal file")
        return path
    for folder in map(Path, search):
        if (folder / f"{name_or_path}.toml").is_file():
            return folder / f"{name_or_path}.toml"
    ids = sorted({p.stem for folder in map(Path, search) for p in folder.glob("*.toml")})
    close = difflib.get_close_matches(name_or_path, ids, n=3)
    hint = "did you mean " + " or ".join(f'"{c}"' for c in close) + "? " if close else ""
    where = ", ".join(str(s) for s in search)
    raise ConfigError(
        f'unknown portal "{name_or_path}"; {hint}available in {where}: {", ".join(ids) or "none"}'
    )


# --- run settings: gongkai.toml -------------------------------------------------------------------------

PROJECT_URL = "https://github.com/gongkai-archive/gongkai"


@dataclass(frozen=True)
class Setting:
    """One run setting; its type is the type of its default (Datasette's SETTINGS)."""

    name: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()


SETTINGS = (
    Setting(
        "data_dir", Path("data"), "Directory holding the WARC archive, its capture index and the database"
    ),
    Setting(
        "portals_dir", Path("crawler/portals"), "Directory of portal files; `gongkai crawl <id>` looks here"
    ),
    Setting(
        "user_agent",
        "gongkai/0.1 (+{contact})",
        "User-Agent sent to portals; {contact} is replaced by the contact setting",
    ),
    Setting("contact", PROJECT_URL, "Where a portal's webmaster can reach the operator (URL or e-mail)"),
    Setting("download_timeout", 30.0, "Seconds before a whole response times out"),
    Setting(
        "max_body_bytes", 52428800, "Largest response body kept, in bytes (larger ones are cut and recorded)"
    ),
    Setting("retries", 3, "Retries for 5xx, 408, 429, resets and truncated bodies"),
    Setting("log_level", "WARNING", "Logging level", ("DEBUG", "INFO", "WARNING", "ERROR")),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    portals_dir: Path
    user_agent: str
    contact: str
    download_timeout: float
    max_body_bytes: int
    retries: int
    log_level: str


_KIND = {bool: "true or false", int: "an integer", float: "a number", str: "a string", Path: "a path"}


def _parse_text(v: str, kind: type) -> Any:
    """A command-line value as the setting's type, or unchanged text if it does not parse."""
    if kind is bool:
        return {"true": True, "false": False}.get(v.strip().lower(), v)
    try:
        return kind(v)
    except ValueError:
        return v


def _convert_setting(s: Setting, v: Any, from_text: bool) -> Any:
    """Check one setting's value; command-line values arrive as text and are parsed (Setting.convert)."""
    kind = Path if isinstance(s.default, Path) else type(s.default)
    if from_text and isinstance(v, str) and kind in (int, float, bool):
        v = _parse_text(v, kind)
    ok = {
        bool: isinstance(v, bool),
        int: isinstance(v, int) and not isinstance(v, bool),
        float: isinstance(v, int | float) and not isinstance(v, bool),
        str: isinstance(v, str),
        Path: isinstance(v, str | Path),
    }[kind]
    if not ok:
        raise _Bad(
            f"expected {_KIND[kind]}, got {_toml(v)}",
            _toml(s.default if kind is not Path else str(s.default)),
        )
    if s.choices and v not in s.choices:
        close = difflib.get_close_matches(v, s.choices, n=1) or [s.default]
        raise _Bad(f"expected one of {_alts(s.choices)}, got {_toml(v)}", _toml(close[0]))
    return Path(v) if kind is Path else float(v) if kind is float else v


def _apply_settings(
    values: dict, raw: Mapping[str, Any], where: str, from_text: bool, problems: list[str]
) -> None:
    names = {s.name: s for s in SETTINGS}
    for key, value in raw.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f'did you mean "{close[0]}"?' if close else "known settings: " + ", ".join(names)
            problems.append(f'{where}: unknown setting "{key}"; {hint}')
            continue
        try:
            values[key] = _convert_setting(names[key], value, from_text)
        except _Bad as bad:
            problems.append(f"{where}: {key}: {bad.what}. Fix: {key} = {bad.example}")


def _settings(path: Path | str | None, overrides: Mapping[str, Any]) -> tuple[dict, list[str]]:
    values = {s.name: s.default for s in SETTINGS}
    problems: list[str] = []
    if path is not None:
        raw = _read(Path(path), _Ctx(str(path), problems)) or {}
        _apply_settings(values, raw, str(path), False, problems)
        for s in SETTINGS:  # a path written in gongkai.toml is relative to that file
            if isinstance(s.default, Path) and s.name in raw and isinstance(values[s.name], Path):
                values[s.name] = Path(path).parent / values[s.name]
    _apply_settings(values, overrides, "command line", True, problems)
    values["user_agent"] = values["user_agent"].replace("{contact}", str(values["contact"]))
    return values, problems


def check_settings(path: Path | str) -> list[str]:
    """Every problem of a gongkai.toml, one message per line ([] if it is valid)."""
    return _settings(path, {})[1]


def load_settings(path: Path | str | None = None, overrides: Mapping[str, Any] | None = None) -> Settings:
    """Run settings: defaults < gongkai.toml (if `path`) < `overrides` (command line). Lists every problem.

    Relative paths in gongkai.toml are relative to that file's directory; overrides to the working one.
    """
    values, problems = _settings(path, overrides or {})
    if problems:
        raise ConfigError("\n".join(problems))
    return Settings(**values)
