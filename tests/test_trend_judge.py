"""The trend judgement end to end: a refresh against the loopback trend site serving the real
captures (restamped) and a hand-made current-shape Google feed with tech, celebrity, sports and
politics headlines; the model judge against tests/fakes/fake_openai.py; what `botx trends`
says and what `botx post` may ride, under every policy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import botx, make_config
from fakes.fake_openai import FakeOpenAI, drip, garbage, status, verdicts
from fakes.static_server import Route
from fakes.trend_site import NOW, PAGES, TrendSite, freshen, point_trends, trends_section

from botx_cli.llm.settings import LlmSettings
from botx_cli.posting.context import trend_picks
from botx_cli.sections import load_config
from botx_cli.store import open_store
from botx_cli.store.settings import StorageSettings
from botx_cli.trends.refresh import refresh

TECH_FEED = PAGES / "google-trends-trending-rss-tech-HANDMADE.xml"
TURKEY = PAGES / "trends24-turkey.html"
LEGACY = PAGES / "google-trends-legacy-daily-rss-US-2024-06-20.xml"
KEY = "sk-test-judge"
TECH = {"#AWSOutage", "#Downdetector", "#GPT6", "#JensenHuang", "#BlackwellUltra", "#Stargate", "#GPT5"}
# Every unsafe trend of the captures and the tech feed, whatever policy: none may reach a pick.
UNSAFE = {
    "#TravisScott",
    "#ChrisBrown",
    "#OzzyOsbourne",
    "#VirginiaGovernorRace",
    "#PopeLeo",
    "#HurricaneMelissa",
    "#TenCommandments",
    "#TropicalStormAlberto",
    "#CDKCyberattack",
    "#RobertMorris",
    "#Stonehenge",
    "#SummerSolstice2024",
    "#ROKETSAN",
    "#Netanyahu",
    "#Macron",
    "#CumhurbaşkanıErdoğan",
    "#GazzeyiDuy",
    "#MaliyeBakanlığı",
    "#İçişleriBakanlığı",
    "#MondayMotivation",
    "#çarşamba",
}


class Site(TrendSite):
    """The trend site with `feed` as Google's RSS (the hand-made tech feed, or the real legacy one)
    and trends24's worldwide or Turkey page, every date restamped to just before NOW."""

    def __init__(self, feed: Path = TECH_FEED, trends24: Path = PAGES / "trends24-worldwide.html") -> None:
        super().__init__()
        self.route(
            "/rss",
            Route(
                body=freshen(feed.read_text(encoding="utf-8")).encode(),
                content_type="application/rss+xml; charset=utf-8",
            ),
        )
        self.route("/trends24/", Route(body=freshen(trends24.read_text(encoding="utf-8")).encode()))


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as server:
        yield server


def configure(
    tmp_path: Path, site: Site, policy: str = "relevant", llm: FakeOpenAI | None = None, extra: str = ""
) -> Path:
    config = point_trends(
        make_config(tmp_path), trends_section(site, policy=policy, extra=extra, pytrends="enabled = false")
    )
    if llm is not None:
        text = config.read_text().replace('strategy = "template"', 'strategy = "llm"')
        text = text.replace('base_url = "https://api.openai.com/v1"', f'base_url = "{llm.base_url}"')
        text = text.replace("timeout_seconds = 20", "timeout_seconds = 1").replace("max_retries = 1", "max_retries = 0")
        config.write_text(text)
    return config


def do_refresh(config: Path, minutes: float = 0):  # type: ignore[no-untyped-def]
    cfg = load_config(str(config))
    store = open_store(cfg.settings(StorageSettings).path)
    try:
        report = refresh(cfg, store, NOW + timedelta(minutes=minutes))
        picks = trend_picks(cfg, store, NOW + timedelta(minutes=minutes))
    finally:
        store.close()
    assert report is not None
    return report, picks


def rows(config: Path, sql: str, *args: object) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(config.parent / "botx.db") as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI() as server:
        yield server


# --- the rules alone ----------------------------------------------------------------------------


DATASETS = {  # Google feed, trends24 page -> the unsafe names each holds, and why they go
    "tech+worldwide": (
        TECH_FEED,
        PAGES / "trends24-worldwide.html",
        {
            "Chris Brown": "crime",
            "Ozzy Osbourne": "tragedy",
            "Virginia governor race": "political",
            "Pope Leo": "religion",
            "Hurricane Melissa": "tragedy",
        },
    ),
    "legacy+turkey": (
        LEGACY,
        TURKEY,
        {
            "Travis Scott": "crime",
            "Ten Commandments": "religion",
            "Tropical Storm Alberto": "tragedy",
            "CDK cyberattack": "crime",
            "Robert Morris": "religion",
            "Stonehenge": "political",
            "ROKETSAN": "war",
            "Netanyahu": "political",
            "Macron": "political",
            "Cumhurbaşkanı Erdoğan": "political",
            "GAZZE'Yİ DUY": "political",
            "Maliye Bakanlığı": "political",
            "İçişleri Bakanlığı": "political",
            "CHP'li": "political",
            "Yeni Partiye": "political",
        },
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["relevant", "any"])
@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_no_unsafe_trend_reaches_a_pick_under_any_policy(tmp_path: Path, policy: str, dataset: str) -> None:
    feed, page, unsafe = DATASETS[dataset]
    with Site(feed, page) as site:
        report, picks = do_refresh(configure(tmp_path, site, policy))
    config = tmp_path / "config.toml"
    rejects = dict(rows(config, "SELECT name, reason FROM trend_rejects WHERE refresh_id = ?", report.refresh_id))
    assert {name: rejects.get(name, "kept").split(" ")[0] for name in unsafe} == {
        name: f"blacklist:{category}" for name, category in unsafe.items()
    }
    tags = {p.hashtag for p in picks}
    assert report.kept > 10 and not tags & UNSAFE, tags & UNSAFE
    assert "#SummerSolstice2024" not in tags and not {t for t in tags if t.startswith("#Monday")}
    trends = {p.hashtag for p in picks if p.kind == "trend"}
    if policy == "relevant":
        assert trends == (TECH if dataset.startswith("tech") else {"#GPT5"})
    else:
        assert trends > {"#TaylorSwift"} and (trends > TECH or dataset.startswith("legacy"))


def xworld_domain_tags() -> set[str]:
    return {"#GPUCompute", "#CloudGPU", "#AIInference", "#LLM", "#MLOps", "#HPC"}


ISSUE_10_ITEM_4 = ["#CloudGPUPornography", "#P0rnGPU", "#P\u043ernHubPremium", "#ISIS", "#Taliban"]


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["relevant", "any"])
def test_the_names_issue_10_saw_posted_reach_no_tweet(xworld, site: Site, policy: str) -> None:  # type: ignore[no-untyped-def]
    rows_html = "".join(
        f'<tr><th class="pos">{i}</th><td class="main"><a href="/t/{i}/">{name}</a></td></tr>'
        for i, name in enumerate([*ISSUE_10_ITEM_4, "Kubernetes"], start=1)
    )
    site.route("/getdaytrends/", Route(body=f'<table class="trends"><tbody>{rows_html}</tbody></table>'.encode()))
    point_trends(xworld.config, trends_section(site, policy=policy, pytrends="enabled = false"))
    posted = []
    for minutes in range(0, 24 * 60, 90):  # a day of A's slots: every pick gets its turn
        run = xworld.post("A", "--json", "--force", when=(NOW + timedelta(minutes=minutes)).isoformat())
        assert run.code == 0, run.err
        posted += json.loads(run.out).get("hashtags", [])
    rejects = dict(xworld.rows("SELECT name, reason FROM trend_rejects"))
    assert {rejects[name].split(" (")[0] for name in ISSUE_10_ITEM_4} == {"blacklist:nsfw", "blacklist:war"}
    assert not {tag.casefold() for tag in posted} & {tag.casefold() for tag in ISSUE_10_ITEM_4}
    # the same page's related trend may ride (composition decides which of the day's picks gets a slot)
    listed = {row["hashtag"]: row for row in json.loads(botx("trends", "--json").out)}
    assert listed["#Kubernetes"]["used"] and any(
        tag.casefold() != "#blackfridayweek" and tag not in xworld_domain_tags() for tag in posted
    )


def test_picks_carry_what_the_judgement_found(tmp_path: Path, site: Site) -> None:
    _report, picks = do_refresh(configure(tmp_path, site))
    by_tag = {p.hashtag: p for p in picks}
    outage = by_tag["#AWSOutage"]
    assert (outage.display, outage.kind, outage.category) == ("AWS outage", "trend", "tech")
    assert outage.context[0].startswith("AWS outage in us-east-1") and outage.matched[:2] == ("AWS", "outage")
    assert by_tag["#GPT6"].display == "GPT-6"  # as the source wrote it, never rebuilt from CamelCase
    assert "Nvidia (headline)" in by_tag["#JensenHuang"].matched
    week = by_tag["#BlackFridayWeek"]  # today's occasion, from [[occasions]]
    assert (week.kind, week.display, week.holiday, week.offer, week.category) == (
        "occasion",
        "Black Friday week",
        False,
        "H100 80GB",
        "calendar",
    )
    assert week.lines and picks[-1] is week  # occasions after the live trends


def test_trends_json_and_verbose_say_why(tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    config = configure(tmp_path, site)
    monkeypatch.setenv("BOTX_CONFIG", str(config))
    monkeypatch.setenv("BOTX_NOW", NOW.isoformat())
    run = botx("trends", "--refresh", "--json", "--limit", "500")
    assert run.code == 0, run.err
    items = {i["hashtag"]: i for i in json.loads(run.out)}
    for item in items.values():  # the listing keeps its keys and adds reason and context
        assert {"name", "hashtag", "sources", "rank", "relevance", "fetched_at", "reason", "context"} <= set(item)
    assert items["#Downdetector"]["reason"] == "relevant: AWS (headline), cloud (headline)"
    assert items["#Downdetector"]["context"][0].startswith("Downdetector reports spike as AWS")
    assert items["#Downdetector"]["used"] is True
    assert items["#TaylorSwift"]["used"] is False and items["#TaylorSwift"]["reason"].startswith("not relevant")
    assert items["#Cloud9"]["reason"].startswith("not relevant: only the field word(s) cloud")
    assert items["#BlackFridayWeek"]["kind"] == "occasion" and items["#BlackFridayWeek"]["context"] == []
    text = " ".join(botx("trends", "-v", "--limit", "500").out.split())
    assert "why #AWSOutage (used): relevant: AWS, outage" in text
    assert 'dropped Chris Brown (google_rss #7): blacklist:crime (arrested, headline "Chris Brown arrested' in text
    assert "dropped Virginia governor race (google_rss #9): blacklist:political (governor)" in text
    assert "dropped Ozzy Osbourne (google_rss #10): blacklist:tragedy (dies, headline" in text
    assert all(i["dropped"] is False for i in json.loads(run.out))
    # -v adds what cleaning dropped to the JSON, each with its reason (issue 11 point 6)
    verbose = json.loads(botx("trends", "--json", "-v", "--limit", "500").out)
    dropped = {i["name"]: i for i in verbose if i["dropped"]}
    assert dropped["Chris Brown"]["reason"].startswith("blacklist:crime (arrested")
    assert dropped["Chris Brown"]["sources"] == ["google_rss"] and dropped["Chris Brown"]["rank"] == 7
    assert dropped["Chris Brown"]["hashtag"] is None and dropped["Chris Brown"]["used"] is False
    assert dropped["Virginia governor race"]["reason"] == "blacklist:political (governor)"
    assert len(verbose) - len(dropped) == len(items)  # the candidates are unchanged


# --- the model as a second judge ----------------------------------------------------------------


def prompt_of(request: dict) -> str:
    return "\n".join(m["content"] for m in request["json"]["messages"])


@pytest.mark.slow
def test_one_batched_call_per_refresh_and_verdicts_are_reused(
    tmp_path: Path, site: Site, fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = configure(tmp_path, site, llm=fake)
    report, _picks = do_refresh(config)
    [request] = fake.judge_requests  # all the kept trends in one call
    text = prompt_of(request)
    assert "1. AWS outage (google_rss, rank 1)" in text and "   - AWS outage in us-east-1 takes down" in text
    assert "Chris Brown" not in text and "Ozzy" not in text  # unsafe by the rules: never shown to the model
    assert report.judge == f"llm: judged {report.kept} trend(s) in one call"
    stored = dict(rows(config, "SELECT hashtag, llm_verdict FROM trends WHERE refresh_id = ?", report.refresh_id))
    assert json.loads(stored["#GPT6"]) == {"safe": True, "related": True, "why": "fake default"}
    again, _picks = do_refresh(config, minutes=31)  # the same trends still trending: not asked again
    assert len(fake.judge_requests) == 1 and again.judge.startswith("llm: every trend judged in earlier refreshes")
    assert rows(config, "SELECT judge FROM trend_refreshes ORDER BY id")[-1][0] == again.judge
    before = len(fake.judge_requests)  # a warm post (strategy llm: the model writes the copy) never judges
    monkeypatch.setenv("BOTX_NOW", (NOW + timedelta(minutes=40)).isoformat())
    listed = json.loads(botx("--config", str(config), "trends", "--json", "--limit", "500").out)
    assert {i["hashtag"]: i["llm"] for i in listed}["#GPT6"] == {"safe": True, "related": True, "why": "fake default"}
    run = botx("--config", str(config), "post", "--account", "A", "--dry-run", "--force")
    assert run.code == 0, run.err
    assert len(fake.judge_requests) == before and len(fake.chat_requests) > before


def judged_by_name(body: dict) -> str:
    """A scripted judge that answers by trend name, whatever order the prompt lists them in."""
    entries = []
    for line in prompt_of({"json": body}).splitlines():
        if line[:1].isdigit():
            number, name = int(line.split(".")[0]), line.split(". ", 1)[1].split(" (")[0]
            related = {"GPT-6": False, "Cloud9": True, "Taylor Swift": True}.get(name, True)
            entries.append((number, name != "Stargate", related, f"scripted for {name}"))
    return verdicts(*entries).content or ""


def test_the_model_vetoes_or_confirms_within_what_the_rules_allow(tmp_path: Path, site: Site, fake: FakeOpenAI) -> None:
    fake.judge_default = judged_by_name  # type: ignore[method-assign]
    config = configure(tmp_path, site, llm=fake)
    report, picks = do_refresh(config)
    used = {p.hashtag for p in picks if p.kind == "trend"}
    assert "#Stargate" not in used and "#GPT6" not in used  # vetoed: unsafe, and not related
    assert "#Cloud9" in used  # the rules found a field word (cloud): the model may confirm it
    assert "#TaylorSwift" not in used  # no evidence at all: the model cannot make it relevant
    assert {"#AWSOutage", "#JensenHuang", "#BlackwellUltra", "#Downdetector"} <= used
    rejects = dict(rows(config, "SELECT name, reason FROM trend_rejects WHERE refresh_id = ?", report.refresh_id))
    assert rejects["Stargate"] == "llm:unsafe (scripted for Stargate)"
    reasons = dict(rows(config, "SELECT hashtag, reason FROM trends WHERE refresh_id = ?", report.refresh_id))
    assert reasons["#GPT6"].endswith("; the model: not related (scripted for GPT-6)")
    assert reasons["#Cloud9"] == "relevant: the model confirmed (scripted for Cloud9); the rules found cloud"
    assert "nothing to confirm" in reasons["#TaylorSwift"]
    config.write_text(config.read_text().replace('policy = "relevant"', 'policy = "any"', 1))
    _again, any_picks = do_refresh(config, minutes=31)  # verdicts reused from the store
    tags = {p.hashtag for p in any_picks}
    assert "#GPT6" in tags and "#Stargate" not in tags and not tags & UNSAFE  # "any": only safety counts
    assert len(fake.judge_requests) == 1


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_a_slow_drip_model_cannot_hold_the_refresh(tmp_path: Path, site: Site, fake: FakeOpenAI) -> None:
    # one byte every 0.3 s: the client's per-read timeout (1 s) never fires; the call's deadline does
    fake.script_judge(drip(0.3, text=json.dumps({"verdicts": []}) * 50))
    config = configure(tmp_path, site, llm=fake)
    report, picks = do_refresh(config)
    assert report.judge == "llm: no answer within 1 s; the rules alone judged"
    assert {p.hashtag for p in picks if p.kind == "trend"} == TECH  # the rules' verdicts stand
    assert report.duration_ms < 60_000


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answer", "note"),
    [
        (status(401), "llm: the server refused the key (HTTP 401); the rules alone judged"),
        (status(500), "llm: HTTP 500 (InternalServerError); the rules alone judged"),
        (garbage(), "llm: unusable answer"),
    ],
)
def test_a_failing_model_leaves_the_rules_alone(tmp_path: Path, site: Site, fake: FakeOpenAI, answer, note) -> None:  # type: ignore[no-untyped-def]
    fake.script_judge(answer)
    report, picks = do_refresh(configure(tmp_path, site, llm=fake))
    assert report.judge.startswith(note) and KEY not in report.judge
    assert {p.hashtag for p in picks if p.kind == "trend"} == TECH


def test_answers_that_are_not_verdicts_are_left_out(tmp_path: Path, site: Site, fake: FakeOpenAI) -> None:
    from fakes.fake_openai import copy

    fake.script_judge(
        copy(
            'Sure! ```json\n{"verdicts": [{"id": 1, "safe": "no", "related": true}, '
            '{"id": 2, "safe": false, "related": false, "why": "x"}, {"id": 2, "safe": true, '
            '"related": true}, {"id": 999, "safe": false, "related": false}]}\n```'
        )
    )
    report, _picks = do_refresh(configure(tmp_path, site, llm=fake))
    assert report.judge.startswith("llm: judged 1 trend(s) in one call,") and "without a usable verdict" in report.judge


@pytest.mark.slow
def test_a_warm_post_never_judges_and_imports_nothing_new(tmp_path: Path, site: Site) -> None:
    config = configure(tmp_path, site)
    env = {**os.environ, "BOTX_CONFIG": str(config), "BOTX_NOW": NOW.isoformat(), "NO_PROXY": "127.0.0.1"}
    assert botx("--config", str(config), "trends", "--refresh", "--quiet").code == 0
    command = [sys.executable, "-X", "importtime", "-m", "botx_cli", "post", "--account", "A", "--dry-run", "--json"]
    warm = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert set(json.loads(warm.stdout)["hashtags"]) & TECH
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in warm.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert not imported & {"sklearn", "bs4", "httpx", "pytrends", "pandas", "openai", "rich"}
    assert rows(config, "SELECT COUNT(*) FROM trend_refreshes") == [(1,)]


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_a_refresh_a_post_runs_gives_the_model_only_what_is_left_of_its_budget(
    tmp_path: Path, site: Site, fake: FakeOpenAI
) -> None:
    import re

    from botx_cli.trends.refresh import refresh_if_stale

    fake.script_judge(drip(0.3, text=json.dumps({"verdicts": []}) * 50))
    config = configure(tmp_path, site, llm=fake, extra="refresh_budget_seconds = 3\n")
    config.write_text(re.sub(r"timeout_seconds = 1(\s+# each call)", r"timeout_seconds = 30\1", config.read_text()))
    cfg = load_config(str(config))
    assert cfg.settings(LlmSettings).timeout_seconds == 30
    store = open_store(cfg.settings(StorageSettings).path)
    try:
        report = refresh_if_stale(cfg, store, NOW, trigger="post")
    finally:
        store.close()
    assert report is not None and report.judge is not None
    waited = re.match(r"llm: no answer within ([\d.]+) s; the rules alone judged", report.judge)
    assert waited and float(waited.group(1)) <= 3, report.judge  # not the model's own 30 s
