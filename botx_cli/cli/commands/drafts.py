"""`botx drafts ...`: the review queue's commands, a typer sub-app mounted by cli/main.py.

Thin like every command: read options, call one function of botx_cli.posting.review, render.
Errors go through cli/main.py's boundary (unknown id: UsageError, exit 2; an edit failing
checks: NoValidTweet, exit 3). `ctx.obj` is cli/env.py's Env, set by the root callback.
"""

from __future__ import annotations

from typing import Annotated

import typer

from botx_cli.cli import render
from botx_cli.cli.env import AccountOpt, Env, JsonOpt, now
from botx_cli.cli.render import json_failure_doc

drafts_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Review queue: generate drafts, approve or reject them; with [review] "
    "require_approval = true, post sends approved drafts only.",
)

ID_MAX = 2**63 - 1  # SQLite's largest integer: a bigger id names no draft (usage error, not a crash)
IdsArg = Annotated[
    list[int], typer.Argument(help="Draft ids (botx drafts list)", show_default=False, min=1, max=ID_MAX)
]


@drafts_app.command("generate")
def generate(
    ctx: typer.Context,
    account: Annotated[str, typer.Option("--account", "-a", help="Account name from [accounts]")],
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=100, help="Drafts to compose")] = 3,
    json_out: JsonOpt = False,
) -> None:
    """Compose the account's next tweets as preview does and queue the valid ones as pending."""
    from botx_cli.llm.settings import missing_key
    from botx_cli.posting.review import ReviewSettings, failed_summary
    from botx_cli.posting.review import generate as run_generate

    json_failure_doc(json_out, account=account)
    env: Env = ctx.obj
    cfg = env.config()
    for warning in (
        missing_key(cfg),
        None
        if cfg.settings(ReviewSettings).require_approval
        else "[review] require_approval is false: botx post composes its own tweets and ignores drafts",
    ):
        if warning and not env.quiet:
            render.warn(warning)
    made, invalid = run_generate(cfg, env.store(cfg), account, count, now())
    if invalid and not env.quiet:
        render.warn(f"{len(invalid)} composition(s) failed checks ({failed_summary(invalid)}) and were not queued")
    if json_out:
        render.emit_json([draft.to_json() for draft in made])
    elif not env.quiet:
        render.drafts(made)


@drafts_app.command("list")
def list_(
    ctx: typer.Context,
    account: AccountOpt = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", "-s", help="pending, approved, rejected, sending, posted, unknown, expired or invalid"
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Drafts in queue order (oldest first), with their status and checks."""
    from botx_cli.posting.review import listing

    json_failure_doc(json_out, account=account)
    env: Env = ctx.obj
    cfg = env.config()
    name = cfg.account(account).name if account else None
    found = listing(env.store(cfg), now(), name, status)
    if json_out:
        render.emit_json([draft.to_json() for draft in found])
    else:
        render.drafts(found)


@drafts_app.command("approve")
def approve(ctx: typer.Context, ids: IdsArg) -> None:
    """Approve drafts: post may send them (oldest first) once their slot comes."""
    _review(ctx, ids, "approve")


@drafts_app.command("reject")
def reject(ctx: typer.Context, ids: IdsArg) -> None:
    """Reject drafts: post never sends them."""
    _review(ctx, ids, "reject")


def _review(ctx: typer.Context, ids: list[int], verb: str) -> None:
    from botx_cli.posting.review import review

    env: Env = ctx.obj
    cfg = env.config()
    changed = review(env.store(cfg), ids, verb, now())
    if not env.quiet:
        render.drafts_changed(changed)


@drafts_app.command("edit")
def edit(
    ctx: typer.Context,
    draft_id: Annotated[int, typer.Argument(metavar="ID", help="Draft id", min=1, max=ID_MAX)],
    text: Annotated[str, typer.Option("--text", help="The new text (validated like any tweet)")],
    json_out: JsonOpt = False,
) -> None:
    """Replace a draft's text; it is checked again and needs a new approval."""
    from botx_cli.posting.review import edit as run_edit

    json_failure_doc(json_out, id=draft_id)
    env: Env = ctx.obj
    cfg = env.config()
    draft = run_edit(cfg, env.store(cfg), draft_id, text, now())
    if json_out:
        render.emit_json(draft.to_json())
    elif not env.quiet:
        render.drafts([draft])
        print(f"draft {draft.id} is pending again: approve it with `botx drafts approve {draft.id}`")
