"""Variety of the example config's copy (issue 12 "Variety figures"), on a smaller run than
bench/variety.py, plus the measures themselves (botx_cli/variety.py). No timing."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from conftest import make_config
from hypothesis import given, settings
from hypothesis import strategies as st

from botx_cli.content.settings import ValidationSettings
from botx_cli.content.validate import rules_from
from botx_cli.content.variety import bleu, distinct, repeated_phrase, report, self_bleu, sentences, tokens
from botx_cli.posting.preview import run_preview
from botx_cli.sections import load_config
from botx_cli.store import open_store

NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")


@pytest.mark.slow
def test_a_week_of_template_posts_is_varied_and_valid(tmp_path: Path) -> None:
    cfg = load_config(str(make_config(tmp_path)))
    items = run_preview(cfg, open_store(tmp_path / "botx.db"), ["A", "B"], 70, NOW)  # 7 days, 2 accounts
    rules = rules_from(cfg)
    days: dict[str, list[str]] = defaultdict(list)
    for item in items:
        days[item.slot[:10]].append(rules.prose(item.text))
    found = report(days)
    assert [i.text for i in items if not i.valid] == []
    assert found["self_bleu_day_max"] <= 0.35, found["self_bleu_day_max"]
    assert found["distinct_3"] >= 0.20
    assert found["repeated_sentences"] == []  # no sentence twice in a day, across both accounts
    assert found["inner_repeats"] == []  # no 3-word phrase twice inside one tweet
    assert (
        max(float(i.notes["near_duplicate"]) for i in items) < cfg.settings(ValidationSettings).near_duplicate_threshold
    )
    assert {i.kind for i in items} == {"offer", "proof", "question"}


def test_bleu_by_hand() -> None:
    hyp = tokens("the gpu is fast")
    assert bleu(hyp, [hyp]) == 1.0
    # 3 of 4 unigrams, 1 of 3 bigrams, no trigram or 4-gram (smoothed to 0.1/2 and 0.1/1); same length
    expected = math.exp((math.log(3 / 4) + math.log(1 / 3) + math.log(0.05) + math.log(0.1)) / 4)
    assert math.isclose(bleu(hyp, [tokens("the gpu was fast")]), expected)
    # brevity penalty: a hypothesis shorter than its reference
    short = tokens("the gpu")
    assert math.isclose(
        bleu(short, [hyp]),
        math.exp(1 - 4 / 2) * math.exp((math.log(1) + math.log(1) + math.log(0.1) + math.log(0.1)) / 4),
    )
    assert tokens("H100 80GB from $2.10/hr, billed.") == ["h100", "80gb", "from", "$2.10/hr", ",", "billed", "."]


@settings(deadline=None, max_examples=100)
@given(st.lists(st.text(st.sampled_from("abc de.$1"), max_size=40), min_size=2, max_size=6))
def test_measures_stay_in_range(texts: list[str]) -> None:
    assert 0.0 <= self_bleu(texts) <= 1.0
    assert 0.0 <= distinct(texts, 3) <= 1.0
    if len(tokens(texts[0])) >= 4:  # identical texts score 1 (shorter ones have no 4-gram to match)
        assert math.isclose(self_bleu([texts[0]] * 3), 1.0)
    for text in texts:
        assert all(s == " ".join(s.split()) for s in sentences(text))
        phrase = repeated_phrase(text)
        assert phrase is None or len(phrase) == 3
