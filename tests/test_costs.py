"""Spend: configured prices, the monthly budget gate (pure, then end to end), doctor's projection."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from conftest import XWorld, botx
from ops_helpers import set_key

from botx_cli.config.core import Schedule
from botx_cli.schedule.gates import AccountState, decide

TZ = ZoneInfo("Europe/Paris")
SCHEDULE = Schedule(90, 45, 9 * 60, 23 * 60 + 30, 10, 45)
SLOT = "2026-11-23T09:00:00+01:00"


def state(spent: float, budget: float, next_post: float = 0.2) -> AccountState:
    return AccountState(None, 0, None, False, None, spend_month_usd=spent, budget_usd=budget, next_post_usd=next_post)


def test_budget_gate_is_pure_and_not_forced() -> None:
    now = datetime.fromisoformat(SLOT)
    assert decide(now, SCHEDULE, TZ, 0, state(9.7, 10.0)).allowed
    blocked = decide(now, SCHEDULE, TZ, 0, state(9.81, 10.0))
    assert (blocked.allowed, blocked.reason) == (False, "budget") and "$9.81 spent of $10.00" in blocked.detail
    assert decide(now, SCHEDULE, TZ, 0, state(9.81, 10.0), force=True).reason == "budget"
    assert decide(now, SCHEDULE, TZ, 0, state(1e6, 0.0)).allowed  # 0 = no budget
    assert decide(now, SCHEDULE, TZ, 0, state(9.8, 10.0)).allowed  # exactly reaching it is allowed


def test_budget_skips_posts_until_next_month(xworld: XWorld) -> None:
    set_key(xworld.config, "costs", "monthly_budget_usd", "0.5")
    assert xworld.post("A", when="2026-11-30T09:00:00+01:00").code == 0
    assert xworld.post("B", when="2026-11-30T09:45:00+01:00").code == 0
    skipped = json.loads(xworld.post("A", "--json", when="2026-11-30T10:30:00+01:00").out)
    assert (skipped["status"], skipped["reason"]) == ("skipped", "budget")
    assert len(xworld.fake.tweets) == 2
    # 1 December in Paris: a new month, the spend starts again from zero
    december = json.loads(xworld.post("A", "--json", when="2026-12-01T09:00:00+01:00").out)
    assert december["status"] == "posted"
    stats = json.loads(botx("stats", "--json").out)
    assert stats["spend"]["budget_usd"] == 0.5 and stats["spend"]["spend_usd"] == 0.2


def test_configured_prices_are_what_is_recorded(xworld: XWorld) -> None:
    set_key(xworld.config, "costs.prices", "post_with_url", "0.25")
    assert xworld.post("A", when=SLOT).code == 0
    assert xworld.rows("SELECT endpoint, cost_usd FROM api_calls") == [("POST /2/tweets", 0.25)]


def test_bad_costs_config_names_the_key(xworld: XWorld) -> None:
    set_key(xworld.config, "costs.prices", "posts", "1")
    run = botx("stats")
    assert run.code == 2 and "[costs.prices] posts" in run.err and "unknown price" in run.err
    set_key(xworld.config, "costs.prices", "posts", "0.1")  # still unknown
    xworld.config.write_text(xworld.config.read_text().replace("posts = 0.1\n", ""))
    set_key(xworld.config, "costs", "monthly_budget_usd", "-5")
    run = botx("stats")
    assert run.code == 2 and "[costs] monthly_budget_usd" in run.err


def test_doctor_shows_month_spend_and_projection(xworld: XWorld) -> None:
    set_key(xworld.config, "costs", "monthly_budget_usd", "1")
    for when in ("2026-11-02T09:00:00+01:00", "2026-11-02T10:30:00+01:00", "2026-11-02T12:00:00+01:00"):
        assert xworld.post("A", when=when).code == 0
    xworld.at("2026-11-16T00:00:00+01:00")  # half of November gone: $0.60 projects to about $1.20
    run = botx("doctor")
    line = " ".join(run.out.split("spend: ", 1)[1].split())
    assert "$0.60 in 3 API calls since 2026-11-01" in line and "projected $1.20" in line
    assert "on pace" in run.out
