"""The one module that prints for people (rich). The core never prints.

rich is imported inside the functions: `botx post` prints one plain line or JSON and
must not pay for it.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Sequence


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def error_line(message: str) -> None:
    sys.stderr.write(f"botx: error: {message}\n")


def warn(message: str) -> None:
    sys.stderr.write(f"botx: warning: {message}\n")


def post_line(result: Any, verbose: bool, quiet: bool) -> None:
    """One line per run; quiet prints nothing on success or skip, so cron mails only trouble."""
    if quiet:
        return
    if result.status == "posted":
        print(f"{result.account}: posted {result.tweet_id}")
    elif result.status == "skipped":
        print(f"{result.account}: skipped ({result.reason}{': ' + result.detail if result.detail else ''})")
    else:
        print(f"{result.account}: {result.status}")
    if verbose or result.status == "dry_run":
        if result.text:
            print(result.text)
        for note in result.notes:
            print(f"  note: {note}")


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def _checks_line(checks: dict[str, bool], notes: dict[str, str]) -> str:
    parts = []
    for name, ok in checks.items():
        mark = "[green]✓[/]" if ok else "[red]✗[/]"
        parts.append(f"{mark} {name}" + (f" [dim]{notes[name]}[/]" if name in notes else ""))
    return "  ".join(parts)


def preview(items: Sequence[Any]) -> None:
    from rich.markup import escape
    from rich.panel import Panel

    console = _console()
    for item in items:
        title = f"{item.account} · {item.slot} · angle {item.angle} · trend {item.trend or '-'}"
        status = "[green]valid[/]" if item.valid else "[red]INVALID[/]"
        body = f"{escape(item.text)}\n\n[dim]{item.weighted_length}/280[/]  {status}\n" + _checks_line(
            item.checks, item.notes)
        console.print(Panel(body, title=escape(title), title_align="left", width=min(console.width, 100)))


def check(verdict: Any) -> None:
    console = _console()
    status = "[green]valid[/]" if verdict.valid else "[red]invalid[/]"
    console.print(f"weighted length {verdict.weighted_length}/280 · hashtags "
                  f"{', '.join('#' + t for t in verdict.hashtags) or '-'} · {status}")
    console.print(_checks_line(verdict.checks, verdict.notes))


def doctor(lines: Sequence[tuple[str, str, str]]) -> None:
    from rich.markup import escape

    console = _console()
    marks = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]", "info": "[dim]·[/]"}
    for level, topic, message in lines:
        console.print(f"{marks[level]} [bold]{escape(topic)}[/]: {escape(message)}")
