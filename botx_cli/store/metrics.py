"""The metrics tables: metric_snapshots (the history of each post's counts) and metrics_latest
(the newest per post, what stats reads), and the reads they cost (api_calls.items)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botx_cli.clock import iso
from botx_cli.store.facade import Store


def items_read_since(store: Store, since: datetime) -> int:
    """Posts returned by reads since then (api_calls.items)."""
    return int(store.one("SELECT COALESCE(SUM(items), 0) FROM api_calls WHERE at >= ?", iso(since)))


def due_posts(store: Store, account: str, since: datetime) -> list[tuple[str, str]]:
    """(tweet_id, created_at) of posts since `since`: never measured first, then the stalest."""
    rows = store.rows(
        "SELECT a.tweet_id, a.created_at FROM attempts a LEFT JOIN metrics_latest m ON m.tweet_id = a.tweet_id"
        " WHERE a.account = ? AND a.created_at >= ? AND a.status = 'posted' AND a.tweet_id IS NOT NULL"
        " ORDER BY m.fetched_at IS NOT NULL, m.fetched_at, a.created_at DESC",
        account,
        iso(since),
    )
    return [(str(tid), created) for tid, created in rows]


def save_snapshots(
    store: Store, account: str, rows: list[dict[str, Any]], now: datetime, created: dict[str, str]
) -> None:
    """Append to the history and replace the latest row per post, in one transaction.
    `created`: tweet id -> attempts.created_at, kept on the latest row for stats' ranges."""
    if not rows:
        return
    at = iso(now)
    with store.write():
        store.many(
            "INSERT INTO metric_snapshots (tweet_id, account, fetched_at, source, impressions, likes, retweets,"
            " replies, quotes, bookmarks, url_clicks, profile_clicks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r["tweet_id"],
                    account,
                    at,
                    r["source"],
                    r["impressions"],
                    r["likes"],
                    r["retweets"],
                    r["replies"],
                    r["quotes"],
                    r["bookmarks"],
                    r["url_clicks"],
                    r["profile_clicks"],
                )
                for r in rows
            ],
        )
        store.many(
            "INSERT INTO metrics_latest (tweet_id, account, post_created_at, fetched_at, source,"
            " impressions, likes, engagements, url_clicks, profile_clicks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(tweet_id) DO UPDATE SET account = excluded.account,"
            " post_created_at = excluded.post_created_at, fetched_at = excluded.fetched_at,"
            " source = excluded.source, impressions = excluded.impressions, likes = excluded.likes,"
            " engagements = excluded.engagements, url_clicks = excluded.url_clicks,"
            " profile_clicks = excluded.profile_clicks",
            [
                (
                    r["tweet_id"],
                    account,
                    created[r["tweet_id"]],
                    at,
                    r["source"],
                    r["impressions"],
                    r["likes"],
                    r["engagements"],
                    r["url_clicks"],
                    r["profile_clicks"],
                )
                for r in rows
            ],
        )
