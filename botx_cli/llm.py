"""The llm strategy: an OpenAI-compatible model writes the hook and body, botx the rest.

The model is told the trend, angle, offer, tone and a character budget, and never trusted
with the promo code, link or hashtags: botx puts those in itself ([compose.llm] layout).
A copy that is empty, too long, not English, shouting, or carries its own link, handle,
hashtag or code is sent back once with the reason; so is a tweet that fails validation.
Rejected twice, that tweet is worded by the template strategy instead.

This runs from cron, so time is bounded: a per-call timeout, few HTTP retries, and a budget
for all calls of a run. A transport failure (timeout, 5xx, refused key, garbage answer)
stops the model for the rest of the run: every later tweet uses templates. The openai
package is imported only here, and only when a model is actually called.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import replace
from typing import Any, Callable
from urllib.parse import urlsplit

from botx_cli.compose import Plan, Tweet, tidy
from botx_cli.config import Config
from botx_cli.content_config import settings
from botx_cli.text import extract_hashtags, extract_urls, weighted_length
from botx_cli.trends.calendar import display_name
from botx_cli.validate import MAX_WEIGHTED, Rules, Verdict, clean_characters

SYSTEM = (
    "You write the copy of one post on X (Twitter) for {product}. {description}\n"
    "Write only the hook and the body: one to three short sentences of plain English, at most {budget} "
    "characters in all. Mention the offer as given. Do not write any link, URL, @handle, hashtag, promo code "
    "or discount: they are added after your text. No words in capitals, no quotation marks around the text. "
    "Tone: {tone}. Reply with the copy only."
)
VARIANT = "\nFor this post: {variant}"  # a [compose.llm] prompt variant, appended to SYSTEM
USER = "Trend: {trend}\nAngle: {angle}. {angle_line}\nOffer: {offer}\nBudget: {budget} characters"
RETRY = "That copy was rejected: {reason}. Write a new copy that fixes this, at most {budget} characters. Copy only."
_HANDLE = re.compile(r"[@＠][A-Za-z0-9_]")  # any would-be mention: X links "Café@x" and "RT@x" too
_LINKISH = re.compile(r"\bwww\.|https?:|\w\.(com|io|ai|net|org|dev|co)\b", re.IGNORECASE)
_QUOTES = "\"'“”‘’«»"


def missing_key(cfg: Config) -> str | None:
    """The warning for `post`/`preview` when the llm strategy has no key; None when fine."""
    if cfg.strategy != "llm" or os.environ.get(cfg.llm.api_key_env, "").strip():
        return None
    return (f"[compose] strategy = \"llm\" but {cfg.llm.api_key_env} is not set: composing with templates; "
            f"export {cfg.llm.api_key_env} (any value for a server without keys)")


def writer_for(cfg: Config, notes: list[str] | None = None) -> "Writer | None":
    """A Writer when the llm strategy is configured and its key is present, else None."""
    notes = notes if notes is not None else []
    if cfg.strategy != "llm":
        return None
    warning = missing_key(cfg)
    if warning:
        notes.append(warning)
        return None
    return Writer(cfg, os.environ[cfg.llm.api_key_env].strip(), notes)


def trend_words(plan: Plan) -> str:
    """The trend as words: its name when the source gave one, else the hashtag split."""
    assert plan.pick is not None
    name = plan.pick.name
    return name if name.strip() and name != plan.pick.hashtag.lstrip("#") else display_name(plan.pick.hashtag)


def clean_copy(answer: str) -> str:
    text = answer.strip()
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return tidy(text)


def copy_problem(copy: str, budget: int, rules: Rules) -> str | None:
    """Why a model's copy cannot be used, said so the model can fix it; None when usable."""
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


class Writer:
    """One run's model session: a lazy client, a time budget, and a stop on transport failure."""

    def __init__(self, cfg: Config, key: str, notes: list[str]) -> None:
        self.cfg, self.key, self.notes = cfg, key, notes
        self.settings = settings(cfg).llm
        self.deadline = time.monotonic() + self.settings.budget_seconds
        self.stopped: str | None = None
        self._client: Any = None

    def ready(self) -> bool:
        return self.stopped is None and time.monotonic() < self.deadline

    def _note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def client(self) -> Any:
        if self._client is None:
            import openai  # the llm path only

            self._client = openai.OpenAI(api_key=self.key, base_url=self.cfg.llm.base_url,
                                         timeout=self.cfg.llm.timeout_seconds, max_retries=self.settings.max_retries)
        return self._client

    def ask(self, messages: list[dict[str, str]]) -> str | None:
        """The model's answer, or None once the model is unusable for this run."""
        if not self.ready():
            return None
        timeout = max(0.5, min(self.cfg.llm.timeout_seconds, self.deadline - time.monotonic()))
        try:
            response = self.client().with_options(timeout=timeout).chat.completions.create(
                model=self.cfg.llm.model, messages=messages, temperature=self.settings.temperature, max_tokens=300)
            content = response.choices[0].message.content
            return content if isinstance(content, str) else ""
        except Exception as err:  # noqa: BLE001 - openai errors, and answers that are not the JSON they should be
            self.stopped = describe(err)
            host = urlsplit(self.cfg.llm.base_url).hostname  # never the URL: it may carry credentials
            self._note(f"llm: {self.stopped} ({host}, model {self.cfg.llm.model}); templates for the rest of this run")
            return None

    def compose(self, plan: Plan, rules: Rules, check: Callable[[str], Verdict],
                variant: str | None = None) -> tuple[Tweet, Verdict] | None:
        """A valid tweet with the model's copy, or None: the caller words it with a template.
        `variant`: a [compose.llm] prompt variant added to the instructions (recorded on the tweet)."""
        layout = self.settings.layout
        budget = copy_budget(layout, plan)
        trend = f"{trend_words(plan)} ({plan.category})" if plan.pick else "none: do not mention any trend"
        system = SYSTEM.format(product=self.cfg.product.name, budget=budget, description=self.cfg.product.description,
                               tone=self.cfg.llm.tone) + (VARIANT.format(variant=variant) if variant else "")
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": USER.format(trend=trend, angle=plan.angle, angle_line=plan.angle_line,
                                                    offer=plan.offer_text, budget=budget)}]
        reason = ""
        for _round in range(2):  # the first answer, then one retry told the reason
            answer = self.ask(messages)
            if answer is None:
                return None
            copy = clean_copy(answer)
            reason = copy_problem(copy, budget, rules) or ""
            if not reason:
                text = assemble(layout, plan, copy)
                verdict = check(text)
                if verdict.valid:
                    return replace(plan.tweet(text, -1, "llm"), variant=variant), verdict
                reason = verdict_problem(verdict)
            messages += [{"role": "assistant", "content": answer},
                         {"role": "user", "content": RETRY.format(reason=reason, budget=budget)}]
        self._note(f"llm copy rejected twice ({reason}); that tweet uses a template")
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
