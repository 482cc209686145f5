"""Angle and prompt-variant experiments: Thompson sampling on engagement per impression.

An arm is an [[angles]] name (and, with the llm strategy and more than one [compose.llm]
prompt_variants entry, a prompt variant). Its posterior is Beta(1 + engagements,
1 + impressions - engagements) over the latest `botx metrics` snapshot of every post made
with it in the last `days`, all accounts pooled (engagements = likes + reposts + replies +
quotes + bookmarks, as metrics_latest sums them). For each post:

- with probability `explore` the arms are ranked uniformly at random (the exploration floor);
- otherwise arms below `min_impressions` come first, in rotation order (no arm is judged on too
  small a sample), then the measured arms by one draw from each posterior, highest first.

The ranking only orders what the rotation rules allow: an account never repeats its last angle
and never takes the angle another account posted last (compose filters first, then sorts by
the rank). Draws come from random.Random seeded with the slot and BOTX_SEED or [experiments]
seed: the same slot always draws the same, and tests are deterministic. Stdlib only: this
module is a section parser, imported by every run.
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from botx_cli.config.core import Config, Section
from botx_cli.config.table import shown

if TYPE_CHECKING:
    from botx_cli.store import Store


@dataclass(frozen=True)
class ExperimentSettings:
    enabled: bool
    explore: float  # probability of a uniform pick instead of a Thompson draw
    min_impressions: int  # per arm, before its data is trusted
    days: int  # posts of this many days feed the arms
    seed: str  # mixed into every draw ("" = the slot alone)


def parse(cfg: Config) -> ExperimentSettings:
    table = cfg.section("experiments")
    minimum = table.int_between("min_impressions", 500, 0, 10**9)
    seed = table.value("seed", "")
    if isinstance(seed, bool) or not isinstance(seed, (str, int)) or len(str(seed)) > 100:
        raise table.fail("seed", f"must be a string or an integer of at most 100 characters, got {shown(seed)}")
    return ExperimentSettings(
        table.get("enabled", bool, False),
        table.number("explore", 0.1, 0.0, 1.0),
        minimum,
        table.positive_int("days", 30, maximum=3650),
        str(seed),
    )


SECTION = Section(ExperimentSettings, parse)


@dataclass(frozen=True)
class Arm:
    name: str
    posts: int = 0
    measured: int = 0  # posts with a metrics snapshot
    impressions: int = 0
    engagements: int = 0
    last_at: str = ""  # newest post with this arm ("" = never): rotation order among unmeasured arms

    @property
    def rate(self) -> float | None:
        return self.engagements / self.impressions if self.impressions else None

    @property
    def alpha(self) -> int:
        return 1 + min(self.engagements, self.impressions)

    @property
    def beta(self) -> int:
        return 1 + max(0, self.impressions - self.engagements)


def arm_stats(store: Store, column: str, since: datetime) -> dict[str, Arm]:
    """Posts, snapshot sums and last use per value of attempts.angle or attempts.variant."""
    from botx_cli.store.reports import arm_rows

    return {str(row[0]): Arm(str(row[0]), *row[1:]) for row in arm_rows(store, column, since)}


def rank(
    arms: dict[str, Arm], names: list[str] | tuple[str, ...], conf: ExperimentSettings, rng: random.Random
) -> tuple[str, dict[str, float]]:
    """(how: explore | thompson, sort key per arm: lower goes first). Unmeasured arms all get
    -inf, so a stable sort keeps them in the caller's rotation order, ahead of the rest."""
    if rng.random() < conf.explore:
        return "explore", {name: rng.random() for name in names}
    keys = {}
    for name in names:
        arm = arms.get(name) or Arm(name)
        keys[name] = -math.inf if arm.impressions < conf.min_impressions else -rng.betavariate(arm.alpha, arm.beta)
    return "thompson", keys


def seed_of(conf: ExperimentSettings) -> str:
    return os.environ.get("BOTX_SEED", "").strip() or conf.seed


@dataclass(frozen=True)
class Experiment:
    """One run's arms, loaded once; draws are pure functions of the slot's seed."""

    conf: ExperimentSettings
    seed: str
    angles: dict[str, Arm]
    variants: dict[str, Arm]
    variant_names: tuple[str, ...]  # () unless the llm strategy has several prompt variants

    def rng(self, what: str, slot_seed: str) -> random.Random:
        return random.Random(f"{self.seed}|{what}|{slot_seed}")

    def angle_rank(self, names: list[str], slot_seed: str) -> dict[str, float]:
        return rank(self.angles, names, self.conf, self.rng("angle", slot_seed))[1]

    def variant(self, slot_seed: str) -> str:
        """Thompson sampling on the variants; unmeasured ones least recently used first."""
        ordered = sorted(self.variant_names, key=lambda v: (self.variants.get(v) or Arm(v)).last_at)
        keys = rank(self.variants, ordered, self.conf, self.rng("variant", slot_seed))[1]
        return min(ordered, key=lambda v: keys[v])  # the first of equals: rotation order


def variant_names(cfg: Config) -> tuple[str, ...]:
    """The prompt variants in play: several, with the llm strategy; else none."""
    from botx_cli.content.settings import WritingSettings

    variants = cfg.settings(WritingSettings).prompt_variants
    return variants if cfg.strategy == "llm" and len(variants) > 1 else ()


def load(cfg: Config, store: Store, now: datetime) -> Experiment | None:
    """The experiment of this run, or None when [experiments] is off (pure rotation, no query)."""
    conf = cfg.settings(ExperimentSettings)
    if not conf.enabled:
        return None
    since = now - timedelta(days=conf.days)
    variants = variant_names(cfg)
    return Experiment(
        conf,
        seed_of(conf),
        arm_stats(store, "angle", since),
        arm_stats(store, "variant", since) if variants else {},
        variants,
    )


def pick_variant(cfg: Config, experiment: Experiment | None, slot_seed: str) -> str | None:
    """The prompt variant for this post: Thompson sampling when experiments are on, else an even
    seeded split; None when there is only the base prompt (or a single variant: that one)."""
    from botx_cli.content.settings import WritingSettings

    variants = cfg.settings(WritingSettings).prompt_variants
    if cfg.strategy != "llm" or not variants:
        return None
    if len(variants) == 1:
        return variants[0]
    if experiment is not None:
        return experiment.variant(slot_seed)
    return random.Random(f"variant|{slot_seed}").choice(variants)
