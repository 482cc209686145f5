"""`botx post` against a fake X speaking real HTTP: tweepy is pointed at it by api_base_url."""

from __future__ import annotations

import json

import pytest
from conftest import XWorld, botx
from ops_helpers import set_key

SLOT = "2026-11-23T09:00:00+01:00"


def test_post_records_tweet_and_rate_limit_headers(xworld: XWorld) -> None:
    run = xworld.post("A", "--json", when=SLOT)
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["status"] == "posted" and doc["tweet_id"]
    [tweet] = xworld.fake.tweets
    assert tweet["text"] == doc["text"] and tweet["author_id"] == "1001"
    assert xworld.rows("SELECT status, tweet_id, slot_key FROM attempts") == [
        ("posted", doc["tweet_id"], "2026-11-23T09:00+0100")
    ]
    kinds = {row[0]: row[1] for row in xworld.rows("SELECT kind, remaining FROM rate_limits")}
    assert kinds["user_24h"] == 16 and "window" in kinds and "app_24h" in kinds
    assert xworld.rows("SELECT endpoint, cost_usd FROM api_calls") == [("POST /2/tweets", 0.2)]
    assert 1 <= len(doc["hashtags"]) <= 2


def test_quiet_success_prints_nothing(xworld: XWorld) -> None:
    run = xworld.post("A", "--quiet", when=SLOT)
    assert (run.code, run.out, run.err) == (0, "", "")


def test_misfire_in_same_slot_is_skipped_and_recorded(xworld: XWorld) -> None:
    assert xworld.post("A", when=SLOT).code == 0
    run = xworld.post("A", "--json", when="2026-11-23T09:05:00+01:00")
    assert run.code == 0 and json.loads(run.out)["reason"] == "slot_taken"
    assert len(xworld.fake.tweets) == 1
    assert ("skipped", "slot_taken") in xworld.rows("SELECT status, reason FROM runs")


@pytest.mark.slow
def test_429_stores_reset_exits_75_then_skips_until_reset(xworld: XWorld) -> None:
    reset = int(xworld.clock[0]) + 3600
    xworld.at(SLOT)
    xworld.fake.enqueue(
        "POST",
        "/2/tweets",
        status=429,
        headers={"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    run = xworld.post("A")
    assert run.code == 75 and "rate limit" in run.err and len(run.err.splitlines()) == 1
    assert xworld.rows("SELECT status FROM attempts") == [("failed",)]
    later = xworld.post("A", "--json", when="2026-11-23T09:30:00+01:00")
    assert json.loads(later.out)["reason"] == "rate_limited" and len(xworld.fake.requests) == 1
    after_reset = xworld.post("A", "--json", when="2026-11-23T10:30:00+01:00")
    assert json.loads(after_reset.out)["status"] == "posted"


def test_24_hour_cap_exhausted_skips_until_its_reset(xworld: XWorld) -> None:
    xworld.fake.post_limit_24h = 1
    assert xworld.post("A", when=SLOT).code == 0
    run = xworld.post("A", "--json", when="2026-11-23T10:30:00+01:00")
    assert json.loads(run.out)["reason"] == "rate_limited" and len(xworld.fake.tweets) == 1


def test_5xx_is_retried_then_posts(xworld: XWorld) -> None:
    xworld.at(SLOT)
    xworld.fake.enqueue("POST", "/2/tweets", status=503)
    run = xworld.post("A")
    assert run.code == 0, run.err
    assert [r["status"] for r in xworld.fake.requests] == [503, 201]


def test_persistent_5xx_exits_75_and_frees_the_slot(xworld: XWorld) -> None:
    xworld.at(SLOT)
    for _ in range(3):
        xworld.fake.enqueue("POST", "/2/tweets", status=500)
    run = xworld.post("A")
    assert run.code == 75 and "server error" in run.err
    assert xworld.post("A", when="2026-11-23T09:10:00+01:00").code == 0  # cron retries in the slot


def test_401_exits_77_with_a_hint(xworld: XWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "revoked")
    run = xworld.post("A", when=SLOT)
    assert run.code == 77 and "regenerate" in run.err and "revoked" not in run.err


def test_read_only_app_403_exits_77_naming_write_permission(xworld: XWorld) -> None:
    xworld.fake.set_read_only("tok-a")
    run = xworld.post("A", when=SLOT)
    assert run.code == 77 and "Read and Write" in run.err


def test_duplicate_403_composes_a_different_tweet_once(xworld: XWorld) -> None:
    xworld.at(SLOT)
    xworld.fake.enqueue(
        "POST",
        "/2/tweets",
        status=403,
        body={
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403,
        },
    )
    run = xworld.post("A", "--json", "-v")
    assert run.code == 0, run.err
    first, second = [r["json"]["text"] for r in xworld.fake.requests]
    assert first != second and json.loads(run.out)["text"] == second


def test_duplicate_twice_exits_3(xworld: XWorld) -> None:
    xworld.at(SLOT)
    for _ in range(2):
        xworld.fake.enqueue(
            "POST",
            "/2/tweets",
            status=403,
            body={"detail": "You are not allowed to create a Tweet with duplicate content.", "status": 403},
        )
    run = xworld.post("A")
    assert run.code == 3 and "duplicate" in run.err
    assert xworld.rows("SELECT status, error_kind FROM attempts") == [("failed", "DuplicateContent")]


def test_manual_text_is_validated_and_nothing_sent_when_invalid(xworld: XWorld) -> None:
    set_key(xworld.config, "compose", "promo_every", "1")  # the code in every post: a manual text needs it too
    run = xworld.post("A", "--text", "BUY GPUS NOW!!! no code, no link", when=SLOT)
    assert run.code == 3 and "promo" in run.err and "link" in run.err
    assert xworld.fake.requests == []


def test_manual_text_posts_when_valid(xworld: XWorld) -> None:
    text = (
        "Fine-tune your model tonight on rented GPUs, billed by the second. Code SHA-256-C7E8976BBAF2 "
        "takes 5% off. https://voltagegpu.com/ #CloudGPU"
    )
    run = xworld.post("A", "--text", text, "--json", when="2026-11-23T03:00:00+01:00")
    assert run.code == 0, run.err
    assert xworld.fake.tweets[0]["text"] == text
    assert xworld.rows("SELECT kind, slot_key FROM attempts") == [("manual", None)]
    again = xworld.post("A", "--text", text, "--force", when="2026-11-24T03:00:00+01:00")
    assert again.code == 3 and "duplicate" in again.err  # --force never skips the duplicate check


def test_dry_run_sends_and_records_no_post(xworld: XWorld) -> None:
    run = xworld.post("A", "--dry-run", "--json", when=SLOT)
    assert run.code == 0 and json.loads(run.out)["status"] == "dry_run"
    assert xworld.fake.requests == [] and xworld.rows("SELECT COUNT(*) FROM attempts") == [(0,)]


def test_force_posts_outside_the_window(xworld: XWorld) -> None:
    assert json.loads(xworld.post("A", "--json", when="2026-11-23T04:00:00+01:00").out)["reason"] == "outside_window"
    run = xworld.post("A", "--force", "--json", when="2026-11-23T04:00:00+01:00")
    assert json.loads(run.out)["status"] == "posted"
    assert xworld.rows("SELECT kind FROM attempts WHERE status = 'posted'") == [("forced",)]


@pytest.mark.slow
def test_pause_resume_and_cooldown(xworld: XWorld) -> None:
    xworld.at(SLOT)
    assert botx("pause").code == 0
    assert json.loads(xworld.post("A", "--json").out)["reason"] == "paused"
    assert botx("resume").code == 0
    assert botx("pause", "--account", "A", "--minutes", "60").code == 0
    assert json.loads(xworld.post("A", "--json", when="2026-11-23T09:30:00+01:00").out)["reason"] == "paused"
    assert json.loads(xworld.post("A", "--json", when="2026-11-23T10:30:00+01:00").out)["status"] == "posted"


def test_lost_answer_is_found_on_the_timeline(xworld: XWorld) -> None:
    xworld.at(SLOT)
    xworld.fake.enqueue("POST", "/2/tweets", status=None, accept_first=True, close_connection=True)
    run = xworld.post("A", "--json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["status"] == "posted" and doc["tweet_id"] == xworld.fake.tweets[0]["id"]
    assert len(xworld.fake.tweets) == 1


def test_lost_answer_without_reads_is_unknown_and_keeps_the_slot(xworld: XWorld, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = xworld.config.read_text().replace("reads = true", "reads = false")
    xworld.config.write_text(text)
    xworld.at(SLOT)
    xworld.fake.enqueue("POST", "/2/tweets", status=None, accept_first=True, close_connection=True)
    assert xworld.post("A").code == 75
    assert xworld.rows("SELECT status FROM attempts") == [("unknown",)]
    assert json.loads(xworld.post("A", "--json", when="2026-11-23T09:10:00+01:00").out)["reason"] == "slot_taken"
    assert json.loads(xworld.post("A", "--json", when="2026-11-23T10:30:00+01:00").out)["status"] == "posted"


def test_doctor_online_checks_each_account(xworld: XWorld) -> None:
    run = botx("doctor", "--online")
    assert run.code == 0, run.out + run.err
    assert "@VOLTAGEGPU" in run.out and "tok-a" not in run.out


def test_doctor_reports_missing_credentials(xworld: XWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("BOTX_B_ACCESS_TOKEN_SECRET")
    run = botx("doctor")
    assert run.code == 2 and "BOTX_B_ACCESS_TOKEN_SECRET" in run.out


def test_doctor_needs_no_credentials_for_a_disabled_account(xworld: XWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`enabled = false` needs no credentials (post skips it first): doctor says disabled, exit 0."""
    for part in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
        monkeypatch.delenv(f"BOTX_B_{part}")
    xworld.config.write_text(xworld.config.read_text().replace("enabled = true", "enabled = false"))
    run = botx("doctor")
    assert run.code == 0, run.out
    assert "account B: disabled (enabled = false): no credentials needed" in " ".join(run.out.split())
