"""`botx trends`: the candidates in the order `post` would consider them, plus why not.

Order: trends the policy lets a post use (best score first), then today's occasions, then
the trends the policy leaves out. Each row says why (its reason) and what its source said
(its headlines); sources are named by their config NAME.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botx_cli.clock import iso, parse_iso
from botx_cli.config.core import Config
from botx_cli.store import Store
from botx_cli.trends import breaker, cache, sources
from botx_cli.trends.calendar import occasions_today
from botx_cli.trends.refresh import RefreshReport, refresh, refresh_if_stale
from botx_cli.trends.settings import TrendSettings


@dataclass(frozen=True)
class Row(cache.CachedTrend):
    used: bool = False  # the policy lets `post` use it

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "hashtag": self.hashtag,
            "sources": list(self.sources),
            "rank": self.rank,
            "relevance": self.relevance,
            "fetched_at": self.fetched_at,
            "volume": self.volume,
            "score": self.score,
            "category": self.category,
            "published_at": self.published_at,
            "used": self.used,
            "reason": self.reason,
            "context": list(self.headlines),
            "display": self.display or self.name,
            "matched": list(self.matched),
            "kind": "occasion" if self.sources == ("calendar",) else "trend",
            "llm": self.llm,
        }


@dataclass(frozen=True)
class SourceLine:
    name: str
    enabled: bool
    state: breaker.SourceState | None


@dataclass(frozen=True)
class TrendsView:
    now: datetime
    policy: str
    min_relevance: float
    rows: list[Row]
    report: RefreshReport | None  # this run's refresh, if it made one
    last_refresh: dict[str, Any] | None
    sources: list[SourceLine] = field(default_factory=list)
    rejects: list[tuple[str, str, int | None, str]] = field(default_factory=list)

    def to_json(self, dropped: bool = False) -> list[dict[str, Any]]:
        """The candidates; with `dropped` (`trends --json -v`) also what the newest refresh's
        cleaning dropped, each with its reason ("dropped": true, no hashtag, never used)."""
        kept = [{**row.to_json(), "dropped": False} for row in self.rows]
        if not dropped:
            return kept
        return kept + [
            {
                "name": name,
                "hashtag": None,
                "sources": [source],
                "rank": rank,
                "relevance": None,
                "fetched_at": None,
                "used": False,
                "reason": reason,
                "context": [],
                "kind": "trend",
                "dropped": True,
            }
            for name, source, rank, reason in self.rejects
        ]


def run_trends(cfg: Config, store: Store, now: datetime, force: bool, limit: int) -> TrendsView:
    """Refresh (always with force, else only when stale), then list what the cache holds."""
    report = refresh(cfg, store, now) if force else refresh_if_stale(cfg, store, now, trigger="cli")
    conf = cfg.settings(TrendSettings)
    cached = [
        _row(t, cache.usable(t, conf.policy, conf.min_relevance))
        for t in cache.cached_trends(store, now, conf.rules.max_age_hours)
    ]
    rows = [r for r in cached if r.used] + _occasion_rows(cfg, now) + [r for r in cached if not r.used]
    states = breaker.states(store)
    source_lines = [
        SourceLine(spec.name, spec.enabled, states.get(spec.name))
        for spec in conf.sources.values()
        if spec.name in sources.network()
    ]
    return TrendsView(
        now,
        conf.policy,
        conf.min_relevance,
        rows[:limit],
        report,
        cache.last_refresh(store),
        source_lines,
        cache.rejects_of(store, cache.newest_refresh_id(store)),
    )


def _row(trend: cache.CachedTrend, used: bool) -> Row:
    return Row(**{**trend.__dict__, "used": used})


def _occasion_rows(cfg: Config, now: datetime) -> list[Row]:
    local = now.astimezone(cfg.timezone)
    rows = []
    for rank, occasion in enumerate(occasions_today(cfg, local), start=1):
        greeting = "a holiday: a greeting fits" if occasion.holiday else "not a holiday: no greeting"
        offer = f"; features {occasion.offer}" if occasion.offer else ""
        rows.append(
            Row(
                occasion.name,
                occasion.hashtag,
                ("calendar",),
                rank,
                None,
                0.0,
                0.0,
                "calendar",
                None,
                iso(now),
                occasion.name,
                reason=f"occasion of {local.date()} ({greeting}{offer})",
                used=True,
            )
        )
    return rows


def age(view: TrendsView, row: Row) -> str:
    """How old the trend is: since its source dated it, else since it was fetched."""
    seconds = max(0.0, (view.now - parse_iso(row.published_at or row.fetched_at)).total_seconds())
    return short_duration(seconds)


def short_duration(seconds: float) -> str:
    minutes = int(max(0.0, seconds) // 60)
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h" if minutes < 48 * 60 else f"{minutes // 1440}d"


def doctor_lines(cfg: Config, store: Store, now: datetime) -> list[tuple[str, str, str]]:
    """`botx doctor`: the cache's age and every network source that is failing."""
    conf = cfg.settings(TrendSettings)
    last = cache.last_refresh(store)
    if not conf.network():
        return [("info", "trends", "no network source enabled: calendar tags only")]
    if last is None:
        out = [
            (
                "warn",
                "trends cache",
                ("never refreshed; run `botx trends --refresh` and add the line `botx cron` prints"),
            )
        ]
    else:
        ago = short_duration((now - parse_iso(last["started_at"])).total_seconds())
        fresh = cache.is_fresh(last["started_at"], now, conf.cache_minutes)
        level = "ok" if fresh and last["sources_ok"] else "warn"
        answered = f"{len(last['sources_ok'])} of {len(conf.network())} sources answered"
        out = [(level, "trends cache", f"refreshed {ago} ago, {answered}")]
    states = breaker.states(store)
    for spec in conf.network():
        state, source = states.get(spec.name), sources.by_name()[spec.name].SOURCE
        if source.needs_env and not os.environ.get(source.needs_env, "").strip():
            out.append(
                ("warn", f"trend source {spec.name}", f"{source.needs_env} is not set: {source.reads} cannot be read")
            )
        elif state is not None and state.failures:
            until = f"skipped until {state.open_until}" if state.is_open(now) else "retried at the next refresh"
            problem = f"{state.failures} failure(s) in a row, {until}: {state.last_error}"
            out.append(("warn", f"trend source {spec.name}", problem))
    return out
