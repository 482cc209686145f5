"""pytrends as one trend source: Google's daily searches through an unmaintained library.

pytrends often answers 404/429 now, so it sits behind the circuit breaker like every
source, and runs in a daemon thread: it is synchronous (requests), and a daemon thread
can be abandoned at the deadline without the process waiting for it at exit.

pytrends builds its URLs from constants (module BASE_TRENDS_URL, TrendReq.*_URL); they
are re-pointed at [trends.sources.pytrends] url before each use, so tests and proxies
reach it on any host. Its cookie step is replaced: upstream retries forever on some
errors and prints to stdout, which would corrupt `--json`. pytrends (and pandas with it),
requests, asyncio and threading are imported inside the functions: the registry imports this
module on every run.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from botx_cli.trends.sources.base import Http, Job, Option, RawTrend, Source, SourceError, SourceSpec

T = TypeVar("T")
_ORIGINAL: dict[str, str] = {}  # pytrends' own URL constants, captured once

SOURCE = Source(
    "pytrends",
    "https://trends.google.com/trends",
    (Option("geo", "US"), Option("hl", "en-US")),
    base_url=True,
    trust=4,
)


async def fetch(http: Http, spec: SourceSpec, job: Job) -> list[RawTrend]:
    """pytrends brings its own HTTP (requests): `http` goes unused."""
    return await in_daemon_thread(daily_searches, spec, job.user_agent)


async def in_daemon_thread(fn: Callable[..., T], *args: Any) -> T:
    """Await fn(*args) run in a daemon thread; cancelling the await abandons the thread."""
    import asyncio
    import threading

    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(ok: bool, value: Any) -> None:
        if not future.done():
            future.set_result(value) if ok else future.set_exception(value)

    def run() -> None:
        try:
            outcome: tuple[bool, Any] = (True, fn(*args))
        except BaseException as err:  # noqa: BLE001 - handed to the awaiting side
            outcome = (False, err)
        with contextlib.suppress(RuntimeError):  # the loop is closed: the refresh stopped waiting for us
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=run, name="botx-pytrends", daemon=True).start()
    return await future


def point_at(module: Any, base: str) -> None:
    """Re-point pytrends' URL constants from https://trends.google.com/trends to `base`."""
    cls = module.TrendReq
    if not _ORIGINAL:
        _ORIGINAL.update({n: v for n, v in vars(cls).items() if n.endswith("_URL") and isinstance(v, str)})
        _ORIGINAL["BASE_TRENDS_URL"] = module.BASE_TRENDS_URL
    original_base = _ORIGINAL["BASE_TRENDS_URL"]
    for name, url in _ORIGINAL.items():
        moved = base + url[len(original_base) :] if url.startswith(original_base) else url
        setattr(module if name == "BASE_TRENDS_URL" else cls, name, moved)


def daily_searches(spec: SourceSpec, user_agent: str) -> list[RawTrend]:
    """Google's daily trending searches for [trends.sources.pytrends] geo, in rank order."""
    import requests
    from pytrends import request as pytrends_request
    from pytrends.exceptions import ResponseError

    point_at(pytrends_request, spec.url or "")

    class Request(pytrends_request.TrendReq):  # type: ignore[misc]
        def GetGoogleCookie(self) -> dict[str, str]:
            answer = requests.get(
                f"{pytrends_request.BASE_TRENDS_URL}/explore/?geo={self.hl[-2:]}",
                timeout=self.timeout,
                **self.requests_args,
            )
            return {k: v or "" for k, v in answer.cookies.items() if k == "NID"}

    limit = (spec.timeout_seconds, spec.timeout_seconds)
    try:
        client = Request(
            hl=spec.options["hl"], tz=0, timeout=limit, requests_args={"headers": {"User-Agent": user_agent}}
        )
        values = client.today_searches(pn=spec.options["geo"]).tolist()
    except ResponseError as err:
        status = getattr(err.response, "status_code", None)
        raise SourceError(f"HTTP {status}" + (" (rate limited)" if status == 429 else ""), status) from None
    except requests.Timeout:
        raise SourceError(f"no answer within {spec.timeout_seconds:g} s") from None
    except requests.RequestException as err:  # urllib3 nests the cause: say just the errno
        errno = re.search(r"\[Errno [^\]]+\][^'\")]*", str(err))
        raise SourceError(
            f"cannot connect: {errno.group(0).strip()}" if errno else f"{type(err).__name__}: {str(err)[:150]}"
        ) from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        raise SourceError(f"unexpected answer from Google ({type(err).__name__}: {str(err)[:100]})") from None
    names = [_query_of(value) for value in values]
    return [RawTrend(name, rank, None, SOURCE.name) for rank, name in enumerate(names, start=1) if name]


def _query_of(value: Any) -> str:
    """today_searches gives the search itself or its explore link (/trends/explore?q=...)."""
    text = str(value or "").strip()
    if "explore?" in text:
        return " ".join(parse_qs(urlsplit(text).query).get("q", [""])[0].split())
    return " ".join(text.split())
