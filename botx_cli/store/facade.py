"""The one SQLite file: opening it safely, migrations, and the queries the core needs.

Opened in autocommit mode; writes that must be atomic use `with store.write():`
(BEGIN IMMEDIATE), so concurrent cron processes serialise on SQLite's lock with a
busy timeout instead of failing with "database is locked".
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from botx_cli import redact
from botx_cli.clock import iso
from botx_cli.config.table import clip
from botx_cli.errors import BotxError, StoreError, TemporaryFailure, UsageError
from botx_cli.store.migrations import MIGRATIONS
from botx_cli.store.settings import BUSY_TIMEOUT_SECONDS

FOREVER = "9999-12-31T23:59:59Z"
SQLITE_HEADER = b"SQLite format 3\x00"
HOLDS_SLOT = ("claimed", "sending", "posted", "unknown", "not_posted")
COUNTS_AS_POST = ("sending", "posted", "unknown")  # toward the cap and the gap
LOST_ANSWER_CHECKS = 3  # timeline reads before an unknown attempt is final ('not_posted')


@dataclass(frozen=True)
class Attempt:
    id: int
    account: str
    slot_key: str | None
    kind: str
    status: str
    created_at: str
    pid: int | None
    host: str | None
    text: str | None
    tweet_id: str | None
    checks: int = 0


_ATTEMPT_COLUMNS = "id, account, slot_key, kind, status, created_at, pid, host, text, tweet_id, checks"


class MaskingConnection(sqlite3.Connection):
    """Every string written through botx's connection is masked (redact.py): error texts from
    X, trend sources, the LLM, images and webhooks reach the attempts, runs, trend_sources,
    alerts and media tables through here, whatever code path wrote them."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        return super().execute(sql, _masked(parameters))

    def executemany(self, sql: str, seq: Any, /) -> sqlite3.Cursor:  # type: ignore[override]
        return super().executemany(sql, [_masked(parameters) for parameters in seq])


def _masked(parameters: Any) -> Any:
    secrets = redact.active()
    if not secrets:
        return parameters
    if isinstance(parameters, dict):
        return {k: redact.mask(v, secrets) if isinstance(v, str) else v for k, v in parameters.items()}
    return [redact.mask(v, secrets) if isinstance(v, str) else v for v in parameters]


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn, self.path = conn, path

    # -- plumbing -------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested blocks join the outer one, so callers can group
        several writes (all the knowledge from one X answer) under a single lock."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def one(self, sql: str, *args: Any) -> Any:
        row = self.conn.execute(sql, args).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        self.conn.close()

    # -- attempts: the crash-safe post record ---------------------------------
    def claim(self, account: str, slot_key: str | None, kind: str, now: datetime) -> int | None:
        """Insert the attempt that owns this slot; None when another run holds it."""
        try:
            with self.write() as conn:
                cur = conn.execute(
                    "INSERT INTO attempts (account, slot_key, kind, status, created_at, updated_at, pid, host)"
                    " VALUES (?, ?, ?, 'claimed', ?, ?, ?, ?)",
                    (account, slot_key, kind, iso(now), iso(now), os.getpid(), socket.gethostname()),
                )
                return cur.lastrowid
        except sqlite3.IntegrityError:
            return None

    def mark_sending(self, attempt_id: int, now: datetime, tweet: dict[str, Any]) -> None:
        """Recorded before the API call: a crash after it leaves a row to reconcile."""
        self._update(
            attempt_id,
            now,
            status="sending",
            text=tweet["text"],
            text_norm=tweet["text_norm"],
            hashtags=json.dumps(tweet["hashtags"]),
            trend=tweet.get("trend"),
            angle=tweet.get("angle"),
            offer=tweet.get("offer"),
            strategy=tweet.get("strategy"),
            variant=tweet.get("variant"),
            post_kind=tweet.get("post_kind"),
        )

    def mark_posted(self, attempt_id: int, now: datetime, tweet_id: str, posted_at: datetime | None = None) -> None:
        self._update(
            attempt_id,
            now,
            status="posted",
            tweet_id=tweet_id,
            posted_at=iso(posted_at or now),
            error_kind=None,
            error=None,
        )

    def mark_done(
        self, attempt_id: int, now: datetime, status: str, error_kind: str, error: str, http_status: int | None = None
    ) -> None:
        """failed (nothing created: frees the slot), unknown or not_posted (keeps it)."""
        self._update(attempt_id, now, status=status, error_kind=error_kind, error=error[:500], http_status=http_status)

    def mark_checked(self, attempt_id: int, now: datetime, checks: int, why: str) -> str:
        """One more timeline read did not show the tweet: 'unknown' until the last allowed
        check, then 'not_posted' (final). Returns the status set."""
        status = "not_posted" if checks >= LOST_ANSWER_CHECKS else "unknown"
        self._update(attempt_id, now, status=status, error_kind="lost_answer", error=why[:500], checks=checks)
        return status

    def _update(self, attempt_id: int, now: datetime, **fields: Any) -> None:
        fields["updated_at"] = iso(now)
        columns = ", ".join(f"{name} = ?" for name in fields)
        with self.write() as conn:
            conn.execute(f"UPDATE attempts SET {columns} WHERE id = ?", (*fields.values(), attempt_id))

    def open_attempts(self, account: str) -> list[Attempt]:
        """Attempts a run has not completed ('claimed', 'sending') and lost answers still to
        check on the timeline ('unknown' with checks left)."""
        rows = self.conn.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE account = ? AND (status IN ('claimed', 'sending')"
            " OR (status = 'unknown' AND checks < ?)) ORDER BY id",
            (account, LOST_ANSWER_CHECKS),
        )
        return [Attempt(*row) for row in rows]

    def slot_taken(self, account: str, slot_key: str) -> bool:
        marks = ",".join("?" * len(HOLDS_SLOT))
        return (
            self.one(
                f"SELECT 1 FROM attempts WHERE account = ? AND slot_key = ? AND status IN ({marks})",
                account,
                slot_key,
                *HOLDS_SLOT,
            )
            is not None
        )

    def posts_since(self, account: str, since: datetime) -> int:
        marks = ",".join("?" * len(COUNTS_AS_POST))
        return self.one(
            f"SELECT COUNT(*) FROM attempts WHERE account = ? AND created_at >= ? AND status IN ({marks})",
            account,
            iso(since),
            *COUNTS_AS_POST,
        )

    def last_post_at(self, account: str) -> str | None:
        marks = ",".join("?" * len(COUNTS_AS_POST))
        return self.one(
            f"SELECT MAX(created_at) FROM attempts WHERE account = ? AND status IN ({marks})", account, *COUNTS_AS_POST
        )

    def recent_posts(self, since: datetime, account: str | None = None, limit: int = 5000) -> list[dict[str, Any]]:
        """Texts and choices of recent posts (all accounts unless one is named), newest first."""
        sql = (
            "SELECT account, text, text_norm, hashtags, trend, angle, created_at, post_kind FROM attempts"
            " WHERE created_at >= ? AND status IN ('sending', 'posted', 'unknown') AND text IS NOT NULL"
        )
        args: list[Any] = [iso(since)]
        if account:
            sql += " AND account = ?"
            args.append(account)
        rows = self.conn.execute(sql + " ORDER BY created_at DESC, id DESC LIMIT ?", (*args, limit))
        keys = ("account", "text", "text_norm", "hashtags", "trend", "angle", "created_at", "post_kind")
        return [dict(zip(keys, row)) for row in rows]

    # -- runs -----------------------------------------------------------------
    def record_run(
        self,
        account: str,
        command: str,
        started: datetime,
        duration_ms: int,
        status: str,
        reason: str | None,
        attempt_id: int | None = None,
        tweet_id: str | None = None,
    ) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO runs (account, command, started_at, duration_ms, status, reason, attempt_id, tweet_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (account, command, iso(started), duration_ms, status, reason, attempt_id, tweet_id),
            )

    def found_later(self, attempt_id: int, tweet_id: str) -> None:
        """A lost answer turned up on the timeline: the run that sent it did post."""
        with self.write() as conn:
            conn.execute(
                "UPDATE runs SET status = 'posted', reason = 'found_later', tweet_id = ?"
                " WHERE attempt_id = ? AND status = 'failed'",
                (tweet_id, attempt_id),
            )

    # -- operator state ---------------------------------------------------------
    def set_pause(self, account: str, until: str, note: str, now: datetime) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO operator_state (account, paused_until, note, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(account) DO UPDATE SET paused_until = excluded.paused_until,"
                " note = excluded.note, updated_at = excluded.updated_at",
                (account, until, note, iso(now)),
            )

    def clear_pause(self, account: str) -> int:
        with self.write() as conn:
            return conn.execute("DELETE FROM operator_state WHERE account = ?", (account,)).rowcount

    def paused_until(self, account: str) -> str | None:
        return self.one("SELECT MAX(paused_until) FROM operator_state WHERE account IN (?, '*')", account)

    # -- X knowledge ------------------------------------------------------------
    def save_rate_limit(
        self,
        account: str,
        endpoint: str,
        kind: str,
        lim: int | None,
        remaining: int | None,
        reset_at: str | None,
        now: datetime,
        note: str | None = None,
    ) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO rate_limits (account, endpoint, kind, lim, remaining, reset_at, updated_at, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account, endpoint, kind) DO UPDATE"
                " SET lim = excluded.lim, remaining = excluded.remaining, reset_at = excluded.reset_at,"
                " updated_at = excluded.updated_at, note = excluded.note",
                (account, endpoint, kind, lim, remaining, reset_at, iso(now), note),
            )

    def rate_limits(self, account: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT account, endpoint, kind, lim, remaining, reset_at, updated_at, note"
            " FROM rate_limits WHERE account IN (?, '')",
            (account,),
        )
        keys = ("account", "endpoint", "kind", "limit", "remaining", "reset_at", "updated_at", "note")
        return [dict(zip(keys, row)) for row in rows]

    def clear_blocks(self, account: str) -> int:
        """`botx resume`: forget stored limits that block the account (spent windows, credits);
        X's next answer says again what is left."""
        with self.write() as conn:
            return conn.execute("DELETE FROM rate_limits WHERE account = ? AND remaining = 0", (account,)).rowcount

    def record_api_call(
        self,
        at: datetime,
        account: str | None,
        method: str,
        endpoint: str,
        http_status: int | None,
        cost_usd: float,
        duration_ms: int,
        items: int = 0,
    ) -> None:
        """items: posts the answer returned (the daily read budget of `botx metrics` counts them)."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO api_calls (at, account, method, endpoint, http_status, cost_usd, duration_ms,"
                " items) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (iso(at), account, method, endpoint, http_status, cost_usd, duration_ms, items),
            )

    def user_id(self, account: str) -> str | None:
        return self.one("SELECT user_id FROM x_users WHERE account = ?", account)

    def save_user(self, account: str, user_id: str, username: str, now: datetime) -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO x_users VALUES (?, ?, ?, ?)", (account, user_id, username, iso(now)))


def open_store(path: Path, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Store:
    """Open (creating if needed) and migrate; refuse foreign or corrupt files untouched.
    busy_timeout: seconds a statement waits for another process's write lock."""
    _refuse_foreign_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(
            f"{_shown(path)}: cannot create its folder: {err.strerror}; check --db or [storage] path"
        ) from None
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, factory=MaskingConnection)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        version = _check_schema(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if version < len(MIGRATIONS):
            _migrate(conn, path)
    except StoreError:
        conn.close()
        raise
    except sqlite3.Error as err:
        raise database_failure(err, path) from None
    return Store(conn, path)


def database_failure(err: sqlite3.Error, path: Path | str | None) -> BotxError:
    """What a SQLite error means for the operator, as one line and its exit code. Only a damaged
    file is called damaged: a full disk (75, retried next slot) or missing permissions (2) leave a
    healthy file that must not be "restored" over."""
    name = getattr(err, "sqlite_errorname", "") or ""  # Python 3.11+; the message text otherwise
    text = str(err)
    where = f"{_shown(path)}: " if path else "database: "
    if "FULL" in name or "disk is full" in text or (_is_io_error(name, text) and _no_room(path)):
        return TemporaryFailure(
            f"{where}the disk is full ({text}); free some space: the file is intact and the next run tries again"
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN", "SQLITE_AUTH")) or any(
        words in text for words in ("readonly database", "unable to open database", "permission denied")
    ):
        return UsageError(
            f"{where}cannot write the database ({text}): let this user write the file and its "
            "folder (SQLite adds -wal and -shm files beside it), or point --db elsewhere"
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return TemporaryFailure(
            f"{where}{text} (another process held it past the busy timeout); the next run tries again"
        )
    if _is_io_error(name, text):
        return TemporaryFailure(
            f"{where}the disk failed a read or write ({text}); check the disk: the next run tries again"
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
        return StoreError(
            f"{where}the database file is damaged ({text}); botx left it as it is: restore it "
            "from a backup or point --db elsewhere"
        )
    return StoreError(f"{where}not a usable SQLite database ({text}); point --db elsewhere")


def _shown(path: Path | str) -> str:
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
        raise StoreError(f"{_shown(path)}: cannot open the database: {err.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(
            f"{_shown(path)}: not a SQLite database; botx left it untouched. Point --db or [storage] path elsewhere"
        )


def _check_schema(conn: sqlite3.Connection, path: Path) -> int:
    """The applied migration count, read with the table count in ONE statement: two
    separate reads could straddle another process's migration commit and mistake a
    fresh botx DB for a foreign one."""
    version, tables = conn.execute(
        "SELECT (SELECT user_version FROM pragma_user_version), (SELECT COUNT(*) FROM sqlite_master)"
    ).fetchone()
    if version == 0 and tables:
        raise StoreError(
            f"{_shown(path)}: a SQLite file that botx did not create; point --db or [storage] path elsewhere"
        )
    if version > len(MIGRATIONS):
        raise StoreError(
            f"{_shown(path)}: schema version {version} is newer than this botx knows ({len(MIGRATIONS)}); upgrade botx"
        )
    return int(version)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply what is missing under one write lock; racing processes wait, then see it done."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        done = _check_schema(conn, path)
        for number, (_name, sql) in enumerate(MIGRATIONS[done:], start=done + 1):
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> Iterator[str]:
    """Split a script into statements (executescript would commit our transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip() and not all(l.strip().startswith("--") or not l.strip() for l in pending.splitlines()):
        yield pending
