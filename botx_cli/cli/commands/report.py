"""`botx stats` (what happened) and `botx metrics` (fetch engagement snapshots): the reports,
rendered by render_stats.py, which is loaded only when a table is printed."""

from __future__ import annotations

from typing import Annotated

import typer

from botx_cli.cli import render
from botx_cli.cli.env import AccountOpt, Env, JsonOpt, QuietOpt, VerboseOpt, flags, now
from botx_cli.cli.render import json_failure_doc


def stats(
    ctx: typer.Context,
    account: AccountOpt = None,
    days: Annotated[int, typer.Option("--days", "-d", min=1, max=3650, help="Local days back, today included")] = 7,
    json_out: JsonOpt = False,
) -> None:
    """What happened: posts, skips, failures, engagement, limits, next slots, API spend."""
    from botx_cli.report.stats import run_stats

    json_failure_doc(json_out, account=account)
    env: Env = ctx.obj
    cfg = env.config()
    result = run_stats(cfg, env.store(cfg), now(), days, account)
    if json_out:
        render.emit_json(result.to_json())
    else:
        from botx_cli.cli import render_stats

        render_stats.stats(result)


def metrics(
    ctx: typer.Context,
    account: AccountOpt = None,
    days: Annotated[
        int | None,
        typer.Option("--days", "-d", min=1, max=3650, help="Posts of the last N days (default [metrics] days)"),
    ] = None,
    json_out: JsonOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Fetch engagement of recent own posts into snapshots, within the daily read budget."""
    from botx_cli.report.metrics import run_metrics

    json_failure_doc(json_out, account=account)
    env = flags(ctx, verbose, quiet)
    cfg = env.config()
    names = [cfg.account(account).name] if account else [a.name for a in cfg.accounts.values() if a.enabled]
    result = run_metrics(cfg, env.store(cfg), names, days, now())
    if json_out:
        render.emit_json(result.to_json())
    else:
        from botx_cli.cli import render_stats

        render_stats.metrics(result, env.quiet)
