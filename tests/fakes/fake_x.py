"""A fake X API v2 speaking real HTTP on 127.0.0.1, for tests and manual trials.

Shapes and headers follow tweepy's recorded cassettes (tests/fixtures/x-api/) and the error
bodies X is publicly reported to send; tests/fakes/README.md lists what is modelled. Every
request body and query string is checked against X's OpenAPI spec (openapi_check.py): what
the real X would refuse gets its 400.
All state lives on the FakeX object behind one lock: the clients are often `botx`
subprocesses while the server runs in a thread of the pytest process.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .openapi_check import Spec

TWITTER_EPOCH_MS = 1288834974657  # snowflake ids: (ms since this) << 22
DAY, WINDOW = 86400, 900
PROBLEMS = "https://api.twitter.com/2/problems/"
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
READ_ONLY = {
    "title": "Forbidden",
    "status": 403,
    "detail": "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
    "type": PROBLEMS + "oauth1-permissions",
}
PAGE_NOT_FOUND = {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}
# Pay-per-use credits spent: HTTP 402 on POST /2/tweets (seen in the wild, body not documented;
# this shape is a guess in X's problem style). The usage-capped problem is quoted from
# xdevplatform/xdk#25 (X answers it with HTTP 429).
CREDITS_DEPLETED = {
    "title": "CreditsDepleted",
    "type": PROBLEMS + "credits",
    "detail": "Your enrolled account does not have any credits to fulfill this request.",
}
USAGE_CAPPED = {
    "title": "UsageCapExceeded",
    "period": "Monthly",
    "scope": "Product",
    "detail": "Usage cap exceeded: Monthly product cap",
    "type": PROBLEMS + "usage-capped",
}
SPEC = Spec()
PUBLIC = ("retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count")
NON_PUBLIC = ("impression_count", "url_link_clicks", "user_profile_clicks")
ORGANIC = ("impression_count", "like_count", "reply_count", "retweet_count", "url_link_clicks", "user_profile_clicks")
AUTH_NAMES = {
    "oauth1": "OAuth 1.0a User Context",
    "bearer": "OAuth 2.0 Application-Only",
    "user2": "OAuth 2.0 User Context",
}


def problem(status: int) -> dict:
    """X's generic RFC 7807 body (the real 401 and 429 bodies have exactly this form)."""
    phrase = HTTPStatus(status).phrase
    return {"title": phrase, "detail": phrase, "type": "about:blank", "status": status}


def invalid(param: str, value: str, message: str) -> dict:
    return {
        "errors": [{"parameters": {param: [value]}, "message": message}],
        "title": "Invalid Request",
        "type": PROBLEMS + "invalid-request",
        "detail": "One or more parameters to your request was invalid.",
    }


def not_found(kind: str, param: str, value: str) -> dict:
    return {
        "value": value,
        "detail": f"Could not find {kind} with {param}: [{value}].",
        "title": "Not Found Error",
        "resource_type": kind,
        "parameter": param,
        "resource_id": value,
        "type": PROBLEMS + "resource-not-found",
    }


def unsupported_auth(used: str, allowed: tuple[str, ...]) -> dict:
    names = ", ".join(AUTH_NAMES[a] for a in allowed)
    return {
        "title": "Unsupported Authentication",
        "status": 403,
        "detail": f"Authenticating with {AUTH_NAMES[used]} is forbidden for this endpoint."
        f"  Supported authentication types are [{names}].",
        "type": PROBLEMS + "unsupported-authentication",
    }


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_iso(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def parse_auth(header: str | None) -> tuple[str | None, str | None]:
    """('oauth1', access token) | ('bearer', token) | (None, None)."""
    if header and header.startswith("Bearer "):
        return "bearer", header[7:]
    token = dict(re.findall(r'(\w+)="([^"]*)"', header or "")).get("oauth_token")
    return ("oauth1", unquote(token)) if token else (None, None)


@dataclass
class Fault:
    method: str
    path_prefix: str
    status: int | None = None
    body: Any = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    close_connection: bool = False
    accept_first: bool = False
    drip: float = 0.0  # seconds between the answer's body bytes, after its headers


@dataclass
class Req:
    user: dict | None
    kind: str
    groups: tuple
    query: dict
    json: Any
    raw: bytes
    content_type: str = ""


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict = field(default_factory=dict)
    stored: bool = False  # a tweet was stored: hold_posts applies


class FakeX:
    """X API v2 on http://127.0.0.1:PORT. Use as a context manager or call close()."""

    def __init__(self, port: int = 0, *, now: Callable[[], float] = time.time):
        self.now = now  # epoch seconds for ids, created_at and every reset
        self.post_limit_24h = 17  # x-user-limit-24hour-limit, per access token
        self.app_limit_24h = 10000  # x-app-limit-24hour-limit, all users together
        self.window_limits = {  # x-rate-limit-limit per 15-minute window, per user/app
            "POST /2/tweets": 100,
            "GET /2/users/me": 75,
            "GET /2/users/:id/tweets": 900,
            "GET /2/tweets": 900,
            "GET /2/trends/by/woeid/:id": 75,
            "POST /2/media/upload": 500,
        }
        self.bearer_tokens: set[str] = {"test-bearer"}
        self.gzip = True  # like X, whenever the client accepts it
        self.credits_exhausted = False  # POST /2/tweets answers 402 (pay-per-use credits spent)
        self._cond = threading.Condition(threading.RLock())
        self._users: dict[str, dict] = {}
        self._tweets: list[dict] = []
        self._requests: list[dict] = []
        self._faults: list[Fault] = []
        self._metrics: dict[str, dict] = {}
        self._trends: dict[str, list[dict]] = {}
        self._media: dict[str, dict] = {}
        self._uploads: dict[str, dict] = {}  # media id -> the form fields sent (media_category, media bytes)
        self._windows: dict[tuple, list] = {}
        self._last_id = 0
        self._holding = self._closed = False
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.block_on_close = False  # close() must not wait for idle keep-alives
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True, name="fake-x"
        )  # short poll: fast close()
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._cond.notify_all()  # wakes held posts and scripted delays
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> FakeX:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_user(self, access_token: str, user_id: str | int, username: str, name: str | None = None) -> None:
        with self._cond:
            self._users[access_token] = {
                "id": str(user_id),
                "name": name or username,
                "username": username,
                "token": access_token,
                "read_only": False,
            }

    def set_read_only(self, access_token: str, read_only: bool = True) -> None:
        with self._cond:
            self._users[access_token]["read_only"] = read_only

    def add_tweet(self, access_token: str, text: str, created_at: float | None = None) -> dict:
        """Store a tweet as if posted earlier (no quota used, no duplicate check)."""
        with self._cond:
            return dict(self._store(self._users[access_token], text, [], created_at))

    def set_metrics(self, tweet_id: str | int, **counts: int) -> None:
        if set(counts) - set(PUBLIC + NON_PUBLIC):
            raise ValueError(f"unknown metric(s): {sorted(set(counts) - set(PUBLIC + NON_PUBLIC))}")
        with self._cond:
            self._metrics.setdefault(str(tweet_id), dict.fromkeys(PUBLIC + NON_PUBLIC, 0)).update(counts)

    def set_trends(self, woeid: int | str, trends: list[tuple[str, int | None]]) -> None:
        """[(name, tweet_count or None)]; X omits tweet_count when it has none."""
        with self._cond:
            self._trends[str(woeid)] = [
                {"trend_name": n, **({} if c is None else {"tweet_count": c})} for n, c in trends
            ]

    def enqueue(
        self,
        method: str,
        path_prefix: str,
        status: int | None = None,
        body: Any = None,
        headers: dict | None = None,
        delay: float = 0.0,
        close_connection: bool = False,
        accept_first: bool = False,
        drip: float = 0.0,
    ) -> None:
        """Script the answer to the next request matching method + path prefix (FIFO).

        status None: the normal answer (with `delay`: a slow X). body: dict/list -> JSON;
        str/bytes -> sent as is (malformed JSON); None -> X's problem body for `status`.
        headers: override/add to the computed ones. delay: seconds before anything happens
        (cut short by close()); longer than the client's timeout = a hung connection.
        close_connection: answer nothing and reset the TCP connection (RST).
        accept_first: process the request normally first (a POST /2/tweets is stored), then
        delay and answer with the scripted status or reset: 'X accepted, the answer was lost'.
        drip: send the headers at once, then the body one byte every `drip` seconds (uncompressed):
        no read ever times out, only a limit on the whole call ends it. A drip always follows
        processing the request (the tweet is stored).
        """
        with self._cond:
            self._faults.append(
                Fault(
                    method.upper(),
                    path_prefix,
                    status,
                    body,
                    dict(headers or {}),
                    delay,
                    close_connection,
                    accept_first or drip > 0,
                    drip,
                )
            )

    def hold_posts(self) -> None:
        """From now on POST /2/tweets stores the tweet, then blocks until release()/close()."""
        with self._cond:
            self._holding = True

    def release(self) -> None:
        with self._cond:
            self._holding = False
            self._cond.notify_all()

    def wait_for_posts(self, n: int, timeout: float = 10.0) -> list[dict]:
        """Block until n tweets are stored in total and return them all; else TimeoutError."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._tweets) >= n, timeout):
                raise TimeoutError(f"{len(self._tweets)} tweet(s) stored, waited for {n}")
            return [dict(t) for t in self._tweets]

    @property
    def tweets(self) -> list[dict]:
        """Stored tweets: id, text, author_id, created_at (X's ISO form), media_ids."""
        with self._cond:
            return [dict(t) for t in self._tweets]

    @property
    def requests(self) -> list[dict]:
        """method, path, query, json, token (OAuth 1.0a access token), auth, time, status
        (None while unanswered or when the connection was reset)."""
        with self._cond:
            return [dict(r) for r in self._requests]

    @property
    def uploads(self) -> dict[str, dict]:
        """media id -> {media_category, media_type, media (bytes), token} of each upload."""
        with self._cond:
            return {k: dict(v) for k, v in self._uploads.items()}

    def tweets_by(self, username: str) -> list[dict]:
        with self._cond:
            ids = {u["id"] for u in self._users.values() if u["username"].lower() == username.lower()}
            return [dict(t) for t in self._tweets if t["author_id"] in ids]

    # -- request handling, in handler threads ------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        url = urlsplit(h.path)
        path = url.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        raw = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if "json" in h.headers.get("Content-Type", "") else None
        except ValueError:
            body = None
        kind, token = parse_auth(h.headers.get("Authorization"))
        ctype = h.headers.get("Content-Type", "")
        with self._cond:
            record = {
                "method": h.command,
                "path": path,
                "query": query,
                "json": body,
                "token": token if kind == "oauth1" else None,
                "auth": kind,
                "time": self.now(),
                "status": None,
                "invalid": [],
            }
            self._requests.append(record)
            fault = next((f for f in self._faults if f.method == h.command and path.startswith(f.path_prefix)), None)
            if fault:
                self._faults.remove(fault)
            first = fault is None or fault.accept_first
            if fault and not first:  # hung before X processed the request
                self._cond.wait_for(lambda: self._closed, fault.delay)
            normal = first or (fault.status is None and not fault.close_connection)
            answer = self._dispatch(h.command, path, query, body, raw, kind, token, normal, ctype)
            if answer.status == 400 and isinstance(answer.body, dict) and answer.body.get("spec"):
                record["invalid"] = answer.body.pop("spec")
            if answer.stored:
                self._cond.wait_for(lambda: not self._holding or self._closed)
            if fault and first:  # processed, then the answer hangs
                self._cond.wait_for(lambda: self._closed, fault.delay)
        if fault and fault.close_connection:
            return _reset(h)
        if fault and fault.status is None:  # the normal answer, with any scripted headers on top
            answer.headers.update(fault.headers)
        if fault and fault.status is not None:
            headers = {
                **answer.headers,
                **({"x-rate-limit-remaining": 0} if fault.status == 429 else {}),
                **fault.headers,
            }
            answer = Answer(fault.status, problem(fault.status) if fault.body is None else fault.body, headers)
        with self._cond:  # before sending: a client may look as soon as it has the answer
            record["status"] = answer.status
        self._send(h, answer, fault.drip if fault else 0.0)

    def _send(self, h: BaseHTTPRequestHandler, answer: Answer, drip: float = 0.0) -> None:
        data = answer.body if isinstance(answer.body, (str, bytes)) else json.dumps(answer.body, separators=(",", ":"))
        data = data.encode() if isinstance(data, str) else data
        headers = {
            "content-type": "application/json; charset=utf-8",
            "cache-control": "no-cache, no-store, max-age=0",
            "content-disposition": "attachment; filename=json.json",
            "api-version": "2.150",
            "date": formatdate(self.now(), usegmt=True)[:-3] + "UTC",  # X's form
            "server": "tsa_b",
            "strict-transport-security": "max-age=631138519",
            "x-content-type-options": "nosniff",
            "x-frame-options": "SAMEORIGIN",
            "x-xss-protection": "0",
            "x-response-time": "42",
            "x-transaction-id": os.urandom(8).hex(),
        }
        if self.gzip and not drip and "gzip" in h.headers.get("Accept-Encoding", ""):
            data, headers["content-encoding"] = gzip.compress(data), "gzip"
        headers.update(answer.headers, **{"content-length": len(data)})
        try:
            h.send_response_only(answer.status)
            for name, value in headers.items():
                h.send_header(name, str(value))
            h.end_headers()
            if drip:
                self._drip(h, data, drip)
            else:
                h.wfile.write(data)
        except OSError:  # the client gave up (timeout, kill -9)
            h.close_connection = True

    def _drip(self, h: BaseHTTPRequestHandler, data: bytes, every: float) -> None:
        """One byte at a time, `every` seconds apart, until done or close()."""
        h.wfile.flush()
        for i in range(len(data)):
            h.wfile.write(data[i : i + 1])
            h.wfile.flush()
            with self._cond:
                if self._cond.wait_for(lambda: self._closed, every):
                    raise OSError("fake X closed")

    def _window(self, key: tuple, span: int) -> list:
        """[reset epoch, used] of a fixed window that starts at its first use."""
        now = int(self.now())
        w = self._windows.get(key)
        if w is None or now >= w[0]:
            w = self._windows[key] = [now + span, 0]
        return w

    def _dispatch(
        self,
        method: str,
        path: str,
        query: dict,
        body: Any,
        raw: bytes,
        kind: str | None,
        token: str | None,
        run: bool,
        ctype: str = "",
    ) -> Answer:
        for m, pattern, key, allowed, fn, template in ROUTES:  # noqa: B007 - the matching route is used after the loop
            match = re.fullmatch(pattern, path) if m == method else None
            if match:
                break
        else:
            return Answer(404, PAGE_NOT_FOUND)
        user = self._users.get(token or "") if kind == "oauth1" else None
        app_ok = kind == "bearer" and token in self.bearer_tokens
        who = token if user else (f"app:{token}" if app_ok else "anonymous")
        limit, w = self.window_limits[key], self._window((key, who), WINDOW)
        if not (user or app_ok):
            answer = Answer(401, problem(401))
        elif w[1] >= limit:
            answer = Answer(429, problem(429))
        else:
            w[1] += 1
            req = Req(user, kind, match.groups(), query, body, raw, ctype)
            try:
                answer = (
                    Answer(403, unsupported_auth(kind, allowed))
                    if kind not in allowed
                    else self._refuse_invalid(method, template, req) or fn(self, req)
                    if run
                    else Answer(200, {})
                )
            except ValueError as e:  # e.g. since_id=abc, start_time=yesterday
                answer = Answer(400, invalid("query", str(query), f"Invalid Request: {e}"))
        answer.headers.update(
            {"x-rate-limit-limit": limit, "x-rate-limit-remaining": limit - w[1], "x-rate-limit-reset": w[0]}
        )
        if user or app_ok:
            answer.headers["x-access-level"] = "read-write" if user and not user["read_only"] else "read"
        if key == "POST /2/tweets":
            scopes = [("user", self.post_limit_24h, who)] if user else []
            for scope, lim, owner in scopes + [("app", self.app_limit_24h, "app")]:
                day = self._window(("24h", owner), DAY)
                answer.headers.update(
                    {
                        f"x-{scope}-limit-24hour-limit": lim,
                        f"x-{scope}-limit-24hour-remaining": max(lim - day[1], 0),
                        f"x-{scope}-limit-24hour-reset": day[0],
                    }
                )
        return answer

    def _refuse_invalid(self, method: str, template: str, r: Req) -> Answer | None:
        """X's 400 for what its OpenAPI spec does not allow (unknown body fields or query
        parameters, bad enum values, wrong types); the messages go to requests[i]["invalid"]."""
        found = [(name, value, message) for name, value, message in SPEC.query_problems(method, template, r.query)]
        if method == "POST":
            found += [
                ("body", "", message)
                for message in SPEC.body_problems(method, template, r.content_type, _body_value(r))
            ]
        if not found:
            return None
        return Answer(
            400,
            {
                "errors": [{"parameters": {name: [value]}, "message": message} for name, value, message in found],
                "title": "Invalid Request",
                "type": PROBLEMS + "invalid-request",
                "detail": "One or more parameters to your request was invalid.",
                "spec": [message for _n, _v, message in found],
            },
        )

    def _next_id(self, at: float) -> str:
        self._last_id = max(self._last_id + 1, int(at * 1000 - TWITTER_EPOCH_MS) << 22)
        return str(self._last_id)

    def _store(self, user: dict, text: str, media_ids: list[str], at: float | None) -> dict:
        at = self.now() if at is None else at
        tweet = {
            "id": self._next_id(at),
            "text": text,
            "author_id": user["id"],
            "created_at": iso(at),
            "media_ids": media_ids,
        }
        self._tweets.append(tweet)
        self._cond.notify_all()
        return tweet

    # -- endpoints ---------------------------------------------------------------------------
    def _post_tweet(self, r: Req) -> Answer:
        user = r.user or {}
        if user["read_only"]:
            return Answer(403, READ_ONLY)
        if self.credits_exhausted:
            return Answer(402, CREDITS_DEPLETED)
        user_day, app_day = self._window(("24h", user["token"]), DAY), self._window(("24h", "app"), DAY)
        if user_day[1] >= self.post_limit_24h or app_day[1] >= self.app_limit_24h:
            return Answer(429, problem(429))
        body = r.json if isinstance(r.json, dict) else {}
        text, media_ids = body.get("text"), [str(m) for m in (body.get("media") or {}).get("media_ids") or []]
        if not isinstance(text, str) and not media_ids:
            return Answer(400, invalid("text", "", "Request must contain text or media."))
        if any(m not in self._media for m in media_ids):
            return Answer(400, invalid("media.media_ids", ",".join(media_ids), "Your media IDs are invalid."))
        if any(t["author_id"] == user["id"] and t["text"] == (text or "") for t in self._tweets):
            return Answer(403, DUPLICATE)
        user_day[1] += 1
        app_day[1] += 1
        tweet = self._store(user, text or "", media_ids, None)
        return Answer(
            201,
            {"data": {"id": tweet["id"], "text": tweet["text"]}},
            {"location": f"https://api.twitter.com/2/tweets/{tweet['id']}"},
            stored=True,
        )

    def _get_me(self, r: Req) -> Answer:
        return Answer(200, {"data": {k: (r.user or {})[k] for k in ("id", "name", "username")}})

    def _render(self, tweet: dict, fields: set[str], user: dict | None) -> dict:
        out = {"edit_history_tweet_ids": [tweet["id"]], "id": tweet["id"], "text": tweet["text"]}
        metrics = self._metrics.get(tweet["id"], dict.fromkeys(PUBLIC + NON_PUBLIC, 0))
        own = user is not None and user["id"] == tweet["author_id"]
        for name, keys, owner_only in (
            ("public_metrics", PUBLIC, False),
            ("non_public_metrics", NON_PUBLIC, True),
            ("organic_metrics", ORGANIC, True),
        ):
            if name in fields and (own or not owner_only):
                out[name] = {k: metrics[k] for k in keys}
        out.update({k: tweet[k] for k in ("created_at", "author_id") if k in fields})
        if "attachments" in fields and tweet["media_ids"]:
            out["attachments"] = {"media_keys": [self._media[m]["media_key"] for m in tweet["media_ids"]]}
        return out

    def _get_tweets(self, r: Req) -> Answer:
        value = r.query.get("ids", "")
        ids = value.split(",")
        if not value or len(ids) > 100 or not all(i.isdigit() for i in ids):
            return Answer(400, invalid("ids", value, f"The `ids` query parameter value [{value}] is not valid"))
        fields, by_id = set(r.query.get("tweet.fields", "").split(",")), {t["id"]: t for t in self._tweets}
        data = [self._render(by_id[i], fields, r.user) for i in ids if i in by_id]
        errors = [not_found("tweet", "ids", i) for i in ids if i not in by_id]
        return Answer(200, {**({"data": data} if data else {}), **({"errors": errors} if errors else {})})

    def _get_user_tweets(self, r: Req) -> Answer:
        uid, size = r.groups[0], r.query.get("max_results", "10")
        if not any(u["id"] == uid for u in self._users.values()):
            return Answer(200, {"errors": [not_found("user", "id", uid)]})
        if not size.isdigit() or not 5 <= int(size) <= 100:
            return Answer(
                400,
                invalid(
                    "max_results", size, f"The `max_results` query parameter value [{size}] is not between 5 and 100"
                ),
            )
        token = r.query.get("pagination_token", "7140dk")
        if not re.fullmatch(r"7140dk[0-9a-f]*", token):
            return Answer(
                400,
                invalid(
                    "pagination_token", token, f"The `pagination_token` query parameter value [{token}] is not valid"
                ),
            )
        q = r.query  # bounds parsed up front: a bad value is a 400 even with no tweets
        since, until = int(q.get("since_id") or 0), int(q.get("until_id") or 1 << 63)
        until = min(until, int(token[6:], 16)) if len(token) > 6 else until
        start = parse_iso(q.get("start_time") or "1970-01-01T00:00:00Z")
        end = parse_iso(q.get("end_time") or "9999-01-01T00:00:00Z")
        tweets = sorted(
            (
                t
                for t in self._tweets
                if t["author_id"] == uid and since < int(t["id"]) < until and start <= parse_iso(t["created_at"]) < end
            ),
            key=lambda t: -int(t["id"]),
        )
        page, fields = tweets[: int(size)], set(r.query.get("tweet.fields", "").split(","))
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if len(tweets) > len(page):
            meta["next_token"] = f"7140dk{int(page[-1]['id']):x}"  # X's tokens look like this
        data = {"data": [self._render(t, fields, r.user) for t in page]} if page else {}
        return Answer(200, {**data, "meta": meta})

    def _get_trends(self, r: Req) -> Answer:
        return Answer(200, {"data": self._trends.get(r.groups[0], [])})

    def _upload_media(self, r: Req) -> Answer:
        if isinstance(r.json, dict):  # the JSON form: media base64-encoded
            form = {k: str(v).encode() for k, v in r.json.items()}
            try:
                form["media"] = base64.b64decode(form.get("media", b""), validate=True)
            except ValueError:
                return Answer(400, invalid("media", "", "The `media` parameter is not valid base64."))
            types = {}
        else:  # multipart (media + media_category)
            parts = _form_parts(r.raw)
            form = {name: body for name, (_type, body) in parts.items()}
            types = {name: kind for name, (kind, _body) in parts.items()}
        if not form.get("media"):
            return Answer(400, invalid("media", "", "The `media` parameter is required."))
        media_id = self._next_id(self.now())
        self._media[media_id] = {
            "id": media_id,
            "media_key": f"3_{media_id}",
            "size": len(form["media"]),
            "expires_after_secs": DAY,
        }
        self._uploads[media_id] = {
            "media_category": form.get("media_category", b"").decode(),
            "media_type": types.get("media", ""),  # the part's Content-Type
            "media": form["media"],
            "token": (r.user or {}).get("token"),
            "fields": sorted(form),
        }
        return Answer(200, {"data": self._media[media_id]})


USER_CONTEXT = ("oauth1", "user2")
# (method, path regex, limit key, auth kinds, handler, path in X's OpenAPI spec)
ROUTES: list[tuple[str, str, str, tuple[str, ...], Callable[[FakeX, Req], Answer], str]] = [
    ("POST", r"/2/tweets", "POST /2/tweets", USER_CONTEXT, FakeX._post_tweet, "/2/tweets"),
    ("GET", r"/2/tweets", "GET /2/tweets", ("oauth1", "bearer"), FakeX._get_tweets, "/2/tweets"),
    ("GET", r"/2/users/me", "GET /2/users/me", USER_CONTEXT, FakeX._get_me, "/2/users/me"),
    (
        "GET",
        r"/2/users/(\d+)/tweets",
        "GET /2/users/:id/tweets",
        ("oauth1", "bearer"),
        FakeX._get_user_tweets,
        "/2/users/{id}/tweets",
    ),
    (
        "GET",
        r"/2/trends/by/woeid/(\d+)",
        "GET /2/trends/by/woeid/:id",
        ("bearer",),
        FakeX._get_trends,
        "/2/trends/by/woeid/{woeid}",
    ),
    ("POST", r"/2/media/upload", "POST /2/media/upload", USER_CONTEXT, FakeX._upload_media, "/2/media/upload"),
]


def _body_value(r: Req) -> Any:
    """The request body as the spec describes it: JSON, or the multipart form's fields (the
    `media` part as bytes), or None when there is none."""
    if "multipart/form-data" in r.content_type:
        return {
            name: body if name == "media" else body.decode("utf-8", "replace")
            for name, (_type, body) in _form_parts(r.raw).items()
        }
    if not r.raw:
        return None
    return r.json if r.json is not None else "<not JSON>"


def _form_parts(raw: bytes) -> dict[str, tuple[str, bytes]]:
    """name -> (Content-Type, bytes) of each part of a multipart/form-data body ({} when it is not one)."""
    if not raw.startswith(b"--"):
        return {}
    boundary = raw.split(b"\r\n", 1)[0]
    parts = {}
    for chunk in raw.split(boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, body = chunk[2:].partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        kind = re.search(rb"(?i)content-type:\s*([^\r\n;]+)", head)
        if name:
            parts[name.group(1).decode()] = (
                kind.group(1).decode().strip() if kind else "",
                body[:-2] if body.endswith(b"\r\n") else body,
            )
    return parts


def _reset(h: BaseHTTPRequestHandler) -> None:
    """Abort with a TCP RST (SO_LINGER 0): the client sees 'Connection reset by peer'."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.connection.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like X
    disable_nagle_algorithm = True  # else headers then body cost a 40 ms delayed ACK
    timeout = 30  # idle keep-alive threads (daemons) end when clients close or after this

    def _any(self) -> None:
        self.server.fake._handle(self)  # type: ignore[attr-defined]

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _any

    def log_message(self, format: str, *args: Any) -> None:  # quiet under pytest
        pass


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m tests.fakes.fake_x", description="Serve a fake X API v2 on 127.0.0.1 until Ctrl-C."
    )
    ap.add_argument("--port", type=int, default=8099, help="0 picks a free port")
    ap.add_argument("--user", action="append", default=[], metavar="LABEL:TOKEN:ID:USERNAME")
    ap.add_argument("--read-only", action="append", default=[], metavar="TOKEN")
    ap.add_argument(
        "--bearer",
        action="append",
        default=[],
        metavar="TOKEN",
        help="accepted app bearer tokens (besides test-bearer)",
    )
    ap.add_argument("--trend", action="append", default=[], metavar="WOEID:NAME:COUNT")
    ap.add_argument("--post-limit-24h", type=int, default=17)
    args = ap.parse_args(argv)
    fake = FakeX(args.port)
    fake.post_limit_24h = args.post_limit_24h
    fake.bearer_tokens.update(args.bearer)
    for spec in args.user:
        _label, token, uid, username = spec.split(":", 3)
        fake.add_user(token, uid, username)
    for token in args.read_only:
        fake.set_read_only(token)
    trends: dict[str, list] = {}
    for woeid, name, count in (re.fullmatch(r"(\d+):(.+):(\d*)", t).groups() for t in args.trend):
        trends.setdefault(woeid, []).append((name, int(count) if count else None))
    for woeid, items in trends.items():
        fake.set_trends(woeid, items)
    print(f"fake X API on {fake.base_url} (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.close()


if __name__ == "__main__":
    main()
