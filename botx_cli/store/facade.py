"""The Store: opening the database through its backend, migrations, and the post record's
queries (attempts, runs, operator state, what X told us).

Writes that must be atomic use `with store.write():` (the backend's write lock: BEGIN IMMEDIATE
on SQLite), so concurrent cron processes serialise instead of failing. The statuses that count
as a post are defined here, once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from botx_cli.clock import iso
from botx_cli.config.table import clip
from botx_cli.errors import BotxError, StoreError
from botx_cli.host import host_name
from botx_cli.store.backend import Backend, backend_for, failure
from botx_cli.store.migrations import MIGRATIONS
from botx_cli.store.pg_errors import is_postgres_url
from botx_cli.store.settings import BUSY_TIMEOUT_SECONDS

FOREVER = "9999-12-31T23:59:59Z"
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


class Store:
    """The database: the backend's connection and the queries. The queries are written once,
    in SQL every backend accepts (store/backend.py); this class holds the attempts, runs,
    operator state and what X told us; store/*.py modules hold the other tables' queries as
    functions of a Store."""

    def __init__(self, backend: Backend, conn: Any, path: Path | str) -> None:
        self.backend, self.conn, self.path = backend, conn, path
        self.errors = backend.errors  # the driver's errors, for callers that tolerate a failed write
        self.operational = backend.operational

    # -- plumbing -------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Any]:
        """One write transaction; nested blocks join the outer one, so callers can group
        several writes (all the knowledge from one X answer) under a single lock. Yields the
        raw connection for tests and tools; botx's own code writes through the query methods."""
        with self.backend.write(self.conn):
            yield self.conn

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(self.backend.sql(sql), args).fetchall())

    def row(self, sql: str, *args: Any) -> tuple[Any, ...] | None:
        found = self.conn.execute(self.backend.sql(sql), args).fetchone()
        return None if found is None else tuple(found)

    def one(self, sql: str, *args: Any) -> Any:
        found = self.row(sql, *args)
        return None if found is None else found[0]

    def run(self, sql: str, *args: Any) -> int:
        """One write statement (its own transaction unless inside `write`); the rows it changed."""
        with self.write():
            return int(self.conn.execute(self.backend.sql(sql), args).rowcount)

    def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.write():
            self.conn.executemany(self.backend.sql(sql), list(rows))

    def insert(self, sql: str, *args: Any) -> int:
        """An INSERT; the new row's id."""
        with self.write():
            return self.backend.insert(self.conn, self.backend.sql(sql), args)

    def schema_version(self) -> int:
        return self.backend.schema(self.conn)[0]

    def describe(self) -> str:
        """What `botx doctor` says about the database (never a URL: it is a secret)."""
        return self.backend.describe(self.conn, str(self.path))

    def close(self) -> None:
        self.backend.close(self.conn)

    # -- attempts: the crash-safe post record ---------------------------------
    def claim(self, account: str, slot_key: str | None, kind: str, now: datetime) -> int | None:
        """Insert the attempt that owns this slot; None when another run holds it."""
        try:
            return self.insert(
                "INSERT INTO attempts (account, slot_key, kind, status, created_at, updated_at, pid, host)"
                " VALUES (?, ?, ?, 'claimed', ?, ?, ?, ?)",
                account,
                slot_key,
                kind,
                iso(now),
                iso(now),
                os.getpid(),
                host_name(),
            )
        except self.backend.conflict:
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
        self.run(f"UPDATE attempts SET {columns} WHERE id = ?", *fields.values(), attempt_id)

    def open_attempts(self, account: str) -> list[Attempt]:
        """Attempts a run has not completed ('claimed', 'sending') and lost answers still to
        check on the timeline ('unknown' with checks left)."""
        rows = self.rows(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE account = ? AND (status IN ('claimed', 'sending')"
            " OR (status = 'unknown' AND checks < ?)) ORDER BY id",
            account,
            LOST_ANSWER_CHECKS,
        )
        return [Attempt(*row) for row in rows]

    def attempt_status(self, attempt_id: int) -> str | None:
        found: str | None = self.one("SELECT status FROM attempts WHERE id = ?", attempt_id)
        return found

    def unknown_attempts(self, account: str) -> int:
        """Lost answers of the account still being looked for on the timeline."""
        return int(self.one("SELECT COUNT(*) FROM attempts WHERE account = ? AND status = 'unknown'", account))

    def post_run_since(self, account: str, since: datetime) -> bool:
        """A `post` run of this account started at or after `since` (post --all: the slot is served)."""
        return (
            self.one(
                "SELECT 1 FROM runs WHERE account = ? AND command = 'post' AND started_at >= ? LIMIT 1",
                account,
                iso(since),
            )
            is not None
        )

    def slot_taken(self, account: str, slot_key: str) -> bool:
        return (
            self.one(
                f"SELECT 1 FROM attempts WHERE account = ? AND slot_key = ? AND status IN ({marks(HOLDS_SLOT)})",
                account,
                slot_key,
                *HOLDS_SLOT,
            )
            is not None
        )

    def posts_since(self, account: str, since: datetime) -> int:
        return int(
            self.one(
                f"SELECT COUNT(*) FROM attempts WHERE account = ? AND created_at >= ? AND status IN ({marks(COUNTS_AS_POST)})",
                account,
                iso(since),
                *COUNTS_AS_POST,
            )
        )

    def last_post_at(self, account: str) -> str | None:
        found: str | None = self.one(
            f"SELECT MAX(created_at) FROM attempts WHERE account = ? AND status IN ({marks(COUNTS_AS_POST)})",
            account,
            *COUNTS_AS_POST,
        )
        return found

    def recent_posts(self, since: datetime, account: str | None = None, limit: int = 5000) -> list[dict[str, Any]]:
        """Texts and choices of recent posts (all accounts unless one is named), newest first."""
        sql = (
            "SELECT account, text, text_norm, hashtags, trend, angle, created_at, post_kind FROM attempts"
            f" WHERE created_at >= ? AND status IN ({marks(COUNTS_AS_POST)}) AND text IS NOT NULL"
        )
        args: list[Any] = [iso(since), *COUNTS_AS_POST]
        if account:
            sql += " AND account = ?"
            args.append(account)
        rows = self.rows(sql + " ORDER BY created_at DESC, id DESC LIMIT ?", *args, limit)
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
        self.run(
            "INSERT INTO runs (account, command, started_at, duration_ms, status, reason, attempt_id, tweet_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            *(account, command, iso(started), duration_ms, status, reason, attempt_id, tweet_id),
        )

    def found_later(self, attempt_id: int, tweet_id: str) -> None:
        """A lost answer turned up on the timeline: the run that sent it did post."""
        self.run(
            "UPDATE runs SET status = 'posted', reason = 'found_later', tweet_id = ?"
            " WHERE attempt_id = ? AND status = 'failed'",
            tweet_id,
            attempt_id,
        )

    # -- operator state ---------------------------------------------------------
    def set_pause(self, account: str, until: str, note: str, now: datetime) -> None:
        self.run(
            "INSERT INTO operator_state (account, paused_until, note, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(account) DO UPDATE SET paused_until = excluded.paused_until,"
            " note = excluded.note, updated_at = excluded.updated_at",
            *(account, until, note, iso(now)),
        )

    def clear_pause(self, account: str) -> int:
        return self.run("DELETE FROM operator_state WHERE account = ?", account)

    def paused_until(self, account: str) -> str | None:
        found: str | None = self.one("SELECT MAX(paused_until) FROM operator_state WHERE account IN (?, '*')", account)
        return found

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
        self.run(
            "INSERT INTO rate_limits (account, endpoint, kind, lim, remaining, reset_at, updated_at, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account, endpoint, kind) DO UPDATE"
            " SET lim = excluded.lim, remaining = excluded.remaining, reset_at = excluded.reset_at,"
            " updated_at = excluded.updated_at, note = excluded.note",
            *(account, endpoint, kind, lim, remaining, reset_at, iso(now), note),
        )

    def rate_limits(self, account: str) -> list[dict[str, Any]]:
        rows = self.rows(
            "SELECT account, endpoint, kind, lim, remaining, reset_at, updated_at, note"
            " FROM rate_limits WHERE account IN (?, '')",
            account,
        )
        keys = ("account", "endpoint", "kind", "limit", "remaining", "reset_at", "updated_at", "note")
        return [dict(zip(keys, row)) for row in rows]

    def clear_blocks(self, account: str) -> int:
        """`botx resume`: forget stored limits that block the account (spent windows, credits);
        X's next answer says again what is left."""
        return self.run("DELETE FROM rate_limits WHERE account = ? AND remaining = 0", account)

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
        self.run(
            "INSERT INTO api_calls (at, account, method, endpoint, http_status, cost_usd, duration_ms,"
            " items) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            *(iso(at), account, method, endpoint, http_status, cost_usd, duration_ms, items),
        )

    def user_id(self, account: str) -> str | None:
        found: str | None = self.one("SELECT user_id FROM x_users WHERE account = ?", account)
        return found

    def save_user(self, account: str, user_id: str, username: str, now: datetime) -> None:
        self.run(
            "INSERT INTO x_users (account, user_id, username, checked_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(account) DO UPDATE SET user_id = excluded.user_id, username = excluded.username,"
            " checked_at = excluded.checked_at",
            *(account, user_id, username, iso(now)),
        )


def marks(values: Sequence[Any]) -> str:
    """The placeholders of an IN (...) list of these values."""
    return ",".join("?" * len(values))


def open_store(path: Path | str, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Store:
    """Open (creating if needed) and migrate; refuse foreign or corrupt files untouched.
    `path`: a SQLite file, or a database URL whose scheme names a backend (store/backend.py).
    busy_timeout: seconds a statement waits for another process's write lock."""
    target = str(path)
    backend = backend_for(target)
    conn = None
    try:
        conn = backend.connect(target, busy_timeout)
        version = _check_schema(backend, conn, target)
        backend.prepare(conn)
        if version < len(MIGRATIONS):
            _migrate(backend, conn, target)
    except StoreError:
        if conn is not None:
            backend.close(conn)
        raise
    except backend.errors as err:
        raise backend.failure(err, target) from None
    return Store(backend, conn, path)


def database_failure(err: BaseException, path: Path | str | None) -> BotxError:
    """A driver error as the operator reads it (one line, its exit code)."""
    return failure(err, str(path) if path else "")


def _check_schema(backend: Backend, conn: Any, target: str) -> int:
    """The applied migration count; a database with tables but no botx schema is foreign."""
    version, tables = backend.schema(conn)
    if version == 0 and tables:
        raise StoreError(f"{shown(target)}: a database that botx did not create; point {_elsewhere(target)} elsewhere")
    if version > len(MIGRATIONS):
        raise StoreError(
            f"{shown(target)}: schema version {version} is newer than this botx knows ({len(MIGRATIONS)}); upgrade botx"
        )
    return version


def _migrate(backend: Backend, conn: Any, target: str) -> None:
    """Apply what is missing under one write lock; racing processes wait, then see it done."""
    with backend.write(conn):
        done = _check_schema(backend, conn, target)
        for number, (_name, sql) in enumerate(MIGRATIONS[done:], start=done + 1):
            for statement in backend.statements(sql):
                conn.execute(statement)
            backend.set_schema(conn, number)


def _elsewhere(target: str) -> str:
    return "the [storage] url_env variable" if is_postgres_url(target) else "--db or [storage] path"


def shown(path: Path | str) -> str:
    """A target as an error line shows it: a 5,000-character --db is cut, not printed whole; a
    database URL (a secret) is never shown at all."""
    return "database" if is_postgres_url(str(path)) else clip(str(path), 200)
