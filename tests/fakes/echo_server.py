"""A loopback server that answers every request with an error that echoes what it was sent.

Servers do this (a proxy's 401 page quoting the Authorization header, an API's validation error
quoting the request): the redaction tests point X, the trend sources, the LLM and images APIs at
it and check that no secret it echoes reaches any sink. Every answer carries the request's
Authorization header, its URL and the start of its body, plus `extra` (values the test wants
"leaked" from anywhere, e.g. a database URL), as a JSON error in the shapes X, OpenAI and
generic APIs use, so whatever part of the body a client quotes carries them.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class EchoServer:
    def __init__(self, status: int = 500, extra: tuple[str, ...] = ()) -> None:
        self.status, self.extra = status, extra
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.block_on_close = False
        self._server.echo = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        echo: EchoServer = self.server.echo  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length)[:300].decode("utf-8", "replace") if length else ""
        quoted = (
            f"you sent Authorization={self.headers.get('Authorization')!s} to {self.path} with {sent!r}; "
            + " ".join(echo.extra)
        )
        echo.requests.append(quoted)
        body = json.dumps(
            {
                "title": quoted,
                "detail": quoted,
                "error": {"message": quoted, "type": "echo"},
                "errors": [{"message": quoted}],
            }
        ).encode()
        self.send_response_only(echo.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass
