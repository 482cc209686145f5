"""Load and validate config.toml up front into frozen dataclasses.

Every problem becomes one ConfigError naming the file and key (exit 2). Where the file
comes from is resolved here too (--config, $BOTX_CONFIG, ./config.toml,
~/.config/botx/config.toml, else the bundled example with a warning).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

BUNDLED_EXAMPLE = Path(__file__).parent.parent / "example_config.toml"
POLICIES = ("relevant", "any", "off")
STRATEGIES = ("template", "llm")
SOURCE_NAMES = ("google_rss", "trends24", "getdaytrends", "pytrends", "x", "calendar")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9_]{1,32}$")
_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")  # X's rule for @names
CREDENTIAL_PARTS = ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET")
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
class XApi:
    api_base_url: str
    timeout_seconds: float  # one call to X, whole (headers and body), not each read
    retries: int
    backoff_seconds: float  # first retry waits this long, then doubles
    reads: bool  # reads allowed on this plan: reconcile lost answers, metrics
    run_deadline_seconds: float = 300.0  # one `botx post`, whole: well below the cadence
    credits_retry_minutes: int = 60  # after a 402 / usage-capped, posts skip this long


@dataclass(frozen=True)
class Validation:
    min_english: float
    max_caps_ratio: float
    duplicate_days: int
    near_duplicate_threshold: float


@dataclass(frozen=True)
class TrendsConfig:
    policy: str
    cache_minutes: int
    min_relevance: float
    reuse_hours: int
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class LlmConfig:
    model: str
    base_url: str
    api_key_env: str
    timeout_seconds: float
    tone: str


@dataclass(frozen=True)
class Config:
    path: Path
    bundled: bool
    timezone: ZoneInfo
    schedule: Schedule
    db_path: Path
    x: XApi
    accounts: dict[str, Account]
    product: Product
    content: Content
    hashtags: Hashtags
    validation: Validation
    trends: TrendsConfig
    strategy: str
    llm: LlmConfig
    raw: dict[str, Any] = field(default_factory=dict, repr=False)  # for section parsers elsewhere
    reads: Reads = field(default_factory=Reads, repr=False, compare=False)  # keys the parsers asked for
    db_url_env: str = "BOTX_DATABASE_URL"  # [storage] url_env: names the variable holding a database URL

    def section(self, name: str) -> Table:
        """A top-level table for a subsystem's own parser (costs, notify, ...); its reads are
        noted with the others, so its keys count as known."""
        return self.root().table(name)

    def root(self) -> Table:
        """The whole file as one table sharing the reads (top-level arrays such as [[occasions]])."""
        return Table(self.path, self.raw, reads=self.reads)

    def account(self, name: str) -> Account:
        for account in self.accounts.values():
            if account.name.lower() == name.lower():
                return account
        known = ", ".join(self.accounts)
        raise UsageError(f"unknown account {name!r} in {self.path}; configured: {known}")

    def credentials(self, account: Account) -> dict[str, str]:
        """OAuth 1.0a user-context keys, only ever from the environment."""
        values = {}
        for part in CREDENTIAL_PARTS:
            var = account.env_var(part)
            value = os.environ.get(var, "").strip()
            if not value:
                raise ConfigError(
                    self.path,
                    None,
                    f"{var} is not set; export the X credentials of account {account.name} (OAuth 1.0a, read+write)",
                )
            values[part.lower()] = value
        return values


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


def load_config(explicit: str | None = None) -> Config:
    path, bundled = find_config(explicit)
    if bundled:
        print(f"botx: warning: no config found, using the bundled example {path}", file=sys.stderr)
    return parse_config(path, read_toml(path), bundled=bundled)


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
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(path, None, f"invalid TOML: {err}") from None


# Sections parsed by the subsystem that owns them ("module:function", called with the
# Config); load_config runs each once so every config error surfaces up front (exit 2).
# Those modules must stay cheap to import: they load on every run.
SECTION_PARSERS: tuple[str, ...] = (
    "botx_cli.content.settings:settings",
    "botx_cli.x.costs:settings",
    "botx_cli.posting.review:settings",
    "botx_cli.content.experiments:settings",
    "botx_cli.content.images:settings",
    "botx_cli.report.metrics:settings",
    "botx_cli.notify.alerts:settings",
    "botx_cli.notify.runlog:settings",
    "botx_cli.store:settings",
    "botx_cli.trends.settings:settings",
)


def validate_sections(cfg: Config) -> None:
    import importlib

    for target in SECTION_PARSERS:
        module, function = target.split(":")
        getattr(importlib.import_module(module), function)(cfg)


def parse_config(path: Path, data: dict[str, Any], bundled: bool = False) -> Config:
    root = Table(path, data)
    trends = _trends(root.table("trends"))
    cfg = _build(root, path, data, trends, bundled)
    _check_offsets(cfg)
    validate_sections(cfg)
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


def _build(root: Table, path: Path, data: dict[str, Any], trends: TrendsConfig, bundled: bool) -> Config:
    return Config(
        path=path,
        bundled=bundled,
        timezone=_timezone(root),
        schedule=_schedule(root.table("schedule", required=True)),
        db_path=_db_path(root.table("storage"), bundled),
        x=_x(root.table("x")),
        accounts=_accounts(root),
        product=product_section(root.table("product", required=True)),
        content=content_section(root),
        hashtags=hashtags_section(root.table("hashtags", required=True)),
        validation=_validation(root.table("validation")),
        trends=trends,
        strategy=root.table("compose").choice("strategy", STRATEGIES, "template"),
        llm=_llm(root.table("compose").table("llm")),
        raw=data,
        reads=root.reads,
        db_url_env=root.table("storage").env_name("url_env", "BOTX_DATABASE_URL"),
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


def _db_path(table: Table, bundled: bool) -> Path:
    path = table.resolve_path("path", "botx.db")
    if bundled:  # never write into site-packages
        state = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
        return state / "botx" / "example.db"
    return path


def _x(table: Table) -> XApi:
    timeout = table.number("timeout_seconds", 10.0, 0.1, 120.0)
    deadline = table.number("run_deadline_seconds", 300.0, 5.0, 3600.0)
    if deadline < 2 * timeout:  # room for the reconciling read and the post itself
        raise table.fail(
            "run_deadline_seconds", f"must be at least twice timeout_seconds ({timeout:g}), got {deadline:g}"
        )
    return XApi(
        api_base_url=table.url("api_base_url", "https://api.twitter.com").rstrip("/"),
        timeout_seconds=timeout,
        retries=int(table.number("retries", 2, 0, 5)),
        backoff_seconds=table.number("backoff_seconds", 0.5, 0.0, 30.0),
        reads=table.get("reads", bool, True),
        run_deadline_seconds=deadline,
        credits_retry_minutes=table.int_between("credits_retry_minutes", 60, 1, 7 * 24 * 60),
    )


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


def _validation(table: Table) -> Validation:
    return Validation(
        min_english=table.number("min_english", 0.6, 0.0, 1.0),
        max_caps_ratio=table.number("max_caps_ratio", 0.3, 0.0, 1.0),
        duplicate_days=table.positive_int("duplicate_days", 30, maximum=3650),
        near_duplicate_threshold=table.number("near_duplicate_threshold", 0.8, 0.0, 1.0),
    )


def _trends(table: Table) -> TrendsConfig:
    sources_table = table.table("sources")
    sources = {}
    for name in sources_table.data:
        if name not in SOURCE_NAMES:
            raise sources_table.fail(clip(name, 40), f"unknown trend source; use {', '.join(SOURCE_NAMES)}")
        sub = sources_table.table(name)
        sub.get("enabled", bool, True)
        if sub.has("url"):
            sub.url("url")
        sources[name] = dict(sub.data)
    return TrendsConfig(
        policy=table.choice("policy", POLICIES, "relevant"),
        cache_minutes=table.positive_int("cache_minutes", 30, maximum=7 * 24 * 60),
        min_relevance=table.number("min_relevance", 0.2, 0.0, 1.0),
        reuse_hours=table.int_between("reuse_hours", 12, 0, 24 * 365),
        sources=sources,
    )


def _llm(table: Table) -> LlmConfig:
    return LlmConfig(
        model=table.get("model", str, "gpt-4o-mini", max_len=200),
        base_url=table.url("base_url", "https://api.openai.com/v1"),
        api_key_env=table.env_name("api_key_env", "OPENAI_API_KEY"),
        timeout_seconds=table.number("timeout_seconds", 20.0, 1.0, 120.0),
        tone=table.get("tone", str, "confident, concrete, friendly; no hype words", max_len=500),
    )
