"""getdaytrends.com: X's trending topics with tweet counts, read from the page's first table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botx_cli.errors import ParseError
from botx_cli.trends.sources.base import Http, Job, RawTrend, Source, SourceSpec
from botx_cli.trends.sources.parsing import attr, clean_text, page_text, parse_volume, soup

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps bs4 off the hot path
    from bs4 import Tag

SOURCE = Source("getdaytrends", "https://getdaytrends.com/", trust=3)


async def fetch(http: Http, spec: SourceSpec, job: Job) -> list[RawTrend]:
    return parse(await page_text(http, spec.url or "", "html"))


def parse(html: bytes | str) -> list[RawTrend]:
    """getdaytrends.com: the first trends table (later tables are side lists)."""
    source = SOURCE.name
    page = soup(source, html)
    table = page.select_one("table.trends") or page.find("table")
    if table is None:
        raise ParseError(source, "no table.trends found: not a getdaytrends page?")
    rows = table.select("tbody tr") or table.find_all("tr")
    trends: list[RawTrend] = []
    for row in rows:
        link = row.select_one("td.main a")
        name = clean_text(link.get_text()) if link else ""
        if not name:
            continue  # header rows and ad rows carry no trend
        desc = row.select_one(".desc")
        trends.append(
            RawTrend(
                name=name,
                rank=_row_rank(row, len(trends) + 1),
                volume=parse_volume(desc.get_text(" ")) if desc else None,
                source=source,
                url=attr(link, "href"),
            )
        )
    return trends


def _row_rank(row: Tag, fallback: int) -> int:
    """The page's own position cell when it has one (th.pos), else row order."""
    cell = row.select_one(".pos")
    text = cell.get_text().strip().rstrip(".") if cell else ""
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 10_000 else fallback
