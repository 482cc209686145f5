"""The one clock: real time, or BOTX_NOW (ISO 8601 with offset) in tests and dry runs."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from botx_cli.errors import UsageError


def now() -> datetime:
    """Current time as an aware UTC datetime, honouring BOTX_NOW."""
    raw = os.environ.get("BOTX_NOW", "").strip()
    if not raw:
        return datetime.now(timezone.utc)
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"BOTX_NOW={raw!r} is not ISO 8601 (e.g. 2026-11-23T09:00:00+01:00)") from None
    if value.tzinfo is None:
        raise UsageError(f"BOTX_NOW={raw!r} needs a UTC offset (e.g. +01:00 or Z)")
    return value.astimezone(timezone.utc)


def iso(moment: datetime) -> str:
    """Stored form of a moment: UTC, second precision, sortable as text."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
