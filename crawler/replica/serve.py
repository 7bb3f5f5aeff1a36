"""Serve the bundled replica portal on 127.0.0.1 (standard library only).

The crawler uses this server as its HTTP proxy, so requests arrive in absolute form
(``GET http://www.li-xian.replica.test/zwgk/public/6616363/1.html HTTP/1.1``); origin-form requests
are dispatched on the ``Host`` header instead, so ``curl -H 'Host: www.hanyin.replica.test'`` works.
What each request is answered with (routes.json, servlets, static files, 404, 502) is routing.py's
job; this module binds the server, logs and answers. Running it as a subprocess is process.py's.

Files and fixed routes with a body file answer a matching ``If-None-Match`` / ``If-Modified-Since``
with 304 on the hosts that serve static files (by default the TRS host; ``--validators`` chooses,
see validators.py); servlets and APIs never do.

All of it as of the server's **epoch** (1, the site as built, unless told otherwise; epochs.py).
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
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawler.replica.control import State, make_control_server
from crawler.replica.process import BANNER, CONTROL_BANNER, REPO_ROOT, Replica, running_replica
from crawler.replica.routing import (
    CONTENT_TYPES,
    NOT_FOUND,
    OVERLAY,
    REPLICA_HOSTS,
    SITE,
    SLOW_MAX_SECONDS,
    Response,
    Routes,
    canonical_query,
    conditional,
    content_type,
    datastore,
    decode_path,
    docs_page,
    file_epoch,
    in_epoch,
    is_replica_host,
    kind_response,
    load_routes,
    located,
    respond,
    route_response,
    split_target,
    static_response,
)
from crawler.replica.validators import STATIC_HOSTS

# Other modules and tests have always imported these from here; they live in routing.py and process.py.
__all__ = [
    "BANNER",
    "CONTENT_TYPES",
    "CONTROL_BANNER",
    "EPOCH_VARIABLE",
    "NOT_FOUND",
    "OVERLAY",
    "REPLICA_HOSTS",
    "REPO_ROOT",
    "SITE",
    "SLOW_MAX_SECONDS",
    "Replica",
    "Response",
    "Routes",
    "canonical_query",
    "conditional",
    "content_type",
    "datastore",
    "decode_path",
    "docs_page",
    "file_epoch",
    "in_epoch",
    "is_replica_host",
    "kind_response",
    "load_routes",
    "located",
    "log_request",
    "main",
    "make_server",
    "respond",
    "route_response",
    "running_replica",
    "split_target",
    "static_response",
]

EPOCH_VARIABLE = "GONGKAI_REPLICA_EPOCH"


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
