"""The llm strategy: an OpenAI-compatible model writes the copy, botx the rest, and checks it.

The model gets the fact sheet, the plan, the banned content, examples and recent posts
(llm_prompt.py) and is never trusted with the promo code, link or hashtags: botx puts those
in itself ([compose.llm] layout). Each plan asks for several copies ([compose.llm] copies);
every copy goes through the mechanical checks (copy_problem: empty, too long, its own link,
handle, hashtag or code), the editorial check (claims.py: only facts from the sheet or the
plan, the offer as given, nothing banned) and the finished tweet's validation. The best
valid copy by a deterministic score wins; none valid: one retry told the reasons, then the
template words that plan.

This runs from cron, so time is bounded: every call has a whole-call deadline (llm_call.py;
[compose.llm] timeout_seconds, retries included), and all calls of a run share
budget_seconds. A transport failure (timeout, 5xx, refused key, garbage answer) stops the
model for the rest of the run: every later tweet uses templates. Every call is priced from
its usage and recorded with the API spend (api_calls). The openai package is imported only
here, and only when a model is actually called.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

from botx_cli import claims
from botx_cli.compose import Plan, Tweet, tidy
from botx_cli.config import Config
from botx_cli.content_config import settings
from botx_cli.llm_call import CHAT_ENDPOINT, Call, Chat, Prices
from botx_cli.llm_prompt import (SCHEMA, clean_copy, fact_sheet, parse_answer, plan_facts, retry_prompt,
                                 system_prompt, trend_words, user_prompt)
from botx_cli.text import extract_hashtags, extract_urls, weighted_length
from botx_cli.validate import MAX_WEIGHTED, Rules, Verdict, clean_characters

if TYPE_CHECKING:
    from botx_cli.store import Store

__all__ = ["Writer", "assemble", "clean_copy", "copy_budget", "copy_problem", "describe", "missing_key",
           "spend_recorder", "trend_words", "verdict_problem", "writer_for"]
Recorder = Callable[[str, Call], None]  # (account, call) -> recorded with the API spend
_HANDLE = re.compile(r"[@＠][A-Za-z0-9_]")  # any would-be mention: X links "Café@x" and "RT@x" too
_LINKISH = re.compile(r"\bwww\.|https?:|\w\.(com|io|ai|net|org|dev|co)\b", re.IGNORECASE)


def missing_key(cfg: Config) -> str | None:
    """The warning for `post`/`preview` when the llm strategy has no key; None when fine."""
    if cfg.strategy != "llm" or os.environ.get(cfg.llm.api_key_env, "").strip():
        return None
    return (f"[compose] strategy = \"llm\" but {cfg.llm.api_key_env} is not set: composing with templates; "
            f"export {cfg.llm.api_key_env} (any value for a server without keys)")


def writer_for(cfg: Config, notes: list[str] | None = None, record: Recorder | None = None) -> "Writer | None":
    """A Writer when the llm strategy is configured and its key is present, else None.
    `record`: where each chat call goes (spend_recorder: api_calls); None records nothing."""
    notes = notes if notes is not None else []
    if cfg.strategy != "llm":
        return None
    warning = missing_key(cfg)
    if warning:
        notes.append(warning)
        return None
    return Writer(cfg, os.environ[cfg.llm.api_key_env].strip(), notes, record)


def spend_recorder(store: "Store", now: datetime) -> Recorder:
    """Chat calls as api_calls rows: counted by stats, doctor and the monthly budget."""
    def record(account: str, call: Call) -> None:
        store.record_api_call(now, account, "POST", CHAT_ENDPOINT, call.status, call.cost_usd, call.duration_ms)
    return record


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
    return tidy(layout.format(copy=copy, promo=plan.promo, link=plan.link, tags=" ".join(plan.tags)))


def copy_budget(layout: str, plan: Plan) -> int:
    """Weighted characters left for the copy once botx's parts are in (at most 200: short reads better)."""
    fixed = weighted_length(layout.format(copy="", promo=plan.promo, link=plan.link, tags=" ".join(plan.tags)))
    return max(0, min(200, MAX_WEIGHTED - fixed))


@dataclass(frozen=True)
class Judged:
    """One copy of the model and what the checks made of it."""

    copy: str
    reasons: tuple[str, ...]  # () when every check passed
    text: str = ""  # the finished tweet
    verdict: Verdict | None = None
    score: float = 0.0


class Writer:
    """One run's model session: a lazy client, a time budget, and a stop on transport failure."""

    def __init__(self, cfg: Config, key: str, notes: list[str], record: Recorder | None = None) -> None:
        self.cfg, self.key, self.notes, self.record = cfg, key, notes, record
        self.settings = settings(cfg).llm
        self.sheet = fact_sheet(cfg)
        self.deadline = time.monotonic() + self.settings.budget_seconds
        self.stopped: str | None = None
        self._chat: Chat | None = None

    def ready(self) -> bool:
        return self.stopped is None and time.monotonic() < self.deadline

    def _note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def chat(self) -> Chat:
        if self._chat is None:
            import openai  # the llm path only

            client = openai.OpenAI(api_key=self.key, base_url=self.cfg.llm.base_url,
                                   timeout=self.cfg.llm.timeout_seconds, max_retries=self.settings.max_retries)
            prices = Prices(self.settings.input_price_per_m_tokens, self.settings.output_price_per_m_tokens)
            self._chat = Chat(client.chat.completions.create, self.cfg.llm.model, self.settings.temperature, prices,
                              SCHEMA if self.settings.json_schema else None)
        return self._chat

    def call_seconds(self) -> float:
        """A call's whole deadline: [compose.llm] timeout_seconds, within what is left of the budget."""
        return max(0.5, min(self.cfg.llm.timeout_seconds, self.deadline - time.monotonic()))

    def ask(self, messages: list[dict[str, str]], account: str) -> list[str] | None:
        """The model's answers (one per copy), or None once the model is unusable for this run."""
        if not self.ready():
            return None
        answers = self.chat().ask(messages, self.settings.copies, self.call_seconds)
        for call in answers.calls:
            if self.record is not None:
                self.record(account, call)
        for what in answers.dropped:
            self._note(f"llm: the server refused {what}; no longer sent this run")
        if answers.error is not None:
            self.stopped = describe(answers.error)
            host = urlsplit(self.cfg.llm.base_url).hostname  # never the URL: it may carry credentials
            self._note(f"llm: {self.stopped} ({host}, model {self.cfg.llm.model}); templates for the rest of this run")
        return answers.contents or None

    def judge(self, answer: str, plan: Plan, facts: claims.PlanFacts, rules: Rules, check: Callable[[str], Verdict],
              budget: int) -> Judged:
        copy, _meta = parse_answer(answer)
        mechanical = copy_problem(copy, budget, rules)
        if mechanical:
            return Judged(copy, (mechanical,))
        editorial = claims.problems(copy, self.sheet, facts)
        if editorial:
            return Judged(copy, tuple(editorial))
        text = assemble(self.settings.layout, plan, copy)
        verdict = check(text)
        if not verdict.valid:
            return Judged(copy, (verdict_problem(verdict),), text, verdict)
        nearest = float(verdict.notes.get("near_duplicate", "0") or 0)
        return Judged(copy, (), text, verdict, claims.score(copy, nearest, budget, facts))

    def compose(self, plan: Plan, rules: Rules, check: Callable[[str], Verdict], variant: str | None = None,
                recent: tuple[str, ...] = ()) -> tuple[Tweet, Verdict] | None:
        """A valid tweet with the best of the model's copies, or None: the caller words it with a
        template. `variant`: a [compose.llm] prompt variant (recorded on the tweet); `recent`: the
        proses of recent posts (newest first), shown to the model to stay away from."""
        budget = copy_budget(self.settings.layout, plan)
        facts = plan_facts(plan)
        voice = plan.voice or next((a.voice for a in self.cfg.accounts.values() if a.name == plan.account), "")
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system_prompt(self.cfg, self.sheet, voice, variant)},
            {"role": "user", "content": user_prompt(plan, budget, recent)}]
        reasons: list[str] = []
        for _round in range(2):  # the first answers, then one retry told the reasons
            answers = self.ask(messages, plan.account)
            if answers is None:
                return None
            judged = [self.judge(a, plan, facts, rules, check, budget) for a in answers]
            valid = [j for j in judged if not j.reasons and j.verdict is not None]
            if valid:
                best = max(valid, key=lambda j: j.score)  # max keeps the first of equal scores
                assert best.verdict is not None
                return replace(plan.tweet(best.text, -1, "llm"), variant=variant), best.verdict
            reasons = list(dict.fromkeys(r for j in judged for r in j.reasons))
            messages = [*messages, {"role": "assistant", "content": answers[0]},
                        {"role": "user", "content": retry_prompt(reasons, budget)}]
        self._note(f"llm copy rejected twice ({'; '.join(reasons[:3])}); that tweet uses a template")
        return None


def describe(err: BaseException) -> str:
    """What went wrong, without the server's message (it may echo part of the key)."""
    status = getattr(err, "status_code", None)
    name = type(err).__name__
    if status in (401, 403):
        return f"the server refused the key (HTTP {status})"
    if status is not None:
        return f"HTTP {status} ({name})"
    if "Timeout" in name:
        return "no answer within the timeout"
    if "Connection" in name:
        return "cannot connect"
    return f"unusable answer ({name})"
