"""X API access through tweepy: host rewriting, timeouts, header capture, error mapping.

tweepy hard-codes https://api.twitter.com and passes no timeout to requests; a mounted
adapter fixes both. Every answer (success or error) goes through one response hook
that stores x-rate-limit-* and the 24-hour headers plus the call's cost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import requests
import tweepy
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from botx_cli.errors import BotxError, CredentialsRejected, NoValidTweet, TemporaryFailure, UsageError

TWEEPY_HOST = "https://api.twitter.com"
DUPLICATE_DETAIL = "duplicate content"
_AUTH_WORDS = ("permission", "permitted", "oauth", "suspended", "locked", "not authorized", "forbidden to")
_HEADER_KINDS = (("x-rate-limit-", "window"), ("x-user-limit-24hour-", "user_24h"), ("x-app-limit-24hour-", "app_24h"))


class DuplicateContent(BotxError):
    """X refused the text as a duplicate of one of the account's posts."""

    exit_code = 3


class AmbiguousSend(BotxError):
    """The request may have reached X but the answer was lost (read timeout, reset)."""

    exit_code = 75


@dataclass(frozen=True)
class LimitInfo:
    endpoint: str
    kind: str
    limit: int | None
    remaining: int | None
    reset_at: datetime | None


class RewriteHostAdapter(HTTPAdapter):
    """Sends tweepy's api.twitter.com requests to [x] api_base_url, with a timeout."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(max_retries=0)
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if request.url and request.url.startswith(TWEEPY_HOST) and self.base_url != TWEEPY_HOST:
            request.url = self.base_url + request.url[len(TWEEPY_HOST):]
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


def limits_from_headers(endpoint: str, headers: Any) -> list[LimitInfo]:
    found = []
    for prefix, kind in _HEADER_KINDS:
        values = [headers.get(prefix + name) for name in ("limit", "remaining", "reset")]
        if any(value is not None for value in values):
            limit, remaining, reset = (_int(value) for value in values)
            reset_at = datetime.fromtimestamp(reset, timezone.utc) if reset is not None else None
            found.append(LimitInfo(endpoint, kind, limit, remaining, reset_at))
    return found


def _int(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def make_client(credentials: dict[str, str], base_url: str, timeout: float,
                on_response: Callable[[requests.Response], None]) -> tweepy.Client:
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
    auth = tweepy.OAuth1UserHandler(client.consumer_key, client.consumer_secret, client.access_token,
                                    client.access_token_secret).apply_auth()
    response = client.session.request(method, TWEEPY_HOST + route, headers={"User-Agent": client.user_agent},
                                      auth=auth, **kwargs)
    raise_for_status(response)
    return response


def raise_for_status(response: requests.Response) -> None:
    """tweepy.Client.request's mapping of error statuses to its exceptions (so classify applies)."""
    status = response.status_code
    errors = {400: tweepy.BadRequest, 401: tweepy.Unauthorized, 403: tweepy.Forbidden, 404: tweepy.NotFound}
    if status in errors:
        raise errors[status](response)
    if status == 429:
        reset = _int(response.headers.get("x-rate-limit-reset"))
        raise tweepy.TooManyRequests(response, reset_time=reset)
    if status >= 500:
        raise tweepy.TwitterServerError(response)
    if not 200 <= status < 300:
        raise tweepy.HTTPException(response)


def api_detail(err: tweepy.HTTPException) -> str:
    try:
        body = err.response.json()
        if isinstance(body, dict):
            return str(body.get("detail") or body.get("title") or err)
    except ValueError:
        pass
    return " ".join(str(err).split())[:200]


def classify(err: Exception, account: str, action: str) -> BotxError:
    """One place that turns tweepy/requests failures into botx errors and exit codes."""
    if isinstance(err, tweepy.TooManyRequests):
        reset = err.reset_time
        when = datetime.fromtimestamp(reset, timezone.utc).isoformat() if reset else "its reset"
        return TemporaryFailure(f"X rate limit for account {account} on {action}; skipping until {when}")
    if isinstance(err, tweepy.Unauthorized):
        return CredentialsRejected(f"X rejected the credentials of account {account} (401 on {action}): "
                                   f"regenerate the keys and tokens, then update BOTX_{account.upper()}_* env vars")
    if isinstance(err, tweepy.Forbidden):
        detail = api_detail(err)
        if DUPLICATE_DETAIL in detail.lower():
            return DuplicateContent(f"X refused a duplicate text for account {account}")
        if any(word in detail.lower() for word in _AUTH_WORDS):
            return CredentialsRejected(f"X refused {action} for account {account} (403: {detail}); the app needs "
                                       "Read and Write permission, then regenerate the access token")
        return NoValidTweet(f"X refused the post of account {account} (403: {detail})")
    if isinstance(err, tweepy.NotFound):
        return UsageError(f"X answered 404 for {action}; check [x] api_base_url")
    if isinstance(err, tweepy.BadRequest):
        return NoValidTweet(f"X refused the request of account {account} (400: {api_detail(err)})")
    if isinstance(err, tweepy.TwitterServerError):
        return TemporaryFailure(f"X server error {err.response.status_code} on {action} for account {account}; "
                                "will try at the next slot")
    if isinstance(err, requests.RequestException) and never_sent(err):
        return TemporaryFailure(f"cannot reach X on {action} for account {account}: {type(err).__name__}")
    if isinstance(err, requests.RequestException):
        return AmbiguousSend(f"no answer from X on {action} for account {account} ({type(err).__name__})")
    if isinstance(err, tweepy.HTTPException):
        return TemporaryFailure(f"unexpected X answer {err.response.status_code} on {action} for account {account}")
    return TemporaryFailure(f"malformed X answer on {action} for account {account}: {type(err).__name__}")


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


def call(fn: Callable[[], requests.Response], account: str, action: str, retries: int,
         backoff: float = 0.5) -> requests.Response:
    """Run one tweepy call with a short bounded retry; raise a classified BotxError."""
    for attempt in range(retries + 1):
        try:
            return fn()
        except Exception as cause:  # tweepy can also raise on malformed bodies
            err = classify(cause, account, action)
            if attempt < retries and retryable(cause):
                time.sleep(backoff * 2 ** attempt)
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
