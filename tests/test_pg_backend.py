"""The PostgreSQL backend against a real server (issue 14 items 1 and 3): the writer lock that
stands in for SQLite's BEGIN IMMEDIATE, the slot claim as a unique index, the store code written
for SQLite running unchanged through the dialect layer, errors mapped to botx's exit codes, and
the URL kept secret."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import EXAMPLE, make_config

from botx_cli import redact
from botx_cli.errors import DatabaseDenied, DatabaseUnavailable, ExitCode, StoreError
from botx_cli.store import Store
from botx_cli.store.migrations import MIGRATIONS

pytest_plugins = ["fakes.pg_plugin"]
psycopg = pytest.importorskip("psycopg")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def pg(pg_migrated_url: str):  # type: ignore[no-untyped-def]
    from botx_cli.store import postgres

    conn = postgres.connect(pg_migrated_url)
    yield conn
    conn.close()


def _pid(conn) -> int:  # type: ignore[no-untyped-def]
    return int(conn.one("SELECT pg_backend_pid()"))


def _waits_for_lock(observer, pid: int, within: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll pg_stat_activity until `pid` waits on a lock (no fixed sleep decides anything)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if observer.one("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = ?", pid):
            return True
        time.sleep(0.01)
    return False


def _store(url: str) -> Store:
    """The store over PostgreSQL: through the seam's open_store once it exists (issue 13's
    store/backend.py, with BACKENDS["postgresql"] added), else main's Store over the translating
    connection."""
    try:
        import botx_cli.store.backend  # noqa: F401
    except ImportError:
        from botx_cli.store import postgres

        return Store(postgres.connect(url), Path("pg"))  # type: ignore[arg-type]
    from botx_cli.store import open_store

    return open_store(url)


# -- the writer lock ---------------------------------------------------------------------------
def test_a_second_writer_waits_for_the_first_to_commit(pg_migrated_url: str, pg) -> None:  # type: ignore[no-untyped-def]
    from botx_cli.store import postgres

    other = postgres.connect(pg_migrated_url)
    observer = postgres.connect(pg_migrated_url)
    seen: list[object] = []
    other_pid = _pid(other)  # asked now: during its wait the connection is busy

    def second() -> None:
        with other.write():
            seen.append(other.one("SELECT MAX(started_at) FROM trend_refreshes"))

    with pg.write():
        pg.execute("INSERT INTO trend_refreshes (started_at, trigger) VALUES (?, 'cli')", ("2026-11-23T09:00:00Z",))
        thread = threading.Thread(target=second)
        thread.start()
        assert _waits_for_lock(observer, other_pid)
        assert seen == []  # still blocked while the first holds the lock
    thread.join(30)
    assert seen == ["2026-11-23T09:00:00Z"]  # and then it reads what the first committed
    other.close()
    observer.close()


def test_read_then_write_claims_are_serial_across_connections(pg_migrated_url: str) -> None:
    """The trend refresh claim's pattern (read MAX(started_at), insert if stale) from six
    connections at once: exactly one refresh starts."""
    from botx_cli.store import postgres

    conns = [postgres.connect(pg_migrated_url) for _ in range(6)]
    gate = threading.Barrier(len(conns))
    won: list[int] = []

    def claim(conn) -> None:  # type: ignore[no-untyped-def]
        gate.wait()
        with conn.write():
            if conn.one("SELECT MAX(started_at) FROM trend_refreshes") is None:
                won.append(
                    conn.execute(
                        "INSERT INTO trend_refreshes (started_at, trigger) VALUES (?, 'post')", ("t",)
                    ).lastrowid
                )

    threads = [threading.Thread(target=claim, args=(c,)) for c in conns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(won) == 1
    assert conns[0].one("SELECT COUNT(*) FROM trend_refreshes") == 1
    for conn in conns:
        conn.close()


def test_a_writer_held_past_the_busy_timeout_fails_as_temporary(pg_migrated_url: str, pg) -> None:  # type: ignore[no-untyped-def]
    from botx_cli.store import postgres

    impatient = postgres.connect(pg_migrated_url, busy_timeout=0.2)
    with pg.write(), pytest.raises(postgres.PostgresBackend().operational) as caught, impatient.write():
        pass
    failure = postgres.PostgresBackend().failure(caught.value, pg_migrated_url)  # the store passes its target
    assert isinstance(failure, DatabaseUnavailable) and failure.exit_code == ExitCode.TEMPORARY
    assert "busy timeout" in str(failure) and pg_migrated_url not in str(failure)
    assert not impatient.in_transaction  # rolled back: the connection is usable again
    with impatient.write():
        assert impatient.one("SELECT 1") == 1
    impatient.close()


def test_nested_writes_join_the_outer_transaction(pg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), pg.write():
        pg.execute("INSERT INTO x_users VALUES (?, ?, ?, ?)", ("A", "1", "a", "t"))
        with pg.write():
            pg.execute("INSERT INTO x_users VALUES (?, ?, ?, ?)", ("B", "2", "b", "t"))
        raise RuntimeError("after the inner block")
    assert pg.one("SELECT COUNT(*) FROM x_users") == 0  # both rolled back together


# -- the store code written for SQLite, unchanged --------------------------------------------------
def test_the_slot_claim_is_the_unique_index_across_connections(pg_migrated_url: str) -> None:
    first, second = _store(pg_migrated_url), _store(pg_migrated_url)
    attempt = first.claim("A", "2026-11-23T10:00", "slot", NOW)
    assert attempt is not None
    assert second.claim("A", "2026-11-23T10:00", "slot", NOW) is None  # another host holds it
    other = second.claim("B", "2026-11-23T10:00", "slot", NOW)
    assert other is not None and other > attempt  # (a refused insert spends an id: PostgreSQL's ids have gaps)
    first.mark_done(attempt, NOW, "failed", "http_error", "X said 400", 400)  # nothing created: slot free
    again = second.claim("A", "2026-11-23T10:00", "slot", NOW)
    assert again is not None and again > other
    assert first.one("SELECT COUNT(*) FROM attempts WHERE account = 'A' AND slot_key IS NOT NULL") == 2
    assert not second.conn.in_transaction
    first.close()
    second.close()


def test_the_sqlite_stores_queries_run_unchanged(pg_migrated_url: str) -> None:
    store = _store(pg_migrated_url)
    attempt = store.claim("A", "s1", "slot", NOW)
    store.mark_sending(attempt, NOW, {"text": "Hello #GPU", "text_norm": "hello gpu", "hashtags": ["#GPU"]})
    store.mark_posted(attempt, NOW, "1900")
    assert store.posts_since("A", NOW) == 1 and store.last_post_at("A") == "2026-11-23T09:00:00Z"
    assert store.slot_taken("A", "s1") and not store.slot_taken("A", "s2")
    assert store.recent_posts(NOW)[0]["text"] == "Hello #GPU"
    store.record_run("A", "post", NOW, 12, "posted", None, attempt, "1900")
    store.set_pause("A", "2026-12-01T00:00:00Z", "holiday", NOW)
    store.set_pause("A", "2026-12-02T00:00:00Z", "longer", NOW)  # ON CONFLICT ... excluded
    assert store.paused_until("A") == "2026-12-02T00:00:00Z"
    assert store.clear_pause("A") == 1
    store.save_rate_limit("A", "POST /2/tweets", "window", 100, 0, "2026-11-23T09:15:00Z", NOW)
    assert store.rate_limits("A")[0]["remaining"] == 0
    assert store.clear_blocks("A") == 1
    store.record_api_call(NOW, "A", "POST", "/2/tweets", 201, 0.015, 80)
    store.record_api_call(NOW, "A", "POST", "/2/tweets", 201, 0.2, 80, items=3)
    store.save_user("A", "1001", "VOLTAGEGPU", NOW)  # INSERT OR REPLACE ... VALUES without columns
    store.save_user("A", "1002", "VOLTAGEGPU", NOW)
    assert store.user_id("A") == "1002"
    cost, items = store.conn.execute("SELECT COALESCE(SUM(cost_usd), 0), SUM(items) FROM api_calls").fetchone()
    assert (cost, items) == (pytest.approx(0.215), 3) and type(items) is int  # never Decimal: JSON takes it
    store.close()


def test_insert_or_replace_resets_unlisted_columns_like_sqlite(pg) -> None:  # type: ignore[no-untyped-def]
    pg.execute("INSERT INTO alerts (kind, key, last_sent_at, sent, delivered) VALUES ('budget', '', 't', 5, 1)")
    pg.execute("INSERT OR REPLACE INTO alerts (kind, key, last_sent_at) VALUES ('budget', '', 'u')")
    assert pg.execute("SELECT last_sent_at, sent, delivered FROM alerts").fetchone() == ("u", 0, None)


def test_the_trend_refresh_claim_starts_one_refresh_across_hosts(pg_migrated_url: str) -> None:
    """The project's own claim_refresh (read MAX(started_at), insert if stale, under write())
    from six connections at once: one refresh starts."""
    try:
        from botx_cli.store.trends import claim_refresh  # issue 13's layout
    except ImportError:
        from botx_cli.trends.cache import claim_refresh
    stores = [_store(pg_migrated_url) for _ in range(6)]
    gate = threading.Barrier(len(stores))
    won: list[int | None] = []

    def run(store: Store) -> None:
        gate.wait()
        won.append(claim_refresh(store, NOW, 30, "post", False))

    threads = [threading.Thread(target=run, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(won) == 6 and len([w for w in won if w]) == 1
    for store in stores:
        store.close()


def test_executemany_takes_insert_or_replace(pg) -> None:  # type: ignore[no-untyped-def]
    sql = "INSERT OR REPLACE INTO trend_verdicts (key, verdict, judged_at) VALUES (?, ?, ?)"  # trends/cache.py
    pg.executemany(sql, [("k1", "{}", "t"), ("k2", "{}", "t")])
    pg.executemany(sql, [("k1", '{"safe": true}', "u")])
    assert pg.execute("SELECT key, verdict FROM trend_verdicts ORDER BY key").fetchall() == [
        ("k1", '{"safe": true}'),
        ("k2", "{}"),
    ]


def test_an_upsert_reading_the_old_row_counts_up(pg) -> None:  # type: ignore[no-untyped-def]
    sql = (
        "INSERT INTO alerts (kind, key, last_sent_at, sent, message) VALUES (?, ?, ?, 1, ?)"
        " ON CONFLICT(kind, key) DO UPDATE SET last_sent_at = excluded.last_sent_at,"
        " sent = sent + 1, delivered = NULL, last_error = NULL, message = excluded.message"
    )  # botx_cli/notify/alerts.py's claim, as written for SQLite
    for _ in range(3):
        pg.execute(sql, ("failures", "A", "t", "3 failures"))
    assert pg.one("SELECT sent FROM alerts") == 3


def test_placeholders_and_percent_signs(pg) -> None:  # type: ignore[no-untyped-def]
    pg.execute("INSERT INTO operator_state VALUES (?, '100% sure?', ?, ?)", ("A", "50% off?", "t"))
    assert pg.execute("SELECT paused_until, note FROM operator_state WHERE account = ?", ("A",)).fetchone() == (
        "100% sure?",
        "50% off?",
    )
    assert pg.one("SELECT COUNT(*) FROM operator_state WHERE note LIKE '50%'") == 1


# -- errors and the secret URL ---------------------------------------------------------------------
def _secret_url(pg_server, database: str = "postgres") -> str:  # type: ignore[no-untyped-def]
    return pg_server.url(database).replace("@", ":CANARYpgpassword@", 1)


def test_an_unreachable_server_is_temporary_and_the_url_never_shown(tmp_path: Path) -> None:
    from botx_cli.store import postgres

    url = f"postgresql://botx:CANARYpgpassword@/botx?host={tmp_path}"  # no server listens there
    with pytest.raises(DatabaseUnavailable) as caught:
        postgres.connect(url)
    assert caught.value.exit_code == ExitCode.TEMPORARY
    assert "CANARYpgpassword" not in str(caught.value) and url not in str(caught.value)


def test_a_missing_database_is_a_usage_error(pg_server) -> None:  # type: ignore[no-untyped-def]
    from botx_cli.store import postgres

    with pytest.raises(DatabaseDenied) as caught:
        postgres.connect(_secret_url(pg_server, "no_such_db"))
    assert caught.value.exit_code == ExitCode.USAGE
    assert "CANARYpgpassword" not in str(caught.value) and "url_env" in str(caught.value)


def test_a_malformed_url_is_a_usage_error_without_the_url() -> None:
    from botx_cli.store import postgres

    url = "postgresql://botx:CANARYpgpassword@/botx?sslmode=sometimes"
    with pytest.raises(StoreError) as caught:
        postgres.connect(url)
    assert caught.value.exit_code == ExitCode.USAGE
    assert "CANARYpgpassword" not in str(caught.value)


def test_strings_written_are_masked_and_the_url_is_on_the_redaction_list(
    pg_migrated_url: str, pg_server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    try:
        from botx_cli.sections import load_config  # issue 13's composition root
    except ImportError:
        from botx_cli.config.core import load_config

    url = _secret_url(pg_server, pg_migrated_url.split("/")[3].split("?")[0])
    monkeypatch.setenv("MY_DB_URL", url)
    config = make_config(
        tmp_path, text=EXAMPLE.read_text().replace('path = "botx.db"', 'path = "botx.db"\nurl_env = "MY_DB_URL"', 1)
    )
    cfg = load_config(str(config))
    if hasattr(cfg, "secret_values"):  # issue 13: the config lists its secrets, redact.use takes them
        redact.use(cfg.secret_values())
    else:
        redact.use(cfg)
    try:
        from botx_cli.store import postgres

        conn = postgres.connect(url)  # the password is ignored by trust auth, not by the masking
        conn.execute(
            "INSERT INTO runs (account, command, started_at, status, reason) VALUES (?, 'post', 't', 'failed', ?)",
            ("A", f"server said: cannot reach {url} (password CANARYpgpassword)"),
        )
        reason = conn.one("SELECT reason FROM runs")
        conn.close()
    finally:
        redact.use(None)
    assert "CANARYpgpassword" not in reason and url not in reason
    assert redact.MASK in reason


def test_psycopg_is_imported_only_when_postgresql_is_used() -> None:
    code = (
        "import sys, botx_cli.store, botx_cli.store.postgres, botx_cli.store.pg_migrations;"
        "print('psycopg' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_password_given_as_a_query_parameter_is_masked_too() -> None:
    from botx_cli.store.pg_errors import database_failure, url_secrets

    url = "postgresql://botx@db.internal/botx?password=CANARYqpw&sslmode=require"
    assert "CANARYqpw" in url_secrets(url)
    failure = database_failure(RuntimeError("server echoed CANARYqpw"), url_secrets(url))
    assert "CANARYqpw" not in str(failure)


def test_doctor_line_names_the_server_and_schema_not_the_url(pg) -> None:  # type: ignore[no-untyped-def]
    from botx_cli.store.postgres import doctor_line

    line = doctor_line(pg)
    assert line.startswith("PostgreSQL 1") and line.endswith(f"(schema {len(MIGRATIONS)} of {len(MIGRATIONS)})")
    assert "postgresql://" not in line and "/" not in line
