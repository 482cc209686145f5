"""Network trend sources behind one interface, fetched concurrently.

A source is an async function (client, spec, job) -> list[RawTrend] registered in
FETCHERS under its config name (pytrends, which brings pandas, is looked up only when
due); it raises SourceError (or ParseError, or any httpx error) when it has nothing. fetch_all runs the due sources together on one httpx
AsyncClient, each under its own deadline, so a refresh lasts about as long as its
slowest source; a failure is reported in its Fetched result, never raised.

Imported only when a refresh actually fetches: httpx stays off the warm `botx post` path.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import httpx

from botx_cli import clock
from botx_cli.errors import ParseError
from botx_cli.trends.sources import BEARER_ENV, Fetcher, Job, SourceError, SourceSpec
from botx_cli.trends.sources.charset import charset_of, decode_page
from botx_cli.trends.sources.parsing import (
    MAX_BODY_CHARS,
    RawTrend,
    parse_getdaytrends,
    parse_google_rss,
    parse_trends24,
    parse_x_trends,
)

MAX_BODY_BYTES = MAX_BODY_CHARS  # 5 MB; a trend page is ~50 KB: anything this big is not one
MAX_REDIRECTS = 5
X_ENDPOINT = "GET /2/trends/by/woeid/:id"


@dataclass(frozen=True)
class Fetched:
    source: str
    trends: list[RawTrend]
    error: str | None
    duration_ms: int
    retry_at: datetime | None = None


async def get_body(client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None) -> bytes:
    """GET with the client's redirect limit and a streamed size cap (gzip bombs included:
    decoded bytes are counted). Any status >= 400 is a SourceError."""
    return (await get_page(client, url, headers))[0]


async def get_page(
    client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None
) -> tuple[bytes, str | None]:
    """get_body and the answer's Content-Type (its charset decides how the page is decoded)."""
    async with client.stream("GET", url, headers=headers) as response:
        if response.status_code >= 400:
            raise SourceError(f"HTTP {response.status_code}", response.status_code, _retry_at(response))
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise SourceError(f"body of {int(declared):,} bytes is over the {MAX_BODY_BYTES:,} byte limit")
        chunks, total = [], 0
        async for chunk in response.aiter_bytes():
            total += len(chunk)
            if total > MAX_BODY_BYTES:
                raise SourceError(f"body over the {MAX_BODY_BYTES:,} byte limit")
            chunks.append(chunk)
        content_type = response.headers.get("content-type")
    return b"".join(chunks), content_type


def _retry_at(response: httpx.Response) -> datetime | None:
    """When the source says to come back: X's x-rate-limit-reset or a Retry-After header."""
    reset = response.headers.get("x-rate-limit-reset", "")
    if reset.isdigit():
        return datetime.fromtimestamp(int(reset), timezone.utc)
    after = response.headers.get("retry-after", "").strip()
    if after.isdigit():
        return clock.now() + timedelta(seconds=min(int(after), 86_400))
    try:
        return parsedate_to_datetime(after).astimezone(timezone.utc) if after else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def page_fetcher(parse: Callable[[str], list[RawTrend]], markup: str) -> Fetcher:
    """A source that is one page (feed, HTML) at its configured URL, read by `parse`, decoded
    by the charset the server or the page declares."""

    async def fetch(client: httpx.AsyncClient, spec: SourceSpec, job: Job) -> list[RawTrend]:
        body, content_type = await get_page(client, spec.url or "")
        return parse(decode_page(body, charset_of(content_type), markup))

    return fetch


async def fetch_x(client: httpx.AsyncClient, spec: SourceSpec, job: Job) -> list[RawTrend]:
    """X's trends for a WOEID with the app bearer token; every answer is a billable call."""
    if not job.bearer_token:
        raise SourceError(
            f"{BEARER_ENV} is not set; export the app's bearer token or set [trends.sources.x] enabled = false"
        )
    url = f"{spec.url}/2/trends/by/woeid/{spec.options['woeid']}"
    started, status = time.monotonic(), None
    try:
        body = await get_body(client, url, {"Authorization": f"Bearer {job.bearer_token}"})
        status = 200
    except SourceError as err:
        status = err.http_status
        if status in (401, 403):
            raise SourceError(
                f"HTTP {status}: X refused the bearer token in {BEARER_ENV} for trends "
                "(does the plan include the trends endpoint?)",
                status,
            ) from None
        raise
    finally:
        job.x_calls.append((status, int((time.monotonic() - started) * 1000)))
    return parse_x_trends(body)


FETCHERS: dict[str, Fetcher] = {
    "google_rss": page_fetcher(parse_google_rss, "xml"),
    "trends24": page_fetcher(parse_trends24, "html"),
    "getdaytrends": page_fetcher(parse_getdaytrends, "html"),
    "x": fetch_x,
}


def _pytrends_fetcher() -> Fetcher:
    from botx_cli.trends.sources.pytrends import (
        fetch_pytrends,  # pandas comes with it: only when due
    )

    return fetch_pytrends


def fetch_all(specs: list[SourceSpec], job: Job, budget_seconds: float | None = None) -> list[Fetched]:
    """Every spec fetched at once; each gets min(its timeout_seconds, the budget)."""
    return asyncio.run(_fetch_all(specs, job, budget_seconds))


async def _fetch_all(specs: list[SourceSpec], job: Job, budget: float | None) -> list[Fetched]:
    # trust_env: HTTPS_PROXY/NO_PROXY apply, as operators behind a proxy expect.
    async with httpx.AsyncClient(
        follow_redirects=True, max_redirects=MAX_REDIRECTS, trust_env=True, headers={"User-Agent": job.user_agent}
    ) as client:
        return list(await asyncio.gather(*(_one(client, spec, job, budget) for spec in specs)))


async def _one(client: httpx.AsyncClient, spec: SourceSpec, job: Job, budget: float | None) -> Fetched:
    timeout = spec.timeout_seconds if budget is None else min(spec.timeout_seconds, budget)
    started = time.monotonic()
    error, retry_at, trends = None, None, []
    try:
        fetcher = _pytrends_fetcher() if spec.name == "pytrends" else FETCHERS[spec.name]
        trends = await asyncio.wait_for(fetcher(client, spec, job), timeout)
    except asyncio.TimeoutError:
        error = f"no answer within {timeout:g} s"
    except SourceError as err:
        error, retry_at = str(err), err.retry_at
    except ParseError as err:
        error = err.message
    except httpx.TooManyRedirects:
        error = f"more than {MAX_REDIRECTS} redirects"
    except httpx.HTTPError as err:
        error = describe(err)
    except Exception as err:  # noqa: BLE001 - one broken source must never fail the refresh
        error = f"{type(err).__name__}: {err}"
    if error is None and not trends:
        error = "answered with no trends"
    return Fetched(spec.name, trends, error, int((time.monotonic() - started) * 1000), retry_at)


def describe(err: Exception) -> str:
    """One short line for an httpx transport error (its str is often empty)."""
    kinds = (
        (httpx.ConnectTimeout, "connect timeout"),
        (httpx.TimeoutException, "timeout"),
        (httpx.ConnectError, "cannot connect"),
        (httpx.RemoteProtocolError, "connection dropped"),
        (httpx.ReadError, "connection reset"),
        (httpx.ProxyError, "proxy error"),
    )
    label = next((name for kind, name in kinds if isinstance(err, kind)), type(err).__name__)
    detail = str(err).strip()
    return f"{label}: {detail}"[:200] if detail else label


def bearer_token() -> str | None:
    return os.environ.get(BEARER_ENV, "").strip() or None
