"""`botx stats`: what happened, computed once into a frozen result that render_stats prints.

Every figure is a SQL aggregate over one index range of the period (runs, attempts,
api_calls and metrics_latest have covering indexes from migration 002_stats), so the cost
follows the rows in the period, never the size of the file (bench/stats_scale.py).
Days are local days of the config's timezone: one [start, end) range per day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, cast

from botx_cli.clock import iso, parse_iso
from botx_cli.config.core import Config
from botx_cli.content.link_policy import CostRow, cost_table
from botx_cli.report.experiments import report as experiment_report
from botx_cli.report.spend import MonthSpend, month_spend
from botx_cli.schedule.slots import next_slot
from botx_cli.store import Store, reports
from botx_cli.x.costs import CostSettings

POSTED = "posted"
TOP = 8  # trends and hashtags listed in the terminal (--json has them all)
BEST = 3


@dataclass(frozen=True)
class DayCounts:
    posted: int = 0
    skipped: int = 0
    failed: int = 0
    skips: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "posted": self.posted,
            "skipped": self.skipped,
            "failed": self.failed,
            "skips": self.skips,
            "failures": self.failures,
        }


@dataclass(frozen=True)
class Limit:
    endpoint: str
    kind: str  # window | user_24h | app_24h | credits (X answered 402 / usage-capped)
    limit: int | None
    remaining: int | None
    reset_at: str | None
    blocked: bool  # nothing left and the reset is still ahead
    note: str | None = None  # why the stored reset is not X's own (capped header, credits)


@dataclass(frozen=True)
class AccountStats:
    name: str
    total: DayCounts
    days: dict[str, DayCounts]  # every local day of the period, oldest first
    measured: int  # posts of the period with a metrics snapshot
    likes: int
    impressions: int
    engagements: int
    api_calls: int
    spend_usd: float
    next_slot: str | None
    limits: tuple[Limit, ...]
    unknown: int = 0  # posts whose answer was lost, not yet found on (or ruled out by) the timeline

    @property
    def rate(self) -> float | None:
        return self.engagements / self.impressions if self.impressions else None

    def to_json(self) -> dict[str, Any]:
        return {
            "posted": self.total.posted,
            "skipped": self.total.skipped,
            "failed": self.total.failed,
            "skips": self.total.skips,
            "failures": self.total.failures,
            "likes": self.likes,
            "impressions": self.impressions,
            "engagements": self.engagements,
            "measured": self.measured,
            "engagement_rate": _round(self.rate),
            "api_calls": self.api_calls,
            "spend_usd": round(self.spend_usd, 4),
            "next_slot": self.next_slot,
            "unknown": self.unknown,
            "rate_limits": [dict(lim.__dict__) for lim in self.limits],
            "days": {day: counts.to_json() for day, counts in self.days.items()},
        }


@dataclass(frozen=True)
class Usage:
    """One angle, trend or hashtag: how often used and how it engaged."""

    name: str
    posts: int
    measured: int
    impressions: int
    engagements: int

    @property
    def rate(self) -> float | None:
        return self.engagements / self.impressions if self.impressions else None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "posts": self.posts,
            "measured": self.measured,
            "impressions": self.impressions,
            "engagements": self.engagements,
            "engagement_rate": _round(self.rate),
        }


@dataclass(frozen=True)
class PostStat:
    account: str
    tweet_id: str
    created_at: str
    text: str
    likes: int
    impressions: int
    engagements: int

    @property
    def rate(self) -> float:
        return self.engagements / self.impressions if self.impressions else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "engagement_rate": _round(self.rate)}


@dataclass(frozen=True)
class StatsResult:
    now: datetime
    days: int
    timezone: str
    day_keys: tuple[str, ...]
    accounts: tuple[AccountStats, ...]
    validation_passed: int
    validation_failed: int
    angles: tuple[Usage, ...]
    trends: tuple[Usage, ...]
    hashtags: tuple[Usage, ...]
    best: tuple[PostStat, ...]
    worst: tuple[PostStat, ...]
    month: MonthSpend
    experiments: tuple[Any, ...] = ()  # experiment_stats.ExperimentReport each, when [experiments] is on
    x_cost: tuple[CostRow, ...] = ()  # projected monthly X cost of the posts per link policy (link_policy.py)

    @property
    def pass_rate(self) -> float | None:
        composed = self.validation_passed + self.validation_failed
        return self.validation_passed / composed if composed else None

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {
                "days": self.days,
                "from": self.day_keys[0],
                "to": self.day_keys[-1],
                "timezone": self.timezone,
                "now": self.now.isoformat(),
            },
            "accounts": {a.name: a.to_json() for a in self.accounts},
            "validation": {
                "passed": self.validation_passed,
                "failed": self.validation_failed,
                "pass_rate": _round(self.pass_rate),
            },
            "angles": [u.to_json() for u in self.angles],
            "trends": [u.to_json() for u in self.trends],
            "hashtags": [u.to_json() for u in self.hashtags],
            "best": [p.to_json() for p in self.best],
            "worst": [p.to_json() for p in self.worst],
            "spend": self.month.to_json(self.now),
            "experiments": [e.to_json() for e in self.experiments],
            "x_cost": [row.to_json() for row in self.x_cost],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 5)


def run_stats(cfg: Config, store: Store, now: datetime, days: int, account: str | None = None) -> StatsResult:
    tz = cfg.timezone
    today = now.astimezone(tz).date()
    keys = [today - timedelta(days=days - 1 - i) for i in range(days)]
    bounds = [(d.isoformat(), _utc(d, tz), _utc(d + timedelta(days=1), tz)) for d in keys]
    lo, hi = bounds[0][1], bounds[-1][2]
    only = cfg.account(account).name if account else None
    runs = _runs(store, bounds, only)
    posts = _engagement(store, lo, hi, only)
    spend = _spend(store, lo, hi, only)
    names = [only] if only else _names(cfg, runs, posts)
    limits = _limits(store, now)
    unknown = _unknown(store, lo, hi, only)
    accounts = tuple(
        _account(
            cfg,
            name,
            [b[0] for b in bounds],
            runs.get(name, {}),
            posts.get(name),
            spend.get(name, (0, 0.0)),
            limits.get(name, ()),
            now,
            unknown.get(name, 0),
        )
        for name in names
    )
    angles, trends, hashtags = _content(store, lo, hi, only)
    # Validation pass rate: runs that reached X with a valid tweet against runs where no
    # composed candidate passed the checks (NoValidTweet, exit 3).
    passed = sum(a.total.posted for a in accounts)
    failed = sum(a.total.failures.get("NoValidTweet", 0) for a in accounts)
    best = _ranked(store, lo, hi, only, "DESC")
    worst = tuple(p for p in _ranked(store, lo, hi, only, "ASC") if p not in best)
    return StatsResult(
        now,
        days,
        tz.key,
        tuple(b[0] for b in bounds),
        accounts,
        passed,
        failed,
        angles,
        trends,
        hashtags,
        best,
        worst,
        month_spend(store, now, tz, cfg.settings(CostSettings).monthly_budget_usd),
        experiment_report(cfg, store, now),
        tuple(cost_table(cfg)),
    )


def _utc(day: Any, tz: Any) -> str:
    return iso(datetime.combine(day, time(0)).replace(tzinfo=tz))


def _names(cfg: Config, runs: dict[str, Any], posts: dict[str, Any]) -> list[str]:
    """Configured accounts first, then any other name the period's data holds (a removed account)."""
    names = list(cfg.accounts)
    return names + sorted((set(runs) | set(posts)) - set(names))


def _runs(store: Store, bounds: list[tuple[str, str, str]], only: str | None) -> dict[str, dict[str, list[Any]]]:
    """{account: {day: [(status, reason, count), ...]}} of `post` runs (dry runs are another command).

    One range of runs_started_cover per local day: small sorts instead of one big one."""
    out: dict[str, dict[str, list[Any]]] = {}
    for day, lo, hi in bounds:
        for account, status, reason, count in reports.run_counts(store, lo, hi, only):
            out.setdefault(account, {}).setdefault(day, []).append((status, reason, count))
    return out


def _engagement(store: Store, lo: str, hi: str, only: str | None) -> dict[str, tuple[int, int, int, int]]:
    """{account: (measured, likes, impressions, engagements)}: the latest snapshot of each post of
    the period, from the covering index metrics_latest_post alone."""
    return {row[0]: cast(tuple[int, int, int, int], row[1:]) for row in reports.engagement(store, lo, hi, only)}


def _spend(store: Store, lo: str, hi: str, only: str | None) -> dict[str, tuple[int, float]]:
    return {row[0]: (int(row[1]), float(row[2])) for row in reports.spend(store, lo, hi, only)}


def _limits(store: Store, now: datetime) -> dict[str, tuple[Limit, ...]]:
    out: dict[str, list[Limit]] = {}
    for account, endpoint, kind, lim, remaining, reset, note in reports.post_limits(store):
        blocked = remaining == 0 and reset is not None and parse_iso(reset) > now
        out.setdefault(account, []).append(Limit(endpoint, kind, lim, remaining, reset, blocked, note))
    return {name: tuple(items) for name, items in out.items()}


def _unknown(store: Store, lo: str, hi: str, only: str | None) -> dict[str, int]:
    """Attempts of the period still 'unknown' (an answer X may have given was lost): they count
    toward cap and gap until the timeline settles them. One range of attempts_created_cover."""
    return {row[0]: int(row[1]) for row in reports.unknown_counts(store, lo, hi, only)}


def _account(
    cfg: Config,
    name: str,
    day_keys: list[str],
    runs: dict[str, list[Any]],
    posts: tuple[int, int, int, int] | None,
    spend: tuple[int, float],
    limits: tuple[Limit, ...],
    now: datetime,
    unknown: int = 0,
) -> AccountStats:
    days = {day: _counts(runs.get(day, [])) for day in day_keys}
    total = _counts([row for day in runs.values() for row in day])
    measured, likes, impressions, engagements = posts or (0, 0, 0, 0)
    upcoming = None
    if name in cfg.accounts and cfg.accounts[name].enabled:
        try:
            upcoming = next_slot(now, cfg.schedule, cfg.timezone, cfg.accounts[name].index).isoformat(
                timespec="minutes"
            )
        except AssertionError:  # an offset that pushes the account out of the window: no slot
            upcoming = None
    return AccountStats(
        name, total, days, measured, likes, impressions, engagements, spend[0], spend[1], upcoming, limits, unknown
    )


def _counts(rows: list[tuple[str, str | None, int]]) -> DayCounts:
    counts = {"posted": 0, "skipped": 0, "failed": 0}
    skips: dict[str, int] = {}
    failures: dict[str, int] = {}
    for status, reason, count in rows:
        counts[status] = counts.get(status, 0) + count
        if status == "skipped":
            skips[reason or "?"] = skips.get(reason or "?", 0) + count
        elif status == "failed":
            failures[reason or "?"] = failures.get(reason or "?", 0) + count
    return DayCounts(counts["posted"], counts["skipped"], counts["failed"], skips, failures)


def _content(store: Store, lo: str, hi: str, only: str | None) -> tuple[tuple[Usage, ...], ...]:
    """Angles, trends and hashtags of the period's posts with their engagement, from one pass
    grouped by (angle, trend, hashtags): the JSON arrays are read once per distinct group."""
    rows = reports.content_groups(store, lo, hi, only)
    angles: dict[str, list[int]] = {}
    trends: dict[str, list[int]] = {}
    tags: dict[str, list[int]] = {}
    for angle, trend, hashtags, *numbers in rows:
        keys = [(angles, angle or "(manual)"), (trends, trend)]
        keys += [(tags, "#" + str(tag).lstrip("#")) for tag in _tags(hashtags)]
        for table, key in keys:
            if key is None:
                continue
            total = table.setdefault(key, [0, 0, 0, 0])
            for i, value in enumerate(numbers):
                total[i] += value
    return _usage(angles), _usage(trends), _usage(tags)


def _tags(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return []
    return sorted({str(tag) for tag in value}) if isinstance(value, list) else []


def _usage(table: dict[str, list[int]]) -> tuple[Usage, ...]:
    items = [Usage(name, *numbers) for name, numbers in table.items()]
    return tuple(sorted(items, key=lambda u: (-u.posts, -(u.rate or 0.0), u.name)))


def _ranked(store: Store, lo: str, hi: str, only: str | None, order: str) -> tuple[PostStat, ...]:
    """Best (DESC) or worst (ASC) posts of the period by engagements per impression: ranked
    on the covering index metrics_latest_post, texts looked up for the few kept."""
    rows = reports.ranked_posts(store, lo, hi, only, order == "DESC", BEST)
    return tuple(PostStat(*row) for row in rows)
