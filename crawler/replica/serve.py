"""Serve the bundled replica portal on 127.0.0.1 (standard library only).

The crawler uses this server as its HTTP proxy, so requests arrive in absolute form
(``GET http://www.li-xian.replica.test/zwgk/public/6616363/1.html HTTP/1.1``); origin-form requests
are dispatched on the ``Host`` header instead, so ``curl -H 'Host: www.hanyin.replica.test'`` works.

What is served, in order of precedence:

1. a route of a kind from ``site/routes.json``, keyed by (host, decoded path) and answered from
   the request's parameters: ``jpage``, the Hanweb data proxy (POST only; the form's webid,
   columnid and unitid choose a column's records, ``startrecord``..``endrecord`` the window), and
   ``download``, the Hanweb download servlet (the ``filename`` parameter chooses the file);
2. a route keyed by (host, decoded path, canonical query): list pages with query strings, fixed
   statuses (404, 500), overridden headers, bodies from ``site/_routes``;
3. a plain file under ``site/<host>/`` (``index.html`` for a directory), typed by extension;
4. otherwise 404; an unknown host gets 502.

A POST elsewhere is answered as a GET. Every request is logged as one JSON line (time, host,
path, method, status, bytes) to ``--log`` so tests can assert politeness. Usage::

    python -m crawler.replica.serve [--port 0] [--log FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode, urlsplit

SITE = Path(__file__).resolve().parent / "site"
REPO_ROOT = Path(__file__).resolve().parents[2]
REPLICA_HOSTS = ("www.li-xian.replica.test", "www.hanyin.replica.test", "www.yueqing.replica.test")
BANNER = "gongkai replica serving "

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


@dataclass(frozen=True)
class Replica:
    """A running replica: ``url`` is the proxy address to give the crawler."""

    url: str
    hosts: tuple[str, ...]
    log_path: Path | None = None


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
    """``routes.json`` as lookups: plain routes by (host, path, query), kinds by (host, path)."""

    exact: dict[tuple[str, str, str], dict]
    kinds: dict[tuple[str, str], list[dict]]


def load_routes(site: Path = SITE) -> Routes:
    """Read ``routes.json`` into its two lookups."""
    table = json.loads((site / "routes.json").read_text(encoding="utf-8"))
    exact, kinds = {}, {}
    for r in table["routes"]:
        if "kind" in r:
            kinds.setdefault((r["host"], r["path"]), []).append(r)
        else:
            exact[(r["host"], r["path"], canonical_query(r.get("query", "")))] = r
    return Routes(exact, kinds)


def content_type(path: Path) -> str:
    """Content-Type for a static file, by extension."""
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def route_response(route: dict, site: Path = SITE) -> Response:
    """Answer from a route: its status, its body file (or none) and its header overrides."""
    body_file = site / route["file"] if route.get("file") else None
    body = body_file.read_bytes() if body_file else b""
    headers = {"Content-Type": content_type(body_file)} if body_file else {}
    headers.update(route.get("headers", {}))
    for name, encoding in route.get("header_encoding", {}).items():
        # http.server writes header values as latin-1: this sends the value's raw bytes in ``encoding``
        headers[name] = headers[name].encode(encoding).decode("latin-1")
    return Response(route.get("status", 200), body, headers)


def kind_response(routes: list[dict], method: str, params: dict[str, str], site: Path = SITE) -> Response:
    """Answer a servlet route (all ``routes`` share one host and path, and so one kind)."""
    kind = routes[0]["kind"]
    if kind == "download":
        route = routes[0]
        return route_response(route["files"].get(params.get(route["param"], ""), route["missing"]), site)
    if method != "POST":  # the data proxy only takes its form in a POST body
        return Response(405, b"", {"Allow": "POST", "Content-Type": "text/plain; charset=utf-8"})
    chosen = next((r for r in routes if all(params.get(k) == v for k, v in r["form"].items())), None)
    records = json.loads((site / chosen["records"]).read_text(encoding="utf-8")) if chosen else []
    return Response(200, datastore(records, params).encode(), {"Content-Type": "text/xml;charset=UTF-8"})


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


def _number(text: str | None, default: int) -> int:
    """A positive integer request parameter, or ``default``."""
    return int(text) if text and text.isdigit() and int(text) > 0 else default


def static_response(host: str, path: str, site: Path = SITE) -> Response | None:
    """Answer from a plain file under ``site/<host>/``; None when there is none."""
    root = (site / host).resolve()
    try:
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        found = target.is_relative_to(root) and target.is_file()
    except (OSError, ValueError):  # e.g. a NUL byte or an over-long name in the request path
        return None
    return Response(200, target.read_bytes(), {"Content-Type": content_type(target)}) if found else None


def respond(
    host: str,
    raw_path: str,
    query: str,
    routes: Routes,
    site: Path = SITE,
    method: str = "GET",
    form: str = "",
) -> Response:
    """Dispatch one request to a servlet, a route, a static file, a 404 or (unknown host) a 502.

    ``form`` is a POST body (application/x-www-form-urlencoded); its fields join the query's, as
    a JSP's request parameters do.
    """
    if host not in REPLICA_HOSTS:
        text = f"gongkai replica: unknown host {host!r}; serves {', '.join(REPLICA_HOSTS)}\n"
        return Response(502, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})
    path = decode_path(raw_path)
    if path is not None and (host, path) in routes.kinds:
        params = {**dict(parse_qsl(query, keep_blank_values=True)), **dict(parse_qsl(form))}
        return kind_response(routes.kinds[(host, path)], method, params, site)
    if path is not None:
        route = routes.exact.get((host, path, canonical_query(query)))
        if route:
            return route_response(route, site)
        found = static_response(host, path, site)
        if found:
            return found
    return Response(404, NOT_FOUND.encode(), {"Content-Type": "text/html; charset=utf-8"})


def split_target(target: str, host_header: str | None) -> tuple[str, str, str]:
    """(host, path, query) from an absolute-form target, or an origin-form target plus Host."""
    parts = urlsplit(target)
    host = parts.hostname if parts.scheme in ("http", "https") else (host_header or "").split(":")[0]
    return (host or "").lower(), parts.path or "/", parts.query


class _Handler(BaseHTTPRequestHandler):
    """Request handler; the server object carries the routes and the log."""

    protocol_version = "HTTP/1.1"
    server_version = "gongkai-replica/1"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self._answer(send_body=True, form=self.rfile.read(length).decode("latin-1"))

    def _answer(self, send_body: bool, form: str = "") -> None:
        started = time.time()
        host, path, query = split_target(self.path, self.headers.get("Host"))
        response = respond(host, path, query, self.server.routes, method=self.command, form=form)
        # Logged before answering: once a client has its response, the log already holds the request.
        shown = (decode_path(path) or path) + (f"?{query}" if query else "")
        log_request(
            self.server,
            {
                "time": round(started, 6),
                "host": host,
                "path": shown,
                "method": self.command,
                "status": response.status,
                "bytes": len(response.body) if send_body else 0,
            },
        )
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence the default stderr access log; the JSON log replaces it."""


def log_request(server: ThreadingHTTPServer, entry: dict) -> None:
    """Append one JSON line to the server's log file, if it has one (threads share the file)."""
    if server.log_file is None:
        return
    with server.log_lock:
        server.log_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        server.log_file.flush()


def make_server(port: int = 0, log_path: Path | None = None) -> ThreadingHTTPServer:
    """Bind the replica to 127.0.0.1:port (0 = any free port) with routes and log attached."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    server.routes = load_routes()
    server.log_lock = threading.Lock()
    server.log_file = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115
    return server


@contextmanager
def running_replica(log_path: Path | str | None = None) -> Iterator[Replica]:
    """Run the replica in a subprocess for the duration of a ``with`` block.

    Example::

        with running_replica(tmp_path / "requests.jsonl") as replica:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": replica.url}))
    """
    log = Path(log_path).resolve() if log_path else None
    command = [sys.executable, "-m", "crawler.replica.serve", "--port", "0"]
    command += ["--log", str(log)] if log else []
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            yield Replica(_read_banner(process, stderr), REPLICA_HOSTS, log)
        finally:
            _stop(process)


def _read_banner(process: subprocess.Popen, stderr) -> str:
    """Wait for the banner line and return the URL in it; explain if the server died first."""
    watchdog = threading.Timer(30, process.kill)  # a hung start must not hang the test run
    watchdog.start()
    try:
        line = process.stdout.readline()
    finally:
        watchdog.cancel()
    if not line.startswith(BANNER):
        process.wait(5)
        stderr.seek(0)
        detail = stderr.read().decode("utf-8", "replace")
        raise RuntimeError(f"replica server exited (code {process.returncode}) before serving:\n{detail}")
    return line[len(BANNER) :].strip()


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server process, killing it if it does not stop in 5 s."""
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()


def main(argv: list[str] | None = None) -> None:
    """CLI entry: serve until killed; the first stdout line gives the URL."""
    parser = argparse.ArgumentParser(
        prog="python -m crawler.replica.serve", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--log", type=Path, help="append one JSON line per request to this file")
    args = parser.parse_args(argv)
    server = make_server(args.port, args.log)
    print(f"{BANNER}http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
