"""The llm strategy: an OpenAI-compatible model writes the copy, botx the rest, and checks it.

This module is what every run imports (the warm template path too): choosing the Writer.
The mechanical copy checks are copy_checks.py. The Writer (writer.py) and what it needs, the prompt (prompt.py),
the editorial check (claims.py) and the chat transport (botx_cli/llm), load only when the llm
strategy has a key.

The model gets the fact sheet, the plan, the banned content, examples and recent posts
(prompt.py) and is never trusted with the promo code, link or hashtags: botx puts those
in itself ([compose.llm] layout). Each plan asks for several copies ([compose.llm] copies);
every copy goes through the mechanical checks (copy_problem: empty, too long, its own link,
handle, hashtag or code), the editorial check (claims.py: only facts from the sheet or the
plan, the offer as given, nothing banned) and the finished tweet's validation. The best
valid copy by a deterministic score wins; none valid: one retry told the reasons, then the
template words that plan.

This runs from cron, so time is bounded: every call has a whole-call deadline (llm/chat.py;
[compose.llm] timeout_seconds, retries included), and all calls of a run share
budget_seconds. A transport failure (timeout, 5xx, refused key, garbage answer) stops the
model for the rest of the run: every later tweet uses templates. Every call is priced from
its usage and recorded with the API spend (api_calls). The openai package is imported only
by the Writer, and only when a model is actually called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botx_cli.config.core import Config
from botx_cli.llm.settings import LlmSettings, missing_key

if TYPE_CHECKING:
    from botx_cli.content.writer import Writer
    from botx_cli.llm.spend import Recorder


def writer_for(cfg: Config, notes: list[str] | None = None, record: Recorder | None = None) -> Writer | None:
    """A Writer when the llm strategy is configured and its key is present, else None.
    `record`: where each chat call goes (llm.chat.spend_recorder: api_calls); None records nothing."""
    notes = notes if notes is not None else []
    if cfg.strategy != "llm":
        return None
    warning = missing_key(cfg)
    if warning:
        notes.append(warning)
        return None
    from botx_cli.content.writer import Writer  # the checks and the client: the llm path only

    return Writer(cfg, cfg.settings(LlmSettings).api_key() or "", notes, record)
