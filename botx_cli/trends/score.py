"""What a trend is worth to this product: category, relevance and one score.

Relevance is the TF-IDF cosine similarity (character n-grams within word boundaries,
which suit hashtags: #GPUShortage shares "gpu" with the keyword "gpu") between the trend
and the closest short document of the domain corpus: product keywords, name and
description phrases, domain hashtags as words, offers and angle lines. Short documents
keep a single strong match strong; the IDF is fitted on the corpus and the trends
together so that n-grams every trend has count for little.

scikit-learn is imported inside `relevance` only: refreshes pay for it, `botx post`
reads the stored numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

from botx_cli.config import Config
from botx_cli.trends.clean import TermMatcher, Trend, split_pieces

# Weights of the parts of `score` (they sum to 1, so the score stays within 0..1).
WEIGHTS = {"relevance": 0.45, "rank": 0.2, "agreement": 0.15, "volume": 0.1, "freshness": 0.1}
UNKNOWN_FRESHNESS = 0.75  # live lists (trends24, X) carry no date but are current
NGRAMS = (3, 5)


def words_of(text: str) -> str:
    """'#GPUShortage' -> 'GPU Shortage', '#H100Shortage' -> 'H100 Shortage' (a number stays
    with the letters before it: model names), 'Tyler, the Creator' -> 'Tyler the Creator'."""
    words: list[str] = []
    for word in re.split(r"[\W_]+", text):
        for index, piece in enumerate(split_pieces(word)):
            if index and piece.isdigit() and not words[-1].isdigit():
                words[-1] += piece
            else:
                words.append(piece)
    return " ".join(words)


def domain_corpus(cfg: Config) -> list[str]:
    """Short documents about the product, all from config."""
    product = cfg.product
    phrases = [p for p in re.split(r"[.,;:()]+", product.description) if p.strip()]
    docs = [*product.keywords, product.name, *phrases, *(words_of(tag) for tag in cfg.hashtags.domain),
            *(offer.item for offer in cfg.content.offers),
            *(line for angle in cfg.content.angles for line in angle.lines)]
    return [d.strip() for d in docs if d and d.strip()]


def relevance(trends: Sequence[Trend], corpus: Sequence[str]) -> list[float]:
    """0..1 per trend: cosine similarity to its closest corpus document."""
    if not trends or not corpus:
        return [0.0] * len(trends)
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [words_of(t.hashtag) or t.name for t in trends]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, lowercase=True, sublinear_tf=True)
    vectorizer.fit([*corpus, *texts])
    similarity = vectorizer.transform(texts) @ vectorizer.transform(corpus).T  # rows are L2-normalised
    best = similarity.max(axis=1).toarray().ravel()
    return [round(min(1.0, float(value)), 4) for value in best]


def categorizer(keywords: Mapping[str, Sequence[str]]) -> TermMatcher:
    return TermMatcher.build(keywords, ())


def category_of(matcher: TermMatcher, trend: Trend) -> str:
    """sports | tech | entertainment | news by keyword, else generic. Numbers are ignored
    on a second look, so #iPhone17 and #NBA2K26 find iphone and nba."""
    for text in (trend.name, trend.hashtag, re.sub(r"\d+", " ", trend.hashtag)):
        found = matcher.category_of(text)
        if found:
            return found
    return "generic"


def scores(trends: Sequence[Trend], relevances: Sequence[float], now: datetime, max_age_hours: float | None,
           sources_ok: int) -> list[float]:
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
