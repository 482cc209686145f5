"""`botx metrics` against the loopback fake X: batches, owner-only fields and their fallback,
snapshots over time, the daily read budget, every read recorded with its cost."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from conftest import XWorld, botx
from ops_helpers import seed_posts, set_key

NOW = "2026-11-23T12:00:00+01:00"


def moments(count: int, days_back: float = 3.0) -> list[str]:
    end = datetime.fromisoformat(NOW)
    step = timedelta(days=days_back) / max(count, 1)
    return [(end - step * (i + 1)).isoformat() for i in range(count)]


def lookups(world: XWorld) -> list[dict]:
    return [r for r in world.fake.requests if r["method"] == "GET" and r["path"] == "/2/tweets"]


def test_batches_of_100_owner_fields_and_owned_read_cost(xworld: XWorld) -> None:
    xworld.at(NOW)
    ids = seed_posts(xworld.db, xworld, "A", "tok-a", moments(150))
    xworld.fake.set_metrics(ids[0], like_count=7, impression_count=900, retweet_count=1)
    run = botx("metrics", "--account", "A", "--days", "7", "--json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["accounts"]["A"]["snapshots"] == 150 and doc["accounts"]["A"]["owner_fields"] == 150
    sizes = sorted(len(r["query"]["ids"].split(",")) for r in lookups(xworld))
    assert sizes == [50, 100]
    assert all("non_public_metrics" in r["query"]["tweet.fields"] for r in lookups(xworld))
    assert xworld.rows(
        "SELECT impressions, likes, source, url_clicks FROM metrics_latest WHERE tweet_id = ?", ids[0]
    ) == [(900, 7, "non_public", 0)]
    calls = xworld.rows("SELECT endpoint, items, ROUND(cost_usd, 4) FROM api_calls ORDER BY id")
    assert calls[0] == ("GET /2/users/me", 0, 0.001)  # the owner, once: own posts are owned reads
    assert sorted(calls[1:]) == [("GET /2/tweets", 50, 0.05), ("GET /2/tweets", 100, 0.1)]
    assert doc["read_today"] == 150


def test_posts_over_30_days_ask_public_metrics_only(xworld: XWorld) -> None:
    xworld.at(NOW)
    seed_posts(xworld.db, xworld, "A", "tok-a", ["2026-11-20T10:00:00+01:00"])
    old = seed_posts(xworld.db, xworld, "A", "tok-a", ["2026-10-01T10:00:00+02:00"])
    assert botx("metrics", "--account", "A", "--days", "60").code == 0
    fields = {r["query"]["ids"]: r["query"]["tweet.fields"] for r in lookups(xworld)}
    assert "non_public_metrics" not in fields[old[0]]
    assert xworld.rows("SELECT source FROM metrics_latest WHERE tweet_id = ?", old[0]) == [("public",)]


@pytest.mark.parametrize("refusal", ["200 with errors", "403"])
def test_refused_owner_fields_fall_back_to_public(xworld: XWorld, refusal: str) -> None:
    xworld.at(NOW)
    ids = seed_posts(xworld.db, xworld, "A", "tok-a", moments(3))
    xworld.fake.set_metrics(ids[1], like_count=4, impression_count=100)
    error = {
        "title": "Field Authorization Error",
        "type": "https://api.twitter.com/2/problems/not-authorized-for-field",
        "detail": "Sorry, you are not authorized to access non_public_metrics on a Tweet.",
        "field": "non_public_metrics",
        "section": "data",
    }
    if refusal == "403":
        xworld.fake.enqueue("GET", "/2/tweets", status=403, body={**error, "status": 403})
    else:
        xworld.fake.enqueue("GET", "/2/tweets", status=200, body={"errors": [error]})
    run = botx("metrics", "--account", "A", "--json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)["accounts"]["A"]
    assert (doc["snapshots"], doc["fallbacks"], doc["owner_fields"]) == (3, 1, 0)
    second = lookups(xworld)[-1]["query"]["tweet.fields"]
    assert "public_metrics" in second and "non_public_metrics" not in second
    assert xworld.rows("SELECT likes, impressions, source FROM metrics_latest WHERE tweet_id = ?", ids[1]) == [
        (4, 100, "public")
    ]


def test_snapshots_accumulate_and_latest_is_kept(xworld: XWorld) -> None:
    xworld.at(NOW)
    [tid] = seed_posts(xworld.db, xworld, "A", "tok-a", moments(1))
    xworld.fake.set_metrics(tid, like_count=1, impression_count=10)
    assert botx("metrics", "--account", "A").code == 0
    xworld.at("2026-11-23T18:00:00+01:00")
    xworld.fake.set_metrics(tid, like_count=5, impression_count=80, reply_count=2)
    assert botx("metrics", "--account", "A").code == 0
    assert xworld.rows("SELECT likes, impressions FROM metric_snapshots ORDER BY fetched_at") == [(1, 10), (5, 80)]
    assert xworld.rows("SELECT likes, impressions, engagements FROM metrics_latest") == [(5, 80, 7)]


def test_daily_read_budget_stops_and_resumes_next_utc_day(xworld: XWorld) -> None:
    set_key(xworld.config, "metrics", "daily_read_budget", "120")
    xworld.at(NOW)
    seed_posts(xworld.db, xworld, "A", "tok-a", moments(150))
    first = json.loads(botx("metrics", "--account", "A", "--json").out)
    assert first["accounts"]["A"]["snapshots"] == 120 and first["accounts"]["A"]["stopped"] == "budget"
    assert first["read_today"] == 120
    again = json.loads(botx("metrics", "--account", "A", "--json").out)
    assert again["accounts"]["A"]["snapshots"] == 0 and again["read_today"] == 120
    xworld.at("2026-11-24T01:30:00+01:00")  # 00:30 UTC: a new read day
    third = json.loads(botx("metrics", "--account", "A", "--json").out)["accounts"]["A"]
    assert third["snapshots"] == 120
    assert xworld.rows("SELECT COUNT(*) FROM metrics_latest") == [(150,)]  # the 30 never measured came first


def test_every_account_and_quiet_output(xworld: XWorld) -> None:
    xworld.at(NOW)
    seed_posts(xworld.db, xworld, "A", "tok-a", moments(2))
    seed_posts(xworld.db, xworld, "B", "tok-b", moments(3))
    run = botx("metrics", "--quiet")
    assert (run.code, run.out, run.err) == (0, "", "")
    assert xworld.rows("SELECT account, COUNT(*) FROM metrics_latest GROUP BY account") == [("A", 2), ("B", 3)]
    loud = botx("metrics")
    assert "A: 2/2 posts measured" in loud.out and "reads today" in loud.out


def test_reads_disabled_reads_nothing(xworld: XWorld) -> None:
    set_key(xworld.config, "x", "reads", "false")
    xworld.at(NOW)
    seed_posts(xworld.db, xworld, "A", "tok-a", moments(2))
    run = botx("metrics", "--json")
    assert json.loads(run.out)["accounts"]["A"]["stopped"] == "reads_disabled"
    assert xworld.fake.requests == []


def test_rate_limited_lookup_exits_75_keeping_what_was_read(xworld: XWorld) -> None:
    xworld.at(NOW)
    seed_posts(xworld.db, xworld, "A", "tok-a", moments(150))
    xworld.fake.window_limits["GET /2/tweets"] = 1  # the second batch meets X's 15-minute window
    run = botx("metrics", "--account", "A")
    assert run.code == 75 and "rate limit" in run.err and len(run.err.splitlines()) == 1
    assert xworld.rows("SELECT COUNT(*) FROM metrics_latest") == [(100,)]
    assert xworld.rows("SELECT remaining FROM rate_limits WHERE endpoint = 'GET /2/tweets' AND kind = 'window'") == [
        (0,)
    ]


def test_cron_prints_the_metrics_line(xworld: XWorld) -> None:
    run = botx("cron")
    assert run.code == 0
    assert any(" metrics --days 7 --quiet" in line and not line.startswith("#") for line in run.out.splitlines())
