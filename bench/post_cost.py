"""What a cron call costs: `botx post` (real post to a loopback fake X, warm trend cache)
against `python -c "import tweepy, typer, sqlite3"`, and `botx --help` against
`python -c "import typer"`, measured interleaved in the same run.

Targets (issue 2): post wall <= 2x baseline, post peak RSS <= 100 MB, help <= 1.6x.
Run: python bench/post_cost.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakes.fake_x import FakeX  # noqa: E402
from fakes.trend_site import TrendSite, point_trends, trends_section  # noqa: E402


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB, exit code) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def config_for(folder: Path, base_url: str, site: TrendSite) -> Path:
    text = (ROOT / "botx_cli" / "example_config.toml").read_text()
    text = text.replace('api_base_url = "https://api.twitter.com"', f'api_base_url = "{base_url}"')
    text = text.replace("daily_cap = 10", "daily_cap = 1000").replace("min_gap_minutes = 45", "min_gap_minutes = 0")
    path = folder / "config.toml"
    path.write_text(text)
    return point_trends(path, trends_section(site))  # real captures on loopback: a cache with trends


def warm_cache(env: dict[str, str]) -> None:
    """Fill the trend cache the way cron's `botx trends --refresh` line does."""
    subprocess.run(
        [sys.executable, "-m", "botx_cli", "trends", "--refresh", "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    # As `pip install` does for a real install: byte-compile botx, so a PYTHONDONTWRITEBYTECODE
    # environment (or an editable install) does not charge botx alone for compiling its sources.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "botx_cli")], check=True)
    botx = [sys.executable, "-m", "botx_cli"]
    with tempfile.TemporaryDirectory() as tmp, FakeX() as fake, TrendSite() as site:
        fake.add_user("tok-a", 1001, "VOLTAGEGPU")
        fake.post_limit_24h = 10_000
        env = {
            **os.environ,
            "BOTX_CONFIG": str(config_for(Path(tmp), fake.base_url, site)),
            "HOME": tmp,
            "XDG_STATE_HOME": tmp,
        }
        for part in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
            env[f"BOTX_A_{part}"] = "tok-a" if part == "ACCESS_TOKEN" else "bench"
        start = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
        env["BOTX_NOW"] = start.isoformat()
        warm_cache(env)
        rows: dict[str, list[tuple[float, float]]] = {k: [] for k in ("base", "post", "typer", "help")}
        for i in range(args.runs):
            env["BOTX_NOW"] = (start + timedelta(minutes=90 * i)).isoformat()
            warm_cache(env)  # slots are 90 min apart, the cache lasts 30: cron's trends line keeps it warm
            for key, argv in (
                ("base", [sys.executable, "-c", "import tweepy, typer, sqlite3"]),
                ("post", botx + ["post", "--account", "A", "--quiet"]),
                ("typer", [sys.executable, "-c", "import typer"]),
                ("help", botx + ["--help"]),
            ):
                wall, rss, code = measure(argv, env)
                if code != 0:
                    raise SystemExit(f"{key} exited {code}")
                rows[key].append((wall, rss))
        posted = len(fake.tweets)
    med = {k: statistics.median(w for w, _ in v) for k, v in rows.items()}
    rss = {k: max(r for _, r in v) for k, v in rows.items()}
    print(f"runs: {args.runs} each, interleaved; tweets posted: {posted}")
    print(f"baseline  import tweepy,typer,sqlite3  wall {med['base'] * 1000:7.1f} ms  peak RSS {rss['base']:6.1f} MB")
    print(f"botx post (real post, warm cache)      wall {med['post'] * 1000:7.1f} ms  peak RSS {rss['post']:6.1f} MB")
    print(f"baseline  import typer                 wall {med['typer'] * 1000:7.1f} ms  peak RSS {rss['typer']:6.1f} MB")
    print(f"botx --help                            wall {med['help'] * 1000:7.1f} ms  peak RSS {rss['help']:6.1f} MB")
    post_ratio, help_ratio = med["post"] / med["base"], med["help"] / med["typer"]
    print(f"post/baseline ratio {post_ratio:.2f} (target <= 2.0)  {'OK' if post_ratio <= 2 else 'OVER'}")
    print(f"post peak RSS {rss['post']:.1f} MB (target <= 100)  {'OK' if rss['post'] <= 100 else 'OVER'}")
    print(f"help/typer ratio {help_ratio:.2f} (target <= 1.6)  {'OK' if help_ratio <= 1.6 else 'OVER'}")


if __name__ == "__main__":
    main()
