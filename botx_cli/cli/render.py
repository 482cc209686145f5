"""The one module that prints for people (rich). The core never prints.

rich is imported inside the functions: `botx post` prints one plain line or JSON and
must not pay for it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from botx_cli import redact
from botx_cli.errors import OutputClosed, OutputFailed

# Symbols botx prints, as an ASCII-only terminal (LANG=C, PYTHONIOENCODING=ascii) can show them.
_ASCII = str.maketrans(
    {
        "✓": "v",
        "✗": "x",
        "·": "-",
        "…": "...",
        "—": "-",
        "–": "-",
        "→": "->",
        "•": "*",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
    }
)
_json_pending: dict[str, Any] | None = None  # a --json command's document for when it fails


class GuardedStream:
    """sys.stdout or sys.stderr as cli.main hands them to the program: every text is masked
    (redact.py) and degraded to what the stream's encoding can show; each write is flushed
    so a closed pipe or a full disk shows up here, as OutputClosed or OutputFailed (stdout),
    rather than as an internal error at exit. A failing stderr is ignored: there is nowhere
    left to say anything."""

    def __init__(self, stream: TextIO, is_stdout: bool) -> None:
        self.stream, self.is_stdout = stream, is_stdout

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    def unicode_ok(self) -> bool:
        try:
            "✓é😀".encode(self.encoding)
        except (UnicodeEncodeError, LookupError):
            return False
        return True

    def write(self, text: str) -> int:
        text = redact.mask(text)
        self._guard(self._write, text)
        return len(text)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except UnicodeEncodeError:  # nothing was written: the wrapper encodes before writing
            self.stream.write(text.translate(_ASCII).encode(self.encoding, "replace").decode(self.encoding))
        self.stream.flush()

    def flush(self) -> None:
        self._guard(self.stream.flush)

    def _guard(self, action: Any, *args: Any) -> None:
        try:
            action(*args)
        except BrokenPipeError:
            if self.is_stdout:
                raise OutputClosed() from None
        except OSError as err:
            if self.is_stdout:
                raise OutputFailed(
                    f"cannot write to stdout: {err.strerror or err}; what the run did is recorded (botx stats shows it)"
                ) from None

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, ... as the real stream has them
        return getattr(self.stream, name)


_json_as_list = False  # `post --all`: its document is a list, so is its failure document


def expect_json(base: dict[str, Any], as_list: bool = False) -> None:
    """A --json command started: if it fails before printing its document, main prints this one
    with status failed, the error kind and the stderr line (DESIGN "--json"); `as_list`: inside
    a list, for a command whose document is a list of these."""
    global _json_pending, _json_as_list
    _json_pending, _json_as_list = dict(base), as_list


def json_failure_doc(json_out: bool, account: str | None = None, **base: object) -> None:
    """Arguments parsed: from here a failure of a --json command still prints its document
    ({"account", "status": "failed", "reason", "detail", ...}; DESIGN "--json")."""
    if json_out:
        expect_json({"account": account, **base})


def json_failure(reason: str, detail: str) -> None:
    if _json_pending is not None:
        document = {**_json_pending, "status": "failed", "reason": reason, "detail": detail}
        emit_json([document] if _json_as_list else document)


def reset() -> None:
    global _json_pending
    _json_pending = None


def emit_json(document: Any) -> None:
    global _json_pending
    _json_pending = None  # printed (or being printed): never a second document
    unicode_ok = getattr(sys.stdout, "unicode_ok", lambda: True)()
    sys.stdout.write(json.dumps(redact.mask_doc(document), ensure_ascii=not unicode_ok, indent=2) + "\n")


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
    media = getattr(result, "media", "")
    if media and result.status == "dry_run":
        print(f"  image: {media}")
    elif media and verbose:  # a failed image never fails the post: said on stderr, like a warning
        sys.stderr.write(f"botx: {'warning' if media.startswith('no image') else 'note'}: {media}\n")


def post_all_lines(outcomes: Any, idle: Any, verbose: bool, quiet: bool) -> None:
    """`post --all`: one line per due account as `post` prints it (a failure on stderr, as the
    error boundary would), then with -v the accounts left alone and why."""
    for outcome in outcomes:
        if outcome.result is not None:
            post_line(outcome.result, verbose, quiet)
    failure_lines(outcomes)
    if verbose:
        for account in idle:
            print(f"{account.account}: not due ({account.why})")
        if not outcomes and not idle:
            print("no accounts in the config")


def failure_lines(outcomes: Any) -> None:
    """The stderr line of each account whose run failed (with --json too, as `post --json`)."""
    for outcome in outcomes:
        if outcome.result is None:
            error_line(f"account {outcome.account}: {outcome.failure}")


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def _checks_line(checks: dict[str, bool], notes: dict[str, str]) -> str:
    parts = []
    for name, ok in checks.items():
        mark = "[green]✓[/]" if ok else "[red]✗[/]"
        parts.append(f"{mark} {name}" + (f" [dim]{notes[name]}[/]" if name in notes else ""))
    return "  ".join(parts)


def preview(items: Sequence[Any], costs: Sequence[str] = ()) -> None:
    """The previews as panels, then (`costs`) the monthly X cost of the link policy and its alternatives."""
    from rich.markup import escape
    from rich.panel import Panel

    console = _console()
    for item in items:
        title = f"{item.account} · {item.slot} · angle {item.angle} · trend {item.trend or '-'}"
        status = "[green]valid[/]" if item.valid else "[red]INVALID[/]"
        if getattr(item, "image", False):
            status += "  [cyan]+ image[/] [dim](generated when posted)[/]"
        body = f"{escape(item.text)}\n\n[dim]{item.weighted_length}/280[/]  {status}\n" + _checks_line(
            item.checks, item.notes
        )
        console.print(Panel(body, title=escape(title), title_align="left", width=min(console.width, 100)))
    if costs:
        console.print("[bold]X cost of the posts per month:[/] " + escape(costs[0]))
        for line in costs[1:]:
            console.print("  " + escape(line))


_DRAFT_COLOURS = {"pending": "yellow", "approved": "green", "posted": "blue", "sending": "blue"}


def drafts(items: Sequence[Any]) -> None:
    """`botx drafts generate/list/edit`: one panel per draft, like preview, with id and status."""
    from rich.markup import escape
    from rich.panel import Panel

    console = _console()
    if not items:
        console.print("[dim]no drafts; `botx drafts generate --account A` composes some[/]")
    for item in items:
        colour = _DRAFT_COLOURS.get(item.status, "red")
        title = (
            f"#{item.id} · {item.account} · [{colour}]{item.status}[/] · angle {escape(item.angle or '-')} · "
            f"trend {escape(item.trend or '-')}"
        )
        body = f"{escape(item.text)}\n\n[dim]{item.weighted_length}/280[/]  " + _checks_line(item.checks, item.notes)
        extra = [f"reason: {item.reason}"] if item.reason else []
        extra += [f"tweet {item.tweet_id}"] if item.tweet_id else []
        if extra:
            body += "\n[dim]" + escape(" · ".join(extra)) + "[/]"
        console.print(Panel(body, title=title, title_align="left", width=min(console.width, 100)))


def drafts_changed(items: Sequence[Any]) -> None:
    for item in items:
        print(f"draft {item.id} ({item.account}): {item.status}")


def check(verdict: Any) -> None:
    console = _console()
    status = "[green]valid[/]" if verdict.valid else "[red]invalid[/]"
    console.print(
        f"weighted length {verdict.weighted_length}/280 · hashtags "
        f"{', '.join('#' + t for t in verdict.hashtags) or '-'} · {status}"
    )
    console.print(_checks_line(verdict.checks, verdict.notes))


def doctor(lines: Sequence[tuple[str, str, str]]) -> None:
    from rich.markup import escape

    console = _console()
    marks = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]", "info": "[dim]·[/]"}
    for level, topic, message in lines:
        console.print(f"{marks[level]} [bold]{escape(topic)}[/]: {escape(message)}")


@contextmanager
def status(message: str, enabled: bool = True) -> Iterator[None]:
    """A spinner on stderr while something slow runs; only on a terminal (never in cron)."""
    if not enabled or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield


def trends(view: Any, verbose: bool) -> None:
    """`botx trends`: one table of candidates; with -v why each is used or not (its headlines
    too), the sources, the model judge and what was dropped."""
    from rich.markup import escape
    from rich.table import Table

    from botx_cli.clock import parse_iso
    from botx_cli.trends.listing import age, short_duration

    console = _console()
    if not console.is_terminal:
        console.width = 160  # piped or captured: whole names rather than 80-column ellipses
    last = view.last_refresh
    when = (
        "never" if last is None else short_duration((view.now - parse_iso(last["started_at"])).total_seconds()) + " ago"
    )
    console.print(f"policy [bold]{view.policy}[/] (min relevance {view.min_relevance:g}) · last refresh {when}")
    table = Table(box=None, pad_edge=False, header_style="bold")
    widest = max((len(row.hashtag) for row in view.rows), default=7)
    for column, justify in (
        ("", "left"),
        ("hashtag", "left"),
        ("name", "left"),
        ("sources", "left"),
        ("rank", "right"),
        ("volume", "right"),
        ("relevance", "right"),
        ("category", "left"),
        ("age", "right"),
    ):
        # the hashtag is what gets posted: never cut it; the other columns wrap instead
        table.add_column(
            column,
            justify="right" if justify == "right" else "left",
            no_wrap=column == "hashtag",
            min_width=widest if column == "hashtag" else None,
        )
    for row in view.rows:
        table.add_row(
            "[green]✓[/]" if row.used else "[dim]·[/]",
            escape(row.hashtag),
            escape(row.name),
            ",".join(row.sources),
            str(row.rank or "-"),
            f"{row.volume:,}" if row.volume else "-",
            f"{row.relevance:.2f}",
            row.category,
            age(view, row),
        )
    console.print(table if view.rows else "[dim]no trends cached; try botx trends --refresh[/]")
    if verbose:
        _trend_reasons(console, view)
        _trend_sources(console, view)


def _trend_reasons(console: Any, view: Any) -> None:
    from rich.markup import escape

    for row in view.rows:
        mark = "[green]used[/]" if row.used else "[dim]not used[/]"
        console.print(f"  why {escape(row.hashtag)} ({mark}): {escape(row.reason or '-')}")
        for title in row.headlines[:3]:
            console.print(f"      [dim]headline:[/] {escape(title)}")


def _trend_sources(console: Any, view: Any) -> None:
    from rich.markup import escape

    for line in view.sources:
        state = line.state
        if not line.enabled:
            text = "[dim]disabled[/]"
        elif state is None:
            text = "[dim]not fetched yet[/]"
        elif state.is_open(view.now):
            text = f"[red]cooling off until {state.open_until}[/] after {state.failures} failure(s): {escape(state.last_error or '')}"
        elif state.failures:
            text = f"[yellow]failed[/] {escape(state.last_error or '')} (will retry)"
        else:
            text = f"[green]ok[/] {state.last_count} trends in {state.last_duration_ms} ms"
        console.print(f"  source [bold]{line.name}[/]: {text}")
    judge = (view.last_refresh or {}).get("judge")
    if judge:
        console.print(f"  judge {escape(judge)}")
    for name, source, rank, reason in view.rejects:
        console.print(f"  [dim]dropped[/] {escape(name)} [dim]({source} #{rank})[/]: {reason}")
