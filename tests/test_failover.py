"""Issue 14 item 2: failover without double posts. Two hosts (two pools of processes, BOTX_HOST
h1 and h2) run the same crontab against one PostgreSQL database; both fire every line, as two
cron daemons would. At one slot the host whose run is inside the API call is killed with
kill -9 (the fake X holds the accepted post, so the moment is exact) and stays down for a
while; the other host's next run of that account finds the post on the timeline. Every slot
is posted once, every tweet X holds has its row.

Each `botx post` is a fresh process, as cron starts it; time comes from BOTX_NOW."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from conftest import XWorld
from test_cron_day import cron_entries

pytestmark = [
    pytest.mark.slow,  # a whole cron day of processes on two hosts, with a kill -9
    pytest.mark.parametrize("xworld", ["postgresql"], indirect=True),
]

DAY = "2026-11-23"
TZ = "+01:00"  # Europe/Paris in November
HOSTS = ("h1", "h2")
KILL_AT = datetime.fromisoformat(f"{DAY}T10:30:00{TZ}")  # account A's second slot
DOWN_FOR = timedelta(hours=4)  # the killed host stays down, then comes back


def start(xworld: XWorld, host: str, account: str, when: datetime) -> subprocess.Popen[str]:
    env = {**os.environ, **xworld.env, "BOTX_NOW": when.isoformat(), "BOTX_HOST": host}
    return subprocess.Popen(
        [sys.executable, "-m", "botx_cli", "post", "--account", account, "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert (proc.returncode, out, err) == (0, "", ""), err


def kill_the_sender(xworld: XWorld, procs: dict[str, subprocess.Popen[str]]) -> str:
    """Both hosts fired; one claimed the slot and is inside the API call, X holding its post.
    kill -9 that process; return its host."""
    xworld.fake.wait_for_posts(len(xworld.fake.tweets) + 1, timeout=60)
    [(pid, host)] = xworld.rows("SELECT pid, host FROM attempts WHERE status = 'sending'")
    assert procs[host].pid == pid
    os.kill(pid, signal.SIGKILL)
    procs[host].wait(timeout=10)
    xworld.fake.release()
    other = next(h for h in HOSTS if h != host)
    finish([procs[other]])  # it found the slot taken
    return str(host)


def test_two_hosts_one_database_post_each_slot_once_through_a_kill_9(xworld: XWorld) -> None:
    entries = cron_entries(xworld)
    start_of_day = datetime.fromisoformat(f"{DAY}T00:00:00{TZ}")
    killed: str | None = None
    for minute_of_day in range(24 * 60):
        when = start_of_day + timedelta(minutes=minute_of_day)
        for minute, hours, account in entries:
            if when.minute != minute or when.hour not in hours:
                continue
            xworld.clock[0] = when.timestamp()
            up = [h for h in HOSTS if not (killed == h and when < KILL_AT + DOWN_FOR)]
            if when == KILL_AT:
                xworld.fake.hold_posts()
                procs = {host: start(xworld, host, account, when) for host in up}
                killed = kill_the_sender(xworld, procs)
                continue
            finish([start(xworld, host, account, when) for host in up])

    assert killed is not None
    a, b = xworld.fake.tweets_by("VOLTAGEGPU"), xworld.fake.tweets_by("Voltage_GPU")
    assert len(a) == 10 and len(b) == 10
    held = {t["id"] for t in xworld.fake.tweets}
    recorded = {tid for (tid,) in xworld.rows("SELECT tweet_id FROM attempts WHERE status = 'posted'")}
    assert held == recorded  # the killed run's tweet too: found on the timeline
    per_slot = xworld.rows(
        "SELECT account, slot_key, COUNT(*) FROM attempts WHERE status IN ('posted', 'sending', 'unknown')"
        " GROUP BY account, slot_key"
    )
    assert len(per_slot) == 20 and {count for _a, _s, count in per_slot} == {1}
    # the killed host's attempt was completed by the other host's next run of account A (12:00)
    [(host, status, updated)] = xworld.rows(
        "SELECT host, status, updated_at FROM attempts WHERE slot_key = '2026-11-23T10:30+0100'"
    )
    assert (host, status) == (killed, "posted")
    assert updated == "2026-11-23T11:00:00Z"
    hosts = {h for (h,) in xworld.rows("SELECT DISTINCT host FROM attempts")}
    assert hosts == set(HOSTS)  # the survivor alone served the slots while the other was down
