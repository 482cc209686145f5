"""PostgresBackend against the Backend protocol the store seam is getting (issue 13's
store/backend.py, in progress on work-l): driven here the way its open_store drives a backend
(connect, schema check, prepare, migrations under write, set_schema, insert, conflict, failure),
so the backend plugs in with one BACKENDS line. Once the seam is merged, these become
open_store(url) tests parametrized over both backends."""

from __future__ import annotations

from typing import Any

import pytest

from botx_cli.errors import DatabaseDenied, ExitCode
from botx_cli.store.migrations import MIGRATIONS

pytest_plugins = ["fakes.pg_plugin"]
psycopg = pytest.importorskip("psycopg")
PROTOCOL = [
    "connect",
    "prepare",
    "sql",
    "write",
    "insert",
    "schema",
    "set_schema",
    "statements",
    "table_exists",
    "failure",
    "close",
]


def _open_like_the_seam(backend: Any, target: str) -> Any:
    """store/facade.py's open_store on work-l, step by step."""
    conn = backend.connect(target, 60.0)
    version, tables = backend.schema(conn)
    assert not (version == 0 and tables)
    backend.prepare(conn)
    if version < len(MIGRATIONS):
        with backend.write(conn):
            done, _ = backend.schema(conn)
            for number, (_name, sql) in enumerate(MIGRATIONS[done:], start=done + 1):
                for statement in backend.statements(sql):
                    conn.execute(statement)
                backend.set_schema(conn, number)
    return conn


def test_the_backend_has_every_method_and_attribute_of_the_protocol() -> None:
    from botx_cli.store.postgres import PostgresBackend

    backend = PostgresBackend()
    assert backend.name == "postgresql"
    assert all(callable(getattr(backend, name)) for name in PROTOCOL)
    assert issubclass(backend.operational[0], backend.errors[0])
    assert backend.conflict


def test_opening_through_the_seam_migrates_then_claims_by_the_unique_index(pg_url: str) -> None:
    from botx_cli.store.postgres import PostgresBackend

    backend = PostgresBackend()
    conn = _open_like_the_seam(backend, pg_url)
    assert backend.schema(conn) == (len(MIGRATIONS), True)
    assert backend.table_exists(conn, "attempts") and not backend.table_exists(conn, "nothing")
    claim = backend.sql(
        "INSERT INTO attempts (account, slot_key, kind, status, created_at, updated_at) VALUES (?, ?, 'slot', 'claimed', 't', 't')"
    )
    with backend.write(conn):
        first = backend.insert(conn, claim, ("A", "s1"))
    assert first > 0
    with pytest.raises(backend.conflict), backend.write(conn):
        backend.insert(conn, claim, ("A", "s1"))
    backend.close(conn)
    again = _open_like_the_seam(backend, pg_url)  # a second open applies nothing
    assert backend.schema(again) == (len(MIGRATIONS), True)
    backend.close(again)


def test_a_driver_error_becomes_one_line_without_the_url(pg_server) -> None:  # type: ignore[no-untyped-def]
    from botx_cli.store.postgres import PostgresBackend

    url = pg_server.url("postgres").replace("@", ":CANARYpw@", 1)
    backend = PostgresBackend()
    conn = backend.connect(url, 60.0)
    with pytest.raises(backend.errors) as caught:
        conn.execute("SELECT * FROM no_such_table")
    failure = backend.failure(caught.value, url)
    assert failure.exit_code == ExitCode.USAGE and "no_such_table" in str(failure)
    assert "CANARYpw" not in str(failure) and url not in str(failure)
    backend.close(conn)
    with pytest.raises(DatabaseDenied):
        backend.connect(pg_server.url("missing_db"), 60.0)


def test_a_conflict_outside_the_claim_is_a_store_error(pg_migrated_url: str) -> None:
    from botx_cli.store.postgres import PostgresBackend

    backend = PostgresBackend()
    conn = backend.connect(pg_migrated_url, 60.0)
    sql = backend.sql("INSERT INTO x_users (account, user_id, checked_at) VALUES (?, '1', 't')")
    conn.execute(sql, ("A",))
    with pytest.raises(backend.errors) as caught:
        conn.execute(sql, ("A",))
    failure = backend.failure(caught.value, pg_migrated_url)
    assert failure.exit_code == ExitCode.USAGE and "duplicate key" in str(failure)
    backend.close(conn)
