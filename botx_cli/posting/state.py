"""The gates' view of one account before a post: its pause, cap and gap counts, slot, stored X
blocks, the month's spend and what this post would cost (schedule/gates.py decides from it)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from botx_cli.clock import month_bounds, parse_iso
from botx_cli.config.core import Account, Config
from botx_cli.content.link_policy import due
from botx_cli.content.settings import ValidationSettings
from botx_cli.schedule.gates import AccountState
from botx_cli.schedule.slots import current_slot, local_midnight
from botx_cli.store import Store
from botx_cli.store.reports import spent_since
from botx_cli.text import extract_urls
from botx_cli.x.costs import CostSettings


def account_state(cfg: Config, store: Store, account: Account, now: datetime, text: str | None = None) -> AccountState:
    """The gates' view of the account; `text`: a manual post's text (priced by its own link)."""
    slot = current_slot(now, cfg.schedule, cfg.timezone, account.index)
    paused = store.paused_until(account.name)
    last = store.last_post_at(account.name)
    blocked, kind, note = _blocked(store, account.name, now)
    costs = cfg.settings(CostSettings)
    spent = spent_since(store, month_bounds(now, cfg.timezone)[0])[1] if costs.monthly_budget_usd else 0.0
    return AccountState(
        paused_until=parse_iso(paused) if paused else None,
        posts_today=store.posts_since(account.name, local_midnight(now, cfg.timezone)),
        last_post_at=parse_iso(last) if last else None,
        slot_taken=bool(slot and store.slot_taken(account.name, slot.key)),
        blocked_until=blocked,
        blocked_kind=kind,
        blocked_note=note,
        spend_month_usd=spent,
        budget_usd=costs.monthly_budget_usd,
        next_post_usd=next_post_usd(cfg, store, account, now, text, costs.prices),
        enabled=account.enabled,
    )


def _blocked(store: Store, account: str, now: datetime) -> tuple[datetime | None, str | None, str | None]:
    """(until, kind, note) of the stored block on posting, if any: credits first, else the latest reset."""
    blocks = []
    for limit in store.rate_limits(account):
        reset = parse_iso(limit["reset_at"]) if limit["reset_at"] else None
        if limit["endpoint"] == "POST /2/tweets" and limit["remaining"] == 0 and reset and reset > now:
            blocks.append((limit["kind"] == "credits", reset, limit["kind"], limit["note"]))
    if not blocks:
        return None, None, None
    _credits, reset, kind, note = max(blocks, key=lambda block: block[:2])
    return reset, kind, note


def next_post_usd(
    cfg: Config, store: Store, account: Account, now: datetime, text: str | None, prices: dict[str, float]
) -> float:
    """What X bills for the post this run would make: with a link when the text has one, or
    (composed) when [compose] link_every puts the link in this account's next post."""
    if text is not None:
        carries = bool(extract_urls(text))
    else:
        every = cfg.content.link_every
        recent = (
            store.recent_posts(
                now - timedelta(days=cfg.settings(ValidationSettings).duplicate_days),
                account.name,
                limit=max(1, every - 1),
            )
            if every > 1
            else []
        )
        host = urlsplit(cfg.product.url).netloc.casefold()
        carries = due(every, [host in p["text"].casefold() for p in recent])
    return prices["post_with_url"] if carries else prices["post"]
