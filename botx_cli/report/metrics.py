"""`botx metrics`: engagement snapshots of the accounts' recent posts, within a read budget.

Posts come from the attempts table (status posted), least recently measured first, and
are looked up 100 ids at a time (GET /2/tweets) through the account's own session, so
every read is recorded in api_calls with its cost by XAccount's response hook. Posts
under 30 days also ask for non_public_metrics and organic_metrics (owner-only; X answers
200 with only `errors`, or 400/403, when it refuses them): those fall back to public
metrics in the same run. The daily read budget counts posts returned per UTC day by
every read botx made, so a run stops before it would pass it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from botx_cli.clock import parse_iso
from botx_cli.config.core import Config, Section
from botx_cli.errors import BotxError, CredentialsRejected
from botx_cli.store import metrics as tables
from botx_cli.x.settings import XSettings

if TYPE_CHECKING:
    from botx_cli.store import Store
    from botx_cli.x.account import XAccount

BATCH = 100  # X's limit of ids per lookup
OWNER_METRICS_DAYS = 30  # X serves non-public and organic metrics this long after posting
ENGAGEMENT_KEYS = ("like_count", "retweet_count", "reply_count", "quote_count", "bookmark_count")


@dataclass(frozen=True)
class MetricsSettings:
    daily_read_budget: int  # posts read per UTC day, all accounts together; 0 = none
    days: int  # default --days
    owner_metrics: bool  # ask for non-public/organic metrics of posts under 30 days


def parse(cfg: Config) -> MetricsSettings:
    table = cfg.section("metrics")
    budget = table.int_between("daily_read_budget", 1000, 0, 10_000_000)
    return MetricsSettings(budget, table.positive_int("days", 7, maximum=3650), table.get("owner_metrics", bool, True))


SECTION = Section(MetricsSettings, parse)


@dataclass
class AccountMetrics:
    account: str
    posts: int = 0  # posts of the period waiting for a snapshot
    snapshots: int = 0
    owner_fields: int = 0  # snapshots holding non-public metrics
    fallbacks: int = 0  # batches X refused owner-only fields for
    missing: int = 0  # ids X no longer has (deleted)
    stopped: str | None = None  # budget | reads_disabled

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class MetricsResult:
    days: int
    budget: int
    read_today: int
    accounts: tuple[AccountMetrics, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "daily_read_budget": self.budget,
            "read_today": self.read_today,
            "accounts": {a.account: a.to_json() for a in self.accounts},
        }


def read_today(store: Store, now: datetime) -> int:
    """Posts returned by reads since UTC midnight (api_calls.items)."""
    midnight = datetime.combine(now.astimezone(timezone.utc).date(), time(0), timezone.utc)
    return tables.items_read_since(store, midnight)


def run_metrics(cfg: Config, store: Store, names: list[str], days: int | None, now: datetime) -> MetricsResult:
    conf = cfg.settings(MetricsSettings)
    days = days or conf.days
    results = []
    for name in names:
        outcome = AccountMetrics(name)
        results.append(outcome)
        if not cfg.settings(XSettings).reads:
            outcome.stopped = "reads_disabled"
            continue
        try:
            _account(cfg, store, name, now, days, conf, outcome)
        except CredentialsRejected as err:
            from botx_cli.notify.alerts import alert

            alert(cfg, store, "credentials", name, f"account {name}: {err}", now)
            raise
    return MetricsResult(days, conf.daily_read_budget, read_today(store, now), tuple(results))


def _account(
    cfg: Config, store: Store, name: str, now: datetime, days: int, conf: MetricsSettings, outcome: AccountMetrics
) -> None:
    posts = due_posts(store, name, now - timedelta(days=days))
    outcome.posts = len(posts)
    if not posts:
        return
    if conf.daily_read_budget - read_today(store, now) <= 0:
        outcome.stopped = "budget"
        return
    from botx_cli.x.account import XAccount

    x = XAccount(cfg, store, cfg.account(name), now)
    x.user_id()  # known owner: own posts are billed as owned reads
    created = dict(posts)
    young = [tid for tid, at in posts if now - parse_iso(at) < timedelta(days=OWNER_METRICS_DAYS)]
    old = [tid for tid, at in posts if now - parse_iso(at) >= timedelta(days=OWNER_METRICS_DAYS)]
    for ids, owner in ((young, conf.owner_metrics), (old, False)):
        while ids:
            left = conf.daily_read_budget - read_today(store, now)
            if left <= 0:
                outcome.stopped = "budget"
                return
            batch, ids = ids[: min(BATCH, left)], ids[min(BATCH, left) :]
            items = fetch(x, batch, owner, outcome)
            outcome.missing += len(batch) - len(items)
            tables.save_snapshots(store, name, [snapshot(i) for i in items if str(i["id"]) in created], now, created)
            outcome.snapshots += len(items)
            outcome.owner_fields += sum(1 for item in items if _owner_part(item))


def due_posts(store: Store, account: str, since: datetime) -> list[tuple[str, str]]:
    """(tweet_id, created_at) of posts since `since`: never measured first, then the stalest."""
    return tables.due_posts(store, account, since)


def fetch(x: XAccount, ids: list[str], owner: bool, outcome: AccountMetrics) -> list[dict[str, Any]]:
    """Look the posts up; owner-only fields refused (all or some posts) -> public for those."""
    if not owner:
        return _items(x.tweet_metrics(ids, False))
    try:
        body = x.tweet_metrics(ids, True)
    except BotxError as err:
        if _status(err) not in (400, 403):
            raise
        outcome.fallbacks += 1
        return _items(x.tweet_metrics(ids, False))
    items = _items(body)
    refused = _refused_fields(body)
    got = {item["id"] for item in items}
    retry = [tid for tid in ids if tid not in got] if refused else []
    if retry:
        outcome.fallbacks += 1
        items += _items(x.tweet_metrics(retry, False))
    return items


def _status(err: BaseException) -> int | None:
    response = getattr(err.__cause__, "response", None)
    return getattr(response, "status_code", None)


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    return [item for item in data if isinstance(item, dict) and item.get("id")] if isinstance(data, list) else []


def _refused_fields(body: dict[str, Any]) -> bool:
    """X's partial errors other than "not found" (a deleted post): a field it will not serve."""
    errors = body.get("errors")
    return isinstance(errors, list) and any(
        isinstance(e, dict) and "resource-not-found" not in str(e.get("type", "")) for e in errors
    )


def _owner_part(item: dict[str, Any]) -> dict[str, Any]:
    return {**(item.get("organic_metrics") or {}), **(item.get("non_public_metrics") or {})}


def snapshot(item: dict[str, Any]) -> dict[str, Any]:
    """One post's counts; impressions from the owner-only fields when X gave them."""
    public = item.get("public_metrics") or {}
    owner = _owner_part(item)

    def first(key: str) -> int | None:
        for source in (owner, public):
            if isinstance(source.get(key), int):
                return int(source[key])
        return None

    counts = {key: int(public.get(key) or 0) for key in ENGAGEMENT_KEYS}
    return {
        "tweet_id": str(item["id"]),
        "source": "non_public" if owner else "public",
        "impressions": first("impression_count") or 0,
        "likes": counts["like_count"],
        "retweets": counts["retweet_count"],
        "replies": counts["reply_count"],
        "quotes": counts["quote_count"],
        "bookmarks": counts["bookmark_count"],
        "engagements": sum(counts.values()),
        "url_clicks": owner.get("url_link_clicks"),
        "profile_clicks": owner.get("user_profile_clicks"),
    }
