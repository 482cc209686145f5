"""[storage]: where the database is and how long a write waits for another process's lock.

`path` (relative to the config's folder; the bundled example writes under XDG_STATE_HOME,
never into site-packages), `url_env` (the variable that may hold a database URL: a secret),
`busy_timeout_seconds`. Registered in botx_cli.sections; stdlib only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from botx_cli.config.core import Config, Secrets, Section

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


SECTION = Section(StorageSettings, parse)
