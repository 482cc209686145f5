"""The database: the Store (its queries), the backend seam, opening and migrations.

Owns every SQL statement of botx: store/facade.py (attempts, runs, operator state, X's
answers), and one module per group of tables (trends.py, affinities.py, drafts.py, alerts.py,
media.py, metrics.py, reports.py). Dialect-specific bits live behind store/backend.py's Backend
(store/sqlite.py today); a second backend is one more module there.

May import: kernel, config. Stdlib only at import time.
"""

from botx_cli.store.facade import (
    COUNTS_AS_POST,
    FOREVER,
    HOLDS_SLOT,
    LOST_ANSWER_CHECKS,
    Attempt,
    Store,
    database_failure,
    marks,
    open_store,
)

__all__ = [
    "COUNTS_AS_POST",
    "FOREVER",
    "HOLDS_SLOT",
    "LOST_ANSWER_CHECKS",
    "Attempt",
    "Store",
    "database_failure",
    "marks",
    "open_store",
]
