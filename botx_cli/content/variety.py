"""How varied copy is: tokens, n-grams, sentences, BLEU, distinct-n. Pure and stdlib only.

Composition uses the cheap parts on every post (a candidate's sentences and 4-grams against
the day's posts); bench/variety.py and tests/test_variety.py report the figures.

Tokens: casefolded words ("per-second" and "don't" stay whole), prices and figures as one token
("$2.10/hr", "5%", "80gb"), and every other punctuation mark as a token of its own, as BLEU's
usual tokenisers do.

BLEU (Papineni et al., 2002) is written out here rather than taken from NLTK or sacrebleu: it is
twenty lines, and neither package is otherwise needed. `bleu` is sentence-level BLEU-4:
modified (clipped) n-gram precisions for n = 1..4 against all references at once, their
geometric mean with equal weights, times the brevity penalty against the reference length
closest to the hypothesis. A precision with no match is smoothed to 0.1 / count (NLTK's
SmoothingFunction().method1, as Texygen's self-BLEU uses), so one missing 4-gram does not
zero a score. Self-BLEU of a set of texts is the mean BLEU of each against all the others:
1.0 for identical texts, near 0 for unrelated ones.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_TOKEN = re.compile(r"\$?\d+(?:[.,]\d+)*(?:%|[a-z]+)?(?:/[a-z]+)?|\w+(?:['’-]\w+)*|[^\w\s]")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
EPSILON = 0.1


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def words(text: str) -> list[str]:
    """Tokens without punctuation: what counts as a phrase."""
    return [t for t in tokens(text) if t[0].isalnum() or t[0] == "$"]


def ngrams(items: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(items[i : i + n]) for i in range(len(items) - n + 1)]


def sentences(prose: str) -> list[str]:
    """The sentences of a prose, each as its words joined by spaces (case and punctuation folded)."""
    out = []
    for sentence in _SENTENCE.split(prose):
        folded = " ".join(words(sentence))
        if folded:
            out.append(folded)
    return out


def repeated_phrase(prose: str, n: int = 3) -> tuple[str, ...] | None:
    """The first n-word phrase that comes twice in one text, else None."""
    seen: set[tuple[str, ...]] = set()
    for gram in ngrams(words(prose), n):
        if gram in seen:
            return gram
        seen.add(gram)
    return None


def bleu(hypothesis: Sequence[str], references: Sequence[Sequence[str]], order: int = 4) -> float:
    """Sentence BLEU of a token list against reference token lists (see the module docstring)."""
    if not hypothesis or not references:
        return 0.0
    log_sum = 0.0
    for n in range(1, order + 1):
        counts = Counter(ngrams(hypothesis, n))
        total = sum(counts.values())
        if not total:
            log_sum += math.log(EPSILON) / order
            continue
        most: Counter[tuple[str, ...]] = Counter()
        for reference in references:
            for gram, seen in Counter(ngrams(reference, n)).items():
                if seen > most[gram]:
                    most[gram] = seen
        matched = sum(min(seen, most[gram]) for gram, seen in counts.items())
        log_sum += math.log((matched or EPSILON) / total) / order
    length = len(hypothesis)
    closest = min((len(r) for r in references), key=lambda r: (abs(r - length), r))
    penalty = 1.0 if length > closest else math.exp(1 - closest / length)
    return penalty * math.exp(log_sum)


def self_bleu(texts: Sequence[str], order: int = 4) -> float:
    """Mean BLEU of each text against all the others (0.0 for fewer than two texts)."""
    tokenised = [tokens(t) for t in texts]
    if len(tokenised) < 2:
        return 0.0
    scores = [bleu(hyp, tokenised[:i] + tokenised[i + 1 :], order) for i, hyp in enumerate(tokenised)]
    return sum(scores) / len(scores)


def distinct(texts: Sequence[str], n: int = 3) -> float:
    """Distinct-n (Li et al., 2016): distinct word n-grams over all n-grams of the corpus."""
    grams = [g for text in texts for g in ngrams(words(text), n)]
    return len(set(grams)) / len(grams) if grams else 0.0


def report(days: dict[str, list[str]]) -> dict[str, object]:
    """The variety figures of proses grouped by local day (bench/variety.py prints them):
    self-BLEU-4 per day (mean and worst), corpus distinct-3 and distinct-2, the sentences
    repeated within a day (across every account), and the texts holding a 3-word phrase twice."""
    proses = [p for texts in days.values() for p in texts]
    day_bleu = {day: self_bleu(texts) for day, texts in days.items()}
    repeated = []
    for day, texts in days.items():
        seen: Counter[str] = Counter(s for text in texts for s in set(sentences(text)))
        repeated += [(day, s, n) for s, n in seen.items() if n > 1]
    return {
        "posts": len(proses),
        "days": len(days),
        "self_bleu_day_mean": sum(day_bleu.values()) / len(day_bleu) if day_bleu else 0.0,
        "self_bleu_day_max": max(day_bleu.values(), default=0.0),
        "distinct_3": distinct(proses, 3),
        "distinct_2": distinct(proses, 2),
        "vocabulary": len({w for p in proses for w in words(p)}),
        "repeated_sentences": repeated,
        "inner_repeats": [(p, repeated_phrase(p)) for p in proses if repeated_phrase(p)],
    }
