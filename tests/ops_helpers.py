"""Helpers for the stats/metrics/notify/log suites: config keys by section, seeded posts."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def set_key(config: Path, section: str, key: str, value: str) -> None:
    """Set `key = value` inside [section] of config.toml (added when missing)."""
    text = config.read_text(encoding="utf-8")
    header = re.search(rf"(?m)^\[{re.escape(section)}\][^\n]*\n", text)
    if header is None:
        text = text.rstrip("\n") + f"\n\n[{section}]\n{key} = {value}\n"
    else:
        nxt = re.search(r"(?m)^\[", text[header.end() :])
        end = header.end() + (nxt.start() if nxt else len(text) - header.end())
        body = text[header.end() : end]
        body, count = re.subn(rf"(?m)^{re.escape(key)}\s*=.*$", f"{key} = {value}", body, count=1)
        if not count:
            body = f"{key} = {value}\n" + body
        text = text[: header.end()] + body + text[end:]
    config.write_text(text, encoding="utf-8")


def utc(when: str) -> str:
    return datetime.fromisoformat(when).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_posts(
    db: Path,
    world: Any,
    account: str,
    token: str,
    moments: list[str],
    angle: str = "cost",
    trend: str | None = None,
    hashtags: tuple[str, ...] = ("CloudGPU",),
) -> list[str]:
    """Posts made earlier: tweets on the fake X and their 'posted' attempt rows (via the real store)."""
    from botx_cli.store import open_store

    store = open_store(db)
    ids = []
    with store.write() as conn:
        for index, when in enumerate(moments):
            at = datetime.fromisoformat(when)
            text = f"seeded post {account} {index} {when} #{hashtags[0]}"
            tweet = world.fake.add_tweet(token, text, at.timestamp())
            ids.append(tweet["id"])
            conn.execute(
                "INSERT INTO attempts (account, slot_key, kind, status, created_at, updated_at, text, text_norm,"
                " hashtags, trend, angle, tweet_id, posted_at) VALUES (?, NULL, 'manual', 'posted', ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?)",
                (
                    account,
                    utc(when),
                    utc(when),
                    text,
                    text.lower(),
                    json.dumps(list(hashtags)),
                    trend,
                    angle,
                    tweet["id"],
                    utc(when),
                ),
            )
    store.close()
    return ids
