"""The frozen dataclasses a portal file becomes (portal-configs.md): `Portal` and the tables in it.

portals.py builds them from values that schema.py has already converted and checked, so they check
nothing themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


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
