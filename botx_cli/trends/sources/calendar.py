"""The calendar: today's [[occasions]] from config, listed as the source "calendar".

Not a network source: nothing is fetched (trends/calendar.py reads the occasions at post
time); the registry holds it so that [trends.sources.calendar] enabled is parsed, and its
trust places it last when trends are merged.
"""

from __future__ import annotations

from botx_cli.trends.sources.base import Http, Job, RawTrend, Source, SourceError, SourceSpec

SOURCE = Source("calendar", network=False, trust=5)


async def fetch(http: Http, spec: SourceSpec, job: Job) -> list[RawTrend]:
    """Never called: a refresh fetches network sources only."""
    raise SourceError("the calendar is read from [[occasions]], not fetched")
