"""Trend sources: the ONE registry, and what is derived from it.

Each source is one module of this package holding its Source (config name, default URL,
options, trust), its fetch and its parser, and implementing base.TrendSource. REGISTRY lists
those modules; every list that names sources (the [trends.sources.NAME] tables config
accepts, the sources a refresh fetches, the merge order, `botx trends` and `botx doctor`)
derives from it through the functions below, read at call time.

A new source: one module here (copy trends24.py: SOURCE, fetch, parse) and its line in
REGISTRY. The rest of the package is shared: base.py (the protocol, Source, SourceSpec, Job,
RawTrend, SourceError), parsing.py and charset.py (what parsers share), fetch.py (runs the due
sources concurrently on one httpx client; loaded only when a refresh fetches).

Every module the registry imports is stdlib only at import time (config parsing reads the
registry on every run; bs4, httpx and pytrends load inside the functions that use them).
May import: the kernel, config, store, x, and trends' own modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from botx_cli.trends.sources import calendar, getdaytrends, google_rss, pytrends, trends24, x
from botx_cli.trends.sources.base import TrendSource

REGISTRY: tuple[TrendSource, ...] = (google_rss, trends24, getdaytrends, pytrends, x, calendar)


def by_name() -> Mapping[str, TrendSource]:
    """Every registered source by its config name, in registry order."""
    return _index(REGISTRY)


def names() -> tuple[str, ...]:
    return tuple(by_name())


def network() -> tuple[str, ...]:
    """The sources a refresh fetches (the calendar is read from config instead)."""
    return tuple(name for name, source in by_name().items() if source.SOURCE.network)


def trust_order(name: str) -> tuple[int, str]:
    """Sort key of a source name: most dependable first, unknown names last."""
    source = by_name().get(name)
    return (source.SOURCE.trust if source else len(REGISTRY), name)


@cache
def _index(registry: tuple[TrendSource, ...]) -> Mapping[str, TrendSource]:
    return MappingProxyType({source.SOURCE.name: source for source in registry})
