"""How the trend judgement reads text: folded, split into words and CamelCase pieces.

Safety (safety.py), relevance (relate.py) and categories (score.py) share this reading, so a
name means the same to all three. A text becomes one `Tokens`: its folded letters run
together ("#CloudGPUPornography" -> "cloudgpupornography") plus where its words and pieces
start and end. A phrase matches whole pieces ("gpu" in #CloudGPU, "prime minister" across
two words) when it starts and ends on piece boundaries; safety.py also looks inside the
run-together letters for the few terms that are safe to find there.

Folding: Unicode compatibility forms (fullwidth, mathematical letters), invisible characters
and accents removed, case folded, and for the safety variants Cyrillic/Greek look-alikes
and leetspeak digits mapped to the Latin letters they imitate. Stdlib only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# Letters NFKD does not decompose but a reader sees as these Latin ones.
_EXTRA = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe", "þ": "th", "ŀ": "l", "ĸ": "k", "ſ": "s"}
)
# Cyrillic and Greek letters drawn like Latin ones (#PоrnHub with a Cyrillic о), lower case:
# folding lowers first.
HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "һ": "h",
        "ӏ": "l",
        "ү": "y",
        "ɡ": "g",
        "ɑ": "a",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "μ": "u",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ζ": "z",
        "ς": "s",
        "ω": "w",
    }
)
# Digits and signs written for letters inside words (P0rn, H1tler, $ex, @ss).
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i", "|": "l"}
)
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u3164\uffa0\u180e")
_SPLIT = re.compile(r"[\W_]+")
_LEET_WORD = re.compile(r"[\w@$!|]+")


def strip_invisible(text: str) -> str:
    """NFC with invisible characters removed: the text as a reader sees it, accents kept."""
    return "".join(
        c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) != "Cf" and c not in _INVISIBLE_EXTRA
    )


def strip_marks(text: str) -> str:
    """NFKC, invisible characters and combining marks removed: "P\u0336orn" reads "Porn",
    "ｐｏｒｎ" reads "porn"."""
    kept = "".join(
        c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf" and c not in _INVISIBLE_EXTRA
    )
    decomposed = unicodedata.normalize("NFKD", kept)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str) -> str:
    """Casefolded, accents removed, ı/ł/ø... as Latin: the form every comparison uses."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_EXTRA)


def _kind(char: str) -> str:
    if char.isdigit():
        return "digit"
    if char.isupper():
        return "upper"
    if char.islower():
        return "lower"
    return "letter" if char.isalpha() else "other"  # uncased scripts (の, ホ) are a piece of their own


def pieces(word: str) -> list[str]:
    """CamelCase and letter/digit pieces of one word: "CloudGPUPrices" -> Cloud GPU Prices,
    "Election2026" -> Election 2026, "RIPKobe" -> RIP Kobe; an acronym keeps its plural s
    ("GPUs", "APIs"), which a plain CamelCase split would cut as "GP Us"."""
    out: list[str] = []
    current = ""
    for i, char in enumerate(word):
        rest = word[i + 1 :]
        if current and _boundary(_kind(current[-1]), _kind(char), rest):
            out.append(current)
            current = ""
        current += char
    return [*out, current] if current else out


def _boundary(prev: str, kind: str, rest: str) -> bool:
    if (prev == "digit") != (kind == "digit") or (prev == "letter") != (kind == "letter"):
        return True
    if prev == "lower" and kind == "upper":
        return True
    # "RIPKobe": the K starts a new word; "GPUs": the U ends an acronym whose plural s follows
    return prev == "upper" and kind == "upper" and _kind(rest[:1]) == "lower" and rest != "s"


@dataclass(frozen=True)
class Tokens:
    """A text's folded letters run together, with the offsets where words and pieces meet."""

    squashed: str
    bounds: tuple[int, ...]  # piece boundaries, 0 and len(squashed) included

    @classmethod
    def read(cls, text: str, variant: str = "plain") -> Tokens:
        """variant: "plain"; "homoglyph" (look-alike letters as Latin); "leet" (that, and digits
        or signs inside words read as letters before splitting: P0rn -> Porn); "leet_pieces"
        (split first, then each piece read: Cloud4bducted -> Cloud|a|bducted)."""
        text = strip_marks(text)
        if variant == "leet":
            text = _LEET_WORD.sub(lambda m: _unleet(m.group(0)), text)
        squashed, bounds = "", {0}
        for word in _SPLIT.split(text):
            lettered = any(c.isalpha() for c in word)
            previous = ""
            for piece in pieces(word):
                folded = fold(piece)
                if variant != "plain":
                    folded = folded.translate(HOMOGLYPHS)
                if variant == "leet_pieces" and lettered:
                    folded = folded.translate(LEET)
                folded = "".join(c for c in folded if c.isalnum())
                if not folded:
                    continue
                if previous.isupper() and len(piece) > 1 and piece[0].isupper() and piece[1].islower():
                    bounds.add(len(squashed) + 1)  # "NAZIparade" reads NAZ|Iparade and NAZI|parade
                squashed += folded
                bounds.add(len(squashed))
                previous = piece
        return cls(squashed, tuple(sorted(bounds)))

    def spans(self, longest: int) -> Iterator[tuple[int, int]]:
        """(start, end) of every run of whole pieces up to `longest` letters."""
        for i, start in enumerate(self.bounds):
            for end in self.bounds[i + 1 :]:
                if end - start > longest:
                    break
                yield start, end


def _unleet(word: str) -> str:
    """Digits and signs read as letters, only in a word that has letters (2026 stays a year)."""
    if not any(c.isalpha() for c in word):
        return word
    out: list[str] = []
    for i, char in enumerate(word):
        mapped = char.translate(LEET)
        if mapped != char:  # the case of the letters around it: P0rn -> Porn, P0RN -> PORN
            after = word[i + 1 : i + 2]
            shouting = bool(out) and out[-1].isupper() and not after.islower()
            mapped = mapped.upper() if shouting else mapped
        out.append(mapped)
    return "".join(out)


def squash(phrase: str) -> str:
    """A config term as Tokens store it: "Prime Minister" -> "primeminister"."""
    return Tokens.read(phrase).squashed


class PhraseIndex(Generic[T]):
    """Terms (folded, run together) -> a payload; finds them on piece boundaries."""

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        self.terms: dict[str, T] = {}
        for phrase, payload in entries:
            key = squash(phrase)
            if key:
                self.terms.setdefault(key, payload)
        self.longest = max(map(len, self.terms), default=0)

    def find(self, tokens: Tokens, plurals: bool = False) -> Iterator[tuple[int, int, str, T]]:
        """(start, end, term, payload) of each term made of whole pieces, in text order;
        `plurals`: "GPUs" and "outages" also find "gpu" and "outage"."""
        for start, end in tokens.spans(self.longest + 2):
            text = tokens.squashed[start:end]
            for form in (
                text,
                text[:-1] if plurals and text.endswith("s") else "",
                text[:-2] if plurals and text.endswith("es") else "",
            ):
                if form in self.terms:
                    yield start, end, form, self.terms[form]
                    break
