"""The replica's control port: a second listener on 127.0.0.1 that sets the epoch being served.

It is not one of the portal hosts, so a crawler going through the replica as its proxy cannot
reach it (a request for ``/epoch`` on a portal host is an ordinary 404, and a proxy request for
127.0.0.1 is refused with 502 like any unknown host). Two requests::

    GET  /epoch          → 200 "1\n"
    POST /epoch, body 2  → 200 "2\n" (400 with the reason for an epoch the build has not made)

Changing the epoch also forgets every client's attempts at a ``flaky`` URL (a new night).
Standard library only, as serve.py.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError
from urllib.request import ProxyHandler, Request, build_opener


def ask(url: str, data: bytes | None = None) -> str:
    """Ask the control port directly (never through a proxy from the environment).

    A refused request raises ValueError with the server's reason.
    """
    try:
        with build_opener(ProxyHandler({})).open(Request(url, data=data), timeout=10) as response:
            return response.read().decode()
    except HTTPError as error:
        raise ValueError(f"replica control {url}: {error.read().decode().strip()}") from None


class State:
    """What changes while a server runs: its epoch, and each client's attempts at a ``flaky`` URL."""

    def __init__(self, epoch: int = 1, epochs: tuple[int, ...] = (1,)) -> None:
        self.epoch, self.epochs = epoch, epochs
        self._attempts: dict[tuple[str, ...], int] = {}
        self._lock = threading.Lock()

    def set_epoch(self, epoch: int) -> None:
        """Move to ``epoch``; a new night forgets the attempts."""
        if epoch not in self.epochs:
            raise ValueError(f"epoch must be one of {', '.join(map(str, self.epochs))}, not {epoch}")
        with self._lock:
            self.epoch = epoch
            self._attempts.clear()

    def attempt(self, key: tuple[str, ...]) -> int:
        """Count one more attempt by a client at a URL; the first is 1."""
        with self._lock:
            self._attempts[key] = self._attempts.get(key, 0) + 1
            return self._attempts[key]


class _ControlHandler(BaseHTTPRequestHandler):
    """The control port: ``GET /epoch`` answers the epoch, ``POST /epoch`` (body ``N``) sets it."""

    protocol_version = "HTTP/1.1"
    server_version = "gongkai-replica-control/1"

    def do_GET(self) -> None:  # noqa: N802
        if self.path != "/epoch":
            return self._reply(404, "not found: GET or POST /epoch\n")
        self._reply(200, f"{self.server.state.epoch}\n")

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
        if self.path != "/epoch":
            return self._reply(404, "not found: GET or POST /epoch\n")
        try:
            self.server.state.set_epoch(int(body.strip()))
        except ValueError as error:
            message = (
                error if "epoch must be" in str(error) else f"the body must be an epoch number, not {body!r}"
            )
            return self._reply(400, f"{message}\n")
        self._reply(200, f"{self.server.state.epoch}\n")

    def _reply(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silent: epoch changes show in the request log's ``epoch`` field."""


def make_control_server(state: State, port: int = 0) -> ThreadingHTTPServer:
    """Bind the control port to 127.0.0.1:port, sharing the replica's state."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _ControlHandler)
    server.daemon_threads = True
    server.state = state
    return server
