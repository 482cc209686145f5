"""A loopback HTTP server that answers at once with its headers, then sends the body one byte
every `every` seconds: no single read ever times out, only a limit on the whole call ends
the client's wait. For the deadline tests of clients other than X's (the fake X drips with
`enqueue(..., drip=...)`).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class DripServer:
    def __init__(self, body: bytes = b'{"ok": true}' + b" " * 200, every: float = 0.5, status: int = 200) -> None:
        self.body, self.every, self.status = body, every, status
        self.hits: list[str] = []
        self.closed = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.block_on_close = False
        self._server.drip = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self.closed.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> DripServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _any(self) -> None:
        drip: DripServer = self.server.drip  # type: ignore[attr-defined]
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        drip.hits.append(self.path)
        try:
            self.send_response(drip.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(drip.body)))
            self.end_headers()
            self.wfile.flush()
            for i in range(len(drip.body)):
                if drip.closed.wait(drip.every):
                    return
                self.wfile.write(drip.body[i : i + 1])
                self.wfile.flush()
        except OSError:  # the client gave up
            self.close_connection = True

    do_GET = do_POST = _any

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass
