"""A loopback static HTTP server for tests: real sockets, hostile behaviours on demand.

    with StaticServer({"/": (200, "text/html", page)}) as server:
        server.route("/slow", Route(body=page, delay=2.0))
        httpx.get(server.url("/"))

Each path maps to a Route (or a (status, content_type, bytes) tuple); with `folder=`,
unknown paths are served from that folder. Per-route options: `delay` seconds before
answering, `status` override, `redirect_loop`, `huge_mb` (streamed, never held in
memory), `reset` (TCP RST instead of an answer), `hang` (send nothing until the server
closes), `barrier` (answer only when N requests wait at once), `drip` (headers at once, then
the body one byte every `drip` seconds: a per-read timeout never fires). Every request path is
recorded in `.requests`, so retries can be counted.
"""

from __future__ import annotations

import mimetypes
import socket
import struct
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

CHUNK = 64 * 1024
HANG_LIMIT_SECONDS = 120.0  # a forgotten hang must not outlive a test run forever


@dataclass(frozen=True)
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    redirect_loop: bool = False
    huge_mb: int = 0
    huge_content_length: bool = True  # False: no Content-Length, read until close
    reset: bool = False
    hang: bool = False
    drip: float = 0.0  # seconds between body bytes, after the headers
    # Answer only once this many requests wait together (503 if the barrier times out):
    # proves requests are concurrent without measuring time.
    barrier: threading.Barrier | None = None


RouteSpec = Route | tuple[int, str, bytes]


def _as_route(spec: RouteSpec) -> Route:
    if isinstance(spec, Route):
        return spec
    status, content_type, body = spec
    return Route(body=body, status=status, content_type=content_type)


class StaticServer:
    def __init__(self, routes: Mapping[str, RouteSpec] | None = None, folder: str | Path | None = None) -> None:
        self.routes: dict[str, Route] = {p: _as_route(s) for p, s in (routes or {}).items()}
        self.folder = Path(folder).resolve() if folder else None
        self.requests: list[str] = []
        self.closing = threading.Event()  # wakes delayed and hanging handlers
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- configuration -------------------------------------------------------
    def route(self, path: str, spec: RouteSpec) -> None:
        self.routes[path] = _as_route(spec)

    def options(self, path: str, **changes: Any) -> None:
        """Change options of a path, e.g. options("/page.html", delay=1, status=503)."""
        self.routes[path] = replace(self.lookup(path) or Route(), **changes)

    def lookup(self, path: str) -> Route | None:
        if path in self.routes:
            return self.routes[path]
        if self.folder is None:
            return None
        target = (self.folder / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.folder) or not target.is_file():
            return None  # no escaping the folder with ../
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("xml"):
            kind += "; charset=utf-8"
        return Route(body=target.read_bytes(), content_type=kind)

    # --- lifecycle -----------------------------------------------------------
    def start(self) -> StaticServer:
        self.closing.clear()
        self._httpd = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self.closing.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> StaticServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # hanging handlers are woken by `closing`, not joined

    def __init__(self, address: tuple[str, int], handler: type, owner: StaticServer) -> None:
        self.owner = owner
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # resets and clients that hang up are the point here, not failures


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean

    def do_GET(self) -> None:
        owner = self.server.owner
        path = unquote(urlsplit(self.path).path)
        owner.requests.append(path)
        route = owner.lookup(path)
        if route is None:
            self._send(404, "text/plain", b"not found\n")
            return
        if route.delay and owner.closing.wait(route.delay):
            return  # server closing: give up without answering
        if route.barrier is not None:
            try:
                route.barrier.wait()
            except threading.BrokenBarrierError:
                self._send(503, "text/plain", b"the other requests never came\n")
                return
        if route.hang:
            owner.closing.wait(HANG_LIMIT_SECONDS)
            self.close_connection = True
            return
        if route.drip:
            self._drip(route)
        elif route.reset:
            self._reset()
        elif route.redirect_loop:
            self._send(302, "text/plain", b"", {"Location": self.path})
        elif route.huge_mb:
            self._stream_huge(route)
        else:
            self._send(route.status, route.content_type, route.body, route.headers)

    def _send(self, status: int, kind: str, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _stream_huge(self, route: Route) -> None:
        total = route.huge_mb * 1024 * 1024
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        if route.huge_content_length:
            self.send_header("Content-Length", str(total))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        chunk = (b"<p>" + b"x" * (CHUNK - 8) + b"</p>\n")[:CHUNK]
        try:
            for sent in range(0, total, CHUNK):
                self.wfile.write(chunk[: total - sent])
        except OSError:
            self.close_connection = True  # the client stopped reading: expected

    def _drip(self, route: Route) -> None:
        """Headers now, then one byte per `drip` seconds until the body is out or the server closes."""
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        try:
            for index in range(len(route.body)):
                self.wfile.write(route.body[index : index + 1])
                self.wfile.flush()
                if self.server.owner.closing.wait(route.drip):
                    break
        except OSError:
            pass  # the client gave up: what a deadline is for
        self.close_connection = True

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


def unquote_attributes(html: str) -> str:
    """The live trends24 page as its minifier serves it: `class`, `id` and
    `data-timestamp` values that need no quotes lose them (href, data-count keep them)."""
    import re

    return re.sub(r'\b(class|id|data-timestamp)="([A-Za-z0-9_.:-]+)"', r"\1=\2", html)
