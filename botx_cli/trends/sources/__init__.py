"""Trend sources: the ONE registry (REGISTRY: each source's name, default URL, options and
trust), what a source is given (SourceSpec, Job) and may raise (SourceError), derived lists
(NAMES, NETWORK, trust_order) that config parsing, the refresh, cleaning, `botx trends` and
`botx doctor` use. fetch.py fetches the due network sources concurrently (FETCHERS maps a name
to its async fetch function; pytrends.py, which brings pandas, loads only when due), parsing.py
and charset.py turn pages into RawTrend.

A new source: one line in REGISTRY and its fetch function (a page parser in parsing.py plus one
FETCHERS line, or its own module like pytrends.py).
This package's __init__ is stdlib only (config parsing reads the registry on every run).
May import: the kernel, config, store, x, and trends' own modules.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

BEARER_ENV = "BOTX_X_BEARER_TOKEN"  # X's app-only token for the trends endpoint, never in config
X_API = "[x] api_base_url"  # a default URL that is the [x] api_base_url of the config


@dataclass(frozen=True)
class Option:
    """A key of the source's table beyond enabled, url and timeout_seconds."""

    key: str
    default: str | int  # an int default: the value is a positive integer
    in_query: bool = False  # when set, it goes into the URL's query string (google_rss geo)


@dataclass(frozen=True)
class Source:
    name: str  # the config name: [trends.sources.NAME], and what trends record as their source
    url: str | None = None  # default URL; None: the source has none; X_API: [x] api_base_url
    options: tuple[Option, ...] = ()
    enabled: bool = True  # the default of `enabled`
    network: bool = True  # fetched by a refresh (calendar comes from config: trends/occasions.py)
    base_url: bool = False  # other paths hang off the URL: kept without a trailing '/'
    trust: int = 0  # a merged trend lists its sources in this order, most dependable (lowest) first


REGISTRY: tuple[Source, ...] = (
    Source("google_rss", "https://trends.google.com/trending/rss?geo=US", (Option("geo", "", in_query=True),)),
    Source("trends24", "https://trends24.in/", trust=2),
    Source("getdaytrends", "https://getdaytrends.com/", trust=3),
    Source(
        "pytrends",
        "https://trends.google.com/trends",
        (Option("geo", "US"), Option("hl", "en-US")),
        base_url=True,
        trust=4,
    ),
    Source("x", X_API, (Option("woeid", 1),), enabled=False, base_url=True, trust=1),  # X bills it: opt in
    Source("calendar", network=False, trust=5),
)
BY_NAME = {source.name: source for source in REGISTRY}
NAMES = tuple(BY_NAME)
NETWORK = tuple(source.name for source in REGISTRY if source.network)


@dataclass(frozen=True)
class SourceSpec:
    name: str
    enabled: bool
    url: str | None  # None for calendar; x falls back to [x] api_base_url
    timeout_seconds: float
    options: Mapping[str, Any] = field(default_factory=dict)  # geo, hl, woeid


class SourceError(Exception):
    """A source answered, or failed, in a way that yields no trends."""

    def __init__(self, message: str, http_status: int | None = None, retry_at: datetime | None = None) -> None:
        super().__init__(message)
        self.http_status, self.retry_at = http_status, retry_at


@dataclass
class Job:
    """What every fetcher may need besides its own spec; collects billable X calls."""

    user_agent: str
    bearer_token: str | None = None
    x_calls: list[tuple[int | None, int]] = field(default_factory=list)  # (http status, ms)


# async (httpx.AsyncClient, SourceSpec, Job) -> list[RawTrend]; httpx is not imported here
Fetcher = Callable[[Any, SourceSpec, Job], Awaitable[list[Any]]]


def trust_order(name: str) -> tuple[int, str]:
    """Sort key of a source name: most dependable first, unknown names last."""
    source = BY_NAME.get(name)
    return (source.trust if source else len(REGISTRY), name)
