"""The typer app, its global options (the root callback) and the ONE error boundary.

Every command lives in its own module under commands/ (pipx-style) and is registered here, in
the order `botx --help` lists them; the shared options and Env are in env.py. main() is the
boundary: every BotxError becomes one stderr line and its ExitCode; a traceback only with -v.
Importing this module loads typer, render and the command modules' signatures only: each
command imports the layers it calls inside its body, so `botx --help` stays as cheap as typer.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

try:  # typer >= 0.2x vendors click; older releases use click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors  # type: ignore[no-redef]

from botx_cli import redact
from botx_cli.cli import render
from botx_cli.cli.commands import cron, doctor, drafts, init, operator, post, preview, report, trends
from botx_cli.cli.env import RUN, Env
from botx_cli.errors import BotxError, ExitCode, Interrupted, OutputClosed, OutputFailed

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Promote a product on X from a handful of accounts, safely, from cron.",
)


def _show_version(value: bool) -> None:
    if value:
        from botx_cli import installed_version

        print(f"botx {installed_version()}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        str | None,
        typer.Option("--config", help="config.toml (else $BOTX_CONFIG, ./config.toml, ~/.config/botx/config.toml)"),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="SQLite file; wins over everything (else a postgresql:// URL in $BOTX_DATABASE_URL or the"
            " variable [storage] url_env names, else $BOTX_DB, else [storage] path)",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say why; tracebacks on errors")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the installed version and exit", callback=_show_version, is_eager=True),
    ] = False,
) -> None:
    RUN.verbose = verbose
    ctx.obj = Env(config, db, verbose, quiet)


# One module per command (or small group); this order is the order of `botx --help`.
_COMMANDS = (
    post.post,
    preview.preview,
    preview.check,
    operator.pause,
    operator.resume,
    trends.trends,
    cron.cron,
    report.stats,
    report.metrics,
    doctor.doctor,
    init.init,
)
for _command in _COMMANDS:
    app.command()(_command)
app.add_typer(drafts.drafts_app, name="drafts")  # the review queue's sub-app


def main() -> None:
    """Single error boundary: one line on stderr and a documented exit code, never 1 but for a
    bug. stdout and stderr are guarded for the whole run (render.GuardedStream: secrets masked,
    a closed pipe, a full disk, an ASCII-only terminal), Ctrl-C is one line and exit 130."""
    import signal

    RUN.verbose, RUN.db_in_use = False, None  # an embedding program may run several
    redact.use(None)
    render.reset()
    streams = sys.stdout, sys.stderr
    sys.stdout = render.GuardedStream(sys.stdout, is_stdout=True)  # type: ignore[assignment, unused-ignore]
    sys.stderr = render.GuardedStream(sys.stderr, is_stdout=False)  # type: ignore[assignment, unused-ignore]
    try:
        previous = signal.signal(signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread (an embedding program): leave its handler alone
        previous = None
    try:
        code = _run()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        sys.stdout, sys.stderr = streams
    sys.exit(code)


def _interrupted(_signum: int, _frame: object) -> None:
    raise Interrupted()


def _run() -> int:
    try:
        try:
            result = app(standalone_mode=False)
            sys.stdout.flush()
            return result if isinstance(result, int) else ExitCode.OK
        except OutputClosed:
            raise
        except typer.Exit as done:
            return done.exit_code
        except (typer.Abort, Interrupted):
            render.error_line("interrupted; what was done so far is recorded, nothing half-written")
            return Interrupted.exit_code
        except click_errors.NoArgsIsHelpError as err:  # bare `botx`: help, like --help
            print(err.format_message())
            return ExitCode.OK
        except click_errors.ClickException as err:
            render.error_line(err.format_message() + " (see --help)")
            return ExitCode.USAGE
        except BotxError as err:
            return _fail(err, err.exit_code)
        except _driver_errors() as err:  # a full disk, permissions, a lock held too long, a damaged file
            from botx_cli.store import database_failure

            failure = database_failure(err, RUN.db_in_use)
            return _fail(failure, failure.exit_code, cause=err)
        except Exception as err:  # noqa: BLE001 - the boundary: a bug is still one line unless -v
            return _fail(err, ExitCode.INTERNAL, prefix="internal error (rerun with -v for the traceback): ")
    except OutputClosed:  # the reader of stdout left (| head): end quietly
        _silence_stdout()
        return ExitCode.OK
    except OutputFailed as err:  # while printing the failure itself
        render.error_line(str(err))
        return err.exit_code


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The database drivers' errors, evaluated only when an exception reaches the boundary. No
    store module loaded means no database was opened: nothing to map (and `botx --help` stays
    free of the store's imports)."""
    backend = sys.modules.get("botx_cli.store.backend")
    return backend.driver_errors() if backend is not None else ()


def _fail(err: BaseException, code: int, prefix: str = "", cause: BaseException | None = None) -> int:
    if RUN.verbose:
        import traceback

        traceback.print_exception(cause or err)
    message = prefix + (str(err) or type(err).__name__)
    render.error_line(message)
    render.json_failure("internal" if code == ExitCode.INTERNAL else type(err).__name__, message)
    return code


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null, so the interpreter's last flush at exit cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())  # type: ignore[union-attr]  # None: AttributeError, caught
    except (OSError, AttributeError, ValueError):
        pass
