"""One JSON line per `post` run to [logging] path, rotated by size.

Not the logging module: a run writes one line, and several cron processes may write at
once. Each append takes an exclusive flock on the file, so a rotation (rename .1 -> .2,
file -> .1) never loses or splits a line, and a writer that finds the file rotated under
it reopens the new one. Stdlib only and cheap: it is imported by every `post`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from botx_cli.clock import iso
from botx_cli.config.core import Config, Section


@dataclass(frozen=True)
class LogSettings:
    path: Path | None  # None: no log file
    max_bytes: int
    backups: int


def parse(cfg: Config) -> LogSettings:
    """[logging]: path (relative to the config's folder; absent or "" = no file), max_bytes, backups."""
    table = cfg.section("logging")
    raw = table.get("path", str, "")
    path = table.resolve_path("path") if raw.strip() else None
    max_bytes = table.positive_int("max_bytes", 1_000_000, maximum=10**9)
    backups = table.int_between("backups", 5, 0, 100)
    return LogSettings(path, max_bytes, backups)


SECTION = Section(LogSettings, parse)


def record(cfg: Config, now: datetime, fields: dict[str, Any]) -> str | None:
    """Append one run's line if a log file is configured; the error text instead of raising."""
    conf = cfg.settings(LogSettings)
    if conf.path is None:
        return None
    from botx_cli import redact

    document = redact.mask_doc({"at": iso(now), **fields, "pid": os.getpid()}, cfg.secret_values())
    line = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    try:
        append(conf.path, line + "\n", conf.max_bytes, conf.backups)
    except OSError as err:
        return f"cannot write the run log {conf.path}: {err.strerror or err}"
    return None


def append(path: Path, line: str, max_bytes: int, backups: int) -> None:
    """Append one line; rotate first when it would pass max_bytes. One lock file serialises
    writers (cron runs of every account) across the check, the rotation and the write, so
    no line is split or lost and no writer has to chase a file renamed under it."""
    data = line.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "ab") as lock:
        _lock(lock.fileno())
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(data) > max_bytes:
            _rotate(path, backups)
        with open(path, "ab") as handle:
            handle.write(data)


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no cron there, single writer
        return
    fcntl.flock(fd, fcntl.LOCK_EX)  # released when the lock file is closed


def _rotate(path: Path, backups: int) -> None:
    """path -> path.1 -> ... -> path.N; the oldest is dropped (backups 0: just start over)."""
    if backups == 0:
        os.unlink(path)
        return
    for index in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{index}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{index + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def doctor_line(cfg: Config) -> tuple[str, str, str]:
    conf = cfg.settings(LogSettings)
    if conf.path is None:
        return ("info", "run log", "off ([logging] path not set)")
    folder = conf.path.parent  # rotation renames in the folder: it must be writable too
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not os.access(folder, os.W_OK) or (conf.path.exists() and not os.access(conf.path, os.W_OK)):
        return ("fail", "run log", f"{conf.path} is not writable; fix [logging] path")
    return ("ok", "run log", f"{conf.path} (rotated at {conf.max_bytes} bytes, {conf.backups} backups)")
