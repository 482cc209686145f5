"""The llm strategy: an OpenAI-compatible model writes the copy, botx the rest, and checks it.

This module is what every run imports (the warm template path too): choosing the Writer and
the mechanical copy checks. The Writer (writer.py) and what it needs, the prompt (prompt.py),
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

import re
from typing import TYPE_CHECKING

from botx_cli.config.core import Config
from botx_cli.content.compose import Plan, tidy
from botx_cli.content.validate import MAX_WEIGHTED, Rules, Verdict, clean_characters
from botx_cli.llm.settings import LlmSettings, missing_key
from botx_cli.text import extract_hashtags, extract_urls, weighted_length

if TYPE_CHECKING:
    from botx_cli.content.writer import Writer
    from botx_cli.llm.spend import Recorder
_HANDLE = re.compile(r"[@＠][A-Za-z0-9_]")  # any would-be mention: X links "Café@x" and "RT@x" too
_LINKISH = re.compile(r"\bwww\.|https?:|\w\.(com|io|ai|net|org|dev|co)\b", re.IGNORECASE)
_QUOTES = "\"'“”‘’«»"


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


def clean_copy(answer: str) -> str:
    """The copy without wrapping quotes, spacing tidied."""
    text = answer.strip()
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return tidy(text)


def copy_problem(copy: str, budget: int, rules: Rules) -> str | None:
    """Why a model's copy cannot be used mechanically, said so the model can fix it; None when usable."""
    if not copy:
        return "it was empty"
    length = weighted_length(copy)
    if length > budget:
        return f"it is {length} characters long and the limit is {budget}"
    if extract_urls(copy) or _LINKISH.search(copy):
        return "it contains a link; the link is added after your text"
    if _HANDLE.search(copy):
        return "it contains an @handle; mention no accounts"
    if extract_hashtags(copy) or "#" in copy:
        return "it contains a hashtag; hashtags are added after your text"
    if rules.promo_code.casefold() in copy.casefold():
        return "it contains the promo code; the code is added after your text"
    if not clean_characters(copy):
        return "it contains invalid characters"
    return None  # English and capitals are judged with the finished tweet (verdict_problem)


def verdict_problem(verdict: Verdict) -> str:
    """The finished tweet's failed checks, said so the model can fix them."""
    if "english" in verdict.failed:
        return "it is not in English; write in English"
    if "caps" in verdict.failed:
        return "it is shouting (too many capital letters); write in sentence case"
    return "the finished tweet failed these checks: " + ", ".join(verdict.failed)


def assemble(layout: str, plan: Plan, copy: str) -> str:
    return tidy(layout.format(copy=copy, promo=plan.promo, link=plan.link or plan.profile, tags=" ".join(plan.tags)))


def copy_budget(layout: str, plan: Plan) -> int:
    """Weighted characters left for the copy once botx's parts are in (at most 200: short reads better)."""
    fixed = weighted_length(
        layout.format(copy="", promo=plan.promo, link=plan.link or plan.profile, tags=" ".join(plan.tags))
    )
    return max(0, min(200, MAX_WEIGHTED - fixed))
