"""Webhook alerts against a loopback receiver: what triggers them, once an hour, never a
secret in the payload, and a failing webhook never failing the run."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import datetime

import pytest
from conftest import XWorld, botx
from fakes.webhook import WebhookReceiver
from ops_helpers import set_key

SLOT = "2026-11-23T09:00:00+01:00"
SECRETS = ("revoked", "a-consumer_key", "a-consumer_secret", "a-access_token_secret", "secretpart")


@pytest.fixture(autouse=True)
def no_trend_fetches(xworld: XWorld) -> None:
    """Trend sources are not on loopback here: with them off no "trends down" alert mixes in."""
    set_key(xworld.config, "trends", "policy", '"off"')


@pytest.fixture
def hook(xworld: XWorld) -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        set_key(xworld.config, "notify", "webhook_url", f'"{receiver.url}"')
        yield receiver


def no_secrets(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, secret


def test_rejected_credentials_alert_once_an_hour(
    xworld: XWorld, hook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "revoked")
    assert xworld.post("A", when=SLOT).code == 77
    [body] = hook.received
    assert body["text"] == body["content"] and "account A" in body["text"] and "credentials" in body["text"]
    assert xworld.post("A", when="2026-11-23T09:20:00+01:00").code == 77
    assert len(hook.received) == 1
    assert xworld.rows("SELECT kind, key, sent, suppressed, delivered FROM alerts") == [("credentials", "A", 1, 1, 1)]
    assert xworld.post("A", when="2026-11-23T10:05:00+01:00").code == 77
    assert len(hook.received) == 2
    no_secrets(json.dumps(hook.received), str(xworld.rows("SELECT * FROM alerts")))


def test_metrics_with_rejected_credentials_alerts_too(
    xworld: XWorld, hook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert xworld.post("A", when=SLOT).code == 0
    monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "revoked")
    xworld.at("2026-11-23T09:30:00+01:00")
    assert botx("metrics", "--account", "A").code == 77
    assert len(hook.received) == 1 and "account A" in hook.texts()[0]


def test_repeated_failures_alert_after_n_in_a_row(xworld: XWorld, hook: WebhookReceiver) -> None:
    set_key(xworld.config, "notify", "failures_in_a_row", "3")
    for when in ("09:00", "10:30", "12:00"):  # three slots (a 503 keeps its slot: X may have stored it)
        assert hook.received == [] or when == "12:00"
        xworld.at(f"2026-11-23T{when}:00+01:00")
        for _ in range(3):
            xworld.fake.enqueue("POST", "/2/tweets", status=503)
        assert xworld.post("A").code == 75
    [text] = hook.texts()
    assert "last 3 post runs failed" in text and "server error 503" in text


def test_a_success_breaks_the_failure_streak(xworld: XWorld, hook: WebhookReceiver) -> None:
    set_key(xworld.config, "notify", "failures_in_a_row", "2")
    xworld.at(SLOT)
    for _ in range(3):
        xworld.fake.enqueue("POST", "/2/tweets", status=503)
    assert xworld.post("A").code == 75
    assert xworld.post("A", when="2026-11-23T10:30:00+01:00").code == 0
    xworld.at("2026-11-23T12:00:00+01:00")
    for _ in range(3):
        xworld.fake.enqueue("POST", "/2/tweets", status=503)
    assert xworld.post("A").code == 75
    assert hook.received == []


def test_budget_reached_alerts(xworld: XWorld, hook: WebhookReceiver) -> None:
    set_key(xworld.config, "costs", "monthly_budget_usd", "0.3")
    assert xworld.post("A", when=SLOT).code == 0
    run = xworld.post("A", "--json", when="2026-11-23T10:30:00+01:00")
    assert json.loads(run.out)["reason"] == "budget"
    [text] = hook.texts()
    assert "budget" in text and "$0.20 spent of $0.30" in text


@pytest.mark.parametrize("broken", ["HTTP 500", "refused"])
def test_a_failing_webhook_never_fails_the_run(xworld: XWorld, monkeypatch: pytest.MonkeyPatch, broken: str) -> None:
    if broken == "refused":
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
        receiver = None
    else:
        receiver = WebhookReceiver(status=500)
        url = receiver.url
    set_key(xworld.config, "notify", "webhook_url", f'"{url}"')
    set_key(xworld.config, "notify", "timeout_seconds", "1")
    set_key(xworld.config, "costs", "monthly_budget_usd", "0.1")
    run = xworld.post("A", "--json", when=SLOT)
    assert run.code == 0 and json.loads(run.out)["reason"] == "budget" and run.err == ""
    set_key(xworld.config, "costs", "monthly_budget_usd", "0")
    monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "revoked")
    failed = xworld.post("A", when="2026-11-23T09:30:00+01:00")
    assert failed.code == 77 and len(failed.err.splitlines()) == 1 and "credentials" in failed.err
    rows = xworld.rows("SELECT kind, delivered, last_error FROM alerts ORDER BY kind")
    assert [(kind, delivered) for kind, delivered, _ in rows] == [("budget", 0), ("credentials", 0)]
    for _, _, error in rows:
        assert error == "HTTP 500" if receiver else "refused" in error
        no_secrets(error)
    if receiver:
        receiver.close()


def test_alert_api_for_trend_sources(xworld: XWorld, hook: WebhookReceiver) -> None:
    from botx_cli.notify.alerts import alert
    from botx_cli.sections import load_config
    from botx_cli.store import open_store

    cfg, store = load_config(str(xworld.config)), open_store(xworld.db)
    now = datetime.fromisoformat(SLOT)
    assert alert(cfg, store, "trends_down", "all", "every trend source is down", now) is True
    assert alert(cfg, store, "trends_down", "all", "every trend source is down", now) is False
    assert hook.received[0]["content"].endswith("every trend source is down")


def test_no_webhook_sends_nothing(xworld: XWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "revoked")
    assert xworld.post("A", when=SLOT).code == 77
    assert xworld.rows("SELECT COUNT(*) FROM alerts") == [(0,)]


def test_env_webhook_wins_discord_204_and_doctor_hides_the_url(xworld: XWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    with WebhookReceiver(status=204) as receiver:
        set_key(xworld.config, "notify", "webhook_url", '"https://hooks.slack.com/services/unused"')
        monkeypatch.setenv("BOTX_WEBHOOK_URL", receiver.url)
        monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "revoked")
        assert xworld.post("A", when=SLOT).code == 77
        assert len(receiver.received) == 1
        assert xworld.rows("SELECT delivered FROM alerts") == [(1,)]
        doctor = botx("doctor")
        assert "webhook on 127.0.0.1" in doctor.out
        no_secrets(doctor.out, doctor.err)


def test_canary_secrets_never_reach_log_webhook_db_or_output(
    xworld: XWorld, hook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    canaries = {
        "BOTX_A_CONSUMER_KEY": "CANARYk1",
        "BOTX_A_CONSUMER_SECRET": "CANARYs2",
        "BOTX_A_ACCESS_TOKEN_SECRET": "CANARYt3",
    }
    for name, value in canaries.items():
        monkeypatch.setenv(name, value)
    set_key(xworld.config, "logging", "path", '"botx.log"')
    runs = [
        xworld.post("A", "-v", when=SLOT),
        botx("metrics", "-v"),
        botx("stats", "--json"),
        botx("stats"),
        botx("doctor"),
    ]
    monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "CANARYrevoked")
    runs += [xworld.post("A", "-v", "--force", when="2026-11-23T09:30:00+01:00"), botx("metrics", "-v")]
    assert runs[0].code == 0 and runs[-2].code == 77 and len(hook.received) == 1
    blobs = [r.out + r.err for r in runs] + [json.dumps(hook.received)]
    blobs += [p.read_bytes().decode("utf-8", "replace") for p in xworld.config.parent.glob("botx.*")]
    for blob in blobs:
        for secret in [*canaries.values(), "CANARYrevoked", "secretpart"]:
            assert secret not in blob, secret
