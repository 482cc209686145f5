"""Terminal rendering of `botx stats` and `botx metrics` (rich, imported here only).

Laid out for 80 columns: borderless tables, numbers abbreviated, sparklines and bars of
block characters, tweet texts cut with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

SPARKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉"
DAY_ROWS = 31  # the per-day table shows at most this many days (--json has them all)
FEW_ACCOUNTS = 4  # up to this many accounts get a column each in the per-day table
TOP = 8  # trends and hashtags listed (--json has them all)


def sparkline(values: Sequence[int], width: int = 15) -> str:
    """One character per day, or per bucket of days when there are more days than width."""
    if not values:
        return ""
    size = -(-len(values) // width)
    buckets = [sum(values[i : i + size]) for i in range(0, len(values), size)]
    top = max(buckets)
    if not top:
        return SPARKS[0] * len(buckets)
    return "".join(SPARKS[min(len(SPARKS) - 1, round(v / top * (len(SPARKS) - 1)))] for v in buckets)


def bar(value: float, maximum: float, width: int = 12) -> str:
    if maximum <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def number(value: int) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return str(value)


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.2f}%"


def money(value: float) -> str:
    return f"${value:,.2f}" if value >= 0.995 or value == 0 else f"${value:.3f}"


def _console() -> Any:
    from rich.console import Console

    console = Console(highlight=False)
    if console.width > 100:  # tables stay compact on wide terminals
        console = Console(highlight=False, width=100)
    return console


def _table(title: str, *columns: tuple[str, str]) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        padding=(0, 1, 0, 0),
    )  # with the box's blank divider: 2 spaces between
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    return table


def stats(result: Any) -> None:
    from rich.markup import escape

    console = _console()
    console.print(
        f"[bold]botx stats[/] · {result.days} days, {result.day_keys[0]} to {result.day_keys[-1]} "
        f"({escape(result.timezone)}) · {len(result.accounts)} accounts\n"
    )
    console.print(_accounts(result, escape), "")
    console.print(_per_day(result), "")
    outcomes = _outcomes(result, escape)
    if outcomes.row_count:
        console.print(outcomes, "")
    console.print(
        f"[bold]Validation[/]: {percent(result.pass_rate)} pass ({result.validation_passed} posted, "
        f"{result.validation_failed} without a valid tweet)\n"
    )
    for title, rows, limit in (
        ("Angles", result.angles, None),
        ("Trends", result.trends, TOP),
        ("Hashtags", result.hashtags, TOP),
    ):
        if rows:
            console.print(_usage(title, rows[:limit] if limit else rows, escape, len(rows)), "")
    for experiment in getattr(result, "experiments", ()):
        console.print(_experiment(experiment, escape), "")
    for title, posts in (("Best posts (engagements per impression)", result.best), ("Worst posts", result.worst)):
        if posts:
            console.print(_posts(title, posts, escape), "")
    console.print(_status(result, escape), "")
    console.print(_spend(result.month, result.now))
    if getattr(result, "x_cost", ()):
        console.print("", _x_cost(result.x_cost))


def _accounts(result: Any, escape: Any) -> Any:
    width = min(15, len(result.day_keys))
    table = _table(
        "Accounts",
        ("account", "left"),
        ("posts", "right"),
        ("skip", "right"),
        ("fail", "right"),
        ("likes", "right"),
        ("impr.", "right"),
        ("eng/imp", "right"),
        ("spend", "right"),
        ("posts per day", "left"),
    )
    for a in result.accounts:
        posts = str(a.total.posted) + (f" [yellow]+{a.unknown}?[/]" if getattr(a, "unknown", 0) else "")
        table.add_row(
            escape(a.name[:12]),
            posts,
            str(a.total.skipped),
            str(a.total.failed),
            number(a.likes),
            number(a.impressions),
            percent(a.rate),
            money(a.spend_usd),
            "[cyan]" + sparkline([d.posted for d in a.days.values()], width) + "[/]",
        )
    return table


def _per_day(result: Any) -> Any:
    keys = list(result.day_keys)[-DAY_ROWS:]
    few = len(result.accounts) <= FEW_ACCOUNTS
    title = (
        "Per day"
        + (" (posted/skipped/failed)" if few else "")
        + (f" · last {DAY_ROWS} days, --json has all" if len(result.day_keys) > DAY_ROWS else "")
    )
    columns = (
        [(a.name[:10], "right") for a in result.accounts]
        if few
        else [("posted", "right"), ("skipped", "right"), ("failed", "right")]
    )
    table = _table(title, ("day", "left"), *columns, ("posts", "left"))
    totals = {day: sum(a.days[day].posted for a in result.accounts) for day in keys}
    top = max(totals.values(), default=0)
    for day in keys:
        label = date.fromisoformat(day).strftime("%m-%d %a")
        if few:
            cells = [_pfs(a.days[day]) for a in result.accounts]
        else:
            cells = [
                str(sum(getattr(a.days[day], k) for a in result.accounts)) for k in ("posted", "skipped", "failed")
            ]
        table.add_row(label, *cells, f"[green]{bar(totals[day], top, 20)}[/] {totals[day] or ''}")
    return table


def _pfs(counts: Any) -> str:
    """posted/skipped/failed, a dot for a day without runs (easier to scan)."""
    if not (counts.posted or counts.skipped or counts.failed):
        return "[dim]·[/]"
    return f"{counts.posted}/{counts.skipped}/{counts.failed}"


def _outcomes(result: Any, escape: Any) -> Any:
    table = _table("Skips and failures", ("outcome", "left"), ("why", "left"), ("count", "right"), ("", "left"))
    merged: dict[tuple[str, str], int] = {}
    for a in result.accounts:
        for outcome, counts in (("skipped", a.total.skips), ("failed", a.total.failures)):
            for why, count in counts.items():
                merged[(outcome, why)] = merged.get((outcome, why), 0) + count
    top = max(merged.values(), default=0)
    for (outcome, why), count in sorted(merged.items(), key=lambda item: (item[0][0], -item[1])):
        color = "yellow" if outcome == "skipped" else "red"
        table.add_row(outcome, escape(why), str(count), f"[{color}]{bar(count, top, 24)}[/]")
    return table


def _usage(title: str, rows: Sequence[Any], escape: Any, total: int) -> Any:
    shown = f" (top {len(rows)} of {total})" if total > len(rows) else ""
    table = _table(
        title + shown, ("name", "left"), ("posts", "right"), ("impr.", "right"), ("eng/imp", "right"), ("", "left")
    )
    top = max((r.rate or 0.0 for r in rows), default=0.0)
    for r in rows:
        table.add_row(
            escape(r.name[:28]),
            str(r.posts),
            number(r.impressions),
            percent(r.rate),
            f"[magenta]{bar(r.rate or 0.0, top, 20)}[/]",
        )
    return table


def _experiment(report: Any, escape: Any) -> Any:
    """One experiment's arms as the sampler sees them; P(best) from the Beta posteriors of the arms
    with enough impressions (the others are still being sampled in rotation)."""
    title = (
        f"{'Angle' if report.kind == 'angle' else 'Prompt-variant'} experiment · last {report.days} days, "
        f"all accounts · explore {report.explore:g} · min {report.min_impressions} impr."
    )
    table = _table(
        title,
        ("arm", "left"),
        ("posts", "right"),
        ("impr.", "right"),
        ("eng/imp", "right"),
        ("P(best)", "right"),
        ("", "left"),
    )
    for arm in report.arms:
        mark = "" if arm.sampled else " [dim](sampling)[/]"
        best = "-" if arm.p_best is None else f"{arm.p_best * 100:.0f}%"
        table.add_row(
            escape(arm.name[:28]) + mark,
            str(arm.posts),
            number(arm.impressions),
            percent(arm.rate),
            best,
            f"[cyan]{bar(arm.p_best or 0.0, 1.0, 20)}[/]",
        )
    return table


def _posts(title: str, posts: Sequence[Any], escape: Any) -> Any:
    table = _table(title, ("eng/imp", "right"), ("impr.", "right"), ("acct", "left"), ("day", "left"))
    table.expand = True  # the text column takes what is left of the width
    table.add_column("text", no_wrap=True, overflow="ellipsis", ratio=1)
    for p in posts:
        table.add_row(
            percent(p.rate),
            number(p.impressions),
            escape(p.account[:8]),
            p.created_at[5:10],
            escape(" ".join(p.text.split())),
        )
    return table


def _status(result: Any, escape: Any) -> Any:
    table = _table(
        "Next slot and X limits (POST /2/tweets)",
        ("account", "left"),
        ("next slot", "left"),
        ("24h left", "right"),
        ("resets", "left"),
        ("", "left"),
    )
    for a in result.accounts:
        day = next((lim for lim in a.limits if lim.kind == "user_24h"), None)
        blocked = [lim for lim in a.limits if lim.blocked]
        left = f"{day.remaining}/{day.limit}" if day and day.remaining is not None else "-"
        reset = (day.reset_at or "-")[5:16].replace("T", " ") if day and day.reset_at else "-"
        state = _blocked_text(blocked[0]) if blocked else ""
        table.add_row(
            escape(a.name[:12]),
            (a.next_slot or "-")[5:16].replace("T", " "),
            left,
            reset + (" UTC" if reset != "-" else ""),
            state,
        )
    return table


def _blocked_text(limit: Any) -> str:
    """Why posting is stopped: X's limit (its kind), or credits; a capped reset says so."""
    until = limit.reset_at[5:16].replace("T", " ")
    what = "credits exhausted, retry after" if limit.kind == "credits" else f"{limit.kind} blocked until"
    note = " (capped)" if limit.note and "capped" in limit.note else ""
    return f"[red]{what} {until} UTC{note}[/]"


def _spend(month: Any, now: Any) -> str:
    text = f"[bold]API month to date[/]: {month.calls} calls, {money(month.spend_usd)}"
    used = month.budget_used()
    if used is None:
        text += " (no monthly budget set)"
    else:
        color = "red" if used >= 1 else "yellow" if used >= 0.8 else "green"
        filled = min(20, round(used * 20))
        text += (
            f" of {money(month.budget_usd)} [{color}]{'█' * filled}[/][dim]{'░' * (20 - filled)}[/] {used * 100:.0f}%"
        )
    return text + f"\nprojected by month end: {money(month.projected_usd(now))}"


def _x_cost(rows: Sequence[Any]) -> Any:
    """Projected monthly X cost of the posts under each link policy, the configured one marked."""
    from botx_cli.content.link_policy import describe

    table = _table(
        "X cost per month by [compose] link_every",
        ("link_every", "right"),
        ("link in", "left"),
        ("per month", "right"),
        ("", "left"),
    )
    for row in rows:
        table.add_row(
            str(row.link_every),
            describe(row.link_every),
            money(row.monthly_usd),
            "[bold]current[/]" if row.current else "",
        )
    return table


def metrics(result: Any, quiet: bool) -> None:
    """One plain line per account; nothing with -q (cron mails only errors)."""
    if quiet:
        return
    for a in result.accounts:
        extra = f", {a.owner_fields} with non-public metrics" if a.owner_fields else ""
        extra += f", {a.missing} gone from X" if a.missing else ""
        extra += f", public only for {a.fallbacks} batch(es)" if a.fallbacks else ""
        stop = {"budget": "; stopped: daily read budget reached", "reads_disabled": "; skipped: [x] reads = false"}
        print(f"{a.account}: {a.snapshots}/{a.posts} posts measured{extra}{stop.get(a.stopped or '', '')}")
    print(f"reads today (UTC): {result.read_today}/{result.budget}")
