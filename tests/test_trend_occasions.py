"""Occasions from [[occasions]] (botx_cli/trends/occasions.py), weekday and month filler, and
names of another year (botx_cli/trends/filler.py)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import botx, make_config
from hypothesis import given, settings
from hypothesis import strategies as st

from botx_cli.posting.context import trend_picks
from botx_cli.sections import load_config
from botx_cli.store import open_store
from botx_cli.store.settings import StorageSettings
from botx_cli.trends.calendar import calendar_tags
from botx_cli.trends.clean import CleanRules, clean_trends
from botx_cli.trends.filler import foreign_year, is_filler
from botx_cli.trends.occasions import Occasion, Rule
from botx_cli.trends.sources.base import RawTrend

EXAMPLE = Path(__file__).resolve().parent.parent / "botx_cli" / "example_config.toml"


def with_occasions(tmp_path: Path, block: str) -> Path:
    """The example config with its [[occasions]] replaced by `block`."""
    text = re.sub(r"(?ms)^\[\[occasions\]\].*?(?=^\[trends\])", "", EXAMPLE.read_text(encoding="utf-8"))
    return make_config(tmp_path, text.replace("[trends]\n", block + "\n[trends]\n", 1))


def days_of(config: Path, start: str, count: int) -> dict[str, list[str]]:
    cfg = load_config(str(config))
    first = datetime.fromisoformat(start)
    return {
        str((first + timedelta(days=n)).date()): calendar_tags(cfg, first + timedelta(days=n)) for n in range(count)
    }


# --- the rule grammar -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "year", "expected"),
    [
        ("4th thursday of november", 2026, date(2026, 11, 26)),  # Thanksgiving
        ("4th thursday of november +1 day", 2026, date(2026, 11, 27)),  # Black Friday
        ("4th thursday of november +4 days", 2026, date(2026, 11, 30)),  # Cyber Monday
        ("last monday of may", 2026, date(2026, 5, 25)),  # Memorial Day
        ("1st monday of september", 2027, date(2027, 9, 6)),  # Labor Day
        ("First Monday of  September", 2027, date(2027, 9, 6)),  # case and spaces do not matter
        ("3rd monday of march -1 week", 2026, date(2026, 3, 9)),
        ("2nd sunday of may", 2026, date(2026, 5, 10)),
    ],
)
def test_rules(tmp_path: Path, rule: str, year: int, expected: date) -> None:
    config = with_occasions(tmp_path, f'[[occasions]]\nname = "Day"\nrule = "{rule}"\n')
    [occasion] = _occasions(config)
    assert occasion.start_in(year) == expected


def _occasions(config: Path) -> tuple[Occasion, ...]:
    from botx_cli.trends.settings import TrendSettings

    return load_config(str(config)).settings(TrendSettings).occasions


def test_a_fifth_weekday_that_a_month_lacks_is_no_day() -> None:
    rule = Rule(5, 0, 2, 0)  # a 5th Monday of February
    assert rule.day_in(2027) is None and rule.day_in(2044) == date(2044, 2, 29)


def test_dates_every_year_once_and_over_the_new_year(tmp_path: Path) -> None:
    config = with_occasions(
        tmp_path,
        """[[occasions]]
name = "New Year's Eve"
date = "12-31"
days = 2
holiday = true
[[occasions]]
name = "Launch"
date = "2027-01-01"
[[occasions]]
name = "Leap day"
date = "02-29"
""",
    )
    found = days_of(config, "2026-12-30T12:00:00+01:00", 4)
    assert found == {
        "2026-12-30": [],
        "2026-12-31": ["#NewYearsEve"],
        "2027-01-01": ["#NewYearsEve", "#Launch"],
        "2027-01-02": [],
    }
    assert days_of(config, "2027-02-28T12:00:00+01:00", 2) == {"2027-02-28": [], "2027-03-01": []}
    assert days_of(config, "2028-02-29T12:00:00+01:00", 1) == {"2028-02-29": ["#LeapDay"]}
    assert days_of(config, "2027-12-31T12:00:00+01:00", 2)["2028-01-01"] == ["#NewYearsEve"]  # "Launch" was once


def test_the_local_day_decides(tmp_path: Path) -> None:
    config = with_occasions(tmp_path, '[[occasions]]\nname = "Launch"\ndate = "04-15"\n')
    cfg = load_config(str(config))  # Europe/Paris: 23:30 UTC on the 14th is already the 15th there
    assert calendar_tags(cfg, datetime(2026, 4, 14, 23, 30, tzinfo=timezone.utc).astimezone(cfg.timezone)) == [
        "#Launch"
    ]


def test_an_occasion_naming_another_year_is_past(tmp_path: Path) -> None:
    config = with_occasions(tmp_path, '[[occasions]]\nname = "GTC 2026"\nrule = "3rd monday of march"\ndays = 4\n')
    assert days_of(config, "2026-03-16T12:00:00+01:00", 1)["2026-03-16"] == ["#GTC2026"]
    assert days_of(config, "2027-03-15T12:00:00+01:00", 1)["2027-03-15"] == []


def test_picks_carry_the_occasion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = with_occasions(
        tmp_path,
        """[[occasions]]
name = "Black Friday"
rule = "4th thursday of november +1 day"
offer = "H100 80GB"
lines = ["Black Friday on GPUs."]
[[occasions]]
name = "New Year"
date = "01-01"
holiday = true
""",
    )
    cfg = load_config(str(config))
    store = open_store(cfg.settings(StorageSettings).path)
    [friday] = trend_picks(cfg, store, datetime.fromisoformat("2026-11-27T10:00:00+01:00"))
    [new_year] = trend_picks(cfg, store, datetime.fromisoformat("2027-01-01T10:00:00+01:00"))
    store.close()
    assert (friday.hashtag, friday.display, friday.kind, friday.holiday, friday.offer, friday.lines) == (
        "#BlackFriday",
        "Black Friday",
        "occasion",
        False,
        "H100 80GB",
        ("Black Friday on GPUs.",),
    )
    assert (new_year.display, new_year.holiday, new_year.category, new_year.sources) == (
        "New Year",
        True,
        "calendar",
        ("calendar",),
    )
    off = make_config(
        tmp_path,
        re.sub(r"(\[trends\.sources\.calendar\][^\n]*\n)enabled = true", r"\1enabled = false", config.read_text()),
    )
    assert calendar_tags(load_config(str(off)), datetime.fromisoformat("2026-11-27T10:00:00+01:00")) == []


def test_the_example_marks_the_brands_days_not_filler() -> None:
    cfg = load_config(str(EXAMPLE))
    year = [calendar_tags(cfg, datetime(2026, 1, 1, 12, tzinfo=timezone.utc) + timedelta(days=n)) for n in range(365)]
    tags = {tag for day in year for tag in day}
    assert {
        "#NewYear",
        "#NewYearsEve",
        "#Christmas",
        "#BlackFriday",
        "#CyberMonday",
        "#NeurIPS",
        "#NVIDIAGTC",
        "#VoltageGPUBirthday",
    } <= tags
    assert not {
        t
        for t in tags
        if is_filler(t) or (re.search(r"(Monday|Tuesday|Motivation|Thoughts|20\d\d)", t) and t not in ("#CyberMonday",))
    }
    assert 20 < sum(map(bool, year)) < 80  # occasions, not every day


@pytest.mark.parametrize(
    ("block", "key"),
    [
        ('name = "X"\n', "date"),  # neither date nor rule
        ('name = "X"\ndate = "12-25"\nrule = "last monday of may"\n', "date"),  # both
        ('name = "X"\ndate = "13-01"\n', "date"),
        ('name = "X"\ndate = "2026-02-30"\n', "date"),
        ('name = "X"\ndate = "Dec 25"\n', "date"),
        ('name = "X"\nrule = "4th thursday in november"\n', "rule"),
        ('name = "X"\nrule = "6th monday of may"\n', "rule"),
        ('name = "X"\nrule = "last funday of may"\n', "rule"),
        ('name = "X"\ndate = "12-25"\noffer = "A GPU we do not sell"\n', "offer"),
        ('name = "X"\ndate = "12-25"\ndays = 0\n', "days"),
        ('name = "X"\ndate = "12-25"\nholiday = "yes"\n', "holiday"),
        ('name = "X"\ndate = "12-25"\nhashtag = "Black Friday"\n', "hashtag"),
        ('name = "!!!"\ndate = "12-25"\n', "name"),
        ('name = ""\ndate = "12-25"\n', "name"),
        ('name = "X"\ndate = "12-25"\nlines = "one line"\n', "lines"),
        ('name = "X"\ndate = "12-25"\ngreeting = "Happy X"\n', "greeting"),
    ],
)
def test_a_bad_occasion_is_one_line_exit_2(tmp_path: Path, block: str, key: str) -> None:
    config = with_occasions(tmp_path, "[[occasions]]\n" + block)
    run = botx("--config", str(config), "cron")
    assert run.code == 2 and f"[occasions#1] {key}" in run.err and len(run.err.splitlines()) == 1, run.err


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["1st", "2nd", "3rd", "4th", "last"]),
    st.integers(0, 6),
    st.integers(1, 12),
    st.integers(-20, 20),
    st.integers(2000, 2100),
)
def test_a_rule_lands_on_its_weekday_in_its_month(nth: str, weekday: int, month: int, offset: int, year: int) -> None:
    from botx_cli.trends.occasions import ORDINALS

    day = Rule(ORDINALS[nth], weekday, month, offset).day_in(year)
    assert day is not None
    base = day - timedelta(days=offset)
    assert (base.month, base.weekday()) == (month, weekday)
    assert (base.day - 1) // 7 + 1 == ORDINALS[nth] or (nth == "last" and (base + timedelta(days=7)).month != month)


# --- filler and dated names -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "#MondayMotivation",
        "#TuesdayThoughts",
        "#TechTuesday",
        "#WednesdayWisdom",
        "#ThursdayThoughts",
        "#FridayFeeling",
        "#SaturdayVibes",
        "#SundayFunday",
        "#MotivationMonday",
        "#ThrowbackThursday",
        "#TBT",
        "#November2026",
        "#Winter2026",
        "#Autumn2026",
        "Happy Friday",
        "#WeekendVibes",
        "#çarşamba",
        "24 Eylül Perşembe",
        "#FelizLunes",
        "#BonLundi",
        "#SchönenMontag",
        "#BuonLunedì",
        "#Agosto2026",
        "#Senin",
        "Monday & Motivation",
    ],
)
def test_weekday_month_and_season_filler(name: str) -> None:
    assert is_filler(name)


@pytest.mark.parametrize(
    "name",
    [
        "#BlackFriday",
        "#CyberMonday",
        "Monday Night Football",
        "March Madness",
        "#SummerGameFest",
        "Theresa May",
        "#NewYear",
        "#NVIDIAGTC",
        "Taylor Swift",
        "#FallGuys",
        "Winter Olympics",
        "#GPT5",
    ],
)
def test_occasions_and_names_are_not_filler(name: str) -> None:
    assert not is_filler(name)


@pytest.mark.parametrize(
    ("name", "today", "year"),
    [
        ("#SummerSolstice2024", date(2026, 6, 21), 2024),
        ("Summer solstice 2024", date(2026, 6, 21), 2024),
        ("#Election2028", date(2026, 11, 3), 2028),
        ("#SummerSolstice2026", date(2026, 6, 21), None),
        ("#NewYear2027", date(2026, 12, 25), None),  # the last week of December: next year is current
        ("#NewYear2027", date(2026, 12, 24), 2027),
        ("#RTX2080", date(2026, 6, 1), None),  # too far ahead to be a year: a GPU
        ("#NBA2K26", date(2026, 6, 1), None),
        ("Windows 11", date(2026, 6, 1), None),
        ("Route 1999", date(2026, 6, 1), 1999),
    ],
)
def test_names_of_another_year(name: str, today: date, year: int | None) -> None:
    assert foreign_year(name, today) == year


def test_cleaning_drops_filler_and_dated_names_in_the_local_year() -> None:
    names = ["#SummerSolstice2024", "#MondayMotivation", "#WorldCup2026", "GPT-6", "#November2026"]
    raw = [RawTrend(n, i + 1, None, "trends24") for i, n in enumerate(names)]
    eve = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)
    paris = eve.astimezone(timezone(timedelta(hours=1)))  # already 2027 there
    result = clean_trends(raw, CleanRules(), paris)
    assert [t.hashtag for t in result.kept] == ["#GPT6"]
    assert sorted(why for _r, why in result.rejected) == ["filler", "year:2024", "year:2026", "year:2026"]
    kept_in_2026 = clean_trends(raw, CleanRules(), eve)
    assert [t.hashtag for t in kept_in_2026.kept] == ["#WorldCup2026", "#GPT6"]
