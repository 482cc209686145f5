"""One cron cycle for one account: reconcile, gates, claim, compose, validate, post, record.

Crash safety: the attempt row exists before the API call ('sending', with its text) and
is completed after it. A run killed in between leaves a row that the next run of that
account reconciles against the account's timeline, so a slot never gets two tweets. Only an
error status X itself sent frees a slot ('failed'): an answer that may have created the
tweet (timeout, reset, garbled) leaves the attempt 'unknown' until the timeline says.

Time: the run has one deadline ([x] run_deadline_seconds); every X call gets the smaller of
[x] timeout_seconds and what is left, and nothing is sent without time for a whole call.

Where posts go: a PostTarget (x/target.py: create, find the account's own recent posts, what
counts as nothing created), constructed in open_target() alone; X's XAccount is the one.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from botx_cli.clock import iso
from botx_cli.config.core import Account, Config
from botx_cli.content import images as media
from botx_cli.content.validate import Verdict, normalize
from botx_cli.deadline import Deadline
from botx_cli.errors import AmbiguousSend, BotxError, DuplicateContent, NoValidTweet, TemporaryFailure
from botx_cli.notify import runlog
from botx_cli.posting import queue as approved
from botx_cli.posting import review as drafts
from botx_cli.posting.context import Context, candidates, load_context, manual
from botx_cli.posting.reconcile import find_on_x, reconcile_open
from botx_cli.posting.state import account_state
from botx_cli.schedule.gates import Decision, decide
from botx_cli.store import FOREVER, Store
from botx_cli.trends.refresh import refresh_if_stale
from botx_cli.x.settings import XSettings
from botx_cli.x.target import PostTarget, nothing_created

RECORD_TRIES = 3  # writes of X's answer while another process holds the database lock


@dataclass(frozen=True)
class PostOptions:
    dry_run: bool = False
    force: bool = False
    text: str | None = None


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
    attempt_id: int | None = None  # the attempt this run made, for the run row

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "status": self.status,
            "reason": self.reason,
            "tweet_id": self.tweet_id,
            "text": self.text,
            "hashtags": list(self.hashtags),
            "detail": self.detail,
            "checks": self.checks,
            "media": self.media or None,
        }


@dataclass
class PostRun:
    """One post run of one account: what its steps share, carried as one value. Everything a
    run learns lives here or in its Store, never in module state, so `post --all` can run
    accounts side by side (each thread with its own Store: a connection is one thread's)."""

    cfg: Config
    store: Store
    account: Account
    now: datetime
    opts: PostOptions
    target: PostTarget | None  # None for dry runs and disabled accounts: nothing reaches X
    started: float = field(default_factory=time.monotonic)
    notes: list[str] = field(default_factory=list)  # what the run noticed, shown with its outcome
    queue: approved.Queue | None = None  # [review] require_approval: the approved drafts to send

    @property
    def command(self) -> str:
        return "post --dry-run" if self.opts.dry_run else "post"


def run_post(cfg: Config, store: Store, name: str, now: datetime, opts: PostOptions) -> PostResult:
    """The whole cycle; records one run row whatever happens (unless the database refuses)."""
    account = cfg.account(name)
    # credentials checked first (exit 2), except for a disabled account: its run is a recorded skip
    target = None if opts.dry_run or not account.enabled else open_target(cfg, store, account, now)
    run = PostRun(cfg, store, account, now, opts, target)
    try:
        result = _cycle(run)
    except BotxError as err:
        _record_run(run, "failed", type(err).__name__, getattr(err, "attempt_id", None), None)
        _after_run(run, "failed", type(err).__name__, None, str(err))
        raise
    _record_run(run, result.status, result.reason, result.attempt_id, result.tweet_id)
    _after_run(
        run, result.status, result.reason, result.tweet_id, "; ".join(p for p in (result.detail, result.media) if p)
    )
    return result


def open_target(cfg: Config, store: Store, account: Account, now: datetime) -> PostTarget:
    """Where the account posts, with the run's deadline: X. The one construction of a target
    (a second target would be chosen here); it checks the credentials (exit 2)."""
    from botx_cli.x.account import XAccount

    return XAccount(cfg, store, account, now, Deadline(cfg.settings(XSettings).run_deadline_seconds))


def _record_run(run: PostRun, status: str, reason: str | None, attempt_id: int | None, tweet_id: str | None) -> None:
    """The run row, and X answers still unrecorded: bookkeeping, so a database locked past its
    busy timeout costs the row (the run log still has the line), never the run's outcome."""
    store = run.store
    try:
        if run.target:
            run.target.flush()
        store.record_run(run.account.name, run.command, run.now, _ms(run.started), status, reason, attempt_id, tweet_id)
    except store.errors:
        pass


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _after_run(run: PostRun, status: str, reason: str | None, tweet_id: str | None, detail: str) -> None:
    """The run's JSON log line; webhook alerts on failures and budget skips (notify's
    sending code loads only then). Neither can fail the run."""
    account = run.account.name
    runlog.record(
        run.cfg,
        run.now,
        {
            "account": account,
            "command": run.command,
            "status": status,
            "reason": reason,
            "detail": detail,
            "tweet_id": tweet_id,
            "duration_ms": _ms(run.started),
            "api_ms": run.target.api_ms if run.target else 0,
        },
    )
    if run.command == "post" and (status == "failed" or reason == "budget"):
        from botx_cli.notify.alerts import after_post

        with contextlib.suppress(Exception):  # e.g. the DB locked past its timeout: the run's own outcome wins
            after_post(run.cfg, run.store, account, status, reason, detail, run.now)


def _cycle(run: PostRun) -> PostResult:
    cfg, store, account, now, opts, target = run.cfg, run.store, run.account, run.now, run.opts, run.target
    if target:
        run.notes.extend(reconcile_open(store, target, account, now))
        drafts.settle(store, now, account.name)  # drafts bound to attempts just completed follow them
    decision = decide(
        now,
        cfg.schedule,
        cfg.timezone,
        account.index,
        account_state(cfg, store, account, now, opts.text),
        force=opts.force,
        manual=opts.text is not None,
    )
    if not decision.allowed:
        return PostResult(account.name, "skipped", decision.reason, detail=decision.detail, notes=run.notes)
    if opts.text is None:  # a stale trend cache is refreshed here, within [trends] refresh_budget_seconds
        refresh_if_stale(cfg, store, now)
    if opts.text is None:
        run.queue = approved.queue_for(cfg, store, account.name, now, opts.dry_run, run.notes)
    ctx = load_context(cfg, store, account.name, now, run.notes, compose=opts.text is None and run.queue is None)
    if run.queue is not None and not run.queue.take(ctx):  # the oldest approved draft still fresh and valid
        return PostResult(account.name, "skipped", "no_approved_draft", detail=run.queue.detail, notes=run.notes)
    if opts.dry_run:
        tweet, verdict = _first_valid(run, ctx, decision, set())
        return PostResult(
            account.name,
            "dry_run",
            None,
            None,
            tweet.text,
            tweet.hashtags,
            decision.detail,
            verdict.checks,
            run.notes,
            media.dry_run_note(cfg, store, account.name) if opts.text is None else "",
        )
    assert target is not None
    kind = "manual" if opts.text is not None else "forced" if decision.slot is None else "slot"
    attempt_id = store.claim(account.name, decision.slot.key if decision.slot else None, kind, now)
    if attempt_id is None:
        return PostResult(account.name, "skipped", "slot_taken", detail="another run holds this slot", notes=run.notes)
    try:
        return _send(run, target, decision, ctx, attempt_id)
    except BaseException as err:
        if isinstance(err, BotxError):
            err.attempt_id = attempt_id  # type: ignore[attr-defined]
        # Nothing sent yet: free the slot. A 'sending' row is left for reconciliation,
        # because only X knows whether that request went through.
        if store.attempt_status(attempt_id) == "claimed":
            store.mark_done(attempt_id, now, "failed", type(err).__name__, str(err))
        raise
    finally:
        if run.queue is not None:  # the draft follows its attempt; a locked database leaves that to the next run
            with contextlib.suppress(*store.errors):
                run.queue.settle()


def _first_valid(
    run: PostRun, ctx: Context, decision: Decision, exclude: set[str], attempt_id: int | None = None
) -> tuple[Any, Verdict]:
    """The tweet to send: the manual text, the next approved draft (bound to `attempt_id`), or
    the first valid composition not in `exclude` (texts X refused as duplicates)."""
    cfg, account, opts, now = run.cfg, run.account, run.opts, run.now
    if opts.text is not None:
        tweet, verdict = manual(opts.text, ctx)
        if not verdict.valid:
            raise NoValidTweet(f"the text fails checks: {', '.join(verdict.failed)} (nothing was sent)")
        return tweet, verdict
    if run.queue is not None:
        return run.queue.next(ctx, exclude, attempt_id)
    seed = f"{account.name}|{decision.slot.key if decision.slot else iso(now)}"
    failed: dict[str, int] = {}
    for tweet, verdict in candidates(cfg, account.name, ctx, seed):
        if verdict.valid and normalize(tweet.text) not in exclude:
            return tweet, verdict
        for check in verdict.failed:
            failed[check] = failed.get(check, 0) + 1
    summary = ", ".join(f"{name} x{count}" for name, count in sorted(failed.items()))
    raise NoValidTweet(
        f"no valid tweet for account {account.name} after {cfg.content.candidates} tries "
        f"(failed checks: {summary or 'duplicate content at X'}); widen [[angles]], [[offers]] or hooks"
    )


def _send(run: PostRun, target: PostTarget, decision: Decision, ctx: Context, attempt_id: int) -> PostResult:
    store, account, now, notes = run.store, run.account, run.now, run.notes
    refused: set[str] = set()
    images = media.for_run(run.cfg, store, target, account, attempt_id, now) if run.opts.text is None else None
    while True:
        tweet, verdict = _first_valid(run, ctx, decision, refused, attempt_id)
        if images:  # generated and uploaded while the attempt is only claimed: a crash here sends nothing
            images.prepare(tweet)
        target.ensure_time_to_send()
        store.mark_sending(
            attempt_id,
            now,
            {
                "text": tweet.text,
                "text_norm": normalize(tweet.text),
                "hashtags": list(tweet.hashtags),
                "trend": tweet.trend,
                "angle": tweet.angle,
                "offer": tweet.offer,
                "strategy": tweet.strategy,
                "variant": getattr(tweet, "variant", None),
                "post_kind": getattr(tweet, "kind", None),
            },
        )
        try:
            tweet_id = images.post(tweet) if images else target.create_tweet(tweet.text)
        except DuplicateContent as err:
            if getattr(err, "retried", 0):  # our own earlier try went through: find it
                return _after_lost_answer(run, target, attempt_id, tweet)
            refused.add(normalize(tweet.text))
            if len(refused) > 1 or run.opts.text is not None:
                store.mark_done(attempt_id, now, "failed", "DuplicateContent", str(err), 403)
                raise DuplicateContent(
                    f"X refused the text as a duplicate for account {account.name}; nothing posted"
                ) from None
            notes.append("X refused a duplicate; composed a different tweet")
            continue
        except BotxError as err:
            if not nothing_created(err):  # neither X's refusal nor unsent: the tweet may exist
                return _after_lost_answer(run, target, attempt_id, tweet, str(err))
            store.mark_done(attempt_id, now, "failed", type(err).__name__, str(err))  # X said no: nothing created
            raise
        _record_posted(run, target, attempt_id, tweet_id, images)
        return PostResult(
            account.name,
            "posted",
            None,
            tweet_id,
            tweet.text,
            tweet.hashtags,
            decision.detail,
            verdict.checks,
            notes,
            images.outcome if images else "",
            attempt_id,
        )


def _record_posted(
    run: PostRun, target: PostTarget, attempt_id: int, tweet_id: str, images: media.Images | None
) -> None:
    """X created the tweet: record it. While another process holds the database lock past the
    busy timeout, the id stays in memory and the write is retried (bounded); if it never goes
    through, the row stays 'sending' (holding the slot) and the next run finds the tweet on
    the timeline. Never 'failed': that would free the slot for a second tweet."""
    store, account, now = run.store, run.account, run.now
    problem: BaseException | None = None
    for _ in range(RECORD_TRIES):
        try:
            with store.write():
                store.mark_posted(attempt_id, now, tweet_id)
                if images:
                    images.record_attached()
            return
        except store.operational as err:
            problem = err
            if target.deadline.expired():
                break
    raise TemporaryFailure(
        f"account {account.name} posted tweet {tweet_id} but the database refused the record "
        f"({problem}); the next run finds it on the timeline and records it"
    )


def _after_lost_answer(run: PostRun, target: PostTarget, attempt_id: int, tweet: Any, why: str = "") -> PostResult:
    """X may hold the tweet: look for it before anything else is sent. Not found (yet), or X
    cannot be read now: the attempt is 'unknown' and the account's next runs look again."""
    store, account, now = run.store, run.account, run.now
    try:
        found = find_on_x(store, target, account, now, attempt_id, tweet.text)
    except BotxError as err:
        store.mark_done(attempt_id, now, "unknown", "lost_answer", f"cannot check X yet: {err}")
        found = None
    if found:
        return PostResult(
            account.name,
            "posted",
            None,
            found,
            tweet.text,
            tweet.hashtags,
            "answer lost, found on the timeline",
            notes=run.notes,
            attempt_id=attempt_id,
        )
    what = (
        f"{why.split(';')[0]}, and X may have stored the tweet"
        if why
        else f"X's answer to the post of account {account.name} was lost"
    )
    raise AmbiguousSend(
        f"{what}; the attempt stays unknown "
        "(it holds its slot and counts toward cap and gap) until the timeline shows the tweet; "
        "nothing is sent again for this slot"
    )


def pause_until(minutes: int | None, now: datetime) -> str:
    return FOREVER if minutes is None else iso(now + timedelta(minutes=minutes))
