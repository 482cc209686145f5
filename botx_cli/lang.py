"""English detection with langdetect, deterministic and light enough for cron.

langdetect's default factory loads all 55 profiles (~0.2 s, ~50 MB). The check only asks
"is this English?", so we load the Latin-script profiles (~0.06 s) and answer 0 for
text whose letters are mostly not Latin: those languages cannot be English anyway.
A fixed seed makes the verdict the same on every run.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from typing import Any

LATIN_PROFILES = ("af", "ca", "cs", "cy", "da", "de", "en", "es", "et", "fi", "fr", "hr", "hu", "id", "it",
                  "lt", "lv", "nl", "no", "pl", "pt", "ro", "sk", "sl", "so", "sq", "sv", "sw", "tl", "tr", "vi")
SEED = 0


@functools.cache
def _factory() -> Any:
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    profiles = []
    for lang in LATIN_PROFILES:
        with open(os.path.join(PROFILES_DIRECTORY, lang), encoding="utf-8") as handle:
            profiles.append(handle.read())
    factory.load_json_profile(profiles)
    factory.set_seed(SEED)
    return factory


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
