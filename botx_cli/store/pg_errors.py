"""What a PostgreSQL failure means for the operator: one line, its exit code, never the URL.

Stdlib only (the SQLSTATE is read off the exception, no psycopg import): the same mapping
serves the backend's `failure` and the connect path.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qs, unquote, urlsplit

from botx_cli import redact
from botx_cli.errors import BotxError, DatabaseDenied, DatabaseUnavailable, StoreError

SCHEMES = ("postgresql://", "postgres://")
# SQLSTATE classes and codes -> what the operator should do
_RETRY_CLASSES = ("08", "53", "57", "58", "40")  # connection, resources, shutdown, system, rollbacks
_DENIED = ("28", "42501", "3D000", "3F000")  # authorization, privilege, no such database/schema
# libpq's refusals at connect time carry no SQLSTATE: known by their words
_DENIED_WORDS = ("does not exist", "authentication failed", "permission denied", "no pg_hba.conf entry", "password")
_MALFORMED_WORDS = (
    "invalid connection option",
    "invalid uri",
    "invalid percent-encoded",
    "invalid port",
    "invalid sslmode",
    "invalid integer value",
    "invalid value for parameter",
    'missing "="',
    "unterminated quoted",
)


def is_postgres_url(value: str | None) -> bool:
    return bool(value) and str(value).strip().lower().startswith(SCHEMES)


def url_secrets(url: str) -> tuple[str, ...]:
    """The forms of the URL that must never be shown: itself, decoded, and its password."""
    forms = {url, url.strip(), unquote(url)}
    try:
        parts = urlsplit(url.strip())
        passwords = [parts.password or "", *parse_qs(parts.query).get("password", [])]
    except ValueError:
        passwords = []
    for password in filter(None, passwords):  # user:PASSWORD@ or ?password=PASSWORD
        forms.update((password, unquote(password)))
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


def mask_text(text: str, secrets: Sequence[str] = ()) -> str:
    """One line, at most 300 characters, the URL's forms and every known secret masked."""
    text = " ".join(text.split())
    for value in (*secrets, *redact.active()):
        text = text.replace(value, redact.MASK)
    return text[:300]


def database_failure(err: BaseException, secrets: Sequence[str] = (), where: str = "database") -> BotxError:
    """One line and an exit code for a PostgreSQL failure. `where` names the database for the
    reader; a URL given there (store's generic code passes its target) is replaced, not shown."""
    if not where or is_postgres_url(where):
        secrets = (*secrets, *url_secrets(where)) if where else secrets
        where = "database"
    code = getattr(err, "sqlstate", None) or ""
    text = mask_text(str(err), secrets) or type(err).__name__
    if not code and (type(err).__name__ == "ProgrammingError" or _says(text, _MALFORMED_WORDS)):
        return StoreError(f"{where}: the [storage] url_env variable does not hold a usable PostgreSQL URL ({text})")
    if not code and _says(text, _DENIED_WORDS):
        code = "28000"
    if code == "55P03":
        return DatabaseUnavailable(
            f"{where}: another botx held the write lock past the busy timeout ({text}); the next run tries again"
        )
    if code.startswith(_DENIED):
        return DatabaseDenied(
            f"{where}: PostgreSQL refused botx ({text}); check the user, password and database name in the"
            " variable [storage] url_env names"
        )
    if not code or code.startswith(_RETRY_CLASSES):
        return DatabaseUnavailable(f"{where}: PostgreSQL is unreachable or busy ({text}); the next run tries again")
    if code.startswith("XX"):
        return StoreError(f"{where}: PostgreSQL reports damaged data ({text}); botx changed nothing")
    return StoreError(f"{where}: PostgreSQL refused a statement ({text})")


def _says(text: str, words: Sequence[str]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)
