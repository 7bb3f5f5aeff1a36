"""The CMS families a portal belongs to, and their built-in defaults (families.toml, beside this file).

The defaults are merged key by key UNDER each portal file: [all] first, then the portal's family,
then the file itself, so a file only spells out what differs. A column gets the family's list and
pagination keys only where its list `format` and pagination `type` are absent or the family's own.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

FAMILIES = ("gkmlpt", "hanweb", "public-column", "sd-gongkai", "ankang-node", "trs-static", "generic")
FAMILIES_FILE = Path(__file__).with_name("families.toml")


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
