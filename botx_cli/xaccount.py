"""One account's authenticated X session: posting, reading back, recording every answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import requests

from botx_cli import xapi
from botx_cli.clock import iso
from botx_cli.config import Account, Config
from botx_cli.costs import call_cost, items_returned, settings as cost_settings
from botx_cli.store import Store

BLOCK_WITHOUT_RESET = timedelta(minutes=15)  # a 429 that names no reset: X's window length


class XAccount:
    def __init__(self, cfg: Config, store: Store, account: Account, now: datetime) -> None:
        self.cfg, self.store, self.account, self.now = cfg, store, account, now
        self.prices = cost_settings(cfg).prices  # [costs.prices], else the 2026 defaults
        self.api_ms = 0  # time spent waiting on X in this run, for the run log
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
        try:
            body = response.json()
        except ValueError:
            body = None
        owner = self.store.user_id(self.account.name) if endpoint == "GET /2/tweets" else None
        cost = call_cost(self.prices, method, endpoint, response.status_code, request.body, body, owner)
        elapsed = int(response.elapsed.total_seconds() * 1000)
        self.api_ms += elapsed
        items = items_returned(endpoint, body) if 200 <= response.status_code < 300 else 0
        with self.store.write():  # one lock for the whole answer, not one per header kind
            for info in limits:
                self.store.save_rate_limit(self.account.name, endpoint, info.kind, info.limit, info.remaining,
                                           iso(info.reset_at) if info.reset_at else None, self.now)
            self.store.record_api_call(self.now, self.account.name, method, endpoint, response.status_code, cost,
                                       elapsed, items)

    def _call(self, action: str, fn: Any, retries: int | None = None) -> dict[str, Any]:
        retries = self.cfg.x.retries if retries is None else retries
        response = xapi.call(fn, self.account.name, action, retries, self.cfg.x.backoff_seconds)
        return xapi.json_body(response, self.account.name, action)

    def create_tweet(self, text: str, media_ids: Sequence[str] = (), made_with_ai: bool = False) -> str:
        """POST /2/tweets; with media, `media.media_ids` and X's `made_with_ai` disclosure (a field
        tweepy's create_tweet does not know, so the body goes through tweepy's Client.request)."""
        body: dict[str, Any] = {"text": text}
        if media_ids:
            body["media"] = {"media_ids": [str(m) for m in media_ids]}
        if made_with_ai:
            body["made_with_ai"] = True

        def send() -> requests.Response:
            if len(body) == 1:
                return self.client.create_tweet(text=text, user_auth=True)
            return self.client.request("POST", "/2/tweets", json=body, user_auth=True)

        response = xapi.call(send, self.account.name, "POST /2/tweets", self.cfg.x.retries, self.cfg.x.backoff_seconds)
        try:  # a 2xx was answered: the tweet exists even if the body is unreadable
            data = response.json().get("data")
            tweet_id = data.get("id") if isinstance(data, dict) else None
        except (ValueError, AttributeError):
            tweet_id = None
        if not tweet_id:
            raise xapi.AmbiguousSend(f"X accepted the post of account {self.account.name} but sent no id")
        return str(tweet_id)

    def upload_media(self, data: bytes, media_type: str, category: str = "tweet_image") -> str:
        """X's v2 one-shot upload (POST /2/media/upload, multipart `media` + `media_category`),
        OAuth 1.0a through the account's session; the media id. No retry: an image is optional."""
        files = {"media": ("image." + media_type.rsplit("/", 1)[-1], data, media_type)}
        fields = {"media_category": category, "media_type": media_type}
        response = xapi.call(lambda: xapi.send_signed(self.client, "POST", "/2/media/upload", files=files,
                                                      data=fields), self.account.name, "POST /2/media/upload", 0)
        answer = xapi.json_body(response, self.account.name, "POST /2/media/upload").get("data")
        media_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(media_id, (str, int)) or not str(media_id).isdigit():
            raise xapi.TemporaryFailure(f"malformed X answer to POST /2/media/upload for account "
                                        f"{self.account.name}: no media id")
        return str(media_id)

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
