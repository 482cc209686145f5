"""The alerts table: one row per (kind, key), claimed before a webhook is called so concurrent
runs send an alert once (notify/alerts.py decides when)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from botx_cli.clock import iso
from botx_cli.store.facade import Store


def claim(store: Store, kind: str, key: str, text: str, now: datetime, too_soon: Callable[[str], bool]) -> bool:
    """Atomically take the right to send (kind, key) now; False (counted as suppressed) when
    too_soon(last_sent_at) says the last one is too recent."""
    with store.write():
        last = store.one("SELECT last_sent_at FROM alerts WHERE kind = ? AND key = ?", kind, key)
        if last is not None and too_soon(last):
            store.run("UPDATE alerts SET suppressed = suppressed + 1 WHERE kind = ? AND key = ?", kind, key)
            return False
        store.run(
            "INSERT INTO alerts (kind, key, last_sent_at, sent, message) VALUES (?, ?, ?, 1, ?)"
            " ON CONFLICT(kind, key) DO UPDATE SET last_sent_at = excluded.last_sent_at,"
            " sent = alerts.sent + 1, delivered = NULL, last_error = NULL, message = excluded.message",
            kind,
            key,
            iso(now),
            text,
        )
    return True


def delivered(store: Store, kind: str, key: str, error: str | None) -> None:
    store.run(
        "UPDATE alerts SET delivered = ?, last_error = ? WHERE kind = ? AND key = ?",
        0 if error else 1,
        error,
        kind,
        key,
    )


def last_post_statuses(store: Store, account: str, count: int) -> list[str]:
    """The statuses of the account's last `count` post runs, newest first."""
    rows = store.rows(
        "SELECT status FROM runs WHERE account = ? AND command = 'post' ORDER BY started_at DESC, id DESC LIMIT ?",
        account,
        count,
    )
    return [row[0] for row in rows]
