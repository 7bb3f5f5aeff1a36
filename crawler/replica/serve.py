"""Serve the bundled replica portal on 127.0.0.1 (standard library only).

The crawler uses this server as its HTTP proxy, so requests arrive in absolute form
(``GET http://www.li-xian.replica.test/zwgk/public/6616363/1.html HTTP/1.1``); origin-form requests
are dispatched on the ``Host`` header instead, so ``curl -H 'Host: www.hanyin.replica.test'`` works.

What is served, in order of precedence:

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
``If-None-Match`` / ``If-Modified-Since`` with 304 on the hosts that serve static files (by default
the TRS host; ``--validators`` chooses, see validators.py); servlets and APIs never do.

All of it as of the server's **epoch** (1, the site as built, unless told otherwise): a route
marked ``"epochs": {"from": a, "until": b}`` answers only in those epochs, and every file is read
from the newest ``site/_epochs/<n>/`` (n ≤ epoch) that has it, else from ``site/`` (epochs.py).
The epoch is set by ``--epoch``, else ``$GONGKAI_REPLICA_EPOCH``, else 1, and changed while the
server runs through its **control port**, a second listener on 127.0.0.1 that the portal hosts
cannot reach: ``GET /epoch`` answers the epoch, ``POST /epoch`` with the body ``2`` sets it
(and forgets every client's ``flaky`` attempts).

A POST elsewhere is answered as a GET. Every request is logged as one JSON line (time, host,
path, method, status, bytes, epoch) to ``--log`` so tests can assert politeness. Usage::

    python -m crawler.replica.serve [--port 0] [--log FILE] [--epoch N] [--control-port 0]
                                    [--validators HOST,HOST | all | none]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode, urlsplit

from crawler.replica.control import State, ask, make_control_server
from crawler.replica.validators import STATIC_HOSTS, not_modified, validators

SITE = Path(__file__).resolve().parent / "site"
REPO_ROOT = Path(__file__).resolve().parents[2]
REPLICA_HOSTS = (
    "www.li-xian.replica.test",
    "www.hanyin.replica.test",
    "www.yueqing.replica.test",
    "www.sg.replica.test",
    "www.zibo.replica.test",
    "www.trs.replica.test",
)
BANNER = "gongkai replica serving "
CONTROL_BANNER = "gongkai replica control "
EPOCH_VARIABLE = "GONGKAI_REPLICA_EPOCH"
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


@dataclass(frozen=True)
class Replica:
    """A running replica: ``url`` is the proxy address to give the crawler; ``control_url`` sets the epoch."""

    url: str
    hosts: tuple[str, ...]
    log_path: Path | None = None
    control_url: str = ""

    def set_epoch(self, epoch: int) -> None:
        """Serve ``epoch`` from the next request on (POST to the control port)."""
        ask(f"{self.control_url}/epoch", str(epoch).encode())

    def epoch(self) -> int:
        """The epoch being served."""
        return int(ask(f"{self.control_url}/epoch"))


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
        state = self.server.state
        epoch = state.epoch
        client = (self.client_address[0], self.headers.get("User-Agent", ""), host, path, query)
        response = respond(
            host,
            path,
            query,
            self.server.routes,
            method=self.command,
            form=form,
            epoch=epoch,
            attempt=lambda: state.attempt(client),
        )
        asked = {k: self.headers[k] for k in ("If-None-Match", "If-Modified-Since") if k in self.headers}
        if response.status == 200 and response.modified is not None and host in self.server.validator_hosts:
            response = conditional(response, asked.get("If-None-Match"), asked.get("If-Modified-Since"))
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
                "epoch": epoch,
                **({"conditional": asked} if asked else {}),
            },
        )
        time.sleep(response.delay)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.status != 304:  # a 304 has no body, and its length would not be the file's
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


def make_server(
    port: int = 0,
    log_path: Path | None = None,
    epoch: int = 1,
    validator_hosts: tuple[str, ...] = STATIC_HOSTS,
) -> ThreadingHTTPServer:
    """Bind the replica to 127.0.0.1:port (0 = any free port) with routes, state and log attached.

    ``validator_hosts`` serve their files with ETag and Last-Modified and answer 304 (validators.py).
    """
    routes = load_routes()
    state = State(epoch, routes.epochs)
    state.set_epoch(epoch)  # refuses an epoch the build has not made
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    server.routes, server.state = routes, state
    server.validator_hosts = frozenset(validator_hosts)
    server.log_lock = threading.Lock()
    server.log_file = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115
    return server


@contextmanager
def running_replica(
    log_path: Path | str | None = None,
    epoch: int | None = None,
    validators: tuple[str, ...] | None = None,
) -> Iterator[Replica]:
    """Run the replica in a subprocess for the duration of a ``with`` block.

    ``epoch`` None serves ``$GONGKAI_REPLICA_EPOCH``, else 1. ``validators``: the hosts that send
    ETag/Last-Modified and answer 304 (None: the static TRS host only). Example::

        with running_replica(tmp_path / "requests.jsonl") as replica:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": replica.url}))
            ...
            replica.set_epoch(2)  # the next night
    """
    log = Path(log_path).resolve() if log_path else None
    command = [sys.executable, "-m", "crawler.replica.serve", "--port", "0"]
    command += ["--log", str(log)] if log else []
    command += ["--epoch", str(epoch)] if epoch is not None else []
    command += ["--validators", ",".join(validators) or "none"] if validators is not None else []
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            url, control_url = _read_banner(process, stderr)
            yield Replica(url, REPLICA_HOSTS, log, control_url)
        finally:
            _stop(process)


def _read_banner(process: subprocess.Popen, stderr) -> tuple[str, str]:
    """Wait for the two banner lines and return their URLs; explain if the server died first."""
    watchdog = threading.Timer(30, process.kill)  # a hung start must not hang the test run
    watchdog.start()
    try:
        lines = [process.stdout.readline(), process.stdout.readline()]
    finally:
        watchdog.cancel()
    if not (lines[0].startswith(BANNER) and lines[1].startswith(CONTROL_BANNER)):
        process.wait(5)
        stderr.seek(0)
        detail = stderr.read().decode("utf-8", "replace")
        raise RuntimeError(f"replica server exited (code {process.returncode}) before serving:\n{detail}")
    return lines[0][len(BANNER) :].strip(), lines[1][len(CONTROL_BANNER) :].strip()


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
    parser.add_argument(
        "--epoch", type=int, help=f"epoch to serve first (default: ${EPOCH_VARIABLE}, else 1; see epochs.py)"
    )
    parser.add_argument(
        "--control-port", type=int, default=0, help="control port on 127.0.0.1 (0 = any free port)"
    )
    parser.add_argument(
        "--validators",
        default=",".join(STATIC_HOSTS),
        help="hosts whose files carry ETag/Last-Modified and answer 304, comma-separated, or all or none "
        "(default: the static TRS host)",
    )
    args = parser.parse_args(argv)
    epoch = args.epoch if args.epoch is not None else _epoch_from_environment(parser)
    try:
        server = make_server(args.port, args.log, epoch, _validator_hosts(parser, args.validators))
    except ValueError as error:
        parser.error(f"--epoch {epoch}: {error}")
    control = make_control_server(server.state, args.control_port)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    print(f"{BANNER}http://127.0.0.1:{server.server_address[1]}", flush=True)
    print(f"{CONTROL_BANNER}http://127.0.0.1:{control.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        control.shutdown()
        server.server_close()
        control.server_close()


def _validator_hosts(parser: argparse.ArgumentParser, value: str) -> tuple[str, ...]:
    """The ``--validators`` hosts: a comma-separated list of replica hosts, ``all`` or ``none``."""
    if value.strip() in ("all", "none"):
        return REPLICA_HOSTS if value.strip() == "all" else ()
    hosts = tuple(h.strip() for h in value.split(",") if h.strip())
    unknown = [h for h in hosts if h not in REPLICA_HOSTS]
    if unknown:
        parser.error(f"--validators: not a replica host: {', '.join(unknown)}")
    return hosts


def _epoch_from_environment(parser: argparse.ArgumentParser) -> int:
    """The epoch ``$GONGKAI_REPLICA_EPOCH`` names, or 1 when it is unset or empty."""
    value = os.environ.get(EPOCH_VARIABLE, "").strip()
    if value and not value.isdigit():
        parser.error(f"${EPOCH_VARIABLE} must be an epoch number such as 2, not {value!r}")
    return int(value) if value else 1


if __name__ == "__main__":
    main()
