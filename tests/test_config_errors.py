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


@pytest.mark.parametrize(
    "replace, needles",
    [
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
    ],
)
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
    from botx_cli.config.locate import read_toml
    from botx_cli.sections import parse_config

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


# --- issue 10: keys are known because a parser read them; every value bounded -----------------


@pytest.mark.parametrize(
    "edit, needles",
    [
        (
            ("min_gap_minutes = 45", "min_gap_minute = 45"),
            ("[schedule] min_gap_minute", "unknown key", "did you mean min_gap_minutes?"),
        ),
        (("[trends]\n", "[trend]\n"), ("[trend]", "unknown table", "did you mean [trends]?")),
        (
            ('handle = "VOLTAGEGPU"', 'handle = "VOLTAGEGPU"\nhandel = "x"'),
            ("[accounts.A] handel", "did you mean handle?"),
        ),
        (('item = "RTX 4090"', 'itme = "RTX 4090"'), ("[offers#3]",)),  # the missing item is named with its typo
        (("require_approval = false", "require_aproval = true"), ("require_aproval",)),
        (
            ("repeat_minutes = 60", "repeat_minutes = 60\nrepeat_minute = 5"),
            ("[notify] repeat_minute", "did you mean repeat_minutes?"),
        ),
        (
            ("[compose.llm]", "[compose.llm]\ntemprature = 0.5"),
            ("[compose.llm] temprature", "did you mean temperature?"),
        ),
    ],
)
def test_a_misspelt_key_is_exit_2_naming_it_and_the_closest_known_one(
    tmp_path: Path, edit: tuple[str, str], needles: tuple[str, ...]
) -> None:
    text = EXAMPLE.read_text()
    assert edit[0] in text
    path = make_config(tmp_path, text.replace(edit[0], edit[1], 1))
    assert_one_line(botx("--config", str(path), "cron"), str(path), *needles)


def test_a_missing_key_next_to_its_misspelling_says_so(tmp_path: Path) -> None:
    path = make_config(tmp_path, EXAMPLE.read_text().replace("daily_cap = 10", "daily_caps = 10"))
    assert_one_line(botx("--config", str(path), "cron"), "[schedule] daily_cap", "missing", "daily_caps")


def documented_config() -> str:
    """The example with every commented-out setting switched on, plus the keys the README names
    that the example leaves at their defaults: all of them must be read when the config loads."""
    text = EXAMPLE.read_text()
    return re.sub(
        r"(?m)^# (\[trends\.(?:blacklist|categories)\]|political = |tech = |user_agent = |url = |layout = |"
        r"prompt_variants = |base_url = |api_key_env = |seed = |url_env = )",
        r"\1",
        text,
    )


def test_every_documented_key_is_read_at_load(tmp_path: Path) -> None:
    text = documented_config()
    for key in ("user_agent", "political", "layout", "prompt_variants", "seed", "url_env"):
        assert re.search(rf"(?m)^{key} = ", text), key
    path = make_config(tmp_path, text)
    run = botx("--config", str(path), "cron")
    assert run.code == 0, run.err
    from botx_cli.config.locate import read_toml
    from botx_cli.sections import parse_config

    cfg = parse_config(path, read_toml(path))
    assert not list(cfg.reads.unread(cfg.raw))


@pytest.mark.parametrize(
    "name, needles",
    [
        ("b", ("[accounts.b]", "[accounts.B]", "case", "BOTX_B_")),
        ("A-1", ("[accounts.A-1]", "letters, digits and _")),
        ("Ä", ("letters, digits and _",)),
        ("x" * 40, ("1-32",)),
    ],
)
def test_account_names(tmp_path: Path, name: str, needles: tuple[str, ...]) -> None:
    text = EXAMPLE.read_text().replace(
        '[accounts.B]\nhandle = "Voltage_GPU"\n',
        f'[accounts.B]\nhandle = "Voltage_GPU"\n[accounts."{name}"]\nhandle = "other"\n',
    )
    assert_one_line(botx("--config", str(make_config(tmp_path, text)), "cron"), *needles)


def test_a_digit_account_name_is_fine(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace("[accounts.B]", "[accounts.2]")
    run = botx("--config", str(make_config(tmp_path, text)), "cron")
    assert run.code == 0 and "--account 2 " in run.out, run.err


@pytest.mark.parametrize(
    "handle",
    ['"VOLTAGE GPU"', '"@"', '""', '"a_handle_too_long"', '"' + "h" * 1_000_000 + '"', '"voltage-gpu"', '"völtage"'],
)
def test_bad_handles_are_refused_with_a_short_line(tmp_path: Path, handle: str) -> None:
    path = make_config(tmp_path, handle=handle)
    run = botx("--config", str(path), "cron")
    assert_one_line(run, "[accounts.A] handle")
    assert len(run.err) < 400


def test_handles_may_carry_their_at_sign(tmp_path: Path) -> None:
    assert botx("--config", str(make_config(tmp_path, handle='"@VOLTAGEGPU"')), "cron").code == 0


@pytest.mark.parametrize(
    "url, needle",
    [
        ('"http://localhost:99999"', "port"),
        ('"http://localhost:0/"', "port"),
        ('"https://api.twitter.com:/"', "port"),
        ('"http://:8080/"', "host"),
        ('"http://user@/"', "host"),
        ('"https://exa_mple..com/"', "host"),
        ('"http://example.com/\\\\u0007"', "not an http(s) URL"),
        ('"http://[::1/"', "not an http(s) URL"),
    ],
)
def test_urls_are_validated_fully(tmp_path: Path, url: str, needle: str) -> None:
    path = make_config(tmp_path, api_base_url=url)
    assert_one_line(botx("--config", str(path), "cron"), "[x] api_base_url", needle)


@pytest.mark.parametrize("url", ['"http://127.0.0.1:8080/"', '"https://[::1]:443/v"', '"http://fake-x.local"'])
def test_good_urls_pass(tmp_path: Path, url: str) -> None:
    assert botx("--config", str(make_config(tmp_path, api_base_url=url)), "cron").code == 0


@pytest.mark.parametrize(
    "url",
    [
        '"https://hooks.slack.com:99999/services/T000/SECRETPART"',
        '"hooks.slack.com/services/T000/SECRETPART"',
        '"https://hooks slack/SECRETPART"',
    ],
)
def test_a_malformed_webhook_url_is_never_echoed(tmp_path: Path, url: str) -> None:
    path = make_config(tmp_path, webhook_url=url)
    run = botx("--config", str(path), "cron")
    assert_one_line(run, "[notify] webhook_url", "secret")
    assert "SECRETPART" not in run.err and "hooks" not in run.err


@pytest.mark.parametrize(
    "key, value, needle",
    [
        ("window", '"' + "9" * 1_000_000 + '"', "[schedule] window"),
        ("promo_code", '"' + "C" * 50_000 + '"', "[product] promo_code"),
        ("name", '"' + "N" * 5_000 + '"', "[product] name"),
        ("timezone", '"' + "Europe/" * 10_000 + '"', "timezone"),
        ("api_base_url", '"https://' + "a" * 1_000_000 + '.com"', "[x] api_base_url"),
        ("min_gap_minutes", "99999999999999", "[schedule] min_gap_minutes"),
        ("interval_minutes", str(2**62), "[schedule] interval_minutes"),
        ("daily_cap", "1000000", "[schedule] daily_cap"),
        ("repeat_minutes", str(10**15), "[notify] repeat_minutes"),
        ("candidates", "100000000", "[compose] candidates"),
        ("price_usd", "1e300", "[offers#1] price_usd"),
        ("api_key_env", '"OPENAI API KEY"', "[compose.llm] api_key_env"),
    ],
)
def test_unbounded_values_are_refused_with_a_short_line(tmp_path: Path, key: str, value: str, needle: str) -> None:
    path = make_config(tmp_path, **{key: value})
    run = botx("--config", str(path), "cron")
    assert_one_line(run, needle)
    assert len(run.err) < 400, len(run.err)


def test_a_5000_character_config_path_is_one_short_line() -> None:
    run = botx("--config", "c" * 5000, "cron")
    assert_one_line(run, "config")
    assert len(run.err) < 500
