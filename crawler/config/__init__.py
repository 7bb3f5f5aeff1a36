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
crawler/config/families.toml, merged key by key under each portal file's own values.

Where each job lives (a module imports only modules listed above it):

    model.py         the frozen dataclasses a portal file becomes: Portal, Column, Extractor, …
    validate.py      the engine: K tables, problem messages with did-you-mean, value converters, _read
    families.py      FAMILIES and their defaults from families.toml, merged under a portal file
    extractor.py     one extractor table (portal-configs.md §3.1) and ordered lists of them
    schema.py        the key tables of a portal file: types, defaults and the checks of each table
    portals.py       check_portal, load_portal, load_portals, resolve_portal; the rules across tables
    run_settings.py  SETTINGS, Setting, Settings, check_settings, load_settings, command_settings

Import from `crawler.config`, not from the modules: this file re-exports every public name.
"""

from .extractor import EXTRACTOR_OPTIONS, NORMALIZE, OPTIONS, SOURCES, extractors
from .families import FAMILIES, FAMILIES_FILE
from .model import (
    AnnualReport,
    Attachments,
    Blocking,
    Column,
    Detail,
    Extractor,
    Fetch,
    Identity,
    ItemFilter,
    ListSpec,
    Pagination,
    Politeness,
    Portal,
    Provenance,
    Scope,
)
from .portals import PLACEHOLDER, check_portal, load_portal, load_portals, resolve_portal
from .run_settings import (
    PROJECT_URL,
    SETTINGS,
    Setting,
    Settings,
    check_settings,
    command_settings,
    load_settings,
)
from .schema import (
    ANNUAL_REPORT,
    ATTACHMENTS,
    BLOCKING,
    COLUMN_KINDS,
    DETAIL,
    DISCOVERY,
    DISCOVERY_NEEDS,
    FETCH,
    FIELDS,
    IDENTITY,
    ITEM_FILTER,
    LIST,
    MAX_CONCURRENCY,
    MIN_DELAY,
    PAGINATION,
    PAGINATION_KEYS,
    PAGINATION_NEEDS,
    POLITENESS,
    PORTAL,
    PROVENANCE,
    SCOPE,
    TEMPLATE_VARS,
)
from .validate import (
    REQUIRED,
    K,
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

__all__ = [
    # model.py
    "AnnualReport",
    "Attachments",
    "Blocking",
    "Column",
    "Detail",
    "Extractor",
    "Fetch",
    "Identity",
    "ItemFilter",
    "ListSpec",
    "Pagination",
    "Politeness",
    "Portal",
    "Provenance",
    "Scope",
    # validate.py
    "REQUIRED",
    "K",
    "array",
    "boolean",
    "codec",
    "integer",
    "mapping",
    "number",
    "regex",
    "regex_text",
    "scalar",
    "strings",
    "table",
    "text",
    "url",
    # families.py
    "FAMILIES",
    "FAMILIES_FILE",
    # extractor.py
    "EXTRACTOR_OPTIONS",
    "NORMALIZE",
    "OPTIONS",
    "SOURCES",
    "extractors",
    # schema.py
    "ANNUAL_REPORT",
    "ATTACHMENTS",
    "BLOCKING",
    "COLUMN_KINDS",
    "DETAIL",
    "DISCOVERY",
    "DISCOVERY_NEEDS",
    "FETCH",
    "FIELDS",
    "IDENTITY",
    "ITEM_FILTER",
    "LIST",
    "MAX_CONCURRENCY",
    "MIN_DELAY",
    "PAGINATION",
    "PAGINATION_KEYS",
    "PAGINATION_NEEDS",
    "POLITENESS",
    "PORTAL",
    "PROVENANCE",
    "SCOPE",
    "TEMPLATE_VARS",
    # portals.py
    "PLACEHOLDER",
    "check_portal",
    "load_portal",
    "load_portals",
    "resolve_portal",
    # run_settings.py
    "PROJECT_URL",
    "SETTINGS",
    "Setting",
    "Settings",
    "check_settings",
    "load_settings",
    "command_settings",
]
