"""[compose] link_every / promo_every: the spread, the checks that follow it, the budget gate's
price of the next post, and the monthly cost table of doctor, preview and stats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLE, XWorld, botx, make_config
from hypothesis import given, settings
from hypothesis import strategies as st
from ops_helpers import set_key

from botx_cli.config.locate import read_toml
from botx_cli.content.link_policy import cost_table, due, posts_per_day
from botx_cli.sections import parse_config

NOW = "2026-11-23T09:00:00+01:00"
CFG = parse_config(EXAMPLE, read_toml(EXAMPLE))


@settings(deadline=None, max_examples=200)
@given(st.integers(0, 12), st.integers(1, 60), st.lists(st.booleans(), max_size=12))
def test_one_post_in_n_carries_it_whatever_came_before(every: int, posts: int, before: list[bool]) -> None:
    recent = tuple(before)
    made = []
    for _ in range(posts):
        carries = due(every, recent)
        made.append(carries)
        recent = (carries, *recent)
    if every == 0:
        assert not any(made)
    elif every == 1:
        assert all(made)
    else:
        gaps = [i for i, carries in enumerate(made) if carries]
        assert all(b - a == every for a, b in zip(gaps, gaps[1:]))  # evenly spread
        if len(made) >= every:
            assert gaps and gaps[0] < every  # never a run of N without it
        windows = [made[i : i + every] for i in range(gaps[0], len(made) - every + 1)] if gaps else []
        assert all(sum(w) == 1 for w in windows)  # exactly one in every N consecutive posts


@pytest.fixture
def policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = make_config(tmp_path, link_every="3", promo_every="2")
    monkeypatch.setenv("BOTX_CONFIG", str(config))
    monkeypatch.setenv("BOTX_NOW", NOW)
    return config


def test_preview_spreads_link_and_code_one_in_n_per_account_over_a_day(policy: Path) -> None:
    run = botx("preview", "--json", "--count", "10")
    assert run.code == 0, run.err
    items = json.loads(run.out)
    assert all(i["valid"] for i in items), [i for i in items if not i["valid"]]
    for account in "AB":
        own = [i["text"] for i in items if i["account"] == account]
        links = [("https://voltagegpu.com/?" in t) for t in own]
        codes = [("SHA-256-C7E8976BBAF2" in t) for t in own]
        assert links == [True, False, False] * 3 + [True]  # exactly one in 3, evenly, deterministic
        assert codes == [True, False] * 5
        for text, linked in zip(own, links):
            assert ("https://" in text) == linked
            if not linked:  # the profile line points the reader to the link
                assert "profile" in text, text
    assert botx("preview", "--json", "--count", "10").out == run.out  # the same every time


def test_check_follows_the_policy_for_a_manual_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_link = (
        "Fine-tune tonight on GPUs billed by the second. Code SHA-256-C7E8976BBAF2 takes 5% off. "
        "https://voltagegpu.com/ #CloudGPU"
    )
    without = "Fine-tune tonight on GPUs billed by the second. Code SHA-256-C7E8976BBAF2 takes 5% off. #CloudGPU"
    bare = without.replace("#CloudGPU", "voltagegpu.com #CloudGPU")  # X links a bare domain, and bills it
    expected = {"1": (True, False, False), "3": (True, True, True), "0": (False, True, False)}
    for every, (ok_with, ok_without, ok_bare) in expected.items():
        monkeypatch.setenv("BOTX_CONFIG", str(make_config(tmp_path, link_every=every)))
        checks = [
            json.loads(botx("check", text, "--json").out)["checks"]["link"] for text in (with_link, without, bare)
        ]
        assert checks == [ok_with, ok_without, ok_bare], (every, checks)


def test_budget_gate_prices_the_next_post_by_its_link(xworld: XWorld) -> None:
    set_key(xworld.config, "compose", "link_every", "2")
    set_key(xworld.config, "costs", "monthly_budget_usd", "0.22")
    assert xworld.post("A", when="2026-11-30T09:00:00+01:00").code == 0  # with the link: $0.20
    second = json.loads(xworld.post("A", "--json", when="2026-11-30T10:30:00+01:00").out)
    assert second["status"] == "posted" and "https://" not in second["text"]  # $0.015 fits in the $0.02 left
    third = json.loads(xworld.post("A", "--json", when="2026-11-30T12:00:00+01:00").out)
    assert (third["status"], third["reason"]) == ("skipped", "budget")  # the link is due again: $0.20 does not
    assert xworld.rows("SELECT cost_usd FROM api_calls ORDER BY id") == [(0.2,), (0.015,)]


def test_cost_table_of_the_example() -> None:
    assert posts_per_day(CFG) == 20
    rows = {row.link_every: row for row in cost_table(CFG)}
    assert list(rows) == [1, 2, 3, 5, 0] and rows[1].current
    assert round(rows[1].monthly_usd, 2) == 121.67  # 20 posts x 365/12 days x $0.20
    assert round(rows[5].monthly_usd, 2) == 31.63  # 1 in 5 at $0.20, 4 in 5 at $0.015
    assert round(rows[0].monthly_usd, 2) == 9.12
    assert [r.monthly_usd for r in rows.values()] == sorted((r.monthly_usd for r in rows.values()), reverse=True)


def test_doctor_preview_and_stats_show_the_cost_table(policy: Path) -> None:
    set_key(policy, "costs.prices", "post_with_url", "0.25")
    set_key(policy, "schedule", "daily_cap", "8")
    doctor = botx("doctor").out
    assert "16 posts a day" in doctor and "$0.250 with a link" in doctor
    assert "link_every 3" in doctor and "<- current" in doctor.split("link_every 3", 1)[1].split("\n")[0]
    preview = botx("preview", "--count", "1").out
    assert "X cost of the posts per month" in preview and "1 post in 5" in preview
    stats = json.loads(botx("stats", "--json").out)["x_cost"]
    current = [row for row in stats if row["current"]]
    assert [row["link_every"] for row in stats] == [1, 2, 3, 5, 0] and current[0]["link_every"] == 3
    assert current[0]["monthly_usd"] == round(16 * 365 / 12 * (0.25 / 3 + 0.015 * 2 / 3), 2)
    assert "X cost per month" in botx("stats").out


def test_policy_keys_are_read_at_load(tmp_path: Path) -> None:
    for key, value, problem in (("link_every", "-1", "between 0 and 1000"), ("promo_every", '"2"', "an integer")):
        run = botx("--config", str(make_config(tmp_path, **{key: value})), "cron")
        assert run.code == 2 and f"[compose] {key}" in run.err and problem in run.err, run.err
