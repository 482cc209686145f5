"""`botx doctor`: config, credentials, database, schedule and policy checked, one line each;
the exit code is the worst finding's."""

from __future__ import annotations

from typing import Annotated

import typer

from botx_cli.cli import render
from botx_cli.cli.env import Env, now


def doctor(
    ctx: typer.Context,
    online: Annotated[bool, typer.Option("--online", help="Also call GET /2/users/me per account")] = False,
) -> None:
    """Check config, credentials, database, schedule and policy."""
    from botx_cli.report.doctor import run_doctor

    env: Env = ctx.obj
    cfg = env.config()
    lines, code = run_doctor(cfg, env.store(cfg), now(), online)
    render.doctor(lines)
    if code:
        raise typer.Exit(code)
