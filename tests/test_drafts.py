"""The review queue: `botx drafts ...` and `botx post` under [review] require_approval, against
the loopback fake X (and the loopback trend site for trend freshness)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from conftest import XWorld, botx, botx_proc
from fakes.trend_site import TrendSite, gpu_trend_site, point_trends, trends_section

from botx_cli.content.validate import CHECKS
from botx_cli.sections import load_config
from botx_cli.trends.calendar import calendar_tags

BEFORE = "2026-11-23T08:50:00+01:00"  # Monday, before A's first slot (09:00)
SLOTS = ["2026-11-23T09:00:00+01:00", "2026-11-23T10:30:00+01:00", "2026-11-23T12:00:00+01:00"]
PREVIEW_KEYS = {"account", "text", "hashtags", "trend", "angle", "weighted_length", "checks", "valid"}
DUPLICATE = {"detail": "You are not allowed to create a Tweet with duplicate content.", "status": 403}


def review_on(world: XWorld, line: str = "require_approval = true") -> None:
    text = world.config.read_text()
    assert text.count("\nrequire_approval = false") == 1  # the example config's [review] section
    world.config.write_text(text.replace("\nrequire_approval = false", "\n" + line))


def drafts(*args: str) -> list[dict]:
    run = botx("drafts", *args, "--json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def generate(account: str = "A", count: int = 3) -> list[dict]:
    return drafts("generate", "--account", account, "--count", str(count))


def by_id(world: XWorld) -> dict[int, tuple]:
    return {row[0]: row[1:] for row in world.rows("SELECT id, status, reason, attempt_id, tweet_id FROM drafts")}


@pytest.fixture
def queue(xworld: XWorld) -> XWorld:
    review_on(xworld)
    xworld.at(BEFORE)
    return xworld


def test_generate_queues_what_preview_shows_as_pending_drafts(queue: XWorld) -> None:
    preview = json.loads(botx("preview", "--account", "A", "--count", "3", "--json").out)
    made = generate("A", 3)
    assert [d["text"] for d in made] == [p["text"] for p in preview]  # composed exactly as preview does
    assert [d["id"] for d in made] == [1, 2, 3]
    for draft in made:
        assert set(draft) >= PREVIEW_KEYS | {"id", "status"} and draft["status"] == "pending"
        assert draft["valid"] is True and set(draft["checks"]) == set(CHECKS) and draft["account"] == "A"
        assert draft["weighted_length"] <= 280 and draft["hashtags"]
    again = generate("A", 3)  # the queued drafts count as coming posts: nothing repeats them
    assert {d["text"] for d in again}.isdisjoint({d["text"] for d in made})
    assert again[0]["angle"] != made[-1]["angle"]
    assert queue.fake.requests == [] and queue.rows("SELECT COUNT(*) FROM attempts") == [(0,)]
    human = botx("drafts", "generate", "--account", "B", "--count", "1")
    assert human.code == 0 and "#7 · B · pending" in human.out


def test_invalid_compositions_are_not_queued(queue: XWorld) -> None:
    queue.config.write_text(queue.config.read_text().replace("max_caps_ratio = 0.3", "max_caps_ratio = 0.0"))
    run = botx("drafts", "generate", "--account", "A", "--count", "2")
    assert run.code == 3 and "caps x2" in run.err and len(run.err.splitlines()) == 1
    assert queue.rows("SELECT COUNT(*) FROM drafts") == [(0,)]


def test_list_filters_and_shapes(queue: XWorld) -> None:
    generate("A", 2)
    generate("B", 1)
    assert [d["account"] for d in drafts("list")] == ["A", "A", "B"]
    assert [d["id"] for d in drafts("list", "--account", "b")] == [3]
    assert botx("drafts", "approve", "2").code == 0
    [approved] = drafts("list", "--status", "approved")
    assert approved["id"] == 2 and approved["approved_at"] and set(approved) >= PREVIEW_KEYS | {"id", "status"}
    bad = botx("drafts", "list", "--status", "done")
    assert bad.code == 2 and "unknown draft status 'done'" in bad.err and len(bad.err.splitlines()) == 1
    assert botx("drafts", "list", "--account", "Z").code == 2
    listed = botx("drafts", "list")
    assert listed.code == 0 and "#2 · A · approved" in listed.out


def test_approve_reject_round_trip_and_unknown_ids(queue: XWorld) -> None:
    generate("A", 3)
    run = botx("drafts", "approve", "1", "2")
    assert run.code == 0 and run.out.splitlines() == ["draft 1 (A): approved", "draft 2 (A): approved"]
    assert botx("drafts", "reject", "2", "3").code == 0
    assert [d["status"] for d in drafts("list")] == ["approved", "rejected", "rejected"]
    assert botx("drafts", "approve", "2").code == 0  # a person may change their mind
    unknown = botx("drafts", "approve", "3", "42")
    assert unknown.code == 2 and unknown.err.count("\n") == 1 and "unknown draft id 42" in unknown.err
    assert [d["status"] for d in drafts("list")] == ["approved", "approved", "rejected"]  # all or nothing
    for verb in ("approve", "reject"):
        assert botx("drafts", verb, "7").code == 2
    assert botx("drafts", "edit", "9", "--text", "x").code == 2
    assert botx("drafts", "approve", "abc").code == 2


def test_edit_is_revalidated_and_needs_a_new_approval(queue: XWorld) -> None:
    [first] = generate("A", 1)
    assert botx("drafts", "approve", "1").code == 0
    text = (
        "Fine-tune tonight on GPUs billed by the second. Code SHA-256-C7E8976BBAF2 takes 5% off. "
        "https://voltagegpu.com/ #CloudGPU"
    )
    edited = json.loads(botx("drafts", "edit", "1", "--text", text, "--json").out)
    assert edited["text"] == text and edited["status"] == "pending" and edited["strategy"] == "edited"
    assert edited["hashtags"] == ["#CloudGPU"] and edited["trend"] is None  # its trend tag was edited out
    assert edited["valid"] and edited["weighted_length"] < first["weighted_length"]
    bad = botx("drafts", "edit", "1", "--text", "BUY GPUS NOW!!! no code, no link")
    # the example puts the link in every post (link_every = 1), so a manual text needs it too
    assert bad.code == 3 and "link" in bad.err and "unchanged" in bad.err and len(bad.err.splitlines()) == 1
    assert drafts("list")[0]["text"] == text


def test_post_sends_the_oldest_approved_draft_only(queue: XWorld) -> None:
    made = generate("A", 3)
    assert botx("drafts", "approve", "3", "2").code == 0
    run = queue.post("A", "--json", when=SLOTS[0])
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["status"] == "posted" and doc["text"] == made[1]["text"] and doc["hashtags"] == made[1]["hashtags"]
    [tweet] = queue.fake.tweets
    assert tweet["text"] == made[1]["text"]
    [(attempt_id, kind, angle, trend)] = queue.rows("SELECT id, kind, angle, trend FROM attempts")
    assert (kind, angle, trend) == ("slot", made[1]["angle"], made[1]["trend"])
    states = by_id(queue)
    assert states[2] == ("posted", None, attempt_id, doc["tweet_id"])
    assert states[1][0] == "pending" and states[3][0] == "approved"
    assert json.loads(queue.post("A", "--json", when=SLOTS[1]).out)["text"] == made[2]["text"]
    third = queue.post("A", "--json", when=SLOTS[2])
    assert third.code == 0 and json.loads(third.out)["reason"] == "no_approved_draft"
    assert len(queue.fake.tweets) == 2 and by_id(queue)[1][0] == "pending"  # never sent unapproved


def test_no_approved_draft_is_a_recorded_skip(queue: XWorld) -> None:
    run = queue.post("A", "--json", when=SLOTS[0])
    assert run.code == 0 and json.loads(run.out)["status"] == "skipped"
    assert json.loads(run.out)["reason"] == "no_approved_draft"
    assert queue.fake.requests == [] and queue.rows("SELECT COUNT(*) FROM attempts") == [(0,)]
    assert queue.rows("SELECT status, reason FROM runs") == [("skipped", "no_approved_draft")]
    assert queue.post("A", "--quiet", when=SLOTS[1]).out == ""
    outside = queue.post("A", "--json", when="2026-11-23T04:00:00+01:00")  # gates come first
    assert json.loads(outside.out)["reason"] == "outside_window"


def test_gates_still_apply_and_dry_run_changes_nothing(queue: XWorld) -> None:
    generate("A", 2)
    assert botx("drafts", "approve", "1", "2").code == 0
    dry = queue.post("A", "--dry-run", "--json", when=SLOTS[0])
    assert json.loads(dry.out)["status"] == "dry_run" and json.loads(dry.out)["text"] == drafts("list")[0]["text"]
    assert [s for s, *_ in by_id(queue).values()] == ["approved", "approved"] and queue.fake.requests == []
    assert queue.post("A", when=SLOTS[0]).code == 0
    assert json.loads(queue.post("A", "--json", when="2026-11-23T09:10:00+01:00").out)["reason"] == "slot_taken"
    assert botx("pause", "--account", "A").code == 0
    assert json.loads(queue.post("A", "--json", when=SLOTS[1]).out)["reason"] == "paused"
    assert by_id(queue)[2][0] == "approved"


OCCASIONS = """[[occasions]]
name = "Launch Day"
date = "11-23"
[[occasions]]
name = "Demo Day"
date = "2026-11-23"
[[occasions]]
name = "Black Friday week"
rule = "4th thursday of november -3 days"
days = 8

"""


def test_calendar_draft_expires_when_its_day_has_passed(queue: XWorld) -> None:
    text = re.sub(r"(?ms)^\[\[occasions\]\].*?(?=^\[trends\])", "", queue.config.read_text())
    queue.config.write_text(text.replace("[trends]\n", OCCASIONS + "[trends]\n", 1))
    cfg = load_config(str(queue.config))
    made = generate("A", 3)
    monday = {t.casefold() for t in calendar_tags(cfg, datetime.fromisoformat(BEFORE))}
    tuesday = {t.casefold() for t in calendar_tags(cfg, datetime.fromisoformat("2026-11-24T09:00:00+01:00"))}
    assert monday == {"#launchday", "#demoday", "#blackfridayweek"} and tuesday == {"#blackfridayweek"}
    assert all(d["trend"] and d["trend"].casefold() in monday for d in made)  # offline: occasions only
    assert botx("drafts", "approve", "1", "2", "3").code == 0
    stale = [d for d in made if d["trend"].casefold() not in tuesday]
    fresh = [d for d in made if d["trend"].casefold() in tuesday]  # a week-long occasion still holds on Tuesday
    assert stale and fresh
    run = queue.post("A", "--json", "-v", when="2026-11-24T09:00:00+01:00")
    assert run.code == 0, run.err
    assert json.loads(run.out)["text"] == fresh[0]["text"]
    listed = {d["id"]: d for d in drafts("list")}
    for draft in stale:
        if draft["id"] < fresh[0]["id"]:
            assert listed[draft["id"]]["status"] == "expired"
            assert listed[draft["id"]]["reason"] == f"calendar tag {draft['trend']} was for 2026-11-23"


@pytest.fixture
def site() -> Iterator[TrendSite]:
    with gpu_trend_site() as server:
        yield server


@pytest.mark.slow
def test_trend_draft_expires_once_the_trend_left_the_cache(queue: XWorld, site: TrendSite) -> None:
    point_trends(queue.config, trends_section(site))
    assert botx("trends", "--refresh", "--quiet").code == 0
    first, second = generate("A", 2)
    calendar = {t.casefold() for t in calendar_tags(load_config(str(queue.config)), datetime.fromisoformat(BEFORE))}
    assert first["trend"] == "#NvidiaEarnings" and second["trend"].casefold() not in calendar  # cached trends
    assert botx("drafts", "approve", "1", "2").code == 0
    assert json.loads(queue.post("A", "--json", when=SLOTS[0]).out)["text"] == first["text"]  # fresh: posted
    for path in ("/rss", "/trends24/", "/getdaytrends/", "/trends/api/dailytrends"):
        site.options(path, status=500)  # every source down: the cache ages past max_age_hours (24)
    run = queue.post("A", "--json", when="2026-11-24T10:30:00+01:00")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["reason"] == "no_approved_draft" and f"draft 2 expired: trend {second['trend']}" in doc["detail"]
    [expired] = drafts("list", "--status", "expired")
    assert expired["id"] == 2 and expired["reason"].startswith(
        f"trend {second['trend']} is no longer in the trend cache"
    )
    assert len(queue.fake.tweets) == 1


def test_duplicate_check_at_post_time_refuses_the_second_copy(queue: XWorld) -> None:
    first, _second = generate("A", 2)
    assert botx("drafts", "edit", "2", "--text", first["text"]).code == 0  # valid: nothing posted it yet
    assert botx("drafts", "approve", "1", "2").code == 0
    assert queue.post("A", when=SLOTS[0]).code == 0
    run = queue.post("A", when=SLOTS[1])
    assert run.code == 3 and "draft 2" in run.err and "duplicate" in run.err and len(run.err.splitlines()) == 1
    assert len(queue.fake.tweets) == 1 and queue.rows("SELECT COUNT(*) FROM attempts") == [(1,)]
    [refused] = [d for d in drafts("list") if d["id"] == 2]
    assert refused["status"] == "invalid" and refused["checks"]["duplicate"] is False
    assert refused["reason"] == "fails checks at post time: duplicate, near_duplicate"
    assert json.loads(queue.post("A", "--json", when=SLOTS[2]).out)["reason"] == "no_approved_draft"


def test_x_refusing_a_draft_as_duplicate_takes_the_next_approved(queue: XWorld) -> None:
    made = generate("A", 2)
    assert botx("drafts", "approve", "1", "2").code == 0
    queue.at(SLOTS[0])
    queue.fake.enqueue("POST", "/2/tweets", status=403, body=DUPLICATE)
    run = queue.post("A", "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["text"] == made[1]["text"]
    states = by_id(queue)
    assert states[1][:2] == ("invalid", "X refused it as a duplicate") and states[2][0] == "posted"


def test_a_failed_send_puts_the_draft_back_in_the_queue(queue: XWorld) -> None:
    made = generate("A", 1)
    assert botx("drafts", "approve", "1").code == 0
    queue.at(SLOTS[0])
    queue.fake.enqueue("POST", "/2/tweets", status=429)  # X refused it: nothing was created
    assert queue.post("A").code == 75
    status, reason, attempt_id, _ = by_id(queue)[1]
    assert (status, attempt_id) == ("approved", None) and "TemporaryFailure" in reason
    run = queue.post("A", "--json", when="2026-11-23T09:20:00+01:00")  # after X's 15-minute window, same slot
    assert json.loads(run.out)["text"] == made[0]["text"] and by_id(queue)[1][0] == "posted"


def test_lost_answer_found_on_the_timeline_marks_the_draft_posted(queue: XWorld) -> None:
    generate("A", 1)
    assert botx("drafts", "approve", "1").code == 0
    queue.at(SLOTS[0])
    queue.fake.enqueue("POST", "/2/tweets", status=None, accept_first=True, close_connection=True)
    run = queue.post("A", "--json")
    assert run.code == 0, run.err
    assert by_id(queue)[1] == ("posted", None, 1, queue.fake.tweets[0]["id"])


@pytest.mark.slow
def test_kill_9_mid_call_never_sends_the_draft_twice(queue: XWorld) -> None:
    made = generate("A", 2)
    assert botx("drafts", "approve", "1", "2").code == 0
    when = datetime.fromisoformat(SLOTS[0])
    queue.clock[0] = when.timestamp()
    env = {**os.environ, **queue.env, "BOTX_NOW": when.isoformat()}
    queue.fake.hold_posts()
    proc = subprocess.Popen(
        [sys.executable, "-m", "botx_cli", "post", "--account", "A"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    [accepted] = queue.fake.wait_for_posts(1, timeout=30)
    assert by_id(queue)[1][0] == "sending" and by_id(queue)[1][2] == 1  # bound before the API call
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    queue.fake.release()
    rerun = botx_proc("post", "--account", "A", env={**env, "BOTX_NOW": (when + timedelta(minutes=5)).isoformat()})
    assert rerun.code == 0, rerun.err
    assert by_id(queue)[1] == ("posted", None, 1, accepted["id"]) and len(queue.fake.tweets) == 1
    later = queue.post("A", "--json", when=SLOTS[1])
    assert json.loads(later.out)["text"] == made[1]["text"] and len(queue.fake.tweets) == 2


def test_manual_text_bypasses_the_queue(queue: XWorld) -> None:
    text = (
        "Fine-tune your model tonight on rented GPUs, billed by the second. Code SHA-256-C7E8976BBAF2 "
        "takes 5% off. https://voltagegpu.com/ #CloudGPU"
    )
    run = queue.post("A", "--text", text, "--json", when=SLOTS[0])
    assert run.code == 0 and json.loads(run.out)["status"] == "posted"


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ('require_approval = "yes"', "[review] require_approval"),
        ("require_aproval = true", "[review] require_aproval"),
    ],
)
def test_review_config_is_validated_up_front(xworld: XWorld, section: str, key: str) -> None:
    review_on(xworld, section)
    run = botx("cron")
    assert run.code == 2 and key in run.err and len(run.err.splitlines()) == 1


def test_without_review_post_composes_and_generate_warns(xworld: XWorld) -> None:
    xworld.at(BEFORE)
    run = botx("drafts", "generate", "--account", "A", "--count", "1", "--json")
    assert run.code == 0 and "require_approval is false" in run.err
    assert botx("drafts", "approve", "1").code == 0
    doc = json.loads(xworld.post("A", "--json", when=SLOTS[0]).out)
    assert doc["status"] == "posted" and by_id(xworld)[1][0] == "approved"  # drafts are ignored
