"""Config keys owned by the content subsystem, parsed through `Config.section`.

Registered in config.SECTION_PARSERS, so a bad value fails `load_config` up front (exit 2)
like every other key. Stdlib only: this module loads on every run.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from botx_cli.config.core import Config
from botx_cli.config.table import Table, clip, shown

LLM_LAYOUT = "{copy}\n\n{promo}\n{link}\n{tags}"
LAYOUT_FIELDS = ("hook", "angle", "offer", "promo", "link", "tags")


@dataclass(frozen=True)
class LlmSettings:
    max_retries: int  # HTTP retries inside the openai client (429, 5xx, connection)
    budget_seconds: float  # all model calls of one run together; then templates
    temperature: float
    layout: str  # where botx puts the model's copy, the promo line, link and tags
    prompt_variants: tuple[str, ...] = ()  # instruction variants (experiments.py); () = the base prompt only
    copies: int = 3  # copies asked per plan (the `n` parameter, or parallel requests); the best valid one wins
    json_schema: bool = True  # ask for a JSON schema answer (response_format) where the server takes one
    input_price_per_m_tokens: float = 0.15  # USD per million prompt tokens (gpt-4o-mini, 2026)
    output_price_per_m_tokens: float = 0.60  # USD per million completion tokens
    max_emoji: int = 1  # emoji allowed in one copy
    hype_words: tuple[str, ...] = ()  # refused in a copy (whole words, case and hyphens folded)
    examples: tuple[str, ...] = ()  # example posts shown to the model for style (never facts)


@dataclass(frozen=True)
class ProductFacts:
    """What the model may say about the product beyond offers and description ([product])."""

    audience: str = ""  # who the posts speak to
    does: tuple[str, ...] = ()  # what the product does, one fact a line
    does_not: tuple[str, ...] = ()  # what it does not do: never claimed
    competitors: tuple[str, ...] = ()  # never named in a copy


@dataclass(frozen=True)
class ContentSettings:
    about: dict[str, str]  # domain tag -> words describing it, for the TF-IDF affinity
    llm: LlmSettings
    near_duplicate_days: int  # the near-duplicate check looks this far back (all accounts)
    facts: ProductFacts = ProductFacts()


def _fields(layout: str) -> set[str]:
    try:
        return {name for _text, name, _spec, _conv in string.Formatter().parse(layout) if name is not None}
    except ValueError:  # a lone brace
        return {"}"}


def parse(cfg: Config) -> ContentSettings:
    hashtags = cfg.section("hashtags").table("about")
    domain = {t.casefold(): t for t in cfg.hashtags.domain}
    about = {}
    for key in hashtags.data:
        tag = domain.get("#" + key.lstrip("#").casefold())
        if tag is None:
            raise hashtags.fail(clip(key, 40), f"not one of [hashtags] domain ({', '.join(cfg.hashtags.domain)})")
        about[tag] = hashtags.text(key, max_len=1000)
    compose = cfg.section("compose")
    for layout in cfg.content.layouts:
        unknown = _fields(layout) - set(LAYOUT_FIELDS)
        if unknown:
            raise compose.fail(
                "layouts",
                f"layout {shown(layout)} uses {{{sorted(unknown)[0]}}}; known: "
                + ", ".join(f"{{{f}}}" for f in LAYOUT_FIELDS),
            )
    llm = compose.table("llm")
    layout = llm.text("layout", LLM_LAYOUT, max_len=500)
    for needed in ("{copy}", "{promo}", "{link}", "{tags}"):
        if needed not in layout:
            raise llm.fail("layout", f"lacks {needed}")
    if _fields(layout) - {"copy", "promo", "link", "tags"}:
        raise llm.fail("layout", "only {copy}, {promo}, {link} and {tags} can be used")
    settings = _llm(llm, layout)
    validation = cfg.section("validation")
    near_days = validation.positive_int("near_duplicate_days", 7, maximum=3650)
    if near_days > cfg.validation.duplicate_days:
        raise validation.fail("near_duplicate_days", f"must be <= duplicate_days ({cfg.validation.duplicate_days})")
    return ContentSettings(about, settings, near_days, _facts(cfg.section("product")))


DEFAULT_HYPE_WORDS = (
    "revolutionary",
    "revolutionize",
    "game changer",
    "game-changing",
    "groundbreaking",
    "cutting-edge",
    "next-level",
    "mind-blowing",
    "insane",
    "insanely",
    "unbelievable",
    "unmatched",
    "unparalleled",
    "unprecedented",
    "world-class",
    "best-in-class",
    "ultimate",
    "supercharge",
    "skyrocket",
    "unleash",
    "blazing",
    "lightning-fast",
    "disrupt",
    "disruptive",
    "magic",
    "magical",
    "epic",
    "crazy",
)


def _llm(llm: Table, layout: str) -> LlmSettings:
    return LlmSettings(
        max_retries=int(llm.number("max_retries", 1, 0, 3)),
        budget_seconds=llm.number("budget_seconds", 60.0, 1.0, 600.0),
        temperature=llm.number("temperature", 0.9, 0.0, 2.0),
        layout=layout,
        prompt_variants=_variants(llm),
        copies=llm.int_between("copies", 3, 1, 8),
        json_schema=llm.get("json_schema", bool, True),
        input_price_per_m_tokens=llm.number("input_price_per_m_tokens", 0.15, 0.0, 1000.0),
        output_price_per_m_tokens=llm.number("output_price_per_m_tokens", 0.60, 0.0, 1000.0),
        max_emoji=llm.int_between("max_emoji", 1, 0, 10),
        hype_words=_short_strings(llm, "hype_words", DEFAULT_HYPE_WORDS, 200, 60),
        examples=_short_strings(llm, "examples", (), 12, 280),
    )


def _facts(product: Table) -> ProductFacts:
    """[product] audience, does, does_not, competitors: the model's fact sheet beyond the offers."""
    audience = product.get("audience", str, "").strip()
    if len(audience) > 300:
        raise product.fail("audience", "at most 300 characters")
    return ProductFacts(
        audience,
        _short_strings(product, "does", (), 20, 200),
        _short_strings(product, "does_not", (), 20, 200),
        _short_strings(product, "competitors", (), 50, 60),
    )


def _short_strings(table: Table, key: str, default: tuple[str, ...], most: int, longest: int) -> tuple[str, ...]:
    values = tuple(v.strip() for v in table.strings(key, default, non_empty=False))
    if len(values) > most or any(len(v) > longest for v in values):
        raise table.fail(key, f"at most {most} entries of at most {longest} characters each")
    return values


def _variants(llm: Table) -> tuple[str, ...]:
    """[compose.llm] prompt_variants: a few instructions, one added to the prompt per post (the
    arms of the variant experiment). Each text is its arm's name in the database: keep them short."""
    variants = tuple(v.strip() for v in llm.strings("prompt_variants", (), non_empty=False))
    if len(set(variants)) != len(variants):
        raise llm.fail("prompt_variants", "lists the same variant twice")
    if len(variants) > 8 or any(len(v) > 300 for v in variants):
        raise llm.fail("prompt_variants", "at most 8 variants of at most 300 characters each")
    return variants


_parsed: dict[int, tuple[Config, ContentSettings]] = {}


def settings(cfg: Config) -> ContentSettings:
    """Parsed once per Config object (Config holds dicts and is unhashable: keyed by identity,
    the Config kept alive beside its settings so the id cannot be reused)."""
    hit = _parsed.get(id(cfg))
    if hit is None or hit[0] is not cfg:
        if len(_parsed) > 16:
            _parsed.clear()
        hit = _parsed[id(cfg)] = (cfg, parse(cfg))
    return hit[1]
