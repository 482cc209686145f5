"""The PostgreSQL harness itself (tests/fakes/postgres_server.py, tests/fakes/pg_plugin.py):
a real server the tests start as an unprivileged user on a Unix socket, fresh databases per
test, leftovers of killed runs reaped, and one clear skip where the binaries are absent."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fakes.postgres_server import MISSING, PREFIX, PostgresServer, find_binaries, reap_leftovers, running

pytest_plugins = ["fakes.pg_plugin"]
TESTS = Path(__file__).resolve().parent


def test_server_runs_unprivileged_on_a_unix_socket_only(pg_server: PostgresServer) -> None:
    assert pg_server.sql("SHOW listen_addresses") == ""  # no TCP port: runs never collide
    assert pg_server.sql("SHOW unix_socket_directories") == str(pg_server.socket_dir)
    pid = int((pg_server.data / "postmaster.pid").read_text().split()[0])
    assert os.stat(f"/proc/{pid}").st_uid != 0  # PostgreSQL refuses root; so do we
    assert pg_server.sql("SELECT current_setting('server_encoding')") == "UTF8"


def test_each_test_gets_a_fresh_empty_database(pg_server: PostgresServer, pg_url: str) -> None:
    name = pg_url.split("/")[3].split("?")[0]
    assert pg_server.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", name) == "0"
    pg_server.sql("CREATE TABLE left_behind (x int)", name)


def test_the_next_test_does_not_see_the_last_ones_tables(pg_server: PostgresServer, pg_url: str) -> None:
    name = pg_url.split("/")[3].split("?")[0]
    assert pg_server.sql("SELECT to_regclass('left_behind') IS NULL", name) == "t"
    mine = name.split("_")[0] + "\\_%"
    databases = pg_server.sql(f"SELECT datname FROM pg_database WHERE datname LIKE '{mine}' ORDER BY 1").split()
    assert databases == [name]  # the previous test's database was dropped


def test_the_url_reaches_the_server_through_libpq(pg_url: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT 1 + 1").fetchone() == (2,)


def test_a_killed_runs_server_is_stopped_and_removed_by_the_next_start(tmp_path: Path) -> None:
    if find_binaries()[0] is None:
        pytest.skip(MISSING)
    server = PostgresServer.start()
    pid = int((server.data / "postmaster.pid").read_text().split()[0])
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (server.root / "owner.pid").write_text(dead.stdout.strip())  # as if its test run died with -9
    reaped = reap_leftovers(server.root.parent)
    assert server.root in reaped
    assert not server.root.exists()
    assert not running(pid)


def test_a_live_runs_server_is_left_alone(pg_server: PostgresServer) -> None:
    assert pg_server.root not in reap_leftovers(pg_server.root.parent)
    assert pg_server.sql("SELECT 1") == "1"


def test_stop_removes_the_folder_and_the_server(tmp_path: Path) -> None:
    if find_binaries()[0] is None:
        pytest.skip(MISSING)
    with PostgresServer.start() as server:
        pid = int((server.data / "postmaster.pid").read_text().split()[0])
        assert server.root.name.startswith(PREFIX)
    assert not server.root.exists()
    assert not running(pid)


def test_without_the_binaries_the_tests_skip_with_one_clear_message(tmp_path: Path) -> None:
    test = tmp_path / "test_needs_pg.py"
    test.write_text(
        textwrap.dedent(
            """
            pytest_plugins = ["fakes.pg_plugin"]

            def test_one(pg_url):
                raise AssertionError("must not run")

            def test_two(pg_migrated_url):
                raise AssertionError("must not run")
            """
        )
    )
    env = {**os.environ, "POSTGRES_BIN": str(tmp_path / "nowhere"), "PYTHONPATH": str(TESTS)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(test)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 skipped" in done.stdout
    assert "PostgreSQL tests skipped: PostgreSQL's server binaries (initdb, pg_ctl) are not installed" in done.stdout
    assert "apt-get install -y postgresql" in done.stdout


def test_find_binaries_names_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POSTGRES_BIN", str(tmp_path))
    assert find_binaries() == (None, MISSING)
