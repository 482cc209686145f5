"""`botx stats`: a day of real runs against the fake X, then the JSON figures and the
80-column terminal view."""

from __future__ import annotations

import json

import pytest
from conftest import XWorld, botx

DAY = "2026-11-23"


@pytest.fixture
def day(xworld: XWorld) -> XWorld:
    """A: posts 09:00 and 10:30, a misfire, a 5xx failure, an invalid manual text; B: one post;
    a dry run (not counted); then engagement measured at 13:00."""
    assert xworld.post("A", when=f"{DAY}T09:00:00+01:00").code == 0
    assert xworld.post("A", when=f"{DAY}T09:05:00+01:00").code == 0  # slot_taken
    assert xworld.post("B", when=f"{DAY}T09:45:00+01:00").code == 0
    assert xworld.post("A", when=f"{DAY}T10:30:00+01:00").code == 0
    xworld.at(f"{DAY}T12:00:00+01:00")
    for _ in range(3):
        xworld.fake.enqueue("POST", "/2/tweets", status=503)
    assert xworld.post("A").code == 75
    # the 503 may have stored the post: it counts toward the gap until checked, so 50 minutes later
    assert xworld.post("A", "--text", "BUY GPUS NOW!!!", when=f"{DAY}T12:50:00+01:00").code == 3
    assert xworld.post("B", "--dry-run", when=f"{DAY}T12:45:00+01:00").code == 0
    first, second = [t["id"] for t in xworld.fake.tweets if t["author_id"] == "1001"]
    [b_post] = [t["id"] for t in xworld.fake.tweets if t["author_id"] == "1002"]
    xworld.fake.set_metrics(first, like_count=10, impression_count=1000, retweet_count=5)
    xworld.fake.set_metrics(second, like_count=1, impression_count=500)
    xworld.fake.set_metrics(b_post, like_count=30, impression_count=600, bookmark_count=6)
    xworld.at(f"{DAY}T13:00:00+01:00")
    assert botx("metrics").code == 0
    return xworld


@pytest.mark.slow
def test_json_per_account_figures(day: XWorld) -> None:
    run = botx("stats", "--days", "7", "--json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    a, b = doc["accounts"]["A"], doc["accounts"]["B"]
    assert (a["posted"], a["skipped"], a["failed"]) == (2, 1, 2)
    assert (b["posted"], b["skipped"], b["failed"]) == (1, 0, 0)  # the dry run is not a post run
    assert a["skips"] == {"slot_taken": 1} and a["failures"] == {"AmbiguousSend": 1, "NoValidTweet": 1}
    assert (a["likes"], a["impressions"], a["engagements"]) == (11, 1500, 16)
    assert (b["likes"], b["impressions"], b["engagements"]) == (30, 600, 36)
    spent = day.rows("SELECT ROUND(SUM(cost_usd), 4) FROM api_calls WHERE account = 'A'")[0][0]
    assert a["spend_usd"] == spent and spent >= 0.4  # two posts with a link, plus owned reads
    assert a["days"][DAY] == {
        "posted": 2,
        "skipped": 1,
        "failed": 2,
        "skips": {"slot_taken": 1},
        "failures": {"AmbiguousSend": 1, "NoValidTweet": 1},
    }
    assert next(iter(a["days"])) == "2026-11-17" and len(a["days"]) == 7
    assert a["next_slot"] == "2026-11-23T13:30+01:00" and b["next_slot"] == "2026-11-23T14:15+01:00"
    assert {lim["kind"] for lim in a["rate_limits"]} >= {"user_24h", "window"}
    assert doc["validation"] == {"passed": 3, "failed": 1, "pass_rate": 0.75}
    assert doc["best"][0]["account"] == "B" and doc["best"][0]["engagement_rate"] == 0.06
    assert doc["worst"] == [] or doc["worst"][-1]["impressions"] == 500
    assert sum(u["posts"] for u in doc["angles"]) == 3
    assert doc["hashtags"] and all(h["name"].startswith("#") for h in doc["hashtags"])
    assert doc["spend"]["calls"] == day.rows("SELECT COUNT(*) FROM api_calls")[0][0]
    assert doc["spend"]["budget_usd"] is None


@pytest.mark.slow
def test_account_filter_and_unknown_account(day: XWorld) -> None:
    doc = json.loads(botx("stats", "--account", "b", "--json").out)
    assert list(doc["accounts"]) == ["B"] and doc["validation"]["passed"] == 1
    run = botx("stats", "--account", "Z")
    assert run.code == 2 and "unknown account" in run.err


def test_days_are_local_days(xworld: XWorld) -> None:
    # 00:30 in Paris on the 24th is 23:30 UTC on the 23rd: it counts on the local 24th.
    assert xworld.post("A", "--force", when="2026-11-24T00:30:00+01:00").code == 0
    doc = json.loads(botx("stats", "--days", "2", "--json").out)
    assert doc["accounts"]["A"]["days"]["2026-11-24"]["posted"] == 1
    assert doc["accounts"]["A"]["days"]["2026-11-23"]["posted"] == 0


@pytest.mark.slow
def test_terminal_view_fits_80_columns(day: XWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = botx("stats", "--days", "30")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert max(len(line) for line in lines) <= 80
    for title in (
        "Accounts",
        "Per day",
        "Skips and failures",
        "Angles",
        "Hashtags",
        "Best posts",
        "Next slot",
        "API month to date",
    ):
        assert any(line.startswith(title) for line in lines), title
    assert any(ch in run.out for ch in "▁▂▃▄▅▆▇█")
    assert "Validation: 75.00% pass" in run.out
    assert "tok-a" not in run.out and "a-consumer_secret" not in run.out


def test_stats_on_an_empty_database(xworld: XWorld) -> None:
    xworld.at(f"{DAY}T10:00:00+01:00")
    run = botx("stats", "--json")
    doc = json.loads(run.out)
    assert doc["accounts"]["A"]["posted"] == 0 and doc["best"] == [] and doc["validation"]["pass_rate"] is None
    assert botx("stats").code == 0


@pytest.mark.slow
def test_stats_queries_search_indexes_never_scan(day: XWorld) -> None:
    """Every statement `stats` runs, explained: ranges of indexes, no full scan of a big table."""
    from datetime import datetime

    from botx_cli.report.stats import run_stats
    from botx_cli.sections import load_config
    from botx_cli.store import open_store

    store = open_store(day.db)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    run_stats(load_config(str(day.config)), store, datetime.fromisoformat(f"{DAY}T13:00:00+01:00"), 30)
    run_stats(load_config(str(day.config)), store, datetime.fromisoformat(f"{DAY}T13:00:00+01:00"), 30, "A")
    store.conn.set_trace_callback(None)
    big = {"attempts", "runs", "api_calls", "metrics_latest", "metric_snapshots", "a", "r", "m"}
    selects = [sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(selects) >= 8
    for sql in selects:
        plan = [row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        scans = [d for d in plan if d.startswith("SCAN ") and d.split()[1] in big]
        assert not scans, (sql, plan)
    store.close()
