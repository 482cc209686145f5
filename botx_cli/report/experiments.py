"""`botx stats`' view of the experiments: each arm's posts, impressions, engagement rate and
probability of being best (Monte Carlo over the Beta posteriors, fixed seed, random.betavariate).
Kept apart from experiments.py so `botx post` never loads it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botx_cli.content.experiments import Arm, ExperimentSettings, arm_stats, variant_names

if TYPE_CHECKING:
    from botx_cli.config.core import Config
    from botx_cli.store import Store

BEST_DRAWS = 4000  # Monte Carlo draws behind the probability of being best
BEST_SEED = 20260  # fixed: the same data always shows the same probabilities


@dataclass(frozen=True)
class ArmReport:
    name: str
    posts: int
    measured: int
    impressions: int
    engagements: int
    p_best: float | None  # among the sampled arms; None below min_impressions (a Beta(1, 1) would look best)
    sampled: bool  # has min_impressions: the sampler trusts its data

    @property
    def rate(self) -> float | None:
        return self.engagements / self.impressions if self.impressions else None

    def to_json(self) -> dict[str, Any]:
        rate = self.rate
        return {
            "name": self.name,
            "posts": self.posts,
            "measured": self.measured,
            "impressions": self.impressions,
            "engagements": self.engagements,
            "engagement_rate": None if rate is None else round(rate, 5),
            "p_best": None if self.p_best is None else round(self.p_best, 4),
            "sampled": self.sampled,
        }


@dataclass(frozen=True)
class ExperimentReport:
    kind: str  # angle | variant
    days: int
    explore: float
    min_impressions: int
    arms: tuple[ArmReport, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "days": self.days,
            "explore": self.explore,
            "min_impressions": self.min_impressions,
            "arms": [a.to_json() for a in self.arms],
        }


def prob_best(arms: list[Arm], draws: int = BEST_DRAWS, seed: int = BEST_SEED) -> list[float]:
    """P(arm has the highest engagement rate): the share of joint posterior draws it wins."""
    if not arms:
        return []
    rng = random.Random(seed)
    wins = [0] * len(arms)
    params = [(a.alpha, a.beta) for a in arms]
    for _ in range(draws):
        samples = [rng.betavariate(a, b) for a, b in params]
        wins[samples.index(max(samples))] += 1
    return [w / draws for w in wins]


def report(cfg: Config, store: Store, now: datetime) -> tuple[ExperimentReport, ...]:
    """Each experiment's arms as the sampler sees them (all accounts, last `days`); () when off."""
    conf = cfg.settings(ExperimentSettings)
    if not conf.enabled:
        return ()
    since = now - timedelta(days=conf.days)
    out = []
    for kind, names in (("angle", tuple(a.name for a in cfg.content.angles)), ("variant", variant_names(cfg))):
        if not names:
            continue
        found = arm_stats(store, kind, since)
        arms = [found.get(name) or Arm(name) for name in names]
        sampled = [a for a in arms if a.impressions >= conf.min_impressions]
        best = dict(zip((a.name for a in sampled), prob_best(sampled)))
        out.append(
            ExperimentReport(
                kind,
                conf.days,
                conf.explore,
                conf.min_impressions,
                tuple(
                    ArmReport(
                        a.name, a.posts, a.measured, a.impressions, a.engagements, best.get(a.name), a.name in best
                    )
                    for a in arms
                ),
            )
        )
    return tuple(out)
