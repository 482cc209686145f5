"""X pay-per-use prices (2026 defaults) and the cost of one API call."""

from __future__ import annotations

import json
from typing import Any

DEFAULT_PRICES = {
    "post": 0.015,  # POST /2/tweets
    "post_with_url": 0.20,  # POST /2/tweets whose text holds a link
    "post_read": 0.005,  # each post returned by a read
    "owned_read": 0.001,  # each of the account's own posts / own user returned
    "trends_request": 0.01,
}


def call_cost(prices: dict[str, float], method: str, endpoint: str, status: int, request_body: Any,
              response_json: Any) -> float:
    """What X bills for this answer; failed calls are not billed."""
    if not 200 <= status < 300:
        return 0.0
    if method == "POST" and endpoint == "POST /2/tweets":
        text = _request_text(request_body)
        return prices["post_with_url"] if "http://" in text or "https://" in text else prices["post"]
    if endpoint.startswith("GET /2/trends"):
        return prices["trends_request"]
    data = response_json.get("data") if isinstance(response_json, dict) else None
    count = len(data) if isinstance(data, list) else (1 if data else 0)
    owned = endpoint in ("GET /2/users/me", "GET /2/users/:id/tweets")
    return count * (prices["owned_read"] if owned else prices["post_read"])


def _request_text(body: Any) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return str(json.loads(body).get("text", "")) if body else ""
    except (ValueError, AttributeError):
        return ""
