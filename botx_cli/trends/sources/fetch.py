"""The due network sources fetched concurrently, each through its registry module.

fetch_all runs the due sources together on one httpx AsyncClient (handed to each source's
fetch as base.Http: redirect limit, streamed size cap, X's and Retry-After's time to come
back), each under its own deadline, so a refresh lasts about as long as its slowest source;
a failure is reported in its Fetched result, never raised.

Imported only when a refresh actually fetches: httpx stays off the warm `botx post` path.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import httpx

from botx_cli import clock
from botx_cli.errors import ParseError
from botx_cli.trends import sources
from botx_cli.trends.sources.base import Job, RawTrend, SourceError, SourceSpec
from botx_cli.trends.sources.parsing import MAX_BODY_CHARS

MAX_BODY_BYTES = MAX_BODY_CHARS  # 5 MB; a trend page is ~50 KB: anything this big is not one
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Fetched:
    source: str
    trends: list[RawTrend]
    error: str | None
    duration_ms: int
    retry_at: datetime | None = None


class Client:
    """base.Http on an httpx.AsyncClient."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[bytes, str | None]:
        """GET with the client's redirect limit and a streamed size cap (gzip bombs included:
        decoded bytes are counted); the body and its Content-Type (its charset decides how the
        page is decoded). Any status >= 400 is a SourceError."""
        async with self.client.stream("GET", url, headers=headers) as response:
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


def fetch_all(specs: list[SourceSpec], job: Job, budget_seconds: float | None = None) -> list[Fetched]:
    """Every spec fetched at once; each gets min(its timeout_seconds, the budget)."""
    return asyncio.run(_fetch_all(specs, job, budget_seconds))


async def _fetch_all(specs: list[SourceSpec], job: Job, budget: float | None) -> list[Fetched]:
    # trust_env: HTTPS_PROXY/NO_PROXY apply, as operators behind a proxy expect.
    async with httpx.AsyncClient(
        follow_redirects=True, max_redirects=MAX_REDIRECTS, trust_env=True, headers={"User-Agent": job.user_agent}
    ) as client:
        http = Client(client)
        return list(await asyncio.gather(*(_one(http, spec, job, budget) for spec in specs)))


async def _one(http: Client, spec: SourceSpec, job: Job, budget: float | None) -> Fetched:
    timeout = spec.timeout_seconds if budget is None else min(spec.timeout_seconds, budget)
    started = time.monotonic()
    error, retry_at, trends = None, None, []
    try:
        trends = await asyncio.wait_for(sources.by_name()[spec.name].fetch(http, spec, job), timeout)
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
