"""`botx doctor`: config, credentials, database, schedule sanity and policy warnings."""

from __future__ import annotations

import os
from datetime import datetime

from botx_cli.clock import parse_iso
from botx_cli.config.core import Config
from botx_cli.content.images import doctor_line as media_line
from botx_cli.content.link_policy import table_lines
from botx_cli.errors import BotxError, CredentialsRejected, ExitCode
from botx_cli.host import host_name
from botx_cli.llm.settings import LlmSettings
from botx_cli.notify.alerts import doctor_line as notify_line
from botx_cli.notify.runlog import doctor_line as runlog_line
from botx_cli.redact import CREDENTIAL_PARTS
from botx_cli.report.spend import doctor_lines as spend_lines
from botx_cli.schedule.slots import slot_minutes
from botx_cli.store import Store
from botx_cli.trends.listing import doctor_lines as trend_lines
from botx_cli.trends.settings import TrendSettings
from botx_cli.x.settings import XSettings

Line = tuple[str, str, str]  # (ok | warn | fail | info, topic, message)


def run_doctor(cfg: Config, store: Store, now: datetime, online: bool) -> tuple[list[Line], ExitCode]:
    """Lines to show and the exit code: OK healthy, USAGE credentials missing, CREDENTIALS rejected."""
    lines: list[Line] = [("ok", "config", f"{cfg.path}" + (" (bundled example)" if cfg.bundled else ""))]
    lines.append(("ok", "database", store.describe()))
    lines += host_lines(store)
    lines += schedule_lines(cfg)
    lines += policy_lines(cfg)
    lines += trend_lines(cfg, store, now)
    lines += spend_lines(cfg, store, now)
    lines += [("info", "x cost", line) for line in table_lines(cfg)]
    lines += [notify_line(cfg), runlog_line(cfg)]
    lines += [line for line in (media_line(cfg),) if line]
    exit_code = ExitCode.OK
    for account in cfg.accounts.values():
        if not account.enabled:  # `post` skips it before reading any credential
            lines.append(("info", f"account {account.name}", "disabled (enabled = false): no credentials needed"))
            continue
        missing = [account.env_var(p) for p in CREDENTIAL_PARTS if not os.environ.get(account.env_var(p), "").strip()]
        if missing:
            lines.append(("fail", f"account {account.name}", f"missing {', '.join(missing)}"))
            exit_code = ExitCode.USAGE
            continue
        lines.append(("ok", f"account {account.name}", f"@{account.handle}: credentials present"))
        lines += x_state_lines(cfg, store, account.name, now)
        if online:
            line, code = online_line(cfg, store, account.name, now)
            lines.append(line)
            exit_code = max(exit_code, code)
    return lines, exit_code


def x_state_lines(cfg: Config, store: Store, name: str, now: datetime) -> list[Line]:
    """What stops or clouds posting from X's side: a stored block (spent limit, credits) and
    posts whose answer was lost, still unknown."""
    out: list[Line] = []
    for limit in store.rate_limits(name):
        reset = parse_iso(limit["reset_at"]) if limit["reset_at"] else None
        if limit["endpoint"] != "POST /2/tweets" or limit["remaining"] != 0 or not reset or reset <= now:
            continue
        note = f" ({limit['note']})" if limit["note"] else ""
        if limit["kind"] == "credits":
            text = (
                f"X's pay-per-use credits ran out{note}: posts skip (reason credits) until {limit['reset_at']}; "
                f"top up, then `botx resume --account {name}`"
            )
        else:
            text = f"posting blocked by X's {limit['kind']} limit until {limit['reset_at']}{note}"
        out.append(("warn", f"account {name}", text))
    unknown = store.unknown_attempts(name)
    if unknown:
        how = (
            "checked against the timeline at its next runs"
            if cfg.settings(XSettings).reads
            else "never checked: [x] reads = false"
        )
        out.append(("warn", f"account {name}", f"{unknown} post(s) whose answer X sent was lost, still unknown; {how}"))
    return out


def host_lines(store: Store) -> list[Line]:
    """Hosts sharing a PostgreSQL database judge each other's open attempts by host name:
    each needs its own (BOTX_HOST; containers often share the image's)."""
    if store.backend.name == "sqlite":
        return []
    if os.environ.get("BOTX_HOST", "").strip():
        return [("ok", "host", f"{host_name()} (BOTX_HOST)")]
    return [
        (
            "warn",
            "host",
            f"BOTX_HOST is unset: this host records itself as {host_name()}; give every host that shares"
            " the database its own BOTX_HOST",
        )
    ]


def schedule_lines(cfg: Config) -> list[Line]:
    s, out = cfg.schedule, []
    for account in cfg.accounts.values():
        slots = len(slot_minutes(s, account.index))
        level = "ok" if slots >= s.daily_cap else "warn"
        out.append(
            (
                level,
                f"schedule {account.name}",
                f"{slots} slots a day for a cap of {s.daily_cap}"
                + ("" if level == "ok" else ": the cap is never reached"),
            )
        )
    if s.min_gap_minutes > s.interval_minutes:
        out.append(
            (
                "warn",
                "schedule",
                f"min_gap_minutes {s.min_gap_minutes} > interval {s.interval_minutes}: every other slot is skipped",
            )
        )
    if len(cfg.accounts) > 1 and s.offset_minutes * (len(cfg.accounts) - 1) >= s.interval_minutes:
        out.append(("warn", "schedule", "offsets reach the next interval: accounts post at the same minutes"))
    return out


def policy_lines(cfg: Config) -> list[Line]:
    out: list[Line] = []
    policy = cfg.settings(TrendSettings).policy
    if policy == "any":
        out.append(
            (
                "warn",
                "trends policy",
                '"any" posts on unrelated trending topics: X\'s automation rules '
                'forbid automatically posting about trending topics; prefer "relevant" or a review queue',
            )
        )
    else:
        out.append(("ok", "trends policy", policy))
    llm = cfg.settings(LlmSettings)
    if cfg.strategy == "llm" and not os.environ.get(llm.api_key_env):
        out.append(("warn", "llm", f"{llm.api_key_env} is not set: posts fall back to templates"))
    return out


def online_line(cfg: Config, store: Store, name: str, now: datetime) -> tuple[Line, ExitCode]:
    from botx_cli.x.account import XAccount

    account = cfg.account(name)
    try:
        me = XAccount(cfg, store, account, now).me()
    except CredentialsRejected as err:
        return ("fail", f"account {name}", str(err)), ExitCode.CREDENTIALS
    except BotxError as err:
        return ("warn", f"account {name}", f"X not reachable: {err}"), ExitCode.OK
    username = str(me.get("username", ""))
    if username.casefold() != account.handle.casefold():
        return ("warn", f"account {name}", f"tokens belong to @{username}, config says @{account.handle}"), ExitCode.OK
    if me.get("id"):
        store.save_user(name, str(me["id"]), username, now)
    return ("ok", f"account {name}", f"X says @{username} (id {me.get('id')})"), ExitCode.OK
