"""Trends seen from the commands: `post` with a stale, warm or dead cache, the policies,
trend reuse per account, `botx trends` output, `botx cron`, config errors, and what a
warm `botx post` imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import XWorld, botx, make_config
from fakes.trend_site import NOW, TrendSite, gpu_trend_site, point_trends, trends_section

from botx_cli.posting.context import trend_picks
from botx_cli.sections import load_config
from botx_cli.store import open_store
from botx_cli.store.settings import StorageSettings
from botx_cli.trends import cache
from botx_cli.trends.calendar import calendar_tags

CALENDAR = set(calendar_tags(load_config(str(Path(__file__).parent.parent / "botx_cli" / "example_config.toml")), NOW))
HEAVY = ("sklearn", "bs4", "httpx", "pytrends", "pandas", "rich")


@pytest.fixture
def site() -> Iterator[TrendSite]:
    with gpu_trend_site() as server:
        yield server


def at(xworld: XWorld, minutes: float) -> str:
    moment = NOW + timedelta(minutes=minutes)
    xworld.at(moment.isoformat())
    return moment.isoformat()


def test_every_source_down_post_still_posts_with_its_domain_tag(xworld: XWorld, site: TrendSite) -> None:
    for path in ("/rss", "/trends24/", "/getdaytrends/", "/trends/api/dailytrends"):
        site.options(path, reset=True)
    point_trends(xworld.config, trends_section(site))
    run = xworld.post("A", "--json", when=NOW.isoformat())
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["status"] == "posted"
    # with every source down no live trend rides: the domain tag, and at most the day's occasion
    # from [[occasions]] (Black Friday week on this date), never calendar filler
    filler = {"#MondayMotivation", "#November2026", "#Autumn2026", "#TechTuesday"}
    assert not filler & set(doc["hashtags"]) and set(doc["hashtags"]) - CALENDAR
    assert len(set(doc["hashtags"]) - CALENDAR) == 1 and {"#BlackFridayWeek"} == CALENDAR
    [(failed,)] = xworld.rows("SELECT sources_failed FROM trend_refreshes")
    assert sorted(json.loads(failed)) == ["getdaytrends", "google_rss", "pytrends", "trends24"]


def test_post_refreshes_only_a_stale_cache(xworld: XWorld, site: TrendSite) -> None:
    point_trends(xworld.config, trends_section(site))
    assert xworld.post("A", when=NOW.isoformat()).code == 0
    assert site.hits("trends24") == 1
    at(xworld, 10)
    assert botx("post", "--account", "A", "--dry-run", "--force").code == 0  # warm: no fetch
    assert botx("trends", "--json").code == 0
    assert site.hits("trends24") == 1
    at(xworld, 31)
    assert botx("post", "--account", "A", "--dry-run", "--force").code == 0  # stale: refreshed
    assert site.hits("trends24") == 2
    assert [t for (t,) in xworld.rows("SELECT trigger FROM trend_refreshes ORDER BY id")] == ["post", "post"]


@pytest.mark.slow
def test_policy_decides_which_trends_posts_may_use(
    tmp_path: Path, site: TrendSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(tmp_path)
    monkeypatch.setenv("BOTX_NOW", NOW.isoformat())
    picks = {}
    for policy in ("relevant", "any", "off"):
        point_trends(config, trends_section(site, policy=policy))
        assert botx("--config", str(config), "trends", "--refresh", "--quiet").code == 0
        cfg = load_config(str(config))
        store = open_store(cfg.settings(StorageSettings).path)
        picks[policy] = [(p.hashtag, p.relevance) for p in trend_picks(cfg, store, NOW)]
        store.close()
    relevant = {tag for tag, _ in picks["relevant"]}
    assert {"#NvidiaEarnings", "#CloudGPUPrices", "#H100Shortage"} <= relevant
    assert "#TaylorSwift" not in relevant and all(r > 0.2 for t, r in picks["relevant"] if t not in CALENDAR)
    assert "#TaylorSwift" in {tag for tag, _ in picks["any"]}
    assert {tag for tag, _ in picks["off"]} == CALENDAR
    assert picks["relevant"][0][0] == "#NvidiaEarnings"  # best score first, calendar tags last


@pytest.mark.slow
def test_an_account_does_not_reuse_a_trend_within_reuse_hours(xworld: XWorld, site: TrendSite) -> None:
    point_trends(xworld.config, trends_section(site, extra="reuse_hours = 2\n"))
    trends = {}
    for account, minutes in (("A", 0), ("B", 45), ("A", 90), ("A", 180)):
        at(xworld, minutes)
        run = xworld.post(account, "--json")
        assert run.code == 0 and json.loads(run.out)["status"] == "posted", run.out + run.err
        [(trend,)] = xworld.rows("SELECT trend FROM attempts ORDER BY id DESC LIMIT 1")
        trends[(account, minutes)] = trend
    first = trends[("A", 0)]
    assert first == "#NvidiaEarnings"
    assert trends[("B", 45)] == first  # another account may use it
    assert trends[("A", 90)] != first  # not the same account within 2 hours
    assert trends[("A", 180)] == first  # after reuse_hours it is the best pick again


def test_trends_table_says_what_was_dropped_and_why(
    tmp_path: Path, site: TrendSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.options("/getdaytrends/", status=503)
    config = point_trends(make_config(tmp_path), trends_section(site))
    monkeypatch.setenv("BOTX_CONFIG", str(config))
    monkeypatch.setenv("BOTX_NOW", NOW.isoformat())
    run = botx("trends", "-v", "--limit", "6")
    assert run.code == 0, run.err
    text = " ".join(run.out.split())
    assert "hashtag name sources rank volume relevance category age" in text
    assert "#NvidiaEarnings Nvidia earnings google_rss,pytrends 1 2,000 1.00 tech 30m" in text
    assert "why #NvidiaEarnings (used): relevant: Nvidia headline: news Item 1" in text  # -v says why
    assert "why #TaylorSwift (not used): not relevant: no term of the product's field in its name" in text
    assert "why #BlackFridayWeek (used): occasion of 2026-11-23 (not a holiday" in text
    assert "source getdaytrends: cooling off until" in text and "HTTP 503" in text
    assert "dropped" in text and ": script" in text  # trends24's non-Latin names
    quiet = botx("trends", "--refresh", "--quiet")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")


def test_doctor_shows_the_cache_and_failing_sources(
    tmp_path: Path, site: TrendSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.options("/trends24/", status=502)
    config = point_trends(make_config(tmp_path), trends_section(site, x_base_url="http://127.0.0.1:9"))
    monkeypatch.setenv("BOTX_NOW", NOW.isoformat())
    assert "never refreshed" in botx("--config", str(config), "doctor").out
    botx("--config", str(config), "trends", "--refresh", "--quiet")
    text = " ".join(botx("--config", str(config), "doctor").out.split())
    assert "trends cache: refreshed 0m ago, 3 of 5 sources answered" in text
    assert "trend source trends24: 1 failure(s) in a row, skipped until" in text and "HTTP 502" in text
    assert "trend source x: BOTX_X_BEARER_TOKEN is not set" in text


def test_every_source_down_is_a_warning_not_an_error(
    tmp_path: Path, site: TrendSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in ("/rss", "/trends24/", "/getdaytrends/", "/trends/api/dailytrends"):
        site.options(path, status=500)
    config = point_trends(make_config(tmp_path), trends_section(site))
    monkeypatch.setenv("BOTX_NOW", NOW.isoformat())
    run = botx("--config", str(config), "trends", "--json")
    assert run.code == 0
    assert {tuple(i["sources"]) for i in json.loads(run.out)} == {("calendar",)}
    assert run.err.startswith("botx: warning: every trend source failed")


@pytest.mark.slow
def test_cache_keeps_the_latest_refreshes_only(tmp_path: Path, site: TrendSite) -> None:
    config = point_trends(make_config(tmp_path), trends_section(site, extra="keep_refreshes = 3\n"))
    cfg = load_config(str(config))
    store = open_store(cfg.settings(StorageSettings).path)
    from botx_cli.trends.refresh import refresh

    ids = [refresh(cfg, store, NOW + timedelta(minutes=m)).refresh_id for m in range(6)]  # type: ignore[union-attr]
    kept = [r for (r,) in store.conn.execute("SELECT DISTINCT refresh_id FROM trends ORDER BY 1")]
    assert kept == ids[-3:]
    assert store.one("SELECT MIN(refresh_id) FROM trend_rejects") == ids[-3]
    assert cache.claim_refresh(store, NOW + timedelta(minutes=6), 30, "post", force=False) is None  # fresh
    store.close()


def test_cron_prints_the_refresh_line(tmp_path: Path) -> None:
    run = botx("--config", str(make_config(tmp_path)), "cron")
    [line] = [line for line in run.out.splitlines() if " trends " in line]
    assert line.startswith("28-59/30 * * * * ") and line.endswith(" trends --refresh --quiet")
    off = botx("--config", str(make_config(tmp_path, policy='"off"')), "cron")
    assert " trends " not in off.out


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ('[trends.sources.trends24]\nurll = "https://trends24.in/"\n', "[trends.sources.trends24] urll"),
        ("[trends.sources.google_rss]\ntimeout_seconds = 0\n", "[trends.sources.google_rss] timeout_seconds"),
        ("[trends.sources.x]\nwoeid = 0\n", "[trends.sources.x] woeid"),
        ('[trends.sources.calendar]\nurl = "https://example.com/"\n', "[trends.sources.calendar] url"),
        ('[trends.categories]\nweather = ["rain"]\n', "[trends.categories] weather"),
        ('[trends.blacklist]\npolitical = "election"\n', "[trends.blacklist] political"),
        ("cach_minutes = 5\n", "[trends] cach_minutes"),
        ('script = "klingon"\n', "[trends] script"),
        ("max_age_hours = 0\n", "[trends] max_age_hours"),
        ("refresh_budget_seconds = -1\n", "[trends] refresh_budget_seconds"),
        ('related = ["AWS | ", " | "]\n', "[trends] related"),  # an alias with no letters
        ('related = "AWS"\n', "[trends] related"),
        ('related = ["' + "x" * 81 + '"]\n', "[trends] related"),
        ("blacklist_allow = [1]\n", "[trends] blacklist_allow"),
    ],
)
def test_bad_trend_keys_are_one_line_exit_2(tmp_path: Path, section: str, key: str) -> None:
    config = point_trends(make_config(tmp_path), "[trends]\n" + section + "\n")
    run = botx("--config", str(config), "cron")
    assert run.code == 2 and key in run.err and len(run.err.splitlines()) == 1, run.err
    assert str(config) in run.err


@pytest.mark.slow
def test_a_warm_post_imports_nothing_heavy(tmp_path: Path, site: TrendSite) -> None:
    config = point_trends(make_config(tmp_path), trends_section(site))
    env = {**os.environ, "BOTX_CONFIG": str(config), "BOTX_NOW": NOW.isoformat()}
    command = [sys.executable, "-X", "importtime", "-m", "botx_cli", "post", "--account", "A", "--dry-run"]
    cold = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert cold.returncode == 0, cold.stderr[-2000:]
    assert "sklearn" in _imported(cold.stderr)  # the stale cache was refreshed and scored
    warm = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert warm.returncode == 0 and "#NvidiaEarnings" in warm.stdout
    assert _imported(warm.stderr) & set(HEAVY) == set()


def _imported(importtime: str) -> set[str]:
    lines = (line.split("|")[-1].strip() for line in importtime.splitlines() if line.startswith("import time:"))
    return {name.split(".")[0] for name in lines}
