"""Property tests for botx_cli.text: what must hold for any text, beyond the conformance cases."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from botx_cli import text as tt  # No deadline: whichever example runs first pays for compiling the URL regex (~15 ms).

lenient = settings(deadline=None)

ANY_TEXT = st.text()
# Lone surrogates included: Python strings can hold them (surrogateescape'd bytes, bad JSON).
RAW_TEXT = st.text(st.characters(exclude_categories=()))
ASCII_NO_DOT = st.text(st.characters(max_codepoint=0x7F, exclude_characters="."))
CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1)
LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", fullmatch=True)
PATH = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_/"), max_size=2000)
WORDS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz "), max_size=60)
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
EMOJI = [
    "😷",
    "👍🏽",
    "🇯🇵",
    "1️⃣",
    "#⃣",
    "❤️",
    SCOTLAND,
    "👩\u200d💻",
    "👨\u200d👩\u200d👧\u200d👦",
    "🏳️\u200d🌈",
    "🧑🏿\u200d🤝\u200d🧑🏻",
]


@st.composite
def urls(draw: st.DrawFn) -> str:
    labels = draw(st.lists(LABEL, min_size=1, max_size=4))
    tld = draw(st.sampled_from(["com", "org", "net", "io", "co.uk", "jp", "みんな"]))
    scheme = draw(st.sampled_from(["http://", "https://", "HTTPS://"]))
    path = draw(PATH)
    return f"{scheme}{'.'.join(labels)}.{tld}" + (f"/{path}" if path else "")


# -- never fails ----------------------------------------------------------------------------------


@lenient
@given(RAW_TEXT)
@example("a." * 50 + "\ud800")
@example("#\ufe0f\u20e3 http://\ud83d.com")
def test_never_raises(text: str) -> None:
    result = tt.parse_tweet(text)
    assert result.weighted_length >= 0
    assert 0 <= result.valid_range_end <= result.display_range_end or not text
    tt.extract_hashtags_with_indices(text)
    tt.extract_urls_with_indices(text)
    tt.is_valid_hashtag(text)


# -- weighted length ------------------------------------------------------------------------------


@lenient
@given(ASCII_NO_DOT)
def test_ascii_counts_one_each(text: str) -> None:
    """Without a '.' there is no URL, and ASCII is all weight 100 (and never an emoji)."""
    assert tt.weighted_length(text) == len(text)


@lenient
@given(CJK)
def test_cjk_counts_two_each(text: str) -> None:
    assert tt.weighted_length(text) == 2 * len(text)


@lenient
@given(urls())
def test_a_url_of_any_length_counts_23(url: str) -> None:
    assert tt.weighted_length(url) == 23
    assert tt.extract_urls(url) == [url]


@lenient
@given(WORDS, urls(), WORDS)
def test_url_in_text_counts_23(before: str, url: str, after: str) -> None:
    assert tt.weighted_length(f"{before} {url} {after}") == len(before) + 1 + 23 + 1 + len(after)


@lenient
@given(ANY_TEXT, ASCII_NO_DOT)
@example("example.c", "om")
def test_appending_after_a_space_only_adds(text: str, tail: str) -> None:
    """A space ends every URL, emoji and hashtag, so what follows it adds its own length."""
    longer = f"{text} {tail}"
    assert tt.weighted_length(longer) == tt.weighted_length(text) + 1 + len(tail)
    assert tt.weighted_length(longer) >= tt.weighted_length(text)


def test_appending_without_a_space_can_shorten() -> None:
    """Why the property above needs the space: one more letter can complete a TLD, and a
    41-character text whose tail becomes a URL drops to 4 + 23."""
    text = "see thisisaverylongdomainnameforthebotx.c"
    assert (tt.weighted_length(text), tt.weighted_length(text + "o")) == (41, 27)


@lenient
@given(ANY_TEXT, st.sampled_from(["NFC", "NFD"]))
def test_normalization_invariant(text: str, form: str) -> None:
    assert tt.weighted_length(unicodedata.normalize(form, text)) == tt.weighted_length(text)


@lenient
@given(ANY_TEXT)
def test_validity_is_length_and_characters(text: str) -> None:
    result = tt.parse_tweet(text)
    clean = not any(ch in "\ufffe\ufeff\uffff" for ch in unicodedata.normalize("NFC", text))
    assert result.valid == (clean and 0 < result.weighted_length <= 280)
    assert result.permillage == result.weighted_length * 1000 // 280
    if result.valid:
        assert result.valid_range_end == result.display_range_end


@lenient
@given(st.lists(st.sampled_from(EMOJI), max_size=40))
def test_each_emoji_counts_two(emoji: list[str]) -> None:
    assert tt.weighted_length("".join(emoji)) == 2 * len(emoji)


def test_text_symbols_need_vs16_to_be_emoji() -> None:
    """twemoji leaves a bare (c) (R) as text (weight 1); with U+FE0F they are one emoji."""
    assert tt.weighted_length("\xa9\xae") == 2
    assert tt.weighted_length("\xa9\ufe0f\xae\ufe0f") == 4


def test_pictographic_class_covers_unicode() -> None:
    """Every Extended_Pictographic code point (per the `regex` package's Unicode data) starts an
    emoji in botx_cli.text, except the four twemoji only takes with U+FE0F."""
    import regex  # test extra

    pictographic = regex.compile(r"\p{Extended_Pictographic}")
    ours = re.compile(f"[{tt._PICTOGRAPHIC}]")
    chars = (chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)
    missing = [hex(ord(ch)) for ch in chars if pictographic.match(ch) and not ours.match(ch)]
    assert missing == ["0xa9", "0xae", "0x2122", "0x265f"]


# -- hashtags -------------------------------------------------------------------------------------


@lenient
@given(ANY_TEXT)
@example("#a #b\ufe0f#c ＃日本語 &#x #1 #a_1")
def test_hashtags_reextract_to_themselves(text: str) -> None:
    for name, start, end in tt.extract_hashtags_with_indices(text):
        assert text[start] in "#＃" and text[start + 1 : end] == name
        assert tt.extract_hashtags(f"#{name} ") == [name]
        assert tt.is_valid_hashtag(f"#{name}")


@lenient
@given(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,30}", fullmatch=True), WORDS)
def test_ascii_hashtag_after_a_space(name: str, before: str) -> None:
    assert tt.extract_hashtags(f"{before} #{name}") == [name]
    glued = [name] if before.endswith(" ") or not before else []  # "word#tag" is no tag
    assert tt.extract_hashtags(f"{before}#{name}") == glued


@lenient
@given(st.from_regex(r"[0-9_]{1,10}", fullmatch=True))
def test_a_hashtag_needs_a_letter(body: str) -> None:
    assert tt.extract_hashtags(f"#{body}") == []
    assert not tt.is_valid_hashtag(f"#{body}")


@lenient
@given(urls())
def test_no_hashtag_inside_a_url(url: str) -> None:
    assert tt.extract_hashtags(f"{url}/#fragment {url}#frag2") == []


# -- URLs -----------------------------------------------------------------------------------------


@lenient
@given(ANY_TEXT)
def test_url_indices_slice_the_text(text: str) -> None:
    for url, start, end in tt.extract_urls_with_indices(text):
        if "://" in url:  # bare domains may be re-spliced like twitter-text's; protocol URLs never
            assert text[start:end] == url
