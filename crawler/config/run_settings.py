"""Run settings: gongkai.toml and command-line overrides, each setting declared once in `SETTINGS`.

As in Datasette, a `Setting` has a name, a default whose type is the setting's type, a help text and
optional choices; the table drives validation, and tests check that gongkai.toml documents every
setting. Priority: defaults < gongkai.toml < command line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.errors import ConfigError

from .validate import _alts, _Bad, _Ctx, _read, _toml

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
    Setting(
        "public_url",
        "http://127.0.0.1:8001",
        "Where readers reach `gongkai serve`; diff reports and nightly digests link archived copies there",
    ),
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
    public_url: str


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


def command_settings(path: Path | None, data_dir: Path | None) -> Settings:
    """The settings a command runs with: ``path``, else ./gongkai.toml when there is one; ``--data``
    overrides ``data_dir``."""
    path = path or (Path("gongkai.toml") if Path("gongkai.toml").exists() else None)
    return load_settings(path, {"data_dir": str(data_dir)} if data_dir else {})
