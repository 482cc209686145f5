"""`botx preview` and `botx check`: compose exactly as post would, record nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botx_cli.config import Config
from botx_cli.drafting import candidates, load_context, manual, remember
from botx_cli.schedule import next_slot
from botx_cli.store import Store
from botx_cli.validate import Verdict, rules_from, validate


@dataclass(frozen=True)
class PreviewItem:
    account: str
    slot: str
    text: str
    hashtags: tuple[str, ...]
    trend: str | None
    angle: str
    weighted_length: int
    checks: dict[str, bool]
    notes: dict[str, str]

    @property
    def valid(self) -> bool:
        return all(self.checks.values())

    def to_json(self) -> dict[str, Any]:
        return {"account": self.account, "slot": self.slot, "text": self.text, "hashtags": list(self.hashtags),
                "trend": self.trend, "angle": self.angle, "weighted_length": self.weighted_length,
                "checks": self.checks, "valid": self.valid}


def run_preview(cfg: Config, store: Store, accounts: list[str], count: int, now: datetime) -> list[PreviewItem]:
    """The next `count` tweets of each account at its next slots, as if each were posted."""
    items = []
    for name in accounts:
        account = cfg.account(name)
        ctx = load_context(cfg, store, account.name, now)
        moment = now
        for _ in range(count):
            moment = next_slot(moment, cfg.schedule, cfg.timezone, account.index)
            slot_key = moment.strftime("%Y-%m-%dT%H:%M%z")
            chosen = None
            for tweet, verdict in candidates(cfg, account.name, ctx, f"{account.name}|{slot_key}"):
                chosen = chosen or (tweet, verdict)
                if verdict.valid:
                    chosen = (tweet, verdict)
                    break
            assert chosen is not None
            tweet, verdict = chosen
            items.append(PreviewItem(account.name, moment.isoformat(timespec="minutes"), tweet.text, tweet.hashtags,
                                     tweet.trend, tweet.angle, verdict.weighted_length, verdict.checks, verdict.notes))
            ctx = remember(ctx, tweet)
    return items


def run_check(cfg: Config, store: Store | None, text: str, now: datetime) -> Verdict:
    if store is None:
        return validate(text, rules_from(cfg))
    return manual(text, load_context(cfg, store, "", now))[1]
