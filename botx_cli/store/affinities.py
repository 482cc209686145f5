"""The affinities table: TF-IDF scores of plans and trends against the domain hashtags, by
config hash, and the claim row that lets one cold run compute them (trends/affinity.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from botx_cli.clock import iso
from botx_cli.store.facade import Store

_UPSERT = (
    "INSERT INTO affinities (config_hash, kind, key, domain_tag, score, computed_at) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(config_hash, kind, key, domain_tag) DO UPDATE SET score = excluded.score,"
    " computed_at = excluded.computed_at"
)


def replace_rows(
    store: Store, digest: str, kind: str, rows: Iterable[tuple[str, str, float]], now: datetime, drop: tuple[str, Any]
) -> None:
    """Store one kind's rows after dropping dead ones: drop = ("config", digest) removes that
    kind's rows of other configs, ("before", iso) its rows computed before then."""
    with store.write():
        how, value = drop
        if how == "config":
            store.run("DELETE FROM affinities WHERE kind = ? AND config_hash != ?", kind, value)
        else:
            store.run("DELETE FROM affinities WHERE kind = ? AND computed_at < ?", kind, value)
        store.many(_UPSERT, [(digest, kind, key, tag, score, iso(now)) for key, tag, score in rows])


def scores(store: Store, digest: str, kinds: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """(kind, key, domain_tag, score) of this config."""
    return store.rows(
        f"SELECT kind, key, domain_tag, score FROM affinities WHERE config_hash = ? AND kind IN ({','.join('?' * len(kinds))})",
        digest,
        *kinds,
    )


def claim(store: Store, digest: str, kind: str, now: datetime, stale_before: datetime) -> bool:
    """Take the compute claim unless a run took it after `stale_before`."""
    with store.write():
        held = store.one("SELECT computed_at FROM affinities WHERE config_hash = ? AND kind = ?", digest, kind)
        if held and held >= iso(stale_before):
            return False
        store.run(_UPSERT, digest, kind, "", "", 0, iso(now))
    return True


def release(store: Store, digest: str, kind: str) -> None:
    store.run("DELETE FROM affinities WHERE config_hash = ? AND kind = ?", digest, kind)
