"""Relevance by meaning: does the product have something true to say about this trend?

A trend is judged with every context its source gives: its name and hashtag, and the
headlines (title, snippet, publication) Google's feed lists for it; trends24, getdaytrends
and X give names only. They are read for the product's own words (name, keywords, offer
items, domain hashtags) and the operator's `[trends] related` list: terms and entities of
the product's field, each with its aliases ("AWS | Amazon Web Services", "Blackwell Ultra").

Names and field words. A term written with a capital letter or a digit is a name (Nvidia,
H100, GPT, Jensen Huang): one hit is evidence enough. A term written all in lower case is a
field word (outage, keynote, launch): common outside the field, so it needs a second term
beside it. Writing an ambiguous name in lower case (gemini, llama) makes it need company too.

Weights: a name in the trend's own name 1.0, in a headline 0.5; a field word 0.15 in the
name, 0.1 in a headline. Each term counts once, where it weighs most; the sum, capped at
1, is the trend's relevance, compared with `[trends] min_relevance` (0.2: one name
anywhere, or two field words with one in the name). Matching is on whole words and
CamelCase pieces, plurals included (words.py): transparent, and every hit is kept so
`botx -v trends` can say why. Pure, stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from botx_cli.trends.sources.base import Headline
from botx_cli.trends.words import PhraseIndex, Tokens

WEIGHTS = {("name", "name"): 1.0, ("name", "headline"): 0.5, ("word", "name"): 0.15, ("word", "headline"): 0.1}
_MODEL_TOKEN = re.compile(r"\b[A-Za-z]+\d[\w.]*\b")  # H100, A100, V3 in offer items


@dataclass(frozen=True)
class Term:
    label: str  # the entry's first alias, as the operator wrote it: what `matched` shows
    strong: bool  # a name: counts on its own


@dataclass(frozen=True)
class Relevance:
    score: float  # 0..1
    matched: tuple[str, ...]  # "Nvidia", "outage", "keynote (headline)": why
    reason: str  # one line for `botx trends -v` and --json


def is_name(alias: str) -> bool:
    return any(c.isupper() or c.isdigit() for c in alias)


def parse_entry(entry: str) -> list[str]:
    """ "AWS | Amazon Web Services" -> ["AWS", "Amazon Web Services"]."""
    return [alias.strip() for alias in entry.split("|") if alias.strip()]


class Vocabulary:
    """The product's field: every term, by its folded form, names before field words."""

    def __init__(self, entries: Iterable[Sequence[str]]) -> None:
        pairs = [(alias, Term(aliases[0], is_name(alias))) for aliases in entries for alias in aliases]
        pairs.sort(key=lambda pair: not pair[1].strong)  # the same form as a name and a word: a name
        self.index = PhraseIndex(pairs)

    @classmethod
    def of(
        cls,
        product_name: str,
        keywords: Sequence[str],
        offers: Sequence[str],
        domain_tags: Sequence[str],
        related: Sequence[Sequence[str]],
    ) -> Vocabulary:
        """The product's own words and the operator's related entries (each its aliases)."""
        own = [
            [product_name],
            *([k] for k in keywords),
            *([o] for o in offers),
            *([token] for o in offers for token in _MODEL_TOKEN.findall(o)),
            *([tag.lstrip("#")] for tag in domain_tags),
        ]  # "CloudGPU" reads "Cloud GPU"
        return cls([*related, *own])  # the same term in both: the operator's spelling names it

    def judge(self, name: str, hashtag: str, news: Sequence[Headline], min_relevance: float) -> Relevance:
        best: dict[str, tuple[float, str]] = {}  # label -> (weight, where)
        texts = [("name", name), ("name", hashtag)] + [("headline", h.text()) for h in news]
        for where, text in texts:
            for _start, _end, _form, term in self.index.find(Tokens.read(text), plurals=True):
                weight = WEIGHTS[("name" if term.strong else "word", where)]
                if weight > best.get(term.label, (0.0, ""))[0]:
                    best[term.label] = (weight, where)
        ranked = sorted(best.items(), key=lambda item: -item[1][0])
        matched = tuple(label if where == "name" else f"{label} (headline)" for label, (_w, where) in ranked)
        score = round(min(1.0, sum(weight for weight, _where in best.values())), 4)
        words_only = all(weight < WEIGHTS[("name", "headline")] for weight, _where in best.values())
        return Relevance(score, matched, _reason(score, matched, min_relevance, len(news), words_only))


def _reason(score: float, matched: tuple[str, ...], min_relevance: float, headlines: int, words_only: bool) -> str:
    if score > min_relevance:
        return "relevant: " + ", ".join(matched)
    if matched and words_only:
        return f"not relevant: only the field word(s) {', '.join(matched)} (a field word needs a second term)"
    if matched:
        return f"not relevant: {', '.join(matched)} scores {score:g}, not above min_relevance {min_relevance:g}"
    context = f"its name or {headlines} headline(s)" if headlines else "its name (the source gives no headlines)"
    return f"not relevant: no term of the product's field in {context}"
