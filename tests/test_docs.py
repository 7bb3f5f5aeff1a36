"""Documentation is part of the product: every command has help and is in the README; every table and
column a researcher can browse is described in datasette_metadata.json."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import open_db
from pipelines.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
METADATA = json.loads((ROOT / "datasette_metadata.json").read_text(encoding="utf-8"))


def test_readme_opens_with_exactly_two_commands_demo_and_test():
    first = [line.strip() for line in README.splitlines()[:2]]
    assert [line.split("#")[0].strip() for line in first] == ["make demo", "make test"]


def _command_paths(group, prefix: str = "") -> list[str]:
    """Every command's words, subcommands of a group included (``diff years``)."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append(f"{prefix}{name}")
        if hasattr(command, "commands"):
            paths += _command_paths(command, f"{prefix}{name} ")
    return paths


COMMANDS = _command_paths(cli)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_an_example(command):
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert f"gongkai {command}" in README


def test_every_table_and_column_is_described_in_the_metadata(tmp_path):
    db = open_db(tmp_path / "gongkai.db")
    described = METADATA["databases"]["gongkai"]["tables"]
    missing = []
    for table in db.table_names():
        if table.startswith("_") or table.startswith("documents_fts"):
            continue
        columns = described.get(table, {}).get("columns", {})
        missing += [f"{table}.{c}" for c in db[table].columns_dict if c not in columns]
        if "description" not in described.get(table, {}):
            missing.append(table)
    assert missing == []
