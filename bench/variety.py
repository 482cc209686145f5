"""How varied the template copy is on the example config (issue 12, "Variety figures").

1,000 posts by default: `run_preview` on accounts A and B, 500 slots each (about 50 simulated
days at 10 posts per account per day), composed exactly as `botx post` would at each slot and
each counted as posted for the next. Measured on the prose (the text without link, hashtags,
promo line and profile line: validate.Rules.prose):

- self-BLEU-4 per local day (the ~20 posts a follower of both accounts sees that day), the
  mean and the worst day: at most 0.35;
- corpus distinct-3 (distinct word trigrams / all trigrams): at least 0.20;
- sentences repeated within a day across both accounts: 0;
- tweets holding one 3-word phrase twice: 0;
- tweets that fail validation: 0;
and, for the near-duplicate check (README "Validation"), the highest score any post met.
BLEU and distinct-n: botx_cli/variety.py. Run: python bench/variety.py [--count 500] [--show 20]
`--samples` prints tweets with a trend pick, an occasion, a holiday and no trend.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from botx_cli.config.core import Config  # noqa: E402
from botx_cli.config.pieces import Piece  # noqa: E402
from botx_cli.content.compose import TrendPick  # noqa: E402
from botx_cli.content.settings import ValidationSettings  # noqa: E402
from botx_cli.content.validate import rules_from  # noqa: E402
from botx_cli.content.variety import report  # noqa: E402
from botx_cli.posting.context import context_from  # noqa: E402
from botx_cli.posting.preview import first_valid, run_preview  # noqa: E402
from botx_cli.sections import load_config  # noqa: E402
from botx_cli.store import open_store  # noqa: E402

NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
LIMITS = {"self_bleu_day_max": 0.35, "distinct_3_min": 0.20}


def figures(cfg: Config, items: list[Any]) -> dict[str, Any]:
    """The variety figures of composed previews (see the module docstring)."""
    rules = rules_from(cfg)
    days: dict[str, list[str]] = defaultdict(list)
    for item in items:
        days[item.slot[:10]].append(rules.prose(item.text))
    near = [float(item.notes.get("near_duplicate", 0)) for item in items]
    return {
        **report(days),
        "invalid": [(i.text, [k for k, ok in i.checks.items() if not ok]) for i in items if not i.valid],
        "near_duplicate_max": max(near),
        "near_duplicate_p99": sorted(near)[int(len(near) * 0.99) - 1],
        "kinds": Counter(getattr(i, "kind", "?") for i in items),
    }


def compose_previews(count: int, folder: Path) -> tuple[Config, list[Any]]:
    config = folder / "config.toml"
    shutil.copy(ROOT / "botx_cli" / "example_config.toml", config)
    cfg = load_config(str(config))
    store = open_store(folder / "variety.db")
    return cfg, run_preview(cfg, store, ["A", "B"], count, NOW)


def samples(cfg: Config, folder: Path) -> list[tuple[str, str]]:
    """(label, text): tweets of both accounts riding a tech trend, an occasion with its own
    line and offer, a holiday, and none, composed as post would at a slot."""
    open_store(folder / "variety.db")
    picks = {
        "trend #OpenAI (tech)": TrendPick(
            "#OpenAI",
            "OpenAI",
            "tech",
            0.8,
            ("google_rss",),
            display="OpenAI",
            context=("OpenAI ships a new reasoning model",),
            matched=("openai",),
        ),
        "occasion #BlackFriday": TrendPick(
            "#BlackFriday",
            "Black Friday",
            "calendar",
            0.0,
            ("occasions",),
            display="Black Friday",
            kind="occasion",
            lines=("Our {Black Friday|holiday} price on 80GB A100s holds all weekend.",),
            offer="A100 80GB",
        ),
        "holiday #NewYear": TrendPick(
            "#NewYear",
            "New Year",
            "calendar",
            0.0,
            ("occasions",),
            display="New Year",
            kind="occasion",
            holiday=True,
            lines=(Piece("Start the year with a training run, not a hardware order.", topics=frozenset({"training"})),),
        ),
        "no trend": None,  # type: ignore[dict-item]
    }
    out = []
    rng = random.Random(7)
    for label, pick in picks.items():
        for slot in range(3):
            for account in ("A", "B"):
                seed = f"{account}|sample|{label}|{slot}|{rng.random()}"
                ctx = context_from(cfg, [], account, NOW, [pick] if pick else [])
                tweet, verdict = first_valid(cfg, account, ctx, seed)
                out.append(
                    (f"{account} · {label} · {tweet.kind} · {'valid' if verdict.valid else verdict.failed}", tweet.text)
                )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500, help="posts per account")
    parser.add_argument("--show", type=int, default=0, help="print this many tweets, spread over the run")
    parser.add_argument("--samples", action="store_true", help="print tweets with a trend, an occasion, a holiday")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("XDG_STATE_HOME", tmp)
        cfg, items = compose_previews(args.count, Path(tmp))
        found = figures(cfg, items)
        if args.samples:
            for label, text in samples(cfg, Path(tmp)):
                print(f"--- {label}\n{text}\n")
    step = (max(1, len(items) // args.show) | 1) if args.show else 0  # odd: both accounts
    for item in items[::step] if step else []:
        print(f"--- {item.account} · {item.slot} · {item.angle} · {getattr(item, 'kind', '')}\n{item.text}\n")
    ok = lambda good: "ok" if good else "FAIL"  # noqa: E731
    print(f"{found['posts']} posts, 2 accounts, {found['days']} local days, composed as post does (example config)")
    print(
        f"self-BLEU-4 per day    mean {found['self_bleu_day_mean']:.3f}  worst day {found['self_bleu_day_max']:.3f}"
        f"  (<= {LIMITS['self_bleu_day_max']}: {ok(found['self_bleu_day_max'] <= LIMITS['self_bleu_day_max'])})"
    )
    print(
        f"distinct-3 (corpus)    {found['distinct_3']:.3f}  (>= {LIMITS['distinct_3_min']}: "
        f"{ok(found['distinct_3'] >= LIMITS['distinct_3_min'])}); distinct-2 {found['distinct_2']:.3f}; "
        f"vocabulary {found['vocabulary']} words"
    )
    print(
        f"sentences repeated within a day (both accounts)  {len(found['repeated_sentences'])}  "
        f"({ok(not found['repeated_sentences'])})"
    )
    print(
        f"tweets with a 3-word phrase twice                {len(found['inner_repeats'])}  "
        f"({ok(not found['inner_repeats'])})"
    )
    print(f"invalid tweets                                   {len(found['invalid'])}  ({ok(not found['invalid'])})")
    print(
        f"near-duplicate score: highest {found['near_duplicate_max']:.2f}, p99 {found['near_duplicate_p99']:.2f}"
        f" (limit {cfg.settings(ValidationSettings).near_duplicate_threshold})"
    )
    print("kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(found["kinds"].items())))
    for day, sentence, times in found["repeated_sentences"][:10]:
        print(f"  repeated on {day} x{times}: {sentence}")
    for text, phrase in found["inner_repeats"][:10]:
        print(f"  phrase twice {' '.join(phrase)!r}: {text!r}")
    for text, failed in found["invalid"][:10]:
        print(f"  invalid {failed}: {text!r}")


if __name__ == "__main__":
    main()
