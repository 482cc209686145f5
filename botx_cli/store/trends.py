"""The trend cache's tables: refreshes, the judged trends, what cleaning rejected, the model's
verdicts, and each source's circuit breaker (trend_sources).

Readers (drafting for `botx post`, `botx trends`) use the newest refresh that produced trends;
trends/cache.py holds the policy (which trends a post may ride) and re-exports these.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botx_cli.clock import iso, parse_iso
from botx_cli.store.facade import Store, marks

REFRESH_ROWS_KEPT = 200  # a few days of refresh history at one refresh per 30 minutes


@dataclass(frozen=True)
class CachedTrend:
    name: str
    hashtag: str
    sources: tuple[str, ...]
    rank: int | None
    volume: int | None
    relevance: float
    score: float
    category: str
    published_at: str | None
    fetched_at: str
    display: str = ""  # the name as a source wrote it
    context: tuple[tuple[str, str, str], ...] = ()  # (title, snippet, publication) of each headline
    matched: tuple[str, ...] = ()  # the terms that made it relevant
    reason: str = ""  # why it is relevant or not
    llm: dict[str, Any] | None = None  # the model's verdict {"safe", "related", "why"}, when one judged it

    @property
    def headlines(self) -> tuple[str, ...]:
        return tuple(title for title, _snippet, _source in self.context)


def last_refresh(store: Store) -> dict[str, Any] | None:
    row = store.row(
        "SELECT id, started_at, finished_at, trigger, duration_ms, kept, rejected, sources_ok, sources_failed,"
        " sources_skipped, error, judge FROM trend_refreshes ORDER BY started_at DESC, id DESC LIMIT 1"
    )
    if row is None:
        return None
    keys = (
        "id",
        "started_at",
        "finished_at",
        "trigger",
        "duration_ms",
        "kept",
        "rejected",
        "sources_ok",
        "sources_failed",
        "sources_skipped",
        "error",
        "judge",
    )
    found = dict(zip(keys, row))
    for key in ("sources_ok", "sources_failed", "sources_skipped"):
        found[key] = json.loads(found[key] or "[]")
    return found


def is_stale(store: Store, now: datetime, cache_minutes: int) -> bool:
    """One indexed read: the whole cost of a warm cache on the post path."""
    return not is_fresh(store.one("SELECT MAX(started_at) FROM trend_refreshes"), now, cache_minutes)


def is_fresh(started_at: str | None, now: datetime, cache_minutes: int) -> bool:
    return started_at is not None and parse_iso(started_at) > now - timedelta(minutes=cache_minutes)


def claim_refresh(store: Store, now: datetime, cache_minutes: int, trigger: str, force: bool) -> int | None:
    """Start a refresh unless one started within cache_minutes (done or still running);
    decided under the write lock, so concurrent cron runs start one between them."""
    with store.write():
        last = store.one("SELECT MAX(started_at) FROM trend_refreshes")
        if not force and is_fresh(last, now, cache_minutes):
            return None
        return store.insert("INSERT INTO trend_refreshes (started_at, trigger) VALUES (?, ?)", iso(now), trigger)


def finish_refresh(
    store: Store,
    refresh_id: int,
    now: datetime,
    duration_ms: int,
    kept: int,
    rejected: int,
    outcome: dict[str, list[str]],
    error: str | None = None,
    judge: str | None = None,
) -> None:
    store.run(
        "UPDATE trend_refreshes SET finished_at = ?, duration_ms = ?, kept = ?, rejected = ?, sources_ok = ?,"
        " sources_failed = ?, sources_skipped = ?, error = ?, judge = ? WHERE id = ?",
        *(
            iso(now),
            duration_ms,
            kept,
            rejected,
            json.dumps(outcome.get("ok", [])),
            json.dumps(outcome.get("failed", [])),
            json.dumps(outcome.get("skipped", [])),
            error,
            judge,
            refresh_id,
        ),
    )


def save(
    store: Store,
    refresh_id: int,
    now: datetime,
    trends: Sequence[CachedTrend],
    rejects: Sequence[tuple[str, str, int | None, str]],
    keep_refreshes: int,
) -> None:
    """Store one refresh's trends and rejects, then prune all but the newest refreshes."""
    with store.write():
        store.many(
            "INSERT INTO trends (refresh_id, name, hashtag, sources, rank, volume, relevance, score, category,"
            " published_at, fetched_at, display, context, matched, reason, llm_verdict)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    refresh_id,
                    t.name,
                    t.hashtag,
                    json.dumps(list(t.sources)),
                    t.rank,
                    t.volume,
                    t.relevance,
                    t.score,
                    t.category,
                    t.published_at,
                    iso(now),
                    t.display,
                    json.dumps([list(h) for h in t.context]),
                    json.dumps(list(t.matched)),
                    t.reason,
                    json.dumps(t.llm) if t.llm is not None else None,
                )
                for t in trends
            ],
        )
        store.many(
            "INSERT INTO trend_rejects (refresh_id, name, source, rank, reason) VALUES (?, ?, ?, ?, ?)",
            [(refresh_id, *reject) for reject in rejects],
        )
        _prune(store, keep_refreshes)


def _prune(store: Store, keep: int) -> None:
    """Keep the newest `keep` refreshes that produced trends (and any refresh since), and
    at most REFRESH_ROWS_KEPT refresh rows, even while every source stays down."""
    oldest = store.one(
        "SELECT MIN(refresh_id) FROM (SELECT DISTINCT refresh_id FROM trends"
        " WHERE refresh_id IS NOT NULL ORDER BY refresh_id DESC LIMIT ?) AS kept",
        keep,
    )
    if oldest is not None:
        store.run("DELETE FROM trends WHERE refresh_id IS NULL OR refresh_id < ?", oldest)
        store.run("DELETE FROM trend_rejects WHERE refresh_id < ?", oldest)
        store.run("DELETE FROM trend_refreshes WHERE id < ?", oldest)
    store.run(
        "DELETE FROM trend_refreshes WHERE id <= (SELECT id FROM trend_refreshes ORDER BY id DESC LIMIT 1 OFFSET ?)",
        REFRESH_ROWS_KEPT,
    )
    store.run("DELETE FROM trend_rejects WHERE refresh_id NOT IN (SELECT id FROM trend_refreshes)")


def cached_trends(store: Store, now: datetime, max_age_hours: float | None, limit: int = 500) -> list[CachedTrend]:
    """The newest refresh's trends, best score first; none once older than max_age_hours."""
    since = iso(now - timedelta(hours=max_age_hours if max_age_hours is not None else 24 * 365))
    rows = store.rows(
        "SELECT name, hashtag, sources, rank, volume, relevance, score, category, published_at, fetched_at,"
        " display, context, matched, reason, llm_verdict"
        " FROM trends WHERE refresh_id = (SELECT MAX(refresh_id) FROM trends) AND fetched_at >= ?"
        " ORDER BY score DESC, relevance DESC, id LIMIT ?",
        since,
        limit,
    )
    return [
        CachedTrend(
            n,
            h,
            tuple(json.loads(s)),
            r,
            v,
            rel,
            sc,
            c,
            p,
            f,
            d or n,
            tuple(tuple(item) for item in json.loads(ctx or "[]")),
            tuple(json.loads(m or "[]")),
            why or "",
            json.loads(llm) if llm else None,
        )
        for n, h, s, r, v, rel, sc, c, p, f, d, ctx, m, why, llm in rows
    ]


def verdicts(store: Store, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The model verdicts stored under these keys (llm_judge.verdict_key)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        rows = store.rows(f"SELECT key, verdict FROM trend_verdicts WHERE key IN ({marks(chunk)})", *chunk)
        found.update((key, json.loads(verdict)) for key, verdict in rows)
    return found


def save_verdicts(store: Store, now: datetime, found: dict[str, dict[str, Any]], keep_hours: float = 48) -> None:
    with store.write():
        store.many(
            "INSERT INTO trend_verdicts (key, verdict, judged_at) VALUES (?, ?, ?) ON CONFLICT(key)"
            " DO UPDATE SET verdict = excluded.verdict, judged_at = excluded.judged_at",
            [(key, json.dumps(verdict), iso(now)) for key, verdict in found.items()],
        )
        store.run("DELETE FROM trend_verdicts WHERE judged_at < ?", iso(now - timedelta(hours=keep_hours)))


def newest_refresh_id(store: Store) -> int | None:
    """The refresh whose trends readers use, else the newest refresh at all."""
    found: int | None = store.one("SELECT MAX(refresh_id) FROM trends") or store.one(
        "SELECT MAX(id) FROM trend_refreshes"
    )
    return found


def rejects_of(store: Store, refresh_id: int | None) -> list[tuple[str, str, int | None, str]]:
    """(name, source, rank, reason) of what cleaning dropped in that refresh."""
    rows = store.rows(
        "SELECT name, source, rank, reason FROM trend_rejects WHERE refresh_id = ? ORDER BY id", refresh_id
    )
    return [(name, source, rank, reason) for name, source, rank, reason in rows]


# -- trend_sources: each source's circuit breaker (trends/breaker.py decides) ----------------
def source_rows(store: Store) -> list[tuple[Any, ...]]:
    return store.rows(
        "SELECT source, last_ok_at, last_error, last_error_at, failures, open_until, last_count,"
        " last_duration_ms FROM trend_sources"
    )


def source_ok(store: Store, source: str, now: datetime, count: int, duration_ms: int) -> None:
    store.run(
        "INSERT INTO trend_sources (source, last_ok_at, failures, open_until, last_count, last_duration_ms)"
        " VALUES (?, ?, 0, NULL, ?, ?) ON CONFLICT(source) DO UPDATE SET last_ok_at = excluded.last_ok_at,"
        " failures = 0, open_until = NULL, last_count = excluded.last_count,"
        " last_duration_ms = excluded.last_duration_ms",
        source,
        iso(now),
        count,
        duration_ms,
    )


def source_failures(store: Store, source: str) -> int:
    """Failures in a row so far (read inside the caller's write, with source_failed)."""
    return int(store.one("SELECT failures FROM trend_sources WHERE source = ?", source) or 0)


def source_failed(
    store: Store, source: str, now: datetime, error: str, failures: int, until: datetime, duration_ms: int
) -> None:
    store.run(
        "INSERT INTO trend_sources (source, last_error, last_error_at, failures, open_until, last_count,"
        " last_duration_ms) VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT(source) DO UPDATE SET"
        " last_error = excluded.last_error, last_error_at = excluded.last_error_at,"
        " failures = excluded.failures, open_until = excluded.open_until, last_count = 0,"
        " last_duration_ms = excluded.last_duration_ms",
        source,
        error[:300],
        iso(now),
        failures,
        iso(until),
        duration_ms,
    )
