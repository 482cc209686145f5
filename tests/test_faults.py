"""Fault matrix for the X side of `botx post`: every fault gets its documented exit code,
one stderr line and no traceback, leaves no half-written attempt, and every tweet X holds
has a row with its id."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from conftest import BOTH_BACKENDS, XWorld
from fakes.fake_x import USAGE_CAPPED

SLOT = "2026-11-23T09:00:00+01:00"
RESET_MS = str(int(datetime.fromisoformat(SLOT).timestamp() + 900) * 1000)  # X's reset in milliseconds
DUP = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
READ_ONLY = {
    "title": "Forbidden",
    "status": 403,
    "type": "https://api.twitter.com/2/problems/oauth1-permissions",
    "detail": "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
}

# (name, scripted answers for POST /2/tweets, expected exit code, expected final attempt status)
pytestmark = BOTH_BACKENDS  # every fault on the SQLite file and on PostgreSQL (issue 14)

FAULTS = [
    ("400 invalid", [dict(status=400)], 3, "failed"),
    ("401 unauthorized", [dict(status=401)], 77, "failed"),
    ("403 read-only app", [dict(status=403, body=READ_ONLY)], 77, "failed"),
    ("403 duplicate once", [dict(status=403, body=DUP)], 0, "posted"),
    ("403 duplicate twice", [dict(status=403, body=DUP)] * 2, 3, "failed"),
    (
        "403 other refusal",
        [dict(status=403, body={"title": "Forbidden", "status": 403, "detail": "Nope."})],
        3,
        "failed",
    ),
    ("404 wrong base url", [dict(status=404)], 2, "failed"),
    ("429 rate limited", [dict(status=429, headers={"x-rate-limit-remaining": "0"})], 75, "failed"),
    ("500 once then ok", [dict(status=500)], 0, "posted"),
    # a 5xx after the last try may still have stored the post: unknown until the timeline tells
    ("503 persistent", [dict(status=503)] * 3, 75, "unknown"),
    ("500 with garbage body", [dict(status=500, body="<html>oops")] * 3, 75, "unknown"),
    (
        "5xx on every try, the last one stored",
        [dict(status=500)] * 2 + [dict(status=500, accept_first=True)],
        0,
        "posted",
    ),
    ("4xx with a JSON array body", [dict(status=418, body="[1, 2]")], 75, "failed"),
    ("hung before X saw it", [dict(status=None, delay=5)], 75, "unknown"),
    ("hung after X accepted", [dict(status=None, delay=5, accept_first=True)], 0, "posted"),
    ("reset before X saw it", [dict(close_connection=True)], 75, "unknown"),
    ("reset after X accepted", [dict(close_connection=True, accept_first=True)], 0, "posted"),
    ("2xx with malformed JSON, accepted", [dict(status=201, body="{not json", accept_first=True)], 0, "posted"),
    ("2xx with malformed JSON, nothing stored", [dict(status=201, body="{not json")], 75, "unknown"),
    ("5xx that still created it", [dict(status=500, accept_first=True)], 0, "posted"),
    # issue 10 item 2: a header botx cannot convert never turns X's 201 into a failure
    ("201 with x-rate-limit-reset in milliseconds", [dict(headers={"x-rate-limit-reset": RESET_MS})], 0, "posted"),
    ("201 with x-rate-limit-reset 1e999", [dict(headers={"x-rate-limit-reset": "1e999"})], 0, "posted"),
    (
        "201 with a garbage reset",
        [dict(headers={"x-rate-limit-reset": "soon", "x-rate-limit-remaining": "x"})],
        0,
        "posted",
    ),
    ("201 with a 24-hour reset of -1e400", [dict(headers={"x-user-limit-24hour-reset": "-1e400"})], 0, "posted"),
    ("201 with a reset beyond year 9999", [dict(headers={"x-app-limit-24hour-reset": "99999999999"})], 0, "posted"),
    # item 24: credits exhausted is not retried
    ("402 credits exhausted", [dict(status=402)], 75, "failed"),
    ("429 usage-capped", [dict(status=429, body=USAGE_CAPPED)], 75, "failed"),
    # item 3: headers at once, then one byte a second: only a whole-call deadline ends the wait
    ("201 dripped after X stored it", [dict(drip=1.0)], 0, "posted"),
    ("503 dripped after X stored it", [dict(status=503, drip=1.0)], 0, "posted"),
]


def fault_params() -> list:  # type: ignore[type-arg]
    """FAULTS as test parameters; a case that waits out botx's timeout (X hung or dripping) is slow."""
    params = []
    for fault in FAULTS:
        waits = any("delay" in answer or "drip" in answer for answer in fault[1])
        params.append(pytest.param(*fault, id=fault[0], marks=[pytest.mark.slow] if waits else []))
    return params


@pytest.mark.parametrize("name, answers, code, final", fault_params())
def test_x_fault(xworld: XWorld, name: str, answers: list[dict], code: int, final: str) -> None:
    xworld.at(SLOT)
    for answer in answers:
        xworld.fake.enqueue("POST", "/2/tweets", **answer)
    run = xworld.post("A", "--json")
    assert run.code == code, (run.out, run.err)
    assert "Traceback" not in run.err and len(run.err.strip().splitlines()) <= 1, run.err
    if code == 0:
        assert json.loads(run.out)["status"] == "posted"
    statuses = [s for (s,) in xworld.rows("SELECT status FROM attempts ORDER BY id")]
    assert statuses[-1] == final and not {"claimed", "sending"} & set(statuses)
    held = {t["id"] for t in xworld.fake.tweets}
    recorded = {tid for (tid,) in xworld.rows("SELECT tweet_id FROM attempts WHERE status = 'posted'")}
    assert held == recorded, "every tweet X holds has a row with its id, and no row claims a tweet X lacks"
    assert len(held) <= 1
    assert xworld.rows("SELECT status FROM runs") == [("posted" if code == 0 else "failed",)]


def test_x_down_entirely_is_temporary(xworld: XWorld, tmp_path) -> None:  # type: ignore[no-untyped-def]
    xworld.at(SLOT)
    xworld.fake.close()
    run = xworld.post("A")
    assert run.code == 75 and "cannot reach X" in run.err
    assert xworld.rows("SELECT status FROM attempts") == [("failed",)]


def test_after_a_fault_the_next_slot_posts(xworld: XWorld) -> None:
    xworld.at(SLOT)
    xworld.fake.enqueue("POST", "/2/tweets", close_connection=True)
    assert xworld.post("A").code == 75
    assert xworld.post("A", "--json", when="2026-11-23T10:30:00+01:00").code == 0
    assert len(xworld.fake.tweets) == 1
