"""The words of a tweet in config: product, offers, angles, hooks, layouts, voices, hashtags.

Parsed and validated with config.py's other sections (one ConfigError naming file and
key); kept apart so each module stays small. Every promotional word lives in config.

A piece of copy (a hook, an angle line, a proof, a question, an offer wording, a layout) is
a string, or a table saying what it fits:
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
from dataclasses import dataclass, field
from typing import Any

from botx_cli.config import grammar
from botx_cli.config.table import MISSING, Table, shown
from botx_cli.errors import ConfigError

CATEGORIES = ("sports", "tech", "entertainment", "news", "calendar", "occasion", "holiday", "generic")
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


@dataclass(frozen=True)
class Offer:
    item: str
    price_usd: float
    unit: str
    topics: frozenset[str] = frozenset()
    names: tuple[Piece, ...] = ()  # ways to say the item ("{H100 80GB|an 80GB H100}"); () = the item


@dataclass(frozen=True)
class Angle:
    name: str
    lines: tuple[Piece, ...]  # offer posts: a claim that stands next to a price
    proofs: tuple[Piece, ...] = ()  # proof posts: a figure, a how-to, product news
    questions: tuple[Piece, ...] = ()  # question posts: a question to the reader

    def pieces(self, kind: str) -> tuple[Piece, ...]:
        return {"offer": self.lines, "proof": self.proofs, "question": self.questions}[kind]


@dataclass(frozen=True)
class Product:
    name: str
    url: str
    promo_code: str
    promo_lines: tuple[Piece, ...]  # "{code}" marks where the code goes; alternatives and voices allowed
    description: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Content:
    offers: tuple[Offer, ...]
    offer_formats: dict[str, tuple[Piece, ...]]
    angles: tuple[Angle, ...]
    hooks: dict[str, tuple[Piece, ...]]
    layouts: tuple[Piece, ...]  # str.format templates tagged with the kinds (and voice) they serve
    utm: dict[str, str]
    candidates: int  # compositions tried per post before giving up (exit 3)
    kinds: dict[str, float] = field(default_factory=lambda: {"offer": 1.0, "proof": 0.0, "question": 0.0})
    link_every: int = 1  # 1 = a link in every post; 0 = never; N = one post in N per account
    promo_every: int = 1  # likewise for the promo code
    profile_lines: tuple[Piece, ...] = ()  # where a post without the link points instead
    voices: dict[str, str] = field(default_factory=dict)  # [voices.NAME] description


@dataclass(frozen=True)
class Hashtags:
    domain: tuple[str, ...]
    max: int


def product_section(table: Table) -> Product:
    code = table.text("promo_code", max_len=64, non_empty=True)  # it goes in a 280-character tweet
    lines = pieces(table, "promo_lines", ("Code {code}",), slots={"code"}, needs="code", max_len=200)
    return Product(
        name=table.text("name", max_len=100, non_empty=True),
        url=table.url("url"),
        promo_code=code,
        promo_lines=lines,
        description=table.text("description", "", max_len=1000),
        keywords=table.strings("keywords", (), non_empty=False, max_len=100),
    )


def _words(table: Table, key: str, value: Any) -> frozenset[str]:
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
    fits = _words(table, key, extra["fits"]) if "fits" in extra else frozenset()
    kinds = _words(table, key, extra["kinds"]) if "kinds" in extra else frozenset()
    if kinds - set(KINDS):
        raise table.fail(key, f"unknown kind {shown(sorted(kinds - set(KINDS))[0])}; use {', '.join(KINDS)}")
    voice = extra.get("voice", "")
    if not isinstance(voice, str) or (voice and voices is not None and voice not in voices):
        known = ", ".join(voices or {}) or "none defined"
        raise table.fail(key, f"voice {shown(voice)} of {shown(text)} is not a [voices] table ({known})")
    return Piece(text, fits & set(OFFER_UNITS), fits - set(OFFER_UNITS), voice, kinds)


def content_section(root: Table) -> Content:
    voices = _voices(root)
    offers = tuple(_offer(t) for t in root.tables("offers"))
    if not offers:
        raise ConfigError(root.path, "[[offers]]", "at least one offer is needed (item, price_usd, unit)")
    compose = root.table("compose")
    formats_table = compose.table("offer_formats")
    formats = {
        unit: pieces(
            formats_table, unit, (default,), slots={"item", "price"}, needs="price", sentence=False, voices=voices
        )
        for unit, default in DEFAULT_OFFER_FORMATS.items()
    }
    for unit, wordings in formats.items():
        if not all(grammar.always(w, "item") for w in wordings):
            raise formats_table.fail(unit, "every wording needs the {item} placeholder")
    angles = tuple(_angle(t, voices) for t in root.tables("angles"))
    if not angles:
        raise ConfigError(root.path, "[[angles]]", "at least one marketing angle is needed (name, lines)")
    hooks = _hooks(root.table("hooks", required=True), voices)
    layouts = _layouts(compose, voices)
    kinds = _kinds(compose)
    _check_coverage(root, compose, kinds, angles, layouts, voices)
    _check_fits(root, angles, offers)
    pieces(root.table("product"), "promo_lines", ("Code {code}",), slots={"code"}, needs="code", voices=voices)
    return Content(
        offers=offers,
        offer_formats=formats,
        angles=angles,
        hooks=hooks,
        layouts=layouts,
        utm=_utm(root.table("utm")),
        candidates=compose.positive_int("candidates", 6, maximum=100),
        kinds=kinds,
        link_every=compose.int_between("link_every", 1, 0, 1000),
        promo_every=compose.int_between("promo_every", 1, 0, 1000),
        profile_lines=pieces(compose, "profile_lines", (), sentence=True, voices=voices),
        voices=voices,
    )


DEFAULT_OFFER_FORMATS = {
    "hour": "{item} from ${price}/hr",
    "m_tokens": "{item} at ${price}/M tokens",
    "month": "{item} from ${price}/month",
    "flat": "{item} for ${price}",
}
DEFAULT_LAYOUTS = (
    "{hook} {angle}\n\n{offer}. {promo}\n{link}\n\n{tags}",
    "{hook}\n\n{angle} {offer}.\n{promo} {link}\n{tags}",
    "{angle} {offer}.\n{promo}\n{link}\n{tags}",
)


def _voices(root: Table) -> dict[str, str]:
    """[voices.NAME] description: how that voice writes. Accounts choose one with `voice`."""
    table = root.table("voices")
    voices = {}
    for name in table.data:
        sub = table.table(name)
        unknown = sorted(set(sub.data) - {"description"})
        if unknown:
            raise sub.fail(unknown[0], "unknown key; a voice takes description")
        voices[name] = sub.get("description", str, "")
    accounts = root.table("accounts")
    for name, value in accounts.data.items():
        voice = value.get("voice", "") if isinstance(value, dict) else ""
        if isinstance(voice, str) and voice and voice not in voices:
            known = ", ".join(voices) or "none: add a [voices.NAME] table"
            raise ConfigError(
                root.path, f"[accounts.{name}] voice", f"{shown(voice)} is not a [voices] table ({known})"
            )
    return voices


def voice_of(voice: object, voices: dict[str, str]) -> str:
    """The voice an account writes in: its own, else the first [voices] table, else "" (untagged pieces)."""
    return voice if isinstance(voice, str) and voice else next(iter(voices), "")


def _angle(table: Table, voices: dict[str, str]) -> Angle:
    return Angle(
        table.get("name", str),
        pieces(table, "lines", sentence=True, voices=voices),
        pieces(table, "proofs", (), sentence=True, voices=voices),
        pieces(table, "questions", (), sentence=True, voices=voices),
    )


def _hooks(table: Table, voices: dict[str, str]) -> dict[str, tuple[Piece, ...]]:
    """Hooks per trend category. Outside `generic` a hook rides a trend, so it names it: every
    wording holds {trend}. `holiday` hooks (greetings) serve only occasions marked holiday."""
    for key in table.data:
        if key not in CATEGORIES:
            raise table.fail(key, f"unknown hook category; use {', '.join(CATEGORIES)}")
    hooks = {
        c: pieces(
            table,
            c,
            (),
            slots={"trend"},
            needs="" if c == "generic" else "trend",
            sentence=True,
            voices=voices,
            tags=("fits", "voice", "kinds"),
        )
        for c in CATEGORIES
    }
    if not any(not grammar.always(h, "trend") for h in hooks["generic"]):
        raise table.fail("generic", "missing; generic hooks without {trend} open the posts that ride no trend")
    return hooks


def _layouts(compose: Table, voices: dict[str, str]) -> tuple[Piece, ...]:
    """[compose] layouts: str.format templates over {hook} {angle} {offer} {promo} {link} {tags}.
    A layout with {offer} serves offer posts, one without serves proof and question posts
    (a `kinds` tag may narrow that). None starts with the hashtags."""
    layouts = []
    for layout in pieces(compose, "layouts", DEFAULT_LAYOUTS, voices=voices, tags=("voice", "kinds"), text_only=True):
        for needed in ("{link}", "{tags}", "{promo}"):
            if needed not in layout:
                raise compose.fail("layouts", f"layout {shown(layout)} lacks {needed}")
        if layout.lstrip().startswith(("{tags}", "#", "＃")):
            raise compose.fail("layouts", f"layout {shown(layout)} starts with hashtags; put {{tags}} after the words")
        priced = "{offer}" in layout
        kinds = layout.kinds or frozenset({"offer"} if priced else {"proof", "question"})
        if priced != (kinds == {"offer"}):
            raise compose.fail("layouts", f"layout {shown(layout)}: only offer posts carry {{offer}}, and they need it")
        layouts.append(Piece(str(layout), voice=layout.voice, kinds=kinds))
    return tuple(layouts)


def _kinds(compose: Table) -> dict[str, float]:
    """[compose.kinds]: the share of each kind of post; `offer` is the share of hard promotion."""
    table = compose.table("kinds")
    for key in table.data:
        if key not in KINDS:
            raise table.fail(key, f"unknown kind of post; use {', '.join(KINDS)}")
    weights = {kind: table.number(kind, 1.0 if kind == "offer" else 0.0, 0.0, 1000.0) for kind in KINDS}
    total = sum(weights.values())
    if total <= 0:
        raise table.fail("offer", "every share is 0; give at least one kind of post a share")
    return {kind: weight / total for kind, weight in weights.items()}


def _check_coverage(
    root: Table,
    compose: Table,
    kinds: dict[str, float],
    angles: tuple[Angle, ...],
    layouts: tuple[Piece, ...],
    voices: dict[str, str],
) -> None:
    """Every kind with a share has lines and a layout for every voice an account writes in."""
    accounts = root.table("accounts").data
    used = {voice_of(v.get("voice", ""), voices) for v in accounts.values() if isinstance(v, dict)} or {""}
    for kind, share in kinds.items():
        if not share:
            continue
        for voice in sorted(v for v in used if isinstance(v, str)):
            who = f" for voice {shown(voice)}" if voice else ""
            if not any(kind in layout.kinds and layout.voice in ("", voice) for layout in layouts):
                raise compose.fail(
                    "layouts", f"no layout serves {kind} posts{who} ([compose.kinds] gives them a share)"
                )
            if not any(p.voice in ("", voice) for angle in angles for p in angle.pieces(kind)):
                key = {"offer": "lines", "proof": "proofs", "question": "questions"}[kind]
                raise ConfigError(
                    root.path, f"[[angles]] {key}", f"no angle has {key}{who}, and [compose.kinds] {kind} has a share"
                )


def _check_fits(root: Table, angles: tuple[Angle, ...], offers: tuple[Offer, ...]) -> None:
    """Every offer line stands next to at least one offer (its units and topics allow one)."""
    from botx_cli.content.wording import compatible

    for table, angle in zip(root.tables("angles"), angles):
        for line in angle.lines:
            if not any(compatible([line], offer) for offer in offers):
                raise table.fail(
                    "lines",
                    f"{shown(line)} fits no offer (units {sorted(line.units) or 'any'}, topics "
                    f"{sorted(line.topics) or 'any'}); fix its fits or add an offer",
                )


def _utm(table: Table) -> dict[str, str]:
    utm = {}
    for key, default in (("source", "x"), ("medium", "social"), ("campaign", "botx")):
        value = table.get(key, str, default).strip()
        if not value or value.casefold() == "none":
            raise table.fail(key, f"{shown(value)} tells analytics nothing; give it a name")
        utm[key] = value
    return utm


def _offer(table: Table) -> Offer:
    price = table.number("price_usd", MISSING, 0.0, 1_000_000.0)
    if price <= 0:
        raise table.fail("price_usd", f"must be > 0, got {price}")
    topics = _words(table, "fits", table.data["fits"]) if table.has("fits") else frozenset()
    if topics & set(OFFER_UNITS):
        raise table.fail("fits", "an offer's unit goes in `unit`; fits names its topics")
    return Offer(
        table.text("item", max_len=120, non_empty=True),
        price,
        table.choice("unit", OFFER_UNITS),
        topics,
        pieces(table, "names", (), sentence=False),
    )


def hashtags_section(table: Table) -> Hashtags:
    domain = table.strings("domain", max_len=100, max_items=100)
    for tag in domain:
        if not re.fullmatch(r"#\w+", tag) or tag[1:].isdigit():
            raise table.fail("domain", f"{shown(tag)} is not a hashtag like #CloudGPU")
    maximum = table.positive_int("max", 2, maximum=10)
    return Hashtags(domain, maximum)
