"""Gates and slots: pure functions of (now, schedule, state)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from botx_cli.config.core import Schedule
from botx_cli.schedule.gates import AccountState, decide
from botx_cli.schedule.slots import cron_fields, current_slot, local_midnight, next_slot, slot_minutes

PARIS = ZoneInfo("Europe/Paris")
DAY = Schedule(
    interval_minutes=90,
    offset_minutes=45,
    window_start=9 * 60,
    window_end=23 * 60 + 30,
    daily_cap=10,
    min_gap_minutes=45,
)
NIGHT = Schedule(90, 45, 20 * 60, 2 * 60, 10, 45)  # crosses midnight
FREE = AccountState(None, 0, None, False, None)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def state(**changes: object) -> AccountState:
    return AccountState(**{**FREE.__dict__, **changes})  # type: ignore[arg-type]


def test_slots_of_the_example_schedule() -> None:
    a = [f"{m // 60:02d}:{m % 60:02d}" for m in slot_minutes(DAY, 0)]
    b = [f"{m // 60:02d}:{m % 60:02d}" for m in slot_minutes(DAY, 1)]
    assert a == ["09:00", "10:30", "12:00", "13:30", "15:00", "16:30", "18:00", "19:30", "21:00", "22:30"]
    assert b == ["09:45", "11:15", "12:45", "14:15", "15:45", "17:15", "18:45", "20:15", "21:45", "23:15"]


def test_cron_fields_need_two_lines_for_90_minutes() -> None:
    assert cron_fields(DAY, 0) == [(0, [9, 12, 15, 18, 21]), (30, [10, 13, 16, 19, 22])]
    assert cron_fields(DAY, 1) == [(15, [11, 14, 17, 20, 23]), (45, [9, 12, 15, 18, 21])]


def test_on_slot_posts_and_misfire_in_same_slot_is_skipped() -> None:
    first = decide(at("2026-11-23T09:00:00+01:00"), DAY, PARIS, 0, FREE)
    assert first.allowed and first.slot and first.slot.key == "2026-11-23T09:00+0100"
    again = decide(at("2026-11-23T09:05:00+01:00"), DAY, PARIS, 0, state(slot_taken=True))
    assert (again.allowed, again.reason) == (False, "slot_taken")


def test_outside_window_and_before_first_slot() -> None:
    assert decide(at("2026-11-23T08:59:00+01:00"), DAY, PARIS, 0, FREE).reason == "outside_window"
    assert decide(at("2026-11-23T23:31:00+01:00"), DAY, PARIS, 0, FREE).reason == "outside_window"
    assert decide(at("2026-11-23T09:30:00+01:00"), DAY, PARIS, 1, FREE).reason == "not_slot"


def test_cap_gap_pause_and_rate_limit() -> None:
    now = at("2026-11-23T12:00:00+01:00")
    assert decide(now, DAY, PARIS, 0, state(posts_today=10)).reason == "daily_cap"
    assert decide(now, DAY, PARIS, 0, state(last_post_at=now - timedelta(minutes=20))).reason == "gap"
    assert decide(now, DAY, PARIS, 0, state(paused_until=now + timedelta(minutes=5))).reason == "paused"
    assert decide(now, DAY, PARIS, 0, state(paused_until=now - timedelta(minutes=5))).allowed
    limited = state(blocked_until=now + timedelta(hours=3), blocked_kind="user_24h")
    assert decide(now, DAY, PARIS, 0, limited).reason == "rate_limited"
    assert decide(now, DAY, PARIS, 0, limited, force=True).reason == "rate_limited"


def test_force_skips_window_cap_slot_and_gap_but_not_pause() -> None:
    night = at("2026-11-23T03:00:00+01:00")
    busy = state(posts_today=10, slot_taken=True, last_post_at=night - timedelta(minutes=1))
    assert decide(night, DAY, PARIS, 0, busy, force=True).allowed
    assert not decide(night, DAY, PARIS, 0, state(paused_until=night + timedelta(days=1)), force=True).allowed


def test_manual_skips_window_and_slot_keeps_cap() -> None:
    night = at("2026-11-23T03:00:00+01:00")
    assert decide(night, DAY, PARIS, 0, FREE, manual=True).allowed
    assert decide(night, DAY, PARIS, 0, state(posts_today=10), manual=True).reason == "daily_cap"


def test_window_crossing_midnight_belongs_to_the_day_it_opened() -> None:
    # slots 20:00, 21:30, 23:00, 00:30, 02:00: after midnight they still count for the 23rd's window
    slot = current_slot(at("2026-11-24T01:40:00+01:00"), NIGHT, PARIS, 0)
    assert slot and slot.key == "2026-11-24T00:30+0100" and slot.index == 3
    assert current_slot(at("2026-11-24T02:00:00+01:00"), NIGHT, PARIS, 0).index == 4  # type: ignore[union-attr]
    assert current_slot(at("2026-11-24T02:01:00+01:00"), NIGHT, PARIS, 0) is None
    assert current_slot(at("2026-11-23T20:10:00+01:00"), NIGHT, PARIS, 0).index == 0  # type: ignore[union-attr]


def test_daily_cap_resets_at_local_midnight_not_utc() -> None:
    now = at("2026-11-24T00:30:00+01:00")  # 23:30 UTC the day before
    assert local_midnight(now, PARIS) == datetime(2026, 11, 24, tzinfo=PARIS)


def test_dst_days_keep_wall_clock_slots() -> None:
    for day in ("2026-03-29", "2026-10-25"):  # Paris springs forward / falls back
        slot = current_slot(at(f"{day}T09:00:00+00:00").replace(tzinfo=None).replace(tzinfo=PARIS), DAY, PARIS, 0)
        assert slot and slot.key.startswith(f"{day}T09:00")
        starts = [next_slot(at(f"{day}T00:00:00+00:00"), DAY, PARIS, 0)]
        for _ in range(9):
            starts.append(next_slot(starts[-1], DAY, PARIS, 0))
        assert [s.strftime("%H:%M") for s in starts][:3] == ["09:00", "10:30", "12:00"]


@settings(max_examples=200, deadline=None)
@given(
    interval=st.integers(5, 300),
    offset=st.integers(0, 120),
    start=st.integers(0, 1439),
    length=st.integers(30, 1439),
    index=st.integers(0, 3),
)
def test_cron_lines_cover_every_slot_exactly_once(
    interval: int, offset: int, start: int, length: int, index: int
) -> None:
    schedule = Schedule(interval, offset, start, (start + length) % 1440, 10, 0)
    covered = [(h, m) for m, hours in cron_fields(schedule, index) for h in hours]
    wanted = [((m // 60) % 24, m % 60) for m in slot_minutes(schedule, index)]
    assert sorted(covered) == sorted(set(wanted))


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(0, 3 * 24 * 60), index=st.integers(0, 2))
def test_current_slot_is_never_in_the_future_and_inside_the_window(minutes: int, index: int) -> None:
    now = at("2026-11-22T00:00:00+01:00") + timedelta(minutes=minutes)
    slot = current_slot(now, DAY, PARIS, index)
    if slot:
        assert slot.start <= now
        local = slot.start.astimezone(PARIS)
        assert 9 * 60 <= local.hour * 60 + local.minute <= 23 * 60 + 30
