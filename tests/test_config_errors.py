"""Every config problem: one stderr line naming the file and key, exit 2, no traceback."""

from __future__ import annotations

import re

from pathlib import Path

import pytest

from conftest import EXAMPLE, botx, make_config


def assert_one_line(run, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert run.code == 2, (run.code, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert "Traceback" not in run.err
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("replace, needles", [
    ({"timezone": '"Mars/Olympus"'}, ("timezone", "Mars/Olympus")),
    ({"window": '"25:00-26:00"'}, ("[schedule] window", "25:00-26:00")),
    ({"window": '"9-17"'}, ("[schedule] window",)),
    ({"window": '"09:00-09:00"'}, ("[schedule] window", "empty")),
    ({"daily_cap": "0"}, ("[schedule] daily_cap", "> 0")),
    ({"interval_minutes": "-90"}, ("[schedule] interval_minutes", "> 0")),
    ({"interval_minutes": '"90"'}, ("[schedule] interval_minutes", "integer")),
    ({"policy": '"sometimes"'}, ("[trends] policy", "sometimes", "relevant")),
    ({"strategy": '"poetry"'}, ("[compose] strategy", "poetry")),
    ({"api_base_url": '"ftp://example.com"'}, ("[x] api_base_url", "not an http(s) URL")),
    ({"url": '"voltagegpu dot com"'}, ("[product] url",)),
    ({"max": "0"}, ("[hashtags] max",)),
    ({"domain": '["CloudGPU"]'}, ("[hashtags] domain", "CloudGPU")),
    ({"min_english": "1.5"}, ("[validation] min_english",)),
])
def test_bad_values(tmp_path: Path, replace: dict[str, str], needles: tuple[str, ...]) -> None:
    path = make_config(tmp_path, **replace)
    assert_one_line(botx("--config", str(path), "cron"), str(path), *needles)


def test_missing_key(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace("daily_cap = 10", "")
    path = make_config(tmp_path, text)
    assert_one_line(botx("--config", str(path), "cron"), "[schedule] daily_cap", "missing")


def test_no_accounts(tmp_path: Path) -> None:
    text = re.sub(r"(?ms)^\[accounts\.A\].*?(?=^\[product\])", "", EXAMPLE.read_text())
    assert "[accounts.A]" not in text
    assert_one_line(botx("--config", str(make_config(tmp_path, text)), "cron"), "[accounts]", "no accounts")


def test_unknown_source(tmp_path: Path) -> None:
    text = EXAMPLE.read_text() + "\n[trends.sources.myspace]\nenabled = true\n"
    assert_one_line(botx("--config", str(make_config(tmp_path, text)), "cron"), "myspace")


def test_invalid_toml(tmp_path: Path) -> None:
    path = make_config(tmp_path, "timezone = \n[schedule")
    assert_one_line(botx("--config", str(path), "cron"), "invalid TOML")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(EXAMPLE.read_text().replace("VoltageGPU", "Volt\u00e9").encode("latin-1"))
    assert_one_line(botx("--config", str(path), "cron"), "not UTF-8")


def test_config_file_missing(tmp_path: Path) -> None:
    assert_one_line(botx("--config", str(tmp_path / "nope.toml"), "cron"), "nope.toml", "no such config file")


def test_botx_config_env_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOTX_CONFIG", str(tmp_path / "gone.toml"))
    assert_one_line(botx("cron"), "gone.toml")


def test_unknown_account(tmp_path: Path) -> None:
    path = make_config(tmp_path)
    assert_one_line(botx("--config", str(path), "post", "--account", "Z", "--dry-run"), "unknown account", "'Z'")


def test_missing_credential_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_config(tmp_path)
    monkeypatch.setenv("BOTX_A_CONSUMER_KEY", "k")
    monkeypatch.setenv("BOTX_A_CONSUMER_SECRET", "s")
    monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "t")
    run = botx("--config", str(path), "post", "--account", "A")
    assert_one_line(run, "BOTX_A_ACCESS_TOKEN_SECRET")
    assert "k" not in run.err.split("BOTX_A_ACCESS_TOKEN_SECRET")[0].split(":")[-1]


def test_relative_db_path_resolves_against_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    path = make_config(folder, path='"state/botx.db"')
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    run = botx("--config", str(path), "pause", "--account", "A")
    assert run.code == 0, run.err
    assert (folder / "state" / "botx.db").exists()
    assert not (elsewhere / "state").exists()


def test_bundled_example_is_used_with_a_warning() -> None:
    run = botx("cron")
    assert run.code == 0
    assert "bundled example" in run.err and len(run.err.strip().splitlines()) == 1


def test_example_config_and_root_copy_match() -> None:
    root_copy = EXAMPLE.parent.parent / "config.toml.example"
    assert root_copy.read_text() == EXAMPLE.read_text()


def test_bad_botx_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOTX_NOW", "tomorrow")
    assert_one_line(botx("--config", str(make_config(tmp_path)), "preview"), "BOTX_NOW")


def test_unknown_option_is_usage_exit_2(tmp_path: Path) -> None:
    run = botx("--config", str(make_config(tmp_path)), "post", "--acount", "A")
    assert run.code == 2 and "Traceback" not in run.err


def test_offset_pushing_an_account_out_of_the_window(tmp_path: Path) -> None:
    path = make_config(tmp_path, offset_minutes="900", window='"09:00-20:00"')
    run = botx("--config", str(path), "cron")
    assert run.code == 2 and "[schedule] offset_minutes" in run.err and "account B" in run.err


def test_init_writes_a_config_that_loads_like_the_example(tmp_path: Path) -> None:
    target = tmp_path / "etc" / "config.toml"
    assert botx("init", str(target)).code == 0
    from botx_cli.config import parse_config, read_toml

    written = parse_config(target, read_toml(target))
    example = parse_config(EXAMPLE, read_toml(EXAMPLE))
    assert written.content == example.content and written.schedule == example.schedule
    assert botx("init", str(target)).code == 2  # never overwrites without --force


def test_symlinked_config_keeps_its_own_folder(tmp_path: Path) -> None:
    real = make_config(tmp_path / "real" if (tmp_path / "real").mkdir() is None else tmp_path)
    link_dir = tmp_path / "ops"
    link_dir.mkdir()
    (link_dir / "config.toml").symlink_to(real)
    assert botx("--config", str(link_dir / "config.toml"), "pause").code == 0
    assert (link_dir / "botx.db").exists() and not (real.parent / "botx.db").exists()


@pytest.mark.parametrize("value", ['"/dev/null"', '"config.toml"', '"."'])
def test_storage_path_must_be_a_writable_regular_file(tmp_path: Path, value: str) -> None:
    path = make_config(tmp_path, path=value)
    run = botx("--config", str(path), "cron")
    assert run.code == 2 and "[storage] path" in run.err and len(run.err.splitlines()) == 1
