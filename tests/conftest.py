"""Test isolation and helpers shared by the suites.

One autouse fixture points HOME, XDG dirs and the working directory at tmp_path and
clears every BOTX_* variable, so no test sees the developer's config, DB or secrets.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
EXAMPLE = ROOT / "botx_cli" / "example_config.toml"
pytest_plugins = ["fakes.pg_plugin"]  # a real PostgreSQL server for the tests that ask for one
CREDENTIAL_PARTS = ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET")
# A bound port nobody listens on: connections to it are refused at once, for the whole run.
_DEAD_SOCKET = socket.socket()
_DEAD_SOCKET.bind(("127.0.0.1", 0))
DEAD_PROXY = f"http://127.0.0.1:{_DEAD_SOCKET.getsockname()[1]}"


if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    # Started in the background of a non-interactive shell (`pytest ... &`), this process
    # inherits SIGINT ignored, and so would every child: the tests that stop a server or
    # `botx` with Ctrl-C (SIGINT) would wait for ever. Catching it again gives children the
    # default disposition (exec resets caught signals), as a foreground run has.
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True, scope="session")
def compiled_botx() -> None:
    """Byte-compile botx once, as Python does on a first import (and pip on a real install):
    where PYTHONDONTWRITEBYTECODE is set (this machine), every `python -m botx_cli` a test starts
    would otherwise compile botx's sources again. Safe under xdist: each .pyc is written atomically."""
    if sys.dont_write_bytecode:
        import compileall

        compileall.compile_dir(ROOT / "botx_cli", quiet=1)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(("BOTX_", "OPENAI_")):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    # Nothing leaves 127.0.0.1: HTTP clients that honour proxy variables (httpx, requests,
    # urllib; subprocesses inherit them) send every other host to a closed loopback port,
    # so the example config's real trend URLs fail fast instead of reaching the internet.
    # api.twitter.com is exempt because tweepy's requests to it are rewritten to the loopback
    # fake X by a mounted adapter, after requests has chosen the proxy for the original host.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, DEAD_PROXY)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost,api.twitter.com")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@dataclass
class Run:
    code: int
    out: str
    err: str


def make_config(folder: Path, text: str | None = None, **replace: str) -> Path:
    """The bundled example with `key = value` lines replaced (first match wins)."""
    body = EXAMPLE.read_text(encoding="utf-8") if text is None else text
    for key, value in replace.items():
        body, count = re.subn(rf"(?m)^{re.escape(key)}\s*=.*$", f"{key} = {value}", body, count=1)
        assert count, f"no line for {key}"
    path = folder / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def set_credentials(env: dict[str, str] | pytest.MonkeyPatch, account: str, token: str) -> None:
    for part in CREDENTIAL_PARTS:
        value = token if part == "ACCESS_TOKEN" else f"{account.lower()}-{part.lower()}"
        name = f"BOTX_{account}_{part}"
        if isinstance(env, dict):
            env[name] = value
        else:
            env.setenv(name, value)


def botx(*args: str) -> Run:
    """Run the CLI in-process through its real entry point and error boundary."""
    from botx_cli.cli import main as cli
    from botx_cli.cli.env import RUN

    out, err = io.StringIO(), io.StringIO()
    old_argv = sys.argv
    sys.argv = ["botx", *args]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            cli.main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = old_argv
        RUN.verbose = False
    return Run(code, out.getvalue(), err.getvalue())


def botx_proc(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
    """Run `botx` as cron would: a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "botx_cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )
    return Run(done.returncode, done.stdout, done.stderr)


class XWorld:
    """A fake X with accounts A and B, a config pointing at it, credentials in the env."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str | None = None) -> None:
        from fakes.fake_x import FakeX

        self.clock = [datetime.fromisoformat("2026-11-23T09:00:00+01:00").timestamp()]
        self.fake = FakeX(now=lambda: self.clock[0])
        self.fake.add_user("tok-a", 1001, "VOLTAGEGPU")
        self.fake.add_user("tok-b", 1002, "Voltage_GPU")
        self.config = make_config(
            tmp_path, api_base_url=f'"{self.fake.base_url}"', timeout_seconds="2", backoff_seconds="0.01"
        )
        self.db = tmp_path / "botx.db"
        self.monkeypatch = monkeypatch
        self.env = {"BOTX_CONFIG": str(self.config)}
        for account, token in (("A", "tok-a"), ("B", "tok-b")):
            set_credentials(self.env, account, token)
        self.database_url = database_url  # PostgreSQL instead of self.db ([storage] url_env's default)
        if database_url:
            self.env["BOTX_DATABASE_URL"] = database_url
        for name, value in self.env.items():
            monkeypatch.setenv(name, value)

    def at(self, when: str) -> None:
        moment = datetime.fromisoformat(when)
        self.clock[0] = moment.timestamp()
        self.monkeypatch.setenv("BOTX_NOW", moment.isoformat())

    def post(self, account: str = "A", *extra: str, when: str | None = None) -> Run:
        if when:
            self.at(when)
        return botx("post", "--account", account, *extra)

    def rows(self, sql: str, *args: object) -> list[tuple]:
        """Rows of a query in `?` style, from whichever database botx uses here."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                return [tuple(row) for row in conn.execute(sql.replace("?", "%s"), args).fetchall()]
        import sqlite3

        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, args).fetchall()

    def execute(self, sql: str, *args: object) -> None:
        """One write statement (`?` style), committed, in whichever database botx uses here."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                conn.execute(sql.replace("?", "%s"), args)
            return
        import sqlite3

        with sqlite3.connect(self.db) as conn:
            conn.execute(sql, args)


# Issue 14: `@BOTH_BACKENDS` on a test (or `pytestmark = BOTH_BACKENDS`) runs it once on the
# SQLite file and once on a fresh PostgreSQL database (BOTX_DATABASE_URL, a real server).
# The PostgreSQL runs repeat what the SQLite ones prove, on the second backend: they belong to the
# full run (CI, the README's command), not the development tier (`-m "not slow"`); the
# tests/test_pg_*.py tests of the backend itself stay in both.
BACKEND_NAMES = ("sqlite", "postgresql")
BOTH_BACKENDS = pytest.mark.parametrize(
    "xworld", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)], indirect=True
)


@pytest.fixture
def xworld(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    backend = getattr(request, "param", "sqlite")
    url = request.getfixturevalue("pg_migrated_url") if backend == "postgresql" else None
    world = XWorld(tmp_path, monkeypatch, url)
    yield world
    world.fake.close()
    assert not (url and world.db.exists()), "a PostgreSQL test wrote the SQLite file: the URL was not used"
    # botx never sends what X's OpenAPI spec refuses, even where it copes with the 400
    refused = [(r["method"], r["path"], r["invalid"]) for r in world.fake.requests if r["invalid"]]
    assert not refused, f"requests X's spec refuses: {refused}"
