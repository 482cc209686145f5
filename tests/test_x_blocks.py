"""What stops an account from posting, each a recorded skip with its reason, shown by stats
and doctor: `enabled = false` (issue 10 item 8), a 429 whose reset lies years ahead (item 11,
capped at 24 h, cleared by `resume`), and X's pay-per-use credits exhausted (item 24)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from conftest import XWorld, botx
from fakes.fake_x import USAGE_CAPPED
from fakes.webhook import WebhookReceiver
from ops_helpers import set_key

SLOT = "2026-11-23T09:00:00+01:00"
MISFIRE = "2026-11-23T09:30:00+01:00"
NEXT = "2026-11-23T10:30:00+01:00"
YEAR_2090 = str(int(datetime(2090, 1, 1, tzinfo=timezone.utc).timestamp()))


def posts(world: XWorld) -> list[dict]:
    return [r for r in world.fake.requests if r["path"] == "/2/tweets"]


# -- item 8 ---------------------------------------------------------------------------------------
def test_disabled_account_is_a_recorded_skip_without_credentials(xworld: XWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    set_key(xworld.config, "accounts.B", "enabled", "false")
    for part in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
        monkeypatch.delenv(f"BOTX_B_{part}")
    for extra in ((), ("--force",), ("--dry-run",)):
        run = xworld.post("B", "--json", *extra, when="2026-11-23T09:45:00+01:00")
        assert run.code == 0, run.err
        doc = json.loads(run.out)
        assert (doc["status"], doc["reason"]) == ("skipped", "disabled") and "enabled = false" in doc["detail"]
    assert xworld.fake.requests == []
    assert xworld.rows("SELECT status, reason FROM runs WHERE command = 'post'") == [("skipped", "disabled")] * 2
    stats = json.loads(botx("stats", "--json").out)["accounts"]["B"]
    assert stats["skips"] == {"disabled": 2} and stats["next_slot"] is None
    quiet = xworld.post("B", "--quiet")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")


# -- item 11 --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_reset_years_ahead_is_capped_said_and_cleared_by_resume(xworld: XWorld) -> None:
    xworld.at(SLOT)
    xworld.fake.enqueue("POST", "/2/tweets", status=429, headers={"x-rate-limit-reset": YEAR_2090})
    run = xworld.post("A", "--quiet")
    assert run.code == 75 and len(run.err.splitlines()) == 1, run.err  # said even under -q: cron mails it
    assert "capped at 24 h" in run.err and "2090" in run.err
    [(reset, note)] = xworld.rows(
        "SELECT reset_at, note FROM rate_limits WHERE endpoint = 'POST /2/tweets' AND kind = 'window'"
    )
    now = datetime.fromisoformat(SLOT)
    assert now < datetime.fromisoformat(reset.replace("Z", "+00:00")) <= now + timedelta(hours=24, minutes=15)
    assert "2090" in note
    later = json.loads(xworld.post("A", "--json", when=NEXT).out)
    assert later["reason"] == "rate_limited" and "capped" in later["detail"]
    assert "capped" in botx("doctor").out
    limits = json.loads(botx("stats", "--json").out)["accounts"]["A"]["rate_limits"]
    assert any(lim["blocked"] and "capped" in (lim["note"] or "") for lim in limits)
    resumed = botx("resume", "--account", "A")
    assert resumed.code == 0 and "cleared 1 stored X limit" in resumed.out, resumed.out
    assert json.loads(xworld.post("A", "--json", when="2026-11-23T10:35:00+01:00").out)["status"] == "posted"
    assert len(posts(xworld)) == 2


def test_a_day_after_the_capped_reset_the_account_posts_again(xworld: XWorld) -> None:
    xworld.at(SLOT)
    xworld.fake.enqueue("POST", "/2/tweets", status=429, headers={"x-rate-limit-reset": "1e999"})
    assert xworld.post("A").code == 75
    assert json.loads(xworld.post("A", "--json", when=MISFIRE).out)["reason"] == "rate_limited"
    run = xworld.post("A", "--json", when="2026-11-24T10:30:00+01:00")
    assert json.loads(run.out)["status"] == "posted", run.out + run.err


def test_limit_headers_in_milliseconds_are_read_as_seconds(xworld: XWorld) -> None:
    reset_ms = int((datetime.fromisoformat(SLOT) + timedelta(minutes=15)).timestamp() * 1000)
    xworld.at(SLOT)
    xworld.fake.enqueue("POST", "/2/tweets", headers={"x-rate-limit-reset": str(reset_ms)})
    assert xworld.post("A").code == 0
    assert xworld.rows(
        "SELECT reset_at, note FROM rate_limits WHERE endpoint = 'POST /2/tweets' AND kind = 'window'"
    ) == [("2026-11-23T08:15:00Z", None)]


# -- item 24 --------------------------------------------------------------------------------------
def test_402_is_not_retried_alerts_once_and_later_slots_skip(xworld: XWorld) -> None:
    set_key(xworld.config, "x", "credits_retry_minutes", "180")
    with WebhookReceiver() as hook:
        set_key(xworld.config, "notify", "webhook_url", f'"{hook.url}"')
        set_key(xworld.config, "trends", "policy", '"off"')
        xworld.fake.credits_exhausted = True
        run = xworld.post("A", when=SLOT)
        assert run.code == 75 and "credits" in run.err and len(run.err.splitlines()) == 1, run.err
        assert len(posts(xworld)) == 1  # not retried ([x] retries = 2)
        run_b = xworld.post("B", when="2026-11-23T09:45:00+01:00")  # the same developer account: one alert
        assert run_b.code == 75
        assert [text for text in hook.texts() if "credits" in text] == [hook.texts()[0]] and len(hook.texts()) == 1
    for when in (MISFIRE, NEXT):
        skipped = json.loads(xworld.post("A", "--json", when=when).out)
        assert (skipped["status"], skipped["reason"]) == ("skipped", "credits"), skipped
        assert "credits_retry_minutes" in skipped["detail"]
    assert len(posts(xworld)) == 2  # A once, B once: the skips never reach X
    stats = json.loads(botx("stats", "--json").out)["accounts"]["A"]
    assert stats["skips"] == {"credits": 2} and stats["failures"] == {"CreditsExhausted": 1}
    assert any(lim["kind"] == "credits" and lim["blocked"] for lim in stats["rate_limits"])
    assert "credits ran out" in botx("doctor").out
    xworld.fake.credits_exhausted = False
    after = xworld.post("A", "--json", when="2026-11-23T12:00:00+01:00")  # 180 minutes later
    assert json.loads(after.out)["status"] == "posted", after.out + after.err


def test_usage_capped_problem_blocks_like_credits_and_resume_lifts_it(xworld: XWorld) -> None:
    xworld.at(SLOT)
    xworld.fake.enqueue("POST", "/2/tweets", status=429, body=USAGE_CAPPED, headers={"x-rate-limit-remaining": "99"})
    run = xworld.post("A")
    assert run.code == 75 and "credits" in run.err
    assert json.loads(xworld.post("A", "--json", when=MISFIRE).out)["reason"] == "credits"
    assert "cleared" in botx("resume").out
    assert json.loads(xworld.post("A", "--json", when="2026-11-23T09:40:00+01:00").out)["status"] == "posted"
