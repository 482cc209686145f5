"""The llm strategy against a loopback OpenAI-compatible fake (tests/fakes/fake_openai.py).

Copies are written from each request's plan (fakes.fake_openai.plan_of), as a model would:
good ones quote the planned offer and name the tagged trend; bad ones break one rule each.
"""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from conftest import EXAMPLE, XWorld, botx, botx_proc
from fakes.fake_openai import (
    Answer,
    FakeOpenAI,
    PlanSeen,
    as_json,
    copy,
    default_copy,
    drip,
    empty,
    fenced,
    garbage,
    plan_of,
    slow,
    status,
    written,
)
from ops_helpers import set_key

from botx_cli.config.locate import read_toml
from botx_cli.content.claims import problems as claims_problems
from botx_cli.content.compose import History, TrendPick, plan_tweet
from botx_cli.content.prompt import fact_sheet, plan_facts, user_prompt
from botx_cli.sections import parse_config

SLOT = "2026-11-23T09:00:00+01:00"  # the Monday of Black Friday week: an occasion of the example config
LATER = "2026-11-23T09:45:00+01:00"  # account B's slot
KEY = "sk-test-0123456789"
VOICE = "an engineer who ships, first person, dry humour"


def named(p: PlanSeen) -> str:
    return f"{p.trend} is on the timeline. " if p.trend else ""


def good(p: PlanSeen) -> str:
    return f"{named(p)}Fine-tune tonight without a hardware budget: {p.offer}, billed by the second."


def good_copy(request: dict[str, Any]) -> str:
    return good(plan_of(request))


# One bad copy of each kind the issue lists, written for the request's plan, and the refusal.
BAD: dict[str, tuple[Callable[[PlanSeen], str], str]] = {
    "wrong price": (
        lambda p: f"{named(p)}Rent the {p.item} from $1.99{p.quote.removeprefix(p.price)} tonight.",
        "it quotes $1.99",
    ),
    "product not sold": (lambda p: f"{named(p)}Train on a B200 cluster, or take the {p.offer}.", "it names B200"),
    "guarantee": (lambda p: f"{named(p)}Guaranteed 100% uptime on the {p.offer}.", "promises a guarantee"),
    "competitor attack": (
        lambda p: f"{named(p)}AWS overcharges you. The {p.offer} is what compute should cost.",
        "names a competitor (AWS)",
    ),
    "sensitive trend": (
        lambda p: f"{named(p)}While the election results roll in, the {p.offer} keeps training.",
        "politics, tragedy",
    ),
    "hype words": (lambda p: f"{named(p)}Our revolutionary, insanely fast cloud: the {p.offer}.", "hype words"),
    "emoji wall": (
        lambda p: f"{named(p)}\U0001f680\U0001f525\U0001f4af The {p.offer} \U0001f680\U0001f525",
        "emoji; at most 1",
    ),
    "no offer": (lambda p: f"{named(p)}Ship your model tonight on GPUs that follow your load.", "leaves out the offer"),
    "engagement bait": (lambda p: f"{named(p)}RT if you train models! The {p.offer}.", "asks for engagement"),
    "site spelled out": (lambda p: f"{named(p)}The {p.offer} at voltagegpu dot com.", "spells out the website"),
    "trend not named": (
        lambda p: f"Fine-tune tonight without a hardware budget: {p.offer}.",
        "does not name the trend",
    ),
}


@pytest.fixture
def llm(xworld: XWorld, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with FakeOpenAI(default=good_copy) as fake:
        set_key(xworld.config, "compose", "strategy", '"llm"')
        for key, value in (("base_url", f'"{fake.base_url}"'), ("timeout_seconds", "2"), ("max_retries", "0")):
            set_key(xworld.config, "compose.llm", key, value)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        yield fake


def copies(xworld: XWorld, n: int) -> None:
    set_key(xworld.config, "compose.llm", "copies", str(n))


def posted(xworld: XWorld) -> tuple[str, str]:
    [(text, strategy)] = xworld.rows("SELECT text, strategy FROM attempts WHERE status = 'posted'")
    return text, strategy


def chat_calls(xworld: XWorld) -> list[tuple]:
    return xworld.rows(
        "SELECT account, http_status, cost_usd FROM api_calls WHERE endpoint = 'POST /v1/chat/completions' ORDER BY id"
    )


def last_user(request: dict[str, Any]) -> str:
    return str(request["json"]["messages"][-1]["content"])


# -- a good copy, and what the request carries ---------------------------------------------------


@pytest.mark.slow
def test_a_good_copy_with_the_planned_offer_is_posted_with_botx_own_code_link_and_tags(
    xworld: XWorld, llm: FakeOpenAI
) -> None:
    run = xworld.post("A", "--json", when=SLOT)
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    text, strategy = posted(xworld)
    seen = plan_of(llm.chat_requests[0]["json"])
    assert strategy == "llm" and text == doc["text"] and text.startswith(good(seen) + "\n")
    # the slot's day (Monday of Black Friday week) has an occasion in the example config: the copy names it
    assert seen.trend == "Black Friday week" and seen.trend in text and seen.quote in text
    assert len(doc["hashtags"]) == 2 and doc["hashtags"][0] in text
    assert "SHA-256-C7E8976BBAF2" in text and "https://voltagegpu.com/?utm_source=x" in text
    assert text.endswith(" ".join(doc["hashtags"])) and 1 <= len(doc["hashtags"]) <= 2
    [request] = llm.chat_requests
    assert request["authorization"] == f"Bearer {KEY}" and request["json"]["model"] == "gpt-4o-mini"
    secrets = (
        run.out
        + run.err
        + json.dumps(xworld.rows("SELECT * FROM attempts"))
        + json.dumps(xworld.rows("SELECT * FROM runs"))
    )
    assert KEY not in secrets


def test_the_request_carries_facts_voice_rules_examples_recent_posts_and_the_schema(
    xworld: XWorld, llm: FakeOpenAI
) -> None:
    text = xworld.config.read_text().replace(
        "[voices.brand]\ndescription = ", f'[voices.brand]\ndescription = "{VOICE}"\n#'
    )
    xworld.config.write_text(text)
    assert xworld.post("A", when=SLOT).code == 0
    assert xworld.post("A", when="2026-11-23T10:30:00+01:00").code == 0
    first_post = posted_texts(xworld)[0]
    request = llm.chat_requests[-1]["json"]
    system, user = (m["content"] for m in request["messages"])
    for fact in (
        "H100 80GB from $2.10/hr",
        "A100 80GB from $1.25/hr",
        "RTX 4090 from $0.39/hr",
        "Llama 3.1 70B inference at $0.35/M tokens",
        "per-second billing",
        "ML engineers, AI startups",
        "What it does not do (never claim it): free tier; uptime SLA",
        "AWS, Azure",
        VOICE,
        "Fine-tuning this weekend?",
        "Invent no numbers",
        "No engagement bait",
        "revolutionary",
        "At most 1 emoji",
        '"trend_mentioned"',
        "no hype words",
    ):
        assert fact in system, fact
    [kind] = xworld.rows("SELECT post_kind FROM attempts ORDER BY id DESC LIMIT 1")[0]  # [compose.kinds] spreads them
    assert re.search(rf"^Kind: {kind}: ", user, re.M) and re.search(r"^Angle: \w+\. .+", user, re.M)
    offer = r"^Offer: .+ \$\d" if kind == "offer" else r"^Offer: none$"
    assert re.search(offer, user, re.M) and re.search(r"^Budget: \d+ characters", user, re.M)
    recent = user.split("Recent posts of this account and its sister accounts", 1)[1]
    assert first_post.split("\n")[0][:60] in recent  # the earlier post's prose, to stay away from
    schema = request["response_format"]
    assert schema["type"] == "json_schema" and schema["json_schema"]["strict"] is True
    assert schema["json_schema"]["schema"]["required"] == ["copy", "trend_mentioned", "offer_used"]
    assert request["n"] == 3


def posted_texts(xworld: XWorld) -> list[str]:
    return [row[0] for row in xworld.rows("SELECT text FROM attempts WHERE status = 'posted' ORDER BY id")]


# -- the editorial check ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(BAD))
def test_bad_copies_of_every_kind_are_refused_and_the_tweet_falls_back_to_a_template(
    xworld: XWorld, llm: FakeOpenAI, kind: str
) -> None:
    write, reason = BAD[kind]
    llm.script(*[written(lambda req, w=write: w(plan_of(req)))] * 6)  # 3 copies, then 3 after the retry
    run = xworld.post("A", "-v", when=SLOT)
    assert run.code == 0, run.err
    text, strategy = posted(xworld)
    assert strategy == "template" and "B200" not in text and "AWS" not in text and "dot com" not in text
    first, retry = llm.chat_requests
    assert first["json"]["n"] == 3 and reason in last_user(retry), last_user(retry)
    assert retry["json"]["messages"][2]["role"] == "assistant" and "rejected twice" in run.out
    assert reason in run.out


def test_a_refused_copy_is_retried_with_its_reasons_and_the_fixed_copy_is_posted(
    xworld: XWorld, llm: FakeOpenAI
) -> None:
    copies(xworld, 1)
    llm.script(written(lambda req: BAD["wrong price"][0](plan_of(req))), written(good_copy))
    assert xworld.post("A", when=SLOT).code == 0
    text, strategy = posted(xworld)
    first, second = llm.chat_requests
    assert strategy == "llm" and text.startswith(good(plan_of(first["json"])))
    assert second["json"]["messages"][:2] == first["json"]["messages"] and "quotes $1.99" in last_user(second)
    assert "n" not in first["json"]  # one copy asked: no n


def test_the_best_valid_copy_wins_by_a_deterministic_score(xworld: XWorld, llm: FakeOpenAI) -> None:
    def terse(req: dict[str, Any]) -> str:
        p = plan_of(req)
        return f"{named(p)}{p.offer}."

    llm.script(written(terse), written(lambda req: BAD["guarantee"][0](plan_of(req))), written(good_copy))
    assert xworld.post("A", when=SLOT).code == 0
    text, strategy = posted(xworld)
    assert strategy == "llm" and text.startswith(good(plan_of(llm.chat_requests[0]["json"])))
    assert len(llm.chat_requests) == 1  # a valid copy among the three: no retry


@pytest.mark.slow
@pytest.mark.parametrize(
    "bad, reason",
    [
        ("Fast GPUs for everyone. " * 12, "characters long"),
        ("Rent GPUs at https://cheap-gpus.example.com today and save.", "link"),
        ("Rent GPUs by the hour and ship your model tonight. #GPU", "hashtag"),
        ("Ask @nvidia how fast an H100 is, then rent one by the hour here.", "@handle"),
        ("Entraînez votre modèle ce soir avec des GPU loués à l'heure, sans engagement.", "English"),
        ("RENT AN H100 NOW AND SHIP YOUR MODEL TONIGHT, FASTER THAN EVER.", "shouting"),
        ("", "empty"),
        ("Use code SHA-256-C7E8976BBAF2 to rent GPUs for your next fine-tune run tonight.", "promo code"),
    ],
)
def test_mechanical_faults_are_retried_once_with_the_reason(
    xworld: XWorld, llm: FakeOpenAI, bad: str, reason: str
) -> None:
    copies(xworld, 1)
    if reason == "English":  # the copy must pass the editorial check to reach the language check
        bad_answer = written(
            lambda req: (
                f"{plan_of(req).trend} : entraînez votre modèle avec {plan_of(req).offer}, "
                "sans engagement et à la seconde près."
            )
        )
    else:
        bad_answer = copy(bad)
    llm.script(bad_answer, written(good_copy))
    run = xworld.post("A", when=SLOT)
    assert run.code == 0, run.err
    assert posted(xworld)[1] == "llm"
    _first, second = llm.chat_requests
    assert second["json"]["messages"][2]["role"] == "assistant" and reason in last_user(second), last_user(second)


def test_empty_content_null_is_retried(xworld: XWorld, llm: FakeOpenAI) -> None:
    copies(xworld, 1)
    llm.script(empty(), written(good_copy))
    assert xworld.post("A", when=SLOT).code == 0
    assert posted(xworld)[1] == "llm" and "empty" in last_user(llm.chat_requests[1])


def only_the_first_offer(xworld: XWorld) -> None:
    import tomli_w

    def any_offer(value: Any) -> Any:  # pieces that named the removed offers' units now fit the one left
        if isinstance(value, dict):
            return {k: any_offer(v) for k, v in value.items() if not ("text" in value and k == "fits")}
        return [any_offer(v) for v in value] if isinstance(value, list) else value

    data = any_offer(read_toml(xworld.config))
    data["offers"] = [{k: v for k, v in data["offers"][0].items() if k != "fits"}]
    for occasion in data.get("occasions", []):
        occasion.pop("offer", None)  # it may feature a removed offer
    data["compose"]["kinds"] = {"offer": 1.0}  # every post an offer post: the same offer for both accounts,
    data["compose"]["offer_formats"] = {"hour": "{item} from ${price}/hr"}  # worded the same way
    data["offers"][0].pop("names", None)
    xworld.config.write_text(tomli_w.dumps(data))


@pytest.mark.slow
def test_a_copy_that_makes_a_near_duplicate_is_sent_back(xworld: XWorld, llm: FakeOpenAI) -> None:
    copies(xworld, 1)
    only_the_first_offer(xworld)  # A and B plan the same offer: the same copy would repeat A's post
    llm.script(written(good_copy))
    assert xworld.post("A", when=SLOT).code == 0
    llm.script(written(good_copy), written(good_copy))
    run = xworld.post("B", "-v", when=LATER)
    assert run.code == 0, run.err
    rows = xworld.rows("SELECT account, strategy FROM attempts WHERE status = 'posted' ORDER BY id")
    assert rows == [("A", "llm"), ("B", "template")]
    assert "near_duplicate" in last_user(llm.chat_requests[2])


# -- answers in every shape ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["plain", "json", "fenced", "json in prose", "quoted", "labelled"])
def test_json_and_plain_answers_all_parse(xworld: XWorld, llm: FakeOpenAI, shape: str) -> None:
    copies(xworld, 1)

    def answer(req: dict[str, Any]) -> str:
        text = good_copy(req)
        body = json.dumps({"copy": text, "trend_mentioned": True, "offer_used": plan_of(req).offer})
        return {
            "plain": text,
            "json": body,
            "fenced": f"Sure.\n```json\n{body}\n```",
            "quoted": f'"{text}"',
            "json in prose": f"Here you go: {body} Let me know if you want another.",
            "labelled": f"Copy: {text}",
        }[shape]

    llm.script(written(answer))
    assert xworld.post("A", when=SLOT).code == 0
    text, strategy = posted(xworld)
    assert strategy == "llm" and text.startswith(good(plan_of(llm.chat_requests[0]["json"])) + "\n")
    assert len(llm.chat_requests) == 1


def test_scripted_json_helpers_parse_too(xworld: XWorld, llm: FakeOpenAI) -> None:
    copies(xworld, 2)
    llm.script(as_json("Not about the plan at all, no offer."), fenced("Also off plan."))
    llm.script(written(good_copy), written(good_copy))
    assert xworld.post("A", when=SLOT).code == 0
    assert posted(xworld)[1] == "llm" and len(llm.chat_requests) == 2


# -- what the server takes ----------------------------------------------------------------------


def test_a_server_that_refuses_the_schema_is_asked_without_it(xworld: XWorld, llm: FakeOpenAI) -> None:
    llm.refuse_schema = True
    run = xworld.post("A", "-v", when=SLOT)
    assert run.code == 0, run.err
    assert posted(xworld)[1] == "llm"
    refused, plain = llm.chat_requests
    assert refused["json"]["response_format"]["type"] == "json_schema" and "response_format" not in plain["json"]
    assert "JSON only" in plain["json"]["messages"][0]["content"]  # JSON still asked, in the prompt
    assert [row[1] for row in chat_calls(xworld)] == [400, 200]
    assert "refused response_format json_schema" in run.out


def test_a_server_that_ignores_n_gets_parallel_requests_for_the_rest_of_the_run(
    xworld: XWorld, llm: FakeOpenAI
) -> None:
    llm.ignore_n = True
    llm.default = default_copy  # copies that vary with the plan, as a model's do
    xworld.at(SLOT)
    run = botx("-v", "preview", "--count", "2", "--json")
    assert run.code == 0, run.err
    items = json.loads(run.out)
    assert all(i["valid"] and i["strategy"] == "llm" for i in items)
    asked_n = [r["json"].get("n") for r in llm.chat_requests]
    assert asked_n[0] == 3 and asked_n[1:] == [None] * (len(asked_n) - 1) and len(asked_n) == 3 * len(items)


# -- spend --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_chat_calls_are_priced_from_usage_and_counted_by_stats_doctor_and_budget(
    xworld: XWorld, llm: FakeOpenAI
) -> None:
    set_key(xworld.config, "compose.llm", "input_price_per_m_tokens", "2.5")
    set_key(xworld.config, "compose.llm", "output_price_per_m_tokens", "10")
    llm.usage = (1000, 100)
    assert xworld.post("A", when=SLOT).code == 0
    expected = (1000 * 2.5 + 300 * 10) / 1e6  # 3 choices of 100 completion tokens
    assert chat_calls(xworld) == [("A", 200, pytest.approx(expected))]
    llm.usage = None  # a server that reports no usage is priced from the characters
    assert xworld.post("B", when=LATER).code == 0
    assert chat_calls(xworld)[1][2] > 0
    x_cost = xworld.rows("SELECT SUM(cost_usd) FROM api_calls WHERE endpoint NOT LIKE '%chat%'")[0][0]
    total = x_cost + sum(row[2] for row in chat_calls(xworld))
    stats = json.loads(botx("stats", "--json").out)
    assert stats["spend"]["spend_usd"] == round(total, 4)
    assert sum(a["api_calls"] for a in stats["accounts"].values()) == len(xworld.rows("SELECT id FROM api_calls"))
    assert f"in {len(xworld.rows('SELECT id FROM api_calls'))} API calls" in botx("doctor").out


# -- time ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "headers, limits",
    [
        (False, {"timeout_seconds": "2"}),  # headers, then one byte every 0.25 s
        (True, {"timeout_seconds": "2"}),  # the headers themselves trickle
        (False, {"timeout_seconds": "20", "budget_seconds": "1"}),  # the run's budget ends the call
    ],
)
def test_a_dripping_server_cannot_hold_post_past_the_deadline(
    xworld: XWorld, llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, headers: bool, limits: dict[str, str]
) -> None:
    for key, value in limits.items():
        set_key(xworld.config, "compose.llm", key, value)
    llm.script(drip(0.25, size=400, headers=headers))  # 100 s of bytes, each read well within any timeout
    xworld.at(SLOT)
    run = botx_proc("-v", "post", "--account", "A", timeout=50)
    assert run.code == 0, run.err
    assert llm.drips_finished == 0  # post was done while the server was still dripping
    assert "no answer within the timeout" in run.out + run.err
    assert posted(xworld)[1] == "template"
    assert chat_calls(xworld) == [("A", None, 0.0)]


@pytest.mark.slow
@pytest.mark.parametrize(
    "answer, what",
    [
        (status(500), "HTTP 500"),
        (status(401), "refused the key"),
        (garbage(), "unusable answer"),
        (slow(4), "timeout"),
    ],
)
def test_transport_failures_fall_back_to_templates_for_the_run(
    xworld: XWorld, llm: FakeOpenAI, answer: Answer, what: str
) -> None:
    llm.script(answer)
    run = xworld.post("A", "-v", when=SLOT)
    assert run.code == 0, run.err
    assert posted(xworld)[1] == "template" and what in run.out
    assert len(llm.chat_requests) == 1  # no more calls once the model failed in this run


# -- no key, previews, config -------------------------------------------------------------------


def test_missing_key_warns_and_uses_templates(xworld: XWorld, llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    run = xworld.post("A", when=SLOT)
    assert run.code == 0 and "OPENAI_API_KEY is not set" in run.err and len(run.err.splitlines()) == 1
    assert posted(xworld)[1] == "template" and llm.requests == []
    quiet = xworld.post("B", "-q", when=LATER)
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")
    doctor = botx("doctor")
    assert "OPENAI_API_KEY is not set" in doctor.out


@pytest.mark.slow
def test_preview_uses_the_model_and_stays_distinct(xworld: XWorld, llm: FakeOpenAI) -> None:
    llm.default = default_copy  # a copy per choice, each with its own opener
    xworld.at(SLOT)
    run = botx("preview", "--count", "10", "--json")
    assert run.code == 0, run.err
    items = json.loads(run.out)
    assert len(items) == 20 and all(i["valid"] for i in items)
    # the fake writes the angle line and the offer verbatim: with the example's longer lines a
    # copy may pass its budget twice and that tweet is worded by the template (as designed)
    assert sum(i["strategy"] == "llm" for i in items) >= 18
    assert len({i["text"] for i in items}) == 20 and 20 <= len(llm.chat_requests) <= 40  # some retried
    assert xworld.rows("SELECT COUNT(*) FROM attempts") == [(0,)]
    assert len(chat_calls(xworld)) == len(llm.chat_requests)  # billed calls are recorded, previews too


@pytest.mark.parametrize(
    "section, key, value, problem",
    [
        ("compose.llm", "copies", "0", "[compose.llm] copies"),
        ("compose.llm", "copies", "9", "[compose.llm] copies"),
        ("compose.llm", "max_emoji", "11", "[compose.llm] max_emoji"),
        ("compose.llm", "hype_words", '"insane"', "[compose.llm] hype_words"),
        ("compose.llm", "json_schema", '"yes"', "[compose.llm] json_schema"),
        ("compose.llm", "input_price_per_m_tokens", "-1", "[compose.llm] input_price_per_m_tokens"),
        ("compose.llm", "output_price_per_m_tokens", '"free"', "[compose.llm] output_price_per_m_tokens"),
        ("product", "does_not", "[1]", "[product] does_not"),
        ("product", "competitors", '"AWS"', "[product] competitors"),
        ("product", "audience", "3", "[product] audience"),
    ],
)
def test_new_keys_are_checked_at_load(xworld: XWorld, section: str, key: str, value: str, problem: str) -> None:
    set_key(xworld.config, section, key, value)
    run = botx("post", "--account", "A", "--dry-run")
    assert run.code == 2 and problem in run.err and len(run.err.strip().splitlines()) == 1, run.err


@pytest.mark.parametrize(
    "kind, asks",
    [
        ("offer", "present the planned offer exactly as written"),
        ("proof", "show one concrete thing the product does"),
        ("question", "a question to the reader"),
    ],
)
def test_each_kind_of_post_is_told_and_its_copy_checked(kind: str, asks: str) -> None:
    cfg = parse_config(EXAMPLE, read_toml(EXAMPLE))
    pick = TrendPick(
        "#MysticsVsFever",
        "Mystics vs Fever",
        "sports",
        0.5,
        ("google_rss",),
        display="Mystics vs Fever",
        context=("Fever beat Mystics 92-80 in the season opener",),
    )
    plan = replace(plan_tweet(cfg, "A", [pick], History(), random.Random(3)), kind=kind)
    prompt = user_prompt(plan, 180, ("An earlier post about GPUs.",))
    assert f"Kind: {kind}: " in prompt and asks in prompt and "Mystics vs Fever (sports)" in prompt
    assert "Headlines about it: Fever beat Mystics 92-80" in prompt and "- An earlier post about GPUs." in prompt
    facts = plan_facts(plan)
    seen = plan_of({"messages": [{"role": "user", "content": prompt}]})
    copy_text = default_copy({"messages": [{"role": "user", "content": prompt}]})
    assert claims_problems(copy_text, fact_sheet(cfg), facts) == [], copy_text
    assert seen.kind == kind and "92" in " ".join(facts.texts)  # the headline's figures may be quoted
    if kind == "question":
        assert any("no question" in p for p in claims_problems(copy_text.replace("?", "."), fact_sheet(cfg), facts))


def imported_modules(err: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in err.splitlines() if "|" in line}


@pytest.mark.slow
def test_the_llm_path_loads_only_with_the_llm_strategy(xworld: XWorld, llm: FakeOpenAI) -> None:
    env = {**xworld.env, "BOTX_NOW": SLOT, "PYTHONPROFILEIMPORTTIME": "1", "OPENAI_API_KEY": KEY}
    with_llm = botx_proc("post", "--account", "A", "--dry-run", env=env)
    assert with_llm.code == 0, with_llm.err[-2000:]
    assert {"openai", "botx_cli.content.writer", "botx_cli.content.claims"} <= imported_modules(with_llm.err)
    set_key(xworld.config, "compose", "strategy", '"template"')
    warm = botx_proc("post", "--account", "A", "--dry-run", env=env)
    assert warm.code == 0, warm.err[-2000:]
    modules = imported_modules(warm.err)
    assert "botx_cli.content.llm_copy" in modules and not modules & {
        "openai",
        "botx_cli.content.writer",
        "botx_cli.content.claims",
        "botx_cli.llm.chat",
        "botx_cli.content.prompt",
    }


def test_fake_serves_images_for_later_issues(llm: FakeOpenAI) -> None:
    import openai

    client = openai.OpenAI(api_key="k", base_url=llm.base_url, max_retries=0, timeout=5)
    image = client.images.generate(model="gpt-image-1", prompt="a GPU", n=1)
    assert base64.b64decode(image.data[0].b64_json).startswith(b"\x89PNG\r\n\x1a\n")
