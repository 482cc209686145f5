"""[compose.llm]'s connection to an OpenAI-compatible server: model, base_url, api_key_env,
timeout_seconds, max_retries and the token prices. The keys about what the model writes
(tone, layout, copies, ...) belong to content (content/settings.py).

The key itself is only ever read from the environment variable api_key_env names. Registered
in botx_cli.sections; stdlib only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from botx_cli.config.core import Config, Secrets, Section


@dataclass(frozen=True)
class LlmSettings:
    model: str
    base_url: str
    api_key_env: str
    timeout_seconds: float  # one call, whole (retries included)
    max_retries: int = 1  # HTTP retries inside the openai client (429, 5xx, connection)
    input_price_per_m_tokens: float = 0.15  # USD per million prompt tokens (gpt-4o-mini, 2026)
    output_price_per_m_tokens: float = 0.60  # USD per million completion tokens

    def secrets(self) -> Secrets:
        return Secrets(variables=(self.api_key_env,))

    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env, "").strip() or None


def parse(cfg: Config) -> LlmSettings:
    table = cfg.section("compose").table("llm")
    return LlmSettings(
        model=table.get("model", str, "gpt-4o-mini", max_len=200),
        base_url=table.url("base_url", "https://api.openai.com/v1"),
        api_key_env=table.env_name("api_key_env", "OPENAI_API_KEY"),
        timeout_seconds=table.number("timeout_seconds", 20.0, 1.0, 120.0),
        max_retries=int(table.number("max_retries", 1, 0, 3)),
        input_price_per_m_tokens=table.number("input_price_per_m_tokens", 0.15, 0.0, 1000.0),
        output_price_per_m_tokens=table.number("output_price_per_m_tokens", 0.60, 0.0, 1000.0),
    )


SECTION = Section(LlmSettings, parse)


def missing_key(cfg: Config) -> str | None:
    """The warning for `post`/`preview` when the llm strategy has no key; None when fine."""
    conf = cfg.settings(LlmSettings)
    if cfg.strategy != "llm" or conf.api_key():
        return None
    return (
        f'[compose] strategy = "llm" but {conf.api_key_env} is not set: composing with templates; '
        f"export {conf.api_key_env} (any value for a server without keys)"
    )
