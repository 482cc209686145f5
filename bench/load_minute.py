"""100 accounts whose cron calls fire in the same minute (100 processes on this machine),
against a loopback fake X: total wall time, p50/p95 per process, and a baseline of the
same number of bare `python -c "import tweepy, typer, sqlite3"` processes started together.

Run: python bench/load_minute.py [--accounts 100]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakes.crowd import fire_crowd  # noqa: E402
from fakes.fake_x import FakeX  # noqa: E402


def baseline(n: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    procs = [
        (time.perf_counter(), subprocess.Popen([sys.executable, "-c", "import tweepy, typer, sqlite3"]))
        for _ in range(n)
    ]
    walls = []
    for began, proc in procs:
        proc.wait()
        walls.append(time.perf_counter() - began)
    return time.perf_counter() - start, walls


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100)
    n = parser.parse_args().accounts
    base_total, base_walls = baseline(n)
    with tempfile.TemporaryDirectory() as tmp, FakeX() as fake:
        fake.post_limit_24h = 1000
        result = fire_crowd(fake, Path(tmp), n, "2026-11-23T09:00:00+01:00")
        posted = len(fake.tweets)
    failed = sum(code != 0 for code in result.codes)
    locked = sum("locked" in err for err in result.stderr)
    print(f"{n} accounts in one minute: posted {posted}, failed {failed}, 'database is locked' {locked}")
    print(
        f"botx post x{n}:  total {result.total:6.2f} s  p50 {statistics.median(result.walls):5.2f} s  "
        f"p95 {p95(result.walls):5.2f} s"
    )
    print(
        f"baseline x{n}:   total {base_total:6.2f} s  p50 {statistics.median(base_walls):5.2f} s  "
        f"p95 {p95(base_walls):5.2f} s   (import tweepy, typer, sqlite3)"
    )
    print(f"ratio total {result.total / base_total:.2f}")
    if posted != n or failed or locked:
        raise SystemExit("FAIL: every account must post exactly once")


if __name__ == "__main__":
    main()
