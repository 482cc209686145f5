"""A trend source that is not in botx: one name per line of a plain-text page.

It is what a new source looks like (trends/sources/__init__.py): one module with SOURCE,
fetch and parse. tests/test_trend_sources.py adds it to the registry and sees a refresh
fetch it, store it and `botx trends` list it, with nothing else changed.
"""

from __future__ import annotations

from botx_cli.trends.sources.base import Http, Job, RawTrend, Source, SourceSpec
from botx_cli.trends.sources.parsing import check_size, clean_text, page_text

SOURCE = Source("tiny", "https://tiny.example/trends.txt", trust=6)


async def fetch(http: Http, spec: SourceSpec, job: Job) -> list[RawTrend]:
    return parse(await page_text(http, spec.url or "", "html"))


def parse(text: str) -> list[RawTrend]:
    check_size(SOURCE.name, text)
    names = [clean_text(line) for line in text.splitlines() if clean_text(line)]
    return [RawTrend(name, rank, None, SOURCE.name) for rank, name in enumerate(names, start=1)]
