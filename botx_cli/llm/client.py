"""The OpenAI-compatible client, made the one way every caller needs it, and how its failures
are said.

openai is imported only here, only when a model or the images API is actually called: the
trend judge (trends/llm_judge.py), the copywriter (content/writer.py) and images
(content/images.py) all come through `open_client`. The client's own timeout bounds each
read; callers bound the whole call with deadline.within / within_all.
"""

from __future__ import annotations

from typing import Any


def open_client(key: str, base_url: str, timeout: float, max_retries: int) -> Any:
    """An openai.OpenAI client (imported now: the heavy part of the llm path)."""
    import openai

    return openai.OpenAI(api_key=key, base_url=base_url, timeout=timeout, max_retries=max_retries)


def describe(err: BaseException) -> str:
    """What went wrong, without the server's message (it may echo part of the key)."""
    status = getattr(err, "status_code", None)
    name = type(err).__name__
    if status in (401, 403):
        return f"the server refused the key (HTTP {status})"
    if status is not None:
        return f"HTTP {status} ({name})"
    if isinstance(err, TimeoutError) or "Timeout" in name:  # deadline.within's, or the client's own
        return "no answer within the timeout"
    if "Connection" in name:
        return "cannot connect"
    return f"unusable answer ({name})"
