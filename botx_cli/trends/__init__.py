"""Trend candidates: sources (sources/: one module per source, the registry, fetching), cleaning, safety,
relevance, occasions, scoring, the circuit breaker, the refresh, the cache (its tables are
store/trends.py), listing and the model judge.

May import: kernel, config, store, schedule, x, llm, notify.

Importing this package stays cheap (stdlib only): `botx post` with a warm cache
comes through here, so bs4 is imported only inside the HTML parsers that use it. Each
source's parser is its module's `parse` (sources/google_rss.py, ...).
"""

from __future__ import annotations

from botx_cli.errors import ParseError
from botx_cli.trends.blacklist import DEFAULT_BLACKLIST
from botx_cli.trends.clean import (
    CleanResult,
    CleanRules,
    Trend,
    clean_trends,
    to_hashtag,
)
from botx_cli.trends.sources.base import RawTrend
from botx_cli.trends.sources.parsing import parse_volume

__all__ = [
    "DEFAULT_BLACKLIST",
    "CleanResult",
    "CleanRules",
    "ParseError",
    "RawTrend",
    "Trend",
    "clean_trends",
    "parse_volume",
    "to_hashtag",
]
