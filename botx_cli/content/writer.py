"""The llm strategy's session: asks the model for copies, checks each, keeps the best.

See llm.py for the whole flow; this module loads only when the llm strategy has a key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from botx_cli.config.core import Config
from botx_cli.content import claims
from botx_cli.content.compose import Plan, Tweet
from botx_cli.content.copy_checks import assemble, copy_budget, copy_problem, verdict_problem
from botx_cli.content.prompt import (
    SCHEMA,
    fact_sheet,
    parse_answer,
    plan_facts,
    retry_prompt,
    system_prompt,
    user_prompt,
)
from botx_cli.content.settings import WritingSettings
from botx_cli.content.validate import Rules, Verdict
from botx_cli.llm.chat import Chat, Prices
from botx_cli.llm.client import describe, open_client
from botx_cli.llm.settings import LlmSettings
from botx_cli.llm.spend import Recorder


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
        self.llm = cfg.settings(LlmSettings)
        self.settings = cfg.settings(WritingSettings)
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
            llm = self.llm
            client = open_client(self.key, llm.base_url, llm.timeout_seconds, llm.max_retries)
            prices = Prices(llm.input_price_per_m_tokens, llm.output_price_per_m_tokens)
            self._chat = Chat(
                client.chat.completions.create,
                llm.model,
                self.settings.temperature,
                prices,
                SCHEMA if self.settings.json_schema else None,
            )
        return self._chat

    def call_seconds(self) -> float:
        """A call's whole deadline: [compose.llm] timeout_seconds, within what is left of the budget."""
        return max(0.5, min(self.llm.timeout_seconds, self.deadline - time.monotonic()))

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
            host = urlsplit(self.llm.base_url).hostname  # never the URL: it may carry credentials
            self._note(f"llm: {self.stopped} ({host}, model {self.llm.model}); templates for the rest of this run")
        return answers.contents or None

    def judge(
        self,
        answer: str,
        plan: Plan,
        facts: claims.PlanFacts,
        rules: Rules,
        check: Callable[[str], Verdict],
        budget: int,
    ) -> Judged:
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

    def compose(
        self,
        plan: Plan,
        rules: Rules,
        check: Callable[[str], Verdict],
        variant: str | None = None,
        recent: tuple[str, ...] = (),
    ) -> tuple[Tweet, Verdict] | None:
        """A valid tweet with the best of the model's copies, or None: the caller words it with a
        template. `variant`: a [compose.llm] prompt variant (recorded on the tweet); `recent`: the
        proses of recent posts (newest first), shown to the model to stay away from."""
        budget = copy_budget(self.settings.layout, plan)
        facts = plan_facts(plan)
        name = plan.voice or next((a.voice for a in self.cfg.accounts.values() if a.name == plan.account), "")
        voice = self.cfg.content.voices.get(name) or name  # [voices.NAME] description: how the account writes
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system_prompt(self.cfg, self.sheet, voice, variant)},
            {"role": "user", "content": user_prompt(plan, budget, recent)},
        ]
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
            messages = [
                *messages,
                {"role": "assistant", "content": answers[0]},
                {"role": "user", "content": retry_prompt(reasons, budget)},
            ]
        self._note(f"llm copy rejected twice ({'; '.join(reasons[:3])}); that tweet uses a template")
        return None
