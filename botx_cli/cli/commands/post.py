"""`botx post`: one cron cycle for one account (--account) or for every account due now (--all),
and the hard stop that ends a run no deadline reached."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from botx_cli.cli import render
from botx_cli.cli.env import JsonOpt, QuietOpt, VerboseOpt, flags, now, warn_llm_key
from botx_cli.cli.render import json_failure_doc
from botx_cli.errors import ExitCode

if TYPE_CHECKING:
    from botx_cli.config.core import Config
    from botx_cli.deadline import HardStop


def post(
    ctx: typer.Context,
    account: Annotated[str | None, typer.Option("--account", "-a", help="Account name from [accounts]")] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every enabled account whose slot is due now, side by side ([x] concurrency)")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Everything but the API call and the post record")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Skip window, cap, gap and slot gates (never pause, limits, duplicates)")
    ] = False,
    text: Annotated[str | None, typer.Option("--text", help="Post this one-off text (still validated)")] = None,
    json_out: JsonOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> int | None:
    """One cron cycle for one account (--account), or for every account due now (--all)."""
    from botx_cli.posting.cycle import PostOptions, run_post

    if every:
        return _post_all(ctx, account, dry_run, force, text, json_out, verbose, quiet)
    if account is None:
        raise typer.BadParameter("name the account with --account NAME, or post for every due account with --all")
    json_failure_doc(json_out, account=account, tweet_id=None, text=None, hashtags=[])
    env = flags(ctx, verbose, quiet)
    cfg = env.config()
    store = env.store(cfg)
    if text is None:
        warn_llm_key(cfg, env.quiet)
    with _hard_stop(cfg, account):
        result = run_post(cfg, store, account, now(), PostOptions(dry_run, force, text))
    if json_out:
        render.emit_json(result.to_json())
    else:
        render.post_line(result, env.verbose, env.quiet)
    return None


def _post_all(
    ctx: typer.Context,
    account: str | None,
    dry_run: bool,
    force: bool,
    text: str | None,
    json_out: bool,
    verbose: bool,
    quiet: bool,
) -> int:
    """`post --all`: the exit code is the most severe of the accounts' (DESIGN "Exit codes")."""
    from botx_cli.posting.cycle import PostOptions
    from botx_cli.posting.every import exit_code, post_all

    for name, given in (("--account", account is not None), ("--force", force), ("--text", text is not None)):
        if given:
            raise typer.BadParameter(f"{name} is for one account; --all runs every account due now as cron would")
    if json_out:
        render.expect_json({"account": None, "tweet_id": None, "text": None, "hashtags": []}, as_list=True)
    env = flags(ctx, verbose, quiet)
    cfg = env.config()
    store = env.store(cfg)
    warn_llm_key(cfg, env.quiet)
    with _hard_stop(cfg, None, waves=_waves(cfg, len(cfg.accounts))):
        outcomes, idle = post_all(cfg, store, lambda: env.store(cfg), now(), PostOptions(dry_run))
    if json_out:
        render.emit_json([outcome.to_json() for outcome in outcomes])
        render.failure_lines(outcomes)
    else:
        render.post_all_lines(outcomes, idle, env.verbose, env.quiet)
    return int(exit_code(outcomes))


def _waves(cfg: Config, accounts: int) -> int:
    """How many run deadlines `post --all` may need back to back: accounts beyond [x]
    concurrency wait for a free worker."""
    from botx_cli.x.settings import XSettings

    concurrency = cfg.settings(XSettings).concurrency
    return max(1, -(-accounts // concurrency))


def _hard_stop(cfg: Config, account: str | None, waves: int = 1) -> HardStop:
    """Past [x] run_deadline_seconds plus a grace the run's own checks did not stop it (a wait no
    deadline reaches): one line and exit 75, as kill -9 would leave it, which the next run
    reconciles. Cron must never stack runs of one account. `waves`: post --all's accounts
    beyond [x] concurrency run after the first ones, each with its own deadline."""
    import os

    from botx_cli.deadline import HardStop
    from botx_cli.x.settings import XSettings

    seconds = cfg.settings(XSettings).run_deadline_seconds * waves
    what = "post --all" if account is None else f"post of account {account}"

    def stop() -> None:
        render.error_line(
            f"{what} still running {seconds + _grace(seconds):g} s after it "
            f"started ([x] run_deadline_seconds = {seconds / waves:g}); stopped, the next run reconciles it"
        )
        os._exit(ExitCode.TEMPORARY)

    return HardStop(seconds + _grace(seconds), stop)


def _grace(seconds: float) -> float:
    return min(60.0, seconds / 2)
