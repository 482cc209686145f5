"""The exit codes and the one exception hierarchy; each class carries the code the CLI maps it to.

The CLI's single error boundary (cli/main.py) prints `str(err)` as one stderr line and exits
with `err.exit_code`. Messages say what failed, where (file/key/account) and how to fix it.
No other module names an exit code by its number: they use ExitCode (tests/test_architecture.py).

Exceptions that never leave their package stay there, as control flow: deadline's
DeadlineExceeded (a TimeoutError), the trend fetchers' SourceError, config grammar's
GrammarError, images' MediaError. Everything the boundary may see is here.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a run's exit status means (DESIGN "Exit codes"); cron mails on anything but OK."""

    OK = 0  # posted, skipped by a gate, a dry run, a healthy doctor
    INTERNAL = 1  # a bug: never on purpose
    USAGE = 2  # bad arguments or config, missing credentials, an unusable database file
    NO_VALID_TWEET = 3  # nothing that passes the checks could be composed (or X refused the text)
    TEMPORARY = 75  # EX_TEMPFAIL: rate limit, network, X 5xx, credits, disk full: cron tries again
    CREDENTIALS = 77  # EX_NOPERM: X rejected the account's keys
    INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT


class BotxError(Exception):
    exit_code: ExitCode = ExitCode.INTERNAL


class UsageError(BotxError):
    """Bad CLI arguments (unknown account, unknown draft id, ...)."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """The config file or the environment it needs is wrong."""

    def __init__(self, path: object, key: str | None, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        shown_path = self.path if len(self.path) <= 300 else self.path[:299] + "…"  # one readable line
        where = f"{shown_path}: {key}: " if key else f"{shown_path}: "
        super().__init__(where + problem)


class NoValidTweet(BotxError):
    exit_code = ExitCode.NO_VALID_TWEET


class TemporaryFailure(BotxError):
    """Rate limit, network trouble, X 5xx: nothing lost, retry at the next slot."""

    exit_code = ExitCode.TEMPORARY


class CredentialsRejected(BotxError):
    exit_code = ExitCode.CREDENTIALS


# -- what X answered (x/api.py classifies every failure into one of these or the above) ----------
class DuplicateContent(BotxError):
    """X refused the text as a duplicate of one of the account's posts."""

    exit_code = ExitCode.NO_VALID_TWEET


class AmbiguousSend(BotxError):
    """The request may have reached X but the answer was lost (read timeout, reset)."""

    exit_code = ExitCode.TEMPORARY


class CreditsExhausted(TemporaryFailure):
    """X answered 402 (pay-per-use credits spent) or the usage-capped problem: not retried;
    the account skips with reason `credits` for [x] credits_retry_minutes."""


# -- trend pages -------------------------------------------------------------------------------
class ParseError(TemporaryFailure):
    """A trend source answered with something that is not its trend list. A TemporaryFailure:
    pages change or hiccup, and the next slot may do better."""

    def __init__(self, source: str, message: str) -> None:
        self.source, self.message = source, message
        super().__init__(f"trend source {source}: {message}")


# -- the database (raised by store/ only: no other package sees a driver's exceptions) ----------
class DatabaseFailure(BotxError):
    """The database refused a statement or cannot be used; the subclass says what it means."""


class DatabaseUnavailable(DatabaseFailure, TemporaryFailure):
    """Busy past the busy timeout, a full disk, an I/O error: the file is fine, try again later."""


class DatabaseDenied(DatabaseFailure, UsageError):
    """This user may not read or write the database file or its folder."""


class StoreError(DatabaseFailure, UsageError):
    """The database file is unusable as it is (damaged, foreign, a newer schema)."""


# -- the output ----------------------------------------------------------------------------------
class OutputFailed(TemporaryFailure):
    """stdout cannot be written (a full disk, a broken device): what the run did is recorded."""


class OutputClosed(Exception):
    """stdout's reader went away (`botx stats | head -1`): the run ends quietly, exit 0.
    Not a BotxError: nothing failed that the operator must hear about."""


class Interrupted(BaseException):
    """Ctrl-C (SIGINT), raised by the CLI's handler instead of KeyboardInterrupt so click does
    not print its own blank line; a BaseException so `except Exception` blocks let it through
    (transactions roll back on the way out)."""

    exit_code = ExitCode.INTERRUPTED
