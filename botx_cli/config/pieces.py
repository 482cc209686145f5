"""A piece of copy in config, and the one reader of arrays of them (`pieces`).

A piece (a hook, an angle line, a proof, a question, an offer wording, a layout) is a string,
or a table saying what it fits:
`{ text = "{Pay|Get billed} by the second.", fits = "hour", voice = "engineer" }`.
- `fits`: words. Offer units (hour, m_tokens, month, flat) restrict the offer it may stand
  next to; any other word is a topic ("training", "inference"): two pieces that both name
  topics stand together only when they share one (an offer names its topics too).
- `voice`: the [voices] voice it belongs to; untagged pieces belong to every voice.
- `kinds` (layouts and hooks): the kinds of post it serves (offer, proof, question).
Lines take the alternatives grammar of grammar.py, checked here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from botx_cli.config import grammar
from botx_cli.config.table import MISSING, Table, shown

OFFER_UNITS = ("hour", "m_tokens", "month", "flat")
KINDS = ("offer", "proof", "question")
PIECE_KEYS = ("text", "fits", "voice", "kinds")
SENTENCE_ENDS = frozenset(".!?:…")
_HASHTAG = re.compile(r"[#＃]\w")


class Piece(str):
    """A config text and what it fits. A str, so every reader of the config's words (tag
    affinities, trend scoring, image prompts) keeps reading plain text."""

    units: frozenset[str]  # offer units it suits; empty = any
    topics: frozenset[str]  # what it speaks about; empty = anything
    voice: str  # "" = every voice
    kinds: frozenset[str]  # layouts and hooks: the kinds of post it serves; empty = any

    def __new__(
        cls,
        text: str,
        units: frozenset[str] = frozenset(),
        topics: frozenset[str] = frozenset(),
        voice: str = "",
        kinds: frozenset[str] = frozenset(),
    ) -> Piece:
        piece = super().__new__(cls, text)
        piece.units, piece.topics, piece.voice, piece.kinds = units, topics, voice, kinds
        return piece


def pieces(
    table: Table,
    key: str,
    default: Any = MISSING,
    *,
    slots: set[str] = frozenset(),  # type: ignore[assignment]
    needs: str = "",
    sentence: bool | None = None,
    voices: dict[str, str] | None = None,
    tags: tuple[str, ...] = ("fits", "voice"),
    text_only: bool = False,
    max_len: int = 500,
    max_items: int = 200,
) -> tuple[Piece, ...]:
    """An array of pieces (a single string is an array of one). `slots`: the placeholders the
    lines may use; `needs`: one every expansion must hold; `sentence`: True for lines that must
    end a sentence, False for fragments, None unchecked; `text_only`: layouts (str.format
    templates, no grammar)."""
    if not table.has(key) and default is MISSING:
        raise table.fail(key, f'missing; add {key} = ["..."]')
    value = table.data[key] if table.has(key) else default
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise table.fail(key, f"must be an array of strings or {{ text = ... }} tables, got {shown(value)}")
    if len(value) > max_items:
        raise table.fail(key, f"holds {len(value)} pieces; at most {max_items}")
    out = []
    for item in value:
        text: object
        if isinstance(item, str):
            text, extra = item, {}
        elif isinstance(item, dict):
            unknown = sorted(set(item) - {"text", *tags})
            if unknown:
                raise table.fail(
                    key, f"unknown key {shown(unknown[0])} in a piece; a piece takes text, " + ", ".join(tags)
                )
            text, extra = item.get("text"), item
        else:
            raise table.fail(key, f"must hold strings or {{ text = ... }} tables, got {shown(item)}")
        if not isinstance(text, str) or not text.strip():
            raise table.fail(key, "every piece needs a non-empty text")
        if len(text) > max_len:
            raise table.fail(key, f"{shown(text)} is longer than {max_len} characters")
        if not text_only:
            _check_text(table, key, text, slots, needs, sentence)
        out.append(_piece(table, key, text, extra, voices))
    return tuple(out)


def _check_text(table: Table, key: str, text: str, slots: set[str], needs: str, sentence: bool | None) -> None:
    problem = grammar.check(text, slots)
    if problem:
        raise table.fail(key, f"{shown(text)}: {problem}")
    if _HASHTAG.search(text):
        raise table.fail(key, f"{shown(text)} holds a hashtag; hashtags come from [hashtags] and the trend only")
    if needs and not grammar.always(text, needs):
        raise table.fail(key, f"{shown(text)}: every wording needs the {{{needs}}} placeholder")
    problem = None if sentence is None else _ending_problem(text, sentence)
    if problem:
        raise table.fail(key, problem)


def _piece(table: Table, key: str, text: str, extra: dict[str, Any], voices: dict[str, str] | None) -> Piece:
    fits = words_of(table, key, extra["fits"]) if "fits" in extra else frozenset()
    kinds = words_of(table, key, extra["kinds"]) if "kinds" in extra else frozenset()
    if kinds - set(KINDS):
        raise table.fail(key, f"unknown kind {shown(sorted(kinds - set(KINDS))[0])}; use {', '.join(KINDS)}")
    voice = extra.get("voice", "")
    if not isinstance(voice, str) or (voice and voices is not None and voice not in voices):
        known = ", ".join(voices or {}) or "none defined"
        raise table.fail(key, f"voice {shown(voice)} of {shown(text)} is not a [voices] table ({known})")
    return Piece(text, fits & set(OFFER_UNITS), fits - set(OFFER_UNITS), voice, kinds)


def words_of(table: Table, key: str, value: Any) -> frozenset[str]:
    """A tag value: words in a string, or an array of words."""
    if isinstance(value, str):
        return frozenset(value.casefold().split())
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return frozenset(w for v in value for w in v.casefold().split())
    raise table.fail(key, f'must be words in a string ("hour training") or an array of words, got {shown(value)}')


def _ending_problem(text: str, sentence: bool) -> str | None:
    """A sentence ends with . ! ? : or an emoji (never a comma running into the next clause);
    a fragment (an offer's wording) ends without one, as layouts punctuate it."""
    ends = grammar.endings(text)
    if "" in ends:
        return f"{shown(text)} can expand to nothing"
    for end in sorted(ends):
        closed = end in SENTENCE_ENDS or (len(end) == 1 and unicodedata.category(end) == "So")
        if sentence and not closed:
            return (
                f"{shown(text)} can end with {end!r}: a hook or line is a sentence of its own; end it with "
                ". ! ? or :, never a comma running into the next clause"
            )
        if not sentence and end in ".!?":
            return f"{shown(text)} ends with {end!r}: the layout punctuates an offer's wording"
    return None


def voiced(pool: tuple[Piece, ...] | list[Piece], voice: str) -> list[Piece]:
    """The pieces a voice may use: its own and the untagged ones (plain strings are untagged)."""
    return [p for p in pool if getattr(p, "voice", "") in ("", voice)]
