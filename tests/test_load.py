"""100 accounts, all cron calls in the same minute on this 2-core machine: each posts once."""

from __future__ import annotations

import fcntl
import sqlite3
import tempfile
from pathlib import Path

import pytest
from fakes.crowd import fire_crowd
from fakes.fake_x import FakeX

pytestmark = pytest.mark.slow  # 100 processes firing in one minute


@pytest.mark.timeout(900)
def test_hundred_accounts_in_one_minute_each_post_once(tmp_path: Path) -> None:
    # One crowd at a time on this machine: parallel suites would multiply 100 processes.
    with open(Path(tempfile.gettempdir()) / "botx-load-test.lock", "w") as lock, FakeX() as fake:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = fire_crowd(fake, tmp_path, 100, "2026-11-23T09:00:00+01:00")
        authors = sorted(t["author_id"] for t in fake.tweets)
    assert result.codes == [0] * 100, [e for e in result.stderr if e][:3]
    assert not any("locked" in e for e in result.stderr)
    assert authors == [str(5000 + i) for i in range(100)]
    with sqlite3.connect(tmp_path / "botx.db") as conn:
        rows = conn.execute("SELECT status, COUNT(*) FROM attempts GROUP BY status").fetchall()
    assert rows == [("posted", 100)]
