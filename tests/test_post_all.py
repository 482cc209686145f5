"""Issue 14: `botx post --all` (every enabled account whose slot is due, one process) and
`botx cron --all` (the one crontab line that runs it). Real CLI, loopback fake X, real SQLite."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import BOTH_BACKENDS, XWorld, botx, botx_proc, make_config
from hypothesis import given, settings
from hypothesis import strategies as st

from botx_cli.config.core import Schedule
from botx_cli.schedule.slots import cron_all_fields, slot_minutes

DAY = "2026-11-23"  # a Monday; the example's window is 09:00-23:30 Europe/Paris


def at(hhmm: str) -> str:
    return f"{DAY}T{hhmm}:00+01:00"


def post_all(xworld: XWorld, when: str, *extra: str) -> tuple[int, list[dict[str, object]], str]:
    xworld.at(when)
    run = botx("post", "--all", "--json", *extra)
    return run.code, json.loads(run.out), run.err


def statuses(docs: list[dict[str, object]]) -> dict[object, object]:
    return {doc["account"]: doc["status"] for doc in docs}


# -- which accounts are due ----------------------------------------------------------------


def test_post_all_posts_for_the_accounts_whose_slot_is_due_and_leaves_the_others(xworld: XWorld) -> None:
    code, docs, _ = post_all(xworld, at("09:00"))  # A's first slot; B starts 45 minutes later
    assert code == 0 and statuses(docs) == {"A": "posted"}
    assert docs[0]["tweet_id"] and set(docs[0]) >= {"account", "status", "reason", "tweet_id", "text", "hashtags"}
    code, docs, _ = post_all(xworld, at("09:15"))  # A's slot is served, B has none yet
    assert (code, docs) == (0, [])
    code, docs, _ = post_all(xworld, at("09:45"))
    assert code == 0 and statuses(docs) == {"B": "posted"}
    assert sorted(t["author_id"] for t in xworld.fake.tweets) == ["1001", "1002"]


def test_verbose_names_the_accounts_left_alone_and_why(xworld: XWorld) -> None:
    xworld.at(at("09:00"))
    run = botx("post", "--all", "-v")
    assert run.code == 0
    assert re.search(r"^A: posted \d+", run.out, re.M)
    assert "B: not due (no slot yet in this window)" in run.out
    run = botx("post", "--all", "-v")  # a double fire: A's slot was served a moment ago
    assert run.code == 0 and "A: not due (slot 2026-11-23T09:00+0100 already served)" in run.out
    xworld.at(f"{DAY}T08:00:00+01:00")
    run = botx("post", "--all", "-v")
    assert "A: not due (outside the window)" in run.out and "B: not due (outside the window)" in run.out
    xworld.at(at("09:30"))
    assert botx("post", "--all", "--quiet").out == ""  # nothing due: cron mails nothing


def test_a_disabled_account_is_not_due(xworld: XWorld) -> None:
    text = xworld.config.read_text().replace(
        'voice = "engineer"\nenabled = true', 'voice = "engineer"\nenabled = false'
    )
    xworld.config.write_text(text)
    xworld.at(at("09:45"))
    run = botx("post", "--all", "-v")
    assert run.code == 0 and "B: not due (disabled)" in run.out  # A's 09:00 slot is still open: it posts
    assert [t["author_id"] for t in xworld.fake.tweets] == ["1001"]


def test_a_misfired_call_still_finds_its_slot_and_a_skip_serves_it(xworld: XWorld) -> None:
    code, docs, _ = post_all(xworld, at("09:40"))  # cron ran 40 minutes late: A's 09:00 slot is open
    assert statuses(docs) == {"A": "posted"}
    assert botx("pause", "--account", "B").code == 0
    code, docs, _ = post_all(xworld, at("09:45"))
    assert code == 0 and [(d["account"], d["status"], d["reason"]) for d in docs] == [("B", "skipped", "paused")]
    code, docs, _ = post_all(xworld, at("10:00"))  # the skip served B's slot: no run row every quarter-hour
    assert docs == []
    assert xworld.rows("SELECT account, status, reason FROM runs WHERE account = 'B'") == [("B", "skipped", "paused")]


@BOTH_BACKENDS
def test_a_slot_whose_run_failed_is_served_until_the_next_slot(xworld: XWorld) -> None:
    """As with a line per account, a slot gets one cron call: a 503 is reported once (75), the
    next quarter-hour does not call X again for it, the next slot does."""
    xworld.fake.enqueue("POST", "/2/tweets", status=503)
    xworld.fake.enqueue("POST", "/2/tweets", status=503)
    xworld.fake.enqueue("POST", "/2/tweets", status=503)
    code, docs, err = post_all(xworld, at("09:00"))
    assert code == 75 and docs[0]["status"] == "failed" and docs[0]["account"] == "A"
    assert "account A" in err
    assert post_all(xworld, at("09:15"))[1] == []
    code, docs, _ = post_all(xworld, at("10:30"))  # A's next slot (and B's 09:45 one, never called)
    assert statuses(docs) == {"A": "posted", "B": "posted"}


# -- exit codes and documents --------------------------------------------------------------


def both_due(xworld: XWorld) -> None:
    """Every account's slot at the same minutes: offset 0."""
    xworld.config.write_text(xworld.config.read_text().replace("offset_minutes = 45", "offset_minutes = 0"))
    xworld.at(at("09:00"))


@BOTH_BACKENDS
def test_all_accounts_due_post_side_by_side(xworld: XWorld) -> None:
    both_due(xworld)
    code, docs, _ = post_all(xworld, at("09:00"))
    assert code == 0 and statuses(docs) == {"A": "posted", "B": "posted"}
    assert [d["account"] for d in docs] == ["A", "B"]  # config order, whichever finished first
    assert sorted(t["author_id"] for t in xworld.fake.tweets) == ["1001", "1002"]
    hosts = xworld.rows("SELECT DISTINCT pid FROM attempts")
    assert len(hosts) == 1  # one process


def test_rejected_credentials_win_the_exit_code_and_the_others_still_post(xworld: XWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    both_due(xworld)
    monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "revoked")
    code, docs, err = post_all(xworld, at("09:00"))
    assert code == 77
    assert statuses(docs) == {"A": "failed", "B": "posted"}
    assert docs[0]["reason"] == "CredentialsRejected" and docs[0]["detail"]
    assert "account A" in err and "revoked" not in err + json.dumps(docs)


@pytest.mark.parametrize(
    ("a_fault", "expected"),
    [
        ({"status": 503}, 75),  # temporary
        ({"status": 403, "body": {"detail": "You are not allowed to create a Tweet with duplicate content."}}, 3),
    ],
)
def test_the_most_severe_account_sets_the_exit_code(xworld: XWorld, a_fault: dict, expected: int) -> None:  # type: ignore[type-arg]
    both_due(xworld)
    # one at a time, so A meets the scripted answers (a 503 and its two retries) and B does not
    xworld.config.write_text(xworld.config.read_text().replace("concurrency = 8", "concurrency = 1"))
    for _ in range(3):
        xworld.fake.enqueue("POST", "/2/tweets", **a_fault)
    code, docs, _ = post_all(xworld, at("09:00"))
    assert code == expected
    assert statuses(docs) == {"A": "failed", "B": "posted"}


def test_missing_credentials_fail_that_account_only(xworld: XWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    both_due(xworld)
    monkeypatch.delenv("BOTX_B_ACCESS_TOKEN_SECRET")
    code, docs, _ = post_all(xworld, at("09:00"))
    assert code == 2 and statuses(docs) == {"A": "posted", "B": "failed"}
    assert "BOTX_B_ACCESS_TOKEN_SECRET" in docs[1]["detail"]


def test_a_failure_before_any_account_prints_a_list_document(tmp_path: Path) -> None:
    config = make_config(tmp_path, daily_cap="0")
    run = botx("--config", str(config), "post", "--all", "--json")
    assert run.code == 2
    docs = json.loads(run.out)
    assert isinstance(docs, list) and docs[0]["status"] == "failed" and "daily_cap" in docs[0]["detail"]


@pytest.mark.parametrize(
    "args",
    [
        ("--all", "--account", "A"),
        ("--all", "--force"),
        ("--all", "--text", "hello"),
        (),
    ],
)
def test_post_needs_one_account_or_all(xworld: XWorld, args: tuple[str, ...]) -> None:
    run = botx("post", *args)
    assert run.code == 2 and run.err.count("\n") == 1 and "--all" in run.err
    assert not xworld.fake.tweets


def test_dry_run_of_all_posts_nothing_and_serves_nothing(xworld: XWorld) -> None:
    both_due(xworld)
    code, docs, _ = post_all(xworld, at("09:00"), "--dry-run")
    assert code == 0 and statuses(docs) == {"A": "dry_run", "B": "dry_run"}
    assert not xworld.fake.tweets
    code, docs, _ = post_all(xworld, at("09:05"))
    assert statuses(docs) == {"A": "posted", "B": "posted"}


def test_concurrency_bounds_the_pool(xworld: XWorld) -> None:
    both_due(xworld)
    text = xworld.config.read_text().replace("concurrency = 8", "concurrency = 1")
    xworld.config.write_text(text)
    code, docs, _ = post_all(xworld, at("09:00"))
    assert code == 0 and statuses(docs) == {"A": "posted", "B": "posted"}
    xworld.config.write_text(text.replace("concurrency = 1", "concurrency = 0"))
    run = botx("post", "--all")
    assert run.code == 2 and "concurrency" in run.err and "between 1 and 64" in run.err


# -- a day of cron, double fires and six copies --------------------------------------------


@BOTH_BACKENDS
@pytest.mark.slow  # a simulated cron day
def test_a_cron_day_of_post_all_every_quarter_hour_posts_each_slot_once(xworld: XWorld) -> None:
    """The `*/15 9-23` line over a whole day, every call fired twice (a double fire), one call
    missed (a misfire): each account posts once per slot, ten slots each."""
    start = datetime.fromisoformat(at("09:00"))
    for tick in range(15 * 4):
        moment = start + timedelta(minutes=15 * tick)
        if moment.strftime("%H:%M") == "12:00":
            continue  # cron missed this call: 12:15 still finds A's 12:00 slot due
        for _ in range(2):
            xworld.at(moment.isoformat())
            assert botx("post", "--all", "--quiet").code == 0
    per_account: dict[str, int] = {}
    for tweet in xworld.fake.tweets:
        per_account[tweet["author_id"]] = per_account.get(tweet["author_id"], 0) + 1
    assert per_account == {"1001": 10, "1002": 10}
    slots = xworld.rows("SELECT account, slot_key, COUNT(*) FROM attempts WHERE status = 'posted' GROUP BY 1, 2")
    assert len(slots) == 20 and {count for _a, _s, count in slots} == {1}


@BOTH_BACKENDS
@pytest.mark.slow
def test_six_concurrent_copies_of_post_all_post_each_slot_once(xworld: XWorld) -> None:
    both_due(xworld)
    env = {**xworld.env, "BOTX_NOW": at("09:00")}
    with ThreadPoolExecutor(6) as pool:
        runs = list(pool.map(lambda _: botx_proc("post", "--all", "--json", env=env), range(6)))
    assert {run.code for run in runs} == {0}, [run.err for run in runs]
    posted = [doc for run in runs for doc in json.loads(run.out) if doc["status"] == "posted"]
    assert sorted(doc["account"] for doc in posted) == ["A", "B"]
    assert sorted(t["author_id"] for t in xworld.fake.tweets) == ["1001", "1002"]


# -- cron --all --------------------------------------------------------------------------


def test_cron_all_prints_one_post_line_every_gcd_minutes(xworld: XWorld) -> None:
    run = botx("cron", "--all")
    assert run.code == 0
    post_lines = [line for line in run.out.splitlines() if " post " in line]
    assert len(post_lines) == 1
    assert post_lines[0].startswith("*/15 9-23 * * * ") and post_lines[0].endswith(" post --all --quiet")
    assert "trends --refresh" in run.out and "metrics --days 7" in run.out
    per_account = botx("cron").out
    assert "post --account A" in per_account and "--all" not in per_account


def cron_matches(field: str, value: int, low: int, high: int) -> bool:
    for part in field.split(","):
        spec, _, step = part.partition("/")
        first, last = (low, high) if spec == "*" else (int(spec.split("-")[0]), int(spec.split("-")[-1]))
        if "/" in part and "-" not in spec and spec != "*":
            last = high
        if first <= value <= last and (value - first) % int(step or 1) == 0:
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    interval=st.integers(5, 600),
    offset=st.integers(0, 300),
    start=st.integers(0, 1439),
    length=st.integers(60, 1439),
    accounts=st.integers(1, 4),
)
def test_the_all_line_fires_at_every_slot_of_every_account(
    interval: int, offset: int, start: int, length: int, accounts: int
) -> None:
    schedule = Schedule(interval, offset, start, (start + length) % 1440, 10, 0)
    indexes = [i for i in range(accounts) if i * offset <= length]
    minute, hours = cron_all_fields(schedule, indexes)
    for index in indexes:
        for slot in slot_minutes(schedule, index):
            assert cron_matches(minute, slot % 60, 0, 59), (minute, slot)
            assert cron_matches(hours, slot // 60 % 24, 0, 23), (hours, slot)
    step = int(minute.split("/")[1]) if "/" in minute else 60
    assert 60 % step == 0  # the step repeats every hour, as cron's */N does
