"""Model calls as API spend: each one an api_calls row, counted by stats, doctor and the
monthly budget like X's calls. Loaded by every run that may compose (no client, no openai)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botx_cli.llm.chat import Call
    from botx_cli.store import Store

CHAT_ENDPOINT = "POST /v1/chat/completions"  # how a chat call is named in api_calls
Recorder = Callable[[str, "Call"], None]  # (account, call) -> recorded with the API spend


def spend_recorder(store: Store, now: datetime) -> Recorder:
    """Chat calls as api_calls rows."""

    def record(account: str, call: Call) -> None:
        store.record_api_call(now, account, "POST", CHAT_ENDPOINT, call.status, call.cost_usd, call.duration_ms)

    return record
