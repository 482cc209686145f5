"""The trend cache: refresh bookkeeping, judged rows, what cleaning rejected.

Readers (drafting for `botx post`, `botx trends`) use the newest refresh that produced
trends, so a refresh whose sources were all down leaves the previous list in use until
it is older than max_age_hours. Each row carries what the judgement found at refresh time
(display name, headlines, matched terms, reason, the model's verdict); `usable` decides from
it whether the policy lets posts use the trend. The tables' queries are store/trends.py's
(re-exported here). Stdlib only: `botx post` reads through here.
"""

from __future__ import annotations

from botx_cli.store.trends import (
    REFRESH_ROWS_KEPT,
    CachedTrend,
    cached_trends,
    claim_refresh,
    finish_refresh,
    is_fresh,
    is_stale,
    last_refresh,
    newest_refresh_id,
    rejects_of,
    save,
    save_verdicts,
    verdicts,
)

__all__ = [
    "REFRESH_ROWS_KEPT",
    "CachedTrend",
    "cached_trends",
    "claim_refresh",
    "cron_line",
    "finish_refresh",
    "is_fresh",
    "is_stale",
    "last_refresh",
    "newest_refresh_id",
    "rejects_of",
    "save",
    "save_verdicts",
    "usable",
    "verdicts",
]


def usable(trend: CachedTrend, policy: str, min_relevance: float) -> bool:
    """Whether the policy lets a post ride this trend. Unsafe trends never reach the cache.
    Under "relevant" the rules decide (relevance above min_relevance); a model that judged it
    may veto it, or confirm one the rules found some evidence for (never one with none)."""
    if policy != "relevant":
        return policy == "any"
    related = (trend.llm or {}).get("related")
    if related is False:
        return False
    return trend.relevance > min_relevance or (related is True and trend.relevance > 0)


def cron_line(cache_minutes: int, command: str) -> str:
    """A crontab line that refreshes trends two minutes before each cache period, so posts
    find it warm and never race it on their own minute. Cron steps divide the hour or the
    day, hence rounding the period down to the nearest step that does."""
    if cache_minutes < 60:
        step = max(d for d in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) if d <= cache_minutes)
        first = (step - 2) % step
        when = f"{first}-59/{step} * * * *" if step > 2 else f"*/{step} * * * *"
    else:
        hours = max(h for h in (1, 2, 3, 4, 6, 8, 12, 24) if h * 60 <= cache_minutes)
        when = {1: "58 * * * *", 24: "58 23 * * *"}.get(hours, f"58 {hours - 1}-23/{hours} * * *")
    return f"{when} {command} trends --refresh --quiet"
