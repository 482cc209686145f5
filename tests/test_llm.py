"""The llm strategy against a loopback OpenAI-compatible fake (tests/fakes/fake_openai.py)."""

from __future__ import annotations

import base64
import json
import time

import pytest
from conftest import XWorld, botx
from fakes.fake_openai import FakeOpenAI, copy, empty, garbage, slow, status

SLOT = "2026-11-23T09:00:00+01:00"
GOOD = "Your next fine-tune does not need a hardware budget. Rent an H100 80GB from $2.10/hr and ship tonight."
KEY = "sk-test-0123456789"


@pytest.fixture
def llm(xworld: XWorld, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with FakeOpenAI() as fake:
        text = xworld.config.read_text()
        text = text.replace('strategy = "template"', 'strategy = "llm"')
        text = text.replace('base_url = "https://api.openai.com/v1"', f'base_url = "{fake.base_url}"')
        text = text.replace("timeout_seconds = 20", "timeout_seconds = 1").replace("max_retries = 1", "max_retries = 0")
        xworld.config.write_text(text)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        yield fake


def posted(xworld: XWorld) -> tuple[str, str]:
    [(text, strategy)] = xworld.rows("SELECT text, strategy FROM attempts WHERE status = 'posted'")
    return text, strategy


def test_good_copy_is_posted_with_botx_own_code_link_and_tags(xworld: XWorld, llm: FakeOpenAI) -> None:
    llm.script(copy(f'"{GOOD}"'))
    run = xworld.post("A", "--json", when=SLOT)
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    text, strategy = posted(xworld)
    assert strategy == "llm" and text == doc["text"] and text.startswith(GOOD + "\n")  # quotes stripped
    assert "SHA-256-C7E8976BBAF2" in text and "https://voltagegpu.com/?utm_source=x" in text
    assert text.endswith(" ".join(doc["hashtags"])) and 1 <= len(doc["hashtags"]) <= 2
    [request] = llm.chat_requests
    assert request["authorization"] == f"Bearer {KEY}" and request["json"]["model"] == "gpt-4o-mini"
    system, user = request["json"]["messages"]
    assert "VoltageGPU" in system["content"] and "no hype words" in system["content"]
    assert "Offer: " in user["content"] and "Angle: " in user["content"] and "Budget: " in user["content"]
    budget = int(user["content"].rsplit("Budget: ", 1)[1].split()[0])
    assert 100 <= budget <= 200
    secrets = run.out + run.err + json.dumps(xworld.rows("SELECT * FROM attempts")) + json.dumps(
        xworld.rows("SELECT * FROM runs"))
    assert KEY not in secrets


@pytest.mark.parametrize("bad, reason", [
    ("Fast GPUs for everyone. " * 12, "characters long"),
    ("Rent GPUs at https://cheap-gpus.example.com today and save.", "link"),
    ("Rent GPUs by the hour and ship your model tonight. #GPU", "hashtag"),
    ("Ask @nvidia how fast an H100 is, then rent one by the hour here.", "@handle"),
    ("Entraînez votre modèle ce soir avec des GPU loués à l'heure, sans engagement.", "English"),
    ("RENT AN H100 NOW AND SHIP YOUR MODEL TONIGHT, FASTER THAN EVER.", "shouting"),
    ("", "empty"),
    ("Use code SHA-256-C7E8976BBAF2 to rent GPUs for your next fine-tune run tonight.", "promo code"),
])
def test_bad_copy_is_retried_once_with_the_reason(xworld: XWorld, llm: FakeOpenAI, bad: str, reason: str) -> None:
    llm.script(copy(bad), copy(GOOD))
    run = xworld.post("A", when=SLOT)
    assert run.code == 0, run.err
    assert posted(xworld) == (posted(xworld)[0], "llm") and posted(xworld)[0].startswith(GOOD)
    first, second = llm.chat_requests
    retry = second["json"]["messages"]
    assert retry[:2] == first["json"]["messages"] and retry[2] == {"role": "assistant", "content": bad}
    assert retry[3]["role"] == "user" and reason in retry[3]["content"]


def test_empty_content_null_is_retried(xworld: XWorld, llm: FakeOpenAI) -> None:
    llm.script(empty(), copy(GOOD))
    assert xworld.post("A", when=SLOT).code == 0
    assert posted(xworld)[1] == "llm" and "empty" in llm.chat_requests[1]["json"]["messages"][-1]["content"]


def test_rejected_twice_falls_back_to_a_template_for_that_tweet(xworld: XWorld, llm: FakeOpenAI) -> None:
    llm.script(copy("Visit www.cheap.example for GPUs."), copy("Still see www.cheap.example for GPUs."))
    run = xworld.post("A", "-v", when=SLOT)
    assert run.code == 0, run.err
    text, strategy = posted(xworld)
    assert strategy == "template" and "cheap.example" not in text
    assert len(llm.chat_requests) == 2 and "rejected twice" in run.out


def test_a_copy_that_makes_a_near_duplicate_is_sent_back(xworld: XWorld, llm: FakeOpenAI) -> None:
    llm.script(copy(GOOD))
    assert xworld.post("A", when=SLOT).code == 0
    llm.script(copy(GOOD), copy(GOOD))  # B would repeat A's copy: near_duplicate, twice
    run = xworld.post("B", "-v", when="2026-11-23T09:45:00+01:00")
    assert run.code == 0, run.err
    rows = xworld.rows("SELECT account, strategy FROM attempts WHERE status = 'posted' ORDER BY id")
    assert rows == [("A", "llm"), ("B", "template")]
    assert "near_duplicate" in llm.chat_requests[2]["json"]["messages"][-1]["content"]


@pytest.mark.parametrize("answer, what", [
    (status(500), "HTTP 500"),
    (status(401), "refused the key"),
    (garbage(), "unusable answer"),
    (slow(4), "timeout"),
])
def test_transport_failures_fall_back_to_templates_for_the_run(xworld: XWorld, llm: FakeOpenAI, answer, what) -> None:  # type: ignore[no-untyped-def]
    llm.script(answer)
    started = time.monotonic()
    run = xworld.post("A", "-v", when=SLOT)
    assert run.code == 0, run.err
    assert posted(xworld)[1] == "template" and what in run.out
    assert len(llm.chat_requests) == 1  # no more calls once the model failed in this run
    assert time.monotonic() - started < 3.5  # the 1 s timeout bounds the slow answer


def test_missing_key_warns_and_uses_templates(xworld: XWorld, llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    run = xworld.post("A", when=SLOT)
    assert run.code == 0 and "OPENAI_API_KEY is not set" in run.err and len(run.err.splitlines()) == 1
    assert posted(xworld)[1] == "template" and llm.requests == []
    quiet = xworld.post("B", "-q", when="2026-11-23T09:45:00+01:00")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")
    doctor = botx("doctor")
    assert "OPENAI_API_KEY is not set" in doctor.out


def test_preview_uses_the_model_and_stays_distinct(xworld: XWorld, llm: FakeOpenAI) -> None:
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


def test_fake_serves_images_for_later_issues(llm: FakeOpenAI) -> None:
    import openai

    client = openai.OpenAI(api_key="k", base_url=llm.base_url, max_retries=0, timeout=5)
    image = client.images.generate(model="gpt-image-1", prompt="a GPU", n=1)
    assert base64.b64decode(image.data[0].b64_json).startswith(b"\x89PNG\r\n\x1a\n")
