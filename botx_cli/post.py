"""One cron cycle for one account: reconcile, gates, claim, compose, validate, post, record.

Crash safety: the attempt row exists before the API call ('sending', with its text) and
is completed after it. A run killed in between leaves a row that the next run of that
account reconciles against the account's timeline, so a slot never gets two tweets.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from botx_cli import drafts, media, runlog, xapi
from botx_cli.clock import iso, parse_iso
from botx_cli.config import Account, Config
from botx_cli.costs import settings as cost_settings
from botx_cli.drafting import Context, candidates, load_context, manual
from botx_cli.errors import BotxError, NoValidTweet, TemporaryFailure
from botx_cli.gates import AccountState, Decision, decide
from botx_cli.link_policy import due
from botx_cli.schedule import current_slot, local_midnight
from botx_cli.spend import month_bounds, spent_since
from botx_cli.store import FOREVER, Attempt, Store
from botx_cli.trends.refresh import refresh_if_stale
from botx_cli.text import extract_urls
from botx_cli.validate import Verdict, normalize
from botx_cli.xaccount import XAccount

STALE_AFTER = timedelta(minutes=10)  # an open attempt older than this has no live owner


@dataclass(frozen=True)
class PostOptions:
    dry_run: bool = False
    force: bool = False
    text: str | None = None
    queue: drafts.Queue | None = None  # set by _cycle under [review] require_approval: send approved drafts


@dataclass(frozen=True)
class PostResult:
    account: str
    status: str  # posted | skipped | dry_run | failed
    reason: str | None = None
    tweet_id: str | None = None
    text: str | None = None
    hashtags: tuple[str, ...] = ()
    detail: str = ""
    checks: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    media: str = ""  # [media]: the image attached, why none, or (dry run) that one would be

    def to_json(self) -> dict[str, Any]:
        return {"account": self.account, "status": self.status, "reason": self.reason, "tweet_id": self.tweet_id,
                "text": self.text, "hashtags": list(self.hashtags), "detail": self.detail, "checks": self.checks,
                "media": self.media or None}


def account_state(cfg: Config, store: Store, account: Account, now: datetime, text: str | None = None) -> AccountState:
    """The gates' view of the account; `text`: a manual post's text (priced by its own link)."""
    slot = current_slot(now, cfg.schedule, cfg.timezone, account.index)
    paused = store.paused_until(account.name)
    last = store.last_post_at(account.name)
    blocked, kind = None, None
    for limit in store.rate_limits(account.name):
        reset = parse_iso(limit["reset_at"]) if limit["reset_at"] else None
        if limit["endpoint"] == "POST /2/tweets" and limit["remaining"] == 0 and reset and reset > now:
            if blocked is None or reset > blocked:
                blocked, kind = reset, limit["kind"]
    costs = cost_settings(cfg)
    spent = spent_since(store, month_bounds(now, cfg.timezone)[0])[1] if costs.monthly_budget_usd else 0.0
    return AccountState(
        paused_until=parse_iso(paused) if paused else None,
        posts_today=store.posts_since(account.name, local_midnight(now, cfg.timezone)),
        last_post_at=parse_iso(last) if last else None,
        slot_taken=bool(slot and store.slot_taken(account.name, slot.key)),
        blocked_until=blocked, blocked_kind=kind,
        spend_month_usd=spent, budget_usd=costs.monthly_budget_usd,
        next_post_usd=next_post_usd(cfg, store, account, now, text, costs.prices))


def next_post_usd(cfg: Config, store: Store, account: Account, now: datetime, text: str | None,
                  prices: dict[str, float]) -> float:
    """What X bills for the post this run would make: with a link when the text has one, or
    (composed) when [compose] link_every puts the link in this account's next post."""
    if text is not None:
        carries = bool(extract_urls(text))
    else:
        every = cfg.content.link_every
        recent = store.recent_posts(now - timedelta(days=cfg.validation.duplicate_days), account.name,
                                    limit=max(1, every - 1)) if every > 1 else []
        host = urlsplit(cfg.product.url).netloc.casefold()
        carries = due(every, [host in p["text"].casefold() for p in recent])
    return prices["post_with_url"] if carries else prices["post"]


def run_post(cfg: Config, store: Store, name: str, now: datetime, opts: PostOptions) -> PostResult:
    """The whole cycle; records one run row whatever happens."""
    started = time.monotonic()
    account = cfg.account(name)
    command = "post --dry-run" if opts.dry_run else "post"
    x = None if opts.dry_run else XAccount(cfg, store, account, now)  # credentials checked first: exit 2
    try:
        result = _cycle(cfg, store, account, now, opts, x)
    except BotxError as err:
        store.record_run(account.name, command, now, _ms(started), "failed", type(err).__name__)
        _after_run(cfg, store, account.name, command, now, started, x, "failed", type(err).__name__, None, str(err))
        raise
    store.record_run(account.name, command, now, _ms(started), result.status, result.reason,
                     tweet_id=result.tweet_id)
    _after_run(cfg, store, account.name, command, now, started, x, result.status, result.reason, result.tweet_id,
               "; ".join(part for part in (result.detail, result.media) if part))
    return result


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _after_run(cfg: Config, store: Store, account: str, command: str, now: datetime, started: float,
               x: XAccount | None, status: str, reason: str | None, tweet_id: str | None, detail: str) -> None:
    """The run's JSON log line; webhook alerts on failures and budget skips (notify's
    sending code loads only then). Neither can fail the run."""
    runlog.record(cfg, now, {"account": account, "command": command, "status": status, "reason": reason,
                             "detail": detail, "tweet_id": tweet_id, "duration_ms": _ms(started),
                             "api_ms": x.api_ms if x else 0})
    if command == "post" and (status == "failed" or reason == "budget"):
        from botx_cli.notify import after_post

        try:
            after_post(cfg, store, account, status, reason, detail, now)
        except Exception:  # noqa: BLE001 - e.g. the DB locked past its timeout: the run's own outcome wins
            pass


def _cycle(cfg: Config, store: Store, account: Account, now: datetime, opts: PostOptions,
           x: XAccount | None) -> PostResult:
    notes = reconcile_open(store, x, account, now) if x else []
    if x:  # drafts bound to attempts that were just completed follow them (one indexed read)
        drafts.settle(store, now, account.name)
    decision = decide(now, cfg.schedule, cfg.timezone, account.index, account_state(cfg, store, account, now, opts.text),
                      force=opts.force, manual=opts.text is not None)
    if not decision.allowed:
        return PostResult(account.name, "skipped", decision.reason, detail=decision.detail, notes=notes)
    if opts.text is None:  # a stale trend cache is refreshed here, within [trends] refresh_budget_seconds
        refresh_if_stale(cfg, store, now)
    queue = drafts.queue_for(cfg, store, account.name, now, opts.dry_run, notes) if opts.text is None else None
    ctx = load_context(cfg, store, account.name, now, notes, compose=opts.text is None and queue is None)
    if queue is not None:  # review queue: the oldest approved draft still fresh and valid, or a skip
        if not queue.take(ctx):
            return PostResult(account.name, "skipped", "no_approved_draft", detail=queue.detail, notes=notes)
        opts = replace(opts, queue=queue)
    if opts.dry_run:
        tweet, verdict = _first_valid(cfg, account, ctx, opts, decision, now, set())
        return PostResult(account.name, "dry_run", None, None, tweet.text, tweet.hashtags,
                          decision.detail, verdict.checks, notes,
                          media.dry_run_note(cfg, store, account.name) if opts.text is None else "")
    assert x is not None
    kind = "manual" if opts.text is not None else "forced" if decision.slot is None else "slot"
    attempt_id = store.claim(account.name, decision.slot.key if decision.slot else None, kind, now)
    if attempt_id is None:
        return PostResult(account.name, "skipped", "slot_taken", detail="another run holds this slot", notes=notes)
    if opts.queue is not None:
        opts.queue.attempt_id = attempt_id  # the draft is bound to it before the API call
    try:
        return _send(cfg, store, x, account, now, opts, decision, ctx, attempt_id, notes)
    except BaseException as err:
        # Nothing sent yet: free the slot. A 'sending' row is left for reconciliation,
        # because only X knows whether that request went through.
        if store.one("SELECT status FROM attempts WHERE id = ?", attempt_id) == "claimed":
            store.mark_done(attempt_id, now, "failed", type(err).__name__, str(err))
        raise
    finally:
        if opts.queue is not None:  # the draft follows its attempt: posted, back to approved, invalid
            opts.queue.settle()


def _first_valid(cfg: Config, account: Account, ctx: Context, opts: PostOptions, decision: Decision,
                 now: datetime, exclude: set[str]) -> tuple[Any, Verdict]:
    if opts.text is not None:
        tweet, verdict = manual(opts.text, ctx)
        if not verdict.valid:
            raise NoValidTweet(f"the text fails checks: {', '.join(verdict.failed)} (nothing was sent)")
        return tweet, verdict
    if opts.queue is not None:
        return opts.queue.next(ctx, exclude)
    seed = f"{account.name}|{decision.slot.key if decision.slot else iso(now)}"
    failed: dict[str, int] = {}
    for tweet, verdict in candidates(cfg, account.name, ctx, seed):
        if verdict.valid and normalize(tweet.text) not in exclude:
            return tweet, verdict
        for check in verdict.failed:
            failed[check] = failed.get(check, 0) + 1
    summary = ", ".join(f"{name} x{count}" for name, count in sorted(failed.items()))
    raise NoValidTweet(f"no valid tweet for account {account.name} after {cfg.content.candidates} tries "
                       f"(failed checks: {summary or 'duplicate content at X'}); widen [[angles]], [[offers]] or hooks")


def _send(cfg: Config, store: Store, x: XAccount, account: Account, now: datetime, opts: PostOptions,
          decision: Decision, ctx: Context, attempt_id: int, notes: list[str]) -> PostResult:
    refused: set[str] = set()
    images = media.for_run(cfg, store, x, account, attempt_id, now) if opts.text is None else None
    while True:
        tweet, verdict = _first_valid(cfg, account, ctx, opts, decision, now, refused)
        if images:  # generated and uploaded while the attempt is only claimed: a crash here sends nothing
            images.prepare(tweet)
        store.mark_sending(attempt_id, now, {"text": tweet.text, "text_norm": normalize(tweet.text),
                                             "hashtags": list(tweet.hashtags), "trend": tweet.trend,
                                             "angle": tweet.angle, "offer": tweet.offer, "strategy": tweet.strategy,
                                             "variant": getattr(tweet, "variant", None),
                                             "post_kind": getattr(tweet, "kind", None)})
        try:
            tweet_id = images.post(tweet) if images else x.create_tweet(tweet.text)
        except xapi.DuplicateContent as err:
            if getattr(err, "retried", 0):  # our own earlier try went through: find it
                return _after_lost_answer(cfg, store, x, account, now, attempt_id, tweet, notes)
            refused.add(normalize(tweet.text))
            if len(refused) > 1 or opts.text is not None:
                store.mark_done(attempt_id, now, "failed", "DuplicateContent", str(err), 403)
                raise xapi.DuplicateContent(f"X refused the text as a duplicate for account {account.name}; "
                                            "nothing posted") from None
            notes.append("X refused a duplicate; composed a different tweet")
            continue
        except xapi.AmbiguousSend:
            return _after_lost_answer(cfg, store, x, account, now, attempt_id, tweet, notes)
        except BotxError as err:  # X answered with an error: nothing was created
            store.mark_done(attempt_id, now, "failed", type(err).__name__, str(err))
            raise
        store.mark_posted(attempt_id, now, tweet_id)
        return PostResult(account.name, "posted", None, tweet_id, tweet.text, tweet.hashtags, decision.detail,
                          verdict.checks, notes, images.outcome if images else "")


def _after_lost_answer(cfg: Config, store: Store, x: XAccount, account: Account, now: datetime, attempt_id: int,
                       tweet: Any, notes: list[str]) -> PostResult:
    """X may hold the tweet: look for it before anything else is sent. If X cannot be
    read now the row stays 'sending' and the account's next run reconciles it."""
    found = find_on_x(store, x, account, now, attempt_id, tweet.text)
    if found:
        return PostResult(account.name, "posted", None, found, tweet.text, tweet.hashtags,
                          "answer lost, found on the timeline", notes=notes)
    raise TemporaryFailure(f"X did not answer the post of account {account.name}; the attempt is recorded as "
                           "unknown or not posted and the next slot will post normally")


def find_on_x(store: Store, x: XAccount, account: Account, now: datetime, attempt_id: int, text: str) -> str | None:
    """Match an attempt against the account's timeline; complete the row either way."""
    if not x.cfg.x.reads:
        store.mark_done(attempt_id, now, "unknown", "lost_answer", "reads disabled: cannot check X")
        return None
    target = normalize(text)
    for item in x.recent_own_tweets():
        if normalize(str(item.get("text", ""))) == target:
            posted_at = parse_iso(item["created_at"]) if item.get("created_at") else now
            store.mark_posted(attempt_id, now, str(item["id"]), posted_at)
            return str(item["id"])
    store.mark_done(attempt_id, now, "not_posted", "lost_answer", "not found on the account's timeline")
    return None


def _owner_alive(attempt: Attempt, now: datetime) -> bool:
    if now - parse_iso(attempt.created_at) > STALE_AFTER:
        return False
    if attempt.host != socket.gethostname() or not attempt.pid:
        return True
    try:
        os.kill(attempt.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return attempt.pid != os.getpid()


def reconcile_open(store: Store, x: XAccount, account: Account, now: datetime) -> list[str]:
    """Complete attempts left open by runs that died; returns what was done, for -v."""
    notes = []
    for attempt in store.open_attempts(account.name):
        if _owner_alive(attempt, now):
            continue
        if attempt.status == "claimed" or not attempt.text:  # died before sending anything
            store.mark_done(attempt.id, now, "failed", "abandoned", "run died before the API call")
            notes.append(f"attempt {attempt.id}: abandoned before sending")
            continue
        try:
            found = find_on_x(store, x, account, now, attempt.id, attempt.text)
        except BotxError as err:
            notes.append(f"attempt {attempt.id}: cannot check X yet ({err})")
            continue
        notes.append(f"attempt {attempt.id}: {'found on X as ' + found if found else 'not on X'}")
    return notes


def pause_until(minutes: int | None, now: datetime) -> str:
    return FOREVER if minutes is None else iso(now + timedelta(minutes=minutes))
