"""`botx preview` (the next tweets as post would compose them) and `botx check` (one text's
verdict): nothing is sent, nothing recorded as posted."""

from __future__ import annotations

from typing import Annotated

import typer

from botx_cli.cli import render
from botx_cli.cli.env import AccountOpt, Env, JsonOpt, now, warn_llm_key
from botx_cli.cli.render import json_failure_doc
from botx_cli.errors import ExitCode


def preview(
    ctx: typer.Context,
    account: AccountOpt = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=1000, help="Tweets per account")] = 3,
    json_out: JsonOpt = False,
) -> None:
    """Show the next tweets of each account exactly as post would compose them."""
    from botx_cli.posting.preview import run_preview

    json_failure_doc(json_out, account=account)
    env: Env = ctx.obj
    cfg = env.config()
    names = [cfg.account(account).name] if account else [a.name for a in cfg.accounts.values() if a.enabled]
    warn_llm_key(cfg, env.quiet)
    items = run_preview(cfg, env.store(cfg), names, count, now())
    if json_out:
        render.emit_json([item.to_json() for item in items])
    else:
        from botx_cli.content.link_policy import table_lines

        render.preview(items, table_lines(cfg))


def check(
    ctx: typer.Context, text: Annotated[str, typer.Argument(help="Tweet text to check")], json_out: JsonOpt = False
) -> None:
    """Weighted length, hashtags and the validation verdict for a text."""
    from botx_cli.posting.preview import run_check

    json_failure_doc(json_out)
    env: Env = ctx.obj
    cfg = env.config()
    verdict = run_check(cfg, env.store(cfg), text, now())
    if json_out:
        render.emit_json(
            {
                "weighted_length": verdict.weighted_length,
                "valid": verdict.valid,
                "hashtags": verdict.hashtags,
                "checks": verdict.checks,
            }
        )
    else:
        render.check(verdict)
    if not verdict.valid:
        raise typer.Exit(ExitCode.NO_VALID_TWEET)
