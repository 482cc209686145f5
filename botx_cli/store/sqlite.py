"""The SQLite backend (store/backend.py's protocol): the one file every cron process shares.

Opened in autocommit mode with WAL; a write transaction is BEGIN IMMEDIATE, so concurrent cron
processes serialise on SQLite's lock with a busy timeout instead of failing with "database is
locked". The schema version is PRAGMA user_version. Every string written through the
connection is masked (redact.py), whatever code path wrote it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from botx_cli import redact
from botx_cli.config.table import clip
from botx_cli.errors import BotxError, StoreError, TemporaryFailure, UsageError

SQLITE_HEADER = b"SQLite format 3\x00"


class MaskingConnection(sqlite3.Connection):
    """Every string written through botx's connection is masked (redact.py): error texts from
    X, trend sources, the LLM, images and webhooks reach the attempts, runs, trend_sources,
    alerts and media tables through here, whatever code path wrote them."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override, unused-ignore]
        return super().execute(sql, _masked(parameters))

    def executemany(self, sql: str, seq: Any, /) -> sqlite3.Cursor:  # type: ignore[override, unused-ignore]
        return super().executemany(sql, [_masked(parameters) for parameters in seq])


def _masked(parameters: Any) -> Any:
    secrets = redact.active()
    if not secrets:
        return parameters
    if isinstance(parameters, dict):
        return {k: redact.mask(v, secrets) if isinstance(v, str) else v for k, v in parameters.items()}
    return [redact.mask(v, secrets) if isinstance(v, str) else v for v in parameters]


class SqliteBackend:
    name = "sqlite"
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    operational: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)
    conflict: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)

    def connect(self, target: str, busy_timeout: float) -> sqlite3.Connection:
        path = Path(target)
        _refuse_foreign_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"{shown(path)}: cannot create its folder: {err.strerror}; check --db or [storage] path"
            ) from None
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, factory=MaskingConnection)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        return conn

    def prepare(self, conn: sqlite3.Connection) -> None:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")

    def sql(self, text: str) -> str:
        return text  # store/ writes SQLite's own `?`

    @contextmanager
    def write(self, conn: sqlite3.Connection) -> Iterator[None]:
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def insert(self, conn: sqlite3.Connection, sql: str, args: Sequence[Any]) -> int:
        return int(conn.execute(sql, args).lastrowid or 0)

    def schema(self, conn: sqlite3.Connection) -> tuple[int, bool]:
        """One statement: two separate reads could straddle another process's migration commit
        and mistake a fresh botx DB for a foreign one."""
        version, tables = conn.execute(
            "SELECT (SELECT user_version FROM pragma_user_version), (SELECT COUNT(*) FROM sqlite_master)"
        ).fetchone()
        return int(version), bool(tables)

    def set_schema(self, conn: sqlite3.Connection, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(version)}")

    def statements(self, script: str) -> Iterator[str]:
        """Split a script into statements (executescript would commit our transaction)."""
        pending = ""
        for line in script.splitlines(keepends=True):
            pending += line
            if sqlite3.complete_statement(pending):
                yield pending
                pending = ""
        if pending.strip() and not all(row.strip().startswith("--") or not row.strip() for row in pending.splitlines()):
            yield pending

    def table_exists(self, conn: sqlite3.Connection, name: str) -> bool:
        return (
            conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
            is not None
        )

    def close(self, conn: sqlite3.Connection) -> None:
        conn.close()

    def describe(self, conn: sqlite3.Connection, target: str) -> str:
        return f"{target} (schema {self.schema(conn)[0]})"

    def failure(self, err: BaseException, where: str) -> BotxError:
        return database_failure(err, where)


def database_failure(err: BaseException, where: str) -> BotxError:
    """What a SQLite error means for the operator, as one line and its exit code. Only a damaged
    file is called damaged: a full disk (75, retried next slot) or missing permissions (2) leave a
    healthy file that must not be "restored" over. `where`: the file ("" when unknown)."""
    name = getattr(err, "sqlite_errorname", "") or ""  # Python 3.11+; the message text otherwise
    text = str(err)
    prefix = f"{shown(where)}: " if where else "database: "
    if "FULL" in name or "disk is full" in text or (_is_io_error(name, text) and _no_room(where)):
        return TemporaryFailure(
            f"{prefix}the disk is full ({text}); free some space: the file is intact and the next run tries again"
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN", "SQLITE_AUTH")) or any(
        words in text for words in ("readonly database", "unable to open database", "permission denied")
    ):
        return UsageError(
            f"{prefix}cannot write the database ({text}): let this user write the file and its "
            "folder (SQLite adds -wal and -shm files beside it), or point --db elsewhere"
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return TemporaryFailure(
            f"{prefix}{text} (another process held it past the busy timeout); the next run tries again"
        )
    if _is_io_error(name, text):
        return TemporaryFailure(
            f"{prefix}the disk failed a read or write ({text}); check the disk: the next run tries again"
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
        return StoreError(
            f"{prefix}the database file is damaged ({text}); botx left it as it is: restore it "
            "from a backup or point --db elsewhere"
        )
    return StoreError(f"{prefix}not a usable SQLite database ({text}); point --db elsewhere")


def shown(path: Path | str) -> str:
    """A path as an error line shows it: a 5,000-character --db is cut, not printed whole."""
    return clip(str(path), 200)


def _is_io_error(name: str, text: str) -> bool:
    return name.startswith("SQLITE_IOERR") or "disk I/O error" in text


def _no_room(path: Path | str | None) -> bool:
    """SQLite reports a full disk under WAL as a plain I/O error (growing the -shm file fails):
    the file system's free space tells which it was."""
    if not path:
        return False
    try:
        stats = os.statvfs(Path(path).parent)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return False
    return stats.f_bavail * stats.f_frsize < 256 * 1024


def _refuse_foreign_file(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except FileNotFoundError:
        return
    except OSError as err:
        raise StoreError(f"{shown(path)}: cannot open the database: {err.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(
            f"{shown(path)}: not a SQLite database; botx left it untouched. Point --db or [storage] path elsewhere"
        )
