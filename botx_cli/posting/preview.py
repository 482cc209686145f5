"""`botx preview` and `botx check`: compose exactly as post would, record nothing."""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from botx_cli.clock import iso
from botx_cli.config.core import Config
from botx_cli.content import experiments
from botx_cli.content import images as media
from botx_cli.content.compose import TrendPick, Tweet
from botx_cli.content.llm_copy import writer_for
from botx_cli.content.settings import ValidationSettings
from botx_cli.content.validate import Verdict, normalize, rules_from, validate
from botx_cli.llm.spend import spend_recorder
from botx_cli.posting.context import Context, candidates, context_from, load_context, manual, trend_picks
from botx_cli.schedule.slots import next_slot, slot_key
from botx_cli.store import Store
from botx_cli.trends import affinity as affinities


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
    strategy: str = "template"
    offer: str = ""  # the offer item, recorded with a draft (not in the JSON)
    image: bool = False  # [media] mode generate: post would attach an image (preview generates none)
    kind: str | None = None  # the kind of post: offer | proof | question

    @property
    def valid(self) -> bool:
        return all(self.checks.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "slot": self.slot,
            "text": self.text,
            "hashtags": list(self.hashtags),
            "trend": self.trend,
            "angle": self.angle,
            "weighted_length": self.weighted_length,
            "checks": self.checks,
            "valid": self.valid,
            "strategy": self.strategy,
            "image": self.image,
            "kind": self.kind,
        }


def run_preview(
    cfg: Config,
    store: Store,
    accounts: list[str],
    count: int,
    now: datetime,
    notes: list[str] | None = None,
    queued: list[dict[str, Any]] | None = None,
) -> list[PreviewItem]:
    """The next `count` tweets of each account, in slot-time order across accounts, each
    composed as post would at its slot with every earlier preview counted as posted: previews
    never repeat each other, and the angle rules (no account twice on an angle, no two
    accounts on the same angle back to back) show here as they will happen. `queued`: tweets
    to count as posted before the first preview (drafts waiting in the review queue), newest first."""
    rules = rules_from(cfg)
    stored = store.recent_posts(now - timedelta(days=cfg.settings(ValidationSettings).duplicate_days))
    for post in stored:
        post["prose"] = rules.prose(post["text"])
    cached = [p for p in trend_picks(cfg, store, now) if p.category != "calendar"]
    scores = affinities.load(cfg, store, cached, now)
    writer = writer_for(cfg, notes, spend_recorder(store, now))  # the model's calls are billed: recorded
    experiment = experiments.load(cfg, store, now)
    images = {a.name: media.preview_flags(cfg, store, a.name, count) for a in map(cfg.account, accounts)}
    calendar: dict[date, list[TrendPick]] = {}
    chosen: list[dict[str, Any]] = list(queued or [])  # the previews as posts, newest first
    queue = []
    for order, name in enumerate(accounts):
        account = cfg.account(name)
        queue.append((next_slot(now, cfg.schedule, cfg.timezone, account.index), order, account))
    heapq.heapify(queue)
    items: list[PreviewItem] = []
    made: dict[str, int] = {}
    while queue:
        moment, order, account = heapq.heappop(queue)
        day = moment.astimezone(cfg.timezone).date()
        if day not in calendar:  # calendar tags follow the slot's day; cached trends are today's
            calendar[day] = [p for p in trend_picks(cfg, store, moment) if p.category == "calendar"]
        ctx = context_from(
            cfg, chosen + stored, account.name, moment, cached + calendar[day], scores, writer, rules, experiment
        )
        ctx = _run_unique(ctx, chosen, moment - timedelta(days=cfg.settings(ValidationSettings).duplicate_days))
        tweet, verdict = first_valid(cfg, account.name, ctx, f"{account.name}|{slot_key(moment)}")
        items.append(
            PreviewItem(
                account.name,
                moment.isoformat(timespec="minutes"),
                tweet.text,
                tweet.hashtags,
                tweet.trend,
                tweet.angle,
                verdict.weighted_length,
                verdict.checks,
                verdict.notes,
                tweet.strategy,
                tweet.offer,
                images[account.name][made.get(account.name, 0)],
                tweet.kind,
            )
        )
        chosen.insert(
            0,
            {
                "account": account.name,
                "text": tweet.text,
                "text_norm": normalize(tweet.text),
                "hashtags": json.dumps(list(tweet.hashtags)),
                "trend": tweet.trend,
                "angle": tweet.angle,
                "created_at": iso(moment),
                "prose": rules.prose(tweet.text),
                "post_kind": tweet.kind,
            },
        )
        made[account.name] = made.get(account.name, 0) + 1
        if made[account.name] < count:
            heapq.heappush(queue, (next_slot(moment, cfg.schedule, cfg.timezone, account.index), order, account))
    return items


def _run_unique(ctx: Context, chosen: list[dict[str, Any]], since: datetime) -> Context:
    """Previews of one run never repeat each other, even further apart than duplicate_days."""
    cutoff = iso(since)
    older = tuple(p["text_norm"] for p in chosen if p["created_at"] < cutoff)
    if not older:
        return ctx
    return replace(ctx, history=replace(ctx.history, recent_texts=ctx.history.recent_texts + older))


def first_valid(cfg: Config, account: str, ctx: Context, seed: str) -> tuple[Tweet, Verdict]:
    """The candidate post would send; when none is valid, the first one, to show its failures."""
    first = None
    for tweet, verdict in candidates(cfg, account, ctx, seed):
        if verdict.valid:
            return tweet, verdict
        first = first or (tweet, verdict)
    assert first is not None
    return first


def run_check(cfg: Config, store: Store | None, text: str, now: datetime) -> Verdict:
    if store is None:
        return validate(text, rules_from(cfg))
    return manual(text, load_context(cfg, store, "", now, compose=False))[1]
