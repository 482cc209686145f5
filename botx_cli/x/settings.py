"""[x]: how botx talks to X (base URL, timeouts, retries, reads, the run's deadline, credits
back-off, `post --all`'s concurrency), and the accounts' OAuth 1.0a keys, read only from the environment.

Registered in botx_cli.sections; stdlib only: it loads on every run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from botx_cli.config.core import Account, Config, Section
from botx_cli.errors import ConfigError
from botx_cli.redact import CREDENTIAL_PARTS


@dataclass(frozen=True)
class XSettings:
    api_base_url: str
    timeout_seconds: float  # one call to X, whole (headers and body), not each read
    retries: int
    backoff_seconds: float  # first retry waits this long, then doubles
    reads: bool  # reads allowed on this plan: reconcile lost answers, metrics
    run_deadline_seconds: float = 300.0  # one `botx post`, whole: well below the cadence
    credits_retry_minutes: int = 60  # after a 402 / usage-capped, posts skip this long
    concurrency: int = 8  # `post --all`: accounts posting side by side in one process


def parse(cfg: Config) -> XSettings:
    table = cfg.section("x")
    timeout = table.number("timeout_seconds", 10.0, 0.1, 120.0)
    deadline = table.number("run_deadline_seconds", 300.0, 5.0, 3600.0)
    if deadline < 2 * timeout:  # room for the reconciling read and the post itself
        raise table.fail(
            "run_deadline_seconds", f"must be at least twice timeout_seconds ({timeout:g}), got {deadline:g}"
        )
    return XSettings(
        api_base_url=table.url("api_base_url", "https://api.twitter.com").rstrip("/"),
        timeout_seconds=timeout,
        retries=int(table.number("retries", 2, 0, 5)),
        backoff_seconds=table.number("backoff_seconds", 0.5, 0.0, 30.0),
        reads=table.get("reads", bool, True),
        run_deadline_seconds=deadline,
        credits_retry_minutes=table.int_between("credits_retry_minutes", 60, 1, 7 * 24 * 60),
        concurrency=table.int_between("concurrency", 8, 1, 64),
    )


SECTION = Section(XSettings, parse)


def credentials(cfg: Config, account: Account) -> dict[str, str]:
    """OAuth 1.0a user-context keys, only ever from the environment."""
    values = {}
    for part in CREDENTIAL_PARTS:
        var = account.env_var(part)
        value = os.environ.get(var, "").strip()
        if not value:
            raise ConfigError(
                cfg.path,
                None,
                f"{var} is not set; export the X credentials of account {account.name} (OAuth 1.0a, read+write)",
            )
        values[part.lower()] = value
    return values
