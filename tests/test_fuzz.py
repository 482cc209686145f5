"""Bad input, fuzzed (issue 7): config values, CLI arguments, trend names and LLM output.

Four boundaries take text nobody controls: the config file an operator edits, the argv that
cron or a person types, trend names scraped from pages, and a language model's answer.
hypothesis throws arbitrary and hostile values at each through the real entry points and
checks the contract: a bad config or argument is exit 2 with one `botx: error:` line (naming
the file, for config), never exit 1 ("internal error") nor a traceback; a trend name becomes a
hashtag X extracts whole or is rejected; a model's copy is accepted only when it carries
nothing botx adds itself and fits its budget.

The defects it found (internal errors on unusable paths, broken URLs, huge counts and
`pause --minutes`; blacklisted words hidden by combining marks; bidi controls and some
@mentions in model copy) are fixed and pinned as regressions at the end.
FUZZ_EXAMPLES=1000 runs every property that many times (default: 60 through the CLI, 300 pure).
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import EXAMPLE, Run, botx, make_config
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from botx_cli.config.locate import read_toml
from botx_cli.content.compose import Plan, utm_link
from botx_cli.content.copy_checks import assemble, clean_copy, copy_budget, copy_problem, verdict_problem
from botx_cli.content.settings import WritingSettings
from botx_cli.content.validate import clean_characters, rules_from, validate
from botx_cli.sections import parse_config
from botx_cli.text import extract_hashtags, extract_urls, is_valid_hashtag, weighted_length
from botx_cli.trends.blacklist import DEFAULT_BLACKLIST
from botx_cli.trends.clean import CleanRules, clean_trends
from botx_cli.trends.sources.base import RawTrend

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, the package tomllib came from (a dependency there)
    import tomli as tomllib

# Inside the example's posting window (09:00-23:30 Europe/Paris), so post and preview compose.
NOW = "2026-11-23T10:00:00+01:00"
# Each example of the CLI tests runs the real command in-process: modest counts keep the file fast.
_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=_EXAMPLES or 60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PURE = settings(max_examples=_EXAMPLES or 300, deadline=None)


pytestmark = pytest.mark.slow  # hypothesis fuzzing of every input boundary, many examples each


def is_verbose(argv: list[str] | tuple[str, ...]) -> bool:
    """-v asks for tracebacks: a token that could switch it on relaxes only that check."""
    return any(t == "--verbose" or re.fullmatch(r"-[A-Za-z]*v[A-Za-z]*", t) for t in argv)


def assert_no_crash(run: Run, argv: list[str] | tuple[str, ...] = ()) -> None:
    assert run.code != 1, f"internal error for {argv!r}: {run.err!r}"
    if not is_verbose(argv):
        assert "Traceback" not in run.err + run.out, run.err


# ==================================================================================================
# 1. Config values
# ==================================================================================================

# (table, key) pairs of the bundled example; "" is the top level, "offers" the first [[offers]].
TARGETS = [
    ("", "timezone"),
    *(("schedule", k) for k in ("interval_minutes", "offset_minutes", "window", "daily_cap", "min_gap_minutes")),
    ("storage", "path"),
    *(("x", k) for k in ("api_base_url", "timeout_seconds", "retries", "backoff_seconds", "reads")),
    ("accounts.A", "handle"),
    ("accounts.B", "handle"),
    *(("product", k) for k in ("name", "url", "promo_code", "promo_lines", "description", "keywords")),
    ("utm", "source"),
    ("offers", "item"),
    ("offers", "price_usd"),
    ("offers", "unit"),
    ("angles", "name"),
    ("angles", "lines"),
    ("hooks", "generic"),
    ("hooks", "sports"),
    ("hashtags", "domain"),
    ("hashtags", "max"),
    ("hashtags.about", '"#LLM"'),
    *(
        ("validation", k)
        for k in ("min_english", "max_caps_ratio", "duplicate_days", "near_duplicate_threshold", "near_duplicate_days")
    ),
    *(
        ("trends", k)
        for k in (
            "policy",
            "cache_minutes",
            "refresh_budget_seconds",
            "min_relevance",
            "reuse_hours",
            "max_age_hours",
            "script",
            "blacklist_extra",
            "blacklist_allow",
            "cooloff_minutes",
            "cooloff_max_minutes",
            "keep_refreshes",
        )
    ),
    *(("occasions", k) for k in ("name", "hashtag", "date", "holiday", "lines")),
    ("trends.sources.google_rss", "url"),
    ("trends.sources.pytrends", "enabled"),
    ("trends.sources.pytrends", "geo"),
    ("trends.sources.x", "enabled"),
    ("trends.sources.x", "woeid"),
    ("trends.sources.calendar", "enabled"),
    ("compose", "strategy"),
    ("compose", "candidates"),
    ("compose.offer_formats", "hour"),
    *(
        ("compose.llm", k)
        for k in (
            "model",
            "base_url",
            "api_key_env",
            "timeout_seconds",
            "max_retries",
            "budget_seconds",
            "temperature",
            "tone",
        )
    ),
    *(("media", k) for k in ("mode", "every_n", "model", "size", "timeout_seconds", "price_usd")),
    *(("experiments", k) for k in ("enabled", "explore", "min_impressions", "days")),
    ("costs", "monthly_budget_usd"),
    ("costs.prices", "post"),
    ("costs.prices", "post_with_url"),
    *(("metrics", k) for k in ("daily_read_budget", "days", "owner_metrics")),
    *(
        ("notify", k)
        for k in ("webhook_url", "webhook_url_env", "repeat_minutes", "failures_in_a_row", "timeout_seconds")
    ),
    *(("logging", k) for k in ("path", "max_bytes", "backups")),
    ("review", "require_approval"),
]
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
_HEADER = re.compile(r"^\[\[?\s*([^\]]+?)\s*\]\]?")


def with_value(section: str, key: str, value: str | None, body: str = EXAMPLE_TEXT) -> str:
    """The example with `key` of table `section` set to the TOML text `value` (None: line removed).

    Section-aware, unlike make_config's first-match replace, and `value` may hold backslashes
    (make_config passes it to re.subn as a template, which reads TOML escapes as regex escapes).
    """
    lines = body.splitlines(keepends=True)
    current = ""
    for index, line in enumerate(lines):
        header = _HEADER.match(line)
        if header:
            current = header.group(1)
        elif current == section and re.match(rf"{re.escape(key)}\s*=", line):
            lines[index] = "" if value is None else f"{key} = {value}\n"
            return "".join(lines)
    raise AssertionError(f"no {key} in [{section}]")


def test_every_target_key_is_in_the_example() -> None:
    for section, key in TARGETS:
        assert with_value(section, key, "1") != EXAMPLE_TEXT, (section, key)


# --- TOML values: (source text, the Python value tomllib reads) ----------------------------------


def toml_string(text: str, literal: bool = False) -> str:
    if literal and "'" not in text and all(c == "\t" or (c >= " " and c != "\x7f") for c in text):
        return f"'{text}'"
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char < " " or char == "\x7f":  # TOML allows no raw control character but tab
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)  # 0.1, -0.0, 1e+16, 5e-324: all TOML floats


def toml_datetime(moment: datetime) -> str:
    return moment.isoformat()


ODD_STRINGS = [
    "",
    " ",
    "\t",
    "\n",
    "\x00",
    "\x7f",
    "\u2028",
    "\ufeff",
    "\u202e",
    "\ufffd",
    "é",
    "😀",
    "東京",
    "a" * 400,
    "09:00-23:30",
    "23:30-09:00",
    "00:00-00:00",
    "24:00-25:00",
    "9:5-1:1",
    "09:00 - 23:30 ",
    "9:00-23:30\n",
    "Europe/Paris",
    "UTC",
    "Etc/GMT+14",
    "Europe",
    "Europe/../Europe/Paris",
    "../../../../etc/localtime",
    "/",
    "~",
    "~/botx.db",
    "~nosuchuser/botx.db",
    "botx.db",
    "/dev/null",
    ".",
    "..",
    "sub/dir/botx.db",
    "https://api.twitter.com",
    "http://127.0.0.1:1",
    "http://[::1",
    "http://[abc",
    "https://[::1]:99999/",
    "https://user:pw@host/",
    "http://",
    "https://example.com/ path",
    "ftp://x",
    "javascript:alert(1)",
    "relevant",
    "any",
    "off",
    "template",
    "llm",
    "none",
    "generate",
    "latin",
    "cyrillic",
    "hour",
    "flat",
    "#GPU",
    "#",
    "#1",
    "GPU",
    "{code}",
    "{",
    "}",
    "{0}",
    "{trend",
    "{code} {",
    "%s",
    "$(reboot)",
    "1024x1024",
    "0x0",
    "99999x99999",
    "OPENAI_API_KEY",
    "PATH",
    "",
    "nan",
    "inf",
    "true",
    "1",
]
STRINGS = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.text(st.characters(codec="utf-8"), max_size=30),  # lone surrogates cannot be TOML
    st.builds(
        str.__add__,
        st.sampled_from(["http://", "https://", "HTTP://", "http:/", "//", "http://["]),
        st.text(st.characters(codec="utf-8"), max_size=20),
    ),
    st.builds("{:02d}:{:02d}-{:02d}:{:02d}".format, *[st.integers(0, 99)] * 4),
)
STRING_VALUES = st.tuples(STRINGS, st.booleans()).map(lambda p: (toml_string(p[0], p[1]), p[0]))
EDGE_INTS = [0, 1, -1, 2, 59, 60, 1439, 1440, 10**6, 10**8, 2**31, 2**63 - 1, -(2**63), 2**64, 10**22]
INT_VALUES = st.one_of(
    st.integers().map(lambda n: (str(n), n)),
    st.sampled_from(EDGE_INTS).map(lambda n: (str(n), n)),
    st.integers(0, 2**70).flatmap(
        lambda n: st.sampled_from([(hex(n), n), (oct(n), n), (bin(n), n), (f"{n:_}", n), (f"+{n}", n)])
    ),
)
FLOAT_VALUES = st.one_of(
    st.floats().map(lambda x: (toml_float(x), x)),
    st.sampled_from(
        [
            ("nan", math.nan),
            ("+nan", math.nan),
            ("-nan", math.nan),
            ("inf", math.inf),
            ("+inf", math.inf),
            ("-inf", -math.inf),
            ("1e400", math.inf),
            ("-0.0", -0.0),
            ("0.5", 0.5),
            ("1e-400", 0.0),
            ("6.02e23", 6.02e23),
        ]
    ),
)
OFFSETS = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
DATE_VALUES = st.one_of(
    st.datetimes(timezones=st.none() | OFFSETS).map(lambda d: (toml_datetime(d), d)),
    st.dates().map(lambda d: (d.isoformat(), d)),
    st.times().map(lambda t: (t.isoformat(), t)),
)
SCALARS = st.one_of(
    INT_VALUES, FLOAT_VALUES, STRING_VALUES, st.booleans().map(lambda b: (str(b).lower(), b)), DATE_VALUES
)
KEYS = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True).map(lambda k: (k, k)) | STRINGS.map(
    lambda k: (toml_string(k), k)
)


def _array(items: list[tuple[str, object]]) -> tuple[str, object]:
    return "[" + ", ".join(text for text, _ in items) + "]", [value for _, value in items]


def _inline_table(items: list[tuple[tuple[str, str], tuple[str, object]]]) -> tuple[str, object]:
    unique = {key: (key_text, value) for (key_text, key), value in items}  # TOML forbids a key twice
    return (
        "{" + ", ".join(f"{key_text} = {text}" for key_text, (text, _) in unique.values()) + "}",
        {key: value for key, (_, (_, value)) in unique.items()},
    )


TOML_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(_array), st.lists(st.tuples(KEYS, children), max_size=3).map(_inline_table)
    ),
    max_leaves=8,
)


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@PURE
@given(value=TOML_VALUES)
def test_the_generated_toml_is_valid_and_reads_back_as_generated(value: tuple[str, object]) -> None:
    """Else the fuzz would only ever reach the TOML parser, not the validators."""
    assert same(tomllib.loads(f"v = {value[0]}")["v"], value[1]), value


# A value of the key's own type is likelier to get past the type check to the range checks.
VALUES = st.one_of(TOML_VALUES, INT_VALUES, STRING_VALUES, st.just((None, None)))  # None: the key removed


def assert_config_verdict(run: Run, path: Path, allow_ok: bool = True) -> None:
    """Exit 0, or exit 2 with exactly one `botx: error:` line naming the file."""
    assert_no_crash(run)
    assert run.code in ((0, 2) if allow_ok else (2,)), (run.code, run.err)
    if run.code == 2:
        lines = run.err.splitlines()
        assert len(lines) == 1, run.err
        assert lines[0].startswith("botx: error: "), run.err
        assert str(path) in lines[0], run.err
    else:
        assert all(line.startswith("botx: warning: ") for line in run.err.splitlines()), run.err


@FUZZ
@given(target=st.sampled_from(TARGETS), value=VALUES)
@example(target=("storage", "path"), value=('"a\\u0000b"', "a\x00b"))
@example(target=("storage", "path"), value=('"~nosuchuser/botx.db"', "~nosuchuser/botx.db"))
@example(target=("x", "api_base_url"), value=('"http://[abc"', "http://[abc"))
@example(target=("schedule", "window"), value=('"24:00-25:00"', "24:00-25:00"))
@example(target=("x", "timeout_seconds"), value=("nan", math.nan))
def test_any_config_value_is_loaded_or_named_in_one_error_line(
    tmp_path: Path, target: tuple[str, str], value: tuple[str | None, object]
) -> None:
    section, key = target
    path = make_config(tmp_path, with_value(section, key, value[0]))
    run = botx("--config", str(path), "cron")
    event(f"exit {run.code}")  # pytest --hypothesis-show-statistics: how many get past validation
    assert_config_verdict(run, path)


COUNT_KEYS = [
    ("schedule", "interval_minutes"),
    ("schedule", "offset_minutes"),
    ("schedule", "daily_cap"),
    ("schedule", "min_gap_minutes"),
    ("x", "retries"),
    ("hashtags", "max"),
    ("validation", "duplicate_days"),
    ("validation", "near_duplicate_days"),
    ("trends", "cache_minutes"),
    ("trends", "reuse_hours"),
    ("trends", "max_age_hours"),
    ("trends", "keep_refreshes"),
    ("compose", "candidates"),
    ("media", "every_n"),
    ("experiments", "min_impressions"),
    ("experiments", "days"),
    ("metrics", "daily_read_budget"),
    ("metrics", "days"),
    ("notify", "repeat_minutes"),
    ("notify", "failures_in_a_row"),
    ("logging", "max_bytes"),
    ("logging", "backups"),
]


@settings(FUZZ, max_examples=25)
@given(target=st.sampled_from(COUNT_KEYS), number=st.one_of(st.sampled_from(EDGE_INTS), st.integers()))
def test_counts_the_config_accepts_survive_the_commands_that_use_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: tuple[str, str], number: int
) -> None:
    """A count that loads (exit 0 on `cron`) must not crash the commands doing date arithmetic with it."""
    monkeypatch.setenv("BOTX_NOW", NOW)
    path = make_config(tmp_path, with_value(*target, str(number)))
    loaded = botx("--config", str(path), "cron")
    assert_config_verdict(loaded, path)
    if loaded.code:
        return
    for argv in (
        ["post", "-a", "A", "--dry-run"],
        ["preview", "-n", "1"],
        ["stats"],
        ["doctor"],
        ["trends"],
        ["metrics"],
        ["pause", "--minutes", "5"],
        ["resume"],
    ):
        run = botx("--config", str(path), *argv)
        assert_no_crash(run, argv)
        assert run.code in (0, 2, 3), (argv, run.code, run.err)


# Arbitrary bytes as the whole file, and the example damaged in small ways.
def _damage(data: bytes, cut: int, insert: bytes, how: str) -> bytes:
    cut = cut % (len(data) + 1)
    return {
        "insert": data[:cut] + insert + data[cut:],
        "replace": data[:cut] + insert + data[cut + len(insert) :],
        "truncate": data[:cut],
        "bom": b"\xef\xbb\xbf" + data,
        "utf16": data.decode().encode("utf-16"),
        "crlf": data.replace(b"\n", b"\r\n"),
        "cr": data.replace(b"\n", b"\r"),
    }[how]


DAMAGED = st.builds(
    _damage,
    st.just(EXAMPLE.read_bytes()),
    st.integers(0, 10**6),
    st.binary(min_size=1, max_size=8),
    st.sampled_from(["insert", "replace", "truncate", "bom", "utf16", "crlf", "cr"]),
)


@FUZZ
@given(data=st.binary(max_size=3000))
@example(data=b"")
@example(data=b"\xff\xfe")
@example(data=b'timezone = "Europe/Paris"\n[schedule]\n[schedule]\n')
def test_any_bytes_as_the_config_file_are_one_error_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    assert_config_verdict(botx("--config", str(path), "cron"), path, allow_ok=False)


@FUZZ
@given(data=DAMAGED)
def test_a_damaged_example_is_loaded_or_one_error_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    assert_config_verdict(botx("--config", str(path), "cron"), path)


# ==================================================================================================
# 2. CLI arguments
# ==================================================================================================

COMMANDS = [
    ["post"],
    ["post", "--dry-run"],
    ["preview"],
    ["trends"],
    ["stats"],
    ["metrics"],
    ["pause"],
    ["resume"],
    ["cron"],
    ["doctor"],
    ["init"],
    ["check"],
    ["drafts"],
    ["drafts", "generate"],
    ["drafts", "list"],
    ["drafts", "approve"],
    ["drafts", "reject"],
    ["drafts", "edit"],
    ["help"],
    [],
]
FLAGS = [
    "--account",
    "-a",
    "--dry-run",
    "--force",
    "--text",
    "--json",
    "--count",
    "-n",
    "--refresh",
    "--limit",
    "--days",
    "-d",
    "--minutes",
    "--online",
    "--status",
    "-s",
    "--config",
    "--db",
    "-v",
    "--verbose",
    "-q",
    "--quiet",
    "--help",
    "-h",
    "--",
    "-",
    "--text=",
    "--account=A",
    "--count=0",
    "--minutes=-1",
    "-aA",
    "-qv",
]
WORDS = [
    "A",
    "B",
    "a",
    "b",
    "C",
    "_",
    "",
    " ",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "1001",
    "99999999999999999999",
    "1e3",
    "nan",
    "0x10",
    " 7",
    "config.toml",
    "missing.toml",
    "home",
    "other.db",
    "pending",
    "approved",
    "posted",
    "#GPUCompute",
    "SHA-256-C7E8976BBAF2",
    "https://voltagegpu.com/",
    "\ufffd",
    "\u202e",
    "é",
    "東京",
]


def stays_in_tmp(token: str) -> bool:
    """No absolute path, no home, no parent folder, no NUL (an OS argv cannot carry one): `init`,
    --config and --db then only ever touch the test's own folder."""
    return not token.startswith(("/", "~")) and ".." not in token and "\x00" not in token


RANDOM_TOKENS = st.text(
    st.characters(codec="utf-8") | st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), max_size=12
).filter(stays_in_tmp)  # U+DC80..U+DCFF: how Python hands over argv bytes that are not UTF-8
TOKENS = st.one_of(
    st.sampled_from([word for command in COMMANDS for word in command]),
    st.sampled_from(FLAGS),
    st.sampled_from(WORDS),
    RANDOM_TOKENS,
)
GLOBALS = st.sampled_from(
    [
        [],
        ["-q"],
        ["--config", "config.toml"],
        ["--config", "missing.toml"],
        ["--db", "other.db"],
        ["--db", "home"],
        ["--config=config.toml", "-q"],
    ]
)
ARGVS = st.one_of(
    st.lists(TOKENS, max_size=8),
    st.builds(
        lambda pre, command, rest: [*pre, *command, *rest],
        GLOBALS,
        st.sampled_from(COMMANDS),
        st.lists(TOKENS, max_size=6),
    ),
)


@FUZZ
@given(argv=ARGVS)
@example(argv=["pause", "--minutes", "99999999999999999999"])
@example(argv=["pause", "--minutes", "10000000000"])
@example(argv=["init", "home", "--force"])
@example(argv=["--db", "home", "stats"])
@example(argv=["post", "--account", "A"])  # no credentials in the environment: exit 2 before any request
@example(argv=["doctor", "--online"])
@example(argv=["trends", "--refresh", "--json"])  # every proxy is a closed loopback port: sources fail fast
@example(argv=["check", "\udcff"])
@example(argv=["drafts", "edit", "1", "--text", "x"])
def test_any_argv_is_handled_without_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.setenv("BOTX_NOW", NOW)
    make_config(tmp_path)  # again each time: `init --force` may have rewritten it
    run = botx(*argv)
    event(f"exit {run.code}")
    assert_no_crash(run, argv)
    # Nothing here can reach X (no credentials, no cached posts for metrics), so no 75/77.
    assert run.code in (0, 2, 3), (argv, run.code, run.err)
    if not is_verbose(argv):
        assert all(line.startswith(("botx: error: ", "botx: warning: ")) for line in run.err.splitlines()), run.err
    if run.code == 2 and run.err:
        assert len([line for line in run.err.splitlines() if line.startswith("botx: error: ")]) == 1, run.err


TWEETISH = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda head, tail: f"{head} Code SHA-256-C7E8976BBAF2 https://voltagegpu.com/ #CloudGPU {tail}",
        st.text(max_size=60),
        st.text(max_size=20),
    ),
    st.sampled_from(["-", "--json", "#", "\ufffd", "\u202e", "A" * 300, "https://x.co " * 30, "\udcff"]),
)


@FUZZ
@given(text=TWEETISH)
def test_check_and_manual_post_take_any_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("BOTX_NOW", NOW)
    make_config(tmp_path)
    run = botx("check", "--json", "--", text)
    assert_no_crash(run)
    assert run.code in (0, 3), (run.code, run.err)
    doc = json.loads(run.out)
    assert set(doc) == {"weighted_length", "valid", "hashtags", "checks"}
    assert doc["valid"] is (run.code == 0)
    assert doc["hashtags"] == extract_hashtags(text)
    run = botx("post", "--account", "A", "--dry-run", "--json", f"--text={text}")
    assert_no_crash(run)
    assert run.code in (0, 3), (run.code, run.err)
    if run.code == 0:
        assert json.loads(run.out)["status"] in ("dry_run", "skipped")


@FUZZ
@given(
    value=st.one_of(
        st.text(max_size=30),
        st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.none() | OFFSETS).map(
            datetime.isoformat
        ),
    )
)
def test_any_botx_now_is_a_time_or_one_error_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str) -> None:
    if "\x00" in value:  # the environment cannot carry NUL
        value = value.replace("\x00", "")
    monkeypatch.setenv("BOTX_NOW", value)
    make_config(tmp_path)
    for argv in (["stats", "--json"], ["post", "-a", "B", "--dry-run"]):
        run = botx(*argv)
        assert_no_crash(run, argv)
        assert run.code in (0, 2, 3), (argv, run.code, run.err)
        if run.code == 2:
            assert run.err.startswith("botx: error: ") and len(run.err.splitlines()) == 1, run.err


# ==================================================================================================
# 3. Trend names
# ==================================================================================================

TREND_NOW = datetime(2026, 9, 23, 12, 0, tzinfo=timezone.utc)
RULES = CleanRules()
BIDI_AND_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\ufeff\u00ad\u061c\u180e\u3164\ufe0f\ufe0e\u034f\U000e0001\U000e0041"
)


def trend(name: str, rank: int = 1) -> RawTrend:
    return RawTrend(name=name, rank=rank, volume=None, source="trends24", published_at=None)


def assert_kept_trends_are_postable(items: list[RawTrend], rules: CleanRules = RULES) -> list[str]:
    result = clean_trends(items, rules, TREND_NOW)
    assert len(result.kept) + len(result.rejected) == len(items)
    for kept in result.kept:
        assert is_valid_hashtag(kept.hashtag), kept
        assert extract_hashtags(kept.hashtag) == [kept.hashtag[1:]], kept
        assert extract_hashtags(f"Big day {kept.hashtag} today") == [kept.hashtag[1:]], kept
        assert not (set(kept.hashtag) | set(kept.name)) & BIDI_AND_INVISIBLE, kept
        assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in kept.hashtag), kept
        assert len(kept.hashtag) - 1 <= rules.max_len and len(kept.name) <= rules.max_len, kept
        assert not set(kept.hashtag) & set("<>&;{}$%@/\\ \n"), kept
    return [t.hashtag for t in result.kept]


ANY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(st.characters(), max_size=60),  # every category, lone surrogates included (JSON can carry them)
    st.text(st.characters(categories=("Cf", "Mn", "Me", "Zs", "Cc", "Nd", "Pc", "Lo", "Lu", "Ll")), max_size=40),
    st.builds(str.__mul__, st.sampled_from(["a", "A", "é", "#", "\u200b", "東", "𝕏", "a\u0301"]), st.integers(0, 5000)),
)


@PURE
@given(names=st.lists(ANY_TEXT, max_size=8))
def test_arbitrary_unicode_trend_names_never_raise(names: list[str]) -> None:
    assert_kept_trends_are_postable([trend(n, i + 1) for i, n in enumerate(names)])
    assert_kept_trends_are_postable([trend(n, i + 1) for i, n in enumerate(names)], CleanRules(script="any"))


# Blacklisted terms hidden the ways hashtags write them: CamelCase, digits, separators, accents,
# invisible characters. Most terms match whole words and pieces (Sussex, Cocktail survive); only
# the "*" terms are also found glued in lower case (Bigpornday, tests/test_trend_safety.py), so
# glued spellings are out of scope here; every other spelling here must be dropped.
TERMS = sorted(
    {term.rstrip("*") for terms in DEFAULT_BLACKLIST.values() for term in terms if not term.startswith("=")}
)  # accent-exact terms are found only as written
FILLERS = [
    "Big",
    "Day",
    "News",
    "Live",
    "Game",
    "Super",
    "Mega",
    "Fan",
    "Cloud",
    "Gpu",
    "NBA",
    "TV",
    "2026",
    "X",
    "Monday",
    "Tour",
    "Go",
    "Now",
    "Update",
]


def _camel(term: str, upper: bool) -> str:
    return "".join(w.upper() if upper else w[:1].upper() + w[1:] for w in term.split())


def _accent(word: str, at: int) -> str:
    """A combining acute after one letter: NFC composes it where it can (Pórn)."""
    at = at % len(word)
    return word[: at + 1] + "\u0301" + word[at + 1 :]


def _hide(word: str, at: int, mark: str) -> str:
    at = at % (len(word) + 1)
    return word[:at] + mark + word[at:]


@st.composite
def blacklisted_names(draw: st.DrawFn) -> str:
    term = draw(st.sampled_from(TERMS))
    before = draw(st.lists(st.sampled_from(FILLERS), max_size=2))
    after = draw(st.lists(st.sampled_from(FILLERS), max_size=2))
    style = draw(st.sampled_from(["camel", "upper", "spaced", "dashed", "hashtag", "lower_spaced"]))
    if style == "upper" and " " in term:
        style = "camel"  # AMBERALERT is one word to anyone: glued capitals are out of scope like Bigpornday
    if style == "upper":  # BigPORNDay: an all-caps run ends where a Title-case word starts
        before, after = ([f for f in words if not (f.isalpha() and f.isupper())] for words in (before, after))
    if term[-1:].isdigit():
        after = [f for f in after if not f[:1].isdigit()]  # Rule34 + 2026 is one number, not two pieces
    if style in ("camel", "hashtag", "upper"):
        core = _camel(term, style == "upper")
        name = "".join([*before, core, *after])
    else:
        separator = {"spaced": " ", "dashed": "-", "lower_spaced": " "}[style]
        core = term.lower() if style == "lower_spaced" else term.title()
        name = separator.join([*before, core, *after])
    if style == "hashtag":
        name = "#" + name
    decoration = draw(st.sampled_from(["", "accent", "invisible"]))
    if decoration:
        start = max(0, name.find(core))
        offset = start + draw(st.integers(0, max(0, len(core) - 1)))
        if decoration == "accent" and name[offset : offset + 1].isalpha():
            name = _accent(name, offset)
        elif decoration == "invisible":
            name = _hide(name, offset, draw(st.sampled_from(sorted(BIDI_AND_INVISIBLE - {"\u3164"}))))
    return name


@PURE
@given(name=blacklisted_names())
@example(name="BigPornDay")
@example(name="#RIPKobeBryant")
@example(name="ElectionNight2026")
@example(name="SuperSexTapeNews")
@example(name="GameDayPÓRN")
@example(name="Pörn Live")
@example(name="Po\u0308rn Live")  # decomposed: NFC composes it, so it is caught
def test_blacklisted_terms_embedded_in_names_are_never_kept(name: str) -> None:
    result = clean_trends([trend(name)], RULES, TREND_NOW)
    assert not result.kept, (name, result.kept)
    (reason,) = [why for _, why in result.rejected]
    assert reason.startswith("blacklist:") or reason in ("too_long", "noise", "script"), (name, reason)


SCRIPT_SAMPLES = {
    "latin": "abcdefghijklmnopqrstuvwxyzÉéßÆŁ",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщыэюяЖ",
    "greek": "αβγδεζηθικλμνξοπρστυφχψωΩ",
    "japanese": "あいうえおカキクケコ東京歌祭",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "hebrew": "אבגדהוזחטיכלמנסעפצקרשת",
    "hangul": "가나다라마바사아자차카타파하",
    "other": "ᚠᚢᚦ𝔄𝔅ⴰⴱ",
}
MIXED = st.lists(
    st.tuples(st.sampled_from(sorted(SCRIPT_SAMPLES)), st.integers(1, 8), st.sampled_from(["", " ", "-"])),
    min_size=1,
    max_size=4,
)


def _mixed_name(parts: list[tuple[str, int, str]], data: st.DataObject) -> str:
    out = []
    for script, size, separator in parts:
        letters = SCRIPT_SAMPLES[script]
        out.append("".join(data.draw(st.sampled_from(letters)) for _ in range(size)) + separator)
    return "".join(out)


@PURE
@given(parts=MIXED, data=st.data())
def test_mixed_script_names_keep_only_mostly_latin_whole_hashtags(
    parts: list[tuple[str, int, str]], data: st.DataObject
) -> None:
    name = _mixed_name(parts, data)
    for kept in assert_kept_trends_are_postable([trend(name)]):
        letters = [c for c in kept if c.isalpha()]
        latin = sum(unicodedata.name(c, "").startswith("LATIN") for c in letters)
        assert latin >= 0.9 * len(letters), (name, kept)
    assert_kept_trends_are_postable([trend(name)], CleanRules(script="any"))


MARKUP = [
    "<b>",
    "</b>",
    "<a href='/x'>",
    "</a>",
    "<br/>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#8203;",
    "&#x200B;",
    "&nbsp;",
    "&#39;",
    "<",
    ">",
    "<img src=x onerror=1>",
    "{{ name }}",
    "${name}",
    "%s",
    "\\u200b",
    "[object Object]",
    "undefined",
]


@PURE
@given(
    parts=st.lists(st.one_of(st.sampled_from(MARKUP), st.sampled_from(FILLERS), st.just(" ")), min_size=1, max_size=5)
)
def test_markup_fragments_never_reach_a_hashtag(parts: list[str]) -> None:
    name = "".join(parts)
    kept = assert_kept_trends_are_postable([trend(name)])
    if "<" in name or ">" in name or re.search(r"&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", name, re.IGNORECASE):
        assert not kept, (name, kept)


# ==================================================================================================
# 4. LLM output
# ==================================================================================================

CFG = parse_config(EXAMPLE, read_toml(EXAMPLE))
LLM_RULES = rules_from(CFG)
LAYOUT = CFG.settings(WritingSettings).layout
PLAN = Plan(
    account="A",
    pick=None,
    category="generic",
    hook="",
    angle="cost",
    angle_line="Pay by the second.",
    offer="H100 80GB",
    offer_text="H100 80GB from $2.10/hr",
    promo=f"Use {CFG.product.promo_code} for 5% off your first run.",  # fixed: the example's wording varies
    link=utm_link(CFG.product.url, CFG.content.utm, "A", None),
    tags=("#CloudGPU",),
    domain="#CloudGPU",
)
BUDGET = copy_budget(LAYOUT, PLAN)
CODE = CFG.product.promo_code

# twitter-text's mention rule (validMentionOrList + endMentionMatch), as X links @names.
_LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263\u0268"
    "\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_MENTION = re.compile(
    r"(?:^|[^a-zA-Z0-9_!#$%&*@＠]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?)([@＠])([a-zA-Z0-9_]{1,20})"
    r"(/[a-zA-Z][a-zA-Z0-9_-]{0,24})?"
)
_END_MENTION = re.compile(rf"(?:[@＠]|[{_LATIN_ACCENTS}]|://)")
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
TWITTER_INVALID = frozenset("\ufffe\ufeff\uffff")  # twitter-text: a tweet holding one is invalid


def mentions(text: str) -> list[re.Match[str]]:
    return [m for m in _MENTION.finditer(text) if not _END_MENTION.match(text, m.end())]


def judge(answer: str, budget: int = BUDGET) -> tuple[str, str | None]:
    """What Writer.compose does with one answer: clean it, then ask copy_problem."""
    copy = clean_copy(answer)
    return copy, copy_problem(copy, budget, LLM_RULES)


CLEAN_WORDS = [
    "Fast",
    "GPUs",
    "for",
    "your",
    "next",
    "model",
    "train",
    "today",
    "cheap",
    "inference",
    "by",
    "the",
    "hour",
    "ship",
    "it",
    "now",
    "builders",
    "love",
    "this",
    "and",
    "run",
    "in",
    "minutes",
    "H100",
]
NASTY = [
    "https://voltagegpu.com/",
    "http://example.org/x",
    "www.example.com",
    "example.com",
    "voltagegpu.ai",
    "t.co/abc",
    "bit.ly/x",
    "ｈｔｔｐｓ://example.com",
    "HTTPS://EXAMPLE.COM",
    "example.co.uk/path",
    "x.com",
    "@VoltageGPU",
    "@a",
    "＠someone",
    "@_",
    "#GPU",
    "＃GPU",
    "#",
    "#1",
    "#LLM",
    CODE,
    CODE.lower(),
    f"code:{CODE}",
    "\ufffd",
    "\x00",
    "\x01",
    "\x1b[31m",
    "\x7f",
    "\x9b",
    "\ud800",
]
SHOUTING = st.lists(st.sampled_from(CLEAN_WORDS), min_size=3, max_size=10).map(lambda w: " ".join(w).upper() + "!")


@st.composite
def salted_copies(draw: st.DrawFn) -> tuple[str, str]:
    """A clean copy with one forbidden thing put in as a word of its own."""
    words = draw(st.lists(st.sampled_from(CLEAN_WORDS), min_size=1, max_size=12))
    nasty = draw(st.sampled_from(NASTY))
    words.insert(draw(st.integers(0, len(words))), nasty)
    return " ".join(words) + draw(st.sampled_from(["", ".", "!", "?"])), nasty


ANSWERS = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(), max_size=200),  # surrogates, controls, private use, unassigned
    salted_copies().map(lambda pair: pair[0]),
    SHOUTING,
    st.builds(
        str.__mul__,
        st.sampled_from(["a", "GPU ", "東", "😀", "\u202e", "\u200b", " ", "\n", "@", "#", "é"]),
        st.integers(0, 10_000),
    ),
    st.builds(
        "{}{}{}".format,
        st.sampled_from(['"', "'", "“", "«", "", "  "]),
        st.text(max_size=80),
        st.sampled_from(['"', "'", "”", "»", "", "\n"]),
    ),
)


@PURE
@given(answer=ANSWERS, budget=st.integers(0, 200))
@example(answer="Fast GPUs\u202e today", budget=200)
@example(answer="Café@nvidia is fast", budget=200)
@example(answer="a" * 10_000, budget=200)
@example(answer="", budget=0)
@example(answer='""', budget=200)
@example(answer="://", budget=3)  # a bare scheme separator: hypothesis found it passing as copy
def test_the_copy_checker_accepts_only_clean_copy_within_budget(answer: str, budget: int) -> None:
    copy, problem = judge(answer, budget)
    assert problem is None or (isinstance(problem, str) and problem.startswith("it ")), problem
    if problem is not None:
        return
    assert copy.strip() and copy == copy.strip()
    assert weighted_length(copy) <= budget
    assert not extract_urls(copy) and "://" not in copy and "www." not in copy.casefold(), copy
    assert not extract_hashtags(copy) and "#" not in copy, copy
    assert CODE.casefold() not in copy.casefold(), copy
    assert clean_characters(copy), copy
    assert not mentions(copy), copy
    assert not set(copy) & (BIDI | TWITTER_INVALID), copy


@PURE
@given(salted=salted_copies())
@example(salted=("Fast GPUs @VoltageGPU today", "@VoltageGPU"))
@example(salted=(f"Use {CODE.lower()} now", CODE.lower()))
def test_every_forbidden_thing_is_sent_back(salted: tuple[str, str]) -> None:
    answer, nasty = salted
    copy, problem = judge(answer, 200)
    assert problem is not None, (answer, nasty, copy)


@PURE
@given(
    words=st.lists(st.sampled_from(CLEAN_WORDS), min_size=1, max_size=15),
    end=st.sampled_from(["", ".", "!", "?", " :)"]),
    quote=st.sampled_from(["", '"', "“"]),
)
def test_plain_copy_is_accepted_and_makes_a_tweet_with_only_botx_own_parts(
    words: list[str], end: str, quote: str
) -> None:
    answer = quote + " ".join(words) + end + {"": "", '"': '"', "“": "”"}[quote]
    copy, problem = judge(answer)
    assert problem is None, (answer, problem)
    tweet = assemble(LAYOUT, PLAN, copy)
    assert weighted_length(tweet) <= 280
    assert extract_hashtags(tweet) == ["CloudGPU"]
    assert extract_urls(tweet) == [PLAN.link]
    assert tweet.count(CODE) == 1 and not mentions(tweet)


@PURE
@given(answer=ANSWERS)
def test_accepted_copy_cannot_smuggle_anything_into_the_finished_tweet(answer: str) -> None:
    copy, problem = judge(answer)
    if problem is not None:
        return
    tweet = assemble(LAYOUT, PLAN, copy)
    assert weighted_length(tweet) <= 280, tweet
    assert extract_hashtags(tweet) == ["CloudGPU"], tweet
    assert extract_urls(tweet) == [PLAN.link], tweet
    assert tweet.count(CODE) == 1 and not mentions(tweet), tweet


@PURE
@given(answer=SHOUTING)
def test_shouting_copy_fails_the_finished_tweet_checks(answer: str) -> None:
    copy, problem = judge(answer)
    if problem is not None:
        return
    if sum(c.isalpha() for c in copy) < 12:
        return  # too few capitals to outweigh the promo line's lower case
    verdict = validate(assemble(LAYOUT, PLAN, copy), LLM_RULES)
    assert "caps" in verdict.failed, (copy, verdict.notes)
    # a copy of capitals may read as no language at all: the English reason is then said first
    assert "shouting" in verdict_problem(verdict) or "english" in verdict.failed


FOREIGN = {
    "fr": [
        "Des cartes graphiques rapides pour entraîner vos modèles dès aujourd'hui.",
        "Payez à la seconde et arrêtez de gaspiller votre budget chaque mois.",
    ],
    "de": [
        "Schnelle Grafikkarten für Ihre nächsten Modelle, sofort und ohne Wartezeit verfügbar.",
        "Zahlen Sie nur die Sekunden, die Ihr Training wirklich läuft.",
    ],
    "es": [
        "Tarjetas gráficas rápidas para entrenar tus modelos desde hoy mismo.",
        "Paga por segundo y deja de gastar dinero en máquinas que no usas.",
    ],
    "it": [
        "Schede grafiche veloci per addestrare i tuoi modelli già da oggi.",
        "Paghi solo i secondi che usi, senza sprechi alla fine del mese.",
    ],
    "nl": [
        "Snelle grafische kaarten om je modellen vandaag nog te trainen.",
        "Betaal per seconde en stop met het verspillen van geld aan machines.",
    ],
    "ru": ["Быстрые видеокарты для обучения ваших моделей уже сегодня.", "Платите посекундно и не переплачивайте."],
    "ja": ["今日からあなたのモデルを速いGPUで学習しましょう。", "秒単位の料金で無駄なく使えます。"],
}


@settings(PURE, max_examples=50)
@given(language=st.sampled_from(sorted(FOREIGN)), data=st.data())
def test_copy_not_in_english_fails_the_finished_tweet_checks(language: str, data: st.DataObject) -> None:
    sentences = data.draw(st.permutations(FOREIGN[language]))
    copy, problem = judge(" ".join(sentences))
    assert problem is None, problem
    verdict = validate(assemble(LAYOUT, PLAN, copy), LLM_RULES)
    assert "english" in verdict.failed, (language, verdict.notes)
    assert "English" in verdict_problem(verdict)


# ==================================================================================================
# Regressions: bugs the properties above found (internal errors on bad config values and
# arguments, blacklist and copy-checker gaps), fixed since; each pinned by its minimal case.
# ==================================================================================================


@pytest.mark.parametrize("section", ["storage", "logging"])
@pytest.mark.parametrize("raw", ['"botx\\u0000.db"', '"~nosuchuser/botx.db"'])
def test_bug1_unusable_path_is_a_config_error(tmp_path: Path, section: str, raw: str) -> None:
    path = make_config(tmp_path, with_value(section, "path", raw))
    assert_config_verdict(botx("--config", str(path), "cron"), path)


@pytest.mark.parametrize(
    "target",
    [("x", "api_base_url"), ("product", "url"), ("compose.llm", "base_url"), ("trends.sources.google_rss", "url")],
)
def test_bug2_url_urlsplit_refuses_is_a_config_error(tmp_path: Path, target: tuple[str, str]) -> None:
    path = make_config(tmp_path, with_value(*target, '"http://[abc"'))
    assert_config_verdict(botx("--config", str(path), "cron"), path)


@pytest.mark.parametrize(
    ("target", "number", "argv"),
    [
        (("validation", "duplicate_days"), 1_000_000, ["post", "-a", "A", "--dry-run"]),
        (("trends", "reuse_hours"), 100_000_000, ["preview", "-n", "1"]),
        (("trends", "reuse_hours"), -100_000_000, ["preview", "-n", "1"]),  # negative hours load too
        (("trends", "cache_minutes"), 10_000_000_000, ["doctor"]),  # once a refresh is cached
        (("metrics", "days"), 1_000_000, ["metrics"]),
    ],
)
def test_bug3_huge_counts_are_config_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: tuple[str, str], number: int, argv: list[str]
) -> None:
    monkeypatch.setenv("BOTX_NOW", NOW)
    make_config(tmp_path)
    assert botx("trends", "--refresh").code == 0  # with the example's values; the sources fail fast
    path = make_config(tmp_path, with_value(*target, str(number)))
    run = botx("--config", str(path), *argv)
    assert_no_crash(run, argv)


def test_bug4_pause_minutes_past_year_9999_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BOTX_NOW", NOW)
    make_config(tmp_path)
    run = botx("pause", "--minutes", "10000000000")
    assert_no_crash(run)
    assert run.code == 2


@pytest.mark.parametrize(
    "name", ["B\u0301allotBig", "P\u0336o\u0336r\u0336n\u0336 Live", "Nu\u0336des Live", "Elec\u0336tion Night"]
)
def test_bug5_combining_marks_do_not_hide_blacklisted_words(name: str) -> None:
    assert not clean_trends([trend(name)], RULES, TREND_NOW).kept


@pytest.mark.parametrize(
    "answer", ["Fast GPUs \u202etoday", "Fast GPUs \u2067today", "Fast GPUs\ufeff today", "Fast GPUs today\uffff"]
)
def test_bug6_bidi_and_invalid_characters_are_sent_back(answer: str) -> None:
    assert judge(answer)[1] is not None


@pytest.mark.parametrize(
    "answer", ["Café@nvidia is fast", "Olá@aws runs it", "東京@nvidia GPUs", "RT@nvidia fast GPUs"]
)
def test_bug7_every_mention_x_would_link_is_sent_back(answer: str) -> None:
    assert mentions(answer)  # X would link it
    assert judge(answer)[1] is not None
