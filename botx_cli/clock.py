"""The one clock: real time, or BOTX_NOW (ISO 8601 with offset) in tests and dry runs."""

from __future__ import annotations

import os
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from botx_cli.errors import UsageError

# BOTX_NOW must lie in this range: far enough from datetime's limits (years 1 and 9999) that
# every time botx computes from it (a ten-year pause, a 3,650-day report) stays representable
# and reads back from the database.
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2999, 12, 31, tzinfo=timezone.utc)


def now() -> datetime:
    """Current time as an aware UTC datetime, honouring BOTX_NOW."""
    raw = os.environ.get("BOTX_NOW", "").strip()
    if not raw:
        return datetime.now(timezone.utc)
    shown = repr(raw) if len(raw) <= 60 else repr(raw[:59] + "…")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"BOTX_NOW={shown} is not ISO 8601 (e.g. 2026-11-23T09:00:00+01:00)") from None
    if value.tzinfo is None:
        raise UsageError(f"BOTX_NOW={shown} needs a UTC offset (e.g. +01:00 or Z)")
    try:
        value = value.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before year 1 in UTC
        value = datetime.min.replace(tzinfo=timezone.utc)
    if not EARLIEST <= value <= LATEST:
        raise UsageError(
            f"BOTX_NOW={shown} is outside {EARLIEST.year}-{LATEST.year}; set a time botx can compute and store from"
        )
    return value


def iso(moment: datetime) -> str:
    """Stored form of a moment: UTC, second precision, sortable as text (always four-digit years:
    strftime('%Y') writes year 1 as '1', which nothing reads back)."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def month_bounds(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The local calendar month holding `now`: [first day 00:00, next month's first day 00:00)."""
    local = now.astimezone(tz).date()
    start = datetime.combine(local.replace(day=1), time(0)).replace(tzinfo=tz)
    nxt = (
        local.replace(year=local.year + 1, month=1, day=1)
        if local.month == 12
        else local.replace(month=local.month + 1, day=1)
    )
    return start, datetime.combine(nxt, time(0)).replace(tzinfo=tz)
