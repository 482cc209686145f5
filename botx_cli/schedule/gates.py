"""Whether this run may post: a pure function of (now, schedule, account state).

Every "no" carries a short reason that is recorded and shown in --json and -v.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from botx_cli.config.core import Schedule
from botx_cli.schedule.slots import Slot, current_slot, window_open_at


@dataclass(frozen=True)
class AccountState:
    paused_until: datetime | None
    posts_today: int
    last_post_at: datetime | None
    slot_taken: bool
    blocked_until: datetime | None  # rate limit or 24-hour cap from X's headers, or credits exhausted
    blocked_kind: str | None = None  # window | user_24h | app_24h | credits
    spend_month_usd: float = 0.0  # api_calls cost, month to date in the config timezone, all accounts
    budget_usd: float = 0.0  # [costs] monthly_budget_usd; 0 = no budget
    next_post_usd: float = 0.0  # what the post this run would make costs
    enabled: bool = True  # [accounts.NAME] enabled
    blocked_note: str | None = None  # why the stored block is not X's own reset (capped, credits)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None
    slot: Slot | None
    detail: str = ""


def decide(
    now: datetime,
    schedule: Schedule,
    tz: ZoneInfo,
    account_index: int,
    state: AccountState,
    force: bool = False,
    manual: bool = False,
) -> Decision:
    """The gates in order. --force skips window, cap, slot and gap; never a disabled account,
    pause, limits, credits or budget. A manual post (--text) is not a scheduled one: it skips
    window and slot, keeps cap and gap."""
    slot = current_slot(now, schedule, tz, account_index)
    if not state.enabled:
        return Decision(False, "disabled", slot, "enabled = false in its [accounts] table")
    if state.paused_until and state.paused_until > now:
        until = "until resumed" if state.paused_until.year >= 9999 else f"until {state.paused_until.isoformat()}"
        return Decision(False, "paused", slot, until)
    if state.blocked_until and state.blocked_until > now:
        return _blocked(state, slot)
    if over_budget(state):
        return Decision(
            False,
            "budget",
            slot,
            f"${state.spend_month_usd:.2f} spent of ${state.budget_usd:.2f} "
            f"this month; the next post costs ${state.next_post_usd:.3f}",
        )
    if force:
        return Decision(True, None, None, "forced")
    if manual:
        return _cap_and_gap(now, schedule, tz, state, None) or Decision(True, None, None, "manual")
    if slot is None:
        inside = window_open_at(now, schedule, tz) is not None
        return Decision(False, "not_slot" if inside else "outside_window", None)
    if state.slot_taken:
        return Decision(False, "slot_taken", slot, f"slot {slot.key} already posted")
    return _cap_and_gap(now, schedule, tz, state, slot) or Decision(True, None, slot)


def _blocked(state: AccountState, slot: Slot | None) -> Decision:
    until = state.blocked_until.isoformat() if state.blocked_until else "?"
    if state.blocked_kind == "credits":
        return Decision(
            False,
            "credits",
            slot,
            f"X's pay-per-use credits ran out ({state.blocked_note or 'HTTP 402'}); "
            f"trying again after {until} ([x] credits_retry_minutes; `botx resume` tries at the next slot)",
        )
    note = f" ({state.blocked_note})" if state.blocked_note else ""
    return Decision(False, "rate_limited", slot, f"{state.blocked_kind} resets {until}{note}")


def _cap_and_gap(
    now: datetime, schedule: Schedule, tz: ZoneInfo, state: AccountState, slot: Slot | None
) -> Decision | None:
    if state.posts_today >= schedule.daily_cap:
        return Decision(False, "daily_cap", slot, f"{state.posts_today}/{schedule.daily_cap} today")
    if state.last_post_at and since_last(now, state.last_post_at, tz) < timedelta(minutes=schedule.min_gap_minutes):
        return Decision(False, "gap", slot, f"last post {state.last_post_at.isoformat()}")
    return None


def since_last(now: datetime, last: datetime, tz: ZoneInfo) -> timedelta:
    """Time since the last post, as the longer of real time and local wall-clock time. Slots are
    wall-clock times: on the spring-forward night 01:30 and 03:00 are 30 real minutes apart, and
    the gap must not eat the 03:00 slot (on the fall-back night real time is the longer one)."""
    wall = now.astimezone(tz).replace(tzinfo=None) - last.astimezone(tz).replace(tzinfo=None)
    return max(now - last, wall)


def over_budget(state: AccountState) -> bool:
    """The next post would take month-to-date spend past a set budget."""
    return state.budget_usd > 0 and state.spend_month_usd + state.next_post_usd > state.budget_usd + 1e-9
