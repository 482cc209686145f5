"""[media] mode = "generate": images from the loopback OpenAI fake, uploaded to the loopback fake X
(POST /2/media/upload, multipart, OAuth 1.0a) and attached; every failure posts text-only."""

from __future__ import annotations

import base64
import json

import pytest
from conftest import XWorld, botx
from fakes.fake_openai import FakeOpenAI, garbage, image_b64, slow, status, tiny_png
from ops_helpers import set_key

KEY = "sk-image-test-0123456789"
A_SLOTS = [
    "2026-11-23T09:00:00+01:00",
    "2026-11-23T10:30:00+01:00",
    "2026-11-23T12:00:00+01:00",
    "2026-11-23T13:30:00+01:00",
    "2026-11-23T15:00:00+01:00",
    "2026-11-23T16:30:00+01:00",
]


@pytest.fixture
def images(xworld: XWorld, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with FakeOpenAI() as fake:
        for key, value in (
            ("mode", '"generate"'),
            ("base_url", f'"{fake.base_url}"'),
            ("timeout_seconds", "1"),
            ("style", '"flat neon line art"'),
            ("price_usd", "0.04"),
        ):
            set_key(xworld.config, "media", key, value)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        yield fake


def x_requests(xworld: XWorld, path: str) -> list[dict]:
    return [r for r in xworld.fake.requests if r["path"] == path]


def api_calls(xworld: XWorld, endpoint: str) -> list[tuple]:
    return xworld.rows(
        "SELECT account, http_status, ROUND(cost_usd, 4) FROM api_calls WHERE endpoint = ? ORDER BY id", endpoint
    )


def test_image_is_generated_uploaded_and_attached_with_made_with_ai(xworld: XWorld, images: FakeOpenAI) -> None:
    run = xworld.post("A", "--json", when=A_SLOTS[0])
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    [tweet] = xworld.fake.tweets
    [media_id] = tweet["media_ids"]
    assert doc["status"] == "posted" and doc["media"] == f"image attached (media {media_id})"
    upload = xworld.fake.uploads[media_id]
    assert upload["media_category"] == "tweet_image" and upload["media_type"] == "image/png"
    assert upload["fields"] == ["media", "media_category"]  # MediaUploadRequest: no media_type field
    assert upload["media"] == tiny_png() and upload["token"] == "tok-a"  # OAuth 1.0a as account A
    [create] = x_requests(xworld, "/2/tweets")
    assert create["json"] == {"text": tweet["text"], "media": {"media_ids": [media_id]}, "made_with_ai": True}
    [generation] = images.image_requests
    body = generation["json"]
    assert generation["authorization"] == f"Bearer {KEY}" and body["model"] == "gpt-image-1" and body["n"] == 1
    assert "response_format" not in body  # GPT image models answer b64_json and refuse the parameter
    [(angle, offer)] = xworld.rows("SELECT angle, offer FROM attempts WHERE status = 'posted'")
    assert angle in body["prompt"] and offer in body["prompt"] and "VoltageGPU" in body["prompt"]
    assert body["prompt"].endswith("Style: flat neon line art")
    assert api_calls(xworld, "POST /v1/images/generations") == [("A", 200, 0.04)]
    assert api_calls(xworld, "POST /2/media/upload") == [("A", 200, 0.0)]  # through the session's hook
    assert xworld.rows("SELECT status, stage, media_id FROM media") == [("attached", "upload", media_id)]
    stored = json.dumps(xworld.rows("SELECT * FROM media")) + json.dumps(xworld.rows("SELECT * FROM api_calls"))
    assert KEY not in stored + run.out + run.err


@pytest.mark.slow
def test_every_n_th_post_of_an_account_gets_an_image(xworld: XWorld, images: FakeOpenAI) -> None:
    set_key(xworld.config, "media", "every_n", "3")
    xworld.at(A_SLOTS[0])
    preview = json.loads(botx("preview", "--account", "A", "--count", "6", "--json").out)
    assert [item["image"] for item in preview] == [True, False, False, True, False, False]
    assert images.image_requests == []  # previews never generate
    for when in A_SLOTS:
        assert xworld.post("A", when=when).code == 0
    assert [bool(t["media_ids"]) for t in xworld.fake.tweets] == [True, False, False, True, False, False]
    assert len(images.image_requests) == 2
    assert xworld.post("B", when="2026-11-23T09:45:00+01:00").code == 0  # counted per account
    assert xworld.fake.tweets[-1]["media_ids"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "answer, why, billed",
    [
        (status(500), "HTTP 500", 0.0),
        (slow(3), "timeout", 0.0),
        (garbage(), "unusable answer", 0.0),
        (image_b64("not base64 at all!"), "not valid base64", 0.04),
        (image_b64(base64.b64encode(b"<html>oops</html>").decode()), "not a PNG, JPEG", 0.04),
    ],
)
def test_a_failed_generation_posts_text_only(xworld: XWorld, images: FakeOpenAI, answer, why, billed) -> None:  # type: ignore[no-untyped-def]
    images.script_images(answer)
    run = xworld.post("A", "-v", when=A_SLOTS[0])
    assert run.code == 0, run.err
    [tweet] = xworld.fake.tweets
    assert tweet["media_ids"] == [] and x_requests(xworld, "/2/media/upload") == []
    assert x_requests(xworld, "/2/tweets")[0]["json"] == {"text": tweet["text"]}  # no made_with_ai either
    assert "botx: warning: no image (generate: " in run.err and why in run.err and "text-only" in run.err
    assert [row[2] for row in api_calls(xworld, "POST /v1/images/generations")] == [billed]
    [(status_, stage, error)] = xworld.rows("SELECT status, stage, error FROM media")
    assert (status_, stage) == ("failed", "generate") and why in error


def test_an_upload_500_posts_text_only_and_is_recorded(xworld: XWorld, images: FakeOpenAI) -> None:
    set_key(xworld.config, "logging", "path", '"botx.log"')
    xworld.fake.enqueue("POST", "/2/media/upload", status=500)
    run = xworld.post("A", "--json", when=A_SLOTS[0])
    assert run.code == 0, run.err
    assert json.loads(run.out)["media"] == "no image (upload: X media upload: HTTP 500); posted text-only"
    [line] = (xworld.config.parent / "botx.log").read_text().splitlines()
    assert json.loads(line)["status"] == "posted" and "no image (upload: X media upload: HTTP 500)" in line
    assert xworld.fake.tweets[0]["media_ids"] == [] and len(x_requests(xworld, "/2/media/upload")) == 1  # no retry
    assert api_calls(xworld, "POST /2/media/upload") == [("A", 500, 0.0)]
    assert api_calls(xworld, "POST /v1/images/generations") == [("A", 200, 0.04)]  # the image was paid for
    assert xworld.rows("SELECT status, stage FROM media") == [("failed", "upload")]
    # the next post is due an image again, and gets one
    assert xworld.post("A", when=A_SLOTS[1]).code == 0
    assert xworld.fake.tweets[1]["media_ids"]


def test_an_upload_rate_limit_skips_images_until_its_reset(xworld: XWorld, images: FakeOpenAI) -> None:
    reset = int(xworld.clock[0]) + 4 * 3600
    xworld.fake.enqueue("POST", "/2/media/upload", status=429, headers={"x-rate-limit-reset": reset})
    assert xworld.post("A", when=A_SLOTS[0]).code == 0  # the 429 is the upload's, not the post's
    assert xworld.post("A", when=A_SLOTS[1]).code == 0
    assert [t["media_ids"] for t in xworld.fake.tweets] == [[], []]
    assert len(images.image_requests) == 1  # the second run paid for no image X would refuse
    assert xworld.rows("SELECT stage FROM media ORDER BY id") == [("upload",), ("skip",)]
    assert "upload limit" in xworld.rows("SELECT error FROM media ORDER BY id DESC LIMIT 1")[0][0]


def test_x_refusing_the_post_with_its_image_sends_the_text_alone(xworld: XWorld, images: FakeOpenAI) -> None:
    xworld.fake.enqueue("POST", "/2/tweets", status=400)
    run = xworld.post("A", "-v", when=A_SLOTS[0])
    assert run.code == 0, run.err
    first, second = x_requests(xworld, "/2/tweets")
    assert "media" in first["json"] and second["json"] == {"text": first["json"]["text"]}
    assert xworld.fake.tweets[0]["media_ids"] == [] and "no image (attach: X refused" in run.err
    assert xworld.rows("SELECT status FROM attempts") == [("posted",)]


def test_a_missing_key_skips_the_image_and_doctor_says_so(
    xworld: XWorld, images: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    run = xworld.post("A", "--json", when=A_SLOTS[0])
    assert run.code == 0 and "OPENAI_API_KEY is not set" in json.loads(run.out)["media"]
    assert images.requests == [] and xworld.fake.tweets[0]["media_ids"] == []
    assert "media: OPENAI_API_KEY is not set" in botx("doctor").out


def test_dry_runs_and_previews_never_generate(xworld: XWorld, images: FakeOpenAI) -> None:
    run = xworld.post("A", "--dry-run", when=A_SLOTS[0])
    assert run.code == 0 and "image: an image would be attached" in run.out
    items = json.loads(botx("preview", "--count", "2", "--json").out)
    assert all(item["image"] for item in items)
    assert "+ image" in botx("preview", "--count", "1").out
    assert images.requests == [] and x_requests(xworld, "/2/media/upload") == []
    assert xworld.rows("SELECT COUNT(*) FROM media") == [(0,)]


def test_mode_none_touches_nothing(xworld: XWorld) -> None:
    run = xworld.post("A", "--json", when=A_SLOTS[0])
    assert run.code == 0 and json.loads(run.out)["media"] is None
    assert x_requests(xworld, "/2/media/upload") == [] and xworld.fake.tweets[0]["media_ids"] == []
    assert x_requests(xworld, "/2/tweets")[0]["json"] == {"text": xworld.fake.tweets[0]["text"]}


def test_bad_media_config_fails_up_front(xworld: XWorld) -> None:
    set_key(xworld.config, "media", "mode", '"video"')
    run = botx("post", "--account", "A")
    assert run.code == 2 and "[media] mode" in run.err
    set_key(xworld.config, "media", "mode", '"generate"')
    set_key(xworld.config, "media", "every_n", "0")
    assert "[media] every_n" in botx("post", "--account", "A").err
