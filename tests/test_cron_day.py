"""Whole-process behaviour under cron: a simulated day, double fires, kill -9 mid-call.

Each `botx post` here is a fresh process, as cron starts it; time comes from BOTX_NOW.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from conftest import BOTH_BACKENDS, XWorld, botx, botx_proc

from botx_cli.host import host_name

DAY = "2026-11-23"
TZ = "+01:00"  # Europe/Paris in November


pytestmark = [
    pytest.mark.slow,  # a simulated day of cron processes, concurrent copies, kill -9
    BOTH_BACKENDS,  # the SQLite file and a PostgreSQL database (issue 14)
]


def cron_entries(xworld: XWorld) -> list[tuple[int, list[int], str]]:
    run = botx("cron")
    assert run.code == 0, run.err
    assert "CRON_TZ=Europe/Paris" in run.out
    entries = []
    for line in run.out.splitlines():
        if not line or line.startswith("#") or "=" in line.split()[0] or " post --account " not in line:
            continue  # comments, CRON_TZ, and the trends/metrics lines
        minute, hours, *_rest = line.split()
        command = line.split(" * * * ", 1)[1]
        assert f"--config {xworld.config}" in command and command.endswith("--quiet")
        entries.append((int(minute), [int(h) for h in hours.split(",")], command.split("--account ")[1].split()[0]))
    return entries


def fire(xworld: XWorld, account: str, when: datetime) -> subprocess.CompletedProcess:
    xworld.clock[0] = when.timestamp()
    env = {**os.environ, **xworld.env, "BOTX_NOW": when.isoformat()}
    return subprocess.run(
        [sys.executable, "-m", "botx_cli", "post", "--account", account, "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_whole_day_through_the_printed_cron_lines(xworld: XWorld) -> None:
    entries = cron_entries(xworld)
    assert len(entries) == 4  # a 90-minute cadence needs two lines per account
    start = datetime.fromisoformat(f"{DAY}T00:00:00{TZ}")
    fired = 0
    for minute_of_day in range(24 * 60):
        when = start + timedelta(minutes=minute_of_day)
        for minute, hours, account in entries:
            if when.minute == minute and when.hour in hours:
                done = fire(xworld, account, when)
                assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), done.stderr
                fired += 1
                if fired % 4 == 1:  # cron misfires: a late duplicate call in the same slot
                    late = fire(xworld, account, when + timedelta(minutes=5))
                    assert late.returncode == 0 and late.stdout == "", late.stderr
    posts = {account: [] for account in ("VOLTAGEGPU", "Voltage_GPU")}
    for _account, username in (("A", "VOLTAGEGPU"), ("B", "Voltage_GPU")):
        posts[username] = [
            datetime.fromisoformat(t["created_at"].replace("Z", "+00:00")) for t in xworld.fake.tweets_by(username)
        ]
    a, b = sorted(posts["VOLTAGEGPU"]), sorted(posts["Voltage_GPU"])
    assert len(a) == 10 and len(b) == 10
    window_open = datetime.fromisoformat(f"{DAY}T09:00:00{TZ}")
    window_close = datetime.fromisoformat(f"{DAY}T23:30:00{TZ}")
    assert all(window_open <= t <= window_close for t in a + b)
    assert [y - x for x, y in zip(a, b)] == [timedelta(minutes=45)] * 10
    skipped = xworld.rows("SELECT reason, COUNT(*) FROM runs WHERE status = 'skipped' GROUP BY reason")
    assert dict(skipped) == {"slot_taken": (fired + 3) // 4}
    texts = [t["text"] for t in xworld.fake.tweets]
    assert len(set(texts)) == 20
    # midnight resets the daily cap: the next morning posts again
    assert fire(xworld, "A", datetime.fromisoformat(f"2026-11-24T09:00:00{TZ}")).returncode == 0
    assert len(xworld.fake.tweets) == 21


def test_six_concurrent_copies_post_once(xworld: XWorld) -> None:
    when = datetime.fromisoformat(f"{DAY}T09:00:00{TZ}")
    xworld.clock[0] = when.timestamp()
    env = {**os.environ, **xworld.env, "BOTX_NOW": when.isoformat()}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "botx_cli", "post", "--account", "A", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, [err for _out, err in results]
    statuses = sorted(json.loads(out)["status"] for out, _err in results)
    assert statuses == ["posted"] + ["skipped"] * 5
    assert len(xworld.fake.tweets) == 1


def test_kill_9_during_the_api_call_then_rerun_posts_nothing_more(xworld: XWorld) -> None:
    when = datetime.fromisoformat(f"{DAY}T09:00:00{TZ}")
    xworld.clock[0] = when.timestamp()
    env = {**os.environ, **xworld.env, "BOTX_NOW": when.isoformat()}
    xworld.fake.hold_posts()
    proc = subprocess.Popen(
        [sys.executable, "-m", "botx_cli", "post", "--account", "A"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    [accepted] = xworld.fake.wait_for_posts(1, timeout=30)  # X holds the tweet, the answer is pending
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    xworld.fake.release()
    assert xworld.rows("SELECT status FROM attempts") == [("sending",)]

    rerun = fire(xworld, "A", when + timedelta(minutes=5))
    assert rerun.returncode == 0, rerun.stderr
    assert len(xworld.fake.tweets) == 1
    assert xworld.rows("SELECT status, tweet_id FROM attempts") == [("posted", accepted["id"])]

    later = fire(xworld, "A", when + timedelta(minutes=90))
    assert later.returncode == 0, later.stderr
    assert len(xworld.fake.tweets) == 2
    slots = xworld.rows("SELECT slot_key, COUNT(*) FROM attempts WHERE status = 'posted' GROUP BY slot_key")
    assert [count for _slot, count in slots] == [1, 1]


def test_kill_9_before_sending_frees_the_slot(xworld: XWorld) -> None:
    """A run that died after its claim but before the API call leaves a 'claimed' row."""
    when = datetime.fromisoformat(f"{DAY}T09:00:00{TZ}")
    assert botx_proc("pause", "--account", "B", env=xworld.env).code == 0  # creates the DB
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    xworld.execute(
        "INSERT INTO attempts (account, slot_key, kind, status, created_at, updated_at, pid, host)"
        " VALUES ('A', '2026-11-23T09:00+0100', 'slot', 'claimed', ?, ?, ?, ?)",
        *("2026-11-23T08:00:00Z", "2026-11-23T08:00:00Z", int(dead.stdout), host_name()),
    )
    done = fire(xworld, "A", when + timedelta(minutes=2))
    assert done.returncode == 0, done.stderr
    assert len(xworld.fake.tweets) == 1
    assert sorted(xworld.rows("SELECT status FROM attempts")) == [("failed",), ("posted",)]
