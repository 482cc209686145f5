"""The seam between the queries and a database engine: what a backend must provide.

Every query in store/ is written once, in SQL both SQLite and PostgreSQL accept (`?`
placeholders, which a backend rewrites to its own style; ON CONFLICT ... DO UPDATE/NOTHING;
no engine date functions: times are ISO-8601 UTC text compared as text). What differs between
engines lives behind a Backend: connecting, the write transaction (SQLite's BEGIN IMMEDIATE),
the schema version (SQLite's PRAGMA user_version), whether a database is empty, splitting a
migration script, the id of an inserted row, and turning a driver error into a BotxError.

`store.open_store` picks the backend from its target (a path: SQLite, store/sqlite.py); a second
backend is one more module implementing this protocol plus one line in `BACKENDS`.
Stdlib only: imported on every run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from botx_cli.errors import BotxError

# URL scheme -> "module:Class" of the backend, imported only when a target names it.
# A path (no scheme) is SQLite. Issue 14 adds "postgresql": "botx_cli.store.postgres:PostgresBackend".
BACKENDS: dict[str, str] = {
    "sqlite": "botx_cli.store.sqlite:SqliteBackend",
    "postgresql": "botx_cli.store.postgres:PostgresBackend",  # [storage] url_env: several hosts
    "postgres": "botx_cli.store.postgres:PostgresBackend",  # the alias libpq accepts too
}


class Backend(Protocol):
    """One database engine. `conn` is whatever the backend's connect returned."""

    name: str  # "sqlite", "postgresql": said in `botx doctor`
    errors: tuple[type[BaseException], ...]  # the driver's errors: mapped by `failure`
    operational: tuple[type[BaseException], ...]  # lock held too long, disk full: worth a retry
    conflict: tuple[type[BaseException], ...]  # a unique constraint refused a row (claim races)

    def connect(self, target: str, busy_timeout: float) -> Any:
        """An autocommit connection (statements outside `write` commit on their own); a target
        that is not this engine's database is refused untouched (StoreError)."""
        ...

    def prepare(self, conn: Any) -> None:
        """Session settings, applied once the schema check found a botx database (or none)."""
        ...

    def sql(self, text: str) -> str:
        """The query in this engine's placeholder style (store/ writes `?`)."""
        ...

    def write(self, conn: Any) -> AbstractContextManager[None]:
        """One write transaction holding the engine's write lock; a nested block joins the
        outer one. Rolls back on any exception."""
        ...

    def insert(self, conn: Any, sql: str, args: Sequence[Any]) -> int:
        """Run an INSERT and return the new row's id (SQLite: lastrowid; others: RETURNING id)."""
        ...

    def schema(self, conn: Any) -> tuple[int, bool]:
        """(applied migration count, whether the database holds any table), read atomically."""
        ...

    def set_schema(self, conn: Any, version: int) -> None:
        """Record the applied migration count, inside the migration's transaction."""
        ...

    def statements(self, script: str) -> Iterator[str]:
        """A migration script split into statements (run one by one inside `write`)."""
        ...

    def table_exists(self, conn: Any, name: str) -> bool: ...

    def describe(self, conn: Any, target: str) -> str:
        """What `botx doctor` says: the engine or file and the schema; never a URL (a secret)."""
        ...

    def failure(self, err: BaseException, where: str) -> BotxError:
        """What a driver error means for the operator: one line and its exit code."""
        ...

    def close(self, conn: Any) -> None: ...


def scheme(target: str) -> str:
    """ "postgresql://..." -> "postgresql"; a path -> "sqlite"."""
    head, sep, _rest = target.partition("://")
    return head.lower() if sep and head.isalpha() else "sqlite"


_OPENED: dict[str, Backend] = {}  # backends this process has used, by scheme


def driver_errors() -> tuple[type[BaseException], ...]:
    """The driver errors of every backend opened so far: what the CLI's boundary maps."""
    return tuple(err for backend in _OPENED.values() for err in backend.errors)


def failure(err: BaseException, where: str) -> BotxError:
    """A driver error as a BotxError, by the backend whose driver raised it."""
    for backend in _OPENED.values():
        if isinstance(err, backend.errors):
            return backend.failure(err, where)
    from botx_cli.errors import StoreError

    return StoreError(f"{where}{err}")


def backend_for(target: str) -> Backend:
    from importlib import import_module

    name = scheme(target)
    if name not in BACKENDS:
        from botx_cli.errors import UsageError

        raise UsageError(f"no database backend for {name}:// (known: {', '.join(sorted(BACKENDS))})")
    module, _sep, cls = BACKENDS[name].partition(":")
    if name not in _OPENED:  # one instance per process: backends hold no per-connection state
        _OPENED[name] = getattr(import_module(module), cls)()
    return _OPENED[name]
