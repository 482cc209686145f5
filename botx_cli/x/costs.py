"""X pay-per-use prices (2026 defaults) and the cost of one API call."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botx_cli.config.core import Config, Section

DEFAULT_PRICES = {
    "post": 0.015,  # POST /2/tweets
    "post_with_url": 0.20,  # POST /2/tweets whose text holds a link
    "post_read": 0.005,  # each post returned by a read
    "owned_read": 0.001,  # each of the account's own posts / own user returned
    "trends_request": 0.01,
    "media_upload": 0.0,  # POST /2/media/upload: X's 2026 rate card lists no price for it
}


@dataclass(frozen=True)
class CostSettings:
    prices: dict[str, float]
    monthly_budget_usd: float  # 0 = no budget


def parse(cfg: Config) -> CostSettings:
    """[costs]: monthly_budget_usd and a [costs.prices] table overriding DEFAULT_PRICES."""
    table = cfg.section("costs")
    budget = table.number("monthly_budget_usd", 0.0, 0.0, 1_000_000.0)
    prices_table = table.table("prices")
    for key in prices_table.data:
        if key not in DEFAULT_PRICES:
            raise prices_table.fail(key, f"unknown price; use {', '.join(DEFAULT_PRICES)}")
    prices = {key: prices_table.number(key, default, 0.0, 100.0) for key, default in DEFAULT_PRICES.items()}
    return CostSettings(prices, budget)


SECTION = Section(CostSettings, parse)


def call_cost(
    prices: dict[str, float],
    method: str,
    endpoint: str,
    status: int,
    request_body: Any,
    response_json: Any,
    owner_id: str | None = None,
) -> float:
    """What X bills for this answer; failed calls are not billed. Posts authored by
    `owner_id` (the account's own, looked up by id) are owned reads."""
    if not 200 <= status < 300:
        return 0.0
    if method == "POST" and endpoint == "POST /2/tweets":
        text = _request_text(request_body)
        return prices["post_with_url"] if "http://" in text or "https://" in text else prices["post"]
    if endpoint.startswith("GET /2/trends"):
        return prices["trends_request"]
    if endpoint == "POST /2/media/upload":  # a write: its answer's `data` is no post read
        return prices["media_upload"]
    data = response_json.get("data") if isinstance(response_json, dict) else None
    count = len(data) if isinstance(data, list) else (1 if data else 0)
    owned = endpoint in ("GET /2/users/me", "GET /2/users/:id/tweets")
    if owner_id and not owned and isinstance(data, list):
        mine = sum(1 for item in data if isinstance(item, dict) and str(item.get("author_id")) == owner_id)
        return mine * prices["owned_read"] + (count - mine) * prices["post_read"]
    return count * (prices["owned_read"] if owned else prices["post_read"])


def items_returned(endpoint: str, response_json: Any) -> int:
    """Posts in a read answer (what the daily read budget counts)."""
    if not endpoint.startswith("GET /2/") or "tweets" not in endpoint or not isinstance(response_json, dict):
        return 0
    data = response_json.get("data")
    return len(data) if isinstance(data, list) else (1 if isinstance(data, dict) else 0)


def _request_text(body: Any) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return str(json.loads(body).get("text", "")) if body else ""
    except (ValueError, AttributeError):
        return ""
