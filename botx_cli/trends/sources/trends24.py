"""trends24.in: X's trending topics by hour, read from the newest hourly card of the page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botx_cli.errors import ParseError
from botx_cli.trends.sources.base import Http, Job, RawTrend, Source, SourceSpec
from botx_cli.trends.sources.parsing import attr, clean_text, epoch_to_utc, page_text, parse_volume, soup

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps bs4 off the hot path
    from bs4 import BeautifulSoup, Tag

SOURCE = Source("trends24", "https://trends24.in/", trust=2)


async def fetch(http: Http, spec: SourceSpec, job: Job) -> list[RawTrend]:
    return parse(await page_text(http, spec.url or "", "html"))


def parse(html: bytes | str) -> list[RawTrend]:
    """trends24.in: the newest hourly card only (the first ol.trend-card__list)."""
    source = SOURCE.name
    card = _newest_card(soup(source, html))
    if card is None:
        raise ParseError(source, "no ol.trend-card__list found: not a trends24 page?")
    heading = card.find_previous("h3", attrs={"data-timestamp": True})
    published_at = epoch_to_utc(attr(heading, "data-timestamp"))
    items = card.find_all("li", recursive=False) or card.find_all("li")
    trends: list[RawTrend] = []
    for position, li in enumerate(items, start=1):
        link = li.select_one("a.trend-link") or li.find("a")
        name = clean_text(link.get_text()) if link else ""
        if not name:
            continue
        trends.append(
            RawTrend(
                name=name,
                rank=position,
                volume=_count(li),
                source=source,
                published_at=published_at,
                url=attr(link, "href"),
            )
        )
    return trends


def _newest_card(page: BeautifulSoup) -> Tag | None:
    # The stats block is not a timeline: skip any list it may carry.
    for card in page.select("ol.trend-card__list"):
        if card.find_parent("article", class_="trend-stats-container") is None:
            return card
    return None


def _count(li: Tag) -> int | None:
    count = li.select_one("span.tweet-count")
    if count is None:
        return None
    return parse_volume(attr(count, "data-count")) or parse_volume(count.get_text())
