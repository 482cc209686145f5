"""One exception hierarchy; each class carries the exit code the CLI maps it to.

The CLI's single error boundary (cli.main) prints `str(err)` as one stderr line and
exits with `err.exit_code`. Messages say what failed, where (file/key/account) and
how to fix it.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NO_VALID_TWEET = 3
EXIT_TEMPORARY = 75  # EX_TEMPFAIL: cron simply tries again at the next slot
EXIT_CREDENTIALS = 77  # EX_NOPERM


class BotxError(Exception):
    exit_code = 1


class UsageError(BotxError):
    """Bad CLI arguments (unknown account, unknown draft id, ...)."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """The config file or the environment it needs is wrong."""

    def __init__(self, path: object, key: str | None, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        shown_path = self.path if len(self.path) <= 300 else self.path[:299] + "…"  # one readable line
        where = f"{shown_path}: {key}: " if key else f"{shown_path}: "
        super().__init__(where + problem)


class StoreError(UsageError):
    """The SQLite file is unusable (corrupt, foreign, newer schema)."""


class NoValidTweet(BotxError):
    exit_code = EXIT_NO_VALID_TWEET


class TemporaryFailure(BotxError):
    """Rate limit, network trouble, X 5xx: nothing lost, retry at the next slot."""

    exit_code = EXIT_TEMPORARY


class CredentialsRejected(BotxError):
    exit_code = EXIT_CREDENTIALS


class OutputFailed(TemporaryFailure):
    """stdout cannot be written (a full disk, a broken device): what the run did is recorded."""


class OutputClosed(Exception):
    """stdout's reader went away (`botx stats | head -1`): the run ends quietly, exit 0.
    Not a BotxError: nothing failed that the operator must hear about."""


class Interrupted(BaseException):
    """Ctrl-C (SIGINT), raised by cli.main's handler instead of KeyboardInterrupt so click does
    not print its own blank line; a BaseException so `except Exception` blocks let it through
    (transactions roll back on the way out)."""

    exit_code = 130
