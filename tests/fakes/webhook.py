"""A loopback webhook receiver (Slack/Discord incoming-webhook shape) for alert tests.

Collects every JSON body it is sent; `status` sets the answer (Slack says 200 "ok",
Discord 204). Runs in a daemon thread of the test process: clients may be subprocesses.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WebhookReceiver:
    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.block_on_close = False
        self._server.receiver = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/T000/B000/secretpart"

    def texts(self) -> list[str]:
        with self._lock:
            return [str(body.get("text")) for body in self.received]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> WebhookReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        receiver: WebhookReceiver = self.server.receiver  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"raw": raw.decode("utf-8", "replace")}
        with receiver._lock:
            receiver.received.append(body)
            receiver.paths.append(self.path)
        answer = b"ok" if receiver.status == 200 else b"" if receiver.status == 204 else b"error"
        self.send_response_only(receiver.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(0 if receiver.status == 204 else len(answer)))
        self.end_headers()
        if receiver.status != 204:
            self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass
