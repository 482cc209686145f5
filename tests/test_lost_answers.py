"""Issue 10 item 5: X creates the tweet after botx stopped waiting. The attempt stays `unknown`
(holding its slot, counting toward cap, gap and the duplicate window) until a later run finds
it on the timeline, or LOST_ANSWER_CHECKS reads did not: then `not_posted`, final."""

from __future__ import annotations

import json

import pytest
from conftest import XWorld, botx

from botx_cli.store import LOST_ANSWER_CHECKS

SLOT = "2026-11-23T09:00:00+01:00"
MISFIRE = "2026-11-23T09:05:00+01:00"  # cron's duplicate call in the same slot
NEXT = "2026-11-23T10:30:00+01:00"
TEXT = (
    "Fine-tune your model tonight on rented GPUs, billed by the second. Code SHA-256-C7E8976BBAF2 "
    "takes 5% off. https://voltagegpu.com/ #CloudGPU"
)


pytestmark = pytest.mark.slow  # each case waits out X's timeout on a lost answer


def lose_the_answer(world: XWorld) -> str:
    """A post whose request hangs past botx's timeout; returns the text botx sent."""
    world.fake.enqueue("POST", "/2/tweets", delay=5)  # never answered in time, not stored (yet)
    run = world.post("A", when=SLOT)
    assert run.code == 75 and len(run.err.splitlines()) == 1 and "unknown" in run.err, run.err
    assert world.rows("SELECT status, checks FROM attempts") == [("unknown", 1)]
    [sent] = [r["json"]["text"] for r in world.fake.requests if r["path"] == "/2/tweets"]
    return sent


def test_tweet_x_created_late_is_found_by_the_next_run(xworld: XWorld) -> None:
    text = lose_the_answer(xworld)
    late = xworld.fake.add_tweet("tok-a", text)  # X created it after all
    run = xworld.post("A", "--json", "-v", when=MISFIRE)
    assert run.code == 0 and json.loads(run.out)["reason"] == "slot_taken", run.err
    assert xworld.rows("SELECT status, tweet_id FROM attempts") == [("posted", late["id"])]
    # the run that sent it did post after all: stats count it
    assert xworld.rows("SELECT status, reason, tweet_id FROM runs ORDER BY id")[0] == (
        "posted",
        "found_later",
        late["id"],
    )
    stats = json.loads(botx("stats", "--json").out)["accounts"]["A"]
    assert stats["posted"] == 1 and stats["unknown"] == 0 and stats["failures"] == {}
    assert len(xworld.fake.tweets) == 1


def test_unknown_counts_toward_gap_and_cap_meanwhile(xworld: XWorld) -> None:
    lose_the_answer(xworld)
    gap = xworld.post("A", "--text", TEXT, "--json", when="2026-11-23T09:20:00+01:00")
    assert gap.code == 0 and json.loads(gap.out)["reason"] == "gap", gap.out + gap.err
    stats = json.loads(botx("stats", "--json").out)["accounts"]["A"]
    assert stats["unknown"] == 1
    doctor = botx("doctor")
    assert "lost, still unknown" in doctor.out
    assert [r["path"] for r in xworld.fake.requests].count("/2/tweets") == 1


def test_never_created_becomes_not_posted_after_bounded_checks(xworld: XWorld) -> None:
    lose_the_answer(xworld)
    assert xworld.post("A", when=MISFIRE).code == 0  # check 2: still not there
    assert xworld.rows("SELECT status, checks FROM attempts") == [("unknown", 2)]
    run = xworld.post("A", "--json", when=NEXT)  # check 3 settles it, then this slot posts normally
    assert run.code == 0 and json.loads(run.out)["status"] == "posted", run.err
    assert xworld.rows("SELECT status, checks FROM attempts ORDER BY id") == [
        ("not_posted", LOST_ANSWER_CHECKS),
        ("posted", 0),
    ]
    reads = [r for r in xworld.fake.requests if r["path"].endswith("/tweets") and r["method"] == "GET"]
    assert len(reads) == LOST_ANSWER_CHECKS  # one timeline read per check, none after the last
    assert xworld.post("A", when="2026-11-23T12:00:00+01:00").code == 0
    assert len([r for r in xworld.fake.requests if r["method"] == "GET" and r["path"].endswith("/tweets")]) == 3


def test_without_reads_the_unknown_is_never_checked(xworld: XWorld) -> None:
    xworld.config.write_text(xworld.config.read_text().replace("reads = true", "reads = false"))
    xworld.fake.enqueue("POST", "/2/tweets", delay=5)
    assert xworld.post("A", when=SLOT).code == 75
    assert xworld.post("A", when=MISFIRE).code == 0
    assert xworld.post("A", when=NEXT).code == 0
    assert xworld.rows("SELECT status FROM attempts ORDER BY id") == [("unknown",), ("posted",)]
    assert [r for r in xworld.fake.requests if r["method"] == "GET"] == []
