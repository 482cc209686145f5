"""Trend refresh wall time: three slow sources fetched together against the slowest alone,
measured interleaved in the same run (loopback static server, real captures).

Each source answers after --delay seconds. Fetched one after another, three would take
about 3x the slowest; fetched concurrently, about 1x plus cleaning and scoring.
Run: python bench/trends_refresh.py [--runs 7] [--delay 0.5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.trend_site import NOW, PATHS, TrendSite, point_trends, trends_section  # noqa: E402

from botx_cli.sections import load_config  # noqa: E402
from botx_cli.store import open_store  # noqa: E402
from botx_cli.store.settings import StorageSettings  # noqa: E402
from botx_cli.trends.refresh import refresh  # noqa: E402

THREE = ("google_rss", "trends24", "getdaytrends")
SLOWEST = "trends24"  # the biggest page of the three: parsing included, it is the slowest alone


def config(folder: Path, site: TrendSite, enabled: tuple[str, ...]) -> Path:
    folder.mkdir()
    example = (ROOT / "botx_cli" / "example_config.toml").read_text(encoding="utf-8")
    (folder / "config.toml").write_text(example, encoding="utf-8")
    off = {name: "enabled = false" for name in (*THREE, "pytrends") if name not in enabled}
    return point_trends(folder / "config.toml", trends_section(site, **off))


def timed_refresh(path: Path, minutes: int) -> float:
    cfg = load_config(str(path))
    store = open_store(cfg.settings(StorageSettings).path)
    try:
        start = time.perf_counter()
        report = refresh(cfg, store, NOW + timedelta(minutes=minutes))
        wall = time.perf_counter() - start
    finally:
        store.close()
    assert report is not None and all(s.status == "ok" for s in report.sources), report
    return wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--delay", type=float, default=0.5)
    args = parser.parse_args()
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"  # a proxy in the environment must not sit in between
    with tempfile.TemporaryDirectory() as tmp, TrendSite() as site:
        for name in THREE:
            site.options(PATHS[name], delay=args.delay)
        three = config(Path(tmp) / "three", site, THREE)
        alone = config(Path(tmp) / "alone", site, (SLOWEST,))
        timed_refresh(three, 0), timed_refresh(alone, 0)  # warm-up: imports (bs4, httpx, scikit-learn)
        walls: dict[str, list[float]] = {"three": [], "alone": []}
        for run in range(1, args.runs + 1):
            walls["three"].append(timed_refresh(three, run))
            walls["alone"].append(timed_refresh(alone, run))
    med = {key: statistics.median(values) for key, values in walls.items()}
    print(f"runs: {args.runs} each, interleaved; every source answers after {args.delay:g} s (loopback)")
    labels = {"three": f"three sources together ({', '.join(THREE)})", "alone": f"slowest alone ({SLOWEST})"}
    width = max(map(len, labels.values()))
    for key, label in labels.items():
        print(f"{label:<{width}}  median {med[key]:.3f} s  (min {min(walls[key]):.3f}, max {max(walls[key]):.3f})")
    ratio = med["three"] / med["alone"]
    print(
        f"three/alone ratio {ratio:.2f} (one after another would be about {len(THREE)}.0)"
        f"  {'OK' if ratio < 1.5 else 'SLOW'}"
    )


if __name__ == "__main__":
    main()
