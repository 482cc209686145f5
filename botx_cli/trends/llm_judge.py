"""The model as a second judge of trends: one batched call per refresh, bounded as a whole.

With [compose] strategy = "llm" and its key set, the trends the rules kept are shown to the
[compose.llm] model with their headlines, and it answers for each: safe for a brand, and
related to the product? It can only narrow or confirm what the rules decided: "unsafe" drops
a trend under every policy; "not related" keeps it out of the `relevant` policy; "related"
lets in a trend the rules found some evidence for but not enough (cache.usable), never one
with none. Trends the rules found unsafe never reach it.

Bounded: the whole call (connection, every byte of the answer, the client's retries) runs
within deadline.within, which stops waiting at the refresh's deadline, so a server dripping one
byte every 2 s cannot hold a refresh past its budget. Verdicts are stored by model, product,
hashtag and headlines (trend_verdicts): a trend still trending at the next refresh is not
asked about again. Imported only by a refresh that judges; openai loads only here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botx_cli.config.core import Config
from botx_cli.deadline import within
from botx_cli.llm.client import describe, open_client
from botx_cli.llm.settings import LlmSettings
from botx_cli.store import Store
from botx_cli.trends import cache

MAX_TRENDS = 60  # one call; a refresh keeps about 30 after cleaning
MARKER = "You review trending topics"  # how tests/fakes/fake_openai.py tells a judge request from copywriting
SYSTEM = (
    MARKER + " for a brand's promotional posts on X. The brand: {product}. {description}\n"
    "For each numbered trend (its name, and news headlines about it when known) decide:\n"
    "- safe: false if the trend or its news is about politics, elections or government, war or terror, crime, "
    "arrests or trials, death, disaster or illness, religion, hate, sex or nudity, or any tragedy; else true.\n"
    "- related: true only if {product} has something true and specific to say about the topic itself "
    "(its field: {field}); false for celebrities, sports, entertainment and general news unless the topic is "
    "about that field.\n"
    'Reply with JSON only: {{"verdicts": [{{"id": 1, "safe": true, "related": false, "why": "at most 12 words"}}]}}'
    ", one entry per trend."
)
_JSON = re.compile(r"\{.*\}", re.DOTALL)


@dataclass(frozen=True)
class Judged:
    verdicts: dict[str, dict[str, Any]]  # hashtag casefolded -> {"safe", "related", "why"}
    note: str  # one line for `botx trends -v` and trend_refreshes.judge


def judge(cfg: Config, store: Store, rows: Sequence[cache.CachedTrend], now: datetime, seconds: float) -> Judged:
    """Verdicts for `rows` (stored ones reused), asking the model at most once, within `seconds`."""
    llm = cfg.settings(LlmSettings)
    key = llm.api_key()
    if not key:
        return Judged({}, f"llm: {llm.api_key_env} is not set; the rules alone judged")
    rows = list(rows)[:MAX_TRENDS]
    keys = {row.hashtag.casefold(): verdict_key(cfg, row) for row in rows}
    stored = cache.verdicts(store, list(keys.values()))
    found = {tag: stored[k] for tag, k in keys.items() if k in stored}
    ask = [row for row in rows if row.hashtag.casefold() not in found]
    reused = f", {len(found)} from earlier refreshes" if found else ""
    if not ask:
        return Judged(found, f"llm: every trend judged in earlier refreshes ({len(found)})")
    if seconds < 1:
        return Judged(found, f"llm: no time left in refresh_budget_seconds for the model{reused}")
    # openai loads here, before the deadline starts: importing it waits on no server
    client = open_client(key, llm.base_url, min(llm.timeout_seconds, seconds), llm.max_retries)
    try:
        answer = within(seconds, lambda: _ask(client, cfg, ask), "trend judge")
    except TimeoutError:
        return Judged(found, f"llm: no answer within {seconds:g} s; the rules alone judged{reused}")
    except Exception as err:  # noqa: BLE001 - openai errors and transport failures alike
        return Judged(found, f"llm: {describe(err)}; the rules alone judged{reused}")
    new = parse_verdicts(answer, len(ask))
    fresh = {ask[index].hashtag.casefold(): verdict for index, verdict in new.items()}
    cache.save_verdicts(store, now, {keys[tag]: verdict for tag, verdict in fresh.items()})
    missing = len(ask) - len(fresh)
    lacking = f", {missing} without a usable verdict" if missing else ""
    return Judged({**found, **fresh}, f"llm: judged {len(fresh)} trend(s) in one call{lacking}{reused}")


def verdict_key(cfg: Config, row: cache.CachedTrend) -> str:
    parts = [
        cfg.settings(LlmSettings).model,
        cfg.product.name,
        cfg.product.description,
        row.hashtag.casefold(),
        *row.headlines,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def prompt(cfg: Config, rows: Sequence[cache.CachedTrend]) -> list[dict[str, str]]:
    field = ", ".join(cfg.product.keywords[:12]) or cfg.product.name
    system = SYSTEM.format(product=cfg.product.name, description=cfg.product.description, field=field)
    lines = []
    for number, row in enumerate(rows, start=1):
        lines.append(f"{number}. {row.display or row.name} ({', '.join(row.sources)}, rank {row.rank})")
        lines += [f"   - {title}" for title in row.headlines[:3]]
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(lines)}]


def _ask(client: Any, cfg: Config, rows: Sequence[cache.CachedTrend]) -> str:
    response = client.chat.completions.create(
        model=cfg.settings(LlmSettings).model,
        messages=prompt(cfg, rows),
        temperature=0,
        max_tokens=min(4000, 40 * len(rows) + 100),
    )
    content = response.choices[0].message.content
    return content if isinstance(content, str) else ""


def parse_verdicts(answer: str, count: int) -> dict[int, dict[str, Any]]:
    """0-based index -> {"safe", "related", "why"} for each well-formed entry; an entry with a
    missing or non-boolean field, an unknown id or a repeated one is left out."""
    found = _JSON.search(answer or "")
    try:
        document = json.loads(found.group(0)) if found else None
    except (ValueError, RecursionError):
        return {}
    entries = document.get("verdicts") if isinstance(document, dict) else None
    out: dict[int, dict[str, Any]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        number, safe, related = entry.get("id"), entry.get("safe"), entry.get("related")
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= count or number - 1 in out:
            continue
        if isinstance(safe, bool) and isinstance(related, bool):
            why = " ".join("".join(c for c in str(entry.get("why", "")) if c.isprintable()).split())[:120]
            out[number - 1] = {"safe": safe, "related": related, "why": why}
    return out
