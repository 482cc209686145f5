"""Does `botx stats --days 30` scale with the period, not with the file?

Generates two databases, 10,000 and 1,000,000 posts by 100 accounts over 3 years (with
their runs, skips, failures, API calls and metric snapshots), through the real
migrations, in one executemany transaction each; then times `botx stats --days 30` as a
fresh process on each, interleaved, and prints both medians and their ratio (target:
the larger at most 1.5x the smaller). It also prints the query plans' full scans of the
big tables, which must be none.

Run: python bench/stats_scale.py [--runs 7] [--keep DIR] [--sizes 10000 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime.fromisoformat("2026-11-23T12:00:00+01:00")
ACCOUNTS = [f"A{n:02d}" for n in range(100)]
ANGLES = ("cost", "latency", "autoscale", "regions", "uptime", "support")
TRENDS = [f"#Trend{n}" for n in range(40)] + [None] * 10
TAGS = ("GPUCompute", "CloudGPU", "AIInference", "LLM", "MLOps", "HPC")
SKIPS = ("slot_taken", "gap", "daily_cap", "outside_window", "not_slot")
BIG_TABLES = ("attempts", "runs", "api_calls", "metrics_latest", "metric_snapshots")


def config_text() -> str:
    text = (ROOT / "botx_cli" / "example_config.toml").read_text(encoding="utf-8")
    text = text.replace("offset_minutes = 45", "offset_minutes = 0")  # 100 accounts share the slots
    head, _, tail = text.partition("[accounts.A]")
    tail = tail.split("[product]", 1)[1]
    accounts = "".join(f'[accounts.{name}]\nhandle = "bench_{name}"\n' for name in ACCOUNTS)
    return head + accounts + "\n[product]" + tail


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(db: Path, posts: int) -> dict[str, int]:
    """Posts evenly over 3 years ending at NOW, accounts round robin; one transaction."""
    from botx_cli.store import open_store

    open_store(db).close()  # the real schema, migrations and indexes
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")  # one big transaction: no WAL file of the size of the DB
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MB: the machine may be shared
    start = NOW - timedelta(days=3 * 365)
    step = (NOW - start) / posts
    moments = [iso(start + step * i) for i in range(posts)]
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO attempts (account, slot_key, kind, status, created_at, updated_at, text, text_norm, hashtags,"
        " trend, angle, offer, strategy, tweet_id, posted_at) VALUES (?, ?, 'slot', 'posted', ?, ?, ?, ?, ?, ?, ?,"
        " 'H100', 'template', ?, ?)",
        (
            (
                ACCOUNTS[i % 100],
                at,
                at,
                at,
                f"post {i} {ANGLES[i % 6]} #{TAGS[i % 6]}",
                f"post {i} {ANGLES[i % 6]}",
                json.dumps([TAGS[i % 6], TAGS[(i + 1) % 6]]),
                TRENDS[i % 50],
                ANGLES[i % 6],
                str(10**18 + i),
                at,
            )
            for i, at in enumerate(moments)
        ),
    )
    conn.executemany(
        "INSERT INTO runs (account, command, started_at, duration_ms, status, reason, tweet_id) VALUES (?, 'post', ?,"
        " 420, ?, ?, ?)",
        _runs(moments),
    )
    conn.executemany(
        "INSERT INTO api_calls (at, account, method, endpoint, http_status, cost_usd, duration_ms, items)"
        " VALUES (?, ?, ?, ?, ?, ?, 180, ?)",
        _calls(moments),
    )
    conn.executemany(
        "INSERT INTO metric_snapshots (tweet_id, account, fetched_at, source, impressions, likes, retweets, replies,"
        " quotes, bookmarks) VALUES (?, ?, ?, 'public', ?, ?, ?, 0, 0, 0)",
        ((str(10**18 + i), ACCOUNTS[i % 100], at, 100 + i % 900, i % 17, i % 5) for i, at in enumerate(moments)),
    )
    conn.executemany(
        "INSERT INTO metrics_latest (tweet_id, account, post_created_at, fetched_at, source, impressions, likes,"
        " engagements) VALUES (?, ?, ?, ?, 'public', ?, ?, ?)",
        (
            (str(10**18 + i), ACCOUNTS[i % 100], at, at, 100 + i % 900, i % 17, i % 17 + i % 5)
            for i, at in enumerate(moments)
        ),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in BIG_TABLES}
    conn.close()
    return counts


def _runs(moments: list[str]):  # type: ignore[no-untyped-def]
    for i, at in enumerate(moments):
        account = ACCOUNTS[i % 100]
        yield account, at, "posted", None, str(10**18 + i)
        if i % 3 == 0:
            yield account, at[:-3] + "30Z", "skipped", SKIPS[i % 5], None
        if i % 50 == 0:
            yield account, at[:-3] + "45Z", "failed", "TemporaryFailure", None


def _calls(moments: list[str]):  # type: ignore[no-untyped-def]
    for i, at in enumerate(moments):
        yield at, ACCOUNTS[i % 100], "POST", "POST /2/tweets", 201, 0.2, 0
        if i % 100 == 99:
            yield at[:-3] + "50Z", ACCOUNTS[i % 100], "GET", "GET /2/tweets", 200, 0.1, 100


def full_scans(config: Path, db: Path) -> list[str]:
    """Every statement `stats` runs, explained: full scans of the big tables (should be none)."""
    from botx_cli.report.stats import run_stats
    from botx_cli.sections import load_config
    from botx_cli.store import open_store

    store = open_store(db)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    run_stats(load_config(str(config)), store, NOW, 30)
    store.conn.set_trace_callback(None)
    found = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        plan = [row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        subqueries = {d.split()[1] for d in plan if d.startswith(("CO-ROUTINE ", "MATERIALIZE "))}
        for detail in plan:  # "SCAN r" is a full scan; "SEARCH r USING ... INDEX x (started_at>? AND ...)" is not
            name = detail.split()[1] if detail.startswith("SCAN ") else None
            if name and name not in subqueries and name in BIG_TABLES + ("a", "r", "m"):
                found.append(f"{detail}  <- {sql[:90]}")
    store.close()
    return found


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU user+sys) seconds of one fresh process; CPU time is steadier on a busy machine."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(argv)} exited {os.waitstatus_to_exitcode(status)}: {err[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 1_000_000])
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this folder; reuse databases there")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="botx-stats-"))
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    config.write_text(config_text(), encoding="utf-8")
    dbs = {}
    for size in args.sizes:
        db = dbs[size] = folder / f"stats-{size}.db"
        if db.exists() and args.keep:
            print(f"{size:>9,} posts: reusing {db}")
            continue
        db.unlink(missing_ok=True)
        began = time.perf_counter()
        counts = generate(db, size)
        print(
            f"{size:>9,} posts: generated in {time.perf_counter() - began:5.1f} s, "
            f"{db.stat().st_size / 1e6:6.1f} MB, rows {counts}"
        )
    for size, db in dbs.items():
        scans = full_scans(config, db)
        print(f"{size:>9,} posts: full scans of big tables in stats queries: {scans or 'none'}")
    env = {**os.environ, "BOTX_NOW": NOW.isoformat(), "COLUMNS": "80"}
    argv = {
        size: [sys.executable, "-m", "botx_cli", "--config", str(config), "--db", str(db), "stats", "--days", "30"]
        for size, db in dbs.items()
    }
    walls: dict[int, list[float]] = {size: [] for size in dbs}
    cpus: dict[int, list[float]] = {size: [] for size in dbs}
    for size in dbs:  # warm-up: page cache and .pyc files, not counted
        timed(argv[size], env)
    for _ in range(args.runs):
        for size in dbs:
            wall, cpu = timed(argv[size], env)
            walls[size].append(wall)
            cpus[size].append(cpu)
    med = {size: statistics.median(walls[size]) for size in dbs}
    cpu_med = {size: statistics.median(cpus[size]) for size in dbs}
    for size in args.sizes:
        print(
            f"botx stats --days 30 on {size:>9,} posts: wall median {med[size] * 1000:7.1f} ms "
            f"(min {min(walls[size]) * 1000:.1f}), CPU median {cpu_med[size] * 1000:6.1f} ms, "
            f"{args.runs} fresh processes"
        )
    small, large = args.sizes
    ratio = med[large] / med[small]
    print(
        f"wall ratio {ratio:.2f} (target <= 1.5)  {'OK' if ratio <= 1.5 else 'OVER'}; "
        f"CPU ratio {cpu_med[large] / cpu_med[small]:.2f}"
    )
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
