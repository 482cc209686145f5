"""Pure parsers: one trend source's response body in, a list of RawTrend out.

No I/O here: fetching lives elsewhere, so these run on captures in tests. Every
malformed input ends in ParseError (one clear message naming the source) and
never in another exception type, so the fetch layer has one thing to catch.

bs4 is imported inside the HTML parsers only: `botx post` with a warm cache
imports this package and must not pay for it.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from html.entities import html5
from typing import TYPE_CHECKING, Any

from botx_cli.errors import ParseError
from botx_cli.trends.sources.charset import decode_page

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps bs4 off the hot path
    from bs4 import BeautifulSoup, Tag

# Both feeds are read; ht:approx_traffic is matched by local name, whatever its namespace.
GOOGLE_TRENDING_NS = "https://trends.google.com/trending/rss"
GOOGLE_LEGACY_NS = "https://trends.google.com/trends/trendingsearches/daily"

# A trend page is small; anything much bigger is not the page we asked for.
MAX_BODY_CHARS = 5_000_000


@dataclass(frozen=True)
class Headline:
    """One news item a source gives to explain a trend (Google RSS `ht:news_item`)."""

    title: str
    snippet: str = ""
    source: str = ""  # the publication: "BBC News"

    def text(self) -> str:
        """Everything the judgement reads: title, snippet and publication."""
        return " ".join(part for part in (self.title, self.snippet, self.source) if part)


@dataclass(frozen=True)
class RawTrend:
    name: str
    rank: int  # 1-based position in the source's own list
    volume: int | None
    source: str  # the config name: google_rss, trends24, getdaytrends, x, ...
    published_at: datetime | None = None  # aware UTC
    url: str | None = None
    news: tuple[Headline, ...] = ()  # what the source says about it; names-only sources give none


# --- shared helpers ---------------------------------------------------------

_VOLUME_RE = re.compile(r"(?P<num>\d[\d.,\u00a0\u202f ]*)\s*(?P<unit>[kmb](?![a-z]))?", re.IGNORECASE)
_UPPER_BOUND_RE = re.compile(r"^\s*(under|less than|fewer than|<)", re.IGNORECASE)
_UNITS = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_volume(text: str | None) -> int | None:
    """A count from "12K", "1.2M", "45,678", "200,000+", "125K tweets"; else None.

    "Under 10K tweets" is an upper bound, not a count: None rather than a guess
    that would outrank real counts when merging.
    """
    if not text or _UPPER_BOUND_RE.match(text):
        return None
    match = _VOLUME_RE.search(text[:100])
    if not match:
        return None
    digits = re.sub(r"[\u00a0\u202f ]", "", match["num"]).rstrip(".,")
    unit = (match["unit"] or "").lower()
    number = _to_decimal(digits, has_unit=bool(unit))
    if number is None:
        return None
    value = int(number * _UNITS.get(unit, 1))
    return value if 0 <= value < 10**15 else None


def _to_decimal(digits: str, *, has_unit: bool) -> Decimal | None:
    """Read "45,678", "1.2", "1,2", "1.234.567" whichever separator a locale uses."""
    seps = [c for c in digits if c in ".,"]
    if not seps:
        return _decimal(digits)
    last = max(digits.rfind("."), digits.rfind(","))
    head, tail = digits[:last], digits[last + 1 :]
    grouped = len(tail) == 3 and not has_unit
    if len(set(seps)) == 1 and (len(seps) > 1 or grouped):
        return _decimal(digits.replace(seps[0], ""))  # thousands separators only
    return _decimal(re.sub(r"[.,]", "", head) + "." + tail)  # last one is decimal


def _decimal(text: str) -> Decimal | None:
    if not text or len(text) > 30:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _clean_text(text: str | None) -> str:
    return " ".join((text or "").split())


def _check_size(source: str, body: bytes | bytearray | str) -> None:
    if not isinstance(body, (bytes, bytearray, str)):
        raise ParseError(source, f"expected bytes or str, got {type(body).__name__}")
    if len(body) > MAX_BODY_CHARS:
        raise ParseError(source, f"body too large ({len(body)} bytes)")
    if not body.strip():
        raise ParseError(source, "empty body")


def _epoch_to_utc(value: str | None) -> datetime | None:
    try:
        stamp = float(value or "")
        return datetime.fromtimestamp(stamp, timezone.utc) if math.isfinite(stamp) else None
    except (ValueError, OverflowError, OSError):
        return None


# --- Google Trends RSS ------------------------------------------------------

_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_ENTITY_RE = re.compile(r"&([A-Za-z][A-Za-z0-9]{0,31});")
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
MAX_HEADLINES = 5  # a feed item carries about three; more would only slow the judgement


def parse_google_rss(body: bytes | str) -> list[RawTrend]:
    """Both the current /trending/rss feed and the legacy daily feed."""
    source = "google_rss"
    _check_size(source, body)
    # decoded already: a declaration naming another encoding would only mislead expat
    text = _XML_DECLARATION.sub("", _decode_xml(source, body).lstrip("\ufeff \t\r\n"), count=1)
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        # No feed needs a DTD; refusing it rules out entity-expansion bombs.
        raise ParseError(source, "DOCTYPE/ENTITY declarations are not accepted")
    try:
        root = ET.fromstring(_ENTITY_RE.sub(_xml_safe_entity, text))
    except ET.ParseError as err:
        raise ParseError(source, f"not well-formed XML ({err})") from None
    channel = root.find("channel")
    if _local(root.tag) != "rss" or channel is None:
        raise ParseError(source, f"not an RSS feed (root element <{_local(root.tag)}>)")
    feed_link = _clean_text(channel.findtext("link"))
    trends: list[RawTrend] = []
    for item in channel.iter("item"):
        trend = _rss_item(item, len(trends) + 1, feed_link)
        if trend is not None:
            trends.append(trend)
    return trends


def _decode_xml(source: str, body: bytes | str) -> str:
    return body if isinstance(body, str) else decode_page(bytes(body), None, "xml")


def _xml_safe_entity(match: re.Match[str]) -> str:
    """HTML named entities (the legacy feed's bare &nbsp;) as XML character refs."""
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    chars = html5.get(name + ";")
    if chars is None:
        return "&amp;" + name + ";"  # unknown: keep it as literal text
    return "".join(f"&#{ord(c)};" for c in chars)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rss_item(item: ET.Element, rank: int, feed_link: str) -> RawTrend | None:
    name = _clean_text(item.findtext("title"))
    if not name:
        return None
    traffic = next((c.text for c in item if _local(c.tag) == "approx_traffic"), None)
    link = _clean_text(item.findtext("link")) or None
    # The current feed's item <link> is just the feed URL: it says nothing.
    url = link if link and link != feed_link else None
    return RawTrend(
        name=name,
        rank=rank,
        volume=parse_volume(traffic),
        source="google_rss",
        published_at=_rfc822_to_utc(item.findtext("pubDate")),
        url=url,
        news=_news_items(item),
    )


def _news_items(item: ET.Element) -> tuple[Headline, ...]:
    """The item's ht:news_item children (title, snippet, publication), matched by local name
    like ht:approx_traffic: the legacy and current feeds use different namespaces."""
    found: list[Headline] = []
    for child in item:
        if _local(child.tag) != "news_item":
            continue
        fields = {_local(part.tag): _clean_text("".join(part.itertext())) for part in child}
        title = fields.get("news_item_title", "")
        if title:
            found.append(Headline(title, fields.get("news_item_snippet", ""), fields.get("news_item_source", "")))
    return tuple(found[:MAX_HEADLINES])


def _rfc822_to_utc(value: str | None) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:  # "-0000" means UTC with unknown local zone
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


# --- HTML pages -------------------------------------------------------------


def _soup(source: str, body: bytes | str) -> BeautifulSoup:
    """bs4 with lxml when installed (faster, lenient), else the stdlib parser."""
    _check_size(source, body)
    from bs4 import BeautifulSoup

    features = "lxml" if importlib.util.find_spec("lxml") else "html.parser"
    text = body if isinstance(body, str) else decode_page(bytes(body), None, "html")  # never bs4's guess
    try:
        return BeautifulSoup(text, features)
    except Exception as err:  # noqa: BLE001 - bs4/lxml raise assorted types on binary junk
        raise ParseError(source, f"cannot parse HTML ({type(err).__name__}: {err})") from None


def parse_trends24(html: bytes | str) -> list[RawTrend]:
    """trends24.in: the newest hourly card only (the first ol.trend-card__list)."""
    source = "trends24"
    soup = _soup(source, html)
    card = _newest_trends24_card(soup)
    if card is None:
        raise ParseError(source, "no ol.trend-card__list found: not a trends24 page?")
    heading = card.find_previous("h3", attrs={"data-timestamp": True})
    published_at = _epoch_to_utc(_attr(heading, "data-timestamp"))
    items = card.find_all("li", recursive=False) or card.find_all("li")
    trends: list[RawTrend] = []
    for position, li in enumerate(items, start=1):
        link = li.select_one("a.trend-link") or li.find("a")
        name = _clean_text(link.get_text()) if link else ""
        if not name:
            continue
        trends.append(
            RawTrend(
                name=name,
                rank=position,
                volume=_trends24_count(li),
                source=source,
                published_at=published_at,
                url=_attr(link, "href"),
            )
        )
    return trends


def _newest_trends24_card(soup: BeautifulSoup) -> Tag | None:
    # The stats block is not a timeline: skip any list it may carry.
    for card in soup.select("ol.trend-card__list"):
        if card.find_parent("article", class_="trend-stats-container") is None:
            return card
    return None


def _trends24_count(li: Tag) -> int | None:
    count = li.select_one("span.tweet-count")
    if count is None:
        return None
    return parse_volume(_attr(count, "data-count")) or parse_volume(count.get_text())


def _attr(tag: Tag | None, name: str) -> str | None:
    value = tag.get(name) if tag is not None else None
    if isinstance(value, list):  # multi-valued attributes come back as lists
        value = " ".join(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def parse_getdaytrends(html: bytes | str) -> list[RawTrend]:
    """getdaytrends.com: the first trends table (later tables are side lists)."""
    source = "getdaytrends"
    soup = _soup(source, html)
    table = soup.select_one("table.trends") or soup.find("table")
    if table is None:
        raise ParseError(source, "no table.trends found: not a getdaytrends page?")
    rows = table.select("tbody tr") or table.find_all("tr")
    trends: list[RawTrend] = []
    for row in rows:
        link = row.select_one("td.main a")
        name = _clean_text(link.get_text()) if link else ""
        if not name:
            continue  # header rows and ad rows carry no trend
        desc = row.select_one(".desc")
        trends.append(
            RawTrend(
                name=name,
                rank=_row_rank(row, len(trends) + 1),
                volume=parse_volume(desc.get_text(" ")) if desc else None,
                source=source,
                url=_attr(link, "href"),
            )
        )
    return trends


def _row_rank(row: Tag, fallback: int) -> int:
    """The page's own position cell when it has one (th.pos), else row order."""
    cell = row.select_one(".pos")
    text = cell.get_text().strip().rstrip(".") if cell else ""
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 10_000 else fallback


# --- X API ------------------------------------------------------------------


def parse_x_trends(json_obj: Any) -> list[RawTrend]:
    """GET /2/trends/by/woeid/:id -> {"data": [{"trend_name", "tweet_count"}]}.

    The personalized-trends endpoint says "post_count" ("12.3K posts"): read it too.
    """
    source = "x"
    document = _load_json(source, json_obj)
    data = document.get("data") if isinstance(document, dict) else None
    if data is None:
        raise ParseError(source, _x_problem(document))
    if not isinstance(data, list):
        raise ParseError(source, f'"data" is a {type(data).__name__}, expected a list')
    trends: list[RawTrend] = []
    for entry in data:
        raw_name = entry.get("trend_name") if isinstance(entry, dict) else None
        name = _clean_text(raw_name) if isinstance(raw_name, str) else ""
        if not name:
            continue
        trends.append(
            RawTrend(
                name=name,
                rank=len(trends) + 1,
                volume=_x_count(entry.get("tweet_count", entry.get("post_count"))),
                source=source,
            )
        )
    return trends


def _load_json(source: str, json_obj: Any) -> Any:
    if not isinstance(json_obj, (bytes, bytearray, str)):
        return json_obj
    _check_size(source, json_obj)
    try:
        return json.loads(json_obj)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError
        raise ParseError(source, f"not JSON ({err})") from None


def _x_problem(document: Any) -> str:
    """X answers errors as {"errors": [...]} or a problem {"title", "detail"}."""
    if not isinstance(document, dict):
        return f"expected a JSON object, got {type(document).__name__}"
    errors = document.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else document
    if isinstance(first, dict) and (first.get("detail") or first.get("message")):
        return f"X error: {first.get('detail') or first.get('message')}"
    return 'no "data" in the response'


def _x_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    return parse_volume(value) if isinstance(value, str) else None
