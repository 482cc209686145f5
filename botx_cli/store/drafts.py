"""The drafts table: the review queue (posting/review.py decides what moves where)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from botx_cli.clock import iso
from botx_cli.store.facade import Store, marks

COLUMNS = (
    "id, account, status, text, hashtags, trend, trend_day, angle, offer, strategy, slot, weighted_length,"
    " checks, notes, reason, attempt_id, tweet_id, created_at, updated_at, approved_at"
)
_NEW = (
    "account",
    "text",
    "text_norm",
    "hashtags",
    "trend",
    "trend_day",
    "angle",
    "offer",
    "strategy",
    "slot",
    "weighted_length",
    "checks",
    "notes",
)


def rows(store: Store, account: str | None = None, status: str | None = None) -> list[tuple[Any, ...]]:
    """Drafts in queue order (oldest first), optionally of one account and/or one status."""
    sql, args = f"SELECT {COLUMNS} FROM drafts WHERE 1 = 1", list[Any]()
    if account:
        sql, args = sql + " AND account = ?", [*args, account]
    if status:
        sql, args = sql + " AND status = ?", [*args, status]
    return store.rows(sql + " ORDER BY id", *args)


def row(store: Store, draft_id: int) -> tuple[Any, ...] | None:
    return store.row(f"SELECT {COLUMNS} FROM drafts WHERE id = ?", draft_id)


def status(store: Store, draft_id: int) -> str | None:
    found: str | None = store.one("SELECT status FROM drafts WHERE id = ?", draft_id)
    return found


def add(store: Store, now: datetime, draft: dict[str, Any]) -> int:
    """A new pending draft (keys: _NEW); its id."""
    return store.insert(
        f"INSERT INTO drafts ({', '.join(_NEW)}, status, created_at, updated_at)"
        f" VALUES ({marks(_NEW)}, 'pending', ?, ?)",
        *(draft[key] for key in _NEW),
        iso(now),
        iso(now),
    )


def queued(store: Store, statuses: Sequence[str]) -> list[tuple[Any, ...]]:
    """(account, text, text_norm, hashtags, trend, angle) of drafts in these statuses, newest first."""
    return store.rows(
        f"SELECT account, text, text_norm, hashtags, trend, angle FROM drafts WHERE status IN ({marks(statuses)})"
        " ORDER BY id DESC",
        *statuses,
    )


def update(store: Store, draft_id: int, expected: str, now: datetime, **fields: Any) -> bool:
    """Change a draft still in the `expected` status; False when another run changed it first."""
    fields["updated_at"] = iso(now)
    columns = ", ".join(f"{name} = ?" for name in fields)
    return bool(
        store.run(f"UPDATE drafts SET {columns} WHERE id = ? AND status = ?", *fields.values(), draft_id, expected)
    )


def bound(store: Store, account: str | None = None) -> list[tuple[Any, ...]]:
    """(draft id, draft status, attempt status, tweet_id, error_kind) of drafts bound to an
    attempt whose outcome they still follow ('sending', 'unknown')."""
    sql = (
        "SELECT d.id, d.status, a.status, a.tweet_id, a.error_kind FROM drafts d"
        " JOIN attempts a ON a.id = d.attempt_id WHERE d.status IN ('sending', 'unknown')"
    )
    return store.rows(sql + (" AND d.account = ?" if account else ""), *((account,) if account else ()))
