"""The composition root of the config: every section botx reads, and loading with all of them.

Each subsystem owns its tables and declares them as a config.core.Section (its settings type
and parser) beside the code that uses them; this registry lists them in the order they are
parsed (a parser may read the settings of those before it: trends reads [x]'s base URL, media
[compose.llm]'s). The CLI and the tests load configs through here, so every key is read, and
validated, once at load time: a bad value or an unknown key is exit 2 before anything runs.
Read a section's settings with `cfg.settings(TrendSettings)`.

Every module named here stays stdlib-only at import: they all load on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from botx_cli.config import core
from botx_cli.config.core import Config, Section
from botx_cli.content import experiments, images
from botx_cli.content import settings as content
from botx_cli.llm import settings as llm
from botx_cli.notify import alerts, runlog
from botx_cli.posting import review
from botx_cli.report import metrics
from botx_cli.store import settings as storage
from botx_cli.trends import settings as trends
from botx_cli.x import costs
from botx_cli.x import settings as x

SECTIONS: tuple[Section[Any], ...] = (
    storage.SECTION,  # [storage]
    x.SECTION,  # [x]
    costs.SECTION,  # [costs]
    alerts.SECTION,  # [notify]
    runlog.SECTION,  # [logging]
    llm.SECTION,  # [compose.llm]: the connection
    trends.SECTION,  # [trends], [[occasions]]
    content.VALIDATION,  # [validation]
    content.WRITING,  # [compose.llm]: what the model writes
    images.SECTION,  # [media]
    experiments.SECTION,  # [experiments]
    review.SECTION,  # [review]
    metrics.SECTION,  # [metrics]
)


def load_config(explicit: str | None = None) -> Config:
    """--config (or $BOTX_CONFIG, ./config.toml, ~/.config/botx/config.toml, the bundled
    example: cfg.bundled) with every section parsed."""
    return core.load(explicit, SECTIONS)


def parse_config(path: Path, data: dict[str, Any], bundled: bool = False) -> Config:
    return core.parse(path, data, SECTIONS, bundled)
