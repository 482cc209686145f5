"""One trend refresh: due sources fetched together, cleaned, judged, scored, cached.

`refresh_if_stale` is what `botx post` calls: with a warm cache it costs one SELECT and
imports nothing heavy; httpx, bs4, pytrends, scikit-learn and openai load only inside a
refresh that needs them. The judgement happens here, once per refresh, and is stored with
each trend: safety on names and headlines (clean.py), relevance by the product's field
(relate.py), and with [compose] strategy = "llm" the model's verdicts (llm_judge.py).
A refresh never raises for a source: failures go to trend_sources and the circuit breaker,
and with every network source down posts still use occasions and domain tags.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from botx_cli.clock import iso
from botx_cli.config.core import Config
from botx_cli.llm.settings import LlmSettings
from botx_cli.store import Store
from botx_cli.trends import breaker, cache
from botx_cli.trends.clean import Trend, clean_trends
from botx_cli.trends.settings import TrendSettings
from botx_cli.trends.sources.base import RawTrend, SourceSpec


@dataclass(frozen=True)
class SourceOutcome:
    name: str
    status: str  # ok | failed | skipped (circuit open)
    count: int = 0
    error: str | None = None
    duration_ms: int = 0
    open_until: str | None = None


@dataclass(frozen=True)
class RefreshReport:
    refresh_id: int
    duration_ms: int
    sources: list[SourceOutcome]
    kept: int
    rejected: int
    error: str | None = None
    judge: str | None = None  # what the model judge did (strategy "llm")

    @property
    def all_down(self) -> bool:
        return bool(self.sources) and all(s.status != "ok" for s in self.sources)


def refresh_if_stale(cfg: Config, store: Store, now: datetime, trigger: str = "post") -> RefreshReport | None:
    """Refresh only when the cache is older than cache_minutes; `post` also stops at
    refresh_budget_seconds. With policy "off" posts use no trend, so nothing is fetched."""
    conf = cfg.settings(TrendSettings)
    if trigger == "post" and conf.policy == "off":
        return None
    if not cache.is_stale(store, now, conf.cache_minutes):
        return None
    budget = conf.refresh_budget_seconds if trigger == "post" else None
    return refresh(cfg, store, now, trigger=trigger, force=False, budget=budget)


def refresh(
    cfg: Config, store: Store, now: datetime, trigger: str = "cli", force: bool = True, budget: float | None = None
) -> RefreshReport | None:
    """Fetch, clean, score and cache; None when another run refreshed within cache_minutes."""
    conf = cfg.settings(TrendSettings)
    refresh_id = cache.claim_refresh(store, now, conf.cache_minutes, trigger, force)
    if refresh_id is None:
        return None
    started = time.monotonic()
    report = RefreshReport(refresh_id, 0, [], 0, 0)
    deadline = None if budget is None else started + budget  # a post's refresh: the model gets what is left
    try:
        report = _run(cfg, store, now, refresh_id, conf, budget, deadline)
    except Exception as err:  # noqa: BLE001 - a broken refresh must not stop the post
        report = replace(report, error=f"{type(err).__name__}: {err}"[:300])
    report = replace(report, duration_ms=int((time.monotonic() - started) * 1000))
    outcome: dict[str, list[str]] = {}
    for source in report.sources:
        outcome.setdefault(source.status, []).append(source.name)
    cache.finish_refresh(
        store, refresh_id, now, report.duration_ms, report.kept, report.rejected, outcome, report.error, report.judge
    )
    if report.all_down:
        every_source_down(cfg, store, report, now)
    return report


def _run(
    cfg: Config,
    store: Store,
    now: datetime,
    refresh_id: int,
    conf: TrendSettings,
    budget: float | None,
    deadline: float | None,
) -> RefreshReport:
    states = breaker.states(store)
    due: list[SourceSpec] = []
    outcomes: list[SourceOutcome] = []
    for spec in conf.network():
        state = states.get(spec.name)
        if state is not None and state.is_open(now):
            outcomes.append(SourceOutcome(spec.name, "skipped", error=state.last_error, open_until=state.open_until))
        else:
            due.append(spec)
    raw: list[RawTrend] = []
    if due:
        fetched, calls = _fetch(due, conf, budget)
        _record_x_calls(cfg, store, now, calls)
        for result in fetched:
            outcomes.append(_record(store, now, conf, result))
            raw += result.trends
    cleaned = clean_trends(raw, conf.rules, now.astimezone(cfg.timezone))  # the local year decides dated names
    sources_ok = sum(o.status == "ok" for o in outcomes)
    rows = _rate(cfg, conf, cleaned.kept, now, sources_ok)
    rejects: list[tuple[str, str, int | None, str]] = [
        (r.name, r.source, r.rank, reason) for r, reason in cleaned.rejected
    ]
    note = None
    if rows and cfg.strategy == "llm":  # the model as a second judge, once per refresh
        limit = cfg.settings(LlmSettings).timeout_seconds
        left = limit if deadline is None else deadline - time.monotonic()
        rows, vetoed, note = _judge_with_model(cfg, store, rows, now, min(limit, left))
        rejects += vetoed
    cache.save(store, refresh_id, now, rows, rejects, conf.keep_refreshes)
    _store_affinities(cfg, store, rows, now)  # also the angle x offer rows, so no post computes them
    order = {name: i for i, name in enumerate(conf.sources)}
    outcomes.sort(key=lambda o: order.get(o.name, 99))
    return RefreshReport(refresh_id, 0, outcomes, len(rows), len(rejects), judge=note)


def _judge_with_model(
    cfg: Config, store: Store, rows: list[cache.CachedTrend], now: datetime, seconds: float
) -> tuple[list[cache.CachedTrend], list[tuple[str, str, int | None, str]], str]:
    """The model's verdicts applied: unsafe ones move to the rejects, the rest carry theirs."""
    from botx_cli.trends.llm_judge import judge

    judged = judge(cfg, store, rows, now, seconds)
    kept, vetoed = [], []
    for row in rows:
        verdict = judged.verdicts.get(row.hashtag.casefold())
        if verdict is None:
            kept.append(row)
        elif not verdict["safe"]:
            vetoed.append((row.display or row.name, row.sources[0], row.rank, f"llm:unsafe ({verdict['why']})"))
        else:
            kept.append(
                replace(row, llm=verdict, reason=_with_verdict(row, verdict, cfg.settings(TrendSettings).min_relevance))
            )
    return kept, vetoed, judged.note


def _with_verdict(row: cache.CachedTrend, verdict: dict[str, Any], min_relevance: float) -> str:
    why = f" ({verdict['why']})" if verdict["why"] else ""
    if not verdict["related"]:
        return f"{row.reason}; the model: not related{why}"
    if row.relevance > min_relevance:
        return f"{row.reason}; the model agrees{why}"
    if row.relevance > 0:
        return f"relevant: the model confirmed{why}; the rules found {', '.join(row.matched)}"
    return f"{row.reason}; the model says related{why}, but the rules found nothing to confirm"


def _fetch(due: list[SourceSpec], conf: TrendSettings, budget: float | None) -> tuple[list[Any], list[Any]]:
    from botx_cli.trends.sources.base import Job
    from botx_cli.trends.sources.fetch import fetch_all

    job = Job(conf.user_agent)
    return fetch_all(due, job, budget), job.x_calls


def _record(store: Store, now: datetime, conf: TrendSettings, result: Any) -> SourceOutcome:
    if result.error is None:
        breaker.record_success(store, result.source, now, len(result.trends), result.duration_ms)
        return SourceOutcome(result.source, "ok", len(result.trends), None, result.duration_ms)
    until = breaker.record_failure(
        store,
        result.source,
        now,
        result.error,
        result.duration_ms,
        conf.cooloff_minutes,
        conf.cooloff_max_minutes,
        result.retry_at,
    )
    return SourceOutcome(result.source, "failed", 0, result.error, result.duration_ms, until)


def _record_x_calls(cfg: Config, store: Store, now: datetime, calls: list[tuple[str, int | None, int]]) -> None:
    """X bills its endpoints per request (the x source's trends): every call goes to api_calls
    with its cost."""
    if not calls:
        return
    from botx_cli.x.costs import CostSettings, call_cost

    prices = cfg.settings(CostSettings).prices
    for endpoint, status, duration_ms in calls:
        method = endpoint.split(" ", 1)[0]
        cost = call_cost(prices, method, endpoint, status or 0, None, None)
        store.record_api_call(now, None, method, endpoint, status, cost, duration_ms)


def _rate(
    cfg: Config, conf: TrendSettings, kept: list[Trend], now: datetime, sources_ok: int
) -> list[cache.CachedTrend]:
    """Category, relevance (with why) and score of every kept trend, best first."""
    if not kept:
        return []
    from botx_cli.trends import score
    from botx_cli.trends.relate import Vocabulary

    vocabulary = Vocabulary.of(
        cfg.product.name, cfg.product.keywords, [o.item for o in cfg.content.offers], cfg.hashtags.domain, conf.related
    )
    matcher = score.categorizer(conf.categories)
    judged = [vocabulary.judge(t.display or t.name, t.hashtag, t.news, conf.min_relevance) for t in kept]
    totals = score.scores(kept, [j.score for j in judged], now, conf.rules.max_age_hours, sources_ok)
    rows = [
        cache.CachedTrend(
            t.name,
            t.hashtag,
            t.sources,
            t.rank,
            t.volume,
            j.score,
            total,
            score.category_of(matcher, t),
            iso(t.published_at) if t.published_at else None,
            iso(now),
            t.display or t.name,
            tuple((h.title, h.snippet, h.source) for h in t.news),
            j.matched,
            j.reason,
        )
        for t, j, total in zip(kept, judged, totals, strict=True)
    ]
    return sorted(rows, key=lambda r: (-r.score, -r.relevance, r.hashtag.casefold()))


def _store_affinities(cfg: Config, store: Store, rows: list[cache.CachedTrend], now: datetime) -> None:
    """Domain-tag affinities of the new trends (affinity.py), while scikit-learn is loaded,
    so that `botx post` finds them computed."""
    from botx_cli.trends import affinity

    affinity.refresh_trends(cfg, store, [(r.hashtag, r.name) for r in rows], now)


def every_source_down(cfg: Config, store: Store, report: RefreshReport, now: datetime) -> None:
    """Tell the operator (webhook, rate-limited by notify) that no network source answers."""
    from botx_cli.notify import alerts as notify

    detail = "; ".join(f"{s.name}: {s.error or s.status}" for s in report.sources)
    notify.alert(
        cfg,
        store,
        "trends_down",
        "all",
        f"every trend source is down; posts use calendar and domain tags only ({detail})",
        now,
    )
