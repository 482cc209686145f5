"""One redaction list for every secret botx reads, and the mask every sink applies.

The secrets: each account's OAuth keys (BOTX_<NAME>_CONSUMER_KEY ...), X's app bearer token
(BOTX_X_BEARER_TOKEN), the LLM and images keys (the variables named by [compose.llm] and
[media] api_key_env), the webhook URL ([notify] webhook_url, or the variable named by
webhook_url_env) and the database URL (the variable named by [storage] url_env). The config
names its own (config.core.Config.secret_values: every section says which are secret);
without one the defaults and the environment's BOTX_*_<PART> variables count. Servers echo
what they are sent, so any of them may come back inside an error text; every place text
leaves the process masks them: stdout and stderr (the CLI wraps both streams, so rich tables,
-v notes and tracebacks are covered), every string written to the database (store/), the run
log and webhook payloads.

Stdlib only and cheap (it runs on every `post`); it knows no Config, only names and values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

MASK = "***"
MIN_LENGTH = 4  # shorter values would mask ordinary words
CREDENTIAL_PARTS = ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET")
# Read whatever the config says: the defaults of the settings that name secret variables.
DEFAULT_NAMES = ("BOTX_X_BEARER_TOKEN", "BOTX_WEBHOOK_URL", "BOTX_DATABASE_URL", "OPENAI_API_KEY")
_ACCOUNT_VARIABLE = re.compile(r"^BOTX_[A-Za-z0-9_]+_(?:{})$".format("|".join(CREDENTIAL_PARTS)))

_active: tuple[str, ...] | None = None  # the list of the config in use (cli: set once loaded)


def secret_names(variables: Iterable[str] = ()) -> list[str]:
    """The environment variables whose values are secrets: the defaults, every account
    credential variable set in the environment, and `variables` (a config's own)."""
    names = list(DEFAULT_NAMES) + [name for name in os.environ if _ACCOUNT_VARIABLE.match(name)] + list(variables)
    return [name for name in dict.fromkeys(names) if name]


def secret_values(variables: Iterable[str] = (), literals: Iterable[str] = ()) -> tuple[str, ...]:
    """Every secret value (the variables' and `literals`, secrets written in a config) and the
    forms it travels in (percent-encoded in an OAuth header or a URL, decoded by a server that
    echoes it, the password of a URL), longest first."""
    values = [os.environ.get(name, "").strip() for name in secret_names(variables)]
    values += [value.strip() for value in literals]
    forms: set[str] = set()
    for value in values:
        if len(value) < MIN_LENGTH:
            continue
        forms.update((value, quote(value, safe=""), quote(value, safe="/:@"), unquote(value)))
        forms.update(_url_parts(value))
    return tuple(sorted((f for f in forms if len(f) >= MIN_LENGTH), key=len, reverse=True))


def _url_parts(value: str) -> list[str]:
    """The secret pieces of a URL: its password (user:PASSWORD@ or ?password=, as libpq takes it), and the path that carries a webhook's token."""
    if "://" not in value:
        return []
    try:
        parts = urlsplit(value)
        passwords = [parts.password or "", *parse_qs(parts.query).get("password", [])]
    except ValueError:
        return []
    pieces = [form for password in passwords if password for form in (password, unquote(password))]
    if len(parts.path.strip("/")) >= 8:  # hooks.slack.com/services/T0/B0/XXXX: the path is the key
        pieces.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pieces


def use(values: tuple[str, ...] | None) -> None:
    """The list every sink masks from now on (the CLI passes the loaded config's
    secret_values()); None: the environment's, computed when first needed."""
    global _active
    _active = values


def active() -> tuple[str, ...]:
    """The list in force: the config's once the CLI loaded it, else the environment's (computed
    once per run: the CLI's boundary resets it with use(None))."""
    global _active
    if _active is None:
        _active = secret_values()
    return _active


def mask(text: str, secrets: tuple[str, ...] | None = None) -> str:
    for value in active() if secrets is None else secrets:
        if value in text:
            text = text.replace(value, MASK)
    return text


def mask_doc(document: Any, secrets: tuple[str, ...] | None = None) -> Any:
    """A JSON-able value with every string masked (keys too), its shape unchanged."""
    found = active() if secrets is None else secrets
    if not found:
        return document
    if isinstance(document, str):
        return mask(document, found)
    if isinstance(document, dict):
        return {mask_doc(k, found): mask_doc(v, found) for k, v in document.items()}
    if isinstance(document, (list, tuple)):
        return [mask_doc(item, found) for item in document]
    return document
