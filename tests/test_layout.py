"""The data flows one way: archive imports neither crawler nor pipelines; crawler never imports pipelines."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {(str(path.relative_to(ROOT)), a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add((str(path.relative_to(ROOT)), node.module))
    return found


def test_archive_imports_neither_crawler_nor_pipelines():
    bad = {(f, m) for f, m in _imports("archive") if m.split(".")[0] in ("crawler", "pipelines")}
    assert bad == set()


def test_crawler_never_imports_pipelines():
    assert {(f, m) for f, m in _imports("crawler") if m.split(".")[0] == "pipelines"} == set()


def test_nothing_imports_the_cli():
    users = {
        (f, m)
        for pkg in ("archive", "crawler", "pipelines")
        for f, m in _imports(pkg)
        if m == "pipelines.cli"
    }
    assert users == set()
