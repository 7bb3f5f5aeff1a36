"""The report spec as data: every statistic cell (statistics.toml) and every arithmetic rule (checks.toml).

Both files are copies of the project spec, shipped as package data so the parser works without the
shared folder. They are loaded once into frozen dataclasses; the lookups the parser needs (table
layouts, label vocabularies) are derived from them here, so no label is hard-coded elsewhere.

A file that does not have the expected shape raises `ConfigError` naming the file, the key and the fix.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from archive.errors import ConfigError

SPEC_DIR = Path(__file__).resolve().parent
VERSIONS = ("2019", "2021")
TABLES = ("二", "三", "四")


@dataclass(frozen=True)
class Stat:
    """One statistic cell: its canonical key, where it is printed, and how its value reads."""

    key: str
    table: str  # 二 | 三 | 四
    section: str | None  # 表二 block heading, e.g. 第二十条第（一）项
    row: tuple[str, ...]  # printed row label path, outermost first
    column: tuple[str, ...]  # printed column label path, outermost first
    column_by_version: Mapping[str, tuple[str, ...]]
    unit: str
    value_type: str  # integer | signed_integer | decimal
    versions: tuple[str, ...]
    official: bool
    row_aliases: tuple[str, ...]
    column_aliases: tuple[str, ...]

    @property
    def row_key(self) -> str:
        """The key without its column segment, e.g. ``applications.outcome.granted``."""
        return self.key.rsplit(".", 1)[0]

    @property
    def column_key(self) -> str:
        """The key's last segment, e.g. ``natural_person`` or ``decisions``."""
        return self.key.rsplit(".", 1)[1]

    def column_labels(self) -> dict[str, tuple[str, ...]]:
        """Each printed column label (innermost) of this cell → the versions that print it so."""
        labels: dict[str, set[str]] = {}
        if self.column:
            labels.setdefault(self.column[-1], set()).update(self.versions)
        for version, path in self.column_by_version.items():
            labels.setdefault(path[-1], set()).add(version)
        for alias in self.column_aliases:
            labels.setdefault(alias, set()).update(self.versions)
        return {label: tuple(sorted(versions)) for label, versions in labels.items()}


@dataclass(frozen=True)
class Rule:
    """One [[rule]] of checks.toml, unexpanded (placeholders such as {col} still in `expr`)."""

    id: str
    table: str  # 二 | 三 | 四 | *
    versions: tuple[str, ...]
    severity: str  # error | warning
    basis: str
    scope: str  # document | cross_year
    for_each: Mapping[str, object]
    applies_when: str | None
    aggregate: str | None
    expr: str
    description: str


@dataclass(frozen=True, eq=False)  # hashed by identity: derived lookups are cached per loaded spec
class Spec:
    """Both spec files, loaded."""

    stats: Mapping[str, Stat]
    rules: tuple[Rule, ...]
    sets: Mapping[str, tuple[str, ...]]

    def official_keys(self, table: str, version: str | None) -> list[str]:
        """Keys the national format of ``version`` prints in ``table`` (表四: any version), in file order."""
        return [s.key for s in self.stats.values() if s.table == table and s.official
                and (version is None or version in s.versions)]

    def table_stats(self, table: str) -> list[Stat]:
        """Every cell of one table, extensions included, in file order."""
        return [s for s in self.stats.values() if s.table == table]


def _read(path: Path) -> dict:
    """A TOML file as a dict; a syntax error becomes a ConfigError naming the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: not found. Fix: reinstall gongkai (the file is package data)") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error


def _field(path: Path, where: str, entry: dict, name: str, kind: type) -> object:
    """A required field of one entry, type-checked; errors name the file, the entry and the field."""
    if name not in entry:
        raise ConfigError(f"{path}: {where} lacks required key {name!r}. Fix: add {name} = …")
    value = entry[name]
    if not isinstance(value, kind):
        raise ConfigError(f"{path}: {where}.{name}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _stat(path: Path, key: str, entry: dict) -> Stat:
    """One [stat."<key>"] entry as a `Stat`."""
    where = f'[stat."{key}"]'
    table = _field(path, where, entry, "table", str)
    if table not in TABLES:
        raise ConfigError(f"{path}: {where}.table: {table!r} is not one of {', '.join(TABLES)}")
    by_version = entry.get("column_by_version", {})
    if "column" not in entry and not by_version:
        raise ConfigError(f"{path}: {where} has neither column nor column_by_version. "
                          "Fix: add column = [...]")
    return Stat(
        key=key, table=table, section=entry.get("section"),
        row=tuple(_field(path, where, entry, "row", list)),
        column=tuple(entry.get("column", ())),
        column_by_version=MappingProxyType({v: tuple(p) for v, p in by_version.items()}),
        unit=_field(path, where, entry, "unit", str),
        value_type=_field(path, where, entry, "value_type", str),
        versions=tuple(_field(path, where, entry, "versions", list)),
        official=bool(entry.get("official", True)),
        row_aliases=tuple(entry.get("row_aliases", ())),
        column_aliases=tuple(entry.get("column_aliases", ())),
    )


def _rule(path: Path, index: int, entry: dict) -> Rule:
    """One [[rule]] entry as a `Rule`."""
    where = f"[[rule]] #{index + 1} ({entry.get('id', '?')})"
    return Rule(
        id=_field(path, where, entry, "id", str),
        table=_field(path, where, entry, "table", str),
        versions=tuple(_field(path, where, entry, "versions", list)),
        severity=_field(path, where, entry, "severity", str),
        basis=entry.get("basis", ""),
        scope=entry.get("scope", "document"),
        for_each=MappingProxyType(dict(entry.get("for_each", {}))),
        applies_when=entry.get("applies_when"),
        aggregate=entry.get("aggregate"),
        expr=_field(path, where, entry, "expr", str),
        description=entry.get("description_en", ""),
    )


@functools.cache
def load_spec(directory: Path = SPEC_DIR) -> Spec:
    """Load statistics.toml and checks.toml from ``directory`` (default: the copies in this package)."""
    stats_path, checks_path = directory / "statistics.toml", directory / "checks.toml"
    stats_doc, checks_doc = _read(stats_path), _read(checks_path)
    stats = {key: _stat(stats_path, key, entry) for key, entry in stats_doc.get("stat", {}).items()}
    if not stats:
        raise ConfigError(f"{stats_path}: no [stat.\"<key>\"] entries. Fix: restore the spec file")
    rules = tuple(_rule(checks_path, i, entry) for i, entry in enumerate(checks_doc.get("rule", [])))
    sets = {name: tuple(values) for name, values in checks_doc.get("sets", {}).items()}
    return Spec(MappingProxyType(stats), rules, MappingProxyType(sets))
