"""Issue 10 item 3: whole-call deadlines on every outbound call botx's post path owns (X, the
media upload, the images API, the webhook) and an overall run deadline. The servers here send
their headers at once and then one byte a second or so: a per-read timeout never fires.
`botx post` runs as cron starts it, a fresh process; subprocess timeouts only guard the suite
against a hang (they are far above what a fixed run takes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

import pytest
from conftest import XWorld, botx
from fakes.drip import DripServer
from fakes.fake_openai import FakeOpenAI, slow
from fakes.webhook import WebhookReceiver
from ops_helpers import set_key

from botx_cli.deadline import Deadline, DeadlineExceeded, HardStop, within

SLOT = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
HANG_GUARD = 90  # seconds: a dripping answer of ~200 bytes would hold an unbounded call far longer


pytestmark = pytest.mark.slow  # dripping servers: each case waits out a real deadline


def post_proc(world: XWorld, when: datetime = SLOT, *extra: str) -> subprocess.CompletedProcess:
    world.clock[0] = when.timestamp()
    env = {**os.environ, **world.env, "BOTX_NOW": when.isoformat()}
    return subprocess.run(
        [sys.executable, "-m", "botx_cli", "post", "--account", "A", "--json", *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )


# -- the helper ---------------------------------------------------------------------------------
def test_within_returns_raises_or_stops_waiting() -> None:
    assert within(1, lambda: 42, "answer") == 42
    with pytest.raises(KeyError):
        within(1, lambda: {}["missing"], "lookup")
    release = threading.Event()
    with pytest.raises(DeadlineExceeded) as exc:
        within(0.05, lambda: release.wait(5), "a dripping call")
    release.set()
    assert exc.value.started and "a dripping call took longer than 0.05 s" in str(exc.value)
    with pytest.raises(DeadlineExceeded) as late:
        within(0, lambda: 1, "too late")
    assert not late.value.started


def test_deadline_cuts_each_call_to_what_is_left() -> None:
    now = [100.0]
    deadline = Deadline(30, clock=lambda: now[0])
    assert deadline.limit(10) == 10 and not deadline.expired()
    now[0] += 25
    assert deadline.limit(10) == 5
    now[0] += 5
    assert deadline.expired() and deadline.limit(10) == 0
    with pytest.raises(DeadlineExceeded):
        deadline.check("the send")


def test_hard_stop_fires_only_when_the_block_overruns() -> None:
    fired = threading.Event()
    with HardStop(0.05, fired.set):
        pass
    time.sleep(0.1)
    assert not fired.is_set()
    with HardStop(0.05, fired.set):
        assert fired.wait(2)


# -- X ------------------------------------------------------------------------------------------
def test_dripped_answer_to_the_post_is_ambiguous_then_found_once(xworld: XWorld) -> None:
    xworld.fake.enqueue("POST", "/2/tweets", drip=1.0)  # X stores it, then drips the 201
    done = post_proc(xworld)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    [tweet] = xworld.fake.tweets
    assert doc["status"] == "posted" and doc["tweet_id"] == tweet["id"] and "found on the timeline" in doc["detail"]
    assert xworld.rows("SELECT status, tweet_id FROM attempts") == [("posted", tweet["id"])]


def test_dripped_timeline_read_is_cut_and_nothing_is_sent_twice(xworld: XWorld) -> None:
    """A post whose answer is lost, then the timeline read that should settle it drips too: the
    run stops within its deadlines and the attempt stays unknown, holding its slot."""
    xworld.fake.enqueue("POST", "/2/tweets", delay=30)  # hung before X saw it
    for _ in range(3):
        xworld.fake.enqueue("GET", "/2/users/", drip=1.0)
    done = post_proc(xworld)
    assert done.returncode == 75 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert xworld.rows("SELECT status FROM attempts") == [("unknown",)]
    again = post_proc(xworld, SLOT + timedelta(minutes=5))
    assert again.returncode == 0 and json.loads(again.stdout)["reason"] == "slot_taken", again.stderr
    assert xworld.fake.tweets == []


def test_run_deadline_stops_retrying(xworld: XWorld) -> None:
    """Each try answers 503 within the per-call limit; without a run deadline six tries would
    run ~18 s. The run stops retrying when a whole call no longer fits in what is left. (12 s:
    room for the first call even when a loaded machine, or coverage, takes 8 s to compose.)"""
    set_key(xworld.config, "x", "timeout_seconds", "4")
    set_key(xworld.config, "x", "retries", "5")
    set_key(xworld.config, "x", "run_deadline_seconds", "12")
    for _ in range(6):
        xworld.fake.enqueue("POST", "/2/tweets", status=503, delay=3)
    done = post_proc(xworld)
    assert done.returncode == 75 and "server error 503" in done.stderr, done.stderr
    posts = [r for r in xworld.fake.requests if r["path"] == "/2/tweets"]
    assert 1 <= len(posts) <= 3  # of six tries: (12 s - start-up) / 3 s, each needing 4 s left
    # X's 503 may still have stored the post: the attempt holds its slot until the timeline tells
    assert xworld.rows("SELECT status FROM attempts") == [("unknown",)]


def test_no_send_starts_without_time_for_a_whole_call(xworld: XWorld) -> None:
    """The image took most of the run: the tweet is not sent (it could only end unknown)."""
    with FakeOpenAI() as images:
        for key, value in (("mode", '"generate"'), ("base_url", f'"{images.base_url}"'), ("timeout_seconds", "10")):
            set_key(xworld.config, "media", key, value)
        set_key(xworld.config, "x", "timeout_seconds", "3")
        set_key(xworld.config, "x", "run_deadline_seconds", "6")
        images.script_images(slow(4))
        xworld.env["OPENAI_API_KEY"] = "sk-test-0123456789"
        done = post_proc(xworld)
    assert done.returncode == 75 and "before sending; nothing was sent" in done.stderr, done.stderr
    assert [r for r in xworld.fake.requests if r["path"] == "/2/tweets"] == []
    assert xworld.rows("SELECT status FROM attempts") == [("failed",)]  # the slot is free again


def test_hard_stop_ends_a_run_stuck_where_no_deadline_reaches(xworld: XWorld) -> None:
    """Another process holds the database lock for long; botx's busy timeout (60 s by default)
    is longer than the run deadline: the run ends at deadline + grace, one line, exit 75."""
    set_key(xworld.config, "x", "timeout_seconds", "2")
    set_key(xworld.config, "x", "run_deadline_seconds", "5")
    assert botx("pause", "--account", "B").code == 0  # creates the database
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(60)",
            str(xworld.db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        done = post_proc(xworld)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 75 and done.stdout == "", done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "run_deadline_seconds = 5" in line and "stopped" in line
    assert xworld.fake.tweets == []


# -- images API, media upload, webhook -------------------------------------------------------------
def test_dripping_images_api_posts_text_only(xworld: XWorld) -> None:
    with DripServer(every=1.0) as drip:
        for key, value in (("mode", '"generate"'), ("base_url", f'"{drip.base_url}/v1"'), ("timeout_seconds", "2")):
            set_key(xworld.config, "media", key, value)
        xworld.env["OPENAI_API_KEY"] = "sk-test-0123456789"
        done = post_proc(xworld)
        assert drip.hits == ["/v1/images/generations"]
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["status"] == "posted" and doc["media"].startswith("no image (generate: images API: no answer within")
    assert xworld.fake.tweets[0]["media_ids"] == []


def test_dripping_media_upload_posts_text_only(xworld: XWorld) -> None:
    with FakeOpenAI() as images:
        for key, value in (("mode", '"generate"'), ("base_url", f'"{images.base_url}"')):
            set_key(xworld.config, "media", key, value)
        xworld.env["OPENAI_API_KEY"] = "sk-test-0123456789"
        xworld.fake.enqueue("POST", "/2/media/upload", drip=1.0)
        done = post_proc(xworld)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["status"] == "posted" and doc["media"].startswith("no image (upload:")
    assert xworld.fake.tweets[0]["media_ids"] == []


def test_dripping_webhook_cannot_hold_the_run(xworld: XWorld) -> None:
    with DripServer(every=1.0) as hook:
        set_key(xworld.config, "notify", "webhook_url", f'"{hook.base_url}/hook"')
        set_key(xworld.config, "notify", "timeout_seconds", "1")
        set_key(xworld.config, "trends", "policy", '"off"')  # no trends_down alert besides
        xworld.fake.set_read_only("tok-a")  # 403: credentials alert
        done = post_proc(xworld)
        assert hook.hits == ["/hook"]
    assert done.returncode == 77, done.stderr
    assert xworld.rows("SELECT kind, delivered, last_error FROM alerts") == [("credentials", 0, "no answer within 1 s")]


def test_post_notify_webhook_gives_up_within_its_timeout() -> None:
    from botx_cli.notify.alerts import post_webhook

    with DripServer(every=0.5) as hook:
        assert post_webhook(hook.base_url, "hello", 0.5) == "no answer within 0.5 s"
    with WebhookReceiver() as ok:
        assert post_webhook(ok.url, "hello", 2) is None
