"""Validation: pure, named checks over a text; every check is shown by preview and check.

The checks: length (X's weighted length), characters (no U+FFFD, lone surrogate or control
character: the marks of a text that went through a bad decode), promo and link (as the
[compose] promo_every / link_every policy says for this post), hashtags (1..max),
domain_tag, english, caps, duplicate (exact, any account, N days) and near_duplicate.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field

from botx_cli.content.lang import english_probability
from botx_cli.text import extract_hashtags, extract_urls, weighted_length

MAX_WEIGHTED = 280
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_TAG = re.compile(r"[#＃]\w+")
CHECKS = (
    "length",
    "characters",
    "promo",
    "link",
    "hashtags",
    "domain_tag",
    "english",
    "caps",
    "duplicate",
    "near_duplicate",
)


@dataclass(frozen=True)
class Rules:
    promo_code: str
    product_url: str
    domain_tags: frozenset[str]  # casefolded, without '#'
    max_tags: int
    min_english: float = 0.6
    max_caps_ratio: float = 0.3
    near_threshold: float = 0.8
    promo_lines: tuple[str, ...] = ()  # [product] promo_lines with the code in
    # What this text must do about the link and the promo code: True carry it, False not carry
    # it (this post is one the policy leaves without), None either (a manual text under 1-in-N).
    link: bool | None = True
    promo: bool | None = True
    profile_lines: tuple[str, ...] = ()  # [compose] profile_lines: the call to action of posts without the link

    def prose(self, text: str) -> str:
        """What the near-duplicate check compares: the prose without the promo line and the
        profile line, calls to action that close tweets like the link and tags do."""
        return prose(text, self.promo_code, self.promo_lines + self.profile_lines)


@dataclass(frozen=True)
class Verdict:
    checks: dict[str, bool]
    weighted_length: int
    hashtags: list[str]
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return all(self.checks.values())

    @property
    def failed(self) -> list[str]:
        return [name for name, ok in self.checks.items() if not ok]


def rules_from(cfg: object) -> Rules:
    """The rules for a text botx did not compose (check, post --text, drafts): link and promo
    as the policy says of any post (required under 1, refused under 0, optional under 1-in-N).
    Composed posts narrow them to what their plan carries (drafting.candidates)."""
    from botx_cli.config.core import Config
    from botx_cli.content.link_policy import expected
    from botx_cli.content.settings import ValidationSettings

    assert isinstance(cfg, Config)
    code = cfg.product.promo_code
    checks = cfg.settings(ValidationSettings)
    return Rules(
        code,
        cfg.product.url,
        frozenset(t.lstrip("#").casefold() for t in cfg.hashtags.domain),
        cfg.hashtags.max,
        checks.min_english,
        checks.max_caps_ratio,
        checks.near_duplicate_threshold,
        _wordings(cfg.product.promo_lines, code),
        expected(cfg.content.link_every),
        expected(cfg.content.promo_every),
        _wordings(cfg.content.profile_lines, code),
    )


def _wordings(lines: tuple[str, ...], code: str) -> tuple[str, ...]:
    """Every wording of config call-to-action lines ({a|b} alternatives), in config order; a
    line with too many wordings stays as written (prose() then matches it as a pattern)."""
    from botx_cli.config.grammar import expansions

    found = [w.replace("{code}", code) for line in lines for w in (expansions(str(line)) or [str(line)])]
    return tuple(dict.fromkeys(found))


def normalize(text: str) -> str:
    """Comparable form: links dropped (utm_content differs per account), case and spacing folded.

    Also what X echoes back (t.co links, &amp;) normalises to the same string."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    text = _URL.sub(" ", text)
    return " ".join(re.sub(r"[^\w#%$]+", " ", text.casefold()).split())


@functools.lru_cache(maxsize=256)
def _line_pattern(line: str) -> re.Pattern[str]:
    """Every wording of a config line ({a|b} alternatives), as written into a tweet."""
    from botx_cli.config.grammar import pattern

    return re.compile(pattern(line, {}))


def prose(text: str, promo_code: str, promo_lines: tuple[str, ...] = ()) -> str:
    """The words a reader reads: no links, hashtags or promo code (nor the given call-to-action
    lines, in any of their wordings). Line breaks are kept: they separate clauses."""
    text = _URL.sub(" ", text)
    for line in sorted(promo_lines, key=len, reverse=True):  # a longer line before a shorter one it holds
        text = _line_pattern(line).sub("\n", text) if "{" in line else text.replace(line, "\n")  # {: many wordings
    text = _TAG.sub(" ", text.replace(promo_code, " "))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


_FORBIDDEN_FORMAT = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\ufffe\uffff")


def clean_characters(text: str) -> bool:
    """No U+FFFD (a decode went wrong upstream), no lone surrogate, no control character but
    newline and tab, no bidi embedding/override/isolate (it would reorder the promo line and
    link shown after it) and none of twitter-text's invalid characters (U+FEFF, U+FFFE,
    U+FFFF). Emoji and any other script are fine."""
    return not any(
        c == "\ufffd"
        or "\ud800" <= c <= "\udfff"
        or c in _FORBIDDEN_FORMAT
        or (unicodedata.category(c) == "Cc" and c not in "\n\t")
        for c in text
    )


_CLAUSE = re.compile(r"(?<=[.!?:;,])\s+|\n+")


@functools.lru_cache(maxsize=8192)  # recent posts' shingles are reused by every candidate
def _shingles(text: str, size: int = 4) -> frozenset[str]:
    """Character 4-grams within each clause, padded: the same clauses in another order (what
    layouts do) give the same set."""
    grams: set[str] = set()
    for clause in _CLAUSE.split(text.casefold()):
        clause = " ".join(clause.split())
        if clause:
            clause = f" {clause} "
            grams.update(clause[i : i + size] for i in range(max(1, len(clause) - size + 1)))
    return frozenset(grams)


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of clause-bounded character 4-grams of two proses.

    With the example config, texts with the same hook, angle line and offer score 1.0 whatever
    the layout and promo line; any other pair scores at most ~0.85 (README, "Validation")."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa and not sb:
        return 1.0
    shared = len(sa & sb)  # the union's size from the parts: no second set built (composition calls this often)
    return shared / (len(sa) + len(sb) - shared)


_IDENTIFIER = re.compile(r"\w*_\w*")  # PYTORCH_CUDA_ALLOC_CONF: code quoted in a how-to, not shouting


def caps_ratio(words: str) -> float:
    """Upper-case share of the prose's letters; identifiers with an underscore are left out."""
    letters = [c for c in _IDENTIFIER.sub(" ", words) if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def validate(
    text: str, rules: Rules, recent_norms: tuple[str, ...] = (), recent_proses: tuple[str, ...] = ()
) -> Verdict:
    """`recent_norms`: normalised texts posted on any account within the duplicate window;
    `recent_proses`: `rules.prose` of those within the near-duplicate window."""
    tags = extract_hashtags(text)
    words = prose(text, rules.promo_code)
    length = weighted_length(text)
    english = english_probability(words)
    norm = normalize(text)
    message = rules.prose(text)
    nearest = max((similarity(message, other) for other in recent_proses), default=0.0)
    host = rules.product_url.split("://", 1)[-1].split("/", 1)[0].casefold()
    links = [u.casefold() for u in _URL.findall(text)]
    has_link = any(host in link.split("://", 1)[-1].split("/", 1)[0] for link in links)
    checks = {
        "length": 0 < length <= MAX_WEIGHTED,
        "characters": clean_characters(text),
        "promo": _as_policy(rules.promo_code in text, rules.promo_code in text, rules.promo),
        # refused: no link of any kind, bare domains included (X links them, and bills the post)
        "link": _as_policy(has_link, bool(links) or (rules.link is False and bool(extract_urls(text))), rules.link),
        "hashtags": 1 <= len(tags) <= rules.max_tags,
        "domain_tag": any(t.casefold() in rules.domain_tags for t in tags),
        "english": english >= rules.min_english,
        "caps": caps_ratio(words) < rules.max_caps_ratio,
        "duplicate": norm not in recent_norms,
        "near_duplicate": nearest <= rules.near_threshold,
    }
    notes = {
        "english": f"{english:.2f}",
        "caps": f"{caps_ratio(words):.2f}",
        "near_duplicate": f"{nearest:.2f}",
        "length": f"{length}/{MAX_WEIGHTED}",
    }
    for name, wanted in (("link", rules.link), ("promo", rules.promo)):
        if wanted is not True:
            notes[name] = "optional" if wanted is None else "not in this post"
    return Verdict(checks, length, tags, notes)


def _as_policy(carries: bool, carries_any: bool, wanted: bool | None) -> bool:
    """A check under the policy: required, refused (nothing of the kind at all) or optional."""
    return carries if wanted else (not carries_any if wanted is False else True)
