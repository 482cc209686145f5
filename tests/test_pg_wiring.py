"""Issue 14: which database botx opens ([storage] url_env, --db), what doctor says about it,
the URL kept secret on every path (output, --json failure documents, the database), and the
host name botx records (BOTX_HOST). Real CLI, real PostgreSQL server, loopback fake X."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import XWorld, botx, make_config
from fakes.webhook import WebhookReceiver
from ops_helpers import set_key

from botx_cli.store.migrations import MIGRATIONS

SLOT = "2026-11-23T09:00:00+01:00"
PASSWORD = "CANARY-pg-Pw-7731"


def with_password(url: str, how: str) -> str:
    """The test server trusts its Unix socket, so a password is accepted and ignored: the URL
    still carries it the way an operator's would."""
    if how == "userinfo":
        return url.replace("postgresql://postgres@", f"postgresql://postgres:{PASSWORD}@")
    return url + f"&password={quote(PASSWORD)}"


def dead_url() -> str:
    """A loopback port nobody listens on: the connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"postgresql://botx:{PASSWORD}@127.0.0.1:{port}/botx?connect_timeout=3"


def secret_free(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text and "postgresql://" not in text and "127.0.0.1:" not in text, text


# -- target selection ------------------------------------------------------------------


@pytest.mark.parametrize("xworld", ["postgresql"], indirect=True)
def test_a_postgresql_url_in_the_variable_replaces_the_sqlite_file(xworld: XWorld) -> None:
    run = xworld.post("A", "--json", when=SLOT)
    assert run.code == 0 and json.loads(run.out)["status"] == "posted", run.err
    assert xworld.rows("SELECT account, status FROM attempts") == [("A", "posted")]
    assert not xworld.db.exists() and not list(xworld.db.parent.glob("*.db"))


@pytest.mark.parametrize("how", ["userinfo", "query"])
@pytest.mark.parametrize("xworld", ["postgresql"], indirect=True)
def test_doctor_names_the_server_and_schema_and_never_the_url(
    xworld: XWorld, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    assert xworld.database_url
    monkeypatch.setenv("BOTX_DATABASE_URL", with_password(xworld.database_url, how))
    run = botx("-v", "doctor")
    assert run.code == 0, run.err
    [line] = [line for line in run.out.splitlines() if "database: " in line]
    assert "PostgreSQL 15." in line or "PostgreSQL 1" in line
    assert f"(schema {len(MIGRATIONS)} of {len(MIGRATIONS)})" in line
    assert "BOTX_HOST is unset" in run.out  # hosts sharing a database need distinct names
    secret_free(run.out, run.err)
    assert xworld.post("A", when=SLOT).code == 0
    stored = json.dumps(xworld.rows("SELECT * FROM runs") + xworld.rows("SELECT * FROM attempts"))
    secret_free(stored)


def test_a_failing_connection_is_temporary_one_line_and_never_shows_the_url(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    os.environ["BOTX_DATABASE_URL"] = dead_url()  # the isolation fixture removes BOTX_* afterwards
    for args in (("doctor",), ("post", "--account", "A"), ("stats",)):
        run = botx("--config", str(config), *args)
        assert run.code == 75, (args, run.err)
        assert "PostgreSQL is unreachable" in run.err
        assert "Traceback" not in run.err
        secret_free(run.out, run.err)
    run = botx("--config", str(config), "post", "--account", "A", "--json")
    assert run.code == 75
    doc = json.loads(run.out)
    assert doc["status"] == "failed" and doc["reason"] == "DatabaseUnavailable" and "unreachable" in doc["detail"]
    secret_free(run.out, run.err)
    run = botx("--config", str(config), "post", "--all", "--json")
    assert run.code == 75 and json.loads(run.out)[0]["status"] == "failed"
    secret_free(run.out, run.err)


def test_doctor_refuses_a_newer_schema_and_a_foreign_database(
    tmp_path: Path, pg_migrated_url: str, pg_url: str
) -> None:
    import psycopg

    config = make_config(tmp_path)
    with psycopg.connect(pg_migrated_url, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', 'x')")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    for url, words in (
        (pg_migrated_url, f"database: schema version 99 is newer than this botx knows ({len(MIGRATIONS)})"),
        (pg_url, "database: a database that botx did not create; point the [storage] url_env variable elsewhere"),
    ):
        os.environ["BOTX_DATABASE_URL"] = with_password(url, "userinfo")
        run = botx("--config", str(config), "doctor")
        assert run.code == 2 and words in run.err and run.err.count("\n") == 1, run.err
        secret_free(run.out, run.err)
    with psycopg.connect(pg_url, autocommit=True) as conn:  # left untouched
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (1,)


@pytest.mark.parametrize("value", [f"mysql://botx:{PASSWORD}@db/botx", f"{PASSWORD}", f"sqlite:///{PASSWORD}.db"])
def test_another_scheme_is_one_usage_line_that_does_not_print_the_value(tmp_path: Path, value: str) -> None:
    config = make_config(tmp_path)
    os.environ["BOTX_DATABASE_URL"] = value
    run = botx("--config", str(config), "pause", "--account", "A")
    assert run.code == 2 and run.err.count("\n") == 1
    assert "BOTX_DATABASE_URL ([storage] url_env) holds something other than a postgresql:// URL" in run.err
    assert PASSWORD not in run.err + run.out and not (tmp_path / "botx.db").exists()
    run = botx("--config", str(config), "trends", "--json")
    assert run.code == 2 and json.loads(run.out)["status"] == "failed" and PASSWORD not in run.out


def test_a_blank_variable_keeps_the_sqlite_file(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    os.environ["BOTX_DATABASE_URL"] = "   "
    assert botx("--config", str(config), "pause", "--account", "A").code == 0
    assert (tmp_path / "botx.db").exists()


def test_an_explicit_db_wins_over_the_variable(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    os.environ["BOTX_DATABASE_URL"] = dead_url()  # unreachable: it would be exit 75 if used
    run = botx("--config", str(config), "--db", str(tmp_path / "here.db"), "pause", "--account", "A")
    assert run.code == 0, run.err
    assert (tmp_path / "here.db").exists()


def test_a_url_given_to_db_is_refused_without_showing_it(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    run = botx("--config", str(config), "--db", dead_url(), "pause", "--account", "A")
    assert run.code == 2 and "--db takes a SQLite file" in run.err
    secret_free(run.err)


def test_url_env_names_another_variable(tmp_path: Path, pg_migrated_url: str) -> None:
    config = make_config(tmp_path)
    set_key(config, "storage", "url_env", '"TEAM_BOTX_DB_URL"')
    os.environ["BOTX_DATABASE_URL"] = "mysql://ignored"  # not the variable this config names
    os.environ["TEAM_BOTX_DB_URL"] = with_password(pg_migrated_url, "userinfo")
    try:
        run = botx("--config", str(config), "doctor")
        assert "PostgreSQL 1" in run.out, run.err
        secret_free(run.out, run.err)
    finally:
        del os.environ["TEAM_BOTX_DB_URL"]


def test_a_sqlite_run_imports_no_postgresql_module(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    code = (
        "import sys\n"
        "from botx_cli.cli import main as cli\n"
        f"sys.argv = ['botx', '--config', {str(config)!r}, 'pause', '--account', 'A']\n"
        "try:\n    cli.main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
        "print(sorted(m for m in sys.modules if 'psycopg' in m or m.startswith('botx_cli.store.p')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOTX_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip().splitlines()[-1] == "['botx_cli.store.pg_errors']"  # stdlib: is_postgres_url


def test_a_password_given_as_a_query_parameter_is_on_the_redaction_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from botx_cli import redact

    monkeypatch.setenv("BOTX_DATABASE_URL", f"postgresql://botx@db.internal/botx?password={PASSWORD}&sslmode=require")
    assert PASSWORD in redact.secret_values()
    assert redact.mask(f"server said: bad password {PASSWORD}", redact.secret_values()) == (
        f"server said: bad password {redact.MASK}"
    )


# -- the host name ---------------------------------------------------------------------


@pytest.mark.parametrize("xworld", ["sqlite", "postgresql"], indirect=True)
def test_botx_host_is_the_host_recorded_on_the_attempt(xworld: XWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOTX_HOST", "  cron-east-1 ")
    assert xworld.post("A", when=SLOT).code == 0
    assert xworld.rows("SELECT host FROM attempts") == [("cron-east-1",)]
    monkeypatch.delenv("BOTX_HOST")
    assert xworld.post("B", when="2026-11-23T09:45:00+01:00").code == 0
    assert xworld.rows("SELECT host FROM attempts WHERE account = 'B'") == [(socket.gethostname(),)]


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


@pytest.mark.parametrize("xworld", ["sqlite", "postgresql"], indirect=True)
def test_a_dead_pid_is_judged_only_on_the_host_that_recorded_it(
    xworld: XWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """h2 claimed the 09:00 slot and died before sending. On h1 that pid means nothing: the
    claim is another host's run, alive until it is stale; h2 itself sees its pid is gone."""
    monkeypatch.setenv("BOTX_HOST", "h1")
    assert botx("pause", "--account", "B").code == 0  # creates the schema
    created = "2026-11-23T08:00:00Z"
    xworld.execute(
        "INSERT INTO attempts (account, slot_key, kind, status, created_at, updated_at, pid, host)"
        " VALUES ('A', '2026-11-23T09:00+0100', 'slot', 'claimed', ?, ?, ?, 'h2')",
        created,
        created,
        dead_pid(),
    )
    when = datetime.fromisoformat(SLOT)
    run = xworld.post("A", "--json", when=(when + timedelta(minutes=2)).isoformat())
    assert run.code == 0 and json.loads(run.out)["status"] == "skipped"
    assert xworld.fake.tweets == []
    monkeypatch.setenv("BOTX_HOST", "h2")
    run = xworld.post("A", "--json", when=(when + timedelta(minutes=3)).isoformat())
    assert json.loads(run.out)["status"] == "posted", run.err
    assert sorted(xworld.rows("SELECT host, status FROM attempts")) == [("h2", "failed"), ("h2", "posted")]


def test_the_alert_names_the_botx_host(xworld: XWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    with WebhookReceiver() as hook:
        set_key(xworld.config, "notify", "webhook_url", f'"{hook.url}"')
        set_key(xworld.config, "trends", "policy", '"off"')
        monkeypatch.setenv("BOTX_HOST", "cron-west-2")
        monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "revoked")
        assert xworld.post("A", when=SLOT).code == 77
        [text] = hook.texts()
    assert text.startswith("botx on cron-west-2: ")
