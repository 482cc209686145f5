"""pytest fixtures for tests against a real PostgreSQL server (tests/fakes/postgres_server.py).

- `pg_server` (session): one server per test process, started on first use, stopped at the
  end. Where the server binaries are absent every test using it is SKIPPED with one message
  naming the package to install; a server that is installed but will not start FAILS (CI
  installs it, so a skip there would hide the whole backend).
- `pg_url` (function): a fresh empty database for the test (CREATE DATABASE from a template
  takes ~60 ms), dropped afterwards; its postgresql:// URL.
- `pg_migrated_url` (function): likewise, copied from a template that already holds every
  migration (applied once per session by botx's own PostgreSQL backend).

Use it from a test module with `pytest_plugins = ["fakes.pg_plugin"]` (or list it in the root
conftest.py's pytest_plugins once, for the whole suite).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from fakes.postgres_server import PostgresServer, PostgresUnavailable, find_binaries

_names = itertools.count(1)
MIGRATED_TEMPLATE = "botx_migrated"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    bin_dir, why = find_binaries()
    if bin_dir is None:
        pytest.skip(f"PostgreSQL tests skipped: {why}")
    try:
        server = PostgresServer.start(bin_dir)
    except PostgresUnavailable as err:
        pytest.fail(f"PostgreSQL is installed but would not start: {err}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


def _fresh(server: PostgresServer, template: str) -> Iterator[str]:
    name = f"t{os.getpid()}_{next(_names)}"
    url = server.create_database(name, template)
    try:
        yield url
    finally:
        server.drop_database(name)


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    yield from _fresh(pg_server, "template1")


@pytest.fixture(scope="session")
def _pg_migrated_template(pg_server: PostgresServer) -> str:
    from botx_cli.store import postgres

    url = pg_server.create_database(MIGRATED_TEMPLATE)
    postgres.connect(url).close()  # opening migrates
    return MIGRATED_TEMPLATE


@pytest.fixture
def pg_migrated_url(pg_server: PostgresServer, _pg_migrated_template: str) -> Iterator[str]:
    yield from _fresh(pg_server, _pg_migrated_template)
