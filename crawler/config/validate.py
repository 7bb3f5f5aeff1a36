"""The validation engine: key tables, problem messages with did-you-mean, and value converters.

A TOML table is checked against a schema, a mapping of key → `K(converter, default, example)`, by
`_table`: unknown keys get a did-you-mean (difflib, as click does), missing required keys say what
to write, and each value goes through its converter. A converter returns the value as it will be
used, or raises `_Bad` saying what is wrong; `_Ctx` turns that into one line naming the file, the
table, the key and the fix, and appends it to a list shared by the whole file, so every problem is
reported, not only the first. `_read` parses a TOML file and reports syntax errors the same way.
"""

from __future__ import annotations

import codecs
import difflib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

# --- problems -------------------------------------------------------------------------------------------

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


# --- converters -----------------------------------------------------------------------------------------


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


# --- reading a file -------------------------------------------------------------------------------------


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
