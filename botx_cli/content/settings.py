"""What content owns in config.toml: [validation] (the checks every tweet passes) and the
[compose.llm] keys about what the model writes (tone, layout, copies, variants, examples, the
banned hype words). The connection keys of [compose.llm] belong to llm/settings.py.

Registered in botx_cli.sections, so a bad value fails at load (exit 2) like every other key.
Stdlib only: this module loads on every run.
"""

from __future__ import annotations

from dataclasses import dataclass

from botx_cli.config.core import Config, Section
from botx_cli.config.table import Table
from botx_cli.config.words import format_fields

LLM_LAYOUT = "{copy}\n\n{promo}\n{link}\n{tags}"


@dataclass(frozen=True)
class ValidationSettings:
    min_english: float
    max_caps_ratio: float
    duplicate_days: int  # the exact-duplicate check looks this far back (all accounts)
    near_duplicate_threshold: float
    near_duplicate_days: int = 7  # the near-duplicate check looks this far back (all accounts)


@dataclass(frozen=True)
class WritingSettings:
    """What the llm strategy asks of the model ([compose.llm] beyond the connection)."""

    budget_seconds: float  # all model calls of one run together; then templates
    temperature: float
    layout: str  # where botx puts the model's copy, the promo line, link and tags
    tone: str = "confident, concrete, friendly; no hype words"
    prompt_variants: tuple[str, ...] = ()  # instruction variants (experiments.py); () = the base prompt only
    copies: int = 3  # copies asked per plan (the `n` parameter, or parallel requests); the best valid one wins
    json_schema: bool = True  # ask for a JSON schema answer (response_format) where the server takes one
    max_emoji: int = 1  # emoji allowed in one copy
    hype_words: tuple[str, ...] = ()  # refused in a copy (whole words, case and hyphens folded)
    examples: tuple[str, ...] = ()  # example posts shown to the model for style (never facts)


def parse_validation(cfg: Config) -> ValidationSettings:
    table = cfg.section("validation")
    duplicate_days = table.positive_int("duplicate_days", 30, maximum=3650)
    near_days = table.positive_int("near_duplicate_days", 7, maximum=3650)
    if near_days > duplicate_days:
        raise table.fail("near_duplicate_days", f"must be <= duplicate_days ({duplicate_days})")
    return ValidationSettings(
        min_english=table.number("min_english", 0.6, 0.0, 1.0),
        max_caps_ratio=table.number("max_caps_ratio", 0.3, 0.0, 1.0),
        duplicate_days=duplicate_days,
        near_duplicate_threshold=table.number("near_duplicate_threshold", 0.8, 0.0, 1.0),
        near_duplicate_days=near_days,
    )


def parse_writing(cfg: Config) -> WritingSettings:
    llm = cfg.section("compose").table("llm")
    layout = llm.text("layout", LLM_LAYOUT, max_len=500)
    for needed in ("{copy}", "{promo}", "{link}", "{tags}"):
        if needed not in layout:
            raise llm.fail("layout", f"lacks {needed}")
    if format_fields(layout) - {"copy", "promo", "link", "tags"}:
        raise llm.fail("layout", "only {copy}, {promo}, {link} and {tags} can be used")
    return WritingSettings(
        budget_seconds=llm.number("budget_seconds", 60.0, 1.0, 600.0),
        temperature=llm.number("temperature", 0.9, 0.0, 2.0),
        layout=layout,
        tone=llm.get("tone", str, "confident, concrete, friendly; no hype words", max_len=500),
        prompt_variants=_variants(llm),
        copies=llm.int_between("copies", 3, 1, 8),
        json_schema=llm.get("json_schema", bool, True),
        max_emoji=llm.int_between("max_emoji", 1, 0, 10),
        hype_words=llm.short_strings("hype_words", DEFAULT_HYPE_WORDS, 200, 60),
        examples=llm.short_strings("examples", (), 12, 280),
    )


VALIDATION = Section(ValidationSettings, parse_validation)
WRITING = Section(WritingSettings, parse_writing)


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


def _variants(llm: Table) -> tuple[str, ...]:
    """[compose.llm] prompt_variants: a few instructions, one added to the prompt per post (the
    arms of the variant experiment). Each text is its arm's name in the database: keep them short."""
    variants = tuple(v.strip() for v in llm.strings("prompt_variants", (), non_empty=False))
    if len(set(variants)) != len(variants):
        raise llm.fail("prompt_variants", "lists the same variant twice")
    if len(variants) > 8 or any(len(v) > 300 for v in variants):
        raise llm.fail("prompt_variants", "at most 8 variants of at most 300 characters each")
    return variants
