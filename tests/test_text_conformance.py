"""botx_cli.text against twitter-text's own conformance suite (tests/fixtures/twitter-text).

Every case of the sections botx relies on is a test of its own, named by its description.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from botx_cli import text as tt

FIXTURES = Path(__file__).parent / "fixtures" / "twitter-text"


def _load(name: str) -> dict[str, list[dict]]:
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))["tests"]


VALIDATE = _load("validate.yml")
EXTRACT = _load("extract.yml")
TLDS = _load("tlds.yml")


def cases(suite: dict[str, list[dict]], *sections: str) -> list:
    return [
        pytest.param(case, id=f"{section}: {case['description']}") for section in sections for case in suite[section]
    ]


# -- validate.yml: weighted length and the rest of parseTweet ---------------------------------

FIELDS = {  # validate.yml's camelCase keys -> ParseResult attributes
    "weightedLength": "weighted_length",
    "valid": "valid",
    "permillage": "permillage",
    "displayRangeStart": "display_range_start",
    "displayRangeEnd": "display_range_end",
    "validRangeStart": "valid_range_start",
    "validRangeEnd": "valid_range_end",
}


@pytest.mark.parametrize(
    "case", cases(VALIDATE, "WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest")
)
def test_parse_tweet(case: dict) -> None:
    result = tt.parse_tweet(case["text"])
    got = {key: getattr(result, attr) for key, attr in FIELDS.items()}
    assert got == case["expected"]
    assert tt.weighted_length(case["text"]) == case["expected"]["weightedLength"]


@pytest.mark.parametrize("case", cases(VALIDATE, "hashtags"))
def test_is_valid_hashtag(case: dict) -> None:
    assert tt.is_valid_hashtag(case["text"]) is case["expected"]


def test_config_is_v3() -> None:
    """The constants in botx_cli.text are config/v3.json's."""
    config = json.loads((FIXTURES / "config" / "v3.json").read_text(encoding="utf-8"))
    assert config["maxWeightedTweetLength"] == tt.MAX_WEIGHTED_LENGTH
    assert config["scale"] == tt._SCALE
    assert config["defaultWeight"] == tt._DEFAULT_WEIGHT
    assert config["transformedURLLength"] * config["scale"] == tt._URL_WEIGHT
    assert config["emojiParsingEnabled"] is True
    assert tuple((r["start"], r["end"], r["weight"]) for r in config["ranges"]) == tt._WEIGHT_RANGES


# -- extract.yml: hashtags ----------------------------------------------------------------------


@pytest.mark.parametrize("case", cases(EXTRACT, "hashtags", "hashtags_from_astral"))
def test_extract_hashtags(case: dict) -> None:
    assert tt.extract_hashtags(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", cases(EXTRACT, "hashtags_with_indices"))
def test_extract_hashtags_with_indices(case: dict) -> None:
    expected = [(e["hashtag"], *e["indices"]) for e in case["expected"]]
    assert tt.extract_hashtags_with_indices(case["text"]) == expected


# -- extract.yml and tlds.yml: URLs (what the weighted length counts as 23) ---------------------


@pytest.mark.parametrize("case", cases(EXTRACT, "urls", "tco_urls_with_params") + cases(TLDS, "country", "generic"))
def test_extract_urls(case: dict) -> None:
    assert tt.extract_urls(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", cases(EXTRACT, "urls_with_indices", "urls_with_directional_markers"))
def test_extract_urls_with_indices(case: dict) -> None:
    expected = [(e["url"], *e["indices"]) for e in case["expected"]]
    assert tt.extract_urls_with_indices(case["text"]) == expected


def test_tld_module_is_up_to_date() -> None:
    """botx_cli/_tlds.py is what tools/gen_tlds.py makes of the committed tlds.yml."""
    import importlib.util

    script = Path(__file__).parents[1] / "tools" / "gen_tlds.py"
    spec = importlib.util.spec_from_file_location("gen_tlds", script)
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.TARGET.read_text(encoding="utf-8") == gen.render(gen.load())
