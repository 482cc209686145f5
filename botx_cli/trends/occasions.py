"""[[occasions]]: the days a brand marks, from config (Black Friday, New Year, a launch
anniversary, a conference), instead of weekday and month filler.

    [[occasions]]
    name = "Black Friday"              # how the copy names it
    hashtag = "#BlackFriday"           # optional: default from the name
    rule = "4th thursday of november +1 day"
    holiday = false                    # true only for a day people greet ("Happy New Year")
    offer = "H100 80GB"                # optional: the `item` of one of [[offers]]
    lines = ["Black Friday pricing on H100s, all weekend."]

When: `date = "MM-DD"` every year or `"YYYY-MM-DD"` once, or `rule = "<nth> <weekday> of
<month>"` (nth: 1st..5th, first..fifth or last), optionally moved by "+N days" / "-N weeks".
`days` (default 1) is how long it runs, counted from that date (a conference week).
Read and validated by trends.settings at load (one error line, exit 2). Pure, stdlib only.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from botx_cli.config.pieces import pieces
from botx_cli.config.table import Table
from botx_cli.text import extract_hashtags
from botx_cli.trends.clean import to_hashtag
from botx_cli.trends.filler import foreign_year

if TYPE_CHECKING:
    from botx_cli.config.core import Config

KEYS = ("name", "hashtag", "date", "rule", "days", "holiday", "offer", "lines")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = tuple(name.lower() for name in calendar.month_name[1:])
ORDINALS = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
    "5th": 5,
    "fifth": 5,
    "last": -1,
}
_RULE = re.compile(
    rf"^(?P<nth>{'|'.join(ORDINALS)})\s+(?P<weekday>{'|'.join(WEEKDAYS)})\s+of\s+(?P<month>{'|'.join(MONTHS)})"
    r"(?:\s*(?P<sign>[+-])\s*(?P<count>\d{1,3})\s*(?P<unit>days?|weeks?))?$"
)
_DATE = re.compile(r"^(?:(?P<year>\d{4})-)?(?P<month>\d{2})-(?P<day>\d{2})$")
RULE_HELP = '"<nth> <weekday> of <month> [+N days]", e.g. "4th thursday of november +1 day" or "last monday of may"'


@dataclass(frozen=True)
class Rule:
    nth: int  # 1..5, or -1 for the last
    weekday: int  # 0 = Monday
    month: int
    offset_days: int = 0

    def day_in(self, year: int) -> date | None:
        """Its date in `year`; None when the month has no such weekday (a 5th Monday)."""
        days = [
            d
            for d in range(1, calendar.monthrange(year, self.month)[1] + 1)
            if date(year, self.month, d).weekday() == self.weekday
        ]
        if self.nth > len(days):
            return None
        return date(year, self.month, days[self.nth - 1 if self.nth > 0 else -1]) + timedelta(days=self.offset_days)


@dataclass(frozen=True)
class Occasion:
    name: str
    hashtag: str
    when: Rule | tuple[int | None, int, int]  # a rule, or (year or None every year, month, day)
    days: int = 1
    holiday: bool = False
    offer: str | None = None
    lines: tuple[str, ...] = ()

    def start_in(self, year: int) -> date | None:
        if isinstance(self.when, Rule):
            return self.when.day_in(year)
        once, month, day = self.when
        if once not in (None, year) or ((month, day) == (2, 29) and not calendar.isleap(year)):
            return None
        return date(year, month, day)

    def runs_on(self, day: date) -> bool:
        """On `day` (local), counting a run that started last year (New Year's Eve + 2 days)."""
        for year in (day.year, day.year - 1):
            start = self.start_in(year)
            if start is not None and start <= day < start + timedelta(days=self.days):
                return True
        return False


def on(occasions: tuple[Occasion, ...], day: date) -> list[Occasion]:
    """The occasions of a local day, as config lists them; one whose name or hashtag names
    another year than the day's (GTC 2026 in 2027) is past, not an occasion."""
    return [o for o in occasions if o.runs_on(day) and not foreign_year(f"{o.name} {o.hashtag}", day)]


def parse(cfg: Config, root: Table) -> tuple[Occasion, ...]:
    """Every [[occasions]] table, validated; ConfigError (exit 2) naming the first bad key."""
    items = []
    offers = {offer.item for offer in cfg.content.offers}
    for table in root.tables("occasions"):
        unknown = next((key for key in table.data if key not in KEYS), None)
        if unknown:
            raise table.fail(unknown, f"unknown key; an occasion takes {', '.join(KEYS)}")
        name = table.get("name", str).strip()
        if not name or len(name) > 60:
            raise table.fail("name", "must be 1 to 60 characters")
        offer = table.get("offer", str, None)
        if offer is not None and offer not in offers:
            raise table.fail("offer", f"{offer[:80]!r} is not the item of one of [[offers]] ({', '.join(offers)})")
        # the occasion's own sentences: pieces like [[angles]] lines ({a|b} alternatives, voice tags)
        lines = pieces(table, "lines", (), sentence=True, voices=cfg.content.voices, max_len=280, max_items=20)
        items.append(
            Occasion(
                name,
                _hashtag(table, name),
                _when(table),
                table.int_between("days", 1, 1, 60),
                table.get("holiday", bool, False),
                offer,
                lines,
            )
        )
    return tuple(items)


def _hashtag(table: Table, name: str) -> str:
    tag: str | None = table.get("hashtag", str, None)
    if tag is None:
        tag = to_hashtag(name) or ""
        if extract_hashtags(tag) != [tag[1:]]:
            raise table.fail("name", f'{name[:80]!r} makes no hashtag X would link; add hashtag = "#..."')
        return tag
    if not tag.startswith("#") or extract_hashtags(tag) != [tag[1:]]:
        raise table.fail("hashtag", f'{tag[:80]!r} is not a hashtag X links whole, like "#BlackFriday"')
    return tag


def _when(table: Table) -> Rule | tuple[int | None, int, int]:
    if table.has("date") == table.has("rule"):
        raise table.fail("date", 'give either date = "MM-DD" (or "YYYY-MM-DD") or rule = ' + RULE_HELP)
    if table.has("date"):
        text = table.get("date", str)
        found = _DATE.match(text.strip())
        try:
            if found is None:
                raise ValueError
            year = int(found["year"]) if found["year"] else None
            date(year or 2024, int(found["month"]), int(found["day"]))  # 2024: 02-29 is a date
        except ValueError:
            raise table.fail("date", f'{text[:80]!r} is not "MM-DD" (every year) or "YYYY-MM-DD" (once)') from None
        return year, int(found["month"]), int(found["day"])
    text = table.get("rule", str)
    found = _RULE.match(" ".join(text.lower().split()))
    if found is None:
        raise table.fail("rule", f"{text[:80]!r} is not {RULE_HELP}")
    offset = int(found["count"] or 0) * (7 if (found["unit"] or "").startswith("week") else 1)
    return Rule(
        ORDINALS[found["nth"]],
        WEEKDAYS.index(found["weekday"]),
        MONTHS.index(found["month"]) + 1,
        -offset if found["sign"] == "-" else offset,
    )
