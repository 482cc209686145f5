"""Domain-hashtag affinities: TF-IDF similarity, precomputed so `botx post` never imports sklearn.

Which domain tag suits a tweet is the similarity of the tweet's angle and offer (and its trend)
to each domain tag, measured with scikit-learn's TfidfVectorizer on character n-grams within
word boundaries ("#CloudGPU" and "cloud GPU" share "clo", "gpu", ...). Importing scikit-learn
costs about a second, too much for every cron call, so the scores are computed when they are
missing and stored in SQLite:

- plan rows, one per (angle, offer, domain tag), keyed by a hash of the config parts they
  depend on: a config edit changes the hash and the next run computes them once (cold path);
- trend rows, one per (trend hashtag, domain tag), computed by `refresh_trends` when trends
  are refreshed, or on the cold path for a cached trend that has none.

Calendar tags (#MondayMotivation) say nothing about the product and get no trend rows.
The post path reads the rows of its config hash: one indexed SELECT.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from botx_cli.clock import iso
from botx_cli.config.core import Config
from botx_cli.config.words import compatible, offer_text
from botx_cli.store import Store
from botx_cli.store import affinities as tables

ALGORITHM = "tfidf-char_wb-2-4-v1"  # part of the hash: a new algorithm recomputes
TREND_WEIGHT = 0.5  # the trend counts half as much as the angle and offer together
PLAN, TREND, CLAIM = "plan", "trend", "claim"
TREND_ROWS_KEPT = timedelta(days=7)
CLAIM_STALE = timedelta(minutes=10)  # a claim older than this belongs to a run that died
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+")


@dataclass(frozen=True)
class Affinity:
    """Scores read from the store: plan (angle, offer item) -> tag -> score; trend -> tag -> score."""

    plans: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    trends: dict[str, dict[str, float]] = field(default_factory=dict)

    def scores(self, angle: str, offer: str, trend: str | None) -> dict[str, float]:
        """Tag scores of a plan; a post without an offer (proof, question) takes the mean over
        its angle's offers."""
        base = self.plans.get((angle, offer), {}) if offer else self._angle_mean(angle)
        extra = self.trends.get(trend.casefold(), {}) if trend else {}
        return {tag: base.get(tag, 0.0) + TREND_WEIGHT * extra.get(tag, 0.0) for tag in {*base, *extra}}

    def _angle_mean(self, angle: str) -> dict[str, float]:
        rows = [scores for (name, _offer), scores in self.plans.items() if name == angle]
        tags = {tag for scores in rows for tag in scores}
        return {tag: sum(scores.get(tag, 0.0) for scores in rows) / len(rows) for tag in tags}


def tag_words(hashtag: str) -> str:
    """'#AIInference' -> 'AI Inference', '#MLOps' -> 'ML Ops': words TF-IDF can match."""
    return " ".join(_CAMEL.findall(hashtag.lstrip("#＃")))


def plan_key(angle: str, offer: str) -> str:
    return f"{angle}\x1f{offer}"


def config_hash(cfg: Config) -> str:
    """Hash of what the scores depend on: domain tags and their descriptions, angles, offers."""
    parts = {
        "algorithm": ALGORITHM,
        "domain": list(cfg.hashtags.domain),
        "about": cfg.hashtags.about,
        "angles": [[a.name, *a.lines, *(sorted(p.units | p.topics) for p in a.lines)] for a in cfg.content.angles],
        "offers": [offer_text(cfg.content, i) for i in range(len(cfg.content.offers))],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _tag_documents(cfg: Config) -> list[str]:
    about = cfg.hashtags.about
    return [f"{tag_words(tag)} {about.get(tag, '')}" for tag in cfg.hashtags.domain]


def _plan_documents(cfg: Config) -> dict[str, str]:
    """One document per (angle, offer): the angle's offer lines that fit the offer, and the offer."""
    return {
        plan_key(
            angle.name, offer.item
        ): f"{angle.name} {_words([ln for ln in angle.lines if compatible([ln], offer)])} {offer_text(cfg.content, i)}"
        for angle in cfg.content.angles
        for i, offer in enumerate(cfg.content.offers)
    }


def _words(lines: list[str]) -> str:
    """Lines as words, every {a|b} alternative included."""
    return re.sub(r"[{}|]", " ", " ".join(lines))


def _similarities(cfg: Config, documents: dict[str, str]) -> list[tuple[str, str, float]]:
    """(key, domain tag, cosine similarity) for every document against every domain tag.

    The vectorizer is fitted on the tag descriptions, every plan document and the given
    documents, so IDF discounts words that every angle repeats ("GPU", "your")."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # the cold path only
    from sklearn.metrics.pairwise import cosine_similarity

    tags = _tag_documents(cfg)
    corpus = [*tags, *_plan_documents(cfg).values(), *documents.values()]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=True, sublinear_tf=True)
    matrix = vectorizer.fit_transform(corpus)
    keys = list(documents)
    start = len(corpus) - len(keys)
    sims = cosine_similarity(matrix[start:], matrix[: len(tags)])
    return [
        (key, tag, round(float(sims[row, col]), 4))
        for row, key in enumerate(keys)
        for col, tag in enumerate(cfg.hashtags.domain)
    ]


def _store_rows(store: Store, digest: str, kind: str, rows: Iterable[tuple[str, str, float]], now: datetime) -> None:
    drop = ("config", digest) if kind == PLAN else ("before", iso(now - TREND_ROWS_KEPT))  # dead weight
    tables.replace_rows(store, digest, kind, rows, now, drop)


def _trend_documents(trends: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {hashtag.casefold(): f"{tag_words(hashtag)} {name}" for hashtag, name in trends}


def refresh_trends(cfg: Config, store: Store, trends: Iterable[tuple[str, str]], now: datetime) -> int:
    """Compute and store the rows of freshly cached trends, given as (hashtag, name) pairs.

    Meant for the trend refresh, which has paid for its heavy imports already; it stores the
    plan rows too when this config has none, so the next `botx post` finds everything warm."""
    documents = _trend_documents(trends)
    digest = config_hash(cfg)
    if not _read(store, digest).plans:
        _store_rows(store, digest, PLAN, _similarities(cfg, _plan_documents(cfg)), now)
    if documents:
        _store_rows(store, digest, TREND, _similarities(cfg, documents), now)
    return len(documents)


def _read(store: Store, digest: str) -> Affinity:
    plans: dict[tuple[str, str], dict[str, float]] = {}
    trends: dict[str, dict[str, float]] = {}
    for kind, key, tag, score in tables.scores(store, digest, (PLAN, TREND)):
        if kind == PLAN:
            angle, _sep, offer = key.partition("\x1f")
            plans.setdefault((angle, offer), {})[tag] = score
        else:
            trends.setdefault(key, {})[tag] = score
    return Affinity(plans, trends)


def _missing(found: Affinity, picks: list[Any]) -> list[tuple[str, str]]:
    return [(p.hashtag, p.name) for p in picks if p.category != "calendar" and p.hashtag.casefold() not in found.trends]


def _claim(store: Store, digest: str, now: datetime) -> bool:
    """Whether this run computes. Cron may start many runs in one minute on a cold DB: one
    computes, the others compose this once with what is stored (plain least-recent rotation
    when nothing is), instead of each loading scikit-learn."""
    return tables.claim(store, digest, CLAIM, now, now - CLAIM_STALE)


def load(cfg: Config, store: Store, picks: Iterable[Any], now: datetime) -> Affinity:
    """The scores for this config and these trend picks; computes what is missing (cold path)."""
    digest = config_hash(cfg)
    picks = list(picks)
    found = _read(store, digest)
    if found.plans and not _missing(found, picks):
        return found
    if not _claim(store, digest, now):
        return found
    try:
        found = _read(store, digest)  # another run may have finished meanwhile
        if not found.plans:
            _store_rows(store, digest, PLAN, _similarities(cfg, _plan_documents(cfg)), now)
        missing = _missing(found, picks)
        if missing:
            _store_rows(store, digest, TREND, _similarities(cfg, _trend_documents(missing)), now)
    finally:
        tables.release(store, digest, CLAIM)
    return _read(store, digest)
