"""One account's authenticated X session: posting, reading back, recording every answer."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import requests

from botx_cli import xapi
from botx_cli.clock import iso
from botx_cli.config import Account, Config
from botx_cli.costs import DEFAULT_PRICES, call_cost
from botx_cli.store import Store

BLOCK_WITHOUT_RESET = timedelta(minutes=15)  # a 429 that names no reset: X's window length


class XAccount:
    def __init__(self, cfg: Config, store: Store, account: Account, now: datetime) -> None:
        self.cfg, self.store, self.account, self.now = cfg, store, account, now
        self.client = xapi.make_client(cfg.credentials(account), cfg.x.api_base_url, cfg.x.timeout_seconds,
                                       self._observe)

    def _observe(self, response: requests.Response) -> None:
        """Every answer, success or error: rate-limit knowledge and cost, stored."""
        request = response.request
        method = request.method or "GET"
        endpoint = xapi.endpoint_of(method, request.url or "")
        limits = xapi.limits_from_headers(endpoint, response.headers)
        if response.status_code == 429 and not any(limit.remaining == 0 for limit in limits):
            reset = self.now + BLOCK_WITHOUT_RESET
            limits.append(xapi.LimitInfo(endpoint, "window", None, 0, reset))
        for info in limits:
            self.store.save_rate_limit(self.account.name, endpoint, info.kind, info.limit, info.remaining,
                                       iso(info.reset_at) if info.reset_at else None, self.now)
        try:
            body = response.json()
        except ValueError:
            body = None
        cost = call_cost(DEFAULT_PRICES, method, endpoint, response.status_code, request.body, body)
        elapsed = int(response.elapsed.total_seconds() * 1000)
        self.store.record_api_call(self.now, self.account.name, method, endpoint, response.status_code, cost, elapsed)

    def _call(self, action: str, fn: Any, retries: int | None = None) -> dict[str, Any]:
        retries = self.cfg.x.retries if retries is None else retries
        response = xapi.call(fn, self.account.name, action, retries, self.cfg.x.backoff_seconds)
        return xapi.json_body(response, self.account.name, action)

    def create_tweet(self, text: str) -> str:
        response = xapi.call(lambda: self.client.create_tweet(text=text, user_auth=True), self.account.name,
                             "POST /2/tweets", self.cfg.x.retries, self.cfg.x.backoff_seconds)
        try:  # a 2xx was answered: the tweet exists even if the body is unreadable
            data = response.json().get("data")
            tweet_id = data.get("id") if isinstance(data, dict) else None
        except (ValueError, AttributeError):
            tweet_id = None
        if not tweet_id:
            raise xapi.AmbiguousSend(f"X accepted the post of account {self.account.name} but sent no id")
        return str(tweet_id)

    def user_id(self) -> str:
        cached = self.store.user_id(self.account.name)
        if cached:
            return cached
        data = self._call("GET /2/users/me", lambda: self.client.get_me(user_auth=True)).get("data") or {}
        if not isinstance(data, dict) or not data.get("id"):
            raise xapi.TemporaryFailure(f"malformed X answer to GET /2/users/me for account {self.account.name}")
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
        body = self._call("GET /2/users/:id/tweets", lambda: self.client.get_users_tweets(
            user_id, user_auth=True, max_results=100, tweet_fields=["created_at"]))
        data = body.get("data") or []
        return [t for t in data if isinstance(t, dict) and t.get("id")]
