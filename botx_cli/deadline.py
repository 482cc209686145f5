"""Whole-call and whole-run deadlines (stdlib only, so every module may use it).

A socket timeout bounds each read, not a call: a server that sends its headers and then one
byte every few seconds keeps a call alive for ever while no single read times out. `within`
runs a call in a daemon thread and stops waiting when its time is up, whatever library the
call uses (requests, httpx, urllib). The abandoned thread ends on its own socket timeout or
with the process, which for a cron run is moments later; it must not touch the caller's
SQLite connection (sqlite3 refuses use from another thread anyway).

`Deadline` is a run's overall budget: each call gets the smaller of its own limit and what is
left, and the steps that start new work check it first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(TimeoutError):
    """The call or run ran out of time. `started` is False when the call never began
    (the deadline had already passed): then nothing can have reached the other side."""

    def __init__(self, what: str, seconds: float, started: bool = True) -> None:
        self.what, self.seconds, self.started = what, seconds, started
        verb = "took longer than" if started else "not started: the run had used its"
        super().__init__(f"{what} {verb} {seconds:g} s")


class Deadline:
    """A run's time budget on the monotonic clock."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.clock = seconds, clock
        self.end = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - self.clock())

    def expired(self) -> bool:
        return self.clock() >= self.end

    def limit(self, seconds: float) -> float:
        """A call's own limit, cut to what the run has left."""
        return min(seconds, self.remaining())

    def check(self, what: str) -> None:
        """Before starting new work: raise DeadlineExceeded(started=False) once time is up."""
        if self.expired():
            raise DeadlineExceeded(what, self.seconds, started=False)


def within(seconds: float, fn: Callable[[], T], what: str) -> T:
    """fn()'s result or exception, or DeadlineExceeded once `seconds` have passed."""
    if seconds <= 0:
        raise DeadlineExceeded(what, seconds, started=False)
    outcome: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - handed to the waiting caller
            outcome["error"] = err
        finally:
            done.set()

    threading.Thread(target=run, name=f"botx call: {what}"[:60], daemon=True).start()
    if not done.wait(seconds):
        raise DeadlineExceeded(what, seconds)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


class HardStop:
    """The last resort behind the cooperative checks: calls `on_overrun` from a timer thread
    if the run is still going `seconds` after it started (a wait no deadline reaches).
    Use as a context manager; leaving it cancels the timer."""

    def __init__(self, seconds: float, on_overrun: Callable[[], None]) -> None:
        self.timer = threading.Timer(seconds, on_overrun)
        self.timer.daemon = True

    def __enter__(self) -> HardStop:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
