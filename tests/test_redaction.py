"""One redaction list, every sink (issue 10 item 12).

A loopback server echoes what it is sent (the Authorization header with the bearer token or
the OAuth keys, the URL, the body) plus the database URL, in every error body. X, the trend
sources, the LLM and the images API all point at it; alerts go to a webhook. No secret may
reach stdout, stderr (with -v and tracebacks), the database (the SQLite file and its WAL, or
every table of the PostgreSQL database the URL names), the run log or a webhook payload.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import EXAMPLE, botx, botx_proc, make_config, set_credentials
from fakes.echo_server import EchoServer
from fakes.webhook import WebhookReceiver

from botx_cli import redact

NOW = "2026-11-23T10:00:00+01:00"
SECRETS = {
    "BOTX_A_CONSUMER_KEY": "CANARYconsumerkeyA1",
    "BOTX_A_CONSUMER_SECRET": "CANARYconsumersecretA2",
    "BOTX_A_ACCESS_TOKEN": "1001-CANARYaccesstokenA3",
    "BOTX_A_ACCESS_TOKEN_SECRET": "CANARYtokensecretA4",
    "BOTX_X_BEARER_TOKEN": "AAAACANARYbearer%2Fslash%3Dequals",
    "LLM_KEY_VAR": "sk-CANARYllmkey0123456789",
    "IMAGE_KEY_VAR": "sk-CANARYimagekey98765",
    "DB_URL_VAR": "postgresql://botx:CANARYdbpassword@db.internal:5432/botx",
}


def needles() -> list[bytes]:
    """Each secret, its percent-encoded and decoded forms, and the database password alone."""
    out = set()
    for value in SECRETS.values():
        out.update({value, quote(value, safe=""), value.replace("%2F", "/").replace("%3D", "=")})
    if "DB_URL_VAR" in SECRETS:
        out.add("CANARYdbpassword")
    return sorted(v.encode() for v in out)


def leaks(blob: str | bytes) -> list[bytes]:
    data = blob.encode() if isinstance(blob, str) else blob
    return [n for n in needles() if n in data]


def with_canary_password(url: str) -> str:
    """The test server trusts its socket: the password is carried, never checked."""
    return url.replace("postgresql://postgres@", "postgresql://postgres:CANARYdbpassword@")


def database_text(folder: Path) -> list[tuple[str, bytes]]:
    """Everything botx stored: the SQLite files, or every row of the PostgreSQL database."""
    url = SECRETS.get("DB_URL_VAR")
    if not url:
        return [(p.name, p.read_bytes()) for p in folder.rglob("botx.db*") if p.is_file()]
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [name for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return [(name, repr(conn.execute(f'SELECT * FROM "{name}"').fetchall()).encode()) for name in tables]


@pytest.fixture(params=["sqlite", "postgresql"])
def echo_world(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    if request.param == "postgresql":  # the URL in DB_URL_VAR is used: botx stores everything there
        monkeypatch.setitem(SECRETS, "DB_URL_VAR", with_canary_password(request.getfixturevalue("pg_migrated_url")))
    else:  # a postgresql:// URL in the variable would be used: the SQLite run has none
        monkeypatch.delitem(SECRETS, "DB_URL_VAR")
    echoed = tuple(SECRETS[name] for name in ("DB_URL_VAR", "BOTX_X_BEARER_TOKEN") if name in SECRETS)
    echo = EchoServer(status=403, extra=echoed)
    hook = WebhookReceiver()
    text = EXAMPLE.read_text()
    text = text.replace('url = "botx.db"', 'url = "botx.db"')
    text = text.replace('path = "botx.db"', 'path = "botx.db"\nurl_env = "DB_URL_VAR"')
    text = text.replace(
        "[trends.sources.x]             # X's trends endpoint: only on plans that allow it "
        "(costs money per request)\nenabled = false",
        f'[trends.sources.x]\nenabled = true\nurl = "{echo.base_url}"',
    )
    for source in ("google_rss", "trends24", "getdaytrends"):
        text = text.replace(f"[trends.sources.{source}]", f"[trends.sources.{source}]\nenabled = false", 1)
    text = text.replace(
        "[trends.sources.pytrends]      # Google's daily searches via pytrends (often 404/429: behind "
        "the breaker)\nenabled = true",
        "[trends.sources.pytrends]\nenabled = false",
    )
    text = text.replace('strategy = "template"', 'strategy = "llm"')
    text = text.replace('api_key_env = "OPENAI_API_KEY" #', 'api_key_env = "LLM_KEY_VAR" #')
    text = text.replace('base_url = "https://api.openai.com/v1"     #', f'base_url = "{echo.base_url}/v1"     #')
    text = text.replace('mode = "none" ', 'mode = "generate" ')
    text = text.replace('# api_key_env = "OPENAI_API_KEY"           #', 'api_key_env = "IMAGE_KEY_VAR" #')
    text = text.replace("failures_in_a_row = 3 ", "failures_in_a_row = 1 ")
    text = text.replace('path = ""                      # e.g.', 'path = "botx.log"   # e.g.')
    config = make_config(
        tmp_path, text, api_base_url=f'"{echo.base_url}"', timeout_seconds="2", backoff_seconds="0.01", retries="0"
    )
    assert "url_env" in config.read_text() and 'strategy = "llm"' in config.read_text()
    monkeypatch.setenv("BOTX_CONFIG", str(config))
    monkeypatch.setenv("BOTX_NOW", NOW)
    monkeypatch.setenv("BOTX_WEBHOOK_URL", hook.url)
    set_credentials(monkeypatch, "B", "tok-b")
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    yield tmp_path, echo, hook
    echo.close()
    hook.close()


@pytest.mark.slow
def test_no_secret_reaches_any_sink(echo_world) -> None:  # type: ignore[no-untyped-def]
    folder, echo, hook = echo_world
    runs = [
        botx("-v", "post", "--account", "A"),
        botx("-v", "post", "--account", "A", "--force", "--json"),
        botx("-v", "post", "--account", "A", "--text", "Cheap GPUs by the hour #LLM https://voltagegpu.com/"),
        botx_proc("-v", "post", "--account", "A", "--force"),
        botx("-v", "trends", "--refresh"),
        botx("trends", "--json"),
        botx_proc("-v", "trends", "--refresh"),
        botx("-v", "doctor", "--online"),
        botx("-v", "preview", "-n", "1"),
        botx("stats", "--json"),
        botx("-v", "drafts", "generate", "--account", "A", "-n", "1"),
    ]
    assert echo.requests, "nothing reached the echo server: the test would prove nothing"
    assert any(b"CANARY" in r.encode() for r in echo.requests)
    assert runs[0].code != 0 and hook.received, (runs[0].err, hook.received)
    for run in runs:
        assert not leaks(run.out) and not leaks(run.err), (leaks(run.out + run.err), run.out, run.err)
    masked = [run for run in runs if "***" in run.out + run.err]
    assert masked, "no run showed a masked secret: the echo never reached an output"
    stored = database_text(folder)
    assert stored, "no database content to check"
    for name, data in [*stored, ("botx.log", (folder / "botx.log").read_bytes())]:
        assert not leaks(data), (name, leaks(data))
    for body in hook.received:
        assert not leaks(str(body)), body
    assert all("secretpart" not in str(body) for body in hook.received)


def test_the_list_covers_every_secret_botx_reads(echo_world) -> None:  # type: ignore[no-untyped-def]
    from botx_cli.sections import load_config

    cfg = load_config(None)
    values = cfg.secret_values()
    for name, value in SECRETS.items():
        assert value in values, name
    assert ("CANARYdbpassword" in values) == ("DB_URL_VAR" in SECRETS) and quote(
        SECRETS["BOTX_X_BEARER_TOKEN"], safe=""
    ) in values
    hook_url = [v for v in values if "secretpart" in v]
    assert hook_url, "the webhook URL (and its path) are secrets too"
    assert redact.mask("a AAAACANARYbearer/slash=equals b", values) == "a *** b"


def test_a_webhook_url_in_the_config_is_masked_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://hooks.example.com/services/T0/B0/CANARYhookpath"
    path = make_config(tmp_path, webhook_url=f'"{url}"')
    from botx_cli.sections import load_config

    cfg = load_config(str(path))
    assert redact.mask(f"POST {url} failed", cfg.secret_values()) == "POST *** failed"
    assert "CANARYhookpath" not in redact.mask("echo /services/T0/B0/CANARYhookpath", cfg.secret_values())
