"""Trend sources: one module per network source behind one protocol, and the one registry.

A source module (google_rss.py, trends24.py, getdaytrends.py, pytrends.py, x.py) offers

    async def fetch(client: httpx.AsyncClient, spec: SourceSpec, job: Job) -> list[RawTrend]

and raises SourceError, ParseError or an httpx error when it has nothing (fetch.py runs the
due ones together and turns every failure into a report). REGISTRY below names every source
once, with what its [trends.sources.NAME] table takes; config parsing, the refresh, cleaning,
`botx trends` and `botx doctor` all derive their lists from it. A new source is one module
here and one REGISTRY line.

This package's __init__ is stdlib only (config parsing reads the registry on every run); a
source module, with httpx, bs4 or pytrends, loads only when a refresh fetches it.
May import: the kernel, config, store, x, and trends' own modules.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botx_cli.trends.sources.fetch import Fetcher

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


def trust_order(name: str) -> tuple[int, str]:
    """Sort key of a source name: most dependable first, unknown names last."""
    source = BY_NAME.get(name)
    return (source.trust if source else len(REGISTRY), name)


def fetcher(name: str) -> Fetcher:
    """The fetch function of a network source: its module, imported now (httpx and friends
    load with it)."""
    module: Any = importlib.import_module(f"{__name__}.{name}")
    found: Fetcher = module.fetch
    return found
