"""Portal files: parse, validate against schema.py, apply the rules across tables, build a `Portal`.

`check_portal` returns every problem of a file; `load_portal` and `load_portals` raise one
`ConfigError` listing them, one per line; `resolve_portal` finds a portal's file by its id. The
rules across tables (portal-configs.md) live here: ids unique across files (rule 2), the discovery
keys a family needs (rule 3), hosts within scope (rule 4), unique column keys, and columns left
inactive by a REPLACE placeholder or a paused or retired portal (rule 7).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from archive.errors import ConfigError

from .families import FAMILIES, _family_column, _family_defaults, _merge
from .model import Column, Detail, ListSpec, Portal
from .schema import DISCOVERY, DISCOVERY_NEEDS, LIST, _column_schema, _portal_schema
from .validate import _Ctx, _fix, _read, _table

# A guessed value not yet filled in (`colREPLACE`, `catId=REPLACE_CATID`): the column is skipped.
PLACEHOLDER = re.compile(r"REPLACE(?:_[A-Z0-9]+)*")


# --- columns --------------------------------------------------------------------------------------------


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


# --- the whole file -------------------------------------------------------------------------------------


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
    # A malformed allowed_domains is already reported; there are no hosts to check against.
    if out["scope"] and isinstance(out["scope"].allowed_domains, (list, tuple)):
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
