"""The alternatives grammar of config copy (botx_cli/grammar.py), as properties, and its
load-time errors through the real CLI (exit 2, one line naming the key)."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest
from conftest import botx, make_config
from hypothesis import given, settings
from hypothesis import strategies as st

from botx_cli.config import grammar
from botx_cli.config.pieces import Piece, pieces
from botx_cli.config.table import Table
from botx_cli.errors import ConfigError

lenient = settings(deadline=None, max_examples=300)

WORD = st.text(st.sampled_from("abcdefgh xyz,.'$%-"), min_size=1, max_size=8)
SLOT = st.sampled_from(["trend", "code", "item"])


def _node(children: st.SearchStrategy) -> st.SearchStrategy:  # type: ignore[type-arg]
    """A sequence of parts: (source text, every expansion it can give)."""

    def seq(parts: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
        text = "".join(p[0] for p in parts)
        return text, ["".join(combo) for combo in itertools.product(*(p[1] for p in parts))]

    def group(alternatives: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
        return "{" + "|".join(a[0] for a in alternatives) + "}", [e for a in alternatives for e in a[1]]

    part = st.one_of(
        WORD.map(lambda w: (w, [w])),
        SLOT.map(lambda s: ("{" + s + "}", ["{" + s + "}"])),
        st.lists(children, min_size=2, max_size=3).map(group),
    )
    return st.lists(part, min_size=1, max_size=4).map(seq)


LINES = st.recursive(WORD.map(lambda w: (w, [w])), _node, max_leaves=10)


def tidy(text: str) -> str:
    return grammar._tidy(text)


@pytest.mark.slow
@lenient
@given(LINES, st.randoms())
def test_every_expansion_is_one_the_line_can_give(line: tuple[str, list[str]], rnd: random.Random) -> None:
    text, expansions = line
    assert grammar.check(text, {"trend", "code", "item"}) is None
    possible = {tidy(e) for e in expansions}
    for _ in range(5):
        assert grammar.expand(text, rnd) in possible
    assert grammar.first(text) == tidy(expansions[0])
    assert grammar.count(text) == len(expansions)
    pattern = re.compile(grammar.pattern(text, {}))
    assert all(pattern.fullmatch(e) for e in possible if "{" not in e)  # a placeholder matches any text


@pytest.mark.slow
@lenient
@given(LINES)
def test_expansion_is_deterministic_per_seed(line: tuple[str, list[str]]) -> None:
    text, _ = line
    assert grammar.expand(text, random.Random("A|slot")) == grammar.expand(text, random.Random("A|slot"))


@pytest.mark.slow
@lenient
@given(LINES, st.integers(0, 100), st.sampled_from(["{", "}", "|"]))
def test_a_stray_brace_or_bar_is_named_never_raised(line: tuple[str, list[str]], where: int, stray: str) -> None:
    text, _ = line
    broken = text[: where % (len(text) + 1)] + stray + text[where % (len(text) + 1) :]
    problem = grammar.check(broken, {"trend", "code", "item"})
    if problem is not None:
        assert "character" in problem or "placeholder" in problem or "alternative" in problem
    grammar.expand(broken, random.Random(1))  # never raises: an unparsable line stays as written
    grammar.endings(text)


@lenient
@given(st.text(max_size=60))
def test_any_text_is_checked_without_raising(text: str) -> None:
    problem = grammar.check(text, set())
    assert problem is None or isinstance(problem, str)
    grammar.expand(text, random.Random(0))
    grammar.count(text)


def test_the_grammar_by_example() -> None:
    line = "{Pay {only |}by the second|Get billed per second}, {really |}fast."
    assert grammar.count(line) == 6
    assert {grammar.expand(line, random.Random(i)) for i in range(200)} == {
        "Pay only by the second, really fast.",
        "Pay only by the second, fast.",
        "Pay by the second, really fast.",
        "Pay by the second, fast.",
        "Get billed per second, really fast.",
        "Get billed per second, fast.",
    }
    assert grammar.check("{Pay|Get billed", set()) == "'{' at character 1 is never closed"
    assert "closes no" in str(grammar.check("Pay}", set()))
    assert "outside" in str(grammar.check("Pay|Get", set()))
    assert "one alternative" in str(grammar.check("{}", set()))
    assert "unknown placeholder {fast}" in str(grammar.check("{fast}", {"trend"}))
    assert grammar.endings("While everyone watches {trend},") == {","}
    assert grammar.always("Happy {trend}!", "trend") and not grammar.always("{Happy {trend}|Hello}!", "trend")


@pytest.mark.parametrize(
    ("section", "old", "new", "named"),
    [
        ("hooks", '"Shipping a model this {week|month}?"', '"Shipping a model this {week|month?"', "[hooks] generic"),
        ("angles", '"{Pay|Get billed} by the second: ', '"{Pay|Get billed by the second: ', "[angles#1] lines"),
        ("product", '"{Code|Promo code} {code} takes', '"{Code|Promo code {code} takes', "[product] promo_lines"),
        (
            "hooks",
            '"While fans follow {trend}, builders keep shipping."',
            '"While fans follow {trend},"',
            "[hooks] sports",
        ),
        ("hooks", '"{trend} has the spotlight today."', '"Big game energy for your models."', "[hooks] entertainment"),
        ("angles", '"Fast cold starts, fast tokens."', '"Fast cold starts, #fast tokens."', "[angles#2] lines"),
        (
            "compose",
            '"{hook} {angle}\\n\\n{offer}. {promo}\\n{link}\\n\\n{tags}",',
            '"{tags} {hook} {angle}\\n\\n{offer}. {promo}\\n{link}",',
            "[compose] layouts",
        ),
        ("compose", '"{item} from ${price}/hr",', '"{item} from ${price}/hr.",', "[compose.offer_formats] hour"),
        ("accounts", 'voice = "engineer"', 'voice = "poet"', "[accounts.B] voice"),
        (
            "angles",
            'fits = "m_tokens", voice = "brand" },\n  { text = "Per-token',
            'fits = "month", voice = "brand" },\n  { text = "Per-token',
            "[angles#1] lines",
        ),
        ("utm", 'campaign = "botx"', 'campaign = "none"', "[utm] campaign"),
    ],
)
def test_bad_copy_config_is_exit_2_naming_the_key(tmp_path: Path, section: str, old: str, new: str, named: str) -> None:
    config = make_config(tmp_path)
    text = config.read_text(encoding="utf-8")
    assert old in text, old
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = botx("--config", str(config), "cron")
    assert run.code == 2 and len(run.err.splitlines()) == 1 and named in run.err, run.err
    assert "Traceback" not in run.err


@settings(deadline=None, max_examples=300)
@given(
    st.recursive(
        st.one_of(st.text(max_size=30), st.integers(), st.booleans(), st.none()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.sampled_from(["text", "fits", "voice", "kinds", "x"]), inner, max_size=4),
        ),
        max_leaves=10,
    ).filter(lambda v: v is not None)
)
def test_any_piece_value_is_read_or_named(value: object) -> None:
    """What an operator may put where copy goes: pieces, or one ConfigError naming the key."""
    table = Table(Path("config.toml"), {"generic": value}, "hooks")
    try:
        found = pieces(
            table, "generic", slots={"trend"}, sentence=True, voices={"brand": ""}, tags=("fits", "voice", "kinds")
        )
    except ConfigError as err:
        assert "[hooks] generic" in str(err)
        return
    assert all(isinstance(p, Piece) and grammar.check(p, {"trend"}) is None for p in found)
