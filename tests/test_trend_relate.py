"""Relevance by meaning (botx_cli/trends/relate.py): terms of the product's field in a trend's
name and headlines, on the example config, each hit explained."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botx_cli.sections import load_config
from botx_cli.trends.relate import Vocabulary
from botx_cli.trends.settings import TrendSettings
from botx_cli.trends.sources.base import Headline
from botx_cli.trends.sources.google_rss import parse as parse_google_rss

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "botx_cli" / "example_config.toml"
TECH_FEED = ROOT / "tests" / "fixtures" / "trend-pages" / "google-trends-trending-rss-tech-HANDMADE.xml"
CFG = load_config(str(EXAMPLE))
CONF = CFG.settings(TrendSettings)
VOCABULARY = Vocabulary.of(
    CFG.product.name, CFG.product.keywords, [o.item for o in CFG.content.offers], CFG.hashtags.domain, CONF.related
)
FLOOR = CONF.min_relevance


def judge(name: str, *headlines: str, hashtag: str = "") -> tuple[float, tuple[str, ...], str]:
    found = VOCABULARY.judge(name, hashtag or "#" + name.replace(" ", ""), [Headline(h) for h in headlines], FLOOR)
    return found.score, found.matched, found.reason


# The measurements: TF-IDF scored these 0.11, 0.07, 0.03, 0.03 (spelling overlap).
@pytest.mark.parametrize(
    ("name", "headline", "why"),
    [
        ("AWS outage", "", "AWS"),
        ("GPT-6", "", "GPT"),
        ("Jensen Huang", "", "Jensen Huang"),
        ("Blackwell Ultra", "", "Blackwell Ultra"),
        ("us-east-1", "AWS outage takes down thousands of sites", "AWS (headline)"),
        ("Downdetector", "Downdetector spikes as AWS problems ripple across the web", "AWS (headline)"),
        ("The keynote", "Nvidia CEO Jensen Huang unveils Rubin at GTC", "Nvidia (headline)"),
        ("Stargate", "OpenAI and Oracle expand Stargate with two more data centers", "OpenAI (headline)"),
        ("#NvidiaEarnings", "", "Nvidia"),
        ("#GPUShortage", "", "GPU"),
        ("#H100s", "", "H100"),
        ("ChatGPT down", "", "ChatGPT"),
        ("Cloud outage", "", "outage"),  # two field words in the name: cloud and outage
    ],
)
def test_the_field_qualifies_by_name_or_headline(name: str, headline: str, why: str) -> None:
    score, matched, reason = judge(name, *([headline] if headline else []))
    assert score > FLOOR and why in matched and reason.startswith("relevant: "), (score, matched, reason)


@pytest.mark.parametrize(
    ("name", "headline"),
    [
        ("Taylor Swift", "Taylor Swift announces new album and tour dates"),
        ("Lakers vs Warriors", "Lakers beat Warriors 118-112 as LeBron James scores 30"),
        ("Mystics vs Fever", "FINAL: Indiana Fever take down Washington Mystics, Caitlin Clark ..."),
        ("Kendrick Lamar", "After Drake battle, Kendrick Lamar turns victory lap concert into LA ..."),
        ("Pope Leo", "Pope Leo XIV celebrates Mass for the feast of Christ the King"),
        ("Virginia governor race", "Election results: Virginia governor race too close to call"),
        ("Gemini horoscope", "Gemini horoscope today: love, career and money"),  # "gemini" is written as a field word
        ("Cloud9", "Cloud9 sweeps Sentinels to reach the Valorant Champions final"),  # one field word: cloud
        ("Power outage", "Storm leaves 200,000 without power"),  # one field word: outage
        ("Top model", ""),  # one field word: model
        ("Black Friday deals", "The best early Black Friday deals on TVs, laptops and AirPods"),
    ],
)
def test_celebrities_sports_religion_politics_and_lone_field_words_do_not(name: str, headline: str) -> None:
    score, matched, reason = judge(name, *([headline] if headline else []))
    assert score <= FLOOR and reason.startswith("not relevant: "), (score, matched, reason)


def test_weights_say_where_and_what() -> None:
    assert judge("Nvidia")[0] == 1.0  # a name in the trend's own name
    assert judge("Big week", "Nvidia shares jump")[:2] == (0.5, ("Nvidia (headline)",))
    assert judge("Outage")[:2] == (0.15, ("outage",))
    assert judge("Big week", "an outage at a cloud region")[0] == pytest.approx(0.2)  # two words, both headlines
    assert judge("Outage", "a cloud region went dark")[0] == pytest.approx(0.25)
    score, matched, reason = judge("AWS outage", "Amazon Web Services recovers")
    assert matched[0] == "AWS" and "outage" in matched and score == 1.0  # each term counted once, where it weighs most
    assert reason == "relevant: " + ", ".join(matched)
    assert judge("Taylor Swift", "A concert")[2] == (
        "not relevant: no term of the product's field in its name or 1 headline(s)"
    )
    assert judge("Juliet")[2] == "not relevant: no term of the product's field in its name or 0 headline(s)" or judge(
        "Juliet"
    )[2].endswith("(the source gives no headlines)")
    assert "needs a second term" in judge("Outage")[2]


def test_aliases_plurals_camel_case_and_the_products_own_words() -> None:
    assert judge("Amazon Web Services down")[1][0] == "AWS"  # an alias reports its entry's first name
    assert judge("#BlackwellUltraGPUs")[1][:2] == ("Blackwell", "Blackwell Ultra")
    assert "GPU" in judge("GPUs everywhere")[1]
    assert "VoltageGPU" in judge("VoltageGPU")[1]  # the product's name
    assert "H100 80GB" in judge("H100 80GB")[1] and "H100" in judge("#H100Shortage")[1]  # offers and their models
    assert "CloudGPU" in judge("Cloud GPU prices")[1]  # a domain hashtag read as words
    assert judge("nvidia's new chip")[1][:1] == ("Nvidia",)  # case and the possessive fold away
    assert judge("Gemini 3", "Google releases Gemini 3")[0] <= FLOOR  # written "gemini": needs a second term
    assert judge("Gemini 3", "Google releases the Gemini 3 model")[0] > FLOOR  # a second field word
    assert judge("Gemini 3", "Google DeepMind releases Gemini 3")[0] > FLOOR  # a name


def test_related_entries_decide_names_and_words(tmp_path: Path) -> None:
    vocabulary = Vocabulary.of("Acme", [], [], [], [("Falcon 9", "F9"), ("launch",), ("rocket",)])
    found = vocabulary.judge("F9 launch", "#F9Launch", [], 0.2)
    assert found.matched == ("Falcon 9", "launch") and found.score == 1.0
    assert vocabulary.judge("Rocket launch", "#RocketLaunch", [], 0.2).score == pytest.approx(0.3)
    assert vocabulary.judge("Rocket", "#Rocket", [], 0.2).score == pytest.approx(0.15)


def test_the_tech_feed_on_the_example_config() -> None:
    relevant = {}
    for trend in parse_google_rss(TECH_FEED.read_bytes()):
        found = VOCABULARY.judge(trend.name, "#" + trend.name, trend.news, FLOOR)
        relevant[trend.name] = found.score > FLOOR
    assert {name for name, yes in relevant.items() if yes} == {
        "AWS outage",
        "Downdetector",
        "GPT-6",
        "Jensen Huang",
        "Blackwell Ultra",
        "Stargate",
    }


WORDS = st.text(st.characters(categories=("Lu", "Ll", "Nd", "Zs", "Pd")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(WORDS, st.lists(WORDS, max_size=4), WORDS)
def test_relevance_is_bounded_and_more_context_never_lowers_it(name: str, headlines: list[str], extra: str) -> None:
    base = VOCABULARY.judge(name, "#x", [Headline(h) for h in headlines], FLOOR)
    more = VOCABULARY.judge(name, "#x", [Headline(h) for h in [*headlines, extra]], FLOOR)
    assert 0.0 <= base.score <= more.score <= 1.0
    assert set(base.matched) <= set(more.matched) | {m.replace(" (headline)", "") for m in more.matched}


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["AWS outage", "Jensen Huang keynote", "Blackwell Ultra", "GPT-6 launch", "Taylor Swift"]),
    st.sampled_from([str.upper, str.lower, str.title, lambda s: s.replace(" ", "")]),
)
def test_case_and_spacing_do_not_change_the_verdict(name: str, spell: object) -> None:
    written = spell(name)  # type: ignore[operator]
    assert (judge(written)[0] > FLOOR) == (judge(name)[0] > FLOOR) or (" " in name and written == name.replace(" ", ""))
