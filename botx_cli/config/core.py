"""The typed core of config.toml, and loading the whole file through the sections registry.

The core is what several layers read: timezone, [schedule], [accounts], the words of a post
([product], [hashtags], [[offers]], [[angles]], [hooks], [voices], [compose] layouts ...: words.py)
and [compose] strategy. Every other table belongs to the subsystem that uses it, which declares
a `Section` (its settings type and parser); the composition root (botx_cli/sections.py) passes
the registry to `load`, every section is parsed once, in order, and the result lives on the
Config: `cfg.settings(TrendSettings)`. Nothing parses a table twice or caches by identity.

Every problem becomes one ConfigError naming the file and key (exit 2), before anything runs;
after every parser, a key none of them read is a misspelling (table.check_unknown).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botx_cli import redact
from botx_cli.config.locate import find_config, read_toml
from botx_cli.config.table import Reads, Table, check_unknown, clip, shown
from botx_cli.config.words import (
    Content,
    Hashtags,
    Product,
    content_section,
    hashtags_section,
    product_section,
)
from botx_cli.errors import ConfigError, UsageError

T = TypeVar("T")
STRATEGIES = ("template", "llm")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9_]{1,32}$")
_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")  # X's rule for @names
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Schedule:
    interval_minutes: int
    offset_minutes: int
    window_start: int  # minutes after local midnight
    window_end: int  # may be <= start: the window crosses midnight
    daily_cap: int
    min_gap_minutes: int


@dataclass(frozen=True)
class Account:
    name: str
    handle: str
    index: int  # position in the config: account k starts k*offset after the first
    enabled: bool = True
    voice: str = ""  # how this account writes (README "Content"); "" = the config's default voice

    def env_var(self, part: str) -> str:
        return f"BOTX_{self.name.upper()}_{part}"


@dataclass(frozen=True)
class Secrets:
    """What a section knows to be secret: environment variables it reads secrets from, and
    secret values written in the file itself (a webhook URL). A settings type that has any
    returns them from a `secrets()` method; Config.secret_values() gathers them all."""

    variables: tuple[str, ...] = ()
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: Path
    bundled: bool
    timezone: ZoneInfo
    schedule: Schedule
    accounts: dict[str, Account]
    product: Product
    content: Content
    hashtags: Hashtags
    strategy: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    reads: Reads = field(default_factory=Reads, repr=False, compare=False)  # keys the parsers asked for
    # each registered section's settings by type, filled once by `parse`, in registry order
    parsed: dict[type, object] = field(default_factory=dict, repr=False, compare=False)

    def section(self, name: str) -> Table:
        """A top-level table for a section parser; its reads are noted with the others, so its
        keys count as known."""
        return self.root().table(name)

    def root(self) -> Table:
        """The whole file as one table sharing the reads (top-level arrays such as [[occasions]])."""
        return Table(self.path, self.raw, reads=self.reads)

    def settings(self, kind: type[T]) -> T:
        """What a registered section parsed at load time: cfg.settings(TrendSettings)."""
        try:
            return cast(T, self.parsed[kind])
        except KeyError:
            raise LookupError(
                f"{kind.__name__} was not loaded: load the config through botx_cli.sections (its registry)"
            ) from None

    def account(self, name: str) -> Account:
        for account in self.accounts.values():
            if account.name.lower() == name.lower():
                return account
        known = ", ".join(self.accounts)
        raise UsageError(f"unknown account {name!r} in {self.path}; configured: {known}")

    def secret_values(self) -> tuple[str, ...]:
        """Every secret this config knows of, in the forms redact masks (the one list)."""
        variables = [a.env_var(part) for a in self.accounts.values() for part in redact.CREDENTIAL_PARTS]
        values: list[str] = []
        for settings in self.parsed.values():
            secrets: Callable[[], Secrets] | None = getattr(settings, "secrets", None)
            if secrets is not None:
                found = secrets()
                variables += found.variables
                values += found.values
        return redact.secret_values(variables, values)


@dataclass(frozen=True)
class Section(Generic[T]):
    """One subsystem's part of the config: its settings type and the parser that reads them
    (through cfg.section(...), so every key it asks for counts as known). A parser may read the
    core and the settings of the sections registered before it."""

    kind: type[T]
    parse: Callable[[Config], T]


def load(explicit: str | None, sections: Sequence[Section[Any]] = ()) -> Config:
    """Find the config (cfg.bundled: none was found, the bundled example is used) and parse it."""
    path, bundled = find_config(explicit)
    return parse(path, read_toml(path), sections, bundled)


def parse(path: Path, data: dict[str, Any], sections: Iterable[Section[Any]] = (), bundled: bool = False) -> Config:
    root = Table(path, data)
    cfg = Config(
        path=path,
        bundled=bundled,
        timezone=_timezone(root),
        schedule=_schedule(root.table("schedule", required=True)),
        accounts=_accounts(root),
        product=product_section(root.table("product", required=True)),
        content=content_section(root),
        hashtags=hashtags_section(root.table("hashtags", required=True)),
        strategy=root.table("compose").choice("strategy", STRATEGIES, "template"),
        raw=data,
        reads=root.reads,
    )
    _check_offsets(cfg)
    for section in sections:
        cfg.parsed[section.kind] = section.parse(cfg)
    check_unknown(path, data, root.reads)  # after every parser: a key none of them read is a typo
    return cfg


def _check_offsets(cfg: Config) -> None:
    """Every account needs at least one slot inside the window."""
    s = cfg.schedule
    length = (s.window_end - s.window_start) % 1440
    for account in cfg.accounts.values():
        if account.index * s.offset_minutes > length:
            raise ConfigError(
                cfg.path,
                "[schedule] offset_minutes",
                f"account {account.name} would start {account.index * s.offset_minutes} minutes after "
                f"the window opens, past its end: lower offset_minutes or widen the window",
            )


def _timezone(root: Table) -> ZoneInfo:
    name = root.get("timezone", str, max_len=64)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder of tzdata
        raise root.fail("timezone", f"unknown timezone {shown(name)}; use an IANA name like Europe/Paris") from None


def parse_window(table: Table, key: str) -> tuple[int, int]:
    raw = table.get(key, str, max_len=40)
    match = _WINDOW.match(raw)
    bad = table.fail(key, f'{shown(raw)} is not HH:MM-HH:MM in 00:00-23:59 (e.g. "09:00-23:30")')
    if not match:
        raise bad
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise bad
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise table.fail(key, f"{shown(raw)} is empty: start and end are equal")
    return start, end


def _schedule(table: Table) -> Schedule:
    interval = table.positive_int("interval_minutes", maximum=DAY_MINUTES)
    offset = table.int_between("offset_minutes", 0, 0, DAY_MINUTES)
    start, end = parse_window(table, "window")
    gap = table.int_between("min_gap_minutes", interval // 2, 0, 7 * DAY_MINUTES)
    # X caps an account at 2,400 posts a day; a cap beyond it means nothing
    return Schedule(interval, offset, start, end, table.positive_int("daily_cap", maximum=2400), gap)


def _accounts(root: Table) -> dict[str, Account]:
    table = root.table("accounts")
    if not table.data:
        raise ConfigError(root.path, "[accounts]", 'no accounts; add [accounts.A] with handle = "..."')
    accounts: dict[str, Account] = {}
    seen: dict[str, str] = {}  # upper-cased name -> name: both would read the same BOTX_<NAME>_* variables
    for index, name in enumerate(table.data):
        if not _ACCOUNT_NAME.match(name):
            raise ConfigError(
                root.path,
                f"[accounts.{clip(name, 40)}]",
                "account names are 1-32 letters, digits and _ (they name env variables)",
            )
        if name.upper() in seen:
            raise ConfigError(
                root.path,
                f"[accounts.{name}]",
                f"the same name as [accounts.{seen[name.upper()]}] "
                f"apart from case; both would use BOTX_{name.upper()}_*: rename one",
            )
        seen[name.upper()] = name
        sub = table.table(name, required=True)
        raw_handle = sub.get("handle", str, max_len=100)
        handle = raw_handle.strip().lstrip("@")
        if not _HANDLE.match(handle):
            raise sub.fail("handle", f"{shown(raw_handle)} is not an X handle (1-15 letters, digits or _)")
        accounts[name] = Account(
            name, handle, index, sub.get("enabled", bool, True), sub.get("voice", str, "", max_len=500)
        )
    return accounts
