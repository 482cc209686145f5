"""Slots and crontab lines, pure functions of the [schedule] config.

Slots are wall-clock times, like cron's: account k posts at window start + k*offset +
n*interval (local time) while that stays inside the window. A window that crosses
midnight belongs to the local day it opened on. On daylight-saving nights a slot keeps
cron's behaviour: one in the skipped hour runs at the first minute after it, one in the
repeated hour runs once (`existing`).
"""

from __future__ import annotations

import math
import os
import shlex
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from botx_cli.config.core import Schedule

DAY = 24 * 60


@dataclass(frozen=True)
class Slot:
    key: str  # local wall time with offset, unique per account: "2026-11-23T09:00+01:00"
    start: datetime  # aware UTC
    index: int  # n-th slot of this window for this account


def window_length(schedule: Schedule) -> int:
    return (schedule.window_end - schedule.window_start) % DAY


def slot_minutes(schedule: Schedule, account_index: int) -> list[int]:
    """Minutes after the window day's midnight (may pass 1440 for windows crossing midnight)."""
    first = schedule.window_start + account_index * schedule.offset_minutes
    last = schedule.window_start + window_length(schedule)
    return list(range(first, last + 1, schedule.interval_minutes))


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    wall = datetime.combine(day + timedelta(days=minutes // DAY), time(minutes % DAY // 60, minutes % 60))
    return existing(wall, tz)


def existing(wall: datetime, tz: ZoneInfo) -> datetime:
    """A naive local time as the moment cron runs it. A time the clocks skip (spring forward:
    02:15 on a 02:00->03:00 night) moves to the first minute that exists after it, when cron runs
    the jobs of the skipped hour; a time that happens twice (fall back) is its first occurrence
    (fold 0), so its slot comes once."""
    moment = wall.replace(tzinfo=tz)
    if _exists(moment):
        return moment
    for minutes in range(1, DAY):  # a gap lasts an hour (30 minutes on Lord Howe Island)
        later = (wall + timedelta(minutes=minutes)).replace(tzinfo=tz)
        if _exists(later):
            return later
    return moment


def _exists(moment: datetime) -> bool:
    return moment.astimezone(timezone.utc).astimezone(moment.tzinfo).replace(tzinfo=None) == moment.replace(tzinfo=None)


def window_open_at(now: datetime, schedule: Schedule, tz: ZoneInfo) -> datetime | None:
    """Local opening time of the window that contains `now`, or None when outside it."""
    local_day = now.astimezone(tz).date()
    for day in (local_day, local_day - timedelta(days=1)):
        opens = _local(day, schedule.window_start, tz)
        closes = _local(day, schedule.window_start + window_length(schedule), tz)
        if opens <= now <= closes:
            return opens
    return None


def current_slot(now: datetime, schedule: Schedule, tz: ZoneInfo, account_index: int) -> Slot | None:
    """The latest slot of this account at or before `now` in the open window."""
    opens = window_open_at(now, schedule, tz)
    if opens is None:
        return None
    found = None
    for index, minutes in enumerate(slot_minutes(schedule, account_index)):
        start = _local(opens.date(), minutes, tz)
        if start > now:
            break
        found = Slot(slot_key(start), start.astimezone(timezone.utc), index)
    return found


def slot_key(local_start: datetime) -> str:
    """The key of the slot starting at this local time; post and preview seed with it."""
    return local_start.strftime("%Y-%m-%dT%H:%M%z")


def next_slot(now: datetime, schedule: Schedule, tz: ZoneInfo, account_index: int) -> datetime:
    """The next slot start strictly after `now` (local aware time)."""
    local_day = now.astimezone(tz).date()
    for offset in (-1, 0, 1, 2):
        day = local_day + timedelta(days=offset)
        for minutes in slot_minutes(schedule, account_index):
            start = _local(day, minutes, tz)
            if start > now:
                return start
    raise AssertionError("a schedule always has a slot within two days")


def local_midnight(now: datetime, tz: ZoneInfo) -> datetime:
    """Start of the local day: the daily cap resets here."""
    return existing(datetime.combine(now.astimezone(tz).date(), time(0)), tz)


def cron_fields(schedule: Schedule, account_index: int) -> list[tuple[int, list[int]]]:
    """(minute, hours) pairs covering every slot; a 90-minute cadence needs two lines."""
    by_minute: dict[int, set[int]] = {}
    for minutes in slot_minutes(schedule, account_index):
        by_minute.setdefault(minutes % 60, set()).add(minutes // 60 % 24)
    return sorted((minute, sorted(hours)) for minute, hours in by_minute.items())


def cron_all_fields(schedule: Schedule, account_indexes: list[int]) -> tuple[str, str]:
    """(minute, hour) fields of the one line that runs `post --all`: every gcd(interval, offset)
    minutes, folded with 60 so the step repeats every hour as cron's `*/N` does (`*/15` for
    90/45), from the first slot's minute, over the hours that hold a slot of any account."""
    minutes = sorted({m for index in account_indexes for m in slot_minutes(schedule, index)})
    if not minutes:
        return "*", "*"
    step = 60
    for m in minutes:
        step = math.gcd(step, m - minutes[0])
    base = minutes[0] % step
    minute = f"*/{step}" if base == 0 else f"{base}-59/{step}"
    if step == 60:
        minute = str(base)
    hours = sorted({m // 60 % 24 for m in minutes})
    return minute, _ranges(hours)


def _ranges(values: list[int]) -> str:
    """[0, 1, 9, 10, 11] -> '0-1,9-11'."""
    parts: list[str] = []
    start = prev = values[0]
    for v in values[1:] + [None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ",".join(parts)


def cron_command(program: list[str], config: Path, db: Path | None = None) -> str:
    """botx's part of a crontab line: absolute paths, each shell-quoted (a space in a path), and
    every % escaped, since cron ends the command at an unescaped % and feeds the rest to stdin."""
    words = [*program, "--config", os.path.abspath(config)] + (["--db", os.path.abspath(db)] if db else [])
    return " ".join(shlex.quote(word) for word in words).replace("%", "\\%")


def cron_lines(
    schedule: Schedule,
    tz_name: str,
    accounts: list[tuple[str, int]],
    command: str,
    extra: list[str] | None = None,
    every: bool = False,
) -> list[str]:
    """The crontab: a line per account and slot minute, or (`every`) the one `post --all` line."""
    lines = [
        "# botx crontab: install with `crontab -e` (or `botx cron > f && crontab f`).",
        f"# Slots are local {tz_name} times. CRON_TZ works with cronie and systemd-cron;",
        "# with Debian's cron set the machine's timezone instead. botx checks window, cap,",
        "# gap and slot itself, so misfires and double fires are harmless.",
        f"CRON_TZ={tz_name}",
    ]
    if every:
        minute_field, hour_field = cron_all_fields(schedule, [index for _name, index in accounts])
        lines += [
            "# every account, one process: each call posts for the accounts whose slot is due",
            f"{minute_field} {hour_field} * * * {command} post --all --quiet",
        ]
    else:
        for name, index in accounts:
            for minute, hours in cron_fields(schedule, index):
                lines.append(f"{minute} {','.join(map(str, hours))} * * * {command} post --account {name} --quiet")
    return lines + (extra or [])
