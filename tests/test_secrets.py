"""Canary: credentials never appear in stdout, stderr, the DB (and its WAL), with -v and on errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import XWorld, botx

CANARIES = {
    "BOTX_A_CONSUMER_KEY": "CANARYck7f3a9",
    "BOTX_A_CONSUMER_SECRET": "CANARYcs51d0e",
    "BOTX_A_ACCESS_TOKEN_SECRET": "CANARYats88b2",
}


def leaks(text: str | bytes) -> list[str]:
    blob = text.encode() if isinstance(text, str) else text
    return [value for value in CANARIES.values() if value.encode() in blob]


@pytest.fixture
def canary_world(xworld: XWorld, monkeypatch: pytest.MonkeyPatch) -> XWorld:
    for name, value in CANARIES.items():
        monkeypatch.setenv(name, value)
    return xworld


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and "fixtures" not in p.parts]


def test_no_secret_anywhere_after_success_failures_and_verbose_runs(
    canary_world: XWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = canary_world
    outputs = [world.post("A", "-v", "--json", when="2026-11-23T09:00:00+01:00")]
    world.fake.enqueue("POST", "/2/tweets", status=500)
    world.fake.enqueue("POST", "/2/tweets", status=500)
    world.fake.enqueue("POST", "/2/tweets", status=500)
    outputs.append(botx("-v", "post", "--account", "A", "--force"))
    world.fake.enqueue("POST", "/2/tweets", status=401)
    outputs.append(botx("-v", "post", "--account", "A", "--force"))
    world.fake.enqueue("POST", "/2/tweets", status=200, body="{not json")
    outputs.append(botx("-v", "post", "--account", "A", "--force"))
    outputs.append(botx("-v", "doctor", "--online"))
    outputs.append(botx("-v", "preview", "--json", "-n", "2"))
    outputs.append(botx("-v", "cron"))
    monkeypatch.setenv("BOTX_A_ACCESS_TOKEN", "CANARYrevoked")
    outputs.append(botx("-v", "post", "--account", "A", "--force"))
    assert outputs[0].code == 0 and json.loads(outputs[0].out)["status"] == "posted"
    assert [o.code for o in outputs[1:4]] == [75, 77, 75]
    for run in outputs:
        assert not leaks(run.out) and not leaks(run.err), (run.out, run.err)
        assert "CANARYrevoked" not in run.out + run.err
    for path in files_under(world.db.parent):
        assert not leaks(path.read_bytes()), path
