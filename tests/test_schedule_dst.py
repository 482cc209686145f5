"""Daylight-saving nights (issue 10 item 6): no slot lost in the skipped hour, none doubled in
the repeated one, both from the computed slots and from cron's real fire times of `botx cron`'s
lines.

The cron model is Debian's (cron(8), "Special considerations exist when the clock is changed
by less than 3 hours"; cronie behaves alike): a job whose fixed time falls in the skipped hour
runs right after the change; a job whose time falls in the repeated hour runs once, not again.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from conftest import XWorld, botx, make_config

from botx_cli.config.core import Schedule
from botx_cli.schedule.slots import current_slot, existing, slot_minutes

# The 2026 changes: Europe/Paris 03-29 02:00->03:00 and 10-25 03:00->02:00;
# America/New_York 03-08 02:00->03:00 and 11-01 02:00->01:00.
DST_DAYS = [
    ("Europe/Paris", "2026-03-29"),
    ("Europe/Paris", "2026-10-25"),
    ("America/New_York", "2026-03-08"),
    ("America/New_York", "2026-11-01"),
]
# A night window holding the changed hour: A 00:00 01:30 03:00 04:30 06:00, B 00:45 02:15 03:45 05:15.
NIGHT = Schedule(
    interval_minutes=90, offset_minutes=45, window_start=0, window_end=6 * 60, daily_cap=10, min_gap_minutes=45
)
UTC = timezone.utc


def real_minutes(tz: ZoneInfo, day: str) -> list[datetime]:
    """Every minute that happens on this local day, in order, as aware local times."""
    start = datetime.fromisoformat(f"{day}T00:00").replace(tzinfo=tz).astimezone(UTC)
    out = []
    moment = start - timedelta(hours=3)
    while True:
        local = moment.astimezone(tz)
        if local.date().isoformat() > day:
            return out
        if local.date().isoformat() == day:
            out.append(local)
        moment += timedelta(minutes=1)


def nominal(day: str, minutes: int) -> datetime:
    return datetime.fromisoformat(day) + timedelta(minutes=minutes)


@pytest.mark.parametrize("zone, day", DST_DAYS)
def test_every_computed_slot_is_reachable_once_at_cron_time(zone: str, day: str) -> None:
    tz = ZoneInfo(zone)
    for account in (0, 1):
        expected = slot_minutes(NIGHT, account)
        seen: dict[str, datetime] = {}
        for local in real_minutes(tz, day):
            slot = current_slot(local.astimezone(UTC), NIGHT, tz, account)
            if slot is not None:
                seen.setdefault(slot.key, slot.start)
        assert len(seen) == len(expected), (zone, day, account, sorted(seen))
        for minutes, start in zip(expected, sorted(seen.values())):
            wall = nominal(day, minutes)
            exists = wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall
            local = start.astimezone(tz)
            if exists:  # the wall time, at its first occurrence
                assert local.replace(tzinfo=None) == wall and local.fold == 0, (zone, day, account, local)
            else:  # skipped by the clocks: the first minute after the change, when cron runs it
                assert local.replace(tzinfo=None) == wall.replace(hour=3, minute=0), (zone, day, account, local)


def test_existing_moves_a_skipped_time_to_the_first_real_minute_and_keeps_repeated_ones_first() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert existing(datetime(2026, 3, 29, 2, 15), paris).isoformat() == "2026-03-29T03:00:00+02:00"
    assert existing(datetime(2026, 10, 25, 2, 30), paris).isoformat() == "2026-10-25T02:30:00+02:00"
    assert existing(datetime(2026, 6, 1, 2, 15), paris).isoformat() == "2026-06-01T02:15:00+02:00"
    new_york = ZoneInfo("America/New_York")
    assert existing(datetime(2026, 3, 8, 2, 59), new_york).isoformat() == "2026-03-08T03:00:00-04:00"


def cron_fire_times(lines: list[tuple[int, list[int], str]], tz: ZoneInfo, day: str) -> list[tuple[datetime, str]]:
    """When Debian's cron runs each fixed-time line on this local day (see the module doc)."""
    fires: list[tuple[datetime, str]] = []
    previous: datetime | None = None
    done_walls: set[tuple[int, int, str]] = set()
    for local in real_minutes(tz, day):
        walls = [(local.hour, local.minute)]
        if previous is not None and local.replace(tzinfo=None) - previous.replace(tzinfo=None) > timedelta(minutes=1):
            gap = previous.replace(tzinfo=None) + timedelta(minutes=1)  # the skipped wall minutes run now
            while gap < local.replace(tzinfo=None):
                walls.append((gap.hour, gap.minute))
                gap += timedelta(minutes=1)
        for minute, hours, account in lines:
            for hour, wall_minute in walls:
                key = (hour, wall_minute, account)
                if wall_minute == minute and hour in hours and key not in done_walls:
                    done_walls.add(key)  # a repeated wall minute does not run again
                    fires.append((local, account))
        previous = local
    return fires


def printed_lines(world: XWorld) -> list[tuple[int, list[int], str]]:
    run = botx("cron")
    assert run.code == 0, run.err
    out = []
    for line in run.out.splitlines():
        if " post --account " in line and not line.startswith("#"):
            minute, hours, *_ = line.split()
            out.append((int(minute), [int(h) for h in hours.split(",")], line.split("--account ")[1].split()[0]))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("zone, day", DST_DAYS)
def test_the_printed_cron_lines_post_every_slot_on_dst_nights(xworld: XWorld, tmp_path, zone: str, day: str) -> None:
    text = xworld.config.read_text().replace('timezone = "Europe/Paris"', f'timezone = "{zone}"')
    make_config(tmp_path, text, window='"00:00-06:00"')
    tz = ZoneInfo(zone)
    fires = cron_fire_times(printed_lines(xworld), tz, day)
    for local, account in fires:
        xworld.at(local.isoformat())
        run = botx("post", "--account", account, "--quiet")
        assert run.code == 0 and run.out == "", (local, run.err)
    for account, username, count in (("A", "VOLTAGEGPU", 5), ("B", "Voltage_GPU", 4)):
        posted = xworld.fake.tweets_by(username)
        assert len(posted) == count, (zone, day, account, [t["created_at"] for t in posted])
    slots = xworld.rows("SELECT slot_key, COUNT(*) FROM attempts WHERE status = 'posted' GROUP BY account, slot_key")
    assert all(count == 1 for _key, count in slots) and len(slots) == 9
