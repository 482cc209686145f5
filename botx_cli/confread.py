"""Typed reads from a parsed TOML table, each failure one ConfigError naming file and key.

Kept apart from config.py so the section builders there read as a list of keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from botx_cli.errors import ConfigError

MISSING: Any = object()

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               list: "an array", dict: "a table"}


class Table:
    """A TOML table plus where it sits ([trends.sources.x]), for error messages."""

    def __init__(self, path: Path, data: dict[str, Any], name: str = "") -> None:
        self.path, self.data, self.name = path, data, name

    def where(self, key: str) -> str:
        return f"[{self.name}] {key}" if self.name else key

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.where(key), problem)

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, kind: type, default: Any = MISSING) -> Any:
        if key not in self.data:
            if default is MISSING:
                raise self.fail(key, f"missing; add {key} = <{_TYPE_NAMES[kind]}>")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(key, f"must be {_TYPE_NAMES[kind]}, got {value!r}")
        return value

    def positive_int(self, key: str, default: Any = MISSING, maximum: int | None = None) -> int:
        value: int = self.get(key, int, default)
        if value <= 0:
            raise self.fail(key, f"must be > 0, got {value}")
        if maximum is not None and value > maximum:
            raise self.fail(key, f"must be at most {maximum}, got {value}")
        return value

    def int_between(self, key: str, default: Any, low: int, high: int) -> int:
        value: int = self.get(key, int, default)
        if not low <= value <= high:
            raise self.fail(key, f"must be between {low} and {high}, got {value}")
        return value

    def number(self, key: str, default: Any, low: float, high: float) -> float:
        value: float = self.get(key, float, default)
        if not low <= value <= high:
            raise self.fail(key, f"must be between {low} and {high}, got {value}")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = MISSING) -> str:
        value: str = self.get(key, str, default)
        if value not in choices:
            raise self.fail(key, f"unknown value {value!r}; use one of {', '.join(choices)}")
        return value

    def url(self, key: str, default: Any = MISSING) -> str:
        value: str = self.get(key, str, default)
        try:
            parts = urlsplit(value)
        except ValueError:  # e.g. an unmatched '[' reads as a broken IPv6 host
            raise self.fail(key, f"{value!r} is not an http(s) URL") from None
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
            raise self.fail(key, f"{value!r} is not an http(s) URL")
        return value

    def strings(self, key: str, default: Any = MISSING, non_empty: bool = True) -> tuple[str, ...]:
        value = self.get(key, list, default)
        if any(not isinstance(item, str) or not item.strip() for item in value):
            raise self.fail(key, "must be an array of non-empty strings")
        if non_empty and not value:
            raise self.fail(key, "must not be empty")
        return tuple(value)

    def table(self, key: str, required: bool = False) -> "Table":
        name = f"{self.name}.{key}" if self.name else key
        if key not in self.data:
            if required:
                raise ConfigError(self.path, f"[{name}]", "missing table")
            return Table(self.path, {}, name)
        value = self.data[key]
        if not isinstance(value, dict):
            raise ConfigError(self.path, f"[{name}]", f"must be a table, got {value!r}")
        return Table(self.path, value, name)

    def tables(self, key: str) -> list["Table"]:
        """An array of tables ([[offers]])."""
        value = self.get(key, list, [])
        name = f"{self.name}.{key}" if self.name else key
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise ConfigError(self.path, f"[[{name}]] #{index + 1}", "must be a table")
            out.append(Table(self.path, item, f"{name}#{index + 1}"))
        return out

    def resolve_path(self, key: str, default: Any = MISSING) -> Path:
        """A file botx writes. Relative paths resolve against the config file's folder (cron
        runs from $HOME); a device (/dev/null would silently forget every post) or the
        config file itself is refused."""
        raw: str = self.get(key, str, default)
        try:
            candidate = Path(raw).expanduser()
            path = candidate if candidate.is_absolute() else (self.path.parent / candidate).resolve()
            unusable = path.exists() and (not path.is_file() or path.samefile(self.path))
        except (ValueError, RuntimeError, OSError) as err:  # NUL byte, ~unknownuser, ...
            raise self.fail(key, f"{raw!r} is not a usable path ({err})") from None
        if unusable:
            raise self.fail(key, f"{raw!r} is not a regular file botx may write (a device, folder or this config)")
        return path
