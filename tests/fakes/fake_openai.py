"""An OpenAI-compatible fake speaking real HTTP on 127.0.0.1, for the llm strategy's tests.

POST /v1/chat/completions answers from a script, in order, then with a default answer that
writes plausible English copy from the prompt's Kind, Trend, Angle and Offer lines (as JSON
when the request asks for a response_format). A request for `n` choices takes up to n scripted
copies in a row (then defaults); a scripted status, garbage, slow or drip answer is the whole
response. `ignore_n = True` answers one choice whatever n says; `refuse_schema = True` answers
400 to a response_format of type json_schema (as servers without structured output do);
`usage = (prompt_tokens, completion_tokens_per_choice)` or None (no usage in the answer).
POST /v1/images/generations returns a small base64 PNG, or what script_images() queued.
Every request is kept (path, JSON body, Authorization header) for the tests to inspect.

Scripted answers: copy(text), written(fn) (fn(request) -> text), as_json(text, ...),
fenced(text), status(code), garbage(), slow(seconds, text), empty(), drip(interval, size)
(headers, then the body one byte every `interval` seconds), drip(interval, headers=True) (the
headers themselves byte by byte); plan_of(request) reads a request's plan back. For images
also image_b64(text): an answer whose b64_json is `text` (not base64, or not an image).
`drips_finished` counts drips that ran to their last byte; close() cuts the others short.

Trend judge requests (botx_cli/trends/llm_judge.py: the system prompt starts "You review trending
topics") have their own script, script_judge(...), then answer with `judge_default(request)`: every
numbered trend safe and related unless a test sets another; verdicts(...) builds an answer from
(id, safe, related, why) tuples.
Run alone: python tests/fakes/fake_openai.py [--port N]
"""

from __future__ import annotations

import argparse
import base64
import inspect
import json
import re
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int = 200
    content: str | None = ""  # the message content; None sends "content": null
    raw: bytes | None = None  # a body sent as is (garbage)
    delay: float = 0.0  # seconds before answering (beyond the client's timeout: a slow answer)
    drip: float = 0.0  # seconds between bytes: the body (or, with drip_headers, the headers) trickles
    drip_size: int = 40  # bytes the dripped part takes at least (the body is padded with spaces)
    drip_headers: bool = False
    make: Callable[[dict[str, Any]], str] | None = None  # content written from the request (its plan)

    def text(self, request: dict[str, Any]) -> str | None:
        return self.make(request) if self.make is not None else self.content

    @property
    def plain(self) -> bool:
        """A copy that can fill one choice of an n-choice answer."""
        return self.status == 200 and self.raw is None and not self.delay and not self.drip


def copy(text: str) -> Answer:
    return Answer(content=text)


def status(code: int) -> Answer:
    return Answer(
        status=code,
        raw=json.dumps({"error": {"message": f"scripted {code}", "type": "server_error", "code": None}}).encode(),
    )


def garbage() -> Answer:
    return Answer(raw=b'{"id": "chatcmpl-1", "choices": [{"message": ')


def slow(seconds: float, text: str = "A late answer nobody waits for.") -> Answer:
    return Answer(content=text, delay=seconds)


def empty() -> Answer:
    return Answer(content=None)


def written(make: Callable[[dict[str, Any]], str]) -> Answer:
    """A copy written from the request, e.g. one that quotes the plan's offer with a wrong price."""
    return Answer(make=make)


def as_json(text: str, trend_mentioned: bool = True, offer_used: str = "") -> Answer:
    """The copy as the JSON the prompt asks for."""
    return Answer(content=json.dumps({"copy": text, "trend_mentioned": trend_mentioned, "offer_used": offer_used}))


def fenced(text: str, prose: str = "Here is the post:") -> Answer:
    """The JSON in a markdown code fence with prose around it, as chatty models answer."""
    body = json.dumps({"copy": text, "trend_mentioned": True, "offer_used": ""})
    return Answer(content=f"{prose}\n```json\n{body}\n```\nHope this helps!")


def drip(interval: float, size: int = 40, headers: bool = False, text: str = "A copy that trickles in.") -> Answer:
    """A 200 whose body (or headers) arrives one byte every `interval` seconds: each read is
    quick, so a per-read timeout never fires; only a whole-call deadline ends it."""
    return Answer(content=text, drip=interval, drip_size=size, drip_headers=headers)


JUDGE_MARKER = "You review trending topics"


def is_judge(request: dict[str, Any]) -> bool:
    return any(
        JUDGE_MARKER in str(m.get("content", "")) for m in request.get("messages", []) if m.get("role") == "system"
    )


def verdicts(*entries: tuple[int, bool, bool, str]) -> Answer:
    """A judge answer: (id, safe, related, why) per trend."""
    return copy(
        json.dumps(
            {"verdicts": [{"id": i, "safe": safe, "related": related, "why": why} for i, safe, related, why in entries]}
        )
    )


def default_verdicts(request: dict[str, Any]) -> str:
    """Every numbered trend of the judge prompt safe and related."""
    prompt = "\n".join(str(m.get("content", "")) for m in request.get("messages", []) if m.get("role") == "user")
    ids = [int(n) for n in re.findall(r"^(\d+)\. ", prompt, re.MULTILINE)]
    return json.dumps({"verdicts": [{"id": i, "safe": True, "related": True, "why": "fake default"} for i in ids]})


def image_b64(value: str) -> Answer:
    """An images answer whose data[0].b64_json is `value` as given."""
    return Answer(raw=json.dumps({"created": 0, "data": [{"b64_json": value}]}).encode())


RETRY_OPENERS = ("Here is a calmer way to ship.", "Short version: ship faster for less.", "Good news for small teams.")
OPENERS = (
    "Builders keep shipping.",
    "Small teams ship more when compute is simple.",
    "Your roadmap should not wait on hardware.",
    "Less waiting, more training.",
)
TREND_OPENERS = (
    "With {trend} on everyone's mind, builders keep shipping.",
    "{trend} has the timeline, and small teams still need compute.",
    "While {trend} trends, your roadmap should not wait on hardware.",
    "{trend} today; less waiting, more training.",
)


def default_copy(request: dict[str, Any], index: int = 0) -> str:
    """Copy built from the prompt: the angle line and the offer, so it varies like templates do;
    choice `index` of an n-choice answer gets its own opener, and so does a retry (the
    conversation carries a rejected answer). A question post ends with a question."""
    messages = request.get("messages", [])
    prompt = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
    angle = re.search(r"^Angle: [^.]*\. (.*)$", prompt, re.MULTILINE)
    offer = re.search(r"^Offer: (.*)$", prompt, re.MULTILINE)
    trend = re.search(r"^Trend: (.*?) \(", prompt, re.MULTILINE)
    kind = re.search(r"^Kind: (\w+)", prompt, re.MULTILINE)
    opener = (
        TREND_OPENERS[index % len(TREND_OPENERS)].format(trend=trend.group(1))
        if trend
        else OPENERS[index % len(OPENERS)]
    )
    retries = sum(m.get("role") == "assistant" for m in messages)
    if retries:
        opener = RETRY_OPENERS[(retries - 1 + index + len(prompt)) % len(RETRY_OPENERS)]
        if trend:
            opener += f" {trend.group(1)} or not."
    offered = offer.group(1) if offer and offer.group(1) != "none" else "it"
    ending = " What would you ship with it?" if kind and kind.group(1) == "question" else ""
    text = " ".join(f"{opener} {angle.group(1) if angle else ''} Try {offered} today.{ending}".split())
    budget = re.search(r"^Budget: (\d+)", prompt, re.MULTILINE)
    if budget and len(text) > int(budget.group(1)):  # a good model keeps to the budget: the opener goes first
        named = f"{trend.group(1)}: " if trend else ""  # still naming the trend it is told to name
        text = " ".join(f"{named}{angle.group(1) if angle else ''} Try {offered} today.{ending}".split())
    return text


@dataclass(frozen=True)
class PlanSeen:
    """What a chat request's prompt planned, as tests write copies for it."""

    kind: str
    trend: str  # "" when the plan has none
    angle_line: str
    offer: str  # "H100 80GB from $2.10/hr" ("" = none)
    item: str  # "H100 80GB"
    price: str  # "$2.10"
    quote: str  # "$2.10/hr"


def plan_of(request: dict[str, Any]) -> PlanSeen:
    prompt = "\n".join(str(m.get("content", "")) for m in request.get("messages", []) if m.get("role") == "user")

    def line(pattern: str) -> str:
        found = re.search(pattern, prompt, re.MULTILINE)
        return found.group(1) if found else ""

    offer = line(r"^Offer: (.*)$")
    offer = "" if offer == "none" else offer
    quote = re.search(r"\$[\d.]+(?:/M tokens|/\w+)?", offer)
    item = re.split(r" (?:from|at|for) \$", offer)[0] if offer else ""
    return PlanSeen(
        line(r"^Kind: (\w+)"),
        line(r"^Trend: (.*?) \("),
        line(r"^Angle: [^.]*\. (.*)$"),
        offer,
        item,
        quote.group().split("/")[0] if quote else "",
        quote.group() if quote else "",
    )


def answer_json(request: dict[str, Any], text: str) -> str:
    """The default copy as the JSON asked for."""
    prompt = "\n".join(str(m.get("content", "")) for m in request.get("messages", []) if m.get("role") == "user")
    offer = re.search(r"^Offer: (.*)$", prompt, re.MULTILINE)
    return json.dumps(
        {
            "copy": text,
            "trend_mentioned": bool(re.search(r"^Trend: .* \(", prompt, re.MULTILINE)),
            "offer_used": offer.group(1) if offer and offer.group(1) in text else "",
        }
    )


def tiny_png() -> bytes:
    """A valid 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


class FakeOpenAI:
    def __init__(self, port: int = 0, default: Callable[[dict[str, Any]], str] = default_copy) -> None:
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self.ignore_n = False  # answer one choice whatever `n` asks
        self.refuse_schema = False  # 400 to response_format {"type": "json_schema"}
        self.usage: tuple[int, int] | None = (50, 30)  # prompt tokens, completion tokens per choice
        self.drips_finished = 0
        self.closed = threading.Event()
        self._script: list[Answer] = []
        self._image_script: list[Answer] = []
        self._judge_script: list[Answer] = []
        self.judge_default: Callable[[dict[str, Any]], str] = default_verdicts
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

    def next_answer(self, request: dict[str, Any], index: int = 0) -> Answer:
        if is_judge(request):
            with self._lock:
                if self._judge_script:
                    return self._judge_script.pop(0)
            return copy(self.judge_default(request))
        with self._lock:
            if self._script:
                return self._script.pop(0)
        return self._default(request, index)

    def next_choices(self, request: dict[str, Any]) -> list[Answer]:
        """The answers for one chat request: a scripted non-copy answer alone, else one copy per
        choice asked (scripted copies first, then defaults)."""
        wanted = 1 if self.ignore_n else max(1, int(request.get("n") or 1))
        first = self.next_answer(request, 0)
        if not first.plain:
            return [first]
        choices = [first]
        for index in range(1, wanted):
            with self._lock:
                scripted = self._script.pop(0) if self._script and self._script[0].plain else None
            choices.append(scripted or self._default(request, index))
        return choices

    def _default(self, request: dict[str, Any], index: int) -> Answer:
        takes_index = len(inspect.signature(self.default).parameters) > 1  # default(request, index)
        text = self.default(request, index) if takes_index else self.default(request)
        return copy(answer_json(request, text) if request.get("response_format") else text)

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def close(self) -> None:
        self.closed.set()  # cuts drips short
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
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

    def do_POST(self) -> None:
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
        response_format = body.get("response_format") or {}
        if fake.refuse_schema and isinstance(response_format, dict) and response_format.get("type") == "json_schema":
            return self._send(
                400,
                json.dumps(
                    {
                        "error": {
                            "message": "response_format json_schema is not supported",
                            "type": "invalid_request_error",
                            "code": None,
                        }
                    }
                ).encode(),
            )
        answers = fake.next_choices(body)
        answer = answers[0]
        if answer.delay:
            time.sleep(answer.delay)
        if answer.raw is not None:
            return self._send(answer.status, answer.raw)
        payload = json.dumps(completion(body, [a.text(body) for a in answers], fake.usage)).encode()
        if answer.drip:
            return self._drip(answer, payload)
        return self._send(answer.status, payload)

    def _drip(self, answer: Answer, payload: bytes) -> None:
        fake: FakeOpenAI = self.server.fake  # type: ignore[attr-defined]
        if not answer.drip_headers:
            payload = b" " * max(0, answer.drip_size - len(payload)) + payload  # JSON allows leading blanks
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            f"X-Pad: {'x' * answer.drip_size}\r\n\r\n"
        ).encode()
        slow, fast = (head, payload) if answer.drip_headers else (payload, head)
        try:
            if not answer.drip_headers:
                self.wfile.write(fast)
            for index in range(len(slow)):
                if fake.closed.wait(answer.drip):
                    self.close_connection = True
                    return
                self.wfile.write(slow[index : index + 1])
            if answer.drip_headers:
                self.wfile.write(fast)
        except (BrokenPipeError, ConnectionResetError):
            return
        with fake._lock:
            fake.drips_finished += 1

    def _send(self, code: int, payload: bytes) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass


def completion(
    request: dict[str, Any], contents: str | list[str | None] | None, usage: tuple[int, int] | None = (50, 30)
) -> dict[str, Any]:
    """A chat.completion body with one choice per content; usage as (prompt, completion per choice)."""
    listed = contents if isinstance(contents, list) else [contents]
    body: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [
            {
                "index": i,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {"role": "assistant", "content": content},
            }
            for i, content in enumerate(listed)
        ],
    }
    if usage is not None:
        prompt, per_choice = usage
        body["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": per_choice * len(listed),
            "total_tokens": prompt + per_choice * len(listed),
        }
    return body


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
