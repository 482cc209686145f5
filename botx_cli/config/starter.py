"""`botx init`: write a commented config.toml to start from (tomli-w writes the values)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from botx_cli.config.locate import BUNDLED_EXAMPLE, read_toml
from botx_cli.config.table import clip
from botx_cli.errors import TemporaryFailure, UsageError

NOTES = {
    "schedule": "Slots: account k posts at window start + k*offset + n*interval (local time).",
    "storage": "The one SQLite file; relative paths resolve against this file's folder.",
    "x": "api_base_url may point at an X API emulator or proxy. reads=false on write-only plans.",
    "accounts": "Credentials come only from the environment: BOTX_<NAME>_CONSUMER_KEY, _CONSUMER_SECRET,\n"
    "# _ACCESS_TOKEN, _ACCESS_TOKEN_SECRET (OAuth 1.0a, app with Read and Write permission).",
    "product": "All promotional words live in config. promo_lines need the {code} placeholder.",
    "offers": "unit: hour ($/hr GPUs), m_tokens ($/M tokens models), month or flat.",
    "angles": "Marketing angles, rotated per account without immediate repeats: lines (offer posts), proofs, questions.",
    "hooks": "Hooks per trend category; outside generic every wording names the trend with {trend}.\n"
    "# A piece of copy is a string or { text, fits, voice, kinds }; {a|b} picks one wording per post.",
    "voices": "How each account writes ([accounts.NAME] voice): pieces tagged voice = NAME belong to it.",
    "hashtags": "Every tweet carries at least one domain hashtag and at most `max` hashtags.",
    "validation": "Checks every tweet passes before it is sent.",
    "trends": "policy: relevant (default) | any (X forbids automated posts on unrelated trends) | off.",
    "compose": "strategy: template | llm (any OpenAI-compatible server, templates as fallback). link_every and\n"
    "# promo_every: the link / promo code in 1 post of N per account (1 = every post, 0 = never).",
    "media": "Images: mode none | generate (OpenAI-compatible images API, uploaded to X, marked made_with_ai);\n"
    "# every_n, style and price_usd; base_url and api_key_env default to [compose.llm]'s. Failures post text-only.",
    "experiments": "enabled = true: Thompson sampling on engagement per impression picks the angle (and llm prompt\n"
    "# variant), explore = chance of a random pick, min_impressions per arm before its data counts.",
    "costs": "X's pay-per-use prices (USD); monthly_budget_usd > 0 makes `post` skip (reason budget) once reached.",
    "metrics": "`botx metrics` (cron): engagement snapshots; daily_read_budget = posts read per UTC day.",
    "notify": "Webhook alerts (Slack/Discord). The URL is a secret: prefer exporting BOTX_WEBHOOK_URL.",
    "logging": 'One JSON line per `post` run; path relative to this file, "" = off; rotated by size.',
    "review": "require_approval = true: `post` sends only drafts a person approved (botx drafts generate/approve).",
}


def render_config() -> str:
    import tomli_w

    data = read_toml(BUNDLED_EXAMPLE)
    scalars = {k: v for k, v in data.items() if not isinstance(v, (dict, list))}
    parts = [
        "# botx config. Check it with `botx doctor`, then `botx preview` before enabling cron.\n",
        tomli_w.dumps(scalars),
    ]
    for key, value in data.items():
        if key in scalars:
            continue
        note = NOTES.get(key)
        parts.append("\n# " + note + "\n" if note else "\n")
        parts.append(tomli_w.dumps({key: value}, multiline_strings=True))
    return "".join(parts)


def write_config(path: Path, overwrite: bool) -> Path:
    """Written whole or not at all: a temporary file beside the target, then renamed over it."""
    text = render_config()
    try:
        if path.is_dir():
            path = path / "config.toml"
        if path.exists() and not overwrite:
            raise UsageError(f"{clip(str(path))} exists; pass --force to overwrite it")
        if path.exists() and not path.is_file():
            raise UsageError(f"{clip(str(path))} is not a regular file (a device or a socket); choose a file path")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)
        finally:
            if temporary.exists():
                temporary.unlink()
    except OSError as err:
        reason = f"cannot write {clip(str(path))}: {err.strerror or err}"
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise TemporaryFailure(reason + "; free some space and run it again") from None
        raise UsageError(reason) from None
    return path
