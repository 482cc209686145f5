"""X API access through tweepy: host rewriting, timeouts, header capture, error mapping.

tweepy hard-codes https://api.twitter.com and passes no timeout to requests; a mounted
adapter fixes both. Every answer (success or error) goes through one response hook that
hands it to XAccount, which records x-rate-limit-* and the 24-hour headers plus the call's
cost. Each call runs within a whole-call deadline (botx_cli.deadline): the socket timeout
alone bounds each read, not a server that drips its answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from botx_cli.deadline import Deadline, DeadlineExceeded, within
from botx_cli.errors import (
    AmbiguousSend,
    BotxError,
    CredentialsRejected,
    CreditsExhausted,
    DuplicateContent,
    NoValidTweet,
    TemporaryFailure,
    UsageError,
)

TWEEPY_HOST = "https://api.twitter.com"
DUPLICATE_DETAIL = "duplicate content"
_AUTH_WORDS = ("permission", "permitted", "oauth", "suspended", "locked", "not authorized", "forbidden to")
_HEADER_KINDS = (("x-rate-limit-", "window"), ("x-user-limit-24hour-", "user_24h"), ("x-app-limit-24hour-", "app_24h"))
# X's longest window is 24 hours: a reset further ahead is a bad header, not a reason to stop
# an account for years. Capped here, with a margin for clocks that disagree.
MAX_RESET_AHEAD = timedelta(hours=24, minutes=15)
USAGE_CAPPED = "/2/problems/usage-capped"  # X's problem type for a spent usage cap


@dataclass(frozen=True)
class LimitInfo:
    endpoint: str
    kind: str  # window | user_24h | app_24h | credits
    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    note: str | None = None  # why the stored reset is not X's own (capped, credits)


class RewriteHostAdapter(HTTPAdapter):
    """Sends tweepy's api.twitter.com requests to [x] api_base_url, with a timeout."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(max_retries=0)
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if request.url and request.url.startswith(TWEEPY_HOST) and self.base_url != TWEEPY_HOST:
            request.url = self.base_url + request.url[len(TWEEPY_HOST) :]
            # requests picked proxies for api.twitter.com; pick again for the real target
            # (a loopback emulator must not go through HTTPS_PROXY unless NO_PROXY says so).
            kwargs["proxies"] = requests.utils.get_environ_proxies(request.url)
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        return super().send(request, **kwargs)


def endpoint_of(method: str, url: str) -> str:
    """'POST /2/tweets', 'GET /2/users/:id/tweets': ids folded so limits group by route."""
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
    parts = [":id" if i and part.isdigit() else part for i, part in enumerate(path.split("/"))]
    return f"{method} /{'/'.join(parts)}"


def limits_from_headers(endpoint: str, headers: Any, now: datetime) -> list[LimitInfo]:
    """The limits an answer states. A malformed value never raises: garbage reads as unknown,
    milliseconds as seconds, and a reset beyond MAX_RESET_AHEAD is capped (with a note)."""
    found = []
    for prefix, kind in _HEADER_KINDS:
        values = [headers.get(prefix + name) for name in ("limit", "remaining", "reset")]
        if any(value is not None for value in values):
            limit, remaining = _int(values[0]), _int(values[1])
            reset_at, note = parse_reset(values[2], now)
            found.append(LimitInfo(endpoint, kind, limit, remaining, reset_at, note))
    return found


def parse_reset(value: Any, now: datetime) -> tuple[datetime | None, str | None]:
    """(reset moment, note) from an x-*-reset header (epoch seconds); (None, None) when unusable.
    Infinity ("1e999") is as far ahead as it gets: capped like the year 2090."""
    try:
        seconds = float(value)
    except (TypeError, ValueError, OverflowError):
        return None, None
    if seconds != seconds or seconds <= 0:  # NaN, or before 1970
        return None, None
    if seconds > 1e11:  # epoch milliseconds (1e11 seconds would be the year 5138)
        seconds /= 1000
    latest = now + MAX_RESET_AHEAD
    try:
        reset = datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):  # beyond datetime's range
        reset = None
    if reset is None or reset > latest:
        said = reset.strftime("%Y-%m-%dT%H:%M:%SZ") if reset else str(value)[:40]
        return latest, f"X's reset {said} capped at 24 h"
    return reset, None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _int(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def make_client(
    credentials: dict[str, str], base_url: str, timeout: float, on_response: Callable[[requests.Response], None]
) -> tweepy.Client:
    """on_response sees every answer, in the thread that made the call: it must not raise."""
    client = tweepy.Client(**credentials, return_type=requests.Response, wait_on_rate_limit=False)
    adapter = RewriteHostAdapter(base_url, timeout)
    client.session.mount("https://", adapter)
    client.session.mount("http://", adapter)
    client.session.hooks["response"].append(lambda response, *args, **kwargs: on_response(response))
    return client


def send_signed(client: tweepy.Client, method: str, route: str, **kwargs: Any) -> requests.Response:
    """A request tweepy has no method for (POST /2/media/upload), sent as tweepy.Client.request
    sends its own: OAuth 1.0a user context signed by tweepy's handler, through the client's
    session (host rewrite, timeout, response hook), errors raised as tweepy's exceptions."""
    auth = tweepy.OAuth1UserHandler(
        client.consumer_key, client.consumer_secret, client.access_token, client.access_token_secret
    ).apply_auth()
    response: requests.Response = client.session.request(
        method, TWEEPY_HOST + route, headers={"User-Agent": client.user_agent}, auth=auth, **kwargs
    )
    raise_for_status(response)
    return response


def raise_for_status(response: requests.Response) -> None:
    """tweepy.Client.request's mapping of error statuses to its exceptions (so classify applies),
    without what makes tweepy itself raise something else after X answered: its int() of
    x-rate-limit-reset (a malformed header is a ValueError) and its .get() on an error body
    that is JSON but not an object (an AttributeError)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    parsed = body if isinstance(body, dict) else {}
    errors = {400: tweepy.BadRequest, 401: tweepy.Unauthorized, 403: tweepy.Forbidden, 404: tweepy.NotFound}
    if status in errors:
        raise errors[status](response, response_json=parsed)
    if status == 429:
        reset = _int(response.headers.get("x-rate-limit-reset"))
        raise tweepy.TooManyRequests(response, response_json=parsed, reset_time=reset)
    if status >= 500:
        raise tweepy.TwitterServerError(response, response_json=parsed)
    raise tweepy.HTTPException(response, response_json=parsed)


def api_detail(err: tweepy.HTTPException) -> str:
    try:
        body = err.response.json()
        if isinstance(body, dict):
            return str(body.get("detail") or body.get("title") or err)
    except ValueError:
        pass
    return " ".join(str(err).split())[:200]


def credits_spent(status: int, body: Any) -> bool:
    """HTTP 402 (pay-per-use credits exhausted), or X's usage-capped problem with any status."""
    return status == 402 or (isinstance(body, dict) and str(body.get("type", "")).endswith(USAGE_CAPPED))


def classify(err: Exception, account: str, action: str, now: datetime | None = None, write: bool = False) -> BotxError:
    """One place that turns tweepy/requests failures into botx errors and exit codes.

    write: the call creates something (POST /2/tweets). Then any failure that is neither an
    error status X sent nor a request that never left is an AmbiguousSend: the request may
    have reached X. The two definite cases are marked (x/target.py's `nothing_created(err)`), so the caller
    may free the slot."""
    found = _classify_status(err, account, action, now) if isinstance(err, tweepy.HTTPException) else None
    if found is None and isinstance(err, DeadlineExceeded) and not err.started:
        found = TemporaryFailure(f"{action} for account {account} not sent: {err}")
    if found is None and isinstance(err, requests.RequestException) and never_sent(err):
        found = TemporaryFailure(f"cannot reach X on {action} for account {account}: {type(err).__name__}")
    if found is not None:
        # A 5xx to a write is X's own error, yet X may have stored the post before failing
        # (a retry then meets the duplicate check): after the last try only the timeline can tell.
        if not (write and isinstance(err, tweepy.TwitterServerError)):
            found.nothing_created = True  # type: ignore[attr-defined]
        return found
    if isinstance(err, (requests.RequestException, DeadlineExceeded)) or write:
        why = "no answer within the deadline" if isinstance(err, DeadlineExceeded) else type(err).__name__
        return AmbiguousSend(f"no usable answer from X on {action} for account {account} ({why})")
    return TemporaryFailure(f"malformed X answer on {action} for account {account}: {type(err).__name__}")


def _classify_status(err: tweepy.HTTPException, account: str, action: str, now: datetime | None) -> BotxError | None:
    response = getattr(err, "response", None)
    if response is None:
        return None
    try:
        body = response.json()
    except ValueError:
        body = None
    if credits_spent(response.status_code, body):
        return CreditsExhausted(
            f"X refused {action} for account {account}: pay-per-use credits exhausted "
            f"(HTTP {response.status_code}); top up at developer.x.com, posts skip meanwhile"
        )
    if isinstance(err, tweepy.TooManyRequests):
        reset, note = parse_reset(err.reset_time, now or datetime.now(timezone.utc))
        when = reset.isoformat() if reset else "its reset"
        return TemporaryFailure(
            f"X rate limit for account {account} on {action}; skipping until {when}" + (f" ({note})" if note else "")
        )
    if isinstance(err, tweepy.Unauthorized):
        return CredentialsRejected(
            f"X rejected the credentials of account {account} (401 on {action}): "
            f"regenerate the keys and tokens, then update BOTX_{account.upper()}_* env vars"
        )
    if isinstance(err, tweepy.Forbidden):
        detail = api_detail(err)
        if DUPLICATE_DETAIL in detail.lower():
            return DuplicateContent(f"X refused a duplicate text for account {account}")
        if any(word in detail.lower() for word in _AUTH_WORDS):
            return CredentialsRejected(
                f"X refused {action} for account {account} (403: {detail}); the app needs "
                "Read and Write permission, then regenerate the access token"
            )
        return NoValidTweet(f"X refused the post of account {account} (403: {detail})")
    if isinstance(err, tweepy.NotFound):
        return UsageError(f"X answered 404 for {action}; check [x] api_base_url")
    if isinstance(err, tweepy.BadRequest):
        return NoValidTweet(f"X refused the request of account {account} (400: {api_detail(err)})")
    if isinstance(err, tweepy.TwitterServerError):
        return TemporaryFailure(
            f"X server error {response.status_code} on {action} for account {account}; will try at the next slot"
        )
    return TemporaryFailure(f"unexpected X answer {response.status_code} on {action} for account {account}")


def never_sent(err: requests.RequestException) -> bool:
    """True when the request cannot have reached X: refused, DNS, connect timeout."""
    if isinstance(err, requests.ConnectTimeout):
        return True
    reason = getattr(err.args[0], "reason", None) if err.args else None
    return isinstance(err, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def retryable(cause: Exception) -> bool:
    """Safe to send again: X answered 5xx, or the connection never carried the request.

    A 5xx may still have created the tweet; a retry then meets X's duplicate check,
    which the caller reads as "the first try went through"."""
    if isinstance(cause, tweepy.TwitterServerError):
        return True
    return isinstance(cause, requests.RequestException) and never_sent(cause)


@dataclass(frozen=True)
class CallPolicy:
    """How one account's calls are bounded: retries, backoff, each call's whole-call limit
    ([x] timeout_seconds) and the run's deadline."""

    retries: int
    backoff: float
    per_call: float
    deadline: Deadline
    now: datetime


def call(
    fn: Callable[[], requests.Response],
    account: str,
    action: str,
    policy: CallPolicy,
    retries: int | None = None,
    write: bool = False,
) -> requests.Response:
    """Run one tweepy call with a short bounded retry, each try within the whole-call limit and
    the run's deadline; raise a classified BotxError."""
    retries = policy.retries if retries is None else retries
    for attempt in range(retries + 1):
        try:
            return within(policy.deadline.limit(policy.per_call), fn, action)
        except Exception as cause:  # tweepy can also raise on malformed bodies
            err = classify(cause, account, action, policy.now, write)
            wait = policy.backoff * 2**attempt
            # a retry only when a whole call still fits: one cut short by the run would be ambiguous
            if attempt < retries and retryable(cause) and policy.deadline.remaining() >= wait + policy.per_call:
                time.sleep(wait)
                continue
            err.retried = attempt  # type: ignore[attr-defined]
            raise err from cause
    raise AssertionError("unreachable")


def json_body(response: requests.Response, account: str, action: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise TemporaryFailure(f"malformed X answer on {action} for account {account}: not a JSON object")
    return body
