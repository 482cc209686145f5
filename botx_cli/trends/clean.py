"""Pure trend cleaning: raw names from every source in, postable hashtags out.

A trend survives only if it becomes a hashtag X itself would extract whole, is not
page noise, is fresh, is written mostly in the configured script, touches no unsafe
topic (safety.py), names no other year than this one and is not calendar filler
(filler.py). Survivors seen on several sources (or twice) are merged, and a merged trend
whose headlines touch an unsafe topic is dropped with every name it had. Every dropped
item comes back with a reason, so `botx trends` can say why.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from botx_cli.text import extract_hashtags
from botx_cli.trends.blacklist import DEFAULT_ALLOW, DEFAULT_BLACKLIST
from botx_cli.trends.blacklist import terms as _terms
from botx_cli.trends.filler import foreign_year, is_filler
from botx_cli.trends.safety import SafetyMatcher
from botx_cli.trends.sources import trust_order
from botx_cli.trends.sources.base import Headline, RawTrend

# Letters of a script are recognised by the first word(s) of their Unicode names.
SCRIPTS: dict[str, tuple[str, ...]] = {
    name.lower(): (name,) for name in _terms("LATIN CYRILLIC GREEK ARABIC HEBREW DEVANAGARI HANGUL THAI")
} | {"japanese": ("HIRAGANA", "KATAKANA", "CJK", "HALFWIDTH KATAKANA")}


@dataclass(frozen=True)
class CleanRules:
    max_len: int = 30
    max_age_hours: float | None = 24
    script: str = "latin"  # a key of SCRIPTS, or "any"
    blacklist: Mapping[str, Sequence[str]] = field(default_factory=lambda: DEFAULT_BLACKLIST)
    extra_blacklist: tuple[str, ...] = ()  # added to `blacklist` as category "custom"
    min_script_share: float = 0.9  # share of letters that must be in `script`
    allow: tuple[str, ...] = DEFAULT_ALLOW  # words no "*" term is found inside (#Cockpit)

    def __post_init__(self) -> None:
        if self.script != "any" and self.script not in SCRIPTS:
            known = ", ".join(["any", *SCRIPTS])
            raise ValueError(f"unknown script {self.script!r} (use one of: {known})")


@dataclass(frozen=True)
class Trend:
    name: str
    hashtag: str  # "#..." as it will be posted
    sources: tuple[str, ...]
    rank: int
    volume: int | None
    published_at: datetime | None
    category: str = "generic"
    display: str = ""  # the name as a source wrote it, spaced if any source spaced it ("Mystics vs Fever")
    news: tuple[Headline, ...] = ()  # every headline its sources gave


@dataclass(frozen=True)
class CleanResult:
    kept: list[Trend]
    rejected: list[tuple[RawTrend, str]]


# --- text helpers -----------------------------------------------------------

# Invisible format characters beyond category Cf: variation selectors, the
# combining grapheme joiner and the Hangul fillers that spammers use as blanks.
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u3164\uffa0") | frozenset(
    map(chr, [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
)
# twitter-text's hashtagSpecialChars, minus ZWNJ/ZWJ which are stripped first.
_HASHTAG_SPECIAL = frozenset("_\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7")
_APOSTROPHES = frozenset("'\u2019`\u00b4")  # joined within words: CHP'li -> CHPli


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf" or char in _INVISIBLE_EXTRA


def visible_text(name: str) -> str:
    """Zero-width and bidi controls removed, NFC, whitespace collapsed."""
    kept = (" " if unicodedata.category(c) == "Cc" else c for c in name if not _is_invisible(c))
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def _is_hashtag_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd" or char in _HASHTAG_SPECIAL


def _capitalise(word: str, shouting: bool) -> str:
    if shouting:  # "EYES ON ME" reads better as #EyesOnMe; Turkish İ lowers to i + dot
        word = word[0] + word[1:].lower().replace("i\u0307", "i")
    if not word.islower() and not shouting:
        return word  # keep iPhone, eBay, NASA, ACDC as written
    first = word[0].upper()
    return (first if len(first) == 1 else word[0]) + word[1:]


def _words(text: str) -> list[str]:
    """Runs of hashtag characters; apostrophes inside a word are dropped."""
    words, current = [], []
    for char in text:
        if _is_hashtag_char(char):
            current.append(char)
        elif char not in _APOSTROPHES or not current:
            words.append("".join(current))
            current = []
    words.append("".join(current))
    return [w for w in words if w]


def _is_shouting(words: list[str]) -> bool:
    """An all-caps phrase with a real word in it (EYES ON ME), not AC/DC or V2AB X."""
    letters = [sum(c.isalpha() for c in w) for w in words]
    all_caps = all(w.isupper() or not n for w, n in zip(words, letters, strict=True))
    return len(words) > 1 and all_caps and max(letters) >= 4


def to_hashtag(name: str) -> str | None:
    """Hashtag form: "Black Friday deals" -> "#BlackFridayDeals", "#ACDC" stays, None if
    nothing usable is left.

    Accented letters are kept: X's hashtag rules accept every letter and mark.
    Whether X would extract the result is checked by clean_trends, not here.
    """
    text = visible_text(name)
    if text[:1] in ("#", "\uff03"):
        text = text[1:]
        if text and all(_is_hashtag_char(c) for c in text):
            return "#" + text  # already a hashtag: its author's casing wins
    words = _words(text)
    shouting = _is_shouting(words)
    return "#" + "".join(_capitalise(w, shouting) for w in words) if words else None


def _fold(text: str) -> str:
    """Casefolded, accents removed: the form merge keys compare."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- the rules ------------------------------------------------------------------

_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
_NOISE_WORDS = frozenset(
    _terms(
        "collapsible collapse expand undefined null none nil nan true false object loading more"
        " trending trends trend tweets posts javascript void function error untitled placeholder",
        "[object object]",
        "see more",
        "show more",
        "read more",
        "lorem ipsum",
        "loading...",
    )
)
_DOM_ID = re.compile(
    r"^(trend|card|item|list|tab|row|col|section|collapse|heading|post|link|div|el|id|node"
    r"|panel|block|widget|ad|slot|tweet|cell)(?:[-_][a-z]+)*[-_]?[0-9]+$"
)
# snake_case ids with digits (trend_list_2, __next_1); #World_Cup_2026 is mixed case
_SNAKE_WITH_DIGITS = re.compile(r"^(?=.*[0-9])(?=.*_)[a-z0-9_]+$")
_URLISH = re.compile(
    r"://|^www\.|^[\w-]+(\.[\w-]+)*\.(com|net|org|io|co|app|dev|ly|gg|tv|me|info|xyz)(/|$)",
    re.IGNORECASE,
)


def _is_markup(name: str) -> bool:
    return "<" in name or ">" in name or _ENTITY.search(name) is not None


def _is_numeric(name: str) -> bool:
    """Years, scores, prices: X never extracts an all-digit hashtag."""
    body = name.lstrip("#\uff03")
    return any(c.isdigit() for c in body) and not any(c.isalpha() for c in body)


def _is_css_colour(name: str) -> bool:
    has_hash = name[:1] == "#"
    body = name[1:] if has_hash else name
    if len(body) not in (3, 4, 6, 8) or not all(c in "0123456789abcdefABCDEF" for c in body):
        return False
    if any(c.isdigit() for c in body) and any(c.isalpha() for c in body):
        return True  # #2563eb, 1a2b3c
    if has_hash and body.islower() and len(body) != 4:
        return True  # #fff, #decade: stylesheets write lowercase; #cafe is spared
    # #FFFFFF, #CCC; but #ACDC, #FACADE and a bare "ADD" are words
    return len(set(body.lower())) <= 2 and len(body) != 4 and (has_hash or len(body) >= 6)


def _is_noise(name: str) -> bool:
    folded = name.lstrip("#").casefold()
    if folded in _NOISE_WORDS or _DOM_ID.match(folded) or _URLISH.search(name):
        return True
    placeholder = "{{" in name or "}}" in name or "${" in name  # an unrendered template
    return placeholder or _SNAKE_WITH_DIGITS.match(name.lstrip("#")) is not None


def _script_ok(name: str, rules: CleanRules) -> bool:
    if rules.script == "any":
        return True
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return True  # nothing to judge: the hashtag check decides
    prefixes = SCRIPTS[rules.script]
    inside = sum(unicodedata.name(c, "").startswith(prefixes) for c in letters)
    return inside / len(letters) >= rules.min_script_share


def _is_stale(published_at: datetime | None, rules: CleanRules, now: datetime) -> bool:
    if published_at is None or rules.max_age_hours is None:
        return False  # unknown age: keep
    return _aware(published_at) < now - timedelta(hours=rules.max_age_hours)


def _extracts_whole(hashtag: str) -> bool:
    return extract_hashtags(hashtag) == [hashtag[1:]]


def _check(raw: RawTrend, rules: CleanRules, safety: SafetyMatcher, now: datetime) -> str:
    """The first rule `raw` breaks, or "" if it passes all. Cheapest rules first."""
    name = visible_text(raw.name)  # invisible characters go first, then re-check
    hashtag = to_hashtag(name) if name else None

    def unsafe() -> str | None:
        hit = safety.check(name) or safety.check(hashtag or "")
        return hit.reason()[len("blacklist:") :] if hit else None

    checks: tuple[tuple[str, Callable[[], bool | str | None]], ...] = (
        ("empty", lambda: not name),
        ("garbled", lambda: "\ufffd" in name),  # a byte the page's charset could not decode
        ("stale", lambda: _is_stale(raw.published_at, rules, now)),
        ("markup", lambda: _is_markup(name)),
        ("numeric", lambda: _is_numeric(name)),
        ("css_colour", lambda: _is_css_colour(name)),
        ("noise", lambda: _is_noise(name)),
        ("too_long", lambda: len(name) > rules.max_len or len(hashtag or "") - 1 > rules.max_len),
        ("script", lambda: not _script_ok(name, rules)),
        ("blacklist", unsafe),
        ("year", lambda: str(foreign_year(name, now.date()) or "")),
        ("filler", lambda: is_filler(name)),
        ("not_a_hashtag", lambda: hashtag is None or not _extracts_whole(hashtag)),
    )
    for reason, broken in checks:
        verdict = broken()
        if verdict:
            return f"{reason}:{verdict}" if isinstance(verdict, str) else reason
    return ""


# --- merging --------------------------------------------------------------------


def merge_key(name: str) -> str:
    """Casefolded, accents, spaces and punctuation removed: "Mansur Yavaş" -> mansuryavas."""
    return "".join(c for c in _fold(visible_text(name)) if c.isalnum())


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau (OSA) distance <= 1, where an edit touching a digit does not count:
    iPhone15/iPhone16 and GPT4/GPT5 are different trends."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 6:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1 :] and not b[i].isdigit()
    if a[i + 1 :] == b[i + 1 :]:
        return not (a[i].isdigit() or b[i].isdigit())
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
    return swapped and a[i + 2 :] == b[i + 2 :] and not (a[i].isdigit() or a[i + 1].isdigit())


def _components(keys: list[str]) -> list[list[int]]:
    """Connected groups of near-equal keys (union-find): independent of input order."""
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if _within_one_edit(keys[i], keys[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(keys)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _merge(members: list[RawTrend]) -> tuple[Trend, list[RawTrend]]:
    """One Trend for a group; the members it absorbed come back as duplicates."""
    best = min(members, key=lambda r: (r.rank, trust_order(r.source), r.name, r.url or ""))
    name = visible_text(best.name)
    by_source = sorted(members, key=lambda r: (trust_order(r.source), r.rank))
    spaced = [visible_text(r.name) for r in by_source if not visible_text(r.name).startswith(("#", "\uff03"))]
    volumes = [r.volume for r in members if r.volume is not None]
    dates = [_aware(r.published_at) for r in members if r.published_at is not None]
    news = {h.title.casefold(): h for r in by_source for h in r.news}
    trend = Trend(
        name=name,
        hashtag=to_hashtag(name) or "",
        sources=tuple(sorted({r.source for r in members}, key=trust_order)),
        rank=best.rank,
        volume=max(volumes) if volumes else None,
        published_at=max(dates) if dates else None,
        # only hashtags seen: their body as written ("GPT5"), never a '#' inside the prose
        display=spaced[0] if spaced else name.lstrip("#\uff03"),
        news=tuple(news.values()),
    )
    return trend, [r for r in members if r is not best]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# --- entry point ----------------------------------------------------------------


def clean_trends(raw: Sequence[RawTrend], rules: CleanRules, now: datetime) -> CleanResult:
    """`now` in the config's time zone: its date is the "current local year" of the year rule."""
    if now.tzinfo is None:
        raise ValueError("clean_trends needs an aware `now` (BOTX_NOW carries an offset)")
    safety = safety_matcher(rules)
    passed: list[RawTrend] = []
    rejected: list[tuple[RawTrend, str]] = []
    for item in raw:
        reason = _check(item, rules, safety, now)
        if reason:
            rejected.append((item, reason))
        else:
            passed.append(item)
    kept: list[Trend] = []
    for group in _components([merge_key(r.name) for r in passed]):
        members = [passed[i] for i in group]
        trend, absorbed = _merge(members)
        reason = unsafe_news(trend.news, safety)
        if reason:  # every name it had goes: trends24's bare name is the same arrest
            rejected.extend((r, reason) for r in members)
            continue
        kept.append(trend)
        rejected.extend((r, "duplicate") for r in absorbed)
    kept.sort(key=lambda t: (t.rank, -(t.volume or 0), t.hashtag.casefold(), t.hashtag))
    return CleanResult(kept=kept, rejected=rejected)


def safety_matcher(rules: CleanRules) -> SafetyMatcher:
    """The matcher of these rules' lists, built once (it folds about a thousand terms)."""
    return _matcher(
        tuple((category, tuple(terms)) for category, terms in rules.blacklist.items()),
        tuple(rules.extra_blacklist),
        tuple(rules.allow),
    )


@functools.lru_cache(maxsize=8)
def _matcher(
    categories: tuple[tuple[str, tuple[str, ...]], ...], extra: tuple[str, ...], allow: tuple[str, ...]
) -> SafetyMatcher:
    return SafetyMatcher(dict(categories), extra, allow)


def unsafe_news(news: Sequence[Headline], safety: SafetyMatcher) -> str:
    """Why the headlines make a trend unsafe ("" when they do not), quoting the headline."""
    for headline in news:
        hit = safety.check(headline.text())
        if hit:
            title = headline.title if len(headline.title) <= 70 else headline.title[:69] + "\u2026"
            return hit.reason(f'headline "{title}"')
    return ""
