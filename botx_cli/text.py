"""X's twitter-text rules: weighted tweet length (v3), hashtag and URL extraction.

A from-the-spec port of twitter-text 3.x (github.com/twitter/twitter-text, Apache-2.0):
its conformance suite (tests/fixtures/twitter-text) is the definition of done.

Imported on the hot path of `botx post`, so importing stays cheap: stdlib only, no
regex is compiled and the TLD tables are not loaded until a function first needs them.

Indices: extraction functions index Python strings (code points); ParseResult ranges are
UTF-16 code units, as twitter-text reports them (what X's API and clients use).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

__all__ = [
    "MAX_WEIGHTED_LENGTH",
    "ParseResult",
    "extract_hashtags",
    "extract_hashtags_with_indices",
    "extract_urls",
    "extract_urls_with_indices",
    "is_valid_hashtag",
    "parse_tweet",
    "weighted_length",
]

# -- Configuration v3 (tests/fixtures/twitter-text/config/v3.json) ---------------------------

MAX_WEIGHTED_LENGTH = 280
_SCALE = 100
_DEFAULT_WEIGHT = 200
_URL_WEIGHT = 23 * _SCALE  # transformedURLLength: every link is a t.co link once posted
# (first, last, weight): Latin, Greek, Cyrillic, ... and most punctuation count as 1, the rest as 2.
_WEIGHT_RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))

# -- Character classes from twitter-text's js/src/regexp -------------------------------------

# Characters that make a tweet invalid (BOMs and U+FFFF).
_INVALID_CHARS = "\ufffe\ufeff\uffff"
_DIRECTIONAL = "\u202a-\u202e\u061c\u200e\u200f\u2066-\u2069"
_SPACES = "\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# twitter-text's `punct`, less '-' and '_' which domain labels allow in their middle.
_PUNCT_NO_DASH = "!'#%&()*+,\\\\./:;<=>?@\\[\\]^{|}~$"
_LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = "\u0400-\u04ff"

# Hashtag bodies may also hold these joiners and in-word punctuation (hashtagSpecialChars).
_TAG_SPECIALS = frozenset(
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\xb7"
)
_HASH_SIGNS = "#\uff03"

# -- Emoji (twemoji-parser, which twitter-text v3 counts with) --------------------------------

# Extended_Pictographic (Unicode emoji-data.txt), coarsened to whole blocks where that cannot
# change a weight, minus (c) (R) TM and the chess pawn: twemoji only takes those with U+FE0F.
_PICTOGRAPHIC = (
    "\u203c\u2049\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u2388\u23cf\u23e9-\u23f3"
    "\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u265e\u2660-\u27bf"
    "\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001f0ff\U0001f10d-\U0001f10f\U0001f12f\U0001f16c-\U0001f171\U0001f17e"
    "\U0001f17f\U0001f18e\U0001f191-\U0001f19a\U0001f1ad-\U0001f1e5\U0001f201-\U0001f20f"
    "\U0001f21a\U0001f22f\U0001f232-\U0001f23a\U0001f23c-\U0001f23f\U0001f249-\U0001f3fa"
    "\U0001f400-\U0001f53d\U0001f546-\U0001f64f\U0001f680-\U0001f6ff\U0001f774-\U0001f77f"
    "\U0001f7d5-\U0001f7ff\U0001f80c-\U0001f80f\U0001f848-\U0001f84f\U0001f85a-\U0001f85f"
    "\U0001f888-\U0001f88f\U0001f8ae-\U0001f8ff\U0001f90c-\U0001f93a\U0001f93c-\U0001f945"
    "\U0001f947-\U0001faff\U0001fc00-\U0001fffd"
)
# One emoji: a pictograph with a skin tone or VS16, optionally a tag sequence (subdivision flags).
_EMOJI_ELEMENT = f"[{_PICTOGRAPHIC}](?:[\U0001f3fb-\U0001f3ff]|\ufe0f)?(?:[\U000e0020-\U000e007e]+\U000e007f)?"
_EMOJI = (
    "[\U0001f1e6-\U0001f1ff]{2}"  # flag: a regional indicator pair
    "|[#*0-9]\ufe0f?\u20e3"  # keycap
    "|[\xa9\xae\u2122\u265f]\ufe0f"  # text-default symbols as emoji
    f"|{_EMOJI_ELEMENT}(?:\u200d{_EMOJI_ELEMENT})*"  # ZWJ sequences (family, profession...)
)


@cache
def _emoji_re() -> re.Pattern[str]:
    return re.compile(_EMOJI)


def count_emoji(text: str) -> int:
    """Emoji as a reader sees them: a flag, a keycap or a ZWJ family counts once."""
    return sum(1 for _ in _emoji_re().finditer(unicodedata.normalize("NFC", text)))


# -- URLs (extractUrl.js and friends) ---------------------------------------------------------


@cache
def _tlds() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from botx_cli._tlds import CCTLDS, GTLDS  # loaded on first URL look-up only

    return GTLDS, CCTLDS


def _alternation(tlds: tuple[str, ...]) -> str:
    """`tlds` as one alternation, grouped by first character: the same matches in the same
    order of preference, but a few dozen branches to try at each position instead of ~1,600."""
    groups: dict[str, list[str]] = {}
    for tld in tlds:
        groups.setdefault(tld[0], []).append(tld[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


def _tld_pattern(gtlds: tuple[str, ...], cctlds: tuple[str, ...]) -> str:
    # A TLD must not run on into an ASCII word ("foo.comm", "john.doe.gov@mail.com").
    end = r"(?=[^0-9a-zA-Z@+-]|\Z)"
    lists = [f"(?:{_alternation(tlds)}){end}" for tlds in (gtlds, cctlds) if tlds]
    return "|".join([*lists, "xn--[0-9a-z-]+"])  # gTLDs first, as twitter-text tries them


@cache
def _url_re() -> re.Pattern[str]:
    # Domain labels: anything but punctuation and spaces; '-' inside, and '_' inside subdomains.
    other = f"{_SPACES}{_INVALID_CHARS}{_DIRECTIONAL}"
    label = f"[^{_PUNCT_NO_DASH}_\\-{other}]"
    subdomain = f"(?:(?:{label}[^{_PUNCT_NO_DASH}{other}]*)?{label}\\.)"
    name = f"(?:(?:{label}[^{_PUNCT_NO_DASH}_{other}]*)?{label}\\.)"
    path_char = f"[a-z{_CYRILLIC}0-9!*';:=+,.$/%#\\[\\]\\-\u2013_~@|&{_LATIN_ACCENTS}]"
    parens = f"\\((?:{path_char}+|{path_char}*\\({path_char}+\\){path_char}*)\\)"
    path_end = f"(?:[+\\-a-z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]|{parens})"
    path = f"(?:{path_char}*(?:{parens}{path_char}*)*{path_end}|@{path_char}+/)"
    return re.compile(
        f"(?P<before>[^A-Za-z0-9@\uff20$#\uff03{_INVALID_CHARS}]|[{_DIRECTIONAL}]|^)"
        "(?P<url>(?P<protocol>https?://)?"
        f"(?P<domain>{subdomain}*{name}(?:{_tld_pattern(*_tlds())}))"
        "(?::[0-9]+)?"
        f"(?P<path>/{path}*)?"
        r"(?:\?[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*[a-z0-9\-_&=#/])?)",
        re.IGNORECASE,
    )


@lru_cache(maxsize=256)
def _ascii_domain_re(gtlds: tuple[str, ...], cctlds: tuple[str, ...]) -> re.Pattern[str]:
    tld = _tld_pattern(gtlds, cctlds)
    return re.compile(f"(?:[-a-z0-9{_LATIN_ACCENTS}]+\\.)+(?:{tld})", re.IGNORECASE)


def _ascii_domains(domain: str) -> Iterator[re.Match[str]]:
    """validAsciiDomain's matches in `domain`, the domain of a URL match.

    Only the TLDs occurring in `domain` go into the regex: compiling all ~1,600 again would
    double the first call's cost, while a handful compile in well under a millisecond."""
    folded = domain.lower()
    gtlds, cctlds = (tuple(tld for tld in tlds if tld in folded) for tlds in _tlds())
    return _ascii_domain_re(gtlds, cctlds).finditer(domain)


@cache
def _tco_re() -> re.Pattern[str]:
    return re.compile(
        r"https?://t\.co/([a-z0-9]+)(?:\?[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*"
        r"[a-z0-9\-_&=#/])?",
        re.IGNORECASE,
    )


def _labels_fit_dns(domain: str) -> bool:
    """idna.toAscii's check: each label, punycoded, is 1..63 characters."""
    if domain.startswith("xn--") and next(_ascii_domains(domain), None) is None:
        return False  # an already-punycoded domain must be ASCII
    for label in domain.split("."):
        size = len(label) if label.isascii() else 4 + len(label.encode("punycode"))
        if not 1 <= size <= 63:
            return False
    return True


def _u16len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def extract_urls_with_indices(text: str) -> list[tuple[str, int, int]]:
    """URLs as twitter-text finds them, with or without protocol: (url, start, end)."""
    if "." not in text:
        return []
    urls: list[tuple[str, int, int]] = []
    for m in _url_re().finditer(text):
        url, domain, start, end = m["url"], m["domain"], m.start("url"), m.end("url")
        # twitter-text caps URLs at 4096 UTF-16 units, counting an implied https://.
        if not _labels_fit_dns(domain) or len(m["protocol"] or "https://") + _u16len(url) > 4096:
            continue
        if m["protocol"]:
            tco = _tco_re().match(url)
            if tco:  # t.co links never carry a path, and their slug is at most 40 characters
                if len(tco[1]) > 40:
                    continue
                url, end = tco[0], start + len(tco[0])
            urls.append((url, start, end))
        elif not m["before"].endswith(("-", "_", ".", "/")):
            urls.extend(_bare_domains(url, domain, start, end, bool(m["path"])))
    return urls


def _bare_domains(url: str, domain: str, start: int, end: int, has_path: bool) -> list[tuple[str, int, int]]:
    """Without a protocol only ASCII(ish) domains count; the path sticks to the last one."""
    found = [(d[0], start + d.start(), start + d.end()) for d in _ascii_domains(domain)]
    if found and has_path:
        last, last_start, _ = found[-1]
        found[-1] = (url.replace(domain, last, 1), last_start, end)
    return found


def extract_urls(text: str) -> list[str]:
    """The URLs in `text`, each of which X counts as 23 and shortens to a t.co link."""
    return [url for url, _, _ in extract_urls_with_indices(text)]


# -- Hashtags (validHashtag.js, extractHashtagsWithIndices.js) --------------------------------


def _is_tag_alpha(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"  # letters and combining marks


def _is_tag_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LM" or category == "Nd" or ch in _TAG_SPECIALS


def _scan_hashtags(text: str) -> list[tuple[str, int, int]]:
    tags: list[tuple[str, int, int]] = []
    # twitter-text finds tags with one left-to-right regex, which also consumes the tags it
    # then rejects: a '#' right after one can't use that tag's last character as its boundary.
    consumed = 0
    for i, ch in enumerate(text):
        if ch not in _HASH_SIGNS:
            continue
        if i > 0:
            before = text[i - 1]
            if i - 1 < consumed:
                continue
            # "&#" is an HTML entity and "a#b" is not a tag; VS15/16 end an emoji, not a word.
            if before not in "\ufe0e\ufe0f" and (before == "&" or _is_tag_char(before)):
                continue
        end = i + 1
        if text[end : end + 1] in ("\ufe0f", "\u20e3"):
            continue  # #️⃣ is the keycap emoji
        while end < len(text) and _is_tag_char(text[end]):
            end += 1
        tag = text[i + 1 : end]
        if not any(map(_is_tag_alpha, tag)):
            continue  # "#1", "#_": a tag needs a letter
        consumed = end
        if text.startswith(("#", "\uff03", "://"), end):
            continue  # "#a#b" and "#http://..." are not tags
        tags.append((tag, i, end))
    return tags


def extract_hashtags_with_indices(text: str) -> list[tuple[str, int, int]]:
    """Hashtags as (name without '#', start, end); end is exclusive, indices in code points."""
    if "#" not in text and "\uff03" not in text:
        return []
    tags = _scan_hashtags(text)
    if not tags:
        return tags
    # A '#' inside a URL ("example.com/#faq") is a fragment: URLs win where they overlap.
    entities = sorted(
        [(s, e, (t, s, e)) for t, s, e in tags] + [(s, e, None) for _, s, e in extract_urls_with_indices(text)],
        key=lambda entity: entity[0],
    )
    kept: list[tuple[str, int, int]] = []
    prev_end = -1
    for start, end, tag in entities:
        if start < prev_end:
            continue
        prev_end = end
        if tag is not None:
            kept.append(tag)
    return kept


def extract_hashtags(text: str) -> list[str]:
    """Hashtag names (without '#') in order of appearance, as X links them."""
    return [tag for tag, _, _ in extract_hashtags_with_indices(text)]


def is_valid_hashtag(tag: str) -> bool:
    """True if `tag` ('#' included) is exactly one hashtag."""
    return bool(tag) and extract_hashtags(tag) == [tag[1:]]


# -- Weighted length (parseTweet.js) ----------------------------------------------------------


@dataclass(frozen=True)
class ParseResult:
    """parseTweet's result under config v3; ranges are inclusive UTF-16 indices."""

    weighted_length: int
    valid: bool
    permillage: int
    display_range_start: int
    display_range_end: int
    valid_range_start: int
    valid_range_end: int


def _char_weight(ch: str) -> int:
    code = ord(ch)
    for first, last, weight in _WEIGHT_RANGES:
        if first <= code <= last:
            return weight
    return _DEFAULT_WEIGHT  # includes everything outside the BMP


def parse_tweet(text: str) -> ParseResult:
    """X's verdict on `text`: weighted length, validity and how much of it fits."""
    normalized = unicodedata.normalize("NFC", text)
    # Spans to count as one unit, keyed by start; the jump uses the URL's own length as
    # twitter-text does (it differs from the span only for odd bare-domain matches).
    urls = {start: start + len(url) for url, start, _ in extract_urls_with_indices(normalized)}
    emoji = {m.start(): m.end() for m in _emoji_re().finditer(normalized)}
    limit = MAX_WEIGHTED_LENGTH * _SCALE
    total, valid, units, valid_end = 0, True, 0, 0
    i = 0
    while i < len(normalized):
        if i in urls:
            end, total = urls[i], total + _URL_WEIGHT
        elif i in emoji:
            end, total = emoji[i], total + _DEFAULT_WEIGHT
        else:
            end, total = i + 1, total + _char_weight(normalized[i])
        units += _u16len(normalized[i:end])
        # twitter-text tests only the last character of each unit for validity.
        valid = valid and normalized[end - 1] not in _INVALID_CHARS
        if valid and total <= limit:
            valid_end = units - 1
        i = end
    length = total // _SCALE  # v3 weights are whole multiples of the scale
    text_units = _u16len(text)
    return ParseResult(
        weighted_length=length,
        valid=valid and 0 < length <= MAX_WEIGHTED_LENGTH,
        permillage=int(length / MAX_WEIGHTED_LENGTH * 1000),  # JS: Math.floor of a float
        display_range_start=0,
        display_range_end=max(text_units - 1, 0),
        valid_range_start=0,
        # NFC can shorten the text: twitter-text adds what it removed to the end index.
        valid_range_end=valid_end + text_units - _u16len(normalized),
    )


def weighted_length(text: str) -> int:
    """X's weighted length of `text` (280 max): URLs 23, emoji 2, CJK 2, Latin 1."""
    return parse_tweet(text).weighted_length
