"""Whether this run may post: a pure function of (now, schedule, account state).

Every "no" carries a short reason that is recorded and shown in --json and -v.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from botx_cli.config import Schedule
from botx_cli.schedule import Slot, current_slot, window_open_at


@dataclass(frozen=True)
class AccountState:
    paused_until: datetime | None
    posts_today: int
    last_post_at: datetime | None
    slot_taken: bool
    blocked_until: datetime | None  # rate limit or 24-hour cap, from X's headers
    blocked_kind: str | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None
    slot: Slot | None
    detail: str = ""


def decide(now: datetime, schedule: Schedule, tz: ZoneInfo, account_index: int, state: AccountState,
           force: bool = False, manual: bool = False) -> Decision:
    """The gates in order. --force skips window, cap, slot and gap; never pause or limits.
    A manual post (--text) is not a scheduled one: it skips window and slot, keeps cap and gap."""
    slot = current_slot(now, schedule, tz, account_index)
    if state.paused_until and state.paused_until > now:
        until = "until resumed" if state.paused_until.year >= 9999 else f"until {state.paused_until.isoformat()}"
        return Decision(False, "paused", slot, until)
    if state.blocked_until and state.blocked_until > now:
        return Decision(False, "rate_limited", slot, f"{state.blocked_kind} resets {state.blocked_until.isoformat()}")
    if force:
        return Decision(True, None, None, "forced")
    if manual:
        return _cap_and_gap(now, schedule, state, None) or Decision(True, None, None, "manual")
    if slot is None:
        inside = window_open_at(now, schedule, tz) is not None
        return Decision(False, "not_slot" if inside else "outside_window", None)
    if state.slot_taken:
        return Decision(False, "slot_taken", slot, f"slot {slot.key} already posted")
    return _cap_and_gap(now, schedule, state, slot) or Decision(True, None, slot)


def _cap_and_gap(now: datetime, schedule: Schedule, state: AccountState, slot: Slot | None) -> Decision | None:
    if state.posts_today >= schedule.daily_cap:
        return Decision(False, "daily_cap", slot, f"{state.posts_today}/{schedule.daily_cap} today")
    if state.last_post_at and now - state.last_post_at < timedelta(minutes=schedule.min_gap_minutes):
        return Decision(False, "gap", slot, f"last post {state.last_post_at.isoformat()}")
    return None

