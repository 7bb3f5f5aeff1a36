"""How one build serves every epoch: the files and routes of epoch 1, plus what each later one changes.

build.py renders each epoch whole (epochs.py); these functions reduce the renderings to
``site/`` (epoch 1), ``site/_epochs/<n>/`` (the files epoch n changed or added) and one routes.json
in which a route that is not in every epoch says in which (``"epochs": {"from": a, "until": b}``).
They also name the URLs whose answer an epoch changes, for the manifest. The server's side of
the same rule is ``routing.located`` and ``routing.in_epoch``.
"""

from __future__ import annotations

import json

from crawler.replica.plan import Doc
from crawler.replica.routing import OVERLAY, REPLICA_HOSTS


def check_vanished(before: dict[str, bytes], files: dict[str, bytes], routes: list[dict], epoch: int) -> None:
    """A page an epoch no longer has must be answered for by a route (404, 410), not by the base site.

    (A file under ``_routes/`` is only served through a route, so it may simply be left behind.)
    """
    routed = {f"{r['host']}{r['path']}" for r in routes if "query" not in r and "kind" not in r}
    for path in set(before) - set(files):
        reachable = path.split("/", 1)[0] in REPLICA_HOSTS
        assert path in routed or not reachable, f"epoch {epoch}: {path} is gone, but no route answers for it"


def served_file(files: dict[str, bytes], path: str, epoch: int) -> str:
    """Where the bytes of ``path`` (under site/) are in ``epoch``: the newest overlay holding it."""
    for n in range(epoch, 1, -1):
        if f"{OVERLAY}/{n}/{path}" in files:
            return f"{OVERLAY}/{n}/{path}"
    return path


def served_urls(paths: list[str], routes: list[dict], docs: list[Doc]) -> set[str]:
    """The GET URLs answered with these files (under site/): static pages, list routes, servlet files.

    A Hanweb column's records (``jpage``) are not a GET URL; the manifest names their column.
    """
    urls = {f"http://{path}" for path in paths if path.split("/", 1)[0] in REPLICA_HOSTS}
    urls |= {route_url(r) for r in routes if r.get("file") in paths and "kind" not in r}
    urls |= {file.url for doc in docs for file in doc.attachments if file.file in paths}
    return urls


def route_changes(before: list[dict], routes: list[dict]) -> set[str]:
    """URLs of the plain routes an epoch adds or drops (a page now answering 404, 410 or 412)."""
    old = {json.dumps(r, sort_keys=True) for r in before if "kind" not in r}
    new = {json.dumps(r, sort_keys=True) for r in routes if "kind" not in r}
    return {route_url(json.loads(r)) for r in old ^ new}


def route_url(entry: dict) -> str:
    """The URL a routes.json entry answers (its query sorted, as the server compares it)."""
    return f"http://{entry['host']}{entry['path']}" + (f"?{entry['query']}" if "query" in entry else "")


def merge_routes(tables: dict[int, list[dict]]) -> list[dict]:
    """One route table for every epoch; a route missing from some gets ``"epochs": {"from", "until"}``."""
    seen: dict[str, tuple[dict, list[int]]] = {}
    for epoch, routes in tables.items():
        for entry in routes:
            seen.setdefault(json.dumps(entry, sort_keys=True), (entry, []))[1].append(epoch)
    last = max(tables)
    merged = []
    for entry, present in seen.values():
        assert present == list(range(present[0], present[-1] + 1)), f"route leaves and comes back: {entry}"
        if present != list(tables):
            until = {"until": present[-1]} if present[-1] < last else {}
            entry = entry | {"epochs": {"from": present[0]} | until}
        merged.append(entry)
    return merged
