"""An OpenAI-compatible fake speaking real HTTP on 127.0.0.1, for the llm strategy's tests.

POST /v1/chat/completions answers from a script (one scripted answer per request, in order),
then with a default answer that writes plausible English copy from the prompt's angle line
and offer. POST /v1/images/generations returns a small base64 PNG, or what script_images() queued.
Every request is kept (path, JSON body, Authorization header) for the tests to inspect.

Scripted answers: copy(text), status(code), garbage(), slow(seconds, text), empty(), drip(seconds, text)
(headers at once, then one byte every `seconds`); for images also image_b64(text): an answer
whose b64_json is `text` (not base64, or not an image).

Trend judge requests (botx_cli/trends/llm_judge.py: the system prompt starts "You review trending
topics") have their own script, script_judge(...), then answer with `judge_default(request)`: every
numbered trend safe and related unless a test sets another; verdicts(...) builds an answer from
(id, safe, related, why) tuples.
Run alone: python tests/fakes/fake_openai.py [--port N]
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


@dataclass(frozen=True)
class Answer:
    status: int = 200
    content: str | None = ""  # the message content; None sends "content": null
    raw: bytes | None = None  # a body sent as is (garbage)
    delay: float = 0.0  # seconds before answering (beyond the client's timeout: a slow answer)
    drip: float = 0.0  # seconds between body bytes once the headers are sent


def copy(text: str) -> Answer:
    return Answer(content=text)


def status(code: int) -> Answer:
    return Answer(status=code, raw=json.dumps({"error": {"message": f"scripted {code}", "type": "server_error",
                                                         "code": None}}).encode())


def garbage() -> Answer:
    return Answer(raw=b'{"id": "chatcmpl-1", "choices": [{"message": ')


def slow(seconds: float, text: str = "A late answer nobody waits for.") -> Answer:
    return Answer(content=text, delay=seconds)


def empty() -> Answer:
    return Answer(content=None)


def drip(seconds: float, text: str = "A slow answer, one byte at a time.") -> Answer:
    return Answer(content=text, drip=seconds)


JUDGE_MARKER = "You review trending topics"


def is_judge(request: dict[str, Any]) -> bool:
    return any(JUDGE_MARKER in str(m.get("content", "")) for m in request.get("messages", []) if m.get("role") == "system")


def verdicts(*entries: tuple[int, bool, bool, str]) -> Answer:
    """A judge answer: (id, safe, related, why) per trend."""
    return copy(json.dumps({"verdicts": [{"id": i, "safe": safe, "related": related, "why": why}
                                         for i, safe, related, why in entries]}))


def default_verdicts(request: dict[str, Any]) -> str:
    """Every numbered trend of the judge prompt safe and related."""
    prompt = "\n".join(str(m.get("content", "")) for m in request.get("messages", []) if m.get("role") == "user")
    ids = [int(n) for n in re.findall(r"^(\d+)\. ", prompt, re.MULTILINE)]
    return json.dumps({"verdicts": [{"id": i, "safe": True, "related": True, "why": "fake default"} for i in ids]})


def image_b64(value: str) -> Answer:
    """An images answer whose data[0].b64_json is `value` as given."""
    return Answer(raw=json.dumps({"created": 0, "data": [{"b64_json": value}]}).encode())


RETRY_OPENERS = ("Here is a calmer way to ship.", "Short version: ship faster for less.",
                 "Good news for small teams.")


def default_copy(request: dict[str, Any]) -> str:
    """Copy built from the prompt: the angle line and the offer, so it varies like templates do;
    a retry (the conversation carries a rejected answer) gets another opener."""
    messages = request.get("messages", [])
    prompt = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
    angle = re.search(r"^Angle: [^.]*\. (.*)$", prompt, re.MULTILINE)
    offer = re.search(r"^Offer: (.*)$", prompt, re.MULTILINE)
    trend = re.search(r"^Trend: (.*?) \(", prompt, re.MULTILINE)
    opener = "Builders keep shipping."
    if trend:
        opener = f"With {trend.group(1)} on everyone's mind, builders keep shipping."
    retries = sum(m.get("role") == "assistant" for m in messages)
    if retries:
        opener = RETRY_OPENERS[(retries - 1 + len(prompt)) % len(RETRY_OPENERS)]
    return f"{opener} {angle.group(1) if angle else ''} Try {offer.group(1) if offer else 'it'} today."


def tiny_png() -> bytes:
    """A valid 1x1 white PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))


class FakeOpenAI:
    def __init__(self, port: int = 0, default: Callable[[dict[str, Any]], str] = default_copy) -> None:
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self._script: list[Answer] = []
        self._image_script: list[Answer] = []
        self._judge_script: list[Answer] = []
        self.judge_default: Callable[[dict[str, Any]], str] = default_verdicts
        self._closing = threading.Event()  # wakes dripping handlers
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *answers: Answer) -> None:
        with self._lock:
            self._script.extend(answers)

    def script_images(self, *answers: Answer) -> None:
        """Answers for the next image generations, in order (then the default PNG again)."""
        with self._lock:
            self._image_script.extend(answers)

    def next_image_answer(self) -> Answer | None:
        with self._lock:
            return self._image_script.pop(0) if self._image_script else None

    @property
    def image_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].rstrip("/").endswith("/images/generations")]

    def script_judge(self, *answers: Answer) -> None:
        """Answers for the next trend judge requests, in order (then the default verdicts)."""
        with self._lock:
            self._judge_script.extend(answers)

    @property
    def judge_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.chat_requests if is_judge(r["json"])]

    def next_answer(self, request: dict[str, Any]) -> Answer:
        judging = is_judge(request)
        with self._lock:
            queue = self._judge_script if judging else self._script
            if queue:
                return queue.pop(0)
        return copy(self.judge_default(request) if judging else self.default(request))

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeOpenAI":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle and delayed ACKs add 40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        fake: FakeOpenAI = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        with fake._lock:
            fake.requests.append({"path": self.path, "json": body, "authorization": self.headers.get("Authorization")})
        if self.path.rstrip("/").endswith("/images/generations"):
            scripted = fake.next_image_answer()
            if scripted and scripted.delay:
                time.sleep(scripted.delay)
            if scripted and scripted.raw is not None:
                return self._send(scripted.status, scripted.raw)
            data = [{"b64_json": base64.b64encode(tiny_png()).decode()} for _ in range(int(body.get("n", 1)))]
            return self._send(200, json.dumps({"created": int(time.time()), "data": data}).encode())
        if not self.path.rstrip("/").endswith("/chat/completions"):
            return self._send(404, b'{"error": {"message": "no such route"}}')
        answer = fake.next_answer(body)
        if answer.delay:
            time.sleep(answer.delay)
        if answer.raw is not None:
            return self._send(answer.status, answer.raw)
        payload = json.dumps(completion(body, answer.content)).encode()
        if answer.drip:
            return self._drip(answer.status, payload, answer.drip, fake._closing)
        return self._send(answer.status, payload)

    def _drip(self, code: int, payload: bytes, seconds: float, closing: threading.Event) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            for index in range(len(payload)):
                self.wfile.write(payload[index:index + 1])
                self.wfile.flush()
                if closing.wait(seconds):
                    break
        except OSError:
            pass  # the client gave up at its deadline
        self.close_connection = True

    def _send(self, code: int, payload: bytes) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass


def completion(request: dict[str, Any], content: str | None) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": request.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 50, "completion_tokens": 30, "total_tokens": 80}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()
    fake = FakeOpenAI(args.port)
    print(f"fake OpenAI-compatible server on {fake.base_url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.close()


if __name__ == "__main__":
    main()
