"""The PostgreSQL backend: one database shared by several hosts (issue 14).

Chosen when the variable named by [storage] url_env (default BOTX_DATABASE_URL) holds a
postgresql:// URL. psycopg 3 is imported inside functions only (PostgresBackend() is made by
store.backend_for for a postgresql:// target only), so importing this module, the SQLite path
and `botx --help` never load it. The URL is a secret: no message built here
contains it (pg_errors masks its forms), and every string written is masked like SQLite's
MaskingConnection does.

What SQLite gave for free, and how it is kept here:
- One writer at a time: a write transaction first takes ONE transaction-level advisory lock
  (pg_advisory_xact_lock), held until COMMIT/ROLLBACK, so the read-then-write blocks that
  relied on BEGIN IMMEDIATE (trend refresh claim, alert claim, run log order, draft moves,
  migrations) stay serial across hosts. READ COMMITTED (the default) matters: each statement
  after the lock sees everything committed before it (REPEATABLE READ would keep a snapshot
  taken while waiting). The slot claim does not depend on it: attempts_one_per_slot is a
  unique index here too, and a second claim gets IntegrityConflict (Backend.conflict).
- The busy timeout: lock_timeout, so a write waits that long for the lock, then fails with
  LockNotAvailable, mapped to DatabaseUnavailable (exit 75), like "database is locked".
- Autocommit outside write transactions, as botx opens SQLite (isolation_level=None).
- PRAGMA user_version: the schema_version table (one row per applied migration).
- The dialect: the connection passes every statement through pg_sql.statement (placeholders,
  INSERT OR IGNORE/REPLACE, lastrowid through RETURNING id); numeric results (SUM of integers)
  load as int or float, never Decimal, so reports and JSON come out as on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from botx_cli import redact
from botx_cli.clock import iso, now
from botx_cli.errors import BotxError, StoreError
from botx_cli.store.migrations import MIGRATIONS
from botx_cli.store.pg_errors import database_failure, is_postgres_url, mask_text, url_secrets
from botx_cli.store.pg_migrations import pg_migrations, schema, statements_for
from botx_cli.store.pg_sql import Statement, statement

if TYPE_CHECKING:
    import psycopg

WRITE_LOCK = 0x626F7478_77726974  # "botxwrit": the one writer lock (advisory locks are per database)
CONNECT_TIMEOUT_SECONDS = 10
SCHEMA_TABLE = "schema_version"
NAME = "postgresql"
__all__ = ["PostgresBackend", "connect", "database_failure", "is_postgres_url"]


class IntegrityConflict(Exception):
    """A unique or primary key refused the row (another run holds the slot): the backend's
    `conflict`, which Store.claim judges; carries the SQLSTATE (23505...) so Backend.failure
    maps one that escapes a claim."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


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
    in_transaction, close), taking SQLite-dialect statements. Driver errors pass through (the
    store's callers that tolerate a failed write catch Backend.errors), except a refused unique
    key, which is IntegrityConflict."""

    def __init__(self, conn: psycopg.Connection[Any], url: str) -> None:
        self.conn = conn
        self.secrets = url_secrets(url)

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor:
        if sql.strip().upper() in ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"):  # store code written for SQLite
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return Cursor(self.conn.cursor())
        query = _translated(sql)
        with self._conflicts():
            cursor = self.conn.execute(query.sql, _masked(parameters))
            row = cursor.fetchone() if query.returns_id else None
        return Cursor(cursor, int(row[0]) if row else None)

    def executemany(self, sql: str, seq: Any) -> Cursor:
        query = _translated(sql, returning=False)  # sqlite3's executemany has no lastrowid
        with self._conflicts():
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
        """One write transaction under the writer lock; nested blocks join the outer one;
        rolled back on any exception."""
        if self.in_transaction:
            yield self
            return
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield self

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _conflicts(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.errors.IntegrityError as err:
            raise IntegrityConflict(mask_text(str(err), self.secrets), err.sqlstate) from err

    # -- schema ------------------------------------------------------------------------------
    def schema(self) -> tuple[int, bool]:
        """(applied migrations, whether the schema holds any table). The table list is read in
        ONE statement (one snapshot): a migration commits schema_version with the tables, so a
        racing migration is never mistaken for a foreign database."""
        has_version, tables = self.conn.execute(
            "SELECT bool_or(tablename = %s), count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()",
            (SCHEMA_TABLE,),
        ).fetchone()  # type: ignore[misc]
        if not has_version:
            return 0, bool(tables)
        found = self.conn.execute(f"SELECT COALESCE(MAX(version), 0) FROM {SCHEMA_TABLE}").fetchone()
        return int(found[0]) if found else 0, True

    def set_schema(self, version: int) -> None:
        """Record migration `version` as applied (inside the migration's transaction)."""
        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version BIGINT PRIMARY KEY,"
            ' name TEXT COLLATE "C" NOT NULL, applied_at TEXT COLLATE "C" NOT NULL)'
        )
        self.conn.execute(
            f"INSERT INTO {SCHEMA_TABLE} (version, name, applied_at) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            (version, MIGRATIONS[version - 1][0], iso(now())),
        )

    def schema_version(self) -> int:
        """Migrations applied; a foreign or newer database raises StoreError."""
        version, tables = self.schema()
        if version == 0 and tables:
            raise StoreError(
                "database: a PostgreSQL database that botx did not create (it holds tables); point the"
                " [storage] url_env variable at an empty database"
            )
        if version > len(MIGRATIONS):
            raise StoreError(
                f"database: schema version {version} is newer than this botx knows ({len(MIGRATIONS)}); upgrade botx"
            )
        return version

    def migrate(self) -> int:
        """Apply what is missing in one write transaction; a racing process waits on the lock,
        then finds it done (what store's open does through the Backend seam)."""
        if self.schema_version() < len(MIGRATIONS):
            with self.write():
                done = self.schema_version()
                for number, (_name, statements) in enumerate(pg_migrations()[done:], start=done + 1):
                    for sql in statements:
                        self.conn.execute(sql)  # type: ignore[arg-type,unused-ignore]
                    self.set_schema(number)
        return len(MIGRATIONS)


@lru_cache(maxsize=1024)
def _translated(sql: str, returning: bool = True) -> Statement:
    """pg_sql's translation, once per distinct statement text (a run repeats the same few)."""
    return statement(sql, schema(), returning=returning)


def doctor_line(conn: PgConnection) -> str:
    """What `botx doctor` says about the database: server version and schema, never the URL."""
    version = conn.conn.info.server_version  # e.g. 150018
    applied, _tables = conn.schema()
    return f"PostgreSQL {version // 10000}.{version % 10000} (schema {applied} of {len(MIGRATIONS)})"


def _masked(parameters: Any) -> Any:
    secrets = redact.active()
    if not secrets:
        return parameters if isinstance(parameters, dict) else list(parameters)  # never None: %% is read as %
    if isinstance(parameters, dict):
        return {k: redact.mask(v, secrets) if isinstance(v, str) else v for k, v in parameters.items()}
    return [redact.mask(v, secrets) if isinstance(v, str) else v for v in parameters]


def is_conflict(err: BaseException) -> bool:
    return isinstance(err, IntegrityConflict)


def open_connection(url: str, busy_timeout: float = 60.0) -> PgConnection:
    """Connect (autocommit, lock_timeout = busy_timeout); BotxError when it cannot."""
    secrets = url_secrets(url)
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "database: the [storage] url_env variable holds a postgresql:// URL but psycopg is not installed:"
            " pip install 'botx[postgres]'"
        ) from None
    options: dict[str, Any] = {"autocommit": True, "application_name": "botx"}
    if "connect_timeout" not in url:
        options["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    try:
        raw = psycopg.connect(url.strip(), **options)
        _load_numbers_as_python(raw)
        raw.execute(f"SET lock_timeout = {max(1, int(busy_timeout * 1000))}")  # 0 would mean: wait forever
    except psycopg.Error as err:
        raise database_failure(err, secrets) from None
    return PgConnection(raw, url)


def connect(url: str, busy_timeout: float = 60.0, migrate: bool = True) -> PgConnection:
    """Open and migrate (the path without the store facade); BotxError when it cannot."""
    import psycopg

    conn = open_connection(url, busy_timeout)
    try:
        if migrate:
            conn.migrate()
    except psycopg.Error as err:
        conn.close()
        raise database_failure(err, conn.secrets) from None
    except BaseException:
        conn.close()
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


class PostgresBackend:
    """store/backend.py's Backend protocol for PostgreSQL (BACKENDS["postgresql"])."""

    name = NAME

    def __init__(self) -> None:
        """Made by store.backend_for only when a postgresql:// target is opened: psycopg is
        imported here, and its absence is one clear line (exit 2), not a traceback."""
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                "database: the [storage] url_env variable holds a postgresql:// URL but psycopg is not"
                " installed: pip install 'botx[postgres]'"
            ) from None
        self.errors: tuple[type[BaseException], ...] = (psycopg.Error, IntegrityConflict)
        self.operational: tuple[type[BaseException], ...] = (psycopg.OperationalError,)  # lock timeout, disk full
        self.conflict: tuple[type[BaseException], ...] = (IntegrityConflict,)

    def connect(self, target: str, busy_timeout: float) -> PgConnection:
        return open_connection(target, busy_timeout)

    def prepare(self, conn: PgConnection) -> None:
        """Nothing: the session was set up by connect (lock_timeout, number loading)."""

    def sql(self, text: str) -> str:
        return text  # the connection translates every statement it is given (pg_sql)

    def write(self, conn: PgConnection) -> Any:
        return _joined(conn)

    def insert(self, conn: PgConnection, sql: str, args: Sequence[Any]) -> int:
        return int(conn.execute(sql, args).lastrowid or 0)

    def schema(self, conn: PgConnection) -> tuple[int, bool]:
        return conn.schema()

    def set_schema(self, conn: PgConnection, version: int) -> None:
        conn.set_schema(version)

    def statements(self, script: str) -> Iterator[str]:
        yield from statements_for(script)

    def table_exists(self, conn: PgConnection, name: str) -> bool:
        found = conn.execute(
            "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?", (name,)
        )
        return found.fetchone() is not None

    def failure(self, err: BaseException, where: str) -> BotxError:
        return database_failure(err, (), where)

    def describe(self, conn: PgConnection, target: str) -> str:
        return doctor_line(conn)  # server version and schema; the target is the URL: never shown

    def close(self, conn: PgConnection) -> None:
        conn.close()


@contextmanager
def _joined(conn: PgConnection) -> Iterator[None]:
    with conn.write():
        yield
