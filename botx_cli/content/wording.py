"""Which pieces of copy a post uses and how they are worded: pure functions of config, the
post's kind, voice and trend, the day's posts and a seeded random.Random.

Pieces pair only when they fit (config_words.Piece): an angle line for hourly GPUs never
stands next to a per-token price, a training hook never opens an inference line. Among the
pairs that fit, several candidate wordings are drawn (pieces and their grammar alternatives)
and the one sharing least with the day's posts on every account wins: no sentence posted
today again, no three-word phrase twice inside the tweet, then the fewest 4-grams already
posted today.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botx_cli.config import grammar
from botx_cli.config.pieces import KINDS, Piece, voiced
from botx_cli.config.words import Angle, Offer, compatible, offer_wording
from botx_cli.content.validate import normalize, similarity
from botx_cli.content.variety import ngrams, repeated_phrase, sentences, words

if TYPE_CHECKING:
    from botx_cli.config.core import Config
    from botx_cli.content.compose import History, TrendPick

DRAWS = 8  # candidate wordings per plan
KIND_WINDOW = 20  # the account's last posts whose kinds steer the next kind


def opens(hook: Piece, line: Piece, offer: Offer | None = None) -> bool:
    """A hook may open a line: they fit (with the offer), and a hook that names topics
    ("Big fine-tune coming up?" fits training) opens only a line that names one of them."""
    return compatible([hook, line], offer) and (not hook.topics or bool(hook.topics & line.topics))


def next_kind(shares: dict[str, float], recent: tuple[str | None, ...], attempt: int = 0) -> str:
    """The kind of post the account owes most, given its last kinds (newest first): the kind
    whose share of the window plus this post runs furthest ahead of its count. Deterministic
    and even (shares 0.5/0.3/0.2 give offer, proof, offer, question, offer, proof, ...).
    Later attempts of one post (candidates) walk to the next kinds after three tries."""
    window = [k for k in recent[:KIND_WINDOW] if k in shares]
    counts = {kind: window.count(kind) for kind in KINDS}
    owed = sorted(
        (k for k in KINDS if shares.get(k, 0) > 0),
        key=lambda k: (-(shares[k] * (len(window) + 1) - counts[k]), KINDS.index(k)),
    )
    return owed[(attempt // 3) % len(owed)]


def hook_pool(cfg: Config, pick: TrendPick | None, kind: str, voice: str) -> list[Piece]:
    """Hooks for this post. With a trend: the hooks of its category that name it (generic
    ones with {trend} when the category has none); greetings (`holiday`) only for an occasion
    marked holiday. Without: the generic hooks that name no trend. Empty: the trend cannot
    be named, so it does not ride."""
    hooks = cfg.content.hooks
    if pick is None:
        pool = [h for h in hooks["generic"] if not grammar.always(h, "trend")]
    elif pick.kind == "occasion":
        pool = list(hooks["holiday"] if pick.holiday and hooks["holiday"] else hooks["occasion"])
    else:
        category = pick.category if pick.category not in ("holiday", "occasion", "generic") else ""
        pool = list(hooks.get(category, ())) or list(hooks["generic"])
    if pick is not None:  # a hook that rides a trend names it
        pool = [h for h in pool if grammar.always(h, "trend")]
    return [h for h in voiced(pool, voice) if not h.kinds or kind in h.kinds]


def line_pool(angle: Angle, kind: str, voice: str, pick: TrendPick | None) -> list[Piece]:
    """The angle's pieces of this kind for the voice; an occasion brings its own lines."""
    if pick is not None and pick.kind == "occasion" and pick.lines:  # config_words.pieces keeps their tags
        lines = [line if isinstance(line, Piece) else Piece(line) for line in pick.lines]
        return voiced(lines, voice) or lines  # an occasion written for one voice still speaks for both
    return voiced(angle.pieces(kind), voice)


@dataclass(frozen=True)
class Wording:
    hook: str
    line: str
    offer: int | None  # index in [[offers]]; None for proof and question posts
    offer_text: str
    score: tuple[int, int, int, int, int, int]  # see `score`


def score(parts: list[str], history: History) -> tuple[int, int, int, int, int, int]:
    """Lower is fresher: (sentences posted today on any account, whether a 3-word phrase
    comes twice, the nearest post of the near-duplicate window in tenths of the similarity the
    near_duplicate check measures, whether a post of the duplicate window said all of it,
    sentences posted within the near window, 4-grams posted today)."""
    prose = "\n".join(p for p in parts if p)
    said = sentences(prose)
    grams = ngrams(words(prose), 4)
    nearest = max((similarity(prose, other) for other in history.near_proses), default=0.0)
    folded = normalize(prose)
    return (
        sum(1 for s in said if s in history.today_sentences),
        int(repeated_phrase(prose) is not None),
        int(nearest * 10),
        int(any(folded in text for text in history.recent_texts)),
        sum(1 for s in said if s in history.near_sentences),
        sum(1 for g in grams if g in history.today_grams),
    )


def names(line: str, trend_words: str) -> bool:
    """The line itself names the trend (an occasion's own lines often do): a hook naming it
    again would say it twice ("NeurIPS note from the infra team: NeurIPS week: ...")."""
    return bool(trend_words) and trend_words.casefold() in line.casefold()


def _fresh(renders: list[Callable[[], str]], history: History) -> str:
    """The first rendering none of whose sentences was posted today (else the first one):
    pieces in turn, or draws of one piece's alternatives."""
    first = ""
    for render in renders:
        text = render()
        if not any(s in history.today_sentences for s in sentences(text)):
            return text
        first = first or text
    return first


def _rotated(pool: list, rng: random.Random, start: int) -> list:  # type: ignore[type-arg]
    """The pool in a seeded random order, turned to start at `start` (later attempts)."""
    order = pool[:]
    rng.shuffle(order)
    return _from(order, start)


def _from(order: list, start: int) -> list:  # type: ignore[type-arg]
    start = start % len(order) if order else 0
    return order[start:] + order[:start]


def choose(
    cfg: Config,
    kind: str,
    voice: str,
    hooks: list[Piece],
    lines: list[Piece],
    offers: list[int],
    trend_words: str,
    history: History,
    rng: random.Random,
    attempt: int = 0,
) -> list[Wording]:
    """Candidate wordings, best first. `offers`: the indexes an offer post may use (empty for
    proof and question posts); `hooks` may be empty (no hook)."""
    if not lines:
        return []
    line_order = _rotated(lines, rng, attempt)
    hook_order = _rotated(hooks, rng, attempt)
    offer_order = _rotated(offers, rng, attempt)
    found: list[Wording] = []

    def expanded(text: str) -> Callable[[], str]:
        return lambda: grammar.expand(text, rng).replace("{trend}", trend_words)

    def offered(index: int) -> Callable[[], str]:
        return lambda: offer_wording(cfg.content, index, voice, rng)

    for draw in range(DRAWS):
        line = line_order[draw % len(line_order)]
        turn = draw + draw // len(line_order)  # hooks and offers turn against the lines: new pairs each round
        offer_index = (
            next((i for i in _from(offer_order, turn) if compatible([line], cfg.content.offers[i])), None)
            if offers
            else None
        )
        if offers and offer_index is None:
            continue
        offer = cfg.content.offers[offer_index] if offer_index is not None else None
        fitting = [h for h in _from(hook_order, turn) if opens(h, line, offer)]
        if hooks and not fitting:
            continue
        line_text = _fresh([expanded(line)] * 3, history)
        if names(line_text, trend_words):  # "NeurIPS week: ..." needs no "NeurIPS note:" before it
            fitting = []
        hook_text = _fresh([expanded(h) for h in fitting], history) if fitting else ""
        text = _fresh([offered(offer_index)] * 3, history) if offer_index is not None else ""
        found.append(Wording(hook_text, line_text, offer_index, text, score([hook_text, line_text, text], history)))
    return sorted(found, key=lambda w: w.score)
