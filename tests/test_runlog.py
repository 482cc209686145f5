"""The run log: one JSON line per `post` run, size-rotated, whole lines under concurrency."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from conftest import XWorld
from ops_helpers import set_key

SLOT = "2026-11-23T09:00:00+01:00"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_one_json_line_per_post_run(xworld: XWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    set_key(xworld.config, "logging", "path", '"logs/botx.log"')
    log = xworld.config.parent / "logs" / "botx.log"
    run = xworld.post("A", "-q", when=SLOT)
    assert (run.code, run.out) == (0, "")
    assert xworld.post("A", "-q", when="2026-11-23T09:05:00+01:00").code == 0
    assert xworld.post("B", "--dry-run", when="2026-11-23T09:45:00+01:00").code == 0
    monkeypatch.setenv("BOTX_B_ACCESS_TOKEN", "revoked")
    assert xworld.post("B", "-q", when="2026-11-23T09:46:00+01:00").code == 77
    posted, skipped, dry, failed = lines(log)
    assert (
        posted["account"] == "A" and posted["status"] == "posted" and posted["tweet_id"] == xworld.fake.tweets[0]["id"]
    )
    assert posted["at"] == "2026-11-23T08:00:00Z" and posted["command"] == "post"
    assert isinstance(posted["duration_ms"], int) and 0 <= posted["api_ms"] <= posted["duration_ms"] + 5
    assert (skipped["status"], skipped["reason"]) == ("skipped", "slot_taken")
    assert (dry["command"], dry["status"]) == ("post --dry-run", "dry_run")
    assert (failed["status"], failed["reason"]) == ("failed", "CredentialsRejected")
    text = log.read_text()
    for secret in ("revoked", "b-consumer_secret", "tok-a", "a-access_token_secret"):
        assert secret not in text


def test_no_log_path_writes_no_file(xworld: XWorld) -> None:
    assert xworld.post("A", when=SLOT).code == 0
    assert not list(xworld.config.parent.glob("*.log*"))


def test_rotation_keeps_the_configured_backups(tmp_path: Path) -> None:
    from botx_cli.notify.runlog import append

    tmp_path = tmp_path / "logs"
    log = tmp_path / "botx.log"
    for index in range(40):
        append(log, json.dumps({"n": index, "pad": "x" * 40}) + "\n", max_bytes=300, backups=2)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["botx.log", "botx.log.1", "botx.log.2", "botx.log.lock"]  # the writers' lock, empty
    assert all(p.stat().st_size <= 300 for p in tmp_path.iterdir())
    newest = [json.loads(line)["n"] for line in log.read_text().splitlines()]
    assert newest[-1] == 39
    older = [json.loads(line)["n"] for line in (tmp_path / "botx.log.1").read_text().splitlines()]
    assert older[-1] == newest[0] - 1  # nothing lost between the live file and .1


def test_concurrent_writers_never_split_or_lose_lines(tmp_path: Path) -> None:
    from botx_cli.notify.runlog import append

    tmp_path = tmp_path / "logs"
    log = tmp_path / "botx.log"

    def writer(name: int) -> None:
        for index in range(60):
            append(log, json.dumps({"w": name, "n": index, "pad": "y" * 100}) + "\n", max_bytes=4000, backups=50)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = [json.loads(line) for path in tmp_path.iterdir() for line in path.read_text().splitlines()]
    assert len(records) == 360 and len({(r["w"], r["n"]) for r in records}) == 360


def test_bad_logging_config_is_exit_2(xworld: XWorld) -> None:
    set_key(xworld.config, "logging", "backups", "-1")
    run = xworld.post("A", when=SLOT)
    assert run.code == 2 and "[logging] backups" in run.err
