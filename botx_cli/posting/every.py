"""`botx post --all`: every enabled account whose slot is due now, side by side in one process.

Each due account runs exactly as `botx post --account NAME` would (posting.cycle.run_post:
reconcile, gates, claim, compose, validate, post, record), on its own Store connection, in a
thread pool bounded by [x] concurrency: the slot claim, the crash safety, the rate limits and
the run row are the same code. What one process saves is the interpreter start and the imports,
once per account per slot, and the waits on X overlap.

Due: the account is enabled and has a current slot that no `post` run has served yet (no run
row of the account since the slot started; a posted, skipped, failed or manual run all serve
it). So a crontab line that runs `post --all` every gcd(interval, offset) minutes calls each
account once per slot, as its own line would: a misfired call still finds the slot due, a
double fire or the next quarter-hour finds it served. Two processes racing for one slot still
meet at the claim, which lets one of them post.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botx_cli.config.core import Config
from botx_cli.errors import BotxError, ExitCode
from botx_cli.posting.cycle import PostOptions, PostResult, run_post
from botx_cli.schedule.slots import current_slot, window_open_at
from botx_cli.store import Store, database_failure
from botx_cli.store.backend import driver_errors
from botx_cli.trends.refresh import refresh_if_stale
from botx_cli.x.settings import XSettings

# DESIGN: 77 if any account's credentials were rejected, else 3 if any had no valid tweet, else
# 75 if any temporary failure, else 0. Missing credentials (2) rank just below a rejection: both
# need the operator, and neither may hide behind another account's success.
SEVERITY = (ExitCode.CREDENTIALS, ExitCode.USAGE, ExitCode.NO_VALID_TWEET, ExitCode.TEMPORARY)


@dataclass(frozen=True)
class NotDue:
    account: str
    why: str  # for -v: "disabled", "outside the window", "slot 09:00 served"...


@dataclass(frozen=True)
class Outcome:
    """One due account's run: its post result, or the failure that ended it."""

    account: str
    code: ExitCode
    result: PostResult | None = None
    failure: BotxError | None = None

    def to_json(self) -> dict[str, Any]:
        if self.result is not None:
            return self.result.to_json()
        reason = type(self.failure).__name__ if self.failure else "failed"
        return {
            "account": self.account,
            "status": "failed",
            "reason": reason,
            "tweet_id": None,
            "text": None,
            "hashtags": [],
            "detail": str(self.failure or ""),
        }


def due_accounts(cfg: Config, store: Store, now: datetime) -> tuple[list[str], list[NotDue]]:
    """(accounts to run now, accounts left alone and why), in config order."""
    due: list[str] = []
    idle: list[NotDue] = []
    for account in cfg.accounts.values():
        slot = current_slot(now, cfg.schedule, cfg.timezone, account.index)
        if not account.enabled:
            idle.append(NotDue(account.name, "disabled"))
        elif slot is None:
            inside = window_open_at(now, cfg.schedule, cfg.timezone) is not None
            idle.append(NotDue(account.name, "no slot yet in this window" if inside else "outside the window"))
        elif store.post_run_since(account.name, slot.start):
            idle.append(NotDue(account.name, f"slot {slot.key} already served"))
        else:
            due.append(account.name)
    return due, idle


def post_all(
    cfg: Config,
    store: Store,
    open_store: Callable[[], Store],
    now: datetime,
    opts: PostOptions,
) -> tuple[list[Outcome], list[NotDue]]:
    """Run every due account, at most [x] concurrency at a time; outcomes in config order.
    `store` is the caller's (the main thread's); each account gets its own from `open_store`,
    since a database connection belongs to one thread."""
    due, idle = due_accounts(cfg, store, now)
    if due and not opts.dry_run:
        # once, before the accounts start: side by side, all but one would find the refresh
        # claimed by a neighbour and compose from the stale cache
        refresh_if_stale(cfg, store, now)
    workers = max(1, min(cfg.settings(XSettings).concurrency, len(due)))
    with ThreadPoolExecutor(workers, thread_name_prefix="botx-post") as pool:
        outcomes = list(pool.map(lambda name: _one(cfg, open_store, name, now, opts), due))
    return outcomes, idle


def _one(cfg: Config, open_store: Callable[[], Store], name: str, now: datetime, opts: PostOptions) -> Outcome:
    store = None
    try:
        store = open_store()
        return Outcome(name, ExitCode.OK, result=run_post(cfg, store, name, now, opts))
    except BotxError as err:
        return Outcome(name, ExitCode(err.exit_code), failure=err)
    except driver_errors() as err:  # a full disk, a lock held too long: this account's failure
        failure = database_failure(err, None)
        return Outcome(name, ExitCode(failure.exit_code), failure=failure)
    finally:
        if store is not None:
            store.close()


def exit_code(outcomes: list[Outcome]) -> ExitCode:
    """The most severe of the accounts' exit codes, in DESIGN's order."""
    codes = {outcome.code for outcome in outcomes}
    for code in SEVERITY:
        if code in codes:
            return code
    return ExitCode.OK
