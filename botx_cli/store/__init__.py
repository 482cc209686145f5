"""The database: opening it, migrations, and every SQL statement."""

from botx_cli.store.facade import (
    COUNTS_AS_POST,
    FOREVER,
    HOLDS_SLOT,
    LOST_ANSWER_CHECKS,
    Attempt,
    Store,
    _statements,
    database_failure,
    open_store,
)

__all__ = [
    "COUNTS_AS_POST",
    "FOREVER",
    "HOLDS_SLOT",
    "LOST_ANSWER_CHECKS",
    "Attempt",
    "Store",
    "_statements",
    "database_failure",
    "open_store",
]
