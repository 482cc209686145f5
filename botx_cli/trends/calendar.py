"""Calendar tags from local time: always available, offline, BOTX_NOW-aware.

Not product words: day, month, season and dated observances that any account may use.
Dated tags come first (they are the day's event), then the weekday, month and season.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

WEEKDAY_TAGS = (
    ("#MondayMotivation",), ("#TechTuesday", "#TuesdayThoughts"), ("#WednesdayWisdom",),
    ("#ThursdayThoughts",), ("#FridayFeeling",), ("#SaturdayVibes",), ("#SundayFunday",),
)
SEASONS = ((3, "Spring"), (6, "Summer"), (9, "Autumn"), (12, "Winter"))  # northern meteorological


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def dated_tags(day: date) -> list[str]:
    fixed = {(1, 1): "#NewYear", (2, 14): "#ValentinesDay", (3, 14): "#PiDay", (5, 4): "#StarWarsDay",
             (10, 31): "#Halloween", (12, 24): "#ChristmasEve", (12, 25): "#Christmas", (12, 31): "#NewYearsEve"}
    tags = [fixed[(day.month, day.day)]] if (day.month, day.day) in fixed else []
    thanksgiving = _nth_weekday(day.year, 11, 3, 4)  # 4th Thursday of November (US)
    moving = {thanksgiving: "#Thanksgiving", thanksgiving + timedelta(days=1): "#BlackFriday",
              thanksgiving + timedelta(days=4): "#CyberMonday", _nth_weekday(day.year, 9, 0, 1): "#LaborDay"}
    if day in moving:
        tags.append(moving[day])
    return tags


def season_of(day: date) -> str:
    name = "Winter"
    for month, season in SEASONS:
        if day.month >= month:
            name = season
    return name


def calendar_tags(local_now: datetime) -> list[str]:
    """Hashtags for this local day, most specific first."""
    day = local_now.date()
    return [*dated_tags(day), *WEEKDAY_TAGS[day.weekday()], f"#{day:%B}{day.year}", f"#{season_of(day)}{day.year}"]


def display_name(hashtag: str) -> str:
    """'#BlackFriday' -> 'Black Friday' for hooks that name the trend in words."""
    words, current = [], ""
    for char in hashtag.lstrip("#"):
        if current and (char.isupper() and not current[-1].isupper() or char.isdigit() != current[-1].isdigit()):
            words.append(current)
            current = ""
        current += char
    return " ".join(words + [current]) if current else hashtag
