"""Read-only queries of the reports (`botx stats`, the month's spend, the experiments' arms):
rows grouped in SQL, shaped into report types by report/ and content/experiments.py.

`only` narrows a query to one account; ranges are [lo, hi) of ISO-8601 UTC text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botx_cli.clock import iso
from botx_cli.store.facade import Store

Rows = list[tuple[Any, ...]]


def _where(only: str | None, column: str) -> tuple[str, list[Any]]:
    return (f" AND {column} = ?", [only]) if only else ("", [])


def spent_since(store: Store, since: datetime) -> tuple[int, float]:
    """(calls, USD) recorded in api_calls since `since`, every account."""
    row = store.row("SELECT COUNT(*), COALESCE(SUM(cost_usd), 0) FROM api_calls WHERE at >= ?", iso(since))
    assert row is not None  # an aggregate always answers one row
    return int(row[0]), float(row[1])


def run_counts(store: Store, lo: str, hi: str, only: str | None) -> Rows:
    """(account, status, reason, count) of `post` runs started in [lo, hi) (one range of
    runs_started_cover: callers ask one local day at a time, small sorts instead of one big one)."""
    extra, args = _where(only, "account")
    return store.rows(
        "SELECT account, status, reason, COUNT(*) FROM runs WHERE started_at >= ? AND started_at < ?"
        f" AND command = 'post'{extra} GROUP BY account, status, reason",
        lo,
        hi,
        *args,
    )


def engagement(store: Store, lo: str, hi: str, only: str | None) -> Rows:
    """(account, measured, likes, impressions, engagements): the latest snapshot of each post of
    the period, from the covering index metrics_latest_post alone."""
    extra, args = _where(only, "account")
    return store.rows(
        "SELECT account, COUNT(*), SUM(likes), SUM(impressions), SUM(engagements) FROM metrics_latest"
        f" WHERE post_created_at >= ? AND post_created_at < ?{extra} GROUP BY account",
        lo,
        hi,
        *args,
    )


def spend(store: Store, lo: str, hi: str, only: str | None) -> Rows:
    """(account, calls, USD) of the period."""
    extra, args = _where(only, "account")
    return store.rows(
        "SELECT account, COUNT(*), COALESCE(SUM(cost_usd), 0) FROM api_calls"
        f" WHERE at >= ? AND at < ?{extra} GROUP BY account",
        lo,
        hi,
        *args,
    )


def post_limits(store: Store) -> Rows:
    """(account, endpoint, kind, limit, remaining, reset_at, note) of the post endpoint."""
    return store.rows(
        "SELECT account, endpoint, kind, lim, remaining, reset_at, note FROM rate_limits"
        " WHERE endpoint = 'POST /2/tweets' ORDER BY account, kind"
    )


def unknown_counts(store: Store, lo: str, hi: str, only: str | None) -> Rows:
    """(account, count) of the period's attempts still 'unknown'. One range of attempts_created_cover."""
    extra, args = _where(only, "account")
    return store.rows(
        "SELECT account, COUNT(*) FROM attempts WHERE created_at >= ? AND created_at < ?"
        f" AND status = 'unknown'{extra} GROUP BY account",
        lo,
        hi,
        *args,
    )


def content_groups(store: Store, lo: str, hi: str, only: str | None) -> Rows:
    """(angle, trend, hashtags JSON, posts, measured, impressions, engagements) of the period's
    posts, grouped by (angle, trend, hashtags): the JSON arrays are read once per group."""
    extra, args = _where(only, "a.account")
    return store.rows(
        "SELECT a.angle, a.trend, a.hashtags, COUNT(*), COUNT(m.tweet_id), COALESCE(SUM(m.impressions), 0),"
        " COALESCE(SUM(m.engagements), 0) FROM attempts a LEFT JOIN metrics_latest m ON m.tweet_id = a.tweet_id"
        f" WHERE a.created_at >= ? AND a.created_at < ? AND a.status = 'posted'{extra}"
        " GROUP BY a.angle, a.trend, a.hashtags",
        lo,
        hi,
        *args,
    )


def ranked_posts(store: Store, lo: str, hi: str, only: str | None, best_first: bool, limit: int) -> Rows:
    """(account, tweet_id, post_created_at, text, likes, impressions, engagements) of the best
    (or worst) posts by engagements per impression: ranked on the covering index
    metrics_latest_post, texts looked up for the few kept."""
    order = "DESC" if best_first else "ASC"
    extra, args = _where(only, "account")
    return store.rows(
        "SELECT top.account, top.tweet_id, top.post_created_at, COALESCE(a.text, ''), top.likes, top.impressions,"
        " top.engagements FROM (SELECT account, tweet_id, post_created_at, likes, impressions, engagements"
        " FROM metrics_latest WHERE post_created_at >= ? AND post_created_at < ? AND impressions > 0"
        f"{extra} ORDER BY CAST(engagements AS REAL) / impressions {order}, impressions DESC LIMIT ?) top"
        " LEFT JOIN attempts a ON a.tweet_id = top.tweet_id AND a.status = 'posted'"
        f" ORDER BY CAST(top.engagements AS REAL) / top.impressions {order}, top.impressions DESC",
        lo,
        hi,
        *args,
        limit,
    )


def arm_rows(store: Store, column: str, since: datetime) -> Rows:
    """(value, posts, measured, impressions, engagements, last used) per value of attempts.angle
    or attempts.variant (the experiments' arms)."""
    if column not in ("angle", "variant"):
        raise ValueError(column)
    return store.rows(
        f"SELECT a.{column}, COUNT(*), COUNT(m.tweet_id), COALESCE(SUM(m.impressions), 0),"
        " COALESCE(SUM(m.engagements), 0), MAX(a.created_at) FROM attempts a"
        " LEFT JOIN metrics_latest m ON m.tweet_id = a.tweet_id"
        f" WHERE a.created_at >= ? AND a.status = 'posted' AND a.{column} IS NOT NULL AND a.{column} != ''"
        f" GROUP BY a.{column}",
        iso(since),
    )
