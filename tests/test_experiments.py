"""[experiments]: Thompson sampling of angles (and llm prompt variants) on engagement per
impression, inside the rotation rules; pure draws first, then real runs against the fakes."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from conftest import EXAMPLE, XWorld, botx, botx_proc
from fakes.fake_openai import FakeOpenAI
from hypothesis import given, settings
from hypothesis import strategies as st
from ops_helpers import seed_posts, set_key

from botx_cli.config.locate import read_toml
from botx_cli.content.compose import History, plan_tweet
from botx_cli.content.experiments import Arm, ExperimentSettings, rank
from botx_cli.report.experiments import prob_best
from botx_cli.sections import parse_config

CFG = parse_config(EXAMPLE, read_toml(EXAMPLE))
ANGLES = [a.name for a in CFG.content.angles]  # cost, latency, autoscale, regions, uptime, support
ON = ExperimentSettings(enabled=True, explore=0.1, min_impressions=500, days=30, seed="")
SLOT = "2026-11-23T09:00:00+01:00"


def measured(rates: dict[str, float], impressions: int = 5000) -> dict[str, Arm]:
    return {name: Arm(name, 10, 10, impressions, round(rate * impressions)) for name, rate in rates.items()}


def first(arms: dict[str, Arm], conf: ExperimentSettings, seed: int, names: list[str] = ANGLES) -> str:
    keys = rank(arms, names, conf, random.Random(seed))[1]
    return min(names, key=lambda n: keys[n])


# -- the draws, as pure functions --------------------------------------------------------------


def test_the_better_arm_is_exploited_once_measured() -> None:
    arms = measured(
        {"cost": 0.05, "latency": 0.01, "autoscale": 0.01, "regions": 0.012, "uptime": 0.01, "support": 0.008}
    )
    picks = Counter(first(arms, ON, seed) for seed in range(3000))
    assert picks["cost"] / 3000 > 0.88  # 0.9 exploiting + a sixth of the 0.1 explored
    assert all(picks[name] < 0.05 * 3000 for name in ANGLES if name != "cost")


def test_close_arms_share_the_draws_in_proportion_to_the_evidence() -> None:
    arms = measured({"cost": 0.020, "latency": 0.018}, impressions=2000) | measured(
        dict.fromkeys(ANGLES[2:], 0.001), impressions=20000
    )
    picks = Counter(first(arms, ON, seed) for seed in range(3000))
    assert picks["cost"] > picks["latency"] > 0.15 * 3000  # uncertain leader: both keep being tried


@pytest.mark.parametrize("explore", [0.3, 1.0])
def test_the_exploration_floor_picks_uniformly(explore: float) -> None:
    arms = measured({"cost": 0.2, **dict.fromkeys(ANGLES[1:], 0.001)}, impressions=100_000)
    conf = ExperimentSettings(True, explore, 500, 30, "")
    picks = Counter(first(arms, conf, seed) for seed in range(6000))
    others = 6000 - picks["cost"]
    assert abs(others / 6000 - explore * 5 / 6) < 0.03  # only exploration ever leaves the clear winner
    if explore == 1.0:
        assert all(abs(picks[name] / 6000 - 1 / 6) < 0.03 for name in ANGLES)


def test_arms_below_min_impressions_are_tried_first_in_rotation_order() -> None:
    arms = measured({"cost": 0.05, "latency": 0.01, "autoscale": 0.01, "regions": 0.01})  # uptime, support unmeasured
    conf = ExperimentSettings(True, 0.0, 500, 30, "")
    keys = rank(arms | {"uptime": Arm("uptime", 3, 3, 499, 40)}, ANGLES, conf, random.Random(1))[1]
    ordered = sorted(ANGLES, key=lambda n: keys[n])  # a stable sort: ties keep the given (rotation) order
    assert ordered[:2] == ["uptime", "support"] and ordered[2] == "cost"


def test_no_data_at_all_is_plain_rotation() -> None:
    conf = ExperimentSettings(True, 0.0, 500, 30, "")
    for seed in range(50):
        history = History(own_angles=("cost",), other_angles=("latency",))
        plain = plan_tweet(CFG, "A", [], history, random.Random(seed))
        ranked = plan_tweet(
            CFG, "A", [], history, random.Random(seed), angle_rank=rank({}, ANGLES, conf, random.Random(seed))[1]
        )
        assert ranked == plain


def test_draws_are_deterministic_under_a_seed() -> None:
    arms = measured({name: 0.01 + 0.002 * i for i, name in enumerate(ANGLES)})
    one = [rank(arms, ANGLES, ON, random.Random(f"s|{i}")) for i in range(20)]
    assert one == [rank(arms, ANGLES, ON, random.Random(f"s|{i}")) for i in range(20)]
    assert len({first(arms, ON, seed) for seed in range(40)}) > 1  # yet they do vary with the seed


RATES = st.dictionaries(st.sampled_from(ANGLES), st.tuples(st.integers(0, 50_000), st.floats(0, 0.2)))


@pytest.mark.slow
@settings(deadline=None, max_examples=300)
@given(
    own=st.lists(st.sampled_from(ANGLES), max_size=6),
    other=st.lists(st.sampled_from(ANGLES), max_size=6),
    rates=RATES,
    explore=st.floats(0, 1),
    minimum=st.integers(0, 5000),
    seed=st.integers(0, 2**32),
)
def test_the_rotation_rules_stay_hard_constraints(own, other, rates, explore, minimum, seed) -> None:  # type: ignore[no-untyped-def]
    arms = {n: Arm(n, 5, 5, i, round(i * r)) for n, (i, r) in rates.items()}
    keys = rank(arms, ANGLES, ExperimentSettings(True, explore, minimum, 30, ""), random.Random(seed))[1]
    history = History(own_angles=tuple(own), other_angles=tuple(other))
    plan = plan_tweet(CFG, "A", [], history, random.Random(seed), angle_rank=keys)
    forbidden = set(own[:1]) | set(other[:1])
    assert plan.angle not in forbidden  # six angles: the rules can always be kept
    allowed = [n for n in ANGLES if n not in forbidden]
    assert keys[plan.angle] == min(keys[n] for n in allowed)  # and among the allowed, the draw decides


def test_probability_of_being_best_is_a_distribution() -> None:
    arms = list(measured({"cost": 0.04, "latency": 0.01, "autoscale": 0.01}).values())
    best = prob_best(arms)
    assert abs(sum(best) - 1) < 1e-9 and best[0] > 0.9 and best == prob_best(arms)  # fixed seed
    assert prob_best([Arm("a"), Arm("b")], draws=4000)[0] == pytest.approx(0.5, abs=0.05)


# -- real runs against the fakes ---------------------------------------------------------------


@pytest.fixture
def lab(xworld: XWorld) -> XWorld:
    set_key(xworld.config, "experiments", "enabled", "true")
    return xworld


def measure(world: XWorld, rates: dict[str, float], posts: int = 3, impressions: int = 2000) -> None:
    """Posts per angle made last week on account A, their metrics on the fake X, `botx metrics`."""
    start = datetime.fromisoformat("2026-11-16T09:00:00+01:00")
    for i, (angle, rate) in enumerate(rates.items()):
        moments = [(start + timedelta(hours=i * 5 + k)).isoformat() for k in range(posts)]
        for tweet_id in seed_posts(world.db, world, "A", "tok-a", moments, angle=angle):
            world.fake.set_metrics(tweet_id, impression_count=impressions, like_count=round(rate * impressions))
    world.at("2026-11-23T08:00:00+01:00")
    assert botx("metrics", "--days", "8").code == 0


def first_angle() -> str:
    return json.loads(botx("preview", "--account", "A", "--count", "1", "--json").out)[0]["angle"]


@pytest.mark.slow
def test_preview_follows_the_evidence_and_the_seed(lab: XWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    measure(
        lab, {"cost": 0.002, "latency": 0.002, "autoscale": 0.002, "regions": 0.06, "uptime": 0.002, "support": 0.002}
    )
    lab.at(SLOT)
    picks = []
    for seed in range(40):
        monkeypatch.setenv("BOTX_SEED", str(seed))
        picks.append(first_angle())
    assert Counter(picks)["regions"] >= 30  # exploited; the rest is the exploration floor
    monkeypatch.setenv("BOTX_SEED", "7")
    assert [first_angle() for _ in range(3)] == [first_angle()] * 3  # deterministic under a seed
    set_key(lab.config, "experiments", "enabled", "false")  # off: pure rotation, the seed means nothing
    rotation = set()
    for seed in range(5):
        monkeypatch.setenv("BOTX_SEED", str(seed))
        rotation.add(first_angle())
    assert len(rotation) == 1 and json.loads(botx("stats", "--json").out)["experiments"] == []


@pytest.mark.slow
def test_a_day_of_posts_keeps_the_rules_and_favours_the_winner(lab: XWorld) -> None:
    set_key(lab.config, "experiments", "min_impressions", "100")
    measure(lab, {n: (0.08 if n == "uptime" else 0.004) for n in ANGLES}, posts=2, impressions=1000)
    moments = []
    for k in range(10):  # A at 09:00 + 90 min * k, B 45 minutes later
        a = datetime.fromisoformat(SLOT) + timedelta(minutes=90 * k)
        moments += [("A", a), ("B", a + timedelta(minutes=45))]
    for account, when in moments:
        assert lab.post(account, when=when.isoformat()).code == 0
    rows = lab.rows("SELECT account, angle FROM attempts WHERE status = 'posted' AND kind = 'slot' ORDER BY id")
    assert len(rows) == 20
    for previous, current in pairwise(rows):
        assert previous[1] != current[1]  # A and B alternate: never one angle back to back
    for account in "AB":
        own = [angle for who, angle in rows if who == account]
        assert all(x != y for x, y in pairwise(own))  # no account repeats itself
    assert Counter(angle for _, angle in rows)["uptime"] >= 7  # nearly every other post; rotation gives ~3


def test_stats_shows_each_arm(lab: XWorld) -> None:
    measure(lab, {"cost": 0.05, "latency": 0.01, "autoscale": 0.01, "regions": 0.01}, posts=2, impressions=1000)
    lab.at(SLOT)
    doc = json.loads(botx("stats", "--json").out)
    [angles] = doc["experiments"]
    assert angles["kind"] == "angle" and [a["name"] for a in angles["arms"]] == ANGLES
    cost = angles["arms"][0]
    assert (cost["posts"], cost["measured"], cost["impressions"], cost["engagements"]) == (2, 2, 2000, 100)
    assert cost["engagement_rate"] == 0.05 and cost["sampled"] and not angles["arms"][-1]["sampled"]
    assert [a["p_best"] is None for a in angles["arms"]] == [False] * 4 + [True] * 2  # unmeasured: not judged
    assert abs(sum(a["p_best"] or 0 for a in angles["arms"]) - 1) < 0.01 and cost["p_best"] > 0.9
    terminal = botx("stats").out
    assert "Angle experiment · last 30 days" in terminal and "P(best)" in terminal and "(sampling)" in terminal


@pytest.mark.slow
def test_llm_prompt_variants_are_an_experiment_too(lab: XWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    variants = ["Lead with the saving in dollars.", "Open with a question a builder would ask."]
    with FakeOpenAI() as fake:
        set_key(lab.config, "compose", "strategy", '"llm"')
        set_key(lab.config, "compose.llm", "base_url", f'"{fake.base_url}"')
        set_key(lab.config, "compose.llm", "prompt_variants", json.dumps(variants))
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        for when in ("2026-11-23T09:00:00+01:00", "2026-11-23T10:30:00+01:00", "2026-11-23T12:00:00+01:00"):
            assert lab.post("A", when=when).code == 0
        rows = lab.rows("SELECT strategy, variant FROM attempts ORDER BY id")
        assert all(strategy == "llm" and variant in variants for strategy, variant in rows)
        systems = [r["json"]["messages"][0]["content"] for r in fake.chat_requests]
        assert [s.rsplit("For this post: ", 1)[1] for s in systems] == [v for _, v in rows]
        doc = json.loads(botx("stats", "--json").out)
        assert [e["kind"] for e in doc["experiments"]] == ["angle", "variant"]
        assert [a["name"] for a in doc["experiments"][1]["arms"]] == variants


def test_experiment_config_is_checked_up_front(lab: XWorld) -> None:
    set_key(lab.config, "experiments", "explore", "1.5")
    run = botx("post", "--account", "A")
    assert run.code == 2 and "[experiments] explore" in run.err
    set_key(lab.config, "experiments", "explore", "0.1")
    set_key(lab.config, "compose.llm", "prompt_variants", '["same", "same"]')
    assert "prompt_variants" in botx("post", "--account", "A").err


@pytest.mark.slow
def test_experiments_keep_the_warm_post_free_of_heavy_imports(lab: XWorld) -> None:
    measure(lab, {"cost": 0.05, "latency": 0.01})
    env = {**lab.env, "BOTX_NOW": SLOT, "PYTHONPROFILEIMPORTTIME": "1"}
    botx_proc("post", "--account", "A", "--dry-run", env=env)  # the cold run computes the affinities
    warm = botx_proc("post", "--account", "A", "--dry-run", env=env)
    assert warm.code == 0, warm.err
    imported = {line.split("|")[-1].strip().split(".")[0] for line in warm.err.splitlines() if "|" in line}
    assert not imported & {"numpy", "openai", "sklearn", "rich", "scipy"}
