"""The CLI boundary under hostile conditions (issue 10 items 7, 9, 10, 17-20): every failure is
one stderr line with a documented exit code, --json failures still print their document, the
crontab lines run the botx that printed them, output trouble ends cleanly.

Real processes where the behaviour is the process's: closed pipes, /dev/full, an ASCII-only
terminal, Ctrl-C, a full tmpfs, an unprivileged user in front of a read-only folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import EXAMPLE, XWorld, botx, botx_proc, make_config

from botx_cli.clock import iso

NOW = "2026-11-23T09:00:00+01:00"


def one_line(run, code: int, *needles: str) -> str:  # type: ignore[no-untyped-def]
    assert run.code == code, (run.code, run.out, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.err, run.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# --- 7: a --json command that fails still prints its document -----------------------------------


def failed_doc(run, code: int, reason: str) -> dict:  # type: ignore[no-untyped-def]
    line = one_line(run, code)
    doc = json.loads(run.out)
    assert doc["status"] == "failed" and doc["reason"] == reason, doc
    assert "botx: error: " + doc["detail"] == line
    return doc


@pytest.mark.slow
def test_post_json_failures_print_the_document(xworld: XWorld) -> None:
    xworld.at(NOW)
    for _ in range(3):
        xworld.fake.enqueue("POST", "/2/tweets", status=503)
    doc = failed_doc(botx("post", "--account", "A", "--json"), 75, "AmbiguousSend")  # a 503 may have stored it
    assert doc["account"] == "A" and doc["tweet_id"] is None and doc["hashtags"] == []
    xworld.fake.enqueue("POST", "/2/tweets", status=401)
    failed_doc(botx("post", "--account", "A", "--json", "--force"), 77, "CredentialsRejected")
    failed_doc(botx("post", "--account", "A", "--json", "--text", "x" * 400), 3, "NoValidTweet")
    failed_doc(botx("post", "--account", "Z", "--json"), 2, "UsageError")


def test_post_json_in_a_real_process_with_a_bad_config(tmp_path: Path) -> None:
    path = make_config(tmp_path, daily_cap="0")
    doc = failed_doc(botx_proc("--config", str(path), "post", "--account", "A", "--json"), 2, "ConfigError")
    assert doc["account"] == "A"


@pytest.mark.slow
def test_drafts_edit_json_failures_print_the_document(xworld: XWorld) -> None:
    xworld.at(NOW)
    doc = failed_doc(botx("drafts", "edit", "999", "--text", "hello #LLM", "--json"), 2, "UsageError")
    assert doc["id"] == 999 and doc["account"] is None
    made = botx("drafts", "generate", "--account", "A", "-n", "1", "--json")
    draft = json.loads(made.out)[0]
    failed_doc(botx("drafts", "edit", str(draft["id"]), "--text", "no hashtag at all", "--json"), 3, "NoValidTweet")


@pytest.mark.parametrize(
    "argv",
    [
        ("stats", "--json"),
        ("preview", "--json"),
        ("trends", "--json"),
        ("drafts", "list", "--json"),
        ("check", "hi #LLM", "--json"),
    ],
)
def test_every_json_command_prints_a_failed_document(tmp_path: Path, argv: tuple[str, ...]) -> None:
    path = make_config(tmp_path, window='"nine to five"')
    doc = failed_doc(botx("--config", str(path), *argv), 2, "ConfigError")
    assert set(doc) >= {"account", "status", "reason", "detail"}


def test_argument_errors_print_no_document(tmp_path: Path) -> None:
    run = botx("--config", str(make_config(tmp_path)), "post", "--json")  # --account missing
    assert run.code == 2 and run.out == ""


# --- 9, 10: the crontab lines run this botx, quoted ---------------------------------------------


def cron_post_line(output: str, account: str = "A") -> str:
    return next(line for line in output.splitlines() if f" post --account {account} " in line)


def test_cron_names_the_running_console_script_not_the_first_botx_on_path(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "botx"
    assert script.is_file()
    decoy = tmp_path / "bin"
    decoy.mkdir()
    (decoy / "botx").write_text("#!/bin/sh\necho decoy\n")
    (decoy / "botx").chmod(0o755)
    config = make_config(tmp_path)
    env = {**os.environ, "PATH": f"{decoy}:{os.environ['PATH']}"}
    done = subprocess.run(
        [str(script), "--config", "config.toml", "cron"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    command = cron_post_line(done.stdout).split(" * * * ", 1)[1]
    assert command.startswith(f"{os.path.abspath(script)} --config {config} post --account A"), command


def test_cron_under_python_m_names_this_interpreter(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    run = botx_proc("--config", "config.toml", "cron")
    command = cron_post_line(run.out).split(" * * * ", 1)[1]
    expected = f"{shlex.quote(os.path.abspath(sys.executable))} -m botx_cli --config {config} "
    assert command.startswith(expected), command


def as_cron_runs_it(line: str) -> tuple[str, str]:
    """The command cron hands to sh -c, and the text it feeds to stdin (crontab(5): an unescaped
    % ends the command, \\% is a literal %)."""
    command = line.split(None, 5)[5]
    out, index = [], 0
    while index < len(command):
        if command.startswith("\\%", index):
            out.append("%")
            index += 2
        elif command[index] == "%":
            return "".join(out), command[index + 1 :].replace("%", "\n")
        else:
            out.append(command[index])
            index += 1
    return "".join(out), ""


@pytest.mark.slow
def test_cron_quotes_paths_and_escapes_percent(xworld: XWorld, tmp_path: Path) -> None:
    folder = tmp_path / "ops dir 100%d" / "it's here"
    folder.mkdir(parents=True)
    config = folder / "config.toml"
    config.write_text(xworld.config.read_text())
    xworld.at(NOW)
    env = {**os.environ, **xworld.env, "BOTX_CONFIG": "", "BOTX_NOW": NOW}
    run = botx_proc("--config", str(config), "cron", env=env)
    assert run.code == 0, run.err
    line = cron_post_line(run.out)
    assert "%" not in line.replace("\\%", "")  # no bare % left for cron to cut at
    command, stdin = as_cron_runs_it(line)
    assert stdin == ""
    done = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert len(xworld.fake.tweets) == 1 and (folder / "botx.db").exists()


# --- 17, 19: no exit 1 from odd values; BOTX_NOW bounded ------------------------------------------


def test_a_draft_id_past_sqlite_integers_is_a_usage_error(tmp_path: Path) -> None:
    make_config(tmp_path)
    for argv in (
        ("drafts", "approve", str(2**64)),
        ("drafts", "reject", "1", str(2**63)),
        ("drafts", "edit", str(2**64), "--text", "x"),
    ):
        one_line(botx(*argv), 2)


@pytest.mark.slow
@pytest.mark.parametrize(
    "moment",
    ["0001-01-01T00:00:00+00:00", "0001-01-01T00:30:00+01:00", "9999-12-31T23:00:00+00:00", "1999-12-31T23:59:59Z"],
)
def test_botx_now_outside_the_sane_range_is_exit_2_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    make_config(tmp_path)
    monkeypatch.setenv("BOTX_NOW", moment)
    for argv in (("pause", "--minutes", "10"), ("post", "--account", "A", "--dry-run"), ("stats",)):
        one_line(botx(*argv), 2, "BOTX_NOW")
    if (tmp_path / "botx.db").exists():
        with sqlite3.connect(tmp_path / "botx.db") as conn:
            assert conn.execute("SELECT COUNT(*) FROM operator_state").fetchone() == (0,)
    monkeypatch.setenv("BOTX_NOW", NOW)
    assert botx("post", "--account", "A", "--dry-run").code == 0


def test_stored_times_always_read_back() -> None:
    from datetime import datetime, timezone

    from botx_cli.clock import parse_iso

    for moment in (
        datetime(1, 1, 1, tzinfo=timezone.utc),
        datetime(999, 5, 6, 7, 8, 9, tzinfo=timezone.utc),
        datetime(2026, 11, 23, 8, tzinfo=timezone.utc),
    ):
        assert parse_iso(iso(moment)) == moment


def test_a_5000_character_db_path_is_one_short_line(tmp_path: Path) -> None:
    make_config(tmp_path)
    run = botx("--db", "d" * 5000, "stats")
    one_line(run, 2)
    assert len(run.err) < 400, len(run.err)


def test_init_onto_a_device_is_exit_2(tmp_path: Path) -> None:
    one_line(botx("init", "/dev/full"), 2, "exists")
    one_line(botx("init", "--force", "/dev/full"), 2, "not a regular file")


@pytest.mark.slow
def test_a_corrupted_page_is_exit_2_and_the_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_config(tmp_path)
    monkeypatch.setenv("BOTX_NOW", NOW)
    assert botx("post", "--account", "A", "--dry-run").code == 0
    db = tmp_path / "botx.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db.read_bytes())
    for page in range(2, len(data) // 4096):  # every b-tree page but the schema's
        data[page * 4096 : page * 4096 + 64] = b"\xff" * 64
    db.write_bytes(bytes(data))
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for argv in (("stats",), ("post", "--account", "A", "--dry-run"), ("pause",)):
        run = botx_proc(*argv)
        one_line(run, 2, "damaged", "restore it from a backup")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


# --- 18: output trouble, in real processes ------------------------------------------------------


@pytest.mark.slow
def test_post_json_to_dev_full_is_75_and_the_tweet_stays_recorded(xworld: XWorld) -> None:
    xworld.at(NOW)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "botx_cli", "post", "--account", "A", "--json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "BOTX_NOW": NOW},
            timeout=60,
        )
    assert done.returncode == 75, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "No space left" in done.stderr, done.stderr
    assert len(xworld.fake.tweets) == 1
    assert xworld.rows("SELECT status, tweet_id FROM attempts") == [("posted", xworld.fake.tweets[0]["id"])]
    rerun = botx_proc("post", "--account", "A", "--json", env={"BOTX_NOW": NOW})
    assert json.loads(rerun.out)["reason"] == "slot_taken" and len(xworld.fake.tweets) == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv", [("stats",), ("preview", "-n", "3"), ("trends",), ("stats", "--json"), ("cron",), ("doctor",)]
)
def test_a_closed_pipe_ends_quietly(xworld: XWorld, argv: tuple[str, ...]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "botx_cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "BOTX_NOW": NOW},
    )
    proc.stdout.close()  # `| head -0`: the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err, err


def test_head_1_of_stats_through_a_shell(xworld: XWorld) -> None:
    done = subprocess.run(
        ["bash", "-c", f'{shlex.quote(sys.executable)} -m botx_cli stats | head -1; echo "rc=${{PIPESTATUS[0]}}" >&2'],
        capture_output=True,
        text=True,
        env={**os.environ, "BOTX_NOW": NOW},
        timeout=60,
    )
    assert done.stderr.strip() == "rc=0" and len(done.stdout.splitlines()) == 1, done


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv",
    [
        ("preview", "-n", "2"),
        ("stats",),
        ("doctor",),
        ("trends",),
        ("check", "Ünïcode ✓ #LLM"),
        ("post", "--account", "A", "--dry-run"),
    ],
)
def test_an_ascii_only_stdout_degrades_to_ascii(xworld: XWorld, argv: tuple[str, ...]) -> None:
    env = {**os.environ, "BOTX_NOW": NOW, "LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([sys.executable, "-m", "botx_cli", *argv], capture_output=True, env=env, timeout=60)
    assert done.returncode in (0, 3), done.stderr.decode()
    assert "Traceback" not in done.stderr.decode() and done.stdout.isascii() and done.stdout.strip()


def test_json_on_an_ascii_stdout_keeps_every_character(xworld: XWorld) -> None:
    env = {**os.environ, "BOTX_NOW": NOW, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "botx_cli", "check", "Ünïcode ✓ #LLM", "--json"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert done.stdout.isascii()
    assert json.loads(done.stdout)["weighted_length"] > 0


@pytest.mark.slow
def test_ctrl_c_is_one_line_and_exit_130(xworld: XWorld) -> None:
    xworld.at(NOW)
    xworld.fake.hold_posts()
    proc = subprocess.Popen(
        [sys.executable, "-m", "botx_cli", "post", "--account", "A"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BOTX_NOW": NOW},
    )
    try:
        xworld.fake.wait_for_posts(1, timeout=30)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        xworld.fake.release()
    assert proc.returncode == 130, err
    assert err.count("\n") == 1 and err.startswith("botx: error: interrupted") and out == "", err
    # the attempt is left 'sending' for the next run to reconcile, never half-written
    assert xworld.rows("SELECT status FROM attempts") == [("sending",)]
    with sqlite3.connect(xworld.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# --- 20: a full disk and a read-only folder are said as what they are ------------------------------


NOBODY = ("--reuid=65534", "--regid=65534", "--clear-groups")


@pytest.fixture
def small_tmpfs():  # type: ignore[no-untyped-def]
    folder = Path(tempfile.mkdtemp(prefix="botx-tmpfs-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here (needs root and mount rights): {done.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)
    folder.rmdir()


def fill(folder: Path) -> None:
    """Every free block of the tmpfs taken by one file."""
    fd = os.open(folder / "ballast", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 1024)
    except OSError:
        pass
    finally:
        os.close(fd)


@pytest.mark.slow
def test_a_full_disk_is_exit_75_not_a_damaged_database(small_tmpfs: Path, xworld: XWorld) -> None:
    db = small_tmpfs / "botx.db"
    env = {"BOTX_NOW": NOW, "BOTX_DB": str(db)}
    assert botx_proc("pause", "--account", "B", env=env).code == 0  # a healthy, migrated file
    fill(small_tmpfs)
    run = botx_proc("post", "--account", "A", env=env)
    line = one_line(run, 75, "disk is full")
    assert "restore" not in line and "damaged" not in line
    (small_tmpfs / "ballast").unlink()
    assert botx_proc("post", "--account", "A", env=env).code == 0  # the same file works once there is room
    assert len(xworld.fake.tweets) == 1


def test_a_full_disk_for_a_new_database_and_for_init(small_tmpfs: Path, xworld: XWorld) -> None:
    fill(small_tmpfs)
    run = botx_proc("pause", env={"BOTX_NOW": NOW, "BOTX_DB": str(small_tmpfs / "new.db")})
    assert run.code in (2, 75) and "damaged" not in run.err and "restore" not in run.err, run.err
    one_line(run, run.code)
    init = botx_proc("init", str(small_tmpfs / "config.toml"))
    one_line(init, 75, "No space left")
    assert not (small_tmpfs / "config.toml").exists()


@pytest.mark.slow
def test_a_read_only_database_folder_is_exit_2_saying_permissions(xworld: XWorld) -> None:
    """Root ignores permissions: the probe runs as nobody (setpriv)."""
    if os.geteuid() != 0 or subprocess.run(["setpriv", "--version"], capture_output=True).returncode != 0:
        pytest.skip("needs root and setpriv to run botx as an unprivileged user")
    probe = subprocess.run(
        ["setpriv", *NOBODY, sys.executable, "-c", "import botx_cli"], capture_output=True, text=True, cwd="/"
    )
    if probe.returncode != 0:  # e.g. a pyenv Python under /root, which nobody may read
        pytest.skip(f"this interpreter cannot run as an unprivileged user: {probe.stderr.strip()[:200]}")
    folder = Path(tempfile.mkdtemp(prefix="botx-ro-"))
    try:
        folder.chmod(0o755)
        config = folder / "config.toml"
        config.write_text(EXAMPLE.read_text())
        assert botx_proc("--config", str(config), "pause", "--account", "B").code == 0  # root creates it
        for path in folder.iterdir():
            path.chmod(0o644)
        db = folder / "botx.db"
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOTX_")}
        env.update(HOME=str(folder), BOTX_NOW=NOW, XDG_STATE_HOME=str(folder))
        done = subprocess.run(
            ["setpriv", *NOBODY, sys.executable, "-m", "botx_cli", "--config", str(config), "pause"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            cwd="/",
        )
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "cannot write the database" in done.stderr, done.stderr
        assert "restore" not in done.stderr and "damaged" not in done.stderr
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    finally:
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def test_version_prints_the_installed_version_without_reading_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib.metadata import version

    monkeypatch.setenv("BOTX_CONFIG", str(tmp_path / "missing.toml"))  # never read: --version is eager
    run = botx("--version")
    assert (run.code, run.out, run.err) == (0, f"botx {version('botx')}\n", "")


def test_version_falls_back_to_the_source_tree_when_botx_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    import botx_cli

    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert botx_cli.installed_version() == botx_cli.__version__


def test_help_loads_no_config_or_store_module() -> None:
    """`botx --help` and `--version` stay as cheap as typer itself (bench/post_cost.py's help
    ratio): the CLI's module loads the config and the database layers only inside commands."""
    code = (
        "import sys; from botx_cli.cli import main; "
        "print(sorted(m for m in sys.modules if m.startswith(('botx_cli.store', 'botx_cli.config'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
