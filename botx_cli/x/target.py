"""Where a post goes: what the post cycle, reconciliation and media need from it (PostTarget).

X is the one target: x/account.py's XAccount satisfies PostTarget (mypy checks it where
posting/cycle.py's open_target() constructs it, the one place that names XAccount for
posting). The contract of a send, which the cycle's slot accounting rests on:
- create_tweet returns the post's id: it exists.
- DuplicateContent: the target refused the text as a duplicate of the account's own post;
  nothing was created, unless the error's `retried` is set (an earlier try of this same call
  may have gone through: look on the timeline before anything else is sent).
- a BotxError that nothing_created() marks: certainly nothing was created (the target answered
  an error status, or the request never left), so the attempt is 'failed' and frees its slot.
- any other BotxError (AmbiguousSend among them): uncertain. The attempt stays 'unknown',
  holding its slot, until recent_own_tweets shows the text ('posted') or LOST_ANSWER_CHECKS
  reads do not ('not_posted'); with reads off it stays unknown.
What it costs: the target records every call it makes itself (api_calls with its cost, rate
limits) and does it by flush() at the latest; api_ms is the time the run waited on it.

A second target (say Mastodon): one new package at x's layer (botx_cli/mastodon/: its client,
settings section and a class with these members; structural, so it need not import this
module; plus its line in tests/test_architecture.py's LAYERS) and its construction line in
open_target(). Stdlib only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from botx_cli.deadline import Deadline


def nothing_created(err: BaseException) -> bool:
    """True for a classified error that cannot have created anything: the target answered an
    error status, or the request never left. A target marks such an error by setting its
    `nothing_created` attribute (x/api.py's classify does it for X)."""
    return bool(getattr(err, "nothing_created", False))


class PostTarget(Protocol):
    """One account's session on the place it posts to, for one run."""

    @property
    def deadline(self) -> Deadline:
        """The run's deadline: every call gets at most what is left of it."""
        ...

    @property
    def api_ms(self) -> int:
        """Time spent waiting on the target in this run, for the run log."""
        ...

    @property
    def reads(self) -> bool:
        """Whether the account's own posts may be read (reconciliation needs it)."""
        ...

    def ensure_time_to_send(self) -> None:
        """Raise TemporaryFailure (nothing sent) when the deadline leaves no time for a whole send."""
        ...

    def create_tweet(self, text: str, media_ids: Sequence[str] = (), made_with_ai: bool = False) -> str:
        """Post `text` (with uploaded media, and the AI-made disclosure); the post's id. Failures
        as the module docstring says."""
        ...

    def upload_media(self, data: bytes, media_type: str) -> str:
        """Upload an image for a later create_tweet; its media id. A failure is a BotxError."""
        ...

    def recent_own_tweets(self) -> list[dict[str, Any]]:
        """The account's latest posts, newest first: dicts with "id", "text" and "created_at"
        (ISO, optional), enough to find a post whose answer was lost."""
        ...

    def flush(self) -> str | None:
        """Record the answers not recorded yet; on a database error keep them and say why."""
        ...
