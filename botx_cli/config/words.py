"""The words of a tweet in config: product, offers, angles, hooks, layouts, voices, hashtags.

Parsed and validated with the core (one ConfigError naming file and key); every promotional
word lives in config. Each piece of copy is a config.pieces.Piece (what it fits, its voice);
`compatible` says which pieces may stand together, `offer_wording` how an offer is said.
Trends (relevance, occasions, affinities) and content both read these: they sit in config.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field

from botx_cli.config import grammar
from botx_cli.config.pieces import KINDS, OFFER_UNITS, Piece, pieces, voiced, words_of
from botx_cli.config.table import MISSING, Table, clip, shown
from botx_cli.errors import ConfigError

CATEGORIES = ("sports", "tech", "entertainment", "news", "calendar", "occasion", "holiday", "generic")
LAYOUT_FIELDS = ("hook", "angle", "offer", "promo", "link", "tags")


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
class ProductFacts:
    """What the model may say about the product beyond offers and description ([product])."""

    audience: str = ""  # who the posts speak to
    does: tuple[str, ...] = ()  # what the product does, one fact a line
    does_not: tuple[str, ...] = ()  # what it does not do: never claimed
    competitors: tuple[str, ...] = ()  # never named in a copy


@dataclass(frozen=True)
class Product:
    name: str
    url: str
    promo_code: str
    promo_lines: tuple[Piece, ...]  # "{code}" marks where the code goes; alternatives and voices allowed
    description: str
    keywords: tuple[str, ...]
    facts: ProductFacts = ProductFacts()


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
    about: dict[str, str] = field(default_factory=dict)  # [hashtags.about]: domain tag -> words describing it


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
        facts=_facts(table),
    )


def _facts(product: Table) -> ProductFacts:
    """[product] audience, does, does_not, competitors: the model's fact sheet beyond the offers."""
    audience = product.get("audience", str, "").strip()
    if len(audience) > 300:
        raise product.fail("audience", "at most 300 characters")
    return ProductFacts(
        audience,
        product.short_strings("does", (), 20, 200),
        product.short_strings("does_not", (), 20, 200),
        product.short_strings("competitors", (), 50, 60),
    )


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
        unknown = format_fields(layout) - set(LAYOUT_FIELDS)
        if unknown:
            raise compose.fail(
                "layouts",
                f"layout {shown(layout)} uses {{{sorted(unknown)[0]}}}; known: "
                + ", ".join(f"{{{f}}}" for f in LAYOUT_FIELDS),
            )
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
    topics = words_of(table, "fits", table.data["fits"]) if table.has("fits") else frozenset()
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
    return Hashtags(domain, maximum, _about(table.table("about"), domain))


def _about(table: Table, domain: tuple[str, ...]) -> dict[str, str]:
    """[hashtags.about]: words describing each domain tag (the TF-IDF affinities read them)."""
    tags = {t.casefold(): t for t in domain}
    about = {}
    for key in table.data:
        tag = tags.get("#" + key.lstrip("#").casefold())
        if tag is None:
            raise table.fail(clip(key, 40), f"not one of [hashtags] domain ({', '.join(domain)})")
        about[tag] = table.text(key, max_len=1000)
    return about


def format_fields(template: str) -> set[str]:
    """The {names} a str.format template uses ("}" for a lone brace)."""
    try:
        return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None}
    except ValueError:  # a lone brace
        return {"}"}


def compatible(pieces: list[Piece], offer: Offer | None = None) -> bool:
    """Pieces fit together: each one's units allow the offer's unit, and every two pieces
    (the offer among them) that name topics share one."""
    if offer is not None and any(p.units and offer.unit not in p.units for p in pieces):
        return False
    topics = [p.topics for p in pieces if p.topics]
    if offer is not None and offer.topics:
        topics.append(offer.topics)
    return all(a & b for i, a in enumerate(topics) for b in topics[i + 1 :])


def price_text(price: float) -> str:
    return f"{price:.2f}".rstrip("0").rstrip(".") if price >= 10 else f"{price:.2f}"


def offer_wording(content: Content, index: int, voice: str, rng: random.Random | None = None) -> str:
    """An offer worded for its unit ("H100 80GB from $2.10/hr"); without rng the canonical
    wording: the first format and every first alternative."""
    offer = content.offers[index]
    formats = voiced(content.offer_formats[offer.unit], voice) or list(content.offer_formats[offer.unit])
    names = voiced(offer.names, voice) or [Piece(offer.item)]
    if rng is None:
        return grammar.first(formats[0]).format(item=grammar.first(names[0]), price=price_text(offer.price_usd))
    form, name = formats[rng.randrange(len(formats))], names[rng.randrange(len(names))]
    return grammar.expand(form, rng).format(item=grammar.expand(name, rng), price=price_text(offer.price_usd))


def offer_text(content: Content, index: int) -> str:
    """The offer's canonical wording ("H100 80GB from $2.10/hr"): the fact the copy states."""
    return offer_wording(content, index, "")
