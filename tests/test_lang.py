"""The precomputed langdetect table gives langdetect's own answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from botx_cli.content import lang

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    "Pay by the second, not by the month. H100 80GB from $2.10/hr.",
    "Scale from zero to a cluster when traffic spikes.",
    "Payez à la seconde, pas au mois. Des GPU pour vos modèles.",
    "Zahlen Sie pro Sekunde, nicht pro Monat. GPUs für Ihre Modelle.",
    "Paga por segundo, no por mes. GPUs para tus modelos.",
    "Real engineers answer your tickets, even at night.",
    "Saatlik ödeme yapın, aylık değil.",
    "Bayar per detik, bukan per bulan.",
    "GPU GPU GPU",
]


def slow_probability(text: str) -> float:
    from langdetect.detector_factory import DetectorFactory

    factory = DetectorFactory()
    lang._load_profiles(factory)
    factory.set_seed(lang.SEED)
    detector = factory.create()
    detector.append(text)
    return next((p.prob for p in detector.get_probabilities() if p.lang == "en"), 0.0)


@pytest.mark.slow
@pytest.mark.parametrize("text", SAMPLES)
def test_table_matches_langdetect_profiles(text: str) -> None:
    try:
        expected = slow_probability(text)
    except Exception:  # langdetect: no features in text
        expected = 0.0
    assert lang.english_probability(text) == pytest.approx(expected, abs=1e-4)


def test_english_and_not_english() -> None:
    assert lang.english_probability(SAMPLES[0]) > 0.9
    assert lang.english_probability(SAMPLES[2]) < 0.1
    assert lang.english_probability("Платите посекундно, а не помесячно.") == 0.0


def test_packaged_table_is_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_langdata.py"), "--check"],
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stdout + done.stderr
