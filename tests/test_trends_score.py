"""Pure parts of trend rating and caching: categories, score, cool-off, cron line.
(Relevance: tests/test_trend_relate.py.)"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botx_cli.trends.breaker import cooloff
from botx_cli.trends.cache import cron_line
from botx_cli.trends.clean import Trend, to_hashtag
from botx_cli.trends.score import categorizer, category_of, scores
from botx_cli.trends.settings import DEFAULT_CATEGORIES

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def trend(
    name: str,
    rank: int = 1,
    volume: int | None = None,
    sources: tuple[str, ...] = ("x",),
    published_at: datetime | None = None,
) -> Trend:
    return Trend(name, to_hashtag(name) or "#x", sources, rank, volume, published_at)


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("NBA Finals", "sports"),
        ("Lakers vs Celtics", "sports"),
        ("#WorldCup2026", "sports"),
        ("NBA2K26", "sports"),
        ("Nvidia earnings", "tech"),
        ("#iPhone17", "tech"),
        ("OpenAI DevDay", "tech"),
        ("Stranger Things finale", "entertainment"),
        ("Breaking News", "news"),
        ("Taylor Swift", "generic"),
        ("Sussex", "generic"),
        ("Classic", "generic"),
        ("Gameday", "sports"),
    ],
)
def test_categories_by_whole_words_and_camel_case_pieces(name: str, category: str) -> None:
    assert category_of(categorizer(DEFAULT_CATEGORIES), trend(name)) == category


def test_categories_come_from_config_lists() -> None:
    matcher = categorizer({**DEFAULT_CATEGORIES, "tech": ("quantum computing",), "sports": ()})
    assert category_of(matcher, trend("#QuantumComputing")) == "tech"
    assert category_of(matcher, trend("Nvidia")) == "generic" and category_of(matcher, trend("NBA")) == "generic"


@given(
    st.lists(
        st.tuples(
            st.integers(1, 500),
            st.none() | st.integers(0, 10**12),
            st.integers(1, 5),
            st.none() | st.integers(-100, 100),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=30,
    ),
    st.integers(0, 5),
)
def test_scores_stay_within_0_and_1(items: list, sources_ok: int) -> None:
    trends = [
        trend(
            f"Name{i}",
            rank,
            volume,
            tuple(f"s{k}" for k in range(n)),
            None if hours is None else NOW - timedelta(hours=hours),
        )
        for i, (rank, volume, n, hours, _rel) in enumerate(items)
    ]
    out = scores(trends, [rel for *_rest, rel in items], NOW, 24, sources_ok)
    assert all(0.0 <= value <= 1.0 for value in out)


def test_score_prefers_relevant_agreed_fresh_high_trends() -> None:
    base = trend("A", rank=5, volume=1000, published_at=NOW - timedelta(hours=12))
    better = [
        trend("B", rank=1, volume=1000, published_at=NOW - timedelta(hours=12)),
        trend("C", rank=5, volume=100_000, published_at=NOW - timedelta(hours=12)),
        trend("D", rank=5, volume=1000, sources=("x", "trends24"), published_at=NOW - timedelta(hours=12)),
        trend("E", rank=5, volume=1000, published_at=NOW - timedelta(hours=1)),
    ]
    out = scores([base, *better], [0.1] * 5, NOW, 24, 3)
    assert all(value > out[0] for value in out[1:])
    assert scores([base], [0.9], NOW, 24, 3)[0] > out[0]


@given(st.integers(1, 60), st.floats(0.5, 60), st.floats(60, 10_000))
def test_cooloff_grows_and_stops_at_its_cap(failures: int, base: float, cap: float) -> None:
    assert cooloff(failures, base, cap) <= cooloff(failures + 1, base, cap) <= timedelta(minutes=cap)
    assert cooloff(1, base, cap) == timedelta(minutes=base)


def _expand(field: str, size: int) -> set[int]:
    values: set[int] = set()
    for part in field.split(","):
        spec, _, step = part.partition("/")
        low, high = (0, size - 1) if spec == "*" else (int(spec.split("-")[0]), int(spec.split("-")[-1]))
        values.update(range(low, high + 1, int(step or 1)))
    return values


@given(st.integers(1, 24 * 60))
def test_cron_line_fires_at_least_every_cache_minutes(cache_minutes: int) -> None:
    line = cron_line(cache_minutes, "botx")
    minute, hour, day, month, weekday, *command = line.split()
    assert (day, month, weekday, " ".join(command)) == ("*", "*", "*", "botx trends --refresh --quiet")
    assert re.fullmatch(r"[0-9*/,-]+", minute) and re.fullmatch(r"[0-9*/,-]+", hour)
    firings = sorted(h * 60 + m for h in _expand(hour, 24) for m in _expand(minute, 60))
    gaps = [b - a for a, b in zip(firings, [*firings[1:], firings[0] + 24 * 60])]
    assert max(gaps) <= cache_minutes
