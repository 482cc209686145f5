"""The PostgreSQL backend runs the SAME numbered migrations as SQLite (issue 14 item 1):
translated by botx_cli/store/pg_sql.py (or written by hand in pg_migrations.OVERRIDES), applied
on an empty database and again idempotently, ending with SQLite's tables, columns (names,
order, nullability), keys and indexes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from botx_cli.errors import ExitCode, StoreError
from botx_cli.store import open_store
from botx_cli.store.migrations import MIGRATIONS
from botx_cli.store.pg_migrations import OVERRIDES, pg_migrations, schema

pytest_plugins = ["fakes.pg_plugin"]
psycopg = pytest.importorskip("psycopg")


def test_both_lists_have_the_same_migrations_in_the_same_order() -> None:
    assert [name for name, _ in pg_migrations()] == [name for name, _ in MIGRATIONS]
    assert set(OVERRIDES) <= {name for name, _ in MIGRATIONS}  # an override names a real migration
    assert all(statements for _, statements in pg_migrations())


def _pg_columns(url: str) -> dict[str, list[tuple[str, bool]]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name, is_nullable = 'NO' FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name <> 'schema_version'"
            " ORDER BY table_name, ordinal_position"
        ).fetchall()
    found: dict[str, list[tuple[str, bool]]] = {}
    for table, column, not_null in rows:
        found.setdefault(table, []).append((column, not_null))
    return found


def _sqlite_columns(path: Path) -> dict[str, list[tuple[str, bool]]]:
    open_store(path).close()
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    found = {}
    for table in tables:
        # SQLite lets a TEXT PRIMARY KEY hold NULL (a historical quirk) and an INTEGER PRIMARY KEY is
        # the rowid: botx never writes NULL keys, and PostgreSQL's keys are NOT NULL by definition.
        found[table] = [
            (name, bool(notnull or pk)) for _, name, _, notnull, _, pk in conn.execute(f"PRAGMA table_info({table})")
        ]
    conn.close()
    return found


def test_every_migration_applies_on_an_empty_database_and_matches_sqlite(pg_url: str, tmp_path: Path) -> None:
    from botx_cli.store import postgres

    conn = postgres.connect(pg_url)
    assert conn.schema_version() == len(MIGRATIONS)
    conn.close()
    assert _pg_columns(pg_url) == _sqlite_columns(tmp_path / "botx.db")


def test_opening_again_applies_nothing_and_changes_nothing(pg_url: str) -> None:
    from botx_cli.store import postgres

    postgres.connect(pg_url).close()
    before = _pg_columns(pg_url)
    with psycopg.connect(pg_url) as raw:
        applied = raw.execute("SELECT version, name, applied_at FROM schema_version ORDER BY version").fetchall()
    for _ in range(2):
        conn = postgres.connect(pg_url)
        assert conn.migrate() == len(MIGRATIONS)
        conn.close()
    with psycopg.connect(pg_url) as raw:
        assert (
            raw.execute("SELECT version, name, applied_at FROM schema_version ORDER BY version").fetchall() == applied
        )
    assert [(v, n) for v, n, _ in applied] == [(i, name) for i, (name, _) in enumerate(MIGRATIONS, start=1)]
    assert _pg_columns(pg_url) == before


def test_a_partly_migrated_database_gets_the_rest(pg_url: str) -> None:
    from botx_cli.store import postgres

    with psycopg.connect(pg_url, autocommit=True) as raw:  # as an older botx left it: three migrations
        raw.execute(
            "CREATE TABLE schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for number, (name, statements) in enumerate(pg_migrations()[:3], start=1):
            for sql in statements:
                raw.execute(sql)
            raw.execute("INSERT INTO schema_version VALUES (%s, %s, 'then')", (number, name))
        raw.execute(
            "INSERT INTO attempts (account, kind, status, created_at, updated_at) VALUES ('A', 'manual', 'posted', 't', 't')"
        )
    conn = postgres.connect(pg_url)
    assert conn.schema_version() == len(MIGRATIONS)
    assert conn.one("SELECT account || checks FROM attempts") == "A0"  # 008's column, default filled
    conn.close()


def test_keys_and_indexes_match_sqlite(pg_migrated_url: str, tmp_path: Path) -> None:
    open_store(tmp_path / "botx.db").close()
    lite = sqlite3.connect(tmp_path / "botx.db")
    sqlite_indexes = {
        name: bool(unique)
        for (table,) in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for _, name, unique, origin, _ in lite.execute(f"PRAGMA index_list({table})")
        if origin == "c"  # created by CREATE INDEX (not the primary key's own)
    }
    with psycopg.connect(pg_migrated_url) as raw:
        pg_indexes = dict(
            raw.execute(
                "SELECT c.relname, i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT i.indisprimary"
            ).fetchall()
        )
        partial = raw.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'attempts_one_per_slot'").fetchone()[0]
        keys = raw.execute(
            "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc"
            " JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name"
            " AND kcu.table_schema = tc.table_schema WHERE tc.constraint_type = 'PRIMARY KEY'"
            " AND tc.table_schema = current_schema() AND tc.table_name <> 'schema_version' ORDER BY tc.table_name, kcu.ordinal_position"
        ).fetchall()
    assert pg_indexes == sqlite_indexes
    assert "WHERE ((slot_key IS NOT NULL) AND (status <> 'failed'" in partial
    model = {}
    for table, column in keys:
        model.setdefault(table, []).append(column)
    assert model == {name: list(t.key) for name, t in schema().tables.items()}  # the model INSERT OR REPLACE uses


def test_the_schema_model_lists_postgresqls_columns_in_order(pg_migrated_url: str) -> None:
    found = {table: [c for c, _ in columns] for table, columns in _pg_columns(pg_migrated_url).items()}
    assert found == {name: list(t.columns) for name, t in schema().tables.items()}


def test_text_compares_byte_wise_like_sqlite(pg_migrated_url: str) -> None:
    """SQLite's BINARY collation orders 'Z' < 'a' and ISO times by their bytes; a locale
    collation would not: every TEXT column is COLLATE "C"."""
    from botx_cli.store import postgres

    conn = postgres.connect(pg_migrated_url)
    conn.executemany(
        "INSERT INTO trend_verdicts (key, verdict, judged_at) VALUES (?, '{}', 't')", [("a",), ("Z",), ("_b",)]
    )
    assert [r[0] for r in conn.execute("SELECT key FROM trend_verdicts ORDER BY key")] == ["Z", "_b", "a"]
    conn.close()


def test_a_database_botx_did_not_create_is_refused_untouched(pg_url: str) -> None:
    from botx_cli.store import postgres

    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError) as caught:
        postgres.connect(pg_url)
    assert caught.value.exit_code == ExitCode.USAGE
    assert "did not create" in str(caught.value) and pg_url not in str(caught.value)
    with psycopg.connect(pg_url) as raw:
        assert raw.execute("SELECT to_regclass('schema_version') IS NULL").fetchone() == (True,)


def test_a_newer_schema_asks_for_an_upgrade(pg_migrated_url: str) -> None:
    from botx_cli.store import postgres

    with psycopg.connect(pg_migrated_url, autocommit=True) as raw:
        raw.execute("INSERT INTO schema_version VALUES (%s, 'from_the_future', 't')", (len(MIGRATIONS) + 1,))
    with pytest.raises(StoreError, match=r"newer than this botx knows .*upgrade botx"):
        postgres.connect(pg_migrated_url)


def test_processes_racing_to_migrate_a_fresh_database_apply_each_migration_once(pg_url: str) -> None:
    from botx_cli.store import postgres

    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def open_one() -> None:
        try:
            start.wait()
            postgres.connect(pg_url).close()
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with psycopg.connect(pg_url) as raw:
        assert raw.execute("SELECT count(*), max(version) FROM schema_version").fetchone() == (len(MIGRATIONS),) * 2
