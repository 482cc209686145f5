"""The words of a tweet in config: product, offers, angles, hooks, layouts, hashtags.

Parsed and validated with config.py's other sections (one ConfigError naming file and
key); kept apart so each module stays small. Every promotional word lives in config.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from botx_cli.confread import Table
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
    code = table.get("promo_code", str)
    lines = table.strings("promo_lines", ("Code {code}",))
    if any("{code}" not in line for line in lines):
        raise table.fail("promo_lines", "every line needs the {code} placeholder")
    return Product(
        name=table.get("name", str),
        url=table.url("url"),
        promo_code=code,
        promo_lines=lines,
        description=table.get("description", str, ""),
        keywords=table.strings("keywords", (), non_empty=False),
    )


def content_section(root: Table) -> Content:
    offers = tuple(_offer(t) for t in root.tables("offers"))
    if not offers:
        raise ConfigError(root.path, "[[offers]]", "at least one offer is needed (item, price_usd, unit)")
    compose = root.table("compose")
    formats = {unit: compose.table("offer_formats").get(unit, str, default) for unit, default in
               (("hour", "{item} from ${price}/hr"), ("m_tokens", "{item} at ${price}/M tokens"),
                ("month", "{item} from ${price}/month"), ("flat", "{item} for ${price}"))}
    angles = tuple(Angle(t.get("name", str), t.strings("lines")) for t in root.tables("angles"))
    if not angles:
        raise ConfigError(root.path, "[[angles]]", "at least one marketing angle is needed (name, lines)")
    hooks_table = root.table("hooks", required=True)
    for key in hooks_table.data:
        if key not in CATEGORIES:
            raise hooks_table.fail(key, f"unknown hook category; use {', '.join(CATEGORIES)}")
    hooks = {c: hooks_table.strings(c, ()) for c in CATEGORIES}
    if not hooks["generic"]:
        raise hooks_table.fail("generic", "missing; generic hooks are the fallback for every category")
    layouts = compose.strings("layouts", DEFAULT_LAYOUTS)
    for layout in layouts:
        for needed in ("{link}", "{tags}", "{promo}"):
            if needed not in layout:
                raise compose.fail("layouts", f"layout {layout!r} lacks {needed}")
    utm = root.table("utm")
    return Content(
        offers=offers,
        offer_formats=formats,
        angles=angles,
        hooks=hooks,
        layouts=layouts,
        utm={k: utm.get(k, str, d) for k, d in (("source", "x"), ("medium", "social"), ("campaign", "botx"))},
        candidates=compose.positive_int("candidates", 6),
    )


DEFAULT_LAYOUTS = (
    "{hook} {angle}\n\n{offer}. {promo}\n{link}\n\n{tags}",
    "{hook}\n\n{angle} {offer}.\n{promo} {link}\n{tags}",
    "{tags} {hook} {angle}\n{offer}. {promo}\n{link}",
)


def _offer(table: Table) -> Offer:
    price = table.get("price_usd", float)
    if price <= 0:
        raise table.fail("price_usd", f"must be > 0, got {price}")
    return Offer(table.get("item", str), price, table.choice("unit", OFFER_UNITS))


def hashtags_section(table: Table) -> Hashtags:
    domain = table.strings("domain")
    for tag in domain:
        if not re.fullmatch(r"#\w+", tag) or tag[1:].isdigit():
            raise table.fail("domain", f"{tag!r} is not a hashtag like #CloudGPU")
    maximum = table.positive_int("max", 2)
    return Hashtags(domain, maximum)
