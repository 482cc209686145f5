"""`botx cron`: the crontab lines [schedule] implies, calling the botx that runs now."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from botx_cli.cli.env import Env


def cron(
    ctx: typer.Context,
    every: Annotated[
        bool, typer.Option("--all", help="One `post --all` line for every account instead of a line per account")
    ] = False,
) -> None:
    """Print crontab lines derived from [schedule] for every account."""
    from botx_cli.schedule.slots import cron_command, cron_lines
    from botx_cli.trends.cache import cron_line
    from botx_cli.trends.settings import TrendSettings

    env: Env = ctx.obj
    cfg = env.config()
    # the botx that is running now, not whichever is first on cron's PATH; absolute paths, quoted
    command = cron_command(running_botx(), cfg.path, env.db_file(cfg) if env.db_path else None)
    accounts = [(a.name, a.index) for a in cfg.accounts.values() if a.enabled]
    extra: list[str] = []
    trends = cfg.settings(TrendSettings)
    if trends.policy != "off" and trends.network():
        extra += [
            "# trend cache: refreshed just before it goes stale, so posts never wait for the sources",
            cron_line(trends.cache_minutes, command),
        ]
    extra += [
        "# engagement snapshots of the last week's posts, within [metrics] daily_read_budget",
        f"50 */6 * * * {command} metrics --days 7 --quiet",
    ]
    print("\n".join(cron_lines(cfg.schedule, cfg.timezone.key, accounts, command, extra, every)))


def running_botx() -> list[str]:
    """The command that runs this very botx: the console script's absolute path, else this
    interpreter (absolute, symlinks kept: a venv's python is a link) with -m botx_cli."""
    import os

    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name not in ("__main__.py", "-c") and script.is_file():
        return [os.path.abspath(script)]
    return [os.path.abspath(sys.executable), "-m", "botx_cli"]
