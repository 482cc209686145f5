"""Previews per second, each next to a baseline measured in the same run.

- template: `run_preview` (compose, validate every candidate against the recent posts,
  interleave accounts) against the bare `compose_template` call rate;
- llm: `run_preview` with [compose] strategy = "llm" against a loopback OpenAI-compatible
  fake (tests/fakes/fake_openai.py), against the bare chat-completion round trip rate to the
  same fake (what the HTTP alone costs); each plan asks [compose.llm] copies copies and every
  copy is checked (claims and validation), so this is mostly validation time;
- the CLI: `botx preview --count N --json` as a fresh process (imports, DB, rendering JSON).

The affinities are computed once before timing (that is the cold path, not a preview's cost).
Run: python bench/previews.py [--count 250]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from fakes.fake_openai import FakeOpenAI  # noqa: E402

from botx_cli.content.compose import History, compose_template  # noqa: E402
from botx_cli.content.settings import WritingSettings  # noqa: E402
from botx_cli.posting.preview import run_preview  # noqa: E402
from botx_cli.sections import load_config  # noqa: E402
from botx_cli.store import open_store  # noqa: E402

NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")


def write_config(folder: Path, name: str, llm_url: str | None) -> Path:
    text = (ROOT / "botx_cli" / "example_config.toml").read_text()
    if llm_url:
        text = text.replace('strategy = "template"', 'strategy = "llm"')
        text = text.replace('base_url = "https://api.openai.com/v1"', f'base_url = "{llm_url}"')
        text = text.replace("budget_seconds = 60", "budget_seconds = 600")
    path = folder / name
    path.write_text(text)
    return path


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:9.1f}/s"


def bare_compose(cfg_path: Path, calls: int) -> float:
    cfg = load_config(str(cfg_path))
    rng = random.Random(1)
    started = time.perf_counter()
    for i in range(calls):
        compose_template(cfg, "AB"[i % 2], [], History(), rng, i % 3)
    return time.perf_counter() - started


def bare_round_trips(base_url: str, calls: int) -> float:
    import openai

    client = openai.OpenAI(api_key="bench", base_url=base_url, max_retries=0, timeout=10)
    messages = [{"role": "user", "content": "Angle: cost. Pay less.\nOffer: H100 80GB from $2.10/hr"}]
    started = time.perf_counter()
    for _ in range(calls):
        client.chat.completions.create(model="bench", messages=messages)
    return time.perf_counter() - started


def timed_preview(cfg_path: Path, db: Path, count: int) -> tuple[float, int]:
    cfg = load_config(str(cfg_path))
    store = open_store(db)
    run_preview(cfg, store, ["A"], 1, NOW)  # warm: affinities computed and stored (cold path)
    started = time.perf_counter()
    items = run_preview(cfg, store, ["A", "B"], count, NOW)
    seconds = time.perf_counter() - started
    assert all(item.valid for item in items), "an invalid preview: the bench measures valid output only"
    return seconds, len(items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=250, help="previews per account")
    args = parser.parse_args()
    os.environ["OPENAI_API_KEY"] = "bench"
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI() as fake:
        folder = Path(tmp)
        template_cfg = write_config(folder, "template.toml", None)
        llm_cfg = write_config(folder, "llm.toml", fake.base_url)
        t_seconds, t_items = timed_preview(template_cfg, folder / "template.db", args.count)
        compose_seconds = bare_compose(template_cfg, t_items)
        l_seconds, l_items = timed_preview(llm_cfg, folder / "llm.db", args.count)
        calls = len(fake.chat_requests)
        copies = load_config(str(llm_cfg)).settings(WritingSettings).copies
        trip_seconds = bare_round_trips(fake.base_url, l_items)
        env = {
            **os.environ,
            "BOTX_CONFIG": str(template_cfg),
            "BOTX_DB": str(folder / "template.db"),
            "BOTX_NOW": NOW.isoformat(),
            "HOME": tmp,
            "XDG_STATE_HOME": tmp,
        }
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "botx_cli", "preview", "--count", str(args.count), "--json"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cli_seconds = time.perf_counter() - started
    print(f"previews: {args.count} per account, 2 accounts, interleaved; every preview valid")
    print(f"template  run_preview                 {rate(t_items, t_seconds)}  ({t_items} in {t_seconds:.2f} s)")
    print(
        f"  baseline bare compose_template      {rate(t_items, compose_seconds)}  "
        f"(validation and context are the difference: x{t_seconds / compose_seconds:.0f})"
    )
    print(
        f"llm       run_preview vs fake         {rate(l_items, l_seconds)}  ({l_items} in {l_seconds:.2f} s, "
        f"{calls} model calls of {copies} copies, every copy checked)"
    )
    print(
        f"  baseline bare chat round trip       {rate(l_items, trip_seconds)}  "
        f"(per preview: {l_seconds / l_items * 1000:.1f} ms vs {trip_seconds / l_items * 1000:.1f} ms a call)"
    )
    print(
        f"cli       botx preview --json (proc)  {rate(t_items, cli_seconds)}  ({t_items} in {cli_seconds:.2f} s, "
        "imports and JSON included)"
    )


if __name__ == "__main__":
    main()
