"""The PostgreSQL backend: one database shared by several hosts (issue 14).

Chosen when the variable named by [storage] url_env (default BOTX_DATABASE_URL) holds a
postgresql:// URL. psycopg 3 is imported here only, inside functions, so the SQLite path and
`botx --help` never load it. The URL is a secret: no message of this module contains it (each
is masked with the URL's forms before it leaves), and every string written is masked like
SQLite's MaskingConnection does.

What SQLite gave for free, and how it is kept here:
- One writer at a time: `write()` opens a transaction that first takes ONE transaction-level
  advisory lock (pg_advisory_xact_lock), held until COMMIT/ROLLBACK, so the read-then-write
  blocks that relied on BEGIN IMMEDIATE (trend refresh claim, alert claim, run log order,
  draft moves) stay serial across hosts. READ COMMITTED (the default) matters: each statement
  after the lock sees everything committed before it (REPEATABLE READ would keep a snapshot
  taken while waiting). The slot claim does not depend on it: attempts_one_per_slot is a
  unique index here too, and a second claim gets UniqueViolation (is_conflict).
- The busy timeout: lock_timeout, so a write waits that long for the lock and then fails with
  DatabaseUnavailable (exit 75, the next run tries again), like "database is locked".
- Autocommit outside write(), as botx opens SQLite (isolation_level=None).
- PRAGMA user_version: the schema_version table (one row per applied migration); a database
  with tables but no schema_version is refused as foreign, one newer than this botx too.
- Query dialect: pg_sql.statement (placeholders, INSERT OR IGNORE/REPLACE, lastrowid through
  RETURNING id); numeric results (SUM of integers) load as int or float, never Decimal, so
  reports and JSON come out the same as on SQLite.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from botx_cli import redact
from botx_cli.clock import iso, now
from botx_cli.errors import BotxError, DatabaseDenied, DatabaseUnavailable, StoreError
from botx_cli.store.pg_migrations import pg_migrations, schema
from botx_cli.store.pg_sql import statement

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgres://")
WRITE_LOCK = 0x626F7478_77726974  # "botxwrit": the one writer lock (per database)
MIGRATE_LOCK = 0x626F7478_6D696772  # "botxmigr": migrations, taken before the writer lock
CONNECT_TIMEOUT_SECONDS = 10
SCHEMA_TABLE = "schema_version"
NAME = "postgresql"


def is_postgres_url(value: str | None) -> bool:
    return bool(value) and value.strip().lower().startswith(SCHEMES)  # type: ignore[union-attr]


def url_secrets(url: str) -> tuple[str, ...]:
    """The forms of the URL that must never be shown: itself, decoded, and its password."""
    forms = {url, unquote(url)}
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password:
        forms.update((password, unquote(password)))
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


class IntegrityConflict(sqlite3.IntegrityError):
    """A unique or primary key refused the row. A sqlite3.IntegrityError so the store code
    written for SQLite (Store.claim: another run holds the slot) judges it unchanged; the
    Backend seam's own conflict error replaces this bridge."""


class Cursor:
    """What botx reads from sqlite3's cursor: fetchone/fetchall/iteration, rowcount, lastrowid."""

    def __init__(self, cursor: psycopg.Cursor[Any], lastrowid: int | None = None) -> None:
        self._cursor, self.lastrowid = cursor, lastrowid

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """A psycopg connection with the surface botx uses on sqlite3's (execute, executemany,
    in_transaction, close), plus the write transaction, the schema version and error mapping."""

    name = NAME

    def __init__(self, conn: psycopg.Connection[Any], url: str) -> None:
        self.conn = conn
        self._secrets = url_secrets(url)
        self.where = "database"  # what messages call it: never the URL

    # -- statements ----------------------------------------------------------------------------
    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor:
        if sql.strip().upper() in ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"):  # store code written for SQLite
            with self._errors():
                self.conn.execute("BEGIN")
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return Cursor(self.conn.cursor())
        query = statement(sql, schema())
        with self._errors():
            cursor = self.conn.execute(query.sql, _masked(parameters))
            lastrowid = None
            if query.returns_id:
                row = cursor.fetchone()
                lastrowid = int(row[0]) if row else None
        return Cursor(cursor, lastrowid)

    def executemany(self, sql: str, seq: Any) -> Cursor:
        query = statement(sql, None)  # no RETURNING: sqlite3's executemany has no lastrowid
        with self._errors():
            cursor = self.conn.cursor()
            cursor.executemany(query.sql, [_masked(p) for p in seq])
        return Cursor(cursor)

    def one(self, sql: str, *args: Any) -> Any:
        row = self.execute(sql, args).fetchone()
        return None if row is None else row[0]

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.conn.info.transaction_status != TransactionStatus.IDLE

    @contextmanager
    def write(self) -> Iterator[PgConnection]:
        """One write transaction under the writer lock; nested blocks join the outer one."""
        if self.in_transaction:
            yield self
            return
        with self._errors(), self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield self

    def close(self) -> None:
        self.conn.close()

    # -- schema ------------------------------------------------------------------------------
    def schema_version(self) -> int:
        """Migrations applied (0 for an empty database); a foreign database raises StoreError."""
        exists, tables = self.conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL, (SELECT count(*) FROM pg_catalog.pg_tables"
            " WHERE schemaname = current_schema())",
            (SCHEMA_TABLE,),
        ).fetchone()  # type: ignore[misc]
        if not exists:
            if tables:
                raise StoreError(
                    f"{self.where}: a PostgreSQL database that botx did not create ({tables} tables in its schema);"
                    " point the [storage] url_env variable at an empty database"
                )
            return 0
        version = int(self.conn.execute(f"SELECT COALESCE(MAX(version), 0) FROM {SCHEMA_TABLE}").fetchone()[0])  # type: ignore[index]
        if version > len(pg_migrations()):
            raise StoreError(
                f"{self.where}: schema version {version} is newer than this botx knows ({len(pg_migrations())});"
                " upgrade botx"
            )
        return version

    def migrate(self) -> int:
        """Apply what is missing in one transaction under the migration lock; a racing process
        waits, then finds it done. The version reached."""
        with self._errors():
            if self.schema_version() == len(pg_migrations()):
                return len(pg_migrations())
            with self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
                done = self.schema_version()
                self.conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version BIGINT PRIMARY KEY,"
                    ' name TEXT COLLATE "C" NOT NULL, applied_at TEXT COLLATE "C" NOT NULL)'
                )
                for number, (name, statements) in enumerate(pg_migrations()[done:], start=done + 1):
                    for sql in statements:
                        self.conn.execute(sql)
                    self.conn.execute(
                        f"INSERT INTO {SCHEMA_TABLE} (version, name, applied_at) VALUES (%s, %s, %s)",
                        (number, name, iso(now())),
                    )
        return len(pg_migrations())

    # -- errors --------------------------------------------------------------------------------
    @contextmanager
    def _errors(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.errors.IntegrityError as err:  # the caller's to judge: a taken slot is no failure
            raise IntegrityConflict(_mask_text(str(err), self._secrets)) from None
        except psycopg.Error as err:
            raise database_failure(err, self._secrets, self.where) from None


def _masked(parameters: Any) -> Any:
    secrets = redact.active()
    if not secrets:
        return parameters
    if isinstance(parameters, dict):
        return {k: redact.mask(v, secrets) if isinstance(v, str) else v for k, v in parameters.items()}
    return [redact.mask(v, secrets) if isinstance(v, str) else v for v in parameters]


def is_conflict(err: BaseException) -> bool:
    """A unique or primary key refused the row (another run holds the slot)."""
    return isinstance(err, IntegrityConflict)


def _mask_text(text: str, secrets: Sequence[str]) -> str:
    text = " ".join(text.split())[:300]
    for value in (*secrets, *redact.active()):
        text = text.replace(value, redact.MASK)
    return text


def connect(url: str, busy_timeout: float = 60.0, migrate: bool = True) -> PgConnection:
    """Open (autocommit, lock_timeout = busy_timeout) and migrate. BotxError when it cannot."""
    secrets = url_secrets(url)
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "database: [storage] url_env holds a postgresql:// URL but psycopg is not installed:"
            " pip install 'botx-cli[postgres]'"
        ) from None
    options = {"autocommit": True, "application_name": "botx"}
    if "connect_timeout" not in url:
        options["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    try:
        raw = psycopg.connect(url.strip(), **options)  # type: ignore[arg-type]
    except psycopg.Error as err:
        raise database_failure(err, secrets, "database") from None
    _load_numbers_as_python(raw)
    conn = PgConnection(raw, url)
    try:
        with conn._errors():
            raw.execute(f"SET lock_timeout = {int(busy_timeout * 1000)}")
        if migrate:
            conn.migrate()
    except BaseException:
        raw.close()
        raise
    return conn


def _load_numbers_as_python(conn: psycopg.Connection[Any]) -> None:
    """numeric (SUM of bigints, AVG) as int when whole, else float: what sqlite3 returns."""
    from psycopg.adapt import Loader

    class NumberLoader(Loader):
        def load(self, data: Any) -> int | float:
            value = Decimal(bytes(data).decode())
            return int(value) if value == value.to_integral_value() else float(value)

    conn.adapters.register_loader("numeric", NumberLoader)


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


def database_failure(err: Exception, secrets: Sequence[str] = (), where: str = "database") -> BotxError:
    """One line and an exit code for a PostgreSQL failure; the URL and its password never shown."""
    code = getattr(err, "sqlstate", None) or ""
    text = _mask_text(str(err), secrets) or type(err).__name__
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


def env_url(variable: str) -> str | None:
    """The PostgreSQL URL the variable holds, or None (unset, empty, or another scheme)."""
    value = os.environ.get(variable, "").strip()
    return value if is_postgres_url(value) else None
