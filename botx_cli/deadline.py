"""Whole-call and whole-run deadlines: the one helper every outside call goes through.

A socket timeout bounds each read, not a call: a server that sends its headers and then one
byte every few seconds keeps a call alive for ever while no single read times out. `within`
runs a call in a daemon thread and stops waiting when its time is up, whatever library the
call uses (requests, httpx, urllib, openai); `within_all` does the same for calls made
together (copies asked in parallel), all sharing one deadline. X calls, chat and images calls,
the trend judge and webhooks all use these. An abandoned thread ends on its own socket timeout
or with the process, which for a cron run is moments later; it must not touch the caller's
database connection (sqlite3 refuses use from another thread anyway).

`Deadline` is a run's overall budget: each call gets the smaller of its own limit and what is
left, and the steps that start new work check it first. Stdlib only: every module may use it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
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
    value, error = within_all(seconds, [fn], what)[0]
    if error is not None:
        raise error
    return value  # type: ignore[return-value]


def within_all(
    seconds: float, calls: Sequence[Callable[[], T]], what: str
) -> list[tuple[T | None, BaseException | None]]:
    """Each call's (result, None) or (None, its exception), the calls run together and waited
    for at most `seconds` in all; one still running then gives (None, DeadlineExceeded) and is
    left to its daemon thread."""
    results: list[tuple[T | None, BaseException | None] | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            results[index] = (call(), None)
        except BaseException as err:  # noqa: BLE001 - handed to the waiting caller
            results[index] = (None, err)

    threads = [
        threading.Thread(target=run, args=(i, call), name=f"botx call: {what}"[:60], daemon=True)
        for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    end = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    done = list(results)  # read once: a late thread may still write its slot
    return [r if r is not None else (None, DeadlineExceeded(what, seconds)) for r in done]


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
