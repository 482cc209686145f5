"""Per-source circuit breaker, kept in SQLite (trend_sources): cron runs share no memory.

A failure opens the circuit for a cool-off that doubles with each failure in a row
(cooloff_minutes, 2x, 4x, ... capped at cooloff_max_minutes), or until the source's own
retry time (X's x-rate-limit-reset, Retry-After) when that is later. While open, the
source is skipped; the first refresh after the cool-off tries it once more (half-open):
success closes the circuit, failure opens it for longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from botx_cli.clock import iso, parse_iso
from botx_cli.store import Store


@dataclass(frozen=True)
class SourceState:
    source: str
    last_ok_at: str | None
    last_error: str | None
    last_error_at: str | None
    failures: int  # in a row
    open_until: str | None
    last_count: int | None
    last_duration_ms: int | None

    def is_open(self, now: datetime) -> bool:
        return self.open_until is not None and parse_iso(self.open_until) > now


def states(store: Store) -> dict[str, SourceState]:
    rows = store.conn.execute(
        "SELECT source, last_ok_at, last_error, last_error_at, failures, open_until, last_count,"
        " last_duration_ms FROM trend_sources"
    )
    return {row[0]: SourceState(*row) for row in rows}


def cooloff(failures: int, base_minutes: float, max_minutes: float) -> timedelta:
    """failures in a row (>= 1) -> how long the source is skipped."""
    exponent = min(failures - 1, 30)  # 2**30 minutes is already past any cap
    return timedelta(minutes=min(base_minutes * 2**exponent, max_minutes))


def record_success(store: Store, source: str, now: datetime, count: int, duration_ms: int) -> None:
    with store.write() as conn:
        conn.execute(
            "INSERT INTO trend_sources (source, last_ok_at, failures, open_until, last_count, last_duration_ms)"
            " VALUES (?, ?, 0, NULL, ?, ?) ON CONFLICT(source) DO UPDATE SET last_ok_at = excluded.last_ok_at,"
            " failures = 0, open_until = NULL, last_count = excluded.last_count,"
            " last_duration_ms = excluded.last_duration_ms",
            (source, iso(now), count, duration_ms),
        )


def record_failure(
    store: Store,
    source: str,
    now: datetime,
    error: str,
    duration_ms: int,
    base_minutes: float,
    max_minutes: float,
    retry_at: datetime | None = None,
) -> str:
    """Count the failure and open the circuit; returns the moment it closes again (ISO)."""
    with store.write() as conn:
        row = conn.execute("SELECT failures FROM trend_sources WHERE source = ?", (source,)).fetchone()
        failures = (row[0] if row else 0) + 1
        until = now + cooloff(failures, base_minutes, max_minutes)
        if retry_at is not None and now < retry_at <= now + timedelta(days=1):
            until = max(until, retry_at)
        conn.execute(
            "INSERT INTO trend_sources (source, last_error, last_error_at, failures, open_until, last_count,"
            " last_duration_ms) VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT(source) DO UPDATE SET"
            " last_error = excluded.last_error, last_error_at = excluded.last_error_at,"
            " failures = excluded.failures, open_until = excluded.open_until, last_count = 0,"
            " last_duration_ms = excluded.last_duration_ms",
            (source, error[:300], iso(now), failures, iso(until), duration_ms),
        )
    return iso(until)
