"""The thin CLI: each command reads options, calls one core function, renders the result.

The error boundary is main(): every BotxError becomes one stderr line and its exit code;
a traceback only with -v.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

try:  # typer >= 0.2x vendors click; older releases use click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors  # type: ignore[no-redef]

from botx_cli import redact
from botx_cli.cli import render
from botx_cli.cli.render import json_failure_doc
from botx_cli.errors import BotxError, ExitCode, Interrupted, OutputClosed, OutputFailed, UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from botx_cli.config.core import Config
    from botx_cli.store import Store

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Promote a product on X from a handful of accounts, safely, from cron.",
)
_verbose = False
_db_in_use: Path | str | None = None  # named in a database error line (a URL: masked)


@dataclass
class Env:
    config_path: str | None
    db_path: str | None
    verbose: bool
    quiet: bool

    def config(self) -> Config:
        from botx_cli.sections import load_config

        cfg = load_config(self.config_path)
        if cfg.bundled:
            render.warn(f"no config found, using the bundled example {cfg.path}")
        redact.use(cfg.secret_values())  # every sink masks this config's secrets from now on
        return cfg

    def db_file(self, cfg: Config) -> Path:
        import os

        from botx_cli.store.settings import StorageSettings

        return Path(self.db_path or os.environ.get("BOTX_DB") or str(cfg.settings(StorageSettings).path)).expanduser()

    def db_target(self, cfg: Config) -> Path | str:
        """Where the data lives: an explicit --db (a SQLite file) wins; else the PostgreSQL URL in
        the variable [storage] url_env names; else $BOTX_DB or [storage] path."""
        from botx_cli.store.pg_errors import is_postgres_url
        from botx_cli.store.settings import StorageSettings, database_url

        if self.db_path and is_postgres_url(self.db_path):
            raise UsageError(
                "--db takes a SQLite file; put a database URL in the variable [storage] url_env names"
                " (default BOTX_DATABASE_URL), where it stays a secret"
            )
        url = None if self.db_path else database_url(cfg.settings(StorageSettings))
        return url or self.db_file(cfg)

    def store(self, cfg: Config) -> Store:
        from botx_cli.store import open_store
        from botx_cli.store.settings import StorageSettings

        global _db_in_use
        _db_in_use = self.db_target(cfg)  # a URL is never shown: store's failures mask it
        return open_store(_db_in_use, cfg.settings(StorageSettings).busy_timeout_seconds)


def _now() -> datetime:
    from botx_cli.clock import now

    return now()


def _warn_llm_key(cfg: Config, quiet: bool) -> None:
    """The llm strategy without its key composes with templates: say so on stderr (not with -q)."""
    from botx_cli.llm.settings import missing_key

    warning = missing_key(cfg)
    if warning and not quiet:
        render.warn(warning)


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
    global _verbose
    _verbose = verbose
    ctx.obj = Env(config, db, verbose, quiet)


VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Say why; tracebacks on errors")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success")]


def _flags(ctx: typer.Context, verbose: bool, quiet: bool) -> Env:
    """-v/-q are accepted before or after the command name (cron lines put them last)."""
    global _verbose
    env: Env = ctx.obj
    env.verbose, env.quiet = env.verbose or verbose, env.quiet or quiet
    _verbose = env.verbose
    return env


AccountOpt = Annotated[str | None, typer.Option("--account", "-a", help="Account name from [accounts]")]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout")]


@app.command()
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
    env = _flags(ctx, verbose, quiet)
    cfg = env.config()
    store = env.store(cfg)
    if text is None:
        _warn_llm_key(cfg, env.quiet)
    with _hard_stop(cfg, account):
        result = run_post(cfg, store, account, _now(), PostOptions(dry_run, force, text))
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
    env = _flags(ctx, verbose, quiet)
    cfg = env.config()
    store = env.store(cfg)
    _warn_llm_key(cfg, env.quiet)
    with _hard_stop(cfg, None, waves=_waves(cfg, len(cfg.accounts))):
        outcomes, idle = post_all(cfg, store, lambda: env.store(cfg), _now(), PostOptions(dry_run))
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


def _hard_stop(cfg: Config, account: str | None, waves: int = 1):  # type: ignore[no-untyped-def]
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


@app.command()
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
    _warn_llm_key(cfg, env.quiet)
    items = run_preview(cfg, env.store(cfg), names, count, _now())
    if json_out:
        render.emit_json([item.to_json() for item in items])
    else:
        from botx_cli.content.link_policy import table_lines

        render.preview(items, table_lines(cfg))


@app.command()
def check(
    ctx: typer.Context, text: Annotated[str, typer.Argument(help="Tweet text to check")], json_out: JsonOpt = False
) -> None:
    """Weighted length, hashtags and the validation verdict for a text."""
    from botx_cli.posting.preview import run_check

    json_failure_doc(json_out)
    env: Env = ctx.obj
    cfg = env.config()
    verdict = run_check(cfg, env.store(cfg), text, _now())
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


@app.command()
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
    now = _now()
    until = pause_until(minutes, now)
    env.store(cfg).set_pause(name, until, "cooldown" if minutes else "paused", now)
    if not env.quiet:
        who = f"account {name}" if account else "all accounts"
        print(f"paused {who} " + (f"until {until}" if minutes else "until `botx resume`"))


@app.command()
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


@app.command()
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
    env = _flags(ctx, verbose, quiet)
    cfg = env.config()
    store = env.store(cfg)
    with render.status("Fetching trends", enabled=not (json_out or env.quiet)):
        view = run_trends(cfg, store, _now(), refresh, limit)
    if json_out:
        render.emit_json(view.to_json())
    elif not env.quiet:
        render.trends(view, env.verbose)
    if view.report is not None and not env.quiet:
        if view.report.error:
            render.warn(f"the trend refresh failed: {view.report.error}")
        elif view.report.all_down:
            render.warn("every trend source failed; posts use calendar and domain tags (botx trends -v says why)")


@app.command()
def cron(
    ctx: typer.Context,
    every: Annotated[
        bool, typer.Option("--all", help="One `post --all` line for every account instead of a line per account")
    ] = False,
) -> None:
    """Print crontab lines derived from [schedule] for every account."""
    from botx_cli.schedule.slots import cron_command, cron_lines
    from botx_cli.trends.cache import cron_line
    from botx_cli.trends.settings import TrendSettings

    env: Env = ctx.obj
    cfg = env.config()
    # the botx that is running now, not whichever is first on cron's PATH; absolute paths, quoted
    command = cron_command(running_botx(), cfg.path, env.db_file(cfg) if env.db_path else None)
    accounts = [(a.name, a.index) for a in cfg.accounts.values() if a.enabled]
    extra: list[str] = []
    trends = cfg.settings(TrendSettings)
    if trends.policy != "off" and trends.network():
        extra += [
            "# trend cache: refreshed just before it goes stale, so posts never wait for the sources",
            cron_line(trends.cache_minutes, command),
        ]
    extra += [
        "# engagement snapshots of the last week's posts, within [metrics] daily_read_budget",
        f"50 */6 * * * {command} metrics --days 7 --quiet",
    ]
    print("\n".join(cron_lines(cfg.schedule, cfg.timezone.key, accounts, command, extra, every)))


@app.command()
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
    result = run_stats(cfg, env.store(cfg), _now(), days, account)
    if json_out:
        render.emit_json(result.to_json())
    else:
        from botx_cli.cli import render_stats

        render_stats.stats(result)


@app.command()
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
    env = _flags(ctx, verbose, quiet)
    cfg = env.config()
    names = [cfg.account(account).name] if account else [a.name for a in cfg.accounts.values() if a.enabled]
    result = run_metrics(cfg, env.store(cfg), names, days, _now())
    if json_out:
        render.emit_json(result.to_json())
    else:
        from botx_cli.cli import render_stats

        render_stats.metrics(result, env.quiet)


@app.command()
def doctor(
    ctx: typer.Context,
    online: Annotated[bool, typer.Option("--online", help="Also call GET /2/users/me per account")] = False,
) -> None:
    """Check config, credentials, database, schedule and policy."""
    from botx_cli.report.doctor import run_doctor

    env: Env = ctx.obj
    cfg = env.config()
    lines, code = run_doctor(cfg, env.store(cfg), _now(), online)
    render.doctor(lines)
    if code:
        raise typer.Exit(code)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write (default ./config.toml)")] = Path("config.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
) -> None:
    """Write a commented config.toml to start from."""
    from botx_cli.config.starter import write_config

    written = write_config(path, force)
    print(f"wrote {written}; edit it, then run `botx doctor` and `botx preview`")


def running_botx() -> list[str]:
    """The command that runs this very botx: the console script's absolute path, else this
    interpreter (absolute, symlinks kept: a venv's python is a link) with -m botx_cli."""
    import os

    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name not in ("__main__.py", "-c") and script.is_file():
        return [os.path.abspath(script)]
    return [os.path.abspath(sys.executable), "-m", "botx_cli"]


from botx_cli.cli.commands.drafts import drafts_app  # noqa: E402 - the review queue's sub-app (typer only)

app.add_typer(drafts_app, name="drafts")


def main() -> None:
    """Single error boundary: one line on stderr and a documented exit code, never 1 but for a
    bug. stdout and stderr are guarded for the whole run (render.GuardedStream: secrets masked,
    a closed pipe, a full disk, an ASCII-only terminal), Ctrl-C is one line and exit 130."""
    import signal

    global _db_in_use
    _db_in_use = None
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

            failure = database_failure(err, _db_in_use)
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
    if _verbose:
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
