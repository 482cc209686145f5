"""Completing attempts whose outcome a run did not learn: runs that died mid-post, and answers
X gave that were lost (timeout, reset, a body without an id). Works on any PostTarget
(x/target.py): its recent_own_tweets and reads.

The account's timeline decides: the tweet is there ('posted', with X's id and time) or, after
LOST_ANSWER_CHECKS reads that did not show it, it is not ('not_posted', final). Until then
the attempt is 'unknown': it holds its slot and counts toward cap, gap and the duplicate
window, so nothing is sent twice for it. Without reads ([x] reads = false) it stays unknown.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botx_cli.clock import parse_iso
from botx_cli.content.validate import normalize
from botx_cli.errors import BotxError
from botx_cli.host import host_name
from botx_cli.store import LOST_ANSWER_CHECKS, Attempt, Store

if TYPE_CHECKING:
    from botx_cli.config.core import Account
    from botx_cli.x.target import PostTarget

STALE_AFTER = timedelta(minutes=10)  # an open attempt older than this has no live owner


class Timeline:
    """The account's recent posts, read at most once per run however many attempts need it."""

    def __init__(self, target: PostTarget) -> None:
        self.target = target
        self.items: list[dict[str, Any]] | None = None

    def posts(self) -> list[dict[str, Any]]:
        if self.items is None:
            self.items = self.target.recent_own_tweets()
        return self.items


def find_on_x(
    store: Store,
    target: PostTarget,
    account: Account,
    now: datetime,
    attempt_id: int,
    text: str,
    checks: int = 0,
    timeline: Timeline | None = None,
) -> str | None:
    """Match an attempt against the account's timeline: 'posted' when found, else one more
    check counted ('unknown', or 'not_posted' after the last). X's id when found."""
    if not target.reads:
        store.mark_done(attempt_id, now, "unknown", "lost_answer", "reads disabled: cannot check X")
        return None
    wanted = normalize(text)
    for item in (timeline or Timeline(target)).posts():
        if normalize(str(item.get("text", ""))) == wanted:
            posted_at = parse_iso(item["created_at"]) if item.get("created_at") else now
            with store.write():
                store.mark_posted(attempt_id, now, str(item["id"]), posted_at)
                store.found_later(attempt_id, str(item["id"]))
            return str(item["id"])
    store.mark_checked(
        attempt_id, now, checks + 1, f"not on the account's timeline (check {checks + 1} of {LOST_ANSWER_CHECKS})"
    )
    return None


def _owner_alive(attempt: Attempt, now: datetime) -> bool:
    """Whether the run that opened the attempt may still be at work. Its pid means something
    only on its own host (BOTX_HOST): another host's run counts as alive until STALE_AFTER."""
    if now - parse_iso(attempt.created_at) > STALE_AFTER:
        return False
    if attempt.host != host_name() or not attempt.pid:
        return True
    try:
        os.kill(attempt.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return attempt.pid != os.getpid()


def reconcile_open(store: Store, target: PostTarget, account: Account, now: datetime) -> list[str]:
    """Complete attempts left open by runs that died, and check lost answers again; returns
    what was done, for -v."""
    notes = []
    timeline = Timeline(target)
    for attempt in store.open_attempts(account.name):
        if attempt.status == "unknown":
            if not target.reads:
                continue  # nothing can tell; it keeps holding its slot
        elif _owner_alive(attempt, now):
            continue
        elif attempt.status == "claimed" or not attempt.text:  # died before sending anything
            store.mark_done(attempt.id, now, "failed", "abandoned", "run died before the API call")
            notes.append(f"attempt {attempt.id}: abandoned before sending")
            continue
        try:
            found = find_on_x(store, target, account, now, attempt.id, attempt.text or "", attempt.checks, timeline)
        except BotxError as err:
            notes.append(f"attempt {attempt.id}: cannot check X yet ({err})")
            continue
        notes.append(f"attempt {attempt.id}: {'found on X as ' + found if found else 'not on X (yet)'}")
    return notes
