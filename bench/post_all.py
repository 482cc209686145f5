"""What one `botx post --all` saves over one `botx post --account` process per account: 10
accounts due in the same minute, a loopback fake X that answers each post after 300 ms,
measured in the same run (wall and CPU seconds of the whole batch, children included), on
SQLite and, where the PostgreSQL server binaries exist, on a real PostgreSQL server started for
the run; and one warm `botx post` on PostgreSQL against SQLite.

Run: python bench/post_all.py [--rounds 3] [--accounts 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakes.fake_x import FakeX  # noqa: E402
from fakes.trend_site import TrendSite, point_trends, trends_section  # noqa: E402

BOTX = [sys.executable, "-m", "botx_cli"]
ANSWER_AFTER = 0.3  # seconds X takes to answer one post


def config_for(folder: Path, base_url: str, site: TrendSite, accounts: int) -> Path:
    text = (ROOT / "botx_cli" / "example_config.toml").read_text()
    text = text.replace('api_base_url = "https://api.twitter.com"', f'api_base_url = "{base_url}"')
    text = text.replace("offset_minutes = 45", "offset_minutes = 0")  # every account due at once
    text = text.replace("daily_cap = 10", "daily_cap = 1000").replace("min_gap_minutes = 45", "min_gap_minutes = 0")
    start = text.index("[accounts.A]")
    end = text.index("[product]")
    tables = "".join(
        f'[accounts.N{i}]\nhandle = "bench{i}"\nvoice = "{"brand" if i % 2 == 0 else "engineer"}"\n'
        for i in range(accounts)
    )
    path = folder / "config.toml"
    path.write_text(text[:start] + tables + "\n" + text[end:])
    return point_trends(path, trends_section(site))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], env: dict[str, str]) -> int:
    return subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300).returncode


def batch(argvs: list[list[str]], env: dict[str, str]) -> tuple[float, float, list[int]]:
    """(wall, CPU seconds of the children, exit codes) of these processes started together."""
    cpu0, t0 = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(len(argvs)) as pool:
        codes = list(pool.map(lambda argv: run(argv, env), argvs))
    return time.perf_counter() - t0, children_cpu() - cpu0, codes


def measure_backend(label: str, env: dict[str, str], fake: FakeX, rounds: int, accounts: int) -> dict[str, list[float]]:
    start = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
    rows: dict[str, list[float]] = {k: [] for k in ("all_wall", "all_cpu", "each_wall", "each_cpu", "one_wall")}
    for r in range(rounds):
        for way in ("all", "each"):
            slot = start + timedelta(minutes=90 * (2 * r + (way == "each")))
            env["BOTX_NOW"] = slot.isoformat()
            run(BOTX + ["trends", "--refresh", "--quiet"], env)  # cron's refresh line keeps the cache warm
            for _ in range(accounts):
                fake.enqueue("POST", "/2/tweets", delay=ANSWER_AFTER)
            before = len(fake.tweets)
            if way == "all":
                wall, cpu, codes = batch([BOTX + ["post", "--all", "--quiet"]], env)
            else:
                wall, cpu, codes = batch(
                    [BOTX + ["post", "--account", f"N{i}", "--quiet"] for i in range(accounts)], env
                )
            posted = len(fake.tweets) - before
            if set(codes) != {0} or posted != accounts:
                raise SystemExit(f"{label} {way}: exit codes {codes}, {posted} of {accounts} posted")
            rows[f"{way}_wall"].append(wall)
            rows[f"{way}_cpu"].append(cpu)
        # one warm post of one account, the cron call of issue 2's bench
        env["BOTX_NOW"] = (start + timedelta(minutes=90 * (2 * r) + 30)).isoformat()
        wall, _cpu, codes = batch([BOTX + ["post", "--account", "N0", "--quiet", "--force"]], env)
        rows["one_wall"].append(wall)
    return rows


def backends(tmp: Path) -> list[tuple[str, dict[str, str], object | None]]:
    """(label, environment, server to stop): SQLite always; PostgreSQL where its binaries are."""
    from fakes.postgres_server import PostgresServer, find_binaries

    found = [("SQLite", {"BOTX_DB": str(tmp / "botx.db")}, None)]
    bin_dir, why = find_binaries()
    if bin_dir is None:
        print(f"PostgreSQL: not measured ({why})")
        return found
    server = PostgresServer.start(bin_dir)
    found.append(("PostgreSQL", {"BOTX_DATABASE_URL": server.create_database("bench")}, server))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--accounts", type=int, default=10)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "botx_cli")], check=True)
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, FakeX() as fake, TrendSite() as site:
        fake.post_limit_24h = 10_000
        env = {**os.environ, "HOME": tmp, "XDG_STATE_HOME": tmp}
        env["BOTX_CONFIG"] = str(config_for(Path(tmp), fake.base_url, site, args.accounts))
        for i in range(args.accounts):
            fake.add_user(f"tok-{i}", 2000 + i, f"bench{i}")
            for part in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
                env[f"BOTX_N{i}_{part}"] = f"tok-{i}" if part == "ACCESS_TOKEN" else "bench"
        for label, extra, server in backends(Path(tmp)):
            try:
                results[label] = measure_backend(label, {**env, **extra}, fake, args.rounds, args.accounts)
            finally:
                if server is not None:
                    server.stop()  # type: ignore[attr-defined]
    print(f"{args.accounts} accounts due in one minute, X answers each post after {ANSWER_AFTER * 1000:.0f} ms;")
    print(f"median of {args.rounds} rounds, the two ways interleaved, each batch with a fresh slot")
    med = {label: {k: statistics.median(v) for k, v in rows.items()} for label, rows in results.items()}
    for label, m in med.items():
        print(f"{label:10}  post --all          wall {m['all_wall']:6.2f} s  CPU {m['all_cpu']:6.2f} s")
        print(f"{label:10}  {args.accounts} x post --account  wall {m['each_wall']:6.2f} s  CPU {m['each_cpu']:6.2f} s")
        print(
            f"{label:10}  post --all / separate processes: wall {m['all_wall'] / m['each_wall']:.2f}x, "
            f"CPU {m['all_cpu'] / m['each_cpu']:.2f}x"
        )
    if "PostgreSQL" in med:
        ratio = med["PostgreSQL"]["one_wall"] / med["SQLite"]["one_wall"]
        print(
            f"one warm post --account: PostgreSQL {med['PostgreSQL']['one_wall'] * 1000:.0f} ms, "
            f"SQLite {med['SQLite']['one_wall'] * 1000:.0f} ms ({ratio:.2f}x)"
        )
    else:
        print(f"one warm post --account: SQLite {med['SQLite']['one_wall'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
