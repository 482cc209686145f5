"""What every command shares: the global options as the root callback collects them (Env, on
`ctx.obj`), the option types, and the little state the error boundary in main.py reads after a
command fails (RUN: -v, the database in use).

Typer and render only at import: `botx --help` must not load the config or the store. Plain
classes, not dataclasses: the dataclasses module and building one cost ~1 ms at every start.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from botx_cli import redact
from botx_cli.cli import render
from botx_cli.errors import UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from botx_cli.config.core import Config
    from botx_cli.store import Store


class RunState:
    """This run's facts the boundary needs once a command has failed: -v (a traceback) and the
    database in use (named in a database error line; a URL is masked)."""

    __slots__ = ("db_in_use", "verbose")

    def __init__(self) -> None:
        self.verbose = False
        self.db_in_use: Path | str | None = None


RUN = RunState()  # reset by main() at the start of every run


class Env:
    """The global options of this run (--config, --db, -v, -q), on `ctx.obj`; it opens the
    config and the store the way every command does."""

    __slots__ = ("config_path", "db_path", "quiet", "verbose")

    def __init__(self, config_path: str | None, db_path: str | None, verbose: bool, quiet: bool) -> None:
        self.config_path, self.db_path, self.verbose, self.quiet = config_path, db_path, verbose, quiet

    def config(self) -> Config:
        from botx_cli.sections import load_config

        cfg = load_config(self.config_path)
        if cfg.bundled:
            render.warn(f"no config found, using the bundled example {cfg.path}")
        redact.use(cfg.secret_values())  # every sink masks this config's secrets from now on
        return cfg

    def db_file(self, cfg: Config) -> Path:
        import os

        from botx_cli.store.settings import StorageSettings

        return Path(self.db_path or os.environ.get("BOTX_DB") or str(cfg.settings(StorageSettings).path)).expanduser()

    def db_target(self, cfg: Config) -> Path | str:
        """Where the data lives: an explicit --db (a SQLite file) wins; else the PostgreSQL URL in
        the variable [storage] url_env names; else $BOTX_DB or [storage] path."""
        from botx_cli.store.pg_errors import is_postgres_url
        from botx_cli.store.settings import StorageSettings, database_url

        if self.db_path and is_postgres_url(self.db_path):
            raise UsageError(
                "--db takes a SQLite file; put a database URL in the variable [storage] url_env names"
                " (default BOTX_DATABASE_URL), where it stays a secret"
            )
        url = None if self.db_path else database_url(cfg.settings(StorageSettings))
        return url or self.db_file(cfg)

    def store(self, cfg: Config) -> Store:
        from botx_cli.store import open_store
        from botx_cli.store.settings import StorageSettings

        RUN.db_in_use = self.db_target(cfg)  # a URL is never shown: store's failures mask it
        return open_store(RUN.db_in_use, cfg.settings(StorageSettings).busy_timeout_seconds)


VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Say why; tracebacks on errors")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success")]
AccountOpt = Annotated[str | None, typer.Option("--account", "-a", help="Account name from [accounts]")]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout")]


def flags(ctx: typer.Context, verbose: bool, quiet: bool) -> Env:
    """-v/-q are accepted before or after the command name (cron lines put them last)."""
    env: Env = ctx.obj
    env.verbose, env.quiet = env.verbose or verbose, env.quiet or quiet
    RUN.verbose = env.verbose
    return env


def now() -> datetime:
    from botx_cli.clock import now as clock_now

    return clock_now()


def warn_llm_key(cfg: Config, quiet: bool) -> None:
    """The llm strategy without its key composes with templates: say so on stderr (not with -q)."""
    from botx_cli.llm.settings import missing_key

    warning = missing_key(cfg)
    if warning and not quiet:
        render.warn(warning)
