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
from botx_cli.store import trends as tables


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
    return {row[0]: SourceState(*row) for row in tables.source_rows(store)}


def cooloff(failures: int, base_minutes: float, max_minutes: float) -> timedelta:
    """failures in a row (>= 1) -> how long the source is skipped."""
    exponent = min(failures - 1, 30)  # 2**30 minutes is already past any cap
    return timedelta(minutes=min(base_minutes * 2**exponent, max_minutes))


def record_success(store: Store, source: str, now: datetime, count: int, duration_ms: int) -> None:
    tables.source_ok(store, source, now, count, duration_ms)


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
    with store.write():
        failures = tables.source_failures(store, source) + 1
        until = now + cooloff(failures, base_minutes, max_minutes)
        if retry_at is not None and now < retry_at <= now + timedelta(days=1):
            until = max(until, retry_at)
        tables.source_failed(store, source, now, error, failures, until, duration_ms)
    return iso(until)
