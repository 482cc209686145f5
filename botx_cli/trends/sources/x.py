"""X's own trends (GET /2/trends/by/woeid/:id) with the app's bearer token.

X bills every request, so the source is off unless [trends.sources.x] enabled = true, and each
call goes into job.x_calls for the refresh to record with its cost. The token comes from the
environment only (BEARER_ENV), never from config.
"""

from __future__ import annotations

import os
import time
from typing import Any

from botx_cli.errors import ParseError
from botx_cli.trends.sources.base import X_API, Http, Job, Option, RawTrend, Source, SourceError, SourceSpec
from botx_cli.trends.sources.parsing import clean_text, load_json, parse_volume

BEARER_ENV = "BOTX_X_BEARER_TOKEN"  # X's app-only token for the trends endpoint, never in config
ENDPOINT = "GET /2/trends/by/woeid/:id"

SOURCE = Source(
    "x",
    X_API,
    (Option("woeid", 1),),
    enabled=False,  # X bills it: opt in
    base_url=True,
    trust=1,
    needs_env=BEARER_ENV,
    reads="X's trends",
)


async def fetch(http: Http, spec: SourceSpec, job: Job) -> list[RawTrend]:
    """X's trends for a WOEID with the app bearer token; every answer is a billable call."""
    token = os.environ.get(BEARER_ENV, "").strip()
    if not token:
        raise SourceError(
            f"{BEARER_ENV} is not set; export the app's bearer token or set [trends.sources.x] enabled = false"
        )
    url = f"{spec.url}/2/trends/by/woeid/{spec.options['woeid']}"
    started, status = time.monotonic(), None
    try:
        body, _content_type = await http.get(url, {"Authorization": f"Bearer {token}"})
        status = 200
    except SourceError as err:
        status = err.http_status
        if status in (401, 403):
            raise SourceError(
                f"HTTP {status}: X refused the bearer token in {BEARER_ENV} for trends "
                "(does the plan include the trends endpoint?)",
                status,
            ) from None
        raise
    finally:
        job.x_calls.append((ENDPOINT, status, int((time.monotonic() - started) * 1000)))
    return parse(body)


def parse(json_obj: Any) -> list[RawTrend]:
    """GET /2/trends/by/woeid/:id -> {"data": [{"trend_name", "tweet_count"}]}.

    The personalized-trends endpoint says "post_count" ("12.3K posts"): read it too.
    """
    source = SOURCE.name
    document = load_json(source, json_obj)
    data = document.get("data") if isinstance(document, dict) else None
    if data is None:
        raise ParseError(source, _problem(document))
    if not isinstance(data, list):
        raise ParseError(source, f'"data" is a {type(data).__name__}, expected a list')
    trends: list[RawTrend] = []
    for entry in data:
        raw_name = entry.get("trend_name") if isinstance(entry, dict) else None
        name = clean_text(raw_name) if isinstance(raw_name, str) else ""
        if not name:
            continue
        trends.append(
            RawTrend(
                name=name,
                rank=len(trends) + 1,
                volume=_count(entry.get("tweet_count", entry.get("post_count"))),
                source=source,
            )
        )
    return trends


def _problem(document: Any) -> str:
    """X answers errors as {"errors": [...]} or a problem {"title", "detail"}."""
    if not isinstance(document, dict):
        return f"expected a JSON object, got {type(document).__name__}"
    errors = document.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else document
    if isinstance(first, dict) and (first.get("detail") or first.get("message")):
        return f"X error: {first.get('detail') or first.get('message')}"
    return 'no "data" in the response'


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    return parse_volume(value) if isinstance(value, str) else None
