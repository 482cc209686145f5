"""`botx pause` and `botx resume`: the operator's hand on the brake, for one account or all."""

from __future__ import annotations

from typing import Annotated

import typer

from botx_cli.cli.env import AccountOpt, Env, now


def pause(
    ctx: typer.Context,
    account: AccountOpt = None,
    minutes: Annotated[
        int | None,
        typer.Option("--minutes", min=1, max=10 * 365 * 24 * 60, help="Cooldown length; default until resume"),
    ] = None,
) -> None:
    """Stop posting (one account or all) until resumed, or for N minutes."""
    from botx_cli.posting.cycle import pause_until

    env: Env = ctx.obj
    cfg = env.config()
    name = cfg.account(account).name if account else "*"
    moment = now()
    until = pause_until(minutes, moment)
    env.store(cfg).set_pause(name, until, "cooldown" if minutes else "paused", moment)
    if not env.quiet:
        who = f"account {name}" if account else "all accounts"
        print(f"paused {who} " + (f"until {until}" if minutes else "until `botx resume`"))


def resume(ctx: typer.Context, account: AccountOpt = None) -> None:
    """Lift a pause or cooldown (one account, or the all-accounts pause) and stored X limits."""
    env: Env = ctx.obj
    cfg = env.config()
    name = cfg.account(account).name if account else "*"
    store = env.store(cfg)
    cleared = store.clear_pause(name)
    names = [name] if account else ["", *cfg.accounts]
    if not account:  # resume without --account lifts every pause
        for acct in cfg.accounts:
            cleared += store.clear_pause(acct)
    limits = sum(store.clear_blocks(acct) for acct in names)  # stored X limits and credits blocks too
    if not env.quiet:
        extra = f"; cleared {limits} stored X limit(s), X's next answer says what is left" if limits else ""
        print(
            f"resumed {'account ' + name if account else 'all accounts'}"
            + ("" if cleared or limits else " (was not paused)")
            + extra
        )
