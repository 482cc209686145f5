"""The review queue: drafts composed like previews, approved by a person, sent by `botx post`.

With [review] require_approval = true, `botx post` sends only approved drafts of its account,
oldest first, after the usual gates. At post time each draft is checked again: its trend must
still be in the trend cache (a calendar tag only on its day), and it passes the same validate()
call as composed tweets against recent posts (duplicates included). A stale draft is expired,
a failing one marked invalid, each with its reason.

Crash safety: the draft is bound to the slot's attempt (status 'sending') before the API call,
and afterwards, and at the start of every later run, a bound draft follows its attempt (posted;
back to approved when nothing was created; invalid when X refused a duplicate). Reconciling
attempts stays the one source of truth for what reached X.

Stdlib only at import time: config parsing loads this module on every run.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botx_cli.clock import iso
from botx_cli.config.core import Config, Section
from botx_cli.errors import NoValidTweet, TemporaryFailure, UsageError
from botx_cli.store import drafts

if TYPE_CHECKING:
    from botx_cli.content.validate import Verdict
    from botx_cli.posting.context import Context
    from botx_cli.posting.preview import PreviewItem
    from botx_cli.store import Store

STATUSES = ("pending", "approved", "rejected", "sending", "posted", "unknown", "expired", "invalid")
QUEUED = ("pending", "approved", "sending")  # count as coming posts when new drafts are composed
REVIEW_KEYS = ("require_approval",)


@dataclass(frozen=True)
class ReviewSettings:
    require_approval: bool


def parse(cfg: Config) -> ReviewSettings:
    """[review]; registered in config.SECTION_PARSERS. A misspelt key is an error rather than
    a silently unreviewed account."""
    table = cfg.section("review")
    for key in table.data:
        if key not in REVIEW_KEYS:
            raise table.fail(key, f"unknown key; [review] takes {', '.join(REVIEW_KEYS)}")
    return ReviewSettings(table.get("require_approval", bool, False))


SECTION = Section(ReviewSettings, parse)


@dataclass(frozen=True)
class Draft:
    id: int
    account: str
    status: str
    text: str
    hashtags: tuple[str, ...]
    trend: str | None
    trend_day: str | None  # a calendar tag's local day; None for a cached trend or no trend
    angle: str
    offer: str
    strategy: str
    slot: str | None
    weighted_length: int
    checks: dict[str, bool]
    notes: dict[str, str]
    reason: str | None
    attempt_id: int | None
    tweet_id: str | None
    created_at: str
    updated_at: str
    approved_at: str | None

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(self.checks.values())

    def to_json(self) -> dict[str, Any]:
        """The preview fields plus the draft's id and state."""
        return {
            "id": self.id,
            "account": self.account,
            "status": self.status,
            "text": self.text,
            "hashtags": list(self.hashtags),
            "trend": self.trend,
            "angle": self.angle,
            "weighted_length": self.weighted_length,
            "checks": self.checks,
            "valid": self.valid,
            "strategy": self.strategy,
            "slot": self.slot,
            "reason": self.reason,
            "tweet_id": self.tweet_id,
            "created_at": self.created_at,
            "approved_at": self.approved_at,
        }


def _draft(row: tuple[Any, ...]) -> Draft:
    (
        id_,
        account,
        status,
        text,
        tags,
        trend,
        day,
        angle,
        offer,
        strategy,
        slot,
        length,
        checks,
        notes,
        reason,
        attempt_id,
        tweet_id,
        created,
        updated,
        approved,
    ) = row
    return Draft(
        id_,
        account,
        status,
        text,
        tuple(json.loads(tags)),
        trend,
        day,
        angle or "",
        offer or "",
        strategy or "",
        slot,
        length,
        json.loads(checks),
        json.loads(notes or "{}"),
        reason,
        attempt_id,
        tweet_id,
        created,
        updated,
        approved,
    )


def listing(store: Store, now: datetime, account: str | None = None, status: str | None = None) -> list[Draft]:
    """`botx drafts list`: bound drafts settled first, so a post completed by reconciliation shows."""
    settle(store, now)
    return list_drafts(store, account, status)


def list_drafts(store: Store, account: str | None = None, status: str | None = None) -> list[Draft]:
    """Drafts in queue order (oldest first), optionally of one account and/or one status."""
    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown draft status {status!r}; use one of {', '.join(STATUSES)}")
    return [_draft(row) for row in drafts.rows(store, account, status)]


def get(store: Store, draft_id: int) -> Draft:
    row = drafts.row(store, draft_id)
    if row is None:
        raise UsageError(f"unknown draft id {draft_id}; `botx drafts list` shows the drafts")
    return _draft(row)


# -- generate -----------------------------------------------------------------------------
def generate(
    cfg: Config, store: Store, account: str, count: int, now: datetime, notes: list[str] | None = None
) -> tuple[list[Draft], list[PreviewItem]]:
    """Compose `count` tweets for the account's next slots exactly as preview does, counting
    the drafts already queued (any account) as posted so new drafts never repeat them; store
    the valid ones as pending. Returns (stored drafts, compositions that failed checks)."""
    from botx_cli.content.validate import normalize
    from botx_cli.posting.preview import run_preview
    from botx_cli.trends.calendar import calendar_tags

    name = cfg.account(account).name
    items = run_preview(cfg, store, [name], count, now, notes, queued=_queued(store, now))
    valid, invalid = [i for i in items if i.valid], [i for i in items if not i.valid]
    if not valid:
        raise NoValidTweet(
            f"no valid draft for account {name} in {count} composition(s) (failed checks: "
            f"{failed_summary(invalid)}); widen [[angles]], [[offers]] or hooks"
        )
    ids = []
    with store.write():
        for item in valid:
            slot = datetime.fromisoformat(item.slot).astimezone(cfg.timezone)
            calendar = {t.casefold() for t in calendar_tags(cfg, slot)}
            day = slot.date().isoformat() if item.trend and item.trend.casefold() in calendar else None
            ids.append(
                drafts.add(
                    store,
                    now,
                    {
                        "account": name,
                        "text": item.text,
                        "text_norm": normalize(item.text),
                        "hashtags": json.dumps(list(item.hashtags)),
                        "trend": item.trend,
                        "trend_day": day,
                        "angle": item.angle,
                        "offer": item.offer,
                        "strategy": item.strategy,
                        "slot": item.slot,
                        "weighted_length": item.weighted_length,
                        "checks": json.dumps(item.checks),
                        "notes": json.dumps(item.notes),
                    },
                )
            )
    return [get(store, i) for i in ids], invalid


def failed_summary(items: Collection[Any]) -> str:
    failed: dict[str, int] = {}
    for item in items:
        for check, ok in item.checks.items():
            failed[check] = failed.get(check, 0) + (not ok)
    return ", ".join(f"{name} x{n}" for name, n in sorted(failed.items()) if n) or "none"


def _queued(store: Store, now: datetime) -> list[dict[str, Any]]:
    """Drafts that may still be posted, as the post rows composition reads, newest first."""
    rows = drafts.queued(store, QUEUED)
    keys = ("account", "text", "text_norm", "hashtags", "trend", "angle")
    return [{**dict(zip(keys, row)), "created_at": iso(now)} for row in rows]


# -- review: approve, reject, edit ---------------------------------------------------------
_CAN = {"approve": ("pending", "rejected"), "reject": ("pending", "approved", "expired", "invalid")}


def review(store: Store, ids: list[int], verb: str, now: datetime) -> list[Draft]:
    """Approve or reject drafts, all or none: an unknown id or a draft already sent changes nothing."""
    status = {"approve": "approved", "reject": "rejected"}[verb]
    with store.write():
        for draft_id in dict.fromkeys(ids):
            current = drafts.status(store, draft_id)
            if current is None:
                raise UsageError(f"unknown draft id {draft_id}; nothing changed (`botx drafts list` shows the drafts)")
            if current == status:
                continue
            if current not in _CAN[verb]:
                raise UsageError(
                    f"draft {draft_id} is {current}: only {', '.join(_CAN[verb])} drafts can be "
                    f"{status}; nothing changed"
                )
            approved = iso(now) if verb == "approve" else None
            drafts.update(store, draft_id, current, now, status=status, reason=None, approved_at=approved)
    return [get(store, i) for i in dict.fromkeys(ids)]


def edit(cfg: Config, store: Store, draft_id: int, text: str, now: datetime) -> Draft:
    """Replace a draft's text after the same checks as any tweet (against recent posts); an
    invalid text leaves the draft unchanged (exit 3). The new text needs a new approval."""
    from botx_cli.content.validate import normalize
    from botx_cli.posting.context import load_context

    draft = get(store, draft_id)
    if draft.status in ("sending", "posted", "unknown"):
        raise UsageError(f"draft {draft_id} is {draft.status}: it can no longer be edited")
    verdict = check(text, load_context(cfg, store, draft.account, now, compose=False))
    if not verdict.valid:
        raise NoValidTweet(
            f"draft {draft_id}: the new text fails checks: {', '.join(verdict.failed)}; the draft is unchanged"
        )
    tags = tuple(f"#{t}" for t in verdict.hashtags)
    keep = bool(draft.trend) and draft.trend.casefold() in {t.casefold() for t in tags}  # type: ignore[union-attr]
    done = drafts.update(
        store,
        draft_id,
        draft.status,
        now,
        text=text,
        text_norm=normalize(text),
        hashtags=json.dumps(list(tags)),
        trend=draft.trend if keep else None,
        trend_day=draft.trend_day if keep else None,
        strategy="edited",
        weighted_length=verdict.weighted_length,
        checks=json.dumps(verdict.checks),
        notes=json.dumps(verdict.notes),
        status="pending",
        reason=None,
        approved_at=None,
    )
    if not done:
        raise TemporaryFailure(f"draft {draft_id} changed while it was being edited; run the edit again")
    return get(store, draft_id)


def check(text: str, ctx: Context) -> Verdict:
    """The validate() call composed tweets get (drafting.candidates), against recent posts."""
    from botx_cli.content.validate import validate

    return validate(text, ctx.rules, ctx.history.recent_texts, ctx.recent_proses)


def _update(store: Store, draft_id: int, expected: str, now: datetime, **fields: Any) -> bool:
    return drafts.update(store, draft_id, expected, now, **fields)


def settle(store: Store, now: datetime, account: str | None = None) -> None:
    """Bound drafts follow their attempt once it is complete (after the send, or after the next
    run reconciled an attempt whose run died). A lost answer leaves the draft 'unknown' while the
    timeline is checked; it then follows the attempt to posted, or back to the queue."""
    for draft_id, was, status, tweet_id, error_kind in drafts.bound(store, account):
        if status == "posted":
            _update(store, draft_id, was, now, status="posted", tweet_id=tweet_id, reason=None)
        elif status == "unknown" and was == "sending":
            _update(
                store,
                draft_id,
                was,
                now,
                status="unknown",
                reason="X's answer was lost: not sent again; botx looks for it on the timeline",
            )
        elif status == "failed" and error_kind == "DuplicateContent":
            _update(store, draft_id, was, now, status="invalid", reason="X refused it as a duplicate")
        elif status in ("failed", "not_posted"):
            _update(
                store,
                draft_id,
                was,
                now,
                status="approved",
                attempt_id=None,
                reason=f"the last try did not post ({error_kind or status}); it stays in the queue",
            )
