"""`botx preview`, `botx check` and the content side of `botx post`, through the real CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import XWorld, botx, botx_proc, make_config

from botx_cli.content.validate import CHECKS
from botx_cli.text import extract_hashtags, weighted_length

NOW = "2026-11-23T09:00:00+01:00"
DOMAIN = {"gpucompute", "cloudgpu", "aiinference", "llm", "mlops", "hpc"}


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = make_config(tmp_path)
    monkeypatch.setenv("BOTX_CONFIG", str(config))
    monkeypatch.setenv("BOTX_NOW", NOW)
    return config


def preview(*args: str) -> list[dict]:
    run = botx("preview", "--json", *args)
    assert run.code == 0, run.err
    return json.loads(run.out)


@pytest.mark.slow
def test_a_thousand_previews_are_valid_distinct_and_tagged(content: Path) -> None:
    items = preview("--count", "500")
    assert len(items) == 1000 and {i["account"] for i in items} == {"A", "B"}
    invalid = [(i["text"], [k for k, ok in i["checks"].items() if not ok]) for i in items if not i["valid"]]
    assert invalid == []
    assert len({i["text"] for i in items}) == 1000
    for item in items:
        tags = extract_hashtags(item["text"])
        assert 1 <= len(tags) <= 2 and any(t.casefold() in DOMAIN for t in tags)
        assert item["weighted_length"] == weighted_length(item["text"]) <= 280
        assert "\ufffd" not in item["text"] and set(item["checks"]) == set(CHECKS)
        assert set(item) >= {"account", "text", "hashtags", "trend", "angle", "weighted_length", "checks", "valid"}
    by_account = {name: [i for i in items if i["account"] == name] for name in ("A", "B")}
    for own in by_account.values():
        tags = [next(t for t in i["hashtags"] if t.lstrip("#").casefold() in DOMAIN) for i in own]
        assert all(a != b for a, b in zip(tags, tags[1:]))  # never the same domain tag twice in a row
        assert all(a["angle"] != b["angle"] for a, b in zip(own, own[1:]))
        assert len(set(tags)) == 6  # every domain tag gets its turn
    # slot-time order across accounts, and no two consecutive posts (any accounts) on one angle
    assert [i["slot"] for i in items] == sorted(i["slot"] for i in items)
    assert all(a["angle"] != b["angle"] for a, b in zip(items, items[1:]))


def test_preview_interleaves_accounts_and_continues_from_posts(content: Path) -> None:
    items = preview("--count", "3")
    assert [(i["account"], i["slot"][11:16]) for i in items] == [
        ("B", "09:45"),
        ("A", "10:30"),
        ("B", "11:15"),
        ("A", "12:00"),
        ("B", "12:45"),
        ("A", "13:30"),
    ]
    only_a = preview("--account", "A", "--count", "2")
    assert [i["account"] for i in only_a] == ["A", "A"]
    assert botx("preview", "--count", "2").code == 0  # the rich panels render


def test_preview_writes_no_posts(content: Path, tmp_path: Path) -> None:
    preview("--count", "5")
    with sqlite3.connect(tmp_path / "botx.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM attempts").fetchone() == (0,)
        plans = conn.execute("SELECT COUNT(*) FROM affinities WHERE kind = 'plan'").fetchone()[0]
    assert plans == 6 * 5 * 6  # angles x offers x domain tags, stored for the post path


def test_check_json_keys_and_exit_code(content: Path) -> None:
    good = (
        "Fine-tune tonight on GPUs billed by the second 🚀 Code SHA-256-C7E8976BBAF2 takes 5% off. "
        "https://voltagegpu.com/ #CloudGPU"
    )
    run = botx("check", good, "--json")
    doc = json.loads(run.out)
    assert run.code == 0 and set(doc) == {"weighted_length", "valid", "hashtags", "checks"}
    assert doc["valid"] is True and doc["hashtags"] == ["CloudGPU"] and set(doc["checks"]) == set(CHECKS)
    bad = botx("check", "BUY NOW \ufffd #Monday", "--json")
    doc = json.loads(bad.out)
    assert bad.code == 3 and doc["valid"] is False
    assert {k for k, ok in doc["checks"].items() if not ok} >= {"characters", "link", "domain_tag", "caps"}
    assert doc["checks"]["promo"]  # the example's promo_every = 2: a manual text may go without the code


def test_post_without_any_valid_candidate_exits_3_naming_the_checks(xworld: XWorld) -> None:
    text = xworld.config.read_text().replace("max_caps_ratio = 0.3", "max_caps_ratio = 0.0")
    xworld.config.write_text(text)
    run = xworld.post("A", when="2026-11-23T09:00:00+01:00")
    assert run.code == 3 and "caps x6" in run.err and len(run.err.splitlines()) == 1
    assert xworld.fake.requests == []


@pytest.mark.slow
def test_posts_rotate_angles_and_domain_tags_and_record_the_strategy(xworld: XWorld) -> None:
    slots = ["09:00", "09:45", "10:30", "11:15", "12:00", "12:45", "13:30", "14:15"]
    for index, slot in enumerate(slots):
        assert xworld.post("AB"[index % 2], when=f"2026-11-23T{slot}:00+01:00").code == 0
    rows = xworld.rows("SELECT account, angle, hashtags, strategy FROM attempts WHERE status = 'posted' ORDER BY id")
    assert len(rows) == 8 and {r[3] for r in rows} == {"template"}
    assert all(a[1] != b[1] for a, b in zip(rows, rows[1:]))  # A and B never on one angle back to back
    for account in "AB":
        tags = [
            next(t for t in json.loads(r[2]) if t.lstrip("#").casefold() in DOMAIN) for r in rows if r[0] == account
        ]
        assert all(a != b for a, b in zip(tags, tags[1:]))


@pytest.mark.slow
def test_warm_post_imports_no_heavy_package(xworld: XWorld) -> None:
    """The affinities are computed once (cold path: sklearn allowed); later runs only read them."""
    env = {**xworld.env, "BOTX_NOW": NOW, "PYTHONPROFILEIMPORTTIME": "1"}
    cold = botx_proc("post", "--account", "A", "--dry-run", env=env)
    assert cold.code == 0 and "sklearn" in cold.err
    warm = botx_proc("post", "--account", "A", "--dry-run", env=env)
    assert warm.code == 0, warm.err
    imported = {line.split("|")[-1].strip().split(".")[0] for line in warm.err.splitlines() if "|" in line}
    assert not imported & {"sklearn", "openai", "bs4", "pandas", "rich", "scipy", "numpy"}


def test_a_config_change_recomputes_the_affinities(content: Path, tmp_path: Path) -> None:
    preview("--count", "1")
    text = content.read_text().replace('"#HPC" = "high-performance computing', '"#HPC" = "supercomputers')
    content.write_text(text)
    preview("--count", "1")
    with sqlite3.connect(tmp_path / "botx.db") as conn:
        hashes = conn.execute("SELECT DISTINCT config_hash FROM affinities WHERE kind = 'plan'").fetchall()
    assert len(hashes) == 1  # the old config's rows are gone, the new ones stored


def test_affinity_follows_the_words(content: Path, tmp_path: Path) -> None:
    preview("--count", "1")
    with sqlite3.connect(tmp_path / "botx.db") as conn:
        rows = conn.execute("SELECT key, domain_tag, score FROM affinities WHERE kind = 'plan'").fetchall()
    best: dict[str, tuple[float, str]] = {}
    for key, tag, score in rows:
        best[key] = max(best.get(key, (0.0, "")), (score, tag))
    assert best["latency\x1fLlama 3.1 70B inference"][1] in ("#AIInference", "#LLM")
    assert best["support\x1fH100 80GB"][1] == "#MLOps"
    assert best["regions\x1fA100 80GB"][1] == "#CloudGPU"


@pytest.mark.slow
def test_bad_content_config_fails_up_front(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    config.write_text(config.read_text().replace('"#HPC" = "high', '"#Nope" = "high'))
    run = botx_proc("--config", str(config), "preview")
    assert run.code == 2 and "[hashtags.about] #Nope" in run.err
    config.write_text(make_config(tmp_path).read_text().replace("near_duplicate_days = 7", "near_duplicate_days = 0"))
    run = botx_proc("--config", str(config), "preview")
    assert run.code == 2 and "near_duplicate_days" in run.err
    config.write_text(make_config(tmp_path).read_text().replace("{hook} {offer}.", "{hook} {price}."))
    run = botx_proc("--config", str(config), "preview")
    assert run.code == 2 and "[compose] layouts" in run.err and "{price}" in run.err


def test_one_run_computes_the_affinities_the_others_rotate_without(tmp_path: Path) -> None:
    """A cron minute on a cold DB: one run holds the claim, the others neither wait nor load sklearn."""
    from datetime import datetime, timedelta

    from botx_cli.sections import load_config
    from botx_cli.store import open_store
    from botx_cli.trends import affinity

    cfg = load_config(str(make_config(tmp_path)))
    store = open_store(tmp_path / "botx.db")
    now = datetime.fromisoformat(NOW)
    digest = affinity.config_hash(cfg)
    store.conn.execute("INSERT INTO affinities VALUES (?, 'claim', '', '', 0, ?)", (digest, "2026-11-23T07:58:00Z"))
    assert affinity.load(cfg, store, [], now) == affinity.Affinity()  # claimed 2 minutes ago: not computed here
    assert store.one("SELECT COUNT(*) FROM affinities WHERE kind = 'plan'") == 0
    later = affinity.load(cfg, store, [], now + timedelta(minutes=15))  # the claimant died: taken over
    assert len(later.plans) == 30 and store.one("SELECT COUNT(*) FROM affinities WHERE kind = 'claim'") == 0


def test_preview_shows_exactly_what_post_then_sends(xworld) -> None:  # type: ignore[no-untyped-def]
    """Same slot, same seed, same context: the previewed text is the posted text."""
    import json as _json

    xworld.at("2026-11-23T08:50:00+01:00")
    previewed = _json.loads(botx("preview", "--account", "A", "--count", "1", "--json").out)[0]
    posted = _json.loads(xworld.post("A", "--json", when="2026-11-23T09:00:00+01:00").out)
    assert posted["status"] == "posted" and posted["text"] == previewed["text"]
