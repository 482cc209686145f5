"""Brand safety: does any text of a trend touch a topic a promotional account stays out of?

Every policy, `any` included, runs this on the trend's name and hashtag (clean.py) and on
every headline its source gives (a trend is unsafe whatever its name when its news is an
arrest or a death). The lists live in blacklist.py; reading text is words.py's job.

A text is read as written, with Cyrillic/Greek look-alike letters as Latin (#PоrnHubPremium),
and with leetspeak digits as letters too, before and after splitting it into pieces (#P0rnGPU,
#Cloud4bducted). Each reading is searched for terms made of whole words or CamelCase pieces,
then for the "*" terms inside run-together words; a hit that lies inside an allowed word
(#Cockpit, #Scunthorpe) is no hit. Leetspeak is only trusted for terms of 4 letters or more
("A55" is a phone, not a slur); in a text written in it, where the writer forges the case too
(#GPUA53sinada), every such term is also looked for inside words.
Stdlib only, pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from botx_cli.trends.words import PhraseIndex, Tokens, squash, strip_invisible

VARIANTS = ("plain", "homoglyph", "leet", "leet_pieces")
LEET_MIN_LETTERS = 4


@dataclass(frozen=True)
class Hit:
    category: str
    term: str  # as the list writes it

    def reason(self, where: str = "") -> str:
        """ "blacklist:nsfw (porn)"; with `where`, the text it was found in."""
        return f"blacklist:{self.category} ({self.term}{', ' + where if where else ''})"


class SafetyMatcher:
    def __init__(
        self, categories: Mapping[str, Iterable[str]], extra: Iterable[str] = (), allow: Iterable[str] = ()
    ) -> None:
        words: list[tuple[str, Hit]] = []
        self.run_together: dict[str, Hit] = {}
        exact: list[str] = []
        self.exact_hits: dict[str, Hit] = {}
        for category, entries in [*categories.items(), ("custom", extra)]:
            for entry in entries:
                term = entry.strip().rstrip("*").strip()
                if term.startswith("="):  # accents kept: matched on the casefolded text as written
                    term = term[1:].strip()
                    if term:
                        self.exact_hits.setdefault(term.casefold(), Hit(category, term))
                        exact.append(term.casefold())
                    continue
                hit = Hit(category, term)
                words.append((term, hit))
                key = squash(term)
                if entry.strip().endswith("*") and key:
                    self.run_together.setdefault(key, hit)
        self.words = PhraseIndex(words)
        self.exact = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, exact)) + r")(?!\w)") if exact else None
        self.pattern = _lookahead(self.run_together)
        # In a text written in leetspeak the case that marks CamelCase is the writer's to forge
        # (#GPUA53sinada): there every term of 4+ letters is looked for inside words too.
        self.leet_hits = {
            **{k: h for k, h in self.words.terms.items() if len(k) >= LEET_MIN_LETTERS},
            **self.run_together,
        }
        self.leet_pattern = _lookahead(self.leet_hits)
        self.allow = tuple(dict.fromkeys(k for k in map(squash, allow) if k))

    def check(self, text: str) -> Hit | None:
        """The first unsafe term in `text`, or None."""
        if self.exact is not None:
            found = self.exact.search(strip_invisible(text).casefold())
            if found:
                return self.exact_hits[found.group(1)]
        seen: set[Tokens] = set()
        for variant in VARIANTS:
            tokens = Tokens.read(text, variant)
            if tokens in seen:
                continue  # nothing looked like anything else: same reading, same answer
            seen.add(tokens)
            hit = self._find(tokens, variant.startswith("leet"))
            if hit:
                return hit
        return None

    def _find(self, tokens: Tokens, leet: bool) -> Hit | None:
        allowed = self._allowed_spans(tokens)
        min_letters = LEET_MIN_LETTERS if leet else 1
        for start, end, term, hit in self.words.find(tokens):
            if len(term) >= min_letters and not _inside(start, end, allowed):
                return hit
        pattern, hits = (self.leet_pattern, self.leet_hits) if leet else (self.pattern, self.run_together)
        for match in pattern.finditer(tokens.squashed) if pattern is not None else ():
            term = match.group(1)
            start, end = match.start(), match.start() + len(term)
            if len(term) >= min_letters and not _inside(start, end, allowed):
                return hits[term]
        return None

    def _allowed_spans(self, tokens: Tokens) -> list[tuple[int, int]]:
        """Where allowed words are: inside one piece ("bigcockpitday") or whole pieces
        ("#BigCockpitDay"), never straddling pieces ("#StarsNigger" is no "snigger")."""
        spans = []
        bounds = set(tokens.bounds)
        for word in self.allow:
            at = tokens.squashed.find(word)
            while at >= 0:
                end = at + len(word)
                if {at, end} <= bounds or not any(at < b < end for b in bounds):
                    spans.append((at, end))
                at = tokens.squashed.find(word, at + 1)
        return spans


def _lookahead(terms: Mapping[str, Hit]) -> re.Pattern[str] | None:
    """One pattern finding every term, overlapping ones included; longest first, so "pornhub"
    is read before "porn"."""
    keys = sorted(terms, key=len, reverse=True)
    return re.compile("(?=(" + "|".join(map(re.escape, keys)) + "))") if keys else None


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(low <= start and end <= high for low, high in spans)
