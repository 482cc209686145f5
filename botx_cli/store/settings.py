"""[storage]: where the database is and how long a write waits for another process's lock.

`path` (relative to the config's folder; the bundled example writes under XDG_STATE_HOME,
never into site-packages), `url_env` (the variable that may hold a database URL: a secret),
`busy_timeout_seconds`. `database_url` reads the variable (a postgresql:// URL there replaces
the SQLite file for every host sharing it). Registered in botx_cli.sections; stdlib only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from botx_cli.config.core import Config, Secrets, Section
from botx_cli.errors import UsageError
from botx_cli.store.pg_errors import is_postgres_url

BUSY_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class StorageSettings:
    path: Path
    url_env: str = "BOTX_DATABASE_URL"  # names the variable holding a database URL
    busy_timeout_seconds: float = BUSY_TIMEOUT_SECONDS  # how long a write waits for another's lock

    def secrets(self) -> Secrets:
        return Secrets(variables=(self.url_env,))


def parse(cfg: Config) -> StorageSettings:
    table = cfg.section("storage")
    path = table.resolve_path("path", "botx.db")
    if cfg.bundled:  # never write into site-packages
        state = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
        path = state / "botx" / "example.db"
    return StorageSettings(
        path,
        table.env_name("url_env", "BOTX_DATABASE_URL"),
        table.number("busy_timeout_seconds", BUSY_TIMEOUT_SECONDS, 0.1, 600.0),
    )


def database_url(settings: StorageSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """The PostgreSQL URL the variable named by `url_env` holds, or None (unset or blank: the
    SQLite file). Any other value is refused without being shown: it is a secret."""
    value = (os.environ if environ is None else environ).get(settings.url_env, "").strip()
    if not value:
        return None
    if not is_postgres_url(value):
        raise UsageError(
            f"{settings.url_env} ([storage] url_env) holds something other than a postgresql:// URL;"
            " set it to postgresql://USER:PASSWORD@HOST/DATABASE, or unset it to use the SQLite file"
        )
    return value


SECTION = Section(StorageSettings, parse)
