"""What the replica answers each request with (standard library only).

A request is named by its host, raw path and query (``split_target``); what answers it, in order
of precedence:

1. a route of a kind from ``site/routes.json``, keyed by (host, decoded path) and answered from
   the request's parameters: ``jpage``, the Hanweb data proxy (POST only; the form's webid,
   columnid and unitid choose a column's records, ``startrecord``..``endrecord`` the window),
   ``docs_api``, the gongkai JSON list (``channel`` chooses the list, ``page`` and ``size`` the slice),
   ``download``, the Hanweb download servlet (the ``filename`` parameter chooses the file), and
   the misbehaviours ``slow`` (first byte after some seconds) and ``flaky`` (503 twice, then 200);
2. a route keyed by (host, decoded path, canonical query): list pages with query strings, fixed
   statuses (404, 410, 412, 500, 521, redirects), overridden headers, bodies from ``site/_routes``;
3. a plain file under ``site/<host>/`` (``index.html`` for a directory), typed by extension;
4. otherwise 404; an unknown host gets 502.

Files and fixed routes with a body file carry ``ETag`` and ``Last-Modified`` and answer a matching
``If-None-Match`` / ``If-Modified-Since`` with 304 (``conditional``) on the hosts that serve static
files; servlets and APIs never do.

All of it as of an **epoch** (1, the site as built): a route marked ``"epochs": {"from": a,
"until": b}`` answers only in those epochs (``in_epoch``), and every file is read from the newest
``site/_epochs/<n>/`` (n ≤ epoch) that has it, else from ``site/`` (``located``; epochs.py).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode, urlsplit

from crawler.replica.validators import not_modified, validators

SITE = Path(__file__).resolve().parent / "site"
REPLICA_HOSTS = (
    "www.li-xian.replica.test",
    "www.hanyin.replica.test",
    "www.yueqing.replica.test",
    "www.sg.replica.test",
    "www.zibo.replica.test",
    "www.trs.replica.test",
)
OVERLAY = "_epochs"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".png": "image/png",
}
NOT_FOUND = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head>'
    "<body><h1>404 Not Found</h1><p>您访问的页面不存在</p></body></html>"
)


@dataclass(frozen=True)
class Response:
    """What one request is answered with."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before the first byte
    modified: int | None = None  # the epoch that last changed the body's file; None: made per request


def is_replica_host(host: str) -> bool:
    """True for the replica's virtual hosts (any host under ``.replica.test``)."""
    return host.lower().rstrip(".").endswith(".replica.test")


def canonical_query(query: str) -> str:
    """Sort query parameters so ``?b=2&a=1`` and ``?a=1&b=2`` name the same list page."""
    return urlencode(sorted(parse_qsl(query, keep_blank_values=True)))


def decode_path(raw: str) -> str | None:
    """Percent-decode a request path as UTF-8; None when the bytes are not UTF-8.

    The request line reaches us latin-1 decoded, so raw UTF-8 bytes (a browser sending an
    unencoded Chinese path) are recovered with ``encode("latin-1")`` first. A GBK-encoded path
    is not this server's encoding and answers 404, as on the real portals (R36).
    """
    try:
        return unquote_to_bytes(raw.encode("latin-1")).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class Routes:
    """``routes.json`` as lookups: plain routes by (host, path, query), kinds by (host, path).

    A key may hold one route per epoch range; ``in_epoch`` picks among them.
    """

    exact: dict[tuple[str, str, str], list[dict]]
    kinds: dict[tuple[str, str], list[dict]]
    epochs: tuple[int, ...] = (1,)


def load_routes(site: Path = SITE) -> Routes:
    """Read ``routes.json`` into its two lookups."""
    table = json.loads((site / "routes.json").read_text(encoding="utf-8"))
    exact, kinds = {}, {}
    for r in table["routes"]:
        if "kind" in r:
            kinds.setdefault((r["host"], r["path"]), []).append(r)
        else:
            exact.setdefault((r["host"], r["path"], canonical_query(r.get("query", ""))), []).append(r)
    return Routes(exact, kinds, tuple(table.get("epochs", (1,))))


def in_epoch(routes: list[dict], epoch: int) -> list[dict]:
    """The routes that answer in ``epoch``: those without ``epochs``, and those whose range holds it."""
    return [
        r
        for r in routes
        if r.get("epochs", {}).get("from", 1) <= epoch <= r.get("epochs", {}).get("until", epoch)
    ]


def located(relative: str, epoch: int, site: Path = SITE) -> Path:
    """Where a file under site/ is in ``epoch``: the newest overlay ``_epochs/<n>/`` holding it, or site/."""
    for n in range(epoch, 1, -1):
        candidate = site / OVERLAY / str(n) / relative
        if candidate.is_file():
            return candidate
    return site / relative


def file_epoch(path: Path, site: Path = SITE) -> int:
    """The epoch whose overlay holds ``path`` (as `located` found it), or 1 for a file under site/ itself."""
    try:
        parts = path.relative_to(site / OVERLAY).parts
    except ValueError:
        return 1
    return int(parts[0])


def content_type(path: Path) -> str:
    """Content-Type for a static file, by extension."""
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def route_response(route: dict, site: Path = SITE, epoch: int = 1) -> Response:
    """Answer from a route: its status, its body file (or none) and its header overrides."""
    body_file = located(route["file"], epoch, site) if route.get("file") else None
    body = body_file.read_bytes() if body_file else b""
    headers = {"Content-Type": content_type(body_file)} if body_file else {}
    headers.update(route.get("headers", {}))
    for name, encoding in route.get("header_encoding", {}).items():
        # http.server writes header values as latin-1: this sends the value's raw bytes in ``encoding``
        headers[name] = headers[name].encode(encoding).decode("latin-1")
    return Response(route.get("status", 200), body, headers)


def kind_response(
    routes: list[dict],
    method: str,
    params: dict[str, str],
    site: Path = SITE,
    epoch: int = 1,
    attempt: int = 1,
) -> Response:
    """Answer a servlet or misbehaviour route (all ``routes`` share one host and path, so one kind).

    ``attempt`` is how many times this client has now asked for this URL (``flaky`` counts them).
    """
    route = routes[0]
    if route["kind"] == "download":
        return route_response(
            route["files"].get(params.get(route["param"], ""), route["missing"]), site, epoch
        )
    if route["kind"] == "slow":
        delay = min(_seconds(params.get(route["param"]), route["delay"]), SLOW_MAX_SECONDS)
        return replace(route_response(route, site, epoch), delay=delay)
    if route["kind"] == "flaky":
        return route_response(route["error"] if attempt <= route["failures"] else route, site, epoch)
    if route["kind"] == "docs_api":
        chosen = next((r for r in routes if r["channel"] == params.get("channel")), None)
        docs = (
            json.loads(located(chosen["records"], epoch, site).read_text(encoding="utf-8")) if chosen else []
        )
        return Response(200, docs_page(docs, params), {"Content-Type": "application/json;charset=UTF-8"})
    if method != "POST":  # the data proxy only takes its form in a POST body
        return Response(405, b"", {"Allow": "POST", "Content-Type": "text/plain; charset=utf-8"})
    chosen = next((r for r in routes if all(params.get(k) == v for k, v in r["form"].items())), None)
    records = (
        json.loads(located(chosen["records"], epoch, site).read_text(encoding="utf-8")) if chosen else []
    )
    return Response(200, datastore(records, params).encode(), {"Content-Type": "text/xml;charset=UTF-8"})


SLOW_MAX_SECONDS = 30.0


def _seconds(text: str | None, default: float) -> float:
    """A non-negative number of seconds from a request parameter, or ``default``."""
    try:
        return max(float(text), 0.0) if text else default
    except ValueError:
        return default


def datastore(records: list[str], params: dict[str, str]) -> str:
    """Hanweb's data-proxy answer: the total, the page count, and records startrecord..endrecord."""
    per_page = _number(params.get("perpage"), 15)
    start = _number(params.get("startrecord"), 1)
    end = _number(params.get("endrecord"), start + per_page - 1)
    window = records[start - 1 : max(end, start - 1)]
    rows = "".join(f"<record><![CDATA[{record}]]></record>\n" for record in window)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<datastore><totalrecord>{len(records)}</totalrecord>"
        f"<totalpage>{math.ceil(len(records) / per_page)}</totalpage>\n"
        f"<recordset>\n{rows}</recordset></datastore>\n"
    )


def docs_page(docs: list[dict], params: dict[str, str]) -> bytes:
    """The gongkai list's answer: the total and the items of page ``page`` (from 1) of ``size``."""
    size = min(_number(params.get("size"), 15), 100)
    page = _number(params.get("page"), 1)
    window = docs[(page - 1) * size : page * size]
    return json.dumps({"total": len(docs), "docs": window}, ensure_ascii=False).encode()


def _number(text: str | None, default: int) -> int:
    """A positive integer request parameter, or ``default``."""
    return int(text) if text and text.isdigit() and int(text) > 0 else default


def static_response(host: str, path: str, site: Path = SITE, epoch: int = 1) -> Response | None:
    """Answer from a plain file under ``site/<host>/`` (or its epoch's overlay); None when there is none."""
    root = (site / host).resolve()
    try:
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root):
            return None
        target = located(f"{host}/{target.relative_to(root)}", epoch, site)
        found = target.is_file()
    except (OSError, ValueError):  # e.g. a NUL byte or an over-long name in the request path
        return None
    if not found:
        return None
    return Response(
        200, target.read_bytes(), {"Content-Type": content_type(target)}, modified=file_epoch(target, site)
    )


def respond(
    host: str,
    raw_path: str,
    query: str,
    routes: Routes,
    site: Path = SITE,
    method: str = "GET",
    form: str = "",
    epoch: int = 1,
    attempt: Callable[[], int] = lambda: 1,
) -> Response:
    """Dispatch one request to a servlet, a route, a static file, a 404 or (unknown host) a 502.

    ``form`` is a POST body (application/x-www-form-urlencoded); its fields join the query's, as
    a JSP's request parameters do. ``attempt`` counts this client's request (``flaky`` routes only).
    """
    if host not in REPLICA_HOSTS:
        text = f"gongkai replica: unknown host {host!r}; serves {', '.join(REPLICA_HOSTS)}\n"
        return Response(502, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})
    path = decode_path(raw_path)
    kinds = in_epoch(routes.kinds.get((host, path), []), epoch)
    if path is not None and kinds:
        params = {**dict(parse_qsl(query, keep_blank_values=True)), **dict(parse_qsl(form))}
        count = attempt() if kinds[0]["kind"] == "flaky" else 1
        return kind_response(kinds, method, params, site, epoch, count)
    if path is not None:
        route = in_epoch(routes.exact.get((host, path, canonical_query(query)), []), epoch)
        if route:
            answer = route_response(route[0], site, epoch)
            if route[0].get("file"):
                answer = replace(answer, modified=file_epoch(located(route[0]["file"], epoch, site), site))
            return answer
        found = static_response(host, path, site, epoch)
        if found:
            return found
    return Response(404, NOT_FOUND.encode(), {"Content-Type": "text/html; charset=utf-8"})


def conditional(response: Response, if_none_match: str | None, if_modified_since: str | None) -> Response:
    """A static file's answer with its validators, or 304 when the client's copy is still current."""
    current = validators(response.body, response.modified or 1)
    if not_modified(current, if_none_match, if_modified_since):
        return Response(304, b"", current)
    return replace(response, headers={**response.headers, **current})


def split_target(target: str, host_header: str | None) -> tuple[str, str, str]:
    """(host, path, query) from an absolute-form target, or an origin-form target plus Host."""
    parts = urlsplit(target)
    host = parts.hostname if parts.scheme in ("http", "https") else (host_header or "").split(":")[0]
    return (host or "").lower(), parts.path or "/", parts.query
