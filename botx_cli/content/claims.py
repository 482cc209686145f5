"""The editorial check of a model's copy: what a careful marketer would refuse to ship.

Pure functions of the copy, the fact sheet (built from config) and the plan's facts, no I/O,
stdlib only. A copy may state only what those say: every price, number, product or model
name must be found there; the planned offer appears as given (price and unit exact); the
trend is named when the tweet is tagged with it. It may not promise (guarantees, "100%"),
name a competitor, touch politics or tragedy, bait engagement ("RT if"), use a hype word,
carry more emoji than allowed, or spell the site out ("voltagegpu dot com"). Each problem is
said as "it ..." so the model can be told what to fix. `score` ranks the copies that pass.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from botx_cli.text import count_emoji

# A price as a reader sees one: "$2.10", "$ 2", "2.10 USD", "5 dollars", "€3".
_PRICE = re.compile(
    r"[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:usd|dollars?|bucks|cents?|eur|euros?)\b", re.IGNORECASE
)
# A price with its unit, as an offer's wording gives it: "$2.10/hr", "$0.35/M tokens", "$9 a month".
_QUOTE = re.compile(r"\$\d[\d,]*(?:\.\d+)?(?:\s?/\s?[A-Za-z][\w-]*(?: tokens?)?|\s(?:per|an?|each)\s[A-Za-z][\w-]*)?")
# A word: letters and digits, with inner dots, hyphens, apostrophes ("3.1", "OpenAI-compatible", "it's").
_TOKEN = re.compile(r"[^\W_](?:[\w.'’+-]*[^\W_])?")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
# fmt: off
_NUMBER_WORDS = frozenset(
    ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions", "twice", "double", "triple", "tenfold"]
)
# fmt: on
# Capitalised words any post may use without a source: pronouns, days, months, the field's acronyms.
# fmt: off
_COMMON_NAMES = frozenset(
    ["i", "i'm", "i've", "i'll", "i'd", "ai", "ml", "gpu", "gpus", "cpu", "cpus", "api", "apis", "llm", "llms", "sdk", "cli", "faq", "eta", "ok", "okay", "url", "urls", "ssh", "vm", "vms", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
)
# fmt: on
_SENTENCE_END = frozenset('.!?:;\n"“(—–-…')

GUARANTEES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bguarantee[ds]?\b",
        r"\bwarrant(?:y|ies|ied)\b",
        r"\b100\s?%",
        r"\b(?:zero|no)[ -](?:downtime|risk|outages?)\b",
        r"\bnever (?:goes|go|went|going) (?:down|offline)\b",
        r"\bnever (?:fails?|crash(?:es)?|breaks?)\b",
        r"\balways (?:up|on|online|available)\b",
        r"\brisk[- ]free\b",
        r"\bpromise[ds]?\b",
        r"\bunlimited\b",
        r"\bforever\b",
    )
)
# fmt: off
BAIT = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(?:rt|retweet|repost)\s+(?:if|this|to)\b",
        r"\blike\s+if\b",
        r"\blike\s*(?:and|&|\+|,)\s*(?:follow|retweet|rt|share|repost|subscribe)\b",
        r"\bfollow\s+(?:us|me)\b",
        r"\btag\s+(?:a|your|some|\d+|two|three)?\s*(?:friends?|someone|mates?|buddy|buddies|teammates?|colleagues?|devs?)\b",
        r"\bshare\s+(?:if|this post|this with)\b",
        r"\bsmash\s+(?:that|the)\b",
        r"\bcomment\s+(?:below|with)\b",
        r"\bdrop\s+(?:a|an|your)\s+\S+\s+(?:below|in the (?:comments|replies))\b",
        r"\breply\s+with\b",
        r"\bturn on (?:post )?notifications\b",
        r"\bgiveaway\b",
    )
)
# fmt: on
_SPELLED_SITE = re.compile(
    r"\b\w+\s*[(\[{]?\s*dot\s*[)\]}]?\s*(?:com|net|org|io|ai|dev|co|app|cloud|gg|xyz)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class OfferFact:
    item: str  # "H100 80GB"
    text: str  # as the plan words it: "H100 80GB from $2.10/hr"
    price: str  # "$2.10" ("" when the wording has no price)
    quote: str  # the price with its unit, exactly as given: "$2.10/hr"


def offer_fact(item: str, text: str) -> OfferFact:
    quote = _QUOTE.search(text)
    price = _PRICE.search(text)
    return OfferFact(item, text, _compact(price.group()) if price else "", quote.group() if quote else "")


@dataclass(frozen=True)
class FactSheet:
    """What the product is and sells, from config: the only facts a copy may state."""

    product: str
    description: str = ""
    audience: str = ""
    does: tuple[str, ...] = ()
    does_not: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()  # the config's own claims ([[angles]] lines): true, so quotable
    offers: tuple[OfferFact, ...] = ()
    competitors: tuple[str, ...] = ()
    hype_words: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()  # politics, tragedy, nsfw, hate terms ([trends] blacklist)
    max_emoji: int = 1
    site: str = ""  # the product's host, "voltagegpu.com"

    def texts(self) -> tuple[str, ...]:
        """Where a number or a name may come from (what it does not do counts: it may be denied)."""
        return (
            self.product,
            self.description,
            self.audience,
            *self.does,
            *self.does_not,
            *self.lines,
            *(o.text for o in self.offers),
            self.site,
        )


@dataclass(frozen=True)
class PlanFacts:
    """What this post's plan adds: its kind, offer, the trend it is tagged with, and its texts."""

    kind: str = "offer"  # offer | proof | question
    offer: OfferFact | None = None
    trend: str = ""  # the trend's words when the tweet carries its tag ("" = no trend)
    trend_tag: str = ""  # "#MysticsVsFever"
    texts: tuple[str, ...] = ()  # angle line, hook, trend words and headlines, occasion lines
    own: tuple[str, ...] = ()  # of those, the config's own sentences (angle line, hook, occasion lines)


def problems(copy: str, sheet: FactSheet, plan: PlanFacts) -> list[str]:
    """Every reason this copy cannot be shipped, said so the model can fix it; [] when fine."""
    found = [
        *_banned(copy, sheet, plan),
        *_prices(copy, sheet, plan),
        *_numbers(copy, sheet, plan),
        *_names(copy, sheet, plan),
        *_plan(copy, sheet, plan),
    ]
    return list(dict.fromkeys(found))


def score(copy: str, nearest: float, budget: int, plan: PlanFacts) -> float:
    """Higher is better, deterministic: far from recent posts first, then a length that reads
    well (about 70 % of the budget), then the offer used when it was optional, fewer emoji."""
    length = len(copy)
    fit = max(0.0, 1.0 - abs(length - 0.7 * budget) / max(budget, 1))
    offered = bool(plan.offer and plan.offer.quote and plan.offer.quote in copy)
    return round((1.0 - nearest) + 0.5 * fit + 0.1 * offered - 0.05 * count_emoji(copy), 6)


# -- the rules ----------------------------------------------------------------------------------


def _banned(copy: str, sheet: FactSheet, plan: PlanFacts) -> list[str]:
    out = []
    # The config's own sentences were written by the operator: a term they use ("a node dies
    # mid-run") is theirs to say, so only terms absent from the plan's config texts are refused.
    said = _joined(" \n ".join(plan.own))
    if _shouting(copy):
        out.append("it is shouting (too many capital letters); write in sentence case")
    if "{" in copy or "}" in copy:
        out.append('it is not plain copy (it has braces); put only the post\'s words in "copy"')
    words = _joined(copy)
    for label, patterns in (("promises a guarantee", GUARANTEES), ("asks for engagement", BAIT)):
        hit = next((m.group() for p in patterns for m in [p.search(copy)] if m), None)
        if hit:
            out.append(f'it {label} ("{hit.strip()}"); state plain facts')
    # the trend the post rides may carry a competitor's name ("AWS outage"): naming the news is
    # not naming the rival, so the trend's own words are left out of this one check
    beside_trend = _joined(re.sub(re.escape(plan.trend), " ", copy, flags=re.I)) if plan.trend else words
    rivals = [c for c in sheet.competitors if _has_phrase(beside_trend, c)]
    if rivals:
        out.append(f"it names a competitor ({rivals[0]}); never name or attack competitors")
    touchy = [t for t in sheet.sensitive if _has_phrase(words, t) and not _has_phrase(said, t)]
    if touchy:
        out.append(f'it touches politics, tragedy or other sensitive news ("{touchy[0]}"); stay off those topics')
    hype = [h for h in sheet.hype_words if _has_phrase(words, h, inflected=True)]
    if hype:
        out.append(f"it uses hype words ({', '.join(hype[:3])}); say what the product does plainly")
    denied = [d for d in sheet.does_not if _has_phrase(words, d)]
    if denied:
        out.append(f"it mentions something the product does not do ({denied[0]})")
    emoji = count_emoji(copy)
    if emoji > sheet.max_emoji:
        out.append(f"it has {emoji} emoji; at most {sheet.max_emoji}")
    if _spells_site(copy, sheet.site):
        out.append("it spells out the website; the link is added after your text")
    return out


def _prices(copy: str, sheet: FactSheet, plan: PlanFacts) -> list[str]:
    offer = plan.offer
    out = []
    marks = _item_marks(sheet)
    own = {_compact(m.group()) for text in plan.own for m in _PRICE.finditer(text)}  # a proof line's figure
    for match in _PRICE.finditer(copy):
        price = _compact(match.group())
        if price in own and not (offer and price == offer.price):
            continue
        owner = _last_item_before(copy[: match.start()], marks)
        if offer and owner and owner != offer.item:
            out.append(f"it gives {match.group().strip()} to {owner}; that price is the {offer.item}'s only")
        elif not offer or not offer.price:
            out.append(f"it quotes a price ({match.group().strip()}) this post has no offer for")
        elif price != offer.price:
            out.append(
                f"it quotes {match.group().strip()}; the only price it may give is the planned offer's "
                f"({offer.quote or offer.price})"
            )
        elif offer.quote and offer.quote not in copy:
            out.append(f"it gives the price without its exact unit; write it exactly as {offer.quote}")
    return out


def _numbers(copy: str, sheet: FactSheet, plan: PlanFacts) -> list[str]:
    """Standalone numbers (prices are judged above) and number words must come from a source."""
    sources = (*sheet.texts(), *plan.texts, plan.offer.text if plan.offer else "")
    allowed = _source_numbers(sources)
    priced = _blank_prices(copy)
    invented = [m.group() for m in _NUMBER.finditer(priced) if _number(m.group()) not in allowed]
    source_words = _source_words(sources)
    invented += [w for w in _words(priced) if w in _NUMBER_WORDS and w not in source_words]
    if invented:
        return [f"it states a number that is in no fact given ({invented[0]}); use only the fact sheet's figures"]
    return []


def _names(copy: str, sheet: FactSheet, plan: PlanFacts) -> list[str]:
    """Model and product names (a word with digits, an acronym, a capitalised word mid-sentence)
    must come from the fact sheet or the plan: an unknown one is a product not sold or a claim."""
    sources = (*sheet.texts(), *plan.texts, plan.offer.text if plan.offer else "", plan.trend)
    known = _source_tokens(sources) | _COMMON_NAMES
    rivals = {w for c in sheet.competitors for w in _words(c)}
    if _shouting(copy):  # every word would look like a name: said once, as shouting
        return []
    for match in _TOKEN.finditer(_blank_prices(copy)):
        token = match.group()
        folded = token.casefold()
        if not _name_like(token, _starts_sentence(copy, match.start())) or folded in rivals:
            continue
        if not any(form in known for form in _forms(folded)):
            return [f"it names {token}, which is in no fact given; name only products and models of the fact sheet"]
    return []


def _plan(copy: str, sheet: FactSheet, plan: PlanFacts) -> list[str]:
    out = []
    if plan.trend and not _names_trend(copy, plan):
        out.append(f"it does not name the trend it is tagged with ({plan.trend}); name it in the copy")
    offer = plan.offer
    if plan.kind == "offer" and offer:
        words = {t.casefold() for t in _TOKEN.findall(copy)}
        missing = [t for t in _TOKEN.findall(offer.item) if _name_like(t, True) and t.casefold() not in words]
        if (offer.quote and offer.quote not in copy) or missing:
            out.append(f'it leaves out the offer as given; include "{offer.text}" with its exact price and unit')
    if plan.kind == "question" and "?" not in copy:
        out.append("it asks the reader no question; this post is a question to the reader")
    return out


# -- helpers ------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Casefolded, accents off, every run of non-alphanumerics one space (hyphens too)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def _words(text: str) -> tuple[str, ...]:
    return tuple(_fold(text).split())


def _joined(text: str) -> str:
    """The folded words, space-separated and padded, for whole-phrase look-ups."""
    return f" {_fold(text)} "


def _has_phrase(joined: str, phrase: str, inflected: bool = False) -> bool:
    """The phrase's words appear in a row in `joined` (see _joined); `inflected`: the last
    may end in s/es/d/ed/ing ("unleashed", "game changers")."""
    return _phrase_pattern(phrase, inflected).search(joined) is not None


@functools.lru_cache(maxsize=4096)  # the same banned lists are looked up for every copy
def _phrase_pattern(phrase: str, inflected: bool) -> re.Pattern[str]:
    key = _fold(phrase)
    if not key:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(f" {re.escape(key)}{'(?:s|es|d|ed|ing)?' if inflected else ''} ")


@functools.lru_cache(maxsize=64)
def _source_numbers(sources: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_number(m.group()) for text in sources for m in _NUMBER.finditer(text))


@functools.lru_cache(maxsize=64)
def _source_words(sources: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for text in sources for w in _words(text))


@functools.lru_cache(maxsize=64)
def _source_tokens(sources: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t.casefold() for text in sources for t in _TOKEN.findall(text))


def _spells_site(copy: str, site: str) -> bool:
    if _SPELLED_SITE.search(copy):
        return True
    label = site.casefold().removeprefix("www.").split(".")[0]
    if not label:
        return False
    return (
        re.search(
            rf"\b{re.escape(label)}\s*(?:[.,·•]|\s)\s*(?:com|net|org|io|ai|dev|co|app|cloud)\b", copy, re.IGNORECASE
        )
        is not None
    )


def _names_trend(copy: str, plan: PlanFacts) -> bool:
    flat = _fold(copy).replace(" ", "")
    names = (plan.trend, plan.trend_tag.lstrip("#"))
    return any(_fold(name).replace(" ", "") in flat for name in names if _fold(name))


def _item_marks(sheet: FactSheet) -> dict[str, str]:
    """Each offer's own name tokens (casefolded) -> its item: "h100" -> "H100 80GB" ("80GB",
    shared with the A100, marks neither)."""
    tokens = {o.item: {t.casefold() for t in _TOKEN.findall(o.item) if _name_like(t, False)} for o in sheet.offers}
    marks = {}
    for item, own in tokens.items():
        for token in own - {t for other, theirs in tokens.items() if other != item for t in theirs}:
            marks[token] = item
    return marks


def _last_item_before(text: str, marks: dict[str, str]) -> str:
    """The offer named last in `text`: the one a price right after it is read as belonging to."""
    found = [marks[t.casefold()] for t in _TOKEN.findall(text) if t.casefold() in marks]
    return found[-1] if found else ""


def _blank_prices(copy: str) -> str:
    """The copy with its prices blanked out, every other character where it was."""
    return _PRICE.sub(lambda m: " " * len(m.group()), copy)


def _compact(price: str) -> str:
    return re.sub(r"\s+", "", price).casefold()


def _number(text: str) -> str:
    """Comparable form: thousands commas off, trailing decimal zeros off ("2.10" == "2.1")."""
    text = text.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text) else text.replace(",", ".")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _shouting(copy: str) -> bool:
    letters = [c for c in copy if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.5 * len(letters)


def _has_digit(token: str) -> bool:
    return any(c.isdigit() for c in token)


def _name_like(token: str, sentence_start: bool) -> bool:
    """A word that names something: letters with digits (H100, 70B), two capitals or more
    (AWS, DeepSeek), or a capital mid-sentence (Blackwell)."""
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return False
    if _has_digit(token) or sum(c.isupper() for c in letters) >= 2:
        return True
    return letters[0].isupper() and not sentence_start


def _starts_sentence(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_END


def _forms(folded: str) -> tuple[str, ...]:
    """A word and its plural or possessive's stem: "H100s" and "GPUs'" are their names."""
    forms = [folded]
    for suffix in ("'s", "’s", "s'", "’", "'", "es", "s"):
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            forms.append(folded[: -len(suffix)])
    return tuple(forms)
