"""The words of a tweet in config: product, offers, angles, hooks, layouts, hashtags.

Parsed and validated with config.py's other sections (one ConfigError naming file and
key); kept apart so each module stays small. Every promotional word lives in config.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from botx_cli.confread import MISSING, Table, clip, shown
from botx_cli.errors import ConfigError

CATEGORIES = ("sports", "tech", "entertainment", "news", "calendar", "generic")
OFFER_UNITS = ("hour", "m_tokens", "month", "flat")


@dataclass(frozen=True)
class Offer:
    item: str
    price_usd: float
    unit: str


@dataclass(frozen=True)
class Angle:
    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Product:
    name: str
    url: str
    promo_code: str
    promo_lines: tuple[str, ...]  # "{code}" marks where the code goes
    description: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Content:
    offers: tuple[Offer, ...]
    offer_formats: dict[str, str]
    angles: tuple[Angle, ...]
    hooks: dict[str, tuple[str, ...]]
    layouts: tuple[str, ...]
    utm: dict[str, str]
    candidates: int  # compositions tried per post before giving up (exit 3)


@dataclass(frozen=True)
class Hashtags:
    domain: tuple[str, ...]
    max: int


def product_section(table: Table) -> Product:
    code = table.text("promo_code", max_len=64, non_empty=True)  # it goes in a 280-character tweet
    lines = table.strings("promo_lines", ("Code {code}",), max_len=200, max_items=50)
    if any("{code}" not in line for line in lines):
        raise table.fail("promo_lines", "every line needs the {code} placeholder")
    return Product(
        name=table.text("name", max_len=100, non_empty=True),
        url=table.url("url"),
        promo_code=code,
        promo_lines=lines,
        description=table.text("description", "", max_len=1000),
        keywords=table.strings("keywords", (), non_empty=False, max_len=100),
    )


def content_section(root: Table) -> Content:
    offers = tuple(_offer(t) for t in root.tables("offers"))
    if not offers:
        raise ConfigError(root.path, "[[offers]]", "at least one offer is needed (item, price_usd, unit)")
    compose = root.table("compose")
    formats = {unit: compose.table("offer_formats").text(unit, default, max_len=200) for unit, default in
               (("hour", "{item} from ${price}/hr"), ("m_tokens", "{item} at ${price}/M tokens"),
                ("month", "{item} from ${price}/month"), ("flat", "{item} for ${price}"))}
    angles = tuple(Angle(t.text("name", max_len=64, non_empty=True), t.strings("lines", max_len=280, max_items=100))
                   for t in root.tables("angles"))
    if not angles:
        raise ConfigError(root.path, "[[angles]]", "at least one marketing angle is needed (name, lines)")
    hooks_table = root.table("hooks", required=True)
    for key in hooks_table.data:
        if key not in CATEGORIES:
            raise hooks_table.fail(clip(key, 40), f"unknown hook category; use {', '.join(CATEGORIES)}")
    hooks = {c: hooks_table.strings(c, (), max_len=280) for c in CATEGORIES}
    if not hooks["generic"]:
        raise hooks_table.fail("generic", "missing; generic hooks are the fallback for every category")
    layouts = compose.strings("layouts", DEFAULT_LAYOUTS, max_len=500, max_items=50)
    for layout in layouts:
        for needed in ("{link}", "{tags}", "{promo}"):
            if needed not in layout:
                raise compose.fail("layouts", f"layout {shown(layout)} lacks {needed}")
    utm = root.table("utm")
    return Content(
        offers=offers,
        offer_formats=formats,
        angles=angles,
        hooks=hooks,
        layouts=layouts,
        utm={k: utm.text(k, d, max_len=100) for k, d in (("source", "x"), ("medium", "social"), ("campaign", "botx"))},
        candidates=compose.positive_int("candidates", 6, maximum=100),
    )


DEFAULT_LAYOUTS = (
    "{hook} {angle}\n\n{offer}. {promo}\n{link}\n\n{tags}",
    "{hook}\n\n{angle} {offer}.\n{promo} {link}\n{tags}",
    "{tags} {hook} {angle}\n{offer}. {promo}\n{link}",
)


def _offer(table: Table) -> Offer:
    price = table.number("price_usd", MISSING, 0.0, 1_000_000.0)
    if price <= 0:
        raise table.fail("price_usd", f"must be > 0, got {price}")
    return Offer(table.text("item", max_len=120, non_empty=True), price, table.choice("unit", OFFER_UNITS))


def hashtags_section(table: Table) -> Hashtags:
    domain = table.strings("domain", max_len=100, max_items=100)
    for tag in domain:
        if not re.fullmatch(r"#\w+", tag) or tag[1:].isdigit():
            raise table.fail("domain", f"{shown(tag)} is not a hashtag like #CloudGPU")
    maximum = table.positive_int("max", 2, maximum=10)
    return Hashtags(domain, maximum)
