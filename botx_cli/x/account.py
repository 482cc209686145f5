"""One account's authenticated X session: posting, reading back, recording every answer.

Every answer is recorded (rate-limit knowledge, cost) by the thread that made the call, after
the call: the response hook only keeps it in memory. Recording is bookkeeping: a database
locked past its busy timeout keeps the records pending for a later flush and never turns an
answer X gave into a failure.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests

from botx_cli.clock import iso
from botx_cli.config.core import Account, Config
from botx_cli.deadline import Deadline
from botx_cli.errors import AmbiguousSend, TemporaryFailure
from botx_cli.store import Store
from botx_cli.x import api as xapi
from botx_cli.x.costs import CostSettings, call_cost, items_returned
from botx_cli.x.settings import XSettings, credentials

BLOCK_WITHOUT_RESET = timedelta(minutes=15)  # a 429 that names no usable reset: X's window length
POST = "POST /2/tweets"


@dataclass(frozen=True)
class Answer:
    """What the response hook keeps of one answer; turned into rows by flush()."""

    method: str
    endpoint: str
    status: int
    headers: dict[str, str]
    request_body: Any
    body: Any
    elapsed_ms: int


class XAccount:
    """One account on X: the post target (x/target.py's PostTarget) and the reads metrics and
    doctor make."""

    def __init__(
        self, cfg: Config, store: Store, account: Account, now: datetime, deadline: Deadline | None = None
    ) -> None:
        self.cfg, self.store, self.account, self.now = cfg, store, account, now
        self.conf = cfg.settings(XSettings)
        self.deadline = deadline or Deadline(self.conf.run_deadline_seconds)
        self.prices = cfg.settings(CostSettings).prices  # [costs.prices], else the 2026 defaults
        self.api_ms = 0  # time spent waiting on X in this run, for the run log
        self.pending: list[Answer] = []  # answers not yet recorded (the database was locked)
        self._lock = threading.Lock()
        self.client = xapi.make_client(
            credentials(cfg, account), self.conf.api_base_url, self.conf.timeout_seconds, self._observe
        )

    @property
    def reads(self) -> bool:
        """[x] reads: the plan lets the account read its own timeline (reconciliation needs it)."""
        return self.conf.reads

    def ensure_time_to_send(self) -> None:
        """Never start a send the run's deadline would cut short: that would make an unknown."""
        if self.deadline.remaining() < self.conf.timeout_seconds:
            raise TemporaryFailure(
                f"account {self.account.name}: the run reached its deadline ([x] run_deadline_seconds = "
                f"{self.conf.run_deadline_seconds:g}) before sending; nothing was sent"
            )

    @property
    def policy(self) -> xapi.CallPolicy:
        return xapi.CallPolicy(
            self.conf.retries, self.conf.backoff_seconds, self.conf.timeout_seconds, self.deadline, self.now
        )

    # -- recording ---------------------------------------------------------------------------
    def _observe(self, response: requests.Response) -> None:
        """The response hook (in the calling thread): keep the answer; never raise."""
        try:
            request = response.request
            method = request.method or "GET"
            try:
                body = response.json()
            except ValueError:
                body = None
            answer = Answer(
                method,
                xapi.endpoint_of(method, request.url or ""),
                response.status_code,
                dict(response.headers),
                request.body,
                body,
                int(response.elapsed.total_seconds() * 1000),
            )
        except Exception:  # noqa: BLE001 - an answer we cannot even describe is not worth a failure
            return
        with self._lock:
            self.pending.append(answer)
            self.api_ms += answer.elapsed_ms

    def flush(self) -> str | None:
        """Record pending answers in one write; on a database error keep them and say why."""
        with self._lock:
            answers, self.pending = self.pending, []
        if not answers:
            return None
        try:
            with self.store.write():  # one lock for everything X told us
                for answer in answers:
                    self._record(answer)
        except self.store.errors as err:
            with self._lock:
                self.pending = answers + self.pending
            return f"{len(answers)} X answer(s) not recorded yet ({err})"
        return None

    def _record(self, answer: Answer) -> None:
        for info in self.limits_of(answer):
            self.store.save_rate_limit(
                self.account.name,
                answer.endpoint,
                info.kind,
                info.limit,
                info.remaining,
                iso(info.reset_at) if info.reset_at else None,
                self.now,
                info.note,
            )
        owner = self.store.user_id(self.account.name) if answer.endpoint == "GET /2/tweets" else None
        cost = call_cost(
            self.prices, answer.method, answer.endpoint, answer.status, answer.request_body, answer.body, owner
        )
        ok = 200 <= answer.status < 300
        self.store.record_api_call(
            self.now,
            self.account.name,
            answer.method,
            answer.endpoint,
            answer.status,
            cost,
            answer.elapsed_ms,
            items_returned(answer.endpoint, answer.body) if ok else 0,
        )

    def limits_of(self, answer: Answer) -> list[xapi.LimitInfo]:
        """What to store from one answer: its headers (malformed values never raise), a 15-minute
        block for a 429 naming no usable reset, a credits block after a 402 or usage-capped."""
        limits = xapi.limits_from_headers(answer.endpoint, answer.headers, self.now)
        if answer.status == 429 and not any(lim.remaining == 0 and lim.reset_at for lim in limits):
            limits.append(
                xapi.LimitInfo(
                    answer.endpoint,
                    "window",
                    None,
                    0,
                    self.now + BLOCK_WITHOUT_RESET,
                    "429 without a usable reset: X's 15-minute window",
                )
            )
        if xapi.credits_spent(answer.status, answer.body):
            until = self.now + timedelta(minutes=self.conf.credits_retry_minutes)
            why = "HTTP 402" if answer.status == 402 else f"usage-capped, HTTP {answer.status}"
            limits.append(xapi.LimitInfo(answer.endpoint, "credits", None, 0, until, why))
        return limits

    # -- calls ---------------------------------------------------------------------------------
    def _run(
        self, action: str, fn: Callable[[], requests.Response], retries: int | None = None, write: bool = False
    ) -> requests.Response:
        """One call within its deadlines; whatever X answered is recorded after it, win or lose."""
        try:
            return xapi.call(fn, self.account.name, action, self.policy, retries, write)
        finally:
            self.flush()

    def _call(self, action: str, fn: Any, retries: int | None = None) -> dict[str, Any]:
        return xapi.json_body(self._run(action, fn, retries), self.account.name, action)

    def create_tweet(self, text: str, media_ids: Sequence[str] = (), made_with_ai: bool = False) -> str:
        """POST /2/tweets, signed as tweepy signs it but with botx's own status mapping (tweepy's
        int() of a malformed reset header would raise after X created the tweet). With media,
        `media.media_ids` and X's `made_with_ai` disclosure. Every failure that is not an error
        status from X is an AmbiguousSend: the tweet may exist."""
        body: dict[str, Any] = {"text": text}
        if media_ids:
            body["media"] = {"media_ids": [str(m) for m in media_ids]}
        if made_with_ai:
            body["made_with_ai"] = True
        response = self._run(POST, lambda: xapi.send_signed(self.client, "POST", "/2/tweets", json=body), write=True)
        try:  # a 2xx was answered: the tweet exists even if the body is unreadable
            data = response.json().get("data")
            tweet_id = data.get("id") if isinstance(data, dict) else None
        except (ValueError, AttributeError):
            tweet_id = None
        if not tweet_id:
            raise AmbiguousSend(f"X accepted the post of account {self.account.name} but sent no id")
        return str(tweet_id)

    def upload_media(self, data: bytes, media_type: str, category: str = "tweet_image") -> str:
        """X's v2 one-shot upload (POST /2/media/upload, multipart `media` + `media_category`: the
        fields MediaUploadRequest has; X reads the type from the bytes), OAuth 1.0a through the
        account's session; the media id. No retry: an image is optional."""
        files = {"media": ("image." + media_type.rsplit("/", 1)[-1], data, media_type)}
        fields = {"media_category": category}
        response = self._run(
            "POST /2/media/upload",
            lambda: xapi.send_signed(self.client, "POST", "/2/media/upload", files=files, data=fields),
            retries=0,
        )
        answer = xapi.json_body(response, self.account.name, "POST /2/media/upload").get("data")
        media_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(media_id, (str, int)) or not str(media_id).isdigit():
            raise TemporaryFailure(
                f"malformed X answer to POST /2/media/upload for account {self.account.name}: no media id"
            )
        return str(media_id)

    def user_id(self) -> str:
        cached = self.store.user_id(self.account.name)
        if cached:
            return cached
        data = self._call("GET /2/users/me", lambda: self.client.get_me(user_auth=True)).get("data") or {}
        if not isinstance(data, dict) or not data.get("id"):
            raise TemporaryFailure(f"malformed X answer to GET /2/users/me for account {self.account.name}")
        self.store.save_user(self.account.name, str(data["id"]), str(data.get("username", "")), self.now)
        return str(data["id"])

    def me(self) -> dict[str, Any]:
        data = self._call("GET /2/users/me", lambda: self.client.get_me(user_auth=True), retries=0).get("data")
        return data if isinstance(data, dict) else {}

    def recent_own_tweets(self) -> list[dict[str, Any]]:
        """The account's latest 100 posts, newest first: enough to find a lost answer.

        No start_time: X's clock and ours may disagree, and texts are unique within
        the duplicate window, so matching by text is safe."""
        user_id = self.user_id()
        body = self._call(
            "GET /2/users/:id/tweets",
            lambda: self.client.get_users_tweets(user_id, user_auth=True, max_results=100, tweet_fields=["created_at"]),
        )
        data = body.get("data") or []
        return [t for t in data if isinstance(t, dict) and t.get("id")]

    def tweet_metrics(self, ids: list[str], owner_fields: bool) -> dict[str, Any]:
        """GET /2/tweets?ids=... (up to 100) with public_metrics; with owner_fields also
        non_public_metrics and organic_metrics (own posts under 30 days). The raw body:
        X answers 200 with only `errors` when it refuses a field."""
        if not 1 <= len(ids) <= 100:
            raise ValueError("X looks up 1 to 100 posts per request")
        fields = ["public_metrics", "created_at", "author_id"]
        if owner_fields:
            fields += ["non_public_metrics", "organic_metrics"]
        return self._call("GET /2/tweets", lambda: self.client.get_tweets(ids, tweet_fields=fields, user_auth=True))
