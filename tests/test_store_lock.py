"""Issue 10 item 1: another process holds the SQLite write lock (a backup, a `sqlite3` shell)
past botx's busy timeout while X's answer to POST /2/tweets arrives. The answer is never
lost and the slot never freed: the write is retried; if it never goes through, the next run
finds the tweet on the timeline. Real processes, a real lock (BEGIN IMMEDIATE in another
process), the loopback fake X holding its answer until the lock is in place."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from conftest import XWorld
from ops_helpers import set_key

SLOT = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


pytestmark = pytest.mark.slow  # a real SQLite lock held past the busy timeout


def botx_post(world: XWorld, when: datetime) -> subprocess.Popen:
    world.clock[0] = when.timestamp()
    env = {**os.environ, **world.env, "BOTX_NOW": when.isoformat()}
    return subprocess.Popen(
        [sys.executable, "-m", "botx_cli", "post", "--account", "A", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lock_while_x_answers(world: XWorld, hold: float) -> subprocess.CompletedProcess:
    """Run a post; once X has stored the tweet (its answer held back), another process takes
    the write lock for `hold` seconds; then X answers."""
    before = len(world.fake.tweets)
    world.fake.hold_posts()
    proc = botx_post(world, SLOT)
    world.fake.wait_for_posts(before + 1, timeout=60)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(world.db), str(hold)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    world.fake.release()
    out, err = proc.communicate(timeout=120)
    holder.wait(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def warm(world: XWorld, busy: str) -> None:
    """The database exists before the run (as in production); busy timeout short for the test."""
    set_key(world.config, "storage", "busy_timeout_seconds", busy)
    world.config.write_text(world.config.read_text().replace('policy = "relevant"', 'policy = "off"'))
    early = botx_post(world, SLOT - timedelta(hours=12))
    assert early.wait(timeout=60) == 0, early.stderr.read()
    assert len(world.fake.tweets) == 1


def test_lock_released_while_retrying_records_the_post_and_keeps_the_slot(xworld: XWorld) -> None:
    warm(xworld, "1")
    done = lock_while_x_answers(xworld, hold=1.5)  # longer than one busy timeout, shorter than the retries
    assert done.returncode == 0, done.stderr
    [_, tweet] = xworld.fake.tweets
    assert xworld.rows("SELECT status, tweet_id FROM attempts ORDER BY id")[-1] == ("posted", tweet["id"])
    assert ("POST /2/tweets", 201) in xworld.rows("SELECT endpoint, http_status FROM api_calls")  # flushed later
    again = botx_post(xworld, SLOT + timedelta(minutes=5))  # cron's next call of the same slot
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0 and '"slot_taken"' in out, err
    assert len(xworld.fake.tweets) == 2  # the evening before, and this slot's one


def test_lock_held_past_every_retry_leaves_the_row_for_the_next_run(xworld: XWorld) -> None:
    warm(xworld, "0.5")
    done = lock_while_x_answers(xworld, hold=6)
    [_, tweet] = xworld.fake.tweets
    assert done.returncode == 75, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and tweet["id"] in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert xworld.rows("SELECT status FROM attempts ORDER BY id")[-1] == ("sending",)  # never 'failed'
    later = botx_post(xworld, SLOT + timedelta(minutes=5))
    out, err = later.communicate(timeout=60)
    assert later.returncode == 0 and '"slot_taken"' in out, (out, err)
    assert xworld.rows("SELECT status, tweet_id FROM attempts ORDER BY id")[-1] == ("posted", tweet["id"])
    assert len(xworld.fake.tweets) == 2
