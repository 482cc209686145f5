"""The review queue at post time: with [review] require_approval, `botx post` sends the oldest
approved draft of its account that is still fresh (its trend cached, a calendar tag on its
day) and valid against recent posts; stale ones expire, failing ones turn invalid. The draft
is bound to the claimed attempt before the API call and then follows it (review.settle).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from botx_cli.config.core import Config
from botx_cli.errors import NoValidTweet, TemporaryFailure
from botx_cli.posting.review import Draft, ReviewSettings, check, list_drafts, settle
from botx_cli.store import drafts
from botx_cli.trends.settings import TrendSettings

if TYPE_CHECKING:
    from botx_cli.content.compose import Tweet
    from botx_cli.content.validate import Rules, Verdict
    from botx_cli.posting.context import Context
    from botx_cli.store import Store


def queue_for(cfg: Config, store: Store, account: str, now: datetime, dry_run: bool, notes: list[str]) -> Queue | None:
    """The approved-draft queue of a `botx post` run, or None when [review] does not ask for one."""
    return Queue(cfg, store, account, now, dry_run, notes) if cfg.settings(ReviewSettings).require_approval else None


class Queue:
    """Approved drafts of one account for one `botx post` run. `take` picks the oldest postable
    draft before the slot is claimed; `next` hands it to the send loop, bound to the attempt."""

    def __init__(self, cfg: Config, store: Store, account: str, now: datetime, dry_run: bool, notes: list[str]) -> None:
        self.cfg, self.store, self.account, self.now, self.dry_run, self.notes = (
            cfg,
            store,
            account,
            now,
            dry_run,
            notes,
        )
        self.today = now.astimezone(cfg.timezone).date()
        self.current: tuple[Draft, Verdict] | None = None
        self.detail = ""

    def take(self, ctx: Context, exclude: Collection[str] = ()) -> bool:
        """Find the oldest approved draft that is fresh and valid; expire or invalidate those
        that are not (a dry run only notes them). False: nothing to post (detail says why);
        NoValidTweet when approved drafts were there but all failed their checks."""
        from botx_cli.content.validate import normalize

        if not self.dry_run:
            settle(self.store, self.now, self.account)
        waiting, closed, refused = [], [], []
        for draft in list_drafts(self.store, self.account, "approved"):
            if normalize(draft.text) in exclude:
                continue
            stale = self._staleness(draft, ctx)
            if stale == "wait":
                waiting.append(f"draft {draft.id} waits for {draft.trend_day}")
                continue
            if stale:
                self._close(draft, "expired", stale)
                closed.append(f"draft {draft.id} expired: {stale}")
                continue
            verdict = check(draft.text, ctx)
            if not verdict.valid:
                reason = "fails checks at post time: " + ", ".join(verdict.failed)
                self._close(draft, "invalid", reason, verdict)
                refused.append(f"draft {draft.id} {reason}")
                continue
            self.current = (draft, verdict)
            self.notes.extend([*closed, *refused, f"posting draft {draft.id}"])
            return True
        self.notes.extend([*closed, *refused, *waiting])
        marked = "" if self.dry_run else " (marked invalid)"
        if refused:
            raise NoValidTweet(
                f"no approved draft of account {self.account} passes its checks: "
                f"{'; '.join(refused)}{marked}; nothing was sent"
            )
        self.detail = "; ".join([*closed, *waiting]) or "approve drafts with `botx drafts approve`"
        return False

    def next(self, ctx: Context, exclude: Collection[str], attempt_id: int | None) -> tuple[Tweet, Verdict]:
        """The draft to send (cycle._first_valid), bound to the claimed attempt (None: a dry
        run, nothing bound). After X refused it as a duplicate (its text in `exclude`), it is
        marked invalid and the next one is taken."""
        from botx_cli.content.validate import normalize

        assert self.current is not None
        draft = self.current[0]
        if normalize(draft.text) in exclude:
            self._set(draft.id, "sending", status="invalid", reason="X refused it as a duplicate")
            try:
                found = self.take(ctx, exclude)
            except NoValidTweet:
                found = False
            if not found:
                if attempt_id is not None:
                    self.store.mark_done(
                        attempt_id,
                        self.now,
                        "failed",
                        "DuplicateContent",
                        f"X refused draft {draft.id} as a duplicate",
                        403,
                    )
                raise NoValidTweet(
                    f"X refused draft {draft.id} of account {self.account} as a duplicate and no "
                    "other approved draft is valid; nothing posted"
                )
            draft = self.current[0]
        bind = attempt_id is not None and not self.dry_run
        if bind and not self._set(draft.id, "approved", status="sending", attempt_id=attempt_id, reason=None):
            raise TemporaryFailure(f"draft {draft.id} of account {self.account} was taken by another run")
        return _tweet(draft, ctx.rules), self.current[1]

    def settle(self) -> None:
        settle(self.store, self.now, self.account)

    def _staleness(self, draft: Draft, ctx: Context) -> str | None:
        """None when fresh, "wait" for a calendar tag of a later day, else why it is stale."""
        if not draft.trend:
            return None
        if draft.trend_day:  # a calendar tag: fine while it is one of today's (a conference all week)
            if draft.trend.casefold() in self._calendar_today():
                return None
            return (
                "wait"
                if date.fromisoformat(draft.trend_day) > self.today
                else (f"calendar tag {draft.trend} was for {draft.trend_day}")
            )
        if self.cfg.settings(TrendSettings).policy == "off":
            return f"trend {draft.trend}: trend tags are off ([trends] policy)"
        cached = {p.hashtag.casefold() for p in ctx.picks if p.category != "calendar"}
        if draft.trend.casefold() in cached:
            return None
        return f"trend {draft.trend} is no longer in the trend cache (within max_age_hours, allowed by the policy)"

    def _calendar_today(self) -> set[str]:
        from botx_cli.trends.calendar import calendar_tags

        return {t.casefold() for t in calendar_tags(self.cfg, self.now.astimezone(self.cfg.timezone))}

    def _close(self, draft: Draft, status: str, reason: str, verdict: Verdict | None = None) -> None:
        if self.dry_run:
            return
        extra = {"checks": json.dumps(verdict.checks), "notes": json.dumps(verdict.notes)} if verdict else {}
        self._set(draft.id, "approved", status=status, reason=reason, **extra)

    def _set(self, draft_id: int, expected: str, **fields: Any) -> bool:
        return drafts.update(self.store, draft_id, expected, self.now, **fields)


def _tweet(draft: Draft, rules: Rules) -> Tweet:
    from botx_cli.content.compose import Tweet

    domain = next((t for t in draft.hashtags if t.lstrip("#").casefold() in rules.domain_tags), "")
    return Tweet(
        text=draft.text,
        hashtags=draft.hashtags,
        domain_tag=domain,
        trend=draft.trend,
        category="draft",
        angle=draft.angle,
        offer=draft.offer,
        layout=-1,
        strategy=draft.strategy,
    )
