"""Typed reads from a parsed TOML table, each failure one ConfigError naming file and key.

Kept apart from config.py so the section builders there read as a list of keys.

Every read is noted (`Reads`): after all section parsers ran, a key of the file that no
parser asked for is unknown (a misspelling), so the list of known keys is the parsers
themselves and never needs maintaining. Every value is bounded: a string longer than its
key allows, or an integer past its range, is refused before anything uses it, and an error
line echoes at most SHOWN characters of a bad value (`shown`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from botx_cli.errors import ConfigError

MISSING: Any = object()
SHOWN = 80  # characters of a bad value an error line echoes
MAX_STRING = 1000  # default bound of a string value; keys that need more or less say so
MAX_ITEMS = 200  # default bound of an array's length
MAX_INT = 10**9  # no count, size or duration botx reads comes near this
MAX_URL = 2000
_HOST = re.compile(
    r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?)$"
)
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")

_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "an array",
    dict: "a table",
}


def clip(text: str, limit: int = SHOWN) -> str:
    """`text` cut to about `limit` characters, saying how long it was."""
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text)} characters)"


def shown(value: Any, limit: int = SHOWN) -> str:
    """A bad value as an error line echoes it: its repr, cut to `limit` characters."""
    text = repr(value)
    if len(text) <= limit:
        return text
    length = f" ({len(value)} characters)" if isinstance(value, (str, list, dict)) else ""
    return text[: limit - 1] + "…" + length


class Reads:
    """The keys parsers asked for, per table name (read or not: a default counts), and the
    ones read as tables, whose own keys are checked in turn."""

    def __init__(self) -> None:
        self.asked: dict[str, set[str]] = {}
        self.tables: set[tuple[str, str]] = set()

    def note(self, table: str, key: str, as_table: bool = False) -> None:
        self.asked.setdefault(table, set()).add(key)
        if as_table:
            self.tables.add((table, key))

    def unread(self, data: dict[str, Any], name: str = "") -> Iterator[tuple[str, str, Any]]:
        """(table name, key, value) of every key in `data` that no parser asked for."""
        asked = self.asked.get(name, set())
        for key, value in data.items():
            if key not in asked:
                yield name, key, value
                continue
            if (name, key) not in self.tables:
                continue  # read whole (a scalar, an array, a free-form value)
            child = f"{name}.{key}" if name else key
            if isinstance(value, dict):
                yield from self.unread(value, child)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        yield from self.unread(item, f"{child}#{index + 1}")

    def known(self, name: str) -> list[str]:
        return sorted(self.asked.get(name, set()))


def closest(word: str, known: list[str]) -> str | None:
    """The known key a misspelt one most resembles (difflib loads only on an error)."""
    import difflib

    found = difflib.get_close_matches(word, known, n=1, cutoff=0.6) or difflib.get_close_matches(
        word.lower(), [k.lower() for k in known], n=1, cutoff=0.6
    )
    if not found:
        return None
    return next((k for k in known if k.lower() == found[0].lower()), found[0])


def check_unknown(path: Path, data: dict[str, Any], reads: Reads) -> None:
    """The first key of the file no parser read: one error naming it and the closest known key."""
    for name, key, value in reads.unread(data):
        is_table = isinstance(value, dict) or (
            isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)
        )

        def label(word: str, bare: bool = False, name: str = name, is_table: bool = is_table) -> str:
            word = word if re.fullmatch(r"[A-Za-z0-9_-]+", word) else shown(word, 60)
            if is_table:
                return f"[{name}.{word}]" if name else f"[{word}]"
            return word if bare or not name else f"[{name}] {word}"

        near = closest(key, reads.known(name))
        hint = f"; did you mean {label(near, bare=True)}?" if near else ""
        raise ConfigError(
            path, label(key), f"unknown {'table' if is_table else 'key'}{hint} (botx reads no such setting)"
        )


class Table:
    """A TOML table plus where it sits ([trends.sources.x]), for error messages."""

    def __init__(self, path: Path, data: dict[str, Any], name: str = "", reads: Reads | None = None) -> None:
        self.path, self.data, self.name = path, data, name
        self.reads = reads if reads is not None else Reads()

    def where(self, key: str) -> str:
        return f"[{self.name}] {key}" if self.name else key

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.where(key), problem)

    def has(self, key: str) -> bool:
        self.reads.note(self.name, key)
        return key in self.data

    def value(self, key: str, default: Any = None) -> Any:
        """The raw value, any type (the caller validates it)."""
        self.reads.note(self.name, key)
        return self.data.get(key, default)

    def get(self, key: str, kind: type, default: Any = MISSING, max_len: int = MAX_STRING) -> Any:
        self.reads.note(self.name, key)
        if key not in self.data:
            if default is MISSING:
                near = closest(key, [k for k in self.data if isinstance(k, str)])
                hint = f" (the table has {near}: misspelt?)" if near else ""
                raise self.fail(key, f"missing; add {key} = <{_TYPE_NAMES[kind]}>{hint}")
            return default
        value: Any = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > 2**53:
                raise self.fail(key, f"must be a number of sensible size, got {shown(value)}")
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(key, f"must be {_TYPE_NAMES[kind]}, got {shown(value)}")
        value = cast(Any, value)  # a `kind`: isinstance against a runtime type narrows it to object
        if kind is str and len(value) > max_len:
            raise self.fail(key, f"at most {max_len} characters, got {len(value)}")
        if kind is int and abs(value) > MAX_INT:
            raise self.fail(key, f"must be at most {MAX_INT}, got {shown(value)}")
        if kind is list and len(value) > MAX_ITEMS:
            raise self.fail(key, f"at most {MAX_ITEMS} items, got {len(value)}")
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
            raise self.fail(key, f"must be between {low} and {high}, got {shown(value)}")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = MISSING) -> str:
        value: str = self.get(key, str, default, max_len=100)
        if value not in choices:
            raise self.fail(key, f"unknown value {shown(value)}; use one of {', '.join(choices)}")
        return value

    def text(self, key: str, default: Any = MISSING, max_len: int = MAX_STRING, non_empty: bool = False) -> str:
        """A string of at most max_len characters (non_empty: not blank)."""
        value: str = self.get(key, str, default, max_len=max_len)
        if non_empty and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def env_name(self, key: str, default: Any = MISSING) -> str:
        """The name of an environment variable (the value itself is read from the environment)."""
        value: str = self.get(key, str, default, max_len=100)
        if value and not ENV_NAME.match(value):
            raise self.fail(key, f"{shown(value)} is not an environment variable name (letters, digits, _)")
        return value

    def url(self, key: str, default: Any = MISSING, secret: bool = False) -> str:
        """An http(s) URL with a host and a valid port. `secret`: the value is never echoed."""
        value: str = self.get(key, str, default, max_len=MAX_URL)
        echo = "the value" if secret else shown(value)
        bad = self.fail(key, f"{echo} is not an http(s) URL" + (" (not shown: it is a secret)" if secret else ""))
        if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
            raise bad
        try:
            parts = urlsplit(value)
            host = parts.hostname or ""
        except ValueError:  # e.g. an unmatched '[' reads as a broken IPv6 host
            raise bad from None
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise bad
        try:
            port = parts.port  # ValueError past 65535 or not a number
        except ValueError:
            port = 0
        if port == 0 or (port is None and parts.netloc.rsplit("@", 1)[-1].endswith(":")):
            raise self.fail(
                key,
                f"{echo}: the port must be a number from 1 to 65535"
                + (" (not shown: it is a secret)" if secret else ""),
            )
        netloc_host = parts.netloc.rsplit("@", 1)[-1]
        if netloc_host.startswith("["):
            netloc_host = netloc_host[: netloc_host.index("]") + 1] if "]" in netloc_host else netloc_host
        else:
            netloc_host = netloc_host.split(":", 1)[0]
        if not host or not _HOST.match(netloc_host):
            raise self.fail(key, f"{echo}: no valid host name" + (" (not shown: it is a secret)" if secret else ""))
        return value

    def strings(
        self,
        key: str,
        default: Any = MISSING,
        non_empty: bool = True,
        max_len: int = MAX_STRING,
        max_items: int = MAX_ITEMS,
    ) -> tuple[str, ...]:
        value = self.get(key, list, default)
        if any(not isinstance(item, str) or not item.strip() for item in value):
            raise self.fail(key, "must be an array of non-empty strings")
        if non_empty and not value:
            raise self.fail(key, "must not be empty")
        if len(value) > max_items:
            raise self.fail(key, f"at most {max_items} items, got {len(value)}")
        if any(len(item) > max_len for item in value):
            raise self.fail(key, f"items of at most {max_len} characters")
        return tuple(value)

    def short_strings(self, key: str, default: tuple[str, ...], most: int, longest: int) -> tuple[str, ...]:
        """At most `most` strings of at most `longest` characters each, stripped (may be empty)."""
        values = tuple(v.strip() for v in self.strings(key, default, non_empty=False))
        if len(values) > most or any(len(v) > longest for v in values):
            raise self.fail(key, f"at most {most} entries of at most {longest} characters each")
        return values

    def table(self, key: str, required: bool = False) -> Table:
        self.reads.note(self.name, key, as_table=True)
        name = f"{self.name}.{key}" if self.name else key
        if key not in self.data:
            if required:
                raise ConfigError(self.path, f"[{name}]", "missing table")
            return Table(self.path, {}, name, self.reads)
        value = self.data[key]
        if not isinstance(value, dict):
            raise ConfigError(self.path, f"[{name}]", f"must be a table, got {shown(value)}")
        return Table(self.path, value, name, self.reads)

    def tables(self, key: str) -> list[Table]:
        """An array of tables ([[offers]])."""
        self.reads.note(self.name, key, as_table=True)
        value = self.get(key, list, [])
        name = f"{self.name}.{key}" if self.name else key
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise ConfigError(self.path, f"[[{name}]] #{index + 1}", "must be a table")
            out.append(Table(self.path, item, f"{name}#{index + 1}", self.reads))
        return out

    def resolve_path(self, key: str, default: Any = MISSING) -> Path:
        """A file botx writes. Relative paths resolve against the config file's folder (cron
        runs from $HOME); a device (/dev/null would silently forget every post) or the
        config file itself is refused."""
        raw: str = self.get(key, str, default, max_len=4096)
        try:
            candidate = Path(raw).expanduser()
            path = candidate if candidate.is_absolute() else (self.path.parent / candidate).resolve()
            unusable = path.exists() and (not path.is_file() or path.samefile(self.path))
        except (ValueError, RuntimeError, OSError) as err:  # NUL byte, ~unknownuser, a name too long...
            reason = getattr(err, "strerror", None) or str(err)
            raise self.fail(key, f"{shown(raw)} is not a usable path ({clip(reason, 120)})") from None
        if unusable:
            raise self.fail(key, f"{shown(raw)} is not a regular file botx may write (a device, folder or this config)")
        return path
