"""What a trend source is: the protocol every source module implements, and what it is given
and gives back.

A source is ONE module under trends/sources/ (google_rss.py, trends24.py, ...) that has
- `SOURCE`: its Source (config name, default URL, options, trust), and
- `async fetch(http, spec, job) -> list[RawTrend]`: its fetch, usually a GET through `http`
  and the module's own pure `parse` of the answer,
and so satisfies TrendSource; the registry (trends/sources/__init__.py) lists those modules.
A fetch raises SourceError (or ParseError) when it has nothing; it never imports httpx: the
refresh hands it `http` (Http, implemented in fetch.py). Stdlib only: config parsing loads this
on every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

X_API = "[x] api_base_url"  # a default URL that is the [x] api_base_url of the config


@dataclass(frozen=True)
class Option:
    """A key of the source's table beyond enabled, url and timeout_seconds."""

    key: str
    default: str | int  # an int default: the value is a positive integer
    in_query: bool = False  # when set, it goes into the URL's query string (google_rss geo)


@dataclass(frozen=True)
class Source:
    """A source as the registry knows it: what [trends.sources.NAME] takes, and its defaults."""

    name: str  # the config name: [trends.sources.NAME], and what trends record as their source
    url: str | None = None  # default URL; None: the source has none; X_API: [x] api_base_url
    options: tuple[Option, ...] = ()
    enabled: bool = True  # the default of `enabled`
    network: bool = True  # fetched by a refresh (calendar comes from config: trends/occasions.py)
    base_url: bool = False  # other paths hang off the URL: kept without a trailing '/'
    trust: int = 0  # a merged trend lists its sources in this order, most dependable (lowest) first
    needs_env: str | None = None  # an environment variable it cannot work without (doctor warns)
    reads: str = ""  # what it reads, for that warning: "X's trends"


@dataclass(frozen=True)
class SourceSpec:
    """A source as this config sets it up (trends/settings.py builds one per registry entry)."""

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
    """What every fetch may need besides its own spec; collects the calls X bills."""

    user_agent: str
    x_calls: list[tuple[str, int | None, int]] = field(default_factory=list)  # (endpoint, http status, ms)


@dataclass(frozen=True)
class Headline:
    """One news item a source gives to explain a trend (Google RSS `ht:news_item`)."""

    title: str
    snippet: str = ""
    source: str = ""  # the publication: "BBC News"

    def text(self) -> str:
        """Everything the judgement reads: title, snippet and publication."""
        return " ".join(part for part in (self.title, self.snippet, self.source) if part)


@dataclass(frozen=True)
class RawTrend:
    name: str
    rank: int  # 1-based position in the source's own list
    volume: int | None
    source: str  # the config name: google_rss, trends24, getdaytrends, x, ...
    published_at: datetime | None = None  # aware UTC
    url: str | None = None
    news: tuple[Headline, ...] = ()  # what the source says about it; names-only sources give none


class Http(Protocol):
    """The refresh's HTTP client as a source sees it (fetch.py implements it with httpx)."""

    async def get(self, url: str, headers: Mapping[str, str] | None = None) -> tuple[bytes, str | None]:
        """The body and Content-Type of a GET, within the redirect limit and the size cap;
        any status >= 400 is a SourceError (with X's or Retry-After's time to come back)."""
        ...


class TrendSource(Protocol):
    """One trend source: a module with SOURCE and fetch (mypy checks the registry's modules)."""

    SOURCE: Source

    async def fetch(self, http: Http, spec: SourceSpec, job: Job) -> list[RawTrend]: ...
