"""Where the config comes from, and reading its TOML into a dict.

--config, else $BOTX_CONFIG, else ./config.toml, else ~/.config/botx/config.toml, else the
bundled example (the caller warns). Every problem is one ConfigError naming the file (exit 2).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from botx_cli.config.table import clip
from botx_cli.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

BUNDLED_EXAMPLE = Path(__file__).parent.parent / "example_config.toml"  # package data, beside the packages


def find_config(explicit: str | None) -> tuple[Path, bool]:
    """Where the config comes from, and whether it is the bundled example."""
    if explicit:
        try:
            path = Path(explicit).expanduser()
            found = path.is_file()
        except (OSError, ValueError, RuntimeError) as err:  # a name too long, a NUL byte, ~nosuchuser
            reason = getattr(err, "strerror", None) or str(err)
            raise ConfigError(clip(explicit), None, f"not a usable config path ({reason})") from None
        if not found:
            raise ConfigError(clip(str(path)), None, "no such config file (check --config / BOTX_CONFIG)")
        return path.absolute(), False  # not resolve(): a symlinked config keeps its own folder
    env = os.environ.get("BOTX_CONFIG", "").strip()
    if env:
        return find_config(env)
    for candidate in (Path("config.toml"), Path.home() / ".config" / "botx" / "config.toml"):
        if candidate.is_file():
            return candidate.absolute(), False
    return BUNDLED_EXAMPLE, True


def read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ConfigError(path, None, f"cannot read: {err.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(path, None, f"not UTF-8 (byte {err.start}); save the file as UTF-8") from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(path, None, f"invalid TOML: {err}") from None
