"""`botx trends`: the trend candidates as post would judge them, refreshed when stale."""

from __future__ import annotations

from typing import Annotated

import typer

from botx_cli.cli import render
from botx_cli.cli.env import JsonOpt, QuietOpt, VerboseOpt, flags, now
from botx_cli.cli.render import json_failure_doc


def trends(
    ctx: typer.Context,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Fetch every due source now, even if the cache is fresh")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="Trends to show")] = 20,
    json_out: JsonOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Trend candidates: sources, rank, relevance, hashtag form, age (refreshed when stale)."""
    from botx_cli.trends.listing import run_trends

    json_failure_doc(json_out)
    env = flags(ctx, verbose, quiet)
    cfg = env.config()
    store = env.store(cfg)
    with render.status("Fetching trends", enabled=not (json_out or env.quiet)):
        view = run_trends(cfg, store, now(), refresh, limit)
    if json_out:
        render.emit_json(view.to_json(dropped=env.verbose))  # -v: what cleaning dropped, and why
    elif not env.quiet:
        render.trends(view, env.verbose)
    if view.report is not None and not env.quiet:
        if view.report.error:
            render.warn(f"the trend refresh failed: {view.report.error}")
        elif view.report.all_down:
            render.warn("every trend source failed; posts use calendar and domain tags (botx trends -v says why)")
