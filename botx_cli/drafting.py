"""From store to validated tweets: what post and preview share, so preview shows exactly
what post would send."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterator

from botx_cli.clock import iso
from botx_cli.compose import History, TrendPick, Tweet, compose_template
from botx_cli.config import Config
from botx_cli.store import Store
from botx_cli.trends.calendar import calendar_tags
from botx_cli.validate import Rules, Verdict, normalize, prose, rules_from, validate


@dataclass(frozen=True)
class Context:
    """Everything composition and validation read from the store, loaded once per run."""

    picks: list[TrendPick]
    history: History
    recent_proses: tuple[str, ...]
    rules: Rules


def trend_picks(cfg: Config, store: Store, now: datetime) -> list[TrendPick]:
    """Cached trends allowed by the policy (best first), then today's calendar tags."""
    picks: list[TrendPick] = []
    if cfg.trends.policy != "off":
        floor = cfg.trends.min_relevance if cfg.trends.policy == "relevant" else -1.0
        rows = store.conn.execute(
            "SELECT hashtag, name, category, relevance, sources FROM trends WHERE fetched_at >= ? AND relevance >= ?"
            " ORDER BY score DESC, relevance DESC", (iso(now - timedelta(hours=24)), floor))
        picks = [TrendPick(h, n, c, r, tuple(json.loads(s))) for h, n, c, r, s in rows]
    if cfg.trends.sources.get("calendar", {}).get("enabled", True):
        local = now.astimezone(cfg.timezone)
        picks += [TrendPick(tag, tag.lstrip("#"), "calendar", 0.0, ("calendar",)) for tag in calendar_tags(local)]
    return picks


def load_context(cfg: Config, store: Store, account: str, now: datetime) -> Context:
    days = cfg.validation.duplicate_days
    posts = store.recent_posts(now - timedelta(days=days))
    domain = {t.casefold() for t in cfg.hashtags.domain}
    own = [p for p in posts if p["account"] == account]
    reuse_since = iso(now - timedelta(hours=cfg.trends.reuse_hours))
    history = History(
        own_angles=tuple(p["angle"] for p in own if p["angle"]),
        other_angles=tuple(p["angle"] for p in posts if p["account"] != account and p["angle"]),
        own_tags=tuple(next((t for t in json.loads(p["hashtags"] or "[]") if t.casefold() in domain), "")
                       for p in own),
        recent_trends=frozenset(p["trend"].casefold() for p in own if p["trend"] and p["created_at"] >= reuse_since),
        recent_texts=tuple(p["text_norm"] for p in posts if p["text_norm"]),
    )
    rules = rules_from(cfg)
    proses = tuple(prose(p["text"], rules.promo_code) for p in posts)
    return Context(trend_picks(cfg, store, now), history, proses, rules)


def candidates(cfg: Config, account: str, ctx: Context, seed: str) -> Iterator[tuple[Tweet, Verdict]]:
    """Compositions in preference order, each with its verdict."""
    rng = random.Random(seed)
    for attempt in range(cfg.content.candidates):
        tweet = compose_template(cfg, account, ctx.picks, ctx.history, rng, attempt)
        yield tweet, validate(tweet.text, ctx.rules, ctx.history.recent_texts, ctx.recent_proses)


def manual(text: str, ctx: Context) -> tuple[Tweet, Verdict]:
    verdict = validate(text, ctx.rules, ctx.history.recent_texts, ctx.recent_proses)
    domain = next((f"#{t}" for t in verdict.hashtags if t.casefold() in ctx.rules.domain_tags), "")
    return Tweet(text, tuple(f"#{t}" for t in verdict.hashtags), domain, None, "manual", "", "", -1, "manual"), verdict


def remember(ctx: Context, tweet: Tweet) -> Context:
    """The context once `tweet` is posted: the next preview must differ from it."""
    history = ctx.history.after(tweet, tweet.domain_tag, normalize(tweet.text))
    return Context(ctx.picks, history, (prose(tweet.text, ctx.rules.promo_code), *ctx.recent_proses), ctx.rules)
