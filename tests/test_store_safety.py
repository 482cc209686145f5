"""The SQLite file: corrupt or foreign files are refused untouched, old schemas migrate."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from conftest import botx, make_config

from botx_cli.store.migrations import MIGRATIONS
from botx_cli.store.sqlite import SqliteBackend


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_corrupt_file_exit_2_and_untouched(tmp_path: Path) -> None:
    db = tmp_path / "botx.db"
    db.write_bytes(b"this is not a database, it is a shopping list\n" * 50)
    before = digest(db)
    run = botx("--config", str(make_config(tmp_path)), "pause")
    assert run.code == 2 and "not a SQLite database" in run.err and len(run.err.splitlines()) == 1
    assert digest(db) == before
    assert not (tmp_path / "botx.db-wal").exists()


def test_truncated_sqlite_file_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "botx.db"
    assert botx("--config", str(make_config(tmp_path)), "pause").code == 0
    botx("--config", str(tmp_path / "config.toml"), "resume")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db.read_bytes()
    db.write_bytes(data[:100] + b"\x00" * 20 + data[120:1500])
    run = botx("--config", str(tmp_path / "config.toml"), "pause")
    assert run.code == 2 and "Traceback" not in run.err


def test_foreign_sqlite_file_exit_2_and_untouched(tmp_path: Path) -> None:
    db = tmp_path / "botx.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.close()
    before = digest(db)
    run = botx("--config", str(make_config(tmp_path)), "pause")
    assert run.code == 2 and "did not create" in run.err
    assert digest(db) == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "botx.db"
    assert botx("--config", str(make_config(tmp_path)), "pause").code == 0
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    run = botx("--config", str(tmp_path / "config.toml"), "pause")
    assert run.code == 2 and "newer" in run.err


def test_database_from_the_first_schema_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "botx.db"
    conn = sqlite3.connect(db)
    for statement in SqliteBackend().statements(MIGRATIONS[0][1]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO attempts (account, slot_key, kind, status, created_at, updated_at, text, tweet_id)"
        " VALUES ('A', 'k', 'slot', 'posted', '2026-01-01T09:00:00Z', '2026-01-01T09:00:00Z', 'old', '42')"
    )
    conn.commit()
    conn.close()
    run = botx("--config", str(make_config(tmp_path)), "pause")
    assert run.code == 0, run.err
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("SELECT tweet_id FROM attempts").fetchall() == [("42",)]


def test_unreadable_db_folder_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    run = botx("--config", str(make_config(tmp_path)), "--db", str(blocker / "botx.db"), "pause")
    assert run.code == 2 and "Traceback" not in run.err and len(run.err.splitlines()) == 1
