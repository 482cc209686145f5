"""Chat calls to an OpenAI-compatible server: a whole-call deadline, several copies, a price.

The openai client's timeout is per read: a server that sends its headers and then one byte
every 2 s never trips it, and would hold `botx post` for as long as it drips. So every call
goes through deadline.within_all: waited for at most the call's deadline, then abandoned (a
daemon thread never holds the process) and counted as a timeout. Calls made together (copies
asked in parallel when the server ignores `n`) share one deadline.

Copies: one request with `n`; a server that answers fewer choices than asked gets the rest as
parallel requests, and from then on only those. A JSON schema (response_format) is sent while
the server takes it; a 400/422 drops it, then `n`, before the call counts as failed. Every
request is priced from the answer's usage (prompt and completion tokens; estimated from the
characters, 4 to a token, when the server gives none). Stdlib only: openai is imported by the
client factory the caller passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botx_cli.deadline import within_all

REFUSED = (400, 422)  # what servers answer to a parameter they do not take


@dataclass(frozen=True)
class Prices:
    input_per_m: float  # USD per million prompt tokens
    output_per_m: float  # USD per million completion tokens

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input_per_m + completion_tokens * self.output_per_m) / 1_000_000


@dataclass(frozen=True)
class Call:
    """One HTTP request as api_calls records it."""

    status: int | None  # None: no answer (timeout, connection)
    cost_usd: float
    duration_ms: int


@dataclass
class Answers:
    contents: list[str] = field(default_factory=list)  # one per usable choice
    calls: list[Call] = field(default_factory=list)
    error: BaseException | None = None  # the first failure, when one happened
    dropped: list[str] = field(default_factory=list)  # what the server refused and is no longer sent


@dataclass
class Chat:
    """One run's chat settings and what the server turned out to take."""

    create: Callable[..., Any]  # client.chat.completions.create, already bound to a client
    model: str
    temperature: float
    prices: Prices
    schema: dict[str, Any] | None  # response_format, while the server takes it
    use_n: bool = True
    max_tokens: int = 400

    def ask(self, messages: list[dict[str, str]], copies: int, seconds: Callable[[], float]) -> Answers:
        """Up to `copies` answers to `messages`; `seconds()` is the time a call may take now."""
        out = Answers()
        while True:
            n, requests = (copies, 1) if self.use_n else (1, copies)
            self._collect(out, messages, n, requests, seconds())
            refused = getattr(out.error, "status_code", None) in REFUSED
            if out.contents or not refused or not self._drop_one(out):
                break
            out.error = None
        missing = copies - len(out.contents)
        if out.contents and missing > 0 and self.use_n and copies > 1:  # the server ignored n
            self.use_n = False
            out.dropped.append("n (answers one copy a request)")
            self._collect(out, messages, 1, missing, seconds())
        return out

    def _drop_one(self, out: Answers) -> bool:
        if self.schema is not None:
            self.schema = None
            out.dropped.append("response_format json_schema")
            return True
        if self.use_n:
            self.use_n = False
            out.dropped.append("n")
            return True
        return False

    def _collect(self, out: Answers, messages: list[dict[str, str]], n: int, requests: int, seconds: float) -> None:
        started = time.monotonic()
        results = within_all(seconds, [lambda: self._request(messages, n)] * requests, "chat call")
        for response, error in results:
            if error is not None:
                elapsed = int((time.monotonic() - started) * 1000)
                out.calls.append(Call(getattr(error, "status_code", None), 0.0, elapsed))
                out.error = out.error or error
                continue
            assert response is not None  # no error: an answer
            body, elapsed = response
            contents = [_content(choice) for choice in (getattr(body, "choices", None) or [])[:n]]
            out.contents += [c for c in contents if c is not None]
            out.calls.append(Call(200, self._price(body, messages, contents), elapsed))

    def _request(self, messages: list[dict[str, str]], n: int) -> tuple[Any, int]:
        started = time.monotonic()
        extra: dict[str, Any] = {"response_format": self.schema} if self.schema else {}
        if n > 1:
            extra["n"] = n
        body = self.create(
            model=self.model, messages=messages, temperature=self.temperature, max_tokens=self.max_tokens, **extra
        )
        return body, int((time.monotonic() - started) * 1000)

    def _price(self, body: Any, messages: list[dict[str, str]], contents: list[str | None]) -> float:
        usage = getattr(body, "usage", None)
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
        if not isinstance(prompt, int) or not isinstance(completion, int):  # no usage: estimate, never free
            prompt = sum(len(m.get("content", "")) for m in messages) // 4
            completion = sum(len(c or "") for c in contents) // 4
        return self.prices.cost(max(0, prompt), max(0, completion))


def _content(choice: Any) -> str | None:
    message = getattr(choice, "message", None)
    content = getattr(message, "content", None)
    return content if isinstance(content, str) else ("" if message is not None else None)
