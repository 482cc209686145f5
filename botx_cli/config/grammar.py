"""Alternatives inside a config line: "{Pay|Get billed} by the second".

The syntax, for people who write copy:
- `{a|b|c}` picks one alternative; alternatives nest: "{Pay {only |}by the second|Get billed per second}";
- an empty alternative makes a part optional: "{really |}fast";
- `{name}` without a bar is a placeholder filled later (`{trend}`, `{code}`, `{item}`, `{price}`): each
  config key says which placeholders it takes.
Unbalanced braces, a bar outside braces, a group with one alternative ("{fast}") or an unknown
placeholder is a config error (exit 2) naming the key, found when the config loads.

Expansion is deterministic: it draws from the random.Random it is handed, which composition
seeds per slot, so preview shows exactly what post sends. Stdlib only (loads on every run);
parsing is cached per text.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable
from typing import Union

_TOKEN = re.compile(r"\{[A-Za-z_]\w*\}|[{}|]|[^{}|]+")


class GrammarError(ValueError):
    """A line that does not parse; the message says where and how to fix it."""


class Slot(str):
    """A placeholder's name ("trend" for `{trend}`), kept as `{trend}` in the expansion."""


Part = Union[str, Slot, "Choice"]
Seq = tuple[Part, ...]


class Choice(tuple):  # type: ignore[type-arg]
    """The alternatives of one `{...|...}` group, each a Seq."""


def _parse(text: str) -> Seq:
    tokens = _TOKEN.findall(text)
    offsets, at = [], 0
    for token in tokens:
        offsets.append(at)
        at += len(token)
    stack: list[tuple[list[Seq], list[Part], int]] = []  # enclosing groups: (alternatives, current seq, offset)
    alternatives: list[Seq] = []
    current: list[Part] = []
    for token, offset in zip(tokens, offsets):
        if len(token) > 2 and token[0] == "{" and token[-1] == "}":
            current.append(Slot(token[1:-1]))
        elif token == "{":
            stack.append((alternatives, current, offset))
            alternatives, current = [], []
        elif token == "|":
            if not stack:
                raise GrammarError(
                    f"'|' at character {offset + 1} is outside {{...}}; alternatives go inside braces: {{a|b}}"
                )
            alternatives.append(tuple(current))
            current = []
        elif token == "}":
            if not stack:
                raise GrammarError(f"'}}' at character {offset + 1} closes no '{{'")
            alternatives.append(tuple(current))
            if len(alternatives) < 2:
                raise GrammarError(
                    f"the group at character {stack[-1][2] + 1} has one alternative; write "
                    "{a|b}, or {a|} for an optional part"
                )
            group = Choice(alternatives)
            alternatives, current, _start = stack.pop()
            current.append(group)
        else:
            current.append(token)
    if stack:
        raise GrammarError(f"'{{' at character {stack[-1][2] + 1} is never closed")
    return tuple(current)


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Seq:
    """The tree of a line; GrammarError when it does not parse."""
    return _parse(text)


def check(text: str, placeholders: frozenset[str] | set[str] = frozenset()) -> str | None:
    """Why `text` is not a valid line taking these placeholders; None when it is."""
    try:
        tree = parse(text)
    except GrammarError as err:
        return str(err)
    unknown = sorted(slots(tree) - set(placeholders))
    if unknown:
        allowed = ", ".join(f"{{{p}}}" for p in sorted(placeholders)) or "none"
        return f"unknown placeholder {{{unknown[0]}}} (this key takes: {allowed})"
    return None


def slots(tree: Seq) -> set[str]:
    found: set[str] = set()
    for part in tree:
        if isinstance(part, Slot):
            found.add(str(part))
        elif isinstance(part, Choice):
            for alternative in part:
                found |= slots(alternative)
    return found


def _tidy(text: str) -> str:
    """Spacing an optional part leaves behind: doubled spaces, a space before punctuation."""
    text = re.sub(r"[ \t]{2,}", " ", text)
    return re.sub(r"[ \t]+([,.!?:;])", r"\1", text).strip()


def _walk(tree: Seq, pick: Callable[[Choice], Seq]) -> str:
    out: list[str] = []
    for part in tree:
        if isinstance(part, Slot):
            out.append("{" + part + "}")
        elif isinstance(part, Choice):
            out.append(_walk(pick(part), pick))
        else:
            out.append(part)
    return "".join(out)


def expand(text: str, rng: random.Random) -> str:
    """One expansion, each group's alternative drawn from `rng`; placeholders stay `{name}`.
    A line that does not parse (config validates every key, so only text from elsewhere) is
    returned as written."""
    try:
        tree = parse(text)
    except GrammarError:
        return text
    return _tidy(_walk(tree, lambda choice: choice[rng.randrange(len(choice))]))


def first(text: str) -> str:
    """The expansion taking every group's first alternative: the canonical wording."""
    try:
        tree = parse(text)
    except GrammarError:
        return text
    return _tidy(_walk(tree, lambda choice: choice[0]))


def expansions(text: str, limit: int = 64) -> list[str]:
    """Every expansion of `text` (placeholders kept), in order, or [] when it has more than `limit`."""
    if count(text) > limit:
        return []

    def seq(tree: Seq) -> list[str]:
        out = [""]
        for part in tree:
            if isinstance(part, Slot):
                options = ["{" + part + "}"]
            elif isinstance(part, Choice):
                options = [e for alternative in part for e in seq(alternative)]
            else:
                options = [part]
            out = [head + tail for head in out for tail in options]
        return out

    try:
        return list(dict.fromkeys(_tidy(e) for e in seq(parse(text))))
    except GrammarError:
        return [text]


def count(text: str) -> int:
    """How many expansions the line has (alternatives that spell the same count twice)."""

    def seq(tree: Seq) -> int:
        total = 1
        for part in tree:
            if isinstance(part, Choice):
                total *= sum(seq(alternative) for alternative in part)
        return total

    try:
        return seq(parse(text))
    except GrammarError:
        return 1


def always(text: str, name: str) -> bool:
    """Whether every expansion of `text` holds the placeholder `{name}`."""

    def seq(tree: Seq) -> bool:
        return any(
            part == name
            if isinstance(part, Slot)
            else isinstance(part, Choice) and all(seq(alternative) for alternative in part)
            for part in tree
        )

    try:
        return seq(parse(text))
    except GrammarError:
        return False


def endings(text: str) -> set[str]:
    """The last visible character each expansion can end with ("" when it can be empty;
    "{name}" when it ends with a placeholder): how a hook is checked for a dangling comma."""

    def seq(tree: Seq) -> set[str]:
        found: set[str] = set()
        for part in reversed(tree):
            if isinstance(part, Slot):
                return found | {"{" + part + "}"}
            if isinstance(part, Choice):
                ends = set().union(*(seq(alternative) for alternative in part))
                found |= ends - {""}
                if "" not in ends:
                    return found
            elif part.strip():
                return found | {part.rstrip()[-1]}
        return found | {""}

    return seq(parse(text))


def pattern(text: str, fills: dict[str, str]) -> str:
    """A regular expression matching every expansion of `text` with its placeholders filled
    (`fills`; an unfilled one matches any short run of text). Spacing is loose, as `expand`
    tidies it. Used to take a call-to-action line (promo, profile) out of the prose."""

    def seq(tree: Seq) -> str:
        out = []
        for part in tree:
            if isinstance(part, Slot):
                out.append(re.escape(fills[part]) if part in fills else r".{1,80}?")
            elif isinstance(part, Choice):
                out.append("(?:" + "|".join(seq(alternative) for alternative in part) + ")")
            else:
                out.append(r"\s*".join(re.escape(word) for word in re.split(r"\s+", part)))
        return "".join(out)

    try:
        return seq(parse(text))
    except GrammarError:
        return re.escape(text)
