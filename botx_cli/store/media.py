"""The media table: each generated image's fate (content/images.py decides when one is due)."""

from __future__ import annotations

from datetime import datetime

from botx_cli.clock import iso
from botx_cli.store.facade import COUNTS_AS_POST, Store, marks


def posts_since_last_image(store: Store, account: str) -> int | None:
    """Posts of the account since its last post that carried an image; None: none ever did."""
    last = store.one(
        "SELECT MAX(a.created_at) FROM media m JOIN attempts a ON a.id = m.attempt_id"
        " WHERE m.account = ? AND m.status = 'attached'",
        account,
    )
    if last is None:
        return None
    return int(
        store.one(
            f"SELECT COUNT(*) FROM attempts WHERE account = ? AND created_at > ? AND status IN ({marks(COUNTS_AS_POST)})",
            account,
            last,
            *COUNTS_AS_POST,
        )
    )


def mark_attached(store: Store, attempt_id: int, media_id: str) -> None:
    store.run("UPDATE media SET status = 'attached' WHERE attempt_id = ? AND media_id = ?", attempt_id, media_id)


def record(
    store: Store,
    attempt_id: int,
    account: str,
    now: datetime,
    status: str,
    stage: str,
    media_id: str | None,
    model: str,
    prompt: str | None,
    error: str | None,
) -> None:
    store.run(
        "INSERT INTO media (attempt_id, account, created_at, status, stage, media_id, model, prompt, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        attempt_id,
        account,
        iso(now),
        status,
        stage,
        media_id,
        model,
        prompt,
        error[:500] if error else None,
    )
