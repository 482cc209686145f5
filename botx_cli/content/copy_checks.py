"""The mechanical checks of a model's copy and its assembly into the finished tweet: what the
llm strategy does to every answer before the editorial check (claims.py) and validation.
Stdlib only (loaded with the prompt and the writer, on the llm path)."""

from __future__ import annotations

import re

from botx_cli.content.compose import Plan, tidy
from botx_cli.content.validate import MAX_WEIGHTED, Rules, Verdict, clean_characters
from botx_cli.text import extract_hashtags, extract_urls, weighted_length

_HANDLE = re.compile(r"[@＠][A-Za-z0-9_]")  # any would-be mention: X links "Café@x" and "RT@x" too
_LINKISH = re.compile(
    r"\bwww\.|https?:|://|\w\.(com|io|ai|net|org|dev|co)\b", re.IGNORECASE
)  # "://": a bare scheme too
_QUOTES = "\"'“”‘’«»"


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
