"""Validation: pure, named checks over a text; every check is shown by preview and check.

The checks: length (X's weighted length), promo, link, hashtags (1..max), domain_tag,
english, caps, duplicate (exact, any account, N days) and near_duplicate.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from botx_cli.lang import english_probability
from botx_cli.text import extract_hashtags, weighted_length

MAX_WEIGHTED = 280
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_TAG = re.compile(r"[#＃]\w+")
CHECKS = ("length", "promo", "link", "hashtags", "domain_tag", "english", "caps", "duplicate", "near_duplicate")


@dataclass(frozen=True)
class Rules:
    promo_code: str
    product_url: str
    domain_tags: frozenset[str]  # casefolded, without '#'
    max_tags: int
    min_english: float = 0.6
    max_caps_ratio: float = 0.3
    near_threshold: float = 0.8


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
    from botx_cli.config import Config

    assert isinstance(cfg, Config)
    return Rules(cfg.product.promo_code, cfg.product.url,
                 frozenset(t.lstrip("#").casefold() for t in cfg.hashtags.domain), cfg.hashtags.max,
                 cfg.validation.min_english, cfg.validation.max_caps_ratio,
                 cfg.validation.near_duplicate_threshold)


def normalize(text: str) -> str:
    """Comparable form: links dropped (utm_content differs per account), case and spacing folded.

    Also what X echoes back (t.co links, &amp;) normalises to the same string."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    text = _URL.sub(" ", text)
    return " ".join(re.sub(r"[^\w#%$]+", " ", text.casefold()).split())


def prose(text: str, promo_code: str) -> str:
    """The words a reader reads: no links, hashtags or promo code."""
    text = _URL.sub(" ", text).replace(promo_code, " ")
    return " ".join(_TAG.sub(" ", text).split())


def _shingles(text: str, size: int = 4) -> set[str]:
    text = " ".join(text.casefold().split())
    return {text[i:i + size] for i in range(max(1, len(text) - size + 1))}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character 4-grams: cheap enough for hundreds of posts per run."""
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 1.0


def caps_ratio(words: str) -> float:
    letters = [c for c in words if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def validate(text: str, rules: Rules, recent_norms: tuple[str, ...] = (),
             recent_proses: tuple[str, ...] = ()) -> Verdict:
    """`recent_norms`: normalised texts posted on any account within the duplicate window;
    `recent_proses`: their prose, for the near-duplicate check."""
    tags = extract_hashtags(text)
    words = prose(text, rules.promo_code)
    length = weighted_length(text)
    english = english_probability(words)
    norm = normalize(text)
    nearest = max((similarity(words, other) for other in recent_proses), default=0.0)
    host = rules.product_url.split("://", 1)[-1].split("/", 1)[0].casefold()
    links = [u.casefold() for u in _URL.findall(text)]
    checks = {
        "length": 0 < length <= MAX_WEIGHTED,
        "promo": rules.promo_code in text,
        "link": any(host in link.split("://", 1)[-1].split("/", 1)[0] for link in links),
        "hashtags": 1 <= len(tags) <= rules.max_tags,
        "domain_tag": any(t.casefold() in rules.domain_tags for t in tags),
        "english": english >= rules.min_english,
        "caps": caps_ratio(words) < rules.max_caps_ratio,
        "duplicate": norm not in recent_norms,
        "near_duplicate": nearest <= rules.near_threshold,
    }
    notes = {"english": f"{english:.2f}", "caps": f"{caps_ratio(words):.2f}", "near_duplicate": f"{nearest:.2f}",
             "length": f"{length}/{MAX_WEIGHTED}"}
    return Verdict(checks, length, tags, notes)
