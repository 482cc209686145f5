"""What a trend is worth to this product: category and one score.

The category (sports, tech, entertainment, news, else generic) picks the [hooks] that
introduce a trend; relevance is judged by relate.py (terms of the product's field in the
trend's name and headlines) and `score` combines it with rank, volume, agreement across
sources and freshness. Stdlib only: no model, no vectoriser.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

from botx_cli.trends.clean import Trend
from botx_cli.trends.words import PhraseIndex, Tokens

# Weights of the parts of `score` (they sum to 1, so the score stays within 0..1).
WEIGHTS = {"relevance": 0.45, "rank": 0.2, "agreement": 0.15, "volume": 0.1, "freshness": 0.1}
UNKNOWN_FRESHNESS = 0.75  # live lists (trends24, X) carry no date but are current


def categorizer(keywords: Mapping[str, Sequence[str]]) -> PhraseIndex[str]:
    return PhraseIndex((term, category) for category, terms in keywords.items() for term in terms)


def category_of(matcher: PhraseIndex[str], trend: Trend) -> str:
    """sports | tech | entertainment | news by keyword (whole words and CamelCase pieces, so
    #iPhone17 finds iphone and #NBAFinals nba), the first in the name's own order, else in its
    headlines (Jensen Huang's say Nvidia); else generic."""
    for text in (trend.name, trend.hashtag, *(headline.text() for headline in trend.news)):
        found = next(matcher.find(Tokens.read(text)), None)
        if found:
            return found[3]
    return "generic"


def scores(
    trends: Sequence[Trend], relevances: Sequence[float], now: datetime, max_age_hours: float | None, sources_ok: int
) -> list[float]:
    """Relevance combined with rank, volume, agreement across sources and freshness."""
    top_volume = max((t.volume or 0 for t in trends), default=0)
    out = []
    for trend, rel in zip(trends, relevances, strict=True):
        parts = {
            "relevance": rel,
            "rank": 1 / math.sqrt(max(trend.rank, 1)),
            "agreement": (len(trend.sources) - 1) / (sources_ok - 1) if sources_ok > 1 else 0.0,
            "volume": math.log1p(trend.volume or 0) / math.log1p(top_volume) if top_volume else 0.0,
            "freshness": _freshness(trend.published_at, now, max_age_hours),
        }
        out.append(round(sum(WEIGHTS[k] * min(1.0, max(0.0, v)) for k, v in parts.items()), 4))
    return out


def _freshness(published_at: datetime | None, now: datetime, max_age_hours: float | None) -> float:
    if published_at is None or not max_age_hours:
        return UNKNOWN_FRESHNESS
    moment = published_at if published_at.tzinfo else published_at.replace(tzinfo=timezone.utc)
    age_hours = (now - moment).total_seconds() / 3600
    return 1.0 - age_hours / max_age_hours
