"""Webhook alerts: rejected credentials, repeated failures, budget reached, X credits exhausted,
trend sources down.

One JSON body that Slack (`text`) and Discord (`content`) both accept. The same alert
(kind, key) goes out at most once per `repeat_minutes`, claimed atomically in SQLite so
concurrent cron runs send it once. A failing webhook never fails the run: a short limit on
the whole call (a server dripping its answer cannot hold the run), every error swallowed and
recorded in the alerts table. The webhook URL is a secret (it
grants posting to the channel): it is never stored, logged or printed.

Imported on every run (its [notify] parser validates the config up front), so it stays
stdlib-only at the top; urllib.request loads only when an alert is actually sent.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from botx_cli import redact
from botx_cli.clock import parse_iso
from botx_cli.config.core import Config, Secrets, Section
from botx_cli.host import host_name
from botx_cli.store import alerts as tables

if TYPE_CHECKING:
    from botx_cli.store import Store

KINDS = ("credentials", "failures", "budget", "credits", "trends_down")
MAX_TEXT = 1900  # Discord refuses content over 2000 characters


@dataclass(frozen=True)
class NotifySettings:
    webhook_url: str | None  # the variable's value, else the config's URL: where alerts go
    timeout_seconds: float
    repeat_minutes: int
    failures_in_a_row: int
    webhook_url_env: str = "BOTX_WEBHOOK_URL"
    config_url: str | None = None  # a URL written in the config: a secret like the variable's

    def secrets(self) -> Secrets:
        return Secrets((self.webhook_url_env,), (self.config_url,) if self.config_url else ())


def parse(cfg: Config) -> NotifySettings:
    """[notify]: webhook_url (or the env variable named by webhook_url_env, which wins)."""
    table = cfg.section("notify")
    # the URL grants posting to the channel: a malformed one is refused without being echoed
    url = table.url("webhook_url", secret=True) if table.has("webhook_url") and table.data["webhook_url"] else None
    env_name = table.env_name("webhook_url_env", "BOTX_WEBHOOK_URL")
    from_env = os.environ.get(env_name, "").strip() if env_name else ""
    return NotifySettings(
        webhook_url=from_env or url,
        timeout_seconds=table.number("timeout_seconds", 3.0, 0.1, 30.0),
        repeat_minutes=table.positive_int("repeat_minutes", 60, maximum=30 * 24 * 60),
        failures_in_a_row=table.positive_int("failures_in_a_row", 3, maximum=1000),
        webhook_url_env=env_name,
        config_url=url,
    )


SECTION = Section(NotifySettings, parse)


def scrub(cfg: Config, text: str) -> str:
    """The text with every secret botx knows masked (redact.py holds the one list)."""
    return redact.mask(text, cfg.secret_values())


def alert(cfg: Config, store: Store, kind: str, key: str, message: str, now: datetime) -> bool:
    """Send one alert unless the same (kind, key) went out within repeat_minutes.

    True when the webhook accepted it. Never raises: alerts must not fail the run."""
    try:
        conf = cfg.settings(NotifySettings)
        if not conf.webhook_url:
            return False
        text = scrub(cfg, f"botx on {host_name()}: {message}")[:MAX_TEXT]
        if not _claim(store, kind, key, text, now, conf.repeat_minutes):
            return False
        error = post_webhook(conf.webhook_url, text, conf.timeout_seconds)
        if error:
            error = scrub(cfg, error.replace(conf.webhook_url, "<webhook>"))
        tables.delivered(store, kind, key, error)
        return error is None
    except Exception:  # noqa: BLE001 - a broken alert path must never break a post
        return False


def _claim(store: Store, kind: str, key: str, text: str, now: datetime, repeat_minutes: int) -> bool:
    """Atomically take the right to send (kind, key) now; False within the repeat interval."""

    def too_soon(last_sent_at: str) -> bool:
        return now - parse_iso(last_sent_at) < timedelta(minutes=repeat_minutes)

    return tables.claim(store, kind, key, text, now, too_soon)


def post_webhook(url: str, text: str, timeout: float) -> str | None:
    """POST {"text", "content"}, the whole call within `timeout`; the error as a short string,
    None on a 2xx."""
    import urllib.error
    import urllib.request

    from botx_cli.deadline import DeadlineExceeded, within

    text = redact.mask(text)  # the payload is a sink too, whoever built the text
    body = json.dumps({"text": text, "content": text}).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", "User-Agent": "botx"}
    )

    def send() -> int:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(1024)
            return int(response.status)

    try:
        status = within(timeout, send, "webhook")
        return None if 200 <= status < 300 else f"HTTP {status}"
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}"
    except DeadlineExceeded:
        return f"no answer within {timeout:g} s"
    except Exception as err:  # noqa: BLE001 - timeouts, refused, DNS, TLS
        return f"{type(err).__name__}: {getattr(err, 'reason', '') or err}"[:200]


def after_post(
    cfg: Config, store: Store, account: str, status: str, reason: str | None, message: str, now: datetime
) -> None:
    """Alerts a finished `post` run may raise. Called only on failures and budget skips."""
    if reason == "CredentialsRejected":  # its own alert; not counted again as a failure streak
        alert(cfg, store, "credentials", account, f"account {account}: {message}", now)
    elif reason == "CreditsExhausted":  # one alert for the X developer account, whichever account met it
        alert(cfg, store, "credits", "", f"account {account}: {message}", now)
    elif status == "failed":
        streak = cfg.settings(NotifySettings).failures_in_a_row
        statuses = tables.last_post_statuses(store, account, streak)
        if len(statuses) >= streak and all(status == "failed" for status in statuses):
            alert(
                cfg,
                store,
                "failures",
                account,
                f"account {account}: the last {streak} post runs failed; last error: {message}",
                now,
            )
    if status == "skipped" and reason == "budget":
        alert(cfg, store, "budget", "", f"monthly API budget reached, posts are skipped: {message}", now)


def doctor_line(cfg: Config) -> tuple[str, str, str]:
    """Whether alerts go anywhere; never the URL itself (it is a secret)."""
    conf = cfg.settings(NotifySettings)
    if not conf.webhook_url:
        return ("info", "alerts", "off (set [notify] webhook_url or $BOTX_WEBHOOK_URL)")
    host = conf.webhook_url.split("://", 1)[-1].split("/", 1)[0]
    return ("ok", "alerts", f"webhook on {host}, the same alert at most every {conf.repeat_minutes} min")
