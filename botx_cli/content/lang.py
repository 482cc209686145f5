"""English detection with langdetect, deterministic and light enough for cron.

langdetect's default factory parses all 55 JSON profiles (~0.2 s, ~50 MB). The check only
asks "is this English?", so botx uses the 31 Latin-script profiles, precomputed into a
memory-mapped table (tools/gen_langdata.py: ~2 ms instead of ~70 ms), and answers 0 for
text whose letters are mostly not Latin: those languages cannot be English anyway.
A fixed seed makes the verdict the same on every run.
"""

from __future__ import annotations

import functools
import json
import mmap
import os
import sys
import unicodedata
from array import array
from pathlib import Path
from typing import Any

LATIN_PROFILES = (
    "af",
    "ca",
    "cs",
    "cy",
    "da",
    "de",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "hr",
    "hu",
    "id",
    "it",
    "lt",
    "lv",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "so",
    "sq",
    "sv",
    "sw",
    "tl",
    "tr",
    "vi",
)
SEED = 0


DATA = Path(__file__).parent.parent / "data" / "langdetect-latin.bin"


class _ProbabilityTable:
    """langdetect's word -> per-language probabilities, read from the precomputed table
    (tools/gen_langdata.py) instead of parsing JSON profiles: the Detector only needs
    `in` and `[]`, and a memoryview row answers both without building 24k lists."""

    def __init__(self, index: dict[str, int], rows: memoryview[float], width: int) -> None:
        self.index, self.rows, self.width = index, rows, width

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> memoryview[float]:
        start = self.index[word] * self.width
        return self.rows[start : start + self.width]


def _table() -> tuple[list[str], _ProbabilityTable]:
    with DATA.open("rb") as handle:
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    end = data.find(b"\n")
    header = json.loads(data[:end])
    names_end = end + 1 + header["names_bytes"]
    words = data[end + 1 : names_end].decode("utf-8").split("\x00")
    start = names_end + (-names_end) % 4
    rows = memoryview(data)[start:].cast("f")
    if sys.byteorder != "little":  # pragma: no cover - the file is little-endian
        swapped = array("f", rows.tobytes())
        swapped.byteswap()
        rows = memoryview(swapped)
    return header["langs"], _ProbabilityTable({w: i for i, w in enumerate(words)}, rows, len(header["langs"]))


@functools.cache
def _factory() -> Any:
    from langdetect.detector_factory import DetectorFactory

    factory = DetectorFactory()
    try:
        factory.langlist, factory.word_lang_prob_map = _table()
    except (OSError, ValueError, KeyError):  # a broken install: build it the slow way
        _load_profiles(factory)
    factory.set_seed(SEED)
    return factory


def _load_profiles(factory: Any) -> None:
    from langdetect.detector_factory import PROFILES_DIRECTORY

    profiles = []
    for lang in LATIN_PROFILES:
        with open(os.path.join(PROFILES_DIRECTORY, lang), encoding="utf-8") as handle:
            profiles.append(handle.read())
    factory.load_json_profile(profiles)


def latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum("LATIN" in unicodedata.name(c, "") for c in letters) / len(letters)


def english_probability(text: str) -> float:
    """Probability in [0, 1] that `text` is English."""
    from langdetect.lang_detect_exception import LangDetectException

    if latin_share(text) < 0.5:
        return 0.0
    detector = _factory().create()
    detector.append(text)
    try:
        probabilities = detector.get_probabilities()
    except LangDetectException:  # no usable features (digits, symbols only)
        return 0.0
    return next((p.prob for p in probabilities if p.lang == "en"), 0.0)
