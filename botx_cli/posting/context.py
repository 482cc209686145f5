"""From store to validated tweets: what post and preview share, so preview shows exactly
what post would send."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from botx_cli.clock import iso
from botx_cli.config.core import Config
from botx_cli.content import experiments
from botx_cli.content.compose import History, Plan, TrendPick, Tweet, plan_tweet, render_template
from botx_cli.content.experiments import Experiment
from botx_cli.content.llm_copy import writer_for
from botx_cli.content.settings import ValidationSettings
from botx_cli.content.validate import Rules, Verdict, rules_from, validate
from botx_cli.llm.spend import spend_recorder
from botx_cli.schedule.slots import local_midnight
from botx_cli.store import Store
from botx_cli.trends import affinity as affinities
from botx_cli.trends.affinity import Affinity
from botx_cli.trends.cache import cached_trends, usable
from botx_cli.trends.calendar import occasions_today
from botx_cli.trends.settings import TrendSettings


@dataclass(frozen=True)
class Context:
    """Everything composition and validation read from the store, loaded once per run."""

    picks: list[TrendPick]
    history: History
    recent_proses: tuple[str, ...]
    rules: Rules
    affinity: Affinity | None = None  # domain-tag scores (affinity.py)
    writer: Any = None  # llm.Writer when [compose] strategy = "llm" and its key is set
    experiment: Experiment | None = None  # [experiments] on: Thompson sampling orders angles and variants


def trend_picks(cfg: Config, store: Store, now: datetime) -> list[TrendPick]:
    """Cached trends the policy lets a post ride (best first), then today's occasions. What
    the trend judgement decided at refresh time is read from the cache, nothing is judged here."""
    picks: list[TrendPick] = []
    conf = cfg.settings(TrendSettings)
    if conf.policy != "off":
        rows = cached_trends(store, now, conf.rules.max_age_hours)
        picks = [
            TrendPick(
                t.hashtag,
                t.name,
                t.category,
                t.relevance,
                t.sources,
                display=t.display,
                context=t.headlines,
                matched=t.matched,
            )
            for t in rows
            if usable(t, conf.policy, conf.min_relevance)
        ]
    picks += [
        TrendPick(
            o.hashtag,
            o.name,
            "calendar",
            0.0,
            ("calendar",),
            display=o.name,
            kind="occasion",
            holiday=o.holiday,
            lines=o.lines,
            offer=o.offer,
        )
        for o in occasions_today(cfg, now.astimezone(cfg.timezone))
    ]
    return picks


def load_context(
    cfg: Config, store: Store, account: str, now: datetime, notes: list[str] | None = None, compose: bool = True
) -> Context:
    """The context of one run; `compose=False` for checking a given text (no affinity, no model).
    `notes` collects what the -v output should tell (llm fallbacks)."""
    posts = store.recent_posts(now - timedelta(days=cfg.settings(ValidationSettings).duplicate_days))
    picks = trend_picks(cfg, store, now)
    if not compose:
        return context_from(cfg, posts, account, now, picks)
    writer = writer_for(cfg, notes, spend_recorder(store, now))
    return context_from(
        cfg,
        posts,
        account,
        now,
        picks,
        affinities.load(cfg, store, picks, now),
        writer,
        experiment=experiments.load(cfg, store, now),
    )


def context_from(
    cfg: Config,
    posts: list[dict[str, Any]],
    account: str,
    now: datetime,
    picks: list[TrendPick],
    affinity: Affinity | None = None,
    writer: Any = None,
    rules: Rules | None = None,
    experiment: Experiment | None = None,
) -> Context:
    """Context from recent posts (newest first, as Store.recent_posts gives them; a "prose" key,
    when present, saves recomputing it). Preview calls this with its own tweets prepended."""
    rules = rules or rules_from(cfg)
    checks = cfg.settings(ValidationSettings)
    since = iso(now - timedelta(days=checks.duplicate_days))
    posts = [p for p in posts if p["created_at"] >= since]
    near_since = iso(now - timedelta(days=checks.near_duplicate_days))
    near = [p for p in posts if p["created_at"] >= near_since]
    domain = {t.casefold() for t in cfg.hashtags.domain}
    own = [p for p in posts if p["account"] == account]
    reuse_since = iso(now - timedelta(hours=cfg.settings(TrendSettings).reuse_hours))
    today = iso(local_midnight(now, cfg.timezone))
    host = urlsplit(cfg.product.url).netloc.casefold()
    history = History(
        own_angles=tuple(p["angle"] for p in own if p["angle"]),
        other_angles=tuple(p["angle"] for p in posts if p["account"] != account and p["angle"]),
        own_tags=tuple(_domain_tag(p, domain) for p in own),
        recent_trends=frozenset(p["trend"].casefold() for p in own if p["trend"] and p["created_at"] >= reuse_since),
        recent_texts=tuple(p["text_norm"] for p in posts if p["text_norm"]),
        near_texts=tuple(p["text_norm"] for p in near if p["text_norm"]),
        own_kinds=tuple(p.get("post_kind") for p in own),
        own_links=tuple(host in p["text"].casefold() for p in own),
        own_promos=tuple(cfg.product.promo_code in p["text"] for p in own),
        today=tuple(_prose(p, rules) for p in posts if p["created_at"] >= today),
        near_proses=tuple(_prose(p, rules) for p in near),
    )
    proses = history.near_proses
    return Context(picks, history, proses, rules, affinity, writer, experiment)


def _prose(post: dict[str, Any], rules: Rules) -> str:
    """The post's prose, remembered in the row: preview rereads rows often."""
    if not post.get("prose"):
        post["prose"] = rules.prose(post["text"])
    return str(post["prose"])


def _domain_tag(post: dict[str, Any], domain: set[str]) -> str:
    """The post's domain tag ('' if none), remembered in the row: preview rereads rows often."""
    if "domain_tag" not in post:
        post["domain_tag"] = next((t for t in json.loads(post["hashtags"] or "[]") if t.casefold() in domain), "")
    return str(post["domain_tag"])


def candidates(cfg: Config, account: str, ctx: Context, seed: str) -> Iterator[tuple[Tweet, Verdict]]:
    """Compositions in preference order, each with its verdict. With the llm strategy the model
    words each plan; a plan it fails on is worded by the template instead."""
    rng = random.Random(seed)

    def checker(plan: Plan) -> Callable[[str], Verdict]:
        rules = for_plan(ctx.rules, plan)
        return lambda text: validate(text, rules, ctx.history.recent_texts, ctx.recent_proses)

    rank = ctx.experiment.angle_rank([a.name for a in cfg.content.angles], seed) if ctx.experiment else None
    variant = experiments.pick_variant(cfg, ctx.experiment, seed) if ctx.writer is not None else None
    for attempt in range(cfg.content.candidates):
        plan = plan_tweet(cfg, account, ctx.picks, ctx.history, rng, attempt, affinity=ctx.affinity, angle_rank=rank)
        check = checker(plan)
        if ctx.writer is not None and ctx.writer.ready():
            written = ctx.writer.compose(plan, for_plan(ctx.rules, plan), check, variant, ctx.recent_proses)
            if written is not None:
                yield written
                continue
        tweet = render_template(cfg, plan, rng)
        yield tweet, check(tweet.text)


def for_plan(rules: Rules, plan: Plan) -> Rules:
    """A composed post carries the link and the promo code exactly when its plan does."""
    return replace(rules, link=bool(plan.link), promo=bool(plan.promo))


def manual(text: str, ctx: Context) -> tuple[Tweet, Verdict]:
    verdict = validate(text, ctx.rules, ctx.history.recent_texts, ctx.recent_proses)
    domain = next((f"#{t}" for t in verdict.hashtags if t.casefold() in ctx.rules.domain_tags), "")
    return Tweet(
        text, tuple(f"#{t}" for t in verdict.hashtags), domain, None, "manual", "", "", -1, "manual", kind=None
    ), verdict
