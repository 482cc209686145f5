"""Property tests (hypothesis) for the editorial check (botx_cli/claims.py), the answer parser
and the whole-call deadline: pure functions, no server, no store."""

from __future__ import annotations

import json
import threading

import pytest
from conftest import EXAMPLE
from hypothesis import example, given, settings
from hypothesis import strategies as st

from botx_cli.config import grammar
from botx_cli.config.locate import read_toml
from botx_cli.config.words import offer_text
from botx_cli.content import claims
from botx_cli.content.claims import PlanFacts, offer_fact, problems, score
from botx_cli.content.prompt import clean_copy, fact_sheet, parse_answer
from botx_cli.content.settings import DEFAULT_HYPE_WORDS, WritingSettings
from botx_cli.deadline import DeadlineExceeded, within_all
from botx_cli.sections import parse_config

CFG = parse_config(EXAMPLE, read_toml(EXAMPLE))
SHEET = fact_sheet(CFG)
OFFERS = [offer_fact(o.item, offer_text(CFG.content, i)) for i, o in enumerate(CFG.content.offers)]
TRENDS = ["Monday Motivation", "Mystics vs Fever", "Black Friday", "NeurIPS"]
lenient = settings(deadline=None, max_examples=200)

# Plain words a post may use freely: no number, no name, nothing banned.
FILLER = [
    "ship",
    "your",
    "model",
    "tonight",
    "train",
    "with",
    "the",
    "a",
    "and",
    "builders",
    "teams",
    "run",
    "jobs",
    "on",
    "GPUs",
    "billed",
    "by",
    "second",
    "less",
    "waiting",
    "more",
    "training",
    "fine-tune",
    "serve",
    "it",
    "for",
    "small",
    "big",
    "today",
    "when",
    "you",
    "need",
    "compute",
    "without",
    "hardware",
    "budget",
]
SENTENCE = st.lists(st.sampled_from(FILLER), min_size=2, max_size=10).map(
    lambda words: " ".join(words).capitalize() + "."
)


@st.composite
def plans(draw: st.DrawFn, kind: str | None = None) -> PlanFacts:
    offer = draw(st.sampled_from(OFFERS))
    trend = draw(st.sampled_from(["", *TRENDS]))
    angle = draw(
        st.sampled_from(
            [
                text
                for a in CFG.content.angles
                for line in a.lines  # as plans word them
                for text in grammar.expansions(line, 16)
            ]
        )
    )
    return PlanFacts(
        kind or draw(st.sampled_from(["offer", "proof", "question"])),
        offer,
        trend,
        "#" + trend.replace(" ", "") if trend else "",
        (angle, trend) if trend else (angle,),
    )


@st.composite
def clean_copies(draw: st.DrawFn) -> tuple[str, PlanFacts]:
    """A copy a careful writer would ship: filler, the trend named, the offer as given."""
    plan = draw(plans())
    parts = draw(st.lists(SENTENCE, min_size=0, max_size=3))
    assert plan.offer is not None
    parts.insert(draw(st.integers(0, len(parts))), f"Try the {plan.offer.text}.")
    if plan.trend:
        parts.insert(draw(st.integers(0, len(parts))), f"{plan.trend} is on.")
    if plan.kind == "question":
        parts.append("What would you ship?")
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(plan.texts)))  # a line of the plan is always quotable
    return " ".join(parts), plan


def with_inserted(copy: str, thing: str, at: int) -> str:
    words = copy.split(" ")
    words.insert(at % (len(words) + 1), thing)
    return " ".join(words)


@pytest.mark.slow
@lenient
@given(clean_copies())
def test_a_copy_made_only_of_facts_passes(case: tuple[str, PlanFacts]) -> None:
    copy, plan = case
    assert problems(copy, SHEET, plan) == []


@pytest.mark.slow
@lenient
@given(
    clean_copies(),
    st.integers(0, 50),
    st.one_of(
        st.integers(2, 99_999).map(str), st.decimals(0, 999, places=2, allow_nan=False).map(lambda d: f"{d:.2f}")
    ),
)
def test_an_invented_number_is_refused(case: tuple[str, PlanFacts], at: int, number: str) -> None:
    copy, plan = case
    allowed = {
        claims._number(m.group())
        for t in (*SHEET.texts(), *plan.texts, plan.offer.text if plan.offer else "")
        for m in claims._NUMBER.finditer(t)
    }
    if claims._number(number) in allowed:
        return
    found = problems(with_inserted(copy, number, at), SHEET, plan)
    assert any("number" in p for p in found), found


@pytest.mark.slow
@lenient
@given(clean_copies(), st.integers(0, 50), st.decimals(0, 99, places=2, allow_nan=False))
def test_a_price_other_than_the_planned_offers_is_refused(case: tuple[str, PlanFacts], at: int, price: object) -> None:
    copy, plan = case
    quoted = f"${price:.2f}"
    assert plan.offer is not None
    if quoted == plan.offer.price:
        return
    found = problems(with_inserted(copy, quoted, at), SHEET, plan)
    assert any("quotes" in p for p in found), found


BANNED = [
    *(("hype words", w) for w in DEFAULT_HYPE_WORDS),
    *(("competitor", c) for c in SHEET.competitors),
    *(
        ("guarantee", g)
        for g in ("Guaranteed", "100% uptime", "zero downtime", "never goes down", "risk-free", "we promise")
    ),
    *(
        ("engagement", b)
        for b in ("RT if", "like and follow", "Tag a friend", "follow us", "like & retweet", "smash that like")
    ),
    *(("sensitive", s) for s in ("election", "earthquake", "Gaza", "rest in peace", "shooting", "Trump")),
    ("website", "voltagegpu dot com"),
    ("website", "voltagegpu(dot)com"),
    ("website", "VoltageGPU com"),
    ("does not", "free tier"),
    ("does not", "TPUs"),
]
REASON = {
    "hype words": "hype words",
    "competitor": "competitor",
    "guarantee": "guarantee",
    "engagement": "engagement",
    "sensitive": "sensitive",
    "website": "website",
    "does not": "does not do",
}


@pytest.mark.slow
@lenient
@given(clean_copies(), st.integers(0, 50), st.sampled_from(BANNED))
def test_banned_content_anywhere_is_refused_with_its_reason(
    case: tuple[str, PlanFacts], at: int, banned: tuple[str, str]
) -> None:
    copy, plan = case
    kind, phrase = banned
    found = problems(with_inserted(copy, phrase, at), SHEET, plan)
    assert any(REASON[kind] in p for p in found), (phrase, found)


@pytest.mark.slow
@lenient
@given(clean_copies(), st.integers(0, 50), st.from_regex(r"[A-Z]{1,3}[0-9]{2,4}[A-Za-z]?", fullmatch=True))
def test_a_model_name_not_in_the_facts_is_refused(case: tuple[str, PlanFacts], at: int, name: str) -> None:
    copy, plan = case
    known = {t.casefold() for text in (*SHEET.texts(), *plan.texts) for t in claims._TOKEN.findall(text)}
    if any(form in known for form in claims._forms(name.casefold())):
        return
    found = problems(with_inserted(copy, name, at), SHEET, plan)
    assert any(name in p or "number" in p for p in found), (name, found)


@pytest.mark.slow
@lenient
@given(clean_copies(), st.integers(2, 6))
def test_emoji_past_the_limit_are_refused(case: tuple[str, PlanFacts], count: int) -> None:
    copy, plan = case
    found = problems(copy + " " + "\U0001f680" * count, SHEET, plan)
    assert any(f"{count} emoji" in p for p in found), found
    assert problems(copy + " \U0001f680", SHEET, plan) == []  # one is allowed by the example config


@pytest.mark.slow
@lenient
@given(clean_copies(), st.sampled_from(OFFERS))
def test_the_planned_price_given_to_another_offer_is_refused(case: tuple[str, PlanFacts], other: object) -> None:
    copy, plan = case
    assert plan.offer is not None and isinstance(other, claims.OfferFact)
    if other.item == plan.offer.item:
        return
    found = problems(f"{copy} Or the {other.item} from {plan.offer.quote}.", SHEET, plan)
    assert any(f"to {other.item}" in p for p in found), found


@pytest.mark.slow
@lenient
@given(plans(kind="offer"), st.lists(SENTENCE, min_size=1, max_size=3))
def test_an_offer_post_without_its_offer_as_given_is_refused(plan: PlanFacts, sentences: list[str]) -> None:
    assert plan.offer is not None
    copy = " ".join(sentences) + (f" {plan.trend} is on." if plan.trend else "")
    assert any("leaves out the offer" in p for p in problems(copy, SHEET, plan))
    unitless = copy + f" The {plan.offer.item} for {plan.offer.price} only."
    assert any("exact" in p for p in problems(unitless, SHEET, plan))


@pytest.mark.slow
@lenient
@given(clean_copies())
def test_a_tagged_trend_must_be_named(case: tuple[str, PlanFacts]) -> None:
    copy, plan = case
    if not plan.trend:
        return
    without = copy.replace(f"{plan.trend} is on.", "").replace(plan.trend, "")
    assert any("does not name the trend" in p for p in problems(without, SHEET, plan))


@pytest.mark.slow
@settings(deadline=None, max_examples=300)
@given(st.text(max_size=400), plans())
@example("{" * 5000, PlanFacts())
@example("$" + "9" * 5000, PlanFacts())
def test_any_text_gives_reasons_never_an_error_and_the_same_twice(text: str, plan: PlanFacts) -> None:
    found = problems(text, SHEET, plan)
    assert found == problems(text, SHEET, plan) and all(isinstance(p, str) and p.startswith("it ") for p in found)


@lenient
@given(clean_copies(), st.floats(0, 1), st.integers(20, 200))
def test_score_is_deterministic_and_prefers_copies_far_from_recent_posts(
    case: tuple[str, PlanFacts], nearest: float, budget: int
) -> None:
    copy, plan = case
    assert score(copy, nearest, budget, plan) == score(copy, nearest, budget, plan)
    assert score(copy, max(0.0, nearest - 0.2), budget, plan) >= score(copy, nearest, budget, plan)


def test_the_example_configs_examples_hold_only_facts() -> None:
    for example_post in CFG.settings(WritingSettings).examples:
        offer = next(o for o in OFFERS if o.quote in example_post)
        assert problems(example_post, SHEET, PlanFacts("offer", offer)) == [], example_post


def test_offer_facts_read_price_and_unit_from_the_wording() -> None:
    assert [(o.price, o.quote) for o in OFFERS] == [
        ("$2.10", "$2.10/hr"),
        ("$1.25", "$1.25/hr"),
        ("$0.39", "$0.39/hr"),
        ("$0.35", "$0.35/M tokens"),
        ("$0.50", "$0.50/M tokens"),
    ]
    assert offer_fact("Pro plan", "Pro plan for $9 a month").quote == "$9 a month"


# -- the answer parser --------------------------------------------------------------------------

COPY_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200).filter(
    lambda t: "{" not in t and "}" not in t and "```" not in t
)


@lenient
@given(COPY_TEXT, st.sampled_from(["{}", "```json\n{}\n```", "Sure! {} Hope it helps.", "```\n{}```"]))
def test_json_answers_give_their_copy_in_any_wrapping(text: str, wrapping: str) -> None:
    body = json.dumps({"copy": text, "trend_mentioned": True, "offer_used": ""}, ensure_ascii=False)
    copy, meta = parse_answer(wrapping.replace("{}", body))
    assert copy == clean_copy(text) and meta["trend_mentioned"] is True


@lenient
@given(COPY_TEXT)
def test_plain_answers_are_the_copy(text: str) -> None:
    assert parse_answer(text) == (clean_copy(text), {})


def test_a_json_object_without_a_copy_is_not_taken_for_one() -> None:
    copy, meta = parse_answer('{"answer": 42}')
    assert meta == {} and "{" in copy  # refused by the check as not plain copy
    assert any("not plain copy" in p for p in problems(copy, SHEET, PlanFacts()))


# -- the whole-call deadline --------------------------------------------------------------------


def test_within_all_returns_results_errors_and_timeouts_in_order() -> None:
    release = threading.Event()

    def hang() -> str:
        release.wait(30)
        return "late"

    def fail() -> str:
        raise ValueError("no")

    results = within_all(0.3, [lambda: "ok", fail, hang], "chat call")
    release.set()
    assert results[0] == ("ok", None) and isinstance(results[1][1], ValueError)
    assert results[2][0] is None and isinstance(results[2][1], DeadlineExceeded)  # returned before `hang` could end


def test_within_all_leaves_only_daemon_threads() -> None:
    release = threading.Event()
    within_all(0.05, [lambda: release.wait(30)], "chat call")
    assert all(t.daemon for t in threading.enumerate() if t.name == "botx call: chat call")
    release.set()


def test_a_trend_that_carries_a_competitors_name_may_be_named_but_the_rival_not_attacked() -> None:
    """Read from the CLI: with #AWSOutage planned every model copy was refused as 'names a
    competitor (AWS)', so the slot always fell back to the template. Naming the news is fine;
    naming the rival beside it is not."""
    plan = PlanFacts("proof", trend="AWS outage", trend_tag="#AWSOutage", texts=("AWS outage",))
    assert problems("Reading about the AWS outage? Keep a second region warm.", SHEET, plan) == []
    refused = problems("AWS outage again. AWS overcharges you anyway.", SHEET, plan)
    assert any("names a competitor (AWS)" in p for p in refused), refused
    assert any("names a competitor" in p for p in problems("AWS overcharges you.", SHEET, PlanFacts("proof")))
