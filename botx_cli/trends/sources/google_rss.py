"""Google Trends' RSS feed: the trending searches of a country, with traffic and headlines.

Both the current /trending/rss feed and the legacy daily feed are read; ht:approx_traffic and
ht:news_item are matched by local name, whatever their namespace. [trends.sources.google_rss]
geo goes into the URL's query string.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from botx_cli.errors import ParseError
from botx_cli.trends.sources.base import Headline, Http, Job, Option, RawTrend, Source, SourceSpec
from botx_cli.trends.sources.charset import decode_page
from botx_cli.trends.sources.parsing import check_size, clean_text, page_text, parse_volume

if TYPE_CHECKING:  # xml, email and html load with the parser, not with the registry (every run)
    import xml.etree.ElementTree as ET

SOURCE = Source("google_rss", "https://trends.google.com/trending/rss?geo=US", (Option("geo", "", in_query=True),))

GOOGLE_TRENDING_NS = "https://trends.google.com/trending/rss"
GOOGLE_LEGACY_NS = "https://trends.google.com/trends/trendingsearches/daily"


async def fetch(http: Http, spec: SourceSpec, job: Job) -> list[RawTrend]:
    return parse(await page_text(http, spec.url or "", "xml"))


_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_ENTITY_RE = re.compile(r"&([A-Za-z][A-Za-z0-9]{0,31});")
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
MAX_HEADLINES = 5  # a feed item carries about three; more would only slow the judgement


def parse(body: bytes | str) -> list[RawTrend]:
    """Both the current /trending/rss feed and the legacy daily feed."""
    import xml.etree.ElementTree as ET

    source = SOURCE.name
    check_size(source, body)
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
    feed_link = clean_text(channel.findtext("link"))
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
    from html.entities import html5

    chars = html5.get(name + ";")
    if chars is None:
        return "&amp;" + name + ";"  # unknown: keep it as literal text
    return "".join(f"&#{ord(c)};" for c in chars)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rss_item(item: ET.Element, rank: int, feed_link: str) -> RawTrend | None:
    name = clean_text(item.findtext("title"))
    if not name:
        return None
    traffic = next((c.text for c in item if _local(c.tag) == "approx_traffic"), None)
    link = clean_text(item.findtext("link")) or None
    # The current feed's item <link> is just the feed URL: it says nothing.
    url = link if link and link != feed_link else None
    return RawTrend(
        name=name,
        rank=rank,
        volume=parse_volume(traffic),
        source=SOURCE.name,
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
        fields = {_local(part.tag): clean_text("".join(part.itertext())) for part in child}
        title = fields.get("news_item_title", "")
        if title:
            found.append(Headline(title, fields.get("news_item_snippet", ""), fields.get("news_item_source", "")))
    return tuple(found[:MAX_HEADLINES])


def _rfc822_to_utc(value: str | None) -> datetime | None:
    from email.utils import parsedate_to_datetime

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
