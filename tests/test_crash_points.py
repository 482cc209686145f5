"""kill -9 at many points of the post path, then the next runs: every tweet X holds has
a row with its id, no slot has two tweets, and the next slot posts.

The fake X holds each accepted post before answering, so "during the API call" is hit
deterministically; the other kills land at spread-out moments of a real process
(imports, config, claim, compose, recording)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

import pytest
from conftest import BOTH_BACKENDS, XWorld

SLOT = datetime.fromisoformat("2026-11-23T09:00:00+01:00")


pytestmark = [
    pytest.mark.slow,  # kill -9 of real processes at many moments of a post
    BOTH_BACKENDS,  # the SQLite file and a PostgreSQL database (issue 14)
]


def start_post(world: XWorld, when: datetime) -> subprocess.Popen:
    world.clock[0] = when.timestamp()
    env = {**os.environ, **world.env, "BOTX_NOW": when.isoformat()}
    return subprocess.Popen(
        [sys.executable, "-m", "botx_cli", "post", "--account", "A", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_post(world: XWorld, when: datetime) -> int:
    proc = start_post(world, when)
    proc.communicate(timeout=60)
    return proc.returncode


def assert_consistent(world: XWorld) -> None:
    held = {t["id"] for t in world.fake.tweets}
    recorded = {tid for (tid,) in world.rows("SELECT tweet_id FROM attempts WHERE status = 'posted'")}
    assert held == recorded
    per_slot = world.rows(
        "SELECT slot_key, COUNT(*) FROM attempts WHERE status IN ('posted', 'unknown')"
        " AND slot_key IS NOT NULL GROUP BY slot_key HAVING COUNT(*) > 1"
    )
    assert per_slot == []


def warm(world: XWorld) -> float:
    """A warm install, as in production: DB, affinities and cache exist; no trend refresh.
    Returns how long a warm run takes on this machine now."""
    world.config.write_text(world.config.read_text().replace('policy = "relevant"', 'policy = "off"'))
    assert run_post(world, SLOT - timedelta(minutes=720)) == 0  # the evening before, 21:00 (cold)
    began = time.perf_counter()
    assert run_post(world, SLOT - timedelta(minutes=630)) == 0  # 22:30, warm
    return time.perf_counter() - began


# Moments as fractions of a warm run: most of a run is interpreter start and imports, so
# the claim, composition, the API call and the recording sit in the last third.
FRACTIONS = [0.3, 0.6, 0.75, 0.82, 0.86, 0.9, 0.93, 0.96, 0.99]


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_kill_at_a_moment_then_recover(xworld: XWorld, fraction: float) -> None:
    delay = warm(xworld) * fraction
    proc = start_post(xworld, SLOT)
    killer = threading.Timer(delay, lambda: proc.poll() is None and os.kill(proc.pid, signal.SIGKILL))
    killer.start()
    proc.communicate(timeout=60)
    killer.cancel()
    assert run_post(xworld, SLOT + timedelta(minutes=5)) == 0  # same slot: reconciles, never posts twice
    assert len(xworld.fake.tweets) <= 3
    assert run_post(xworld, SLOT + timedelta(minutes=90)) == 0  # next slot posts normally
    assert_consistent(xworld)
    assert len(xworld.fake.tweets) in (3, 4)
    next_slot = xworld.rows(
        "SELECT COUNT(*) FROM attempts WHERE slot_key = '2026-11-23T10:30+0100' AND status = 'posted'"
    )
    assert next_slot == [(1,)]


def test_kill_during_the_api_call_after_x_accepted(xworld: XWorld) -> None:
    xworld.fake.hold_posts()
    proc = start_post(xworld, SLOT)
    xworld.fake.wait_for_posts(1, timeout=30)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    xworld.fake.release()
    assert run_post(xworld, SLOT + timedelta(minutes=1)) == 0
    assert run_post(xworld, SLOT + timedelta(minutes=90)) == 0
    assert_consistent(xworld)
    assert len(xworld.fake.tweets) == 2
