"""The trend cache in SQLite: refresh bookkeeping, judged rows, what cleaning rejected.

Readers (drafting for `botx post`, `botx trends`) use the newest refresh that produced
trends, so a refresh whose sources were all down leaves the previous list in use until
it is older than max_age_hours. Each row carries what the judgement found at refresh time
(display name, headlines, matched terms, reason, the model's verdict); `usable` decides from
it whether the policy lets posts use the trend. Stdlib only: `botx post` reads through here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botx_cli.clock import iso, parse_iso
from botx_cli.store import Store

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


def last_refresh(store: Store) -> dict[str, Any] | None:
    row = store.conn.execute(
        "SELECT id, started_at, finished_at, trigger, duration_ms, kept, rejected, sources_ok, sources_failed,"
        " sources_skipped, error, judge FROM trend_refreshes ORDER BY started_at DESC, id DESC LIMIT 1"
    ).fetchone()
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


def is_fresh(started_at: str | None, now: datetime, cache_minutes: int) -> bool:
    return started_at is not None and parse_iso(started_at) > now - timedelta(minutes=cache_minutes)


def is_stale(store: Store, now: datetime, cache_minutes: int) -> bool:
    """One indexed read: the whole cost of a warm cache on the post path."""
    return not is_fresh(store.one("SELECT MAX(started_at) FROM trend_refreshes"), now, cache_minutes)


def claim_refresh(store: Store, now: datetime, cache_minutes: int, trigger: str, force: bool) -> int | None:
    """Start a refresh unless one started within cache_minutes (done or still running);
    decided under the write lock, so concurrent cron runs start one between them."""
    with store.write() as conn:
        last = conn.execute("SELECT MAX(started_at) FROM trend_refreshes").fetchone()[0]
        if not force and is_fresh(last, now, cache_minutes):
            return None
        cur = conn.execute("INSERT INTO trend_refreshes (started_at, trigger) VALUES (?, ?)", (iso(now), trigger))
        return cur.lastrowid


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
    with store.write() as conn:
        conn.execute(
            "UPDATE trend_refreshes SET finished_at = ?, duration_ms = ?, kept = ?, rejected = ?, sources_ok = ?,"
            " sources_failed = ?, sources_skipped = ?, error = ?, judge = ? WHERE id = ?",
            (
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
    with store.write() as conn:
        conn.executemany(
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
        conn.executemany(
            "INSERT INTO trend_rejects (refresh_id, name, source, rank, reason) VALUES (?, ?, ?, ?, ?)",
            [(refresh_id, *reject) for reject in rejects],
        )
        _prune(conn, keep_refreshes)


def _prune(conn: Any, keep: int) -> None:
    """Keep the newest `keep` refreshes that produced trends (and any refresh since), and
    at most REFRESH_ROWS_KEPT refresh rows, even while every source stays down."""
    row = conn.execute(
        "SELECT MIN(refresh_id) FROM (SELECT DISTINCT refresh_id FROM trends"
        " WHERE refresh_id IS NOT NULL ORDER BY refresh_id DESC LIMIT ?)",
        (keep,),
    ).fetchone()
    if row[0] is not None:
        conn.execute("DELETE FROM trends WHERE refresh_id IS NULL OR refresh_id < ?", (row[0],))
        conn.execute("DELETE FROM trend_rejects WHERE refresh_id < ?", (row[0],))
        conn.execute("DELETE FROM trend_refreshes WHERE id < ?", (row[0],))
    conn.execute(
        "DELETE FROM trend_refreshes WHERE id <= (SELECT id FROM trend_refreshes ORDER BY id DESC LIMIT 1 OFFSET ?)",
        (REFRESH_ROWS_KEPT,),
    )
    conn.execute("DELETE FROM trend_rejects WHERE refresh_id NOT IN (SELECT id FROM trend_refreshes)")


def cached_trends(store: Store, now: datetime, max_age_hours: float | None, limit: int = 500) -> list[CachedTrend]:
    """The newest refresh's trends, best score first; none once older than max_age_hours."""
    since = iso(now - timedelta(hours=max_age_hours if max_age_hours is not None else 24 * 365))
    rows = store.conn.execute(
        "SELECT name, hashtag, sources, rank, volume, relevance, score, category, published_at, fetched_at,"
        " display, context, matched, reason, llm_verdict"
        " FROM trends WHERE refresh_id = (SELECT MAX(refresh_id) FROM trends) AND fetched_at >= ?"
        " ORDER BY score DESC, relevance DESC, id LIMIT ?",
        (since, limit),
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
        rows = store.conn.execute(
            f"SELECT key, verdict FROM trend_verdicts WHERE key IN ({','.join('?' * len(chunk))})", chunk
        )
        found.update((key, json.loads(verdict)) for key, verdict in rows)
    return found


def save_verdicts(store: Store, now: datetime, found: dict[str, dict[str, Any]], keep_hours: float = 48) -> None:
    with store.write() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO trend_verdicts (key, verdict, judged_at) VALUES (?, ?, ?)",
            [(key, json.dumps(verdict), iso(now)) for key, verdict in found.items()],
        )
        conn.execute("DELETE FROM trend_verdicts WHERE judged_at < ?", (iso(now - timedelta(hours=keep_hours)),))


def newest_refresh_id(store: Store) -> int | None:
    """The refresh whose trends readers use, else the newest refresh at all."""
    found: int | None = store.one("SELECT MAX(refresh_id) FROM trends") or store.one(
        "SELECT MAX(id) FROM trend_refreshes"
    )
    return found


def rejects_of(store: Store, refresh_id: int | None) -> list[tuple[str, str, int | None, str]]:
    """(name, source, rank, reason) of what cleaning dropped in that refresh."""
    rows = store.conn.execute(
        "SELECT name, source, rank, reason FROM trend_rejects WHERE refresh_id = ? ORDER BY id", (refresh_id,)
    )
    return [(name, source, rank, reason) for name, source, rank, reason in rows]


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
