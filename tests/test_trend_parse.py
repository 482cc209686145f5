"""Trend parsers on real captures (tests/fixtures/trend-pages, see SOURCES.md),
on the live site's minified markup, and on garbage."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from fakes.static_server import Route, StaticServer, unquote_attributes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botx_cli.errors import BotxError, ParseError
from botx_cli.trends.sources.base import RawTrend
from botx_cli.trends.sources.getdaytrends import parse as parse_getdaytrends
from botx_cli.trends.sources.google_rss import parse as parse_google_rss
from botx_cli.trends.sources.parsing import parse_volume
from botx_cli.trends.sources.trends24 import parse as parse_trends24
from botx_cli.trends.sources.x import parse as parse_x_trends

PAGES = Path(__file__).parent / "fixtures" / "trend-pages"
LEGACY_RSS = PAGES / "google-trends-legacy-daily-rss-US-2024-06-20.xml"
CURRENT_RSS = PAGES / "google-trends-trending-rss-shape-2025-02-25-EDITED.xml"
WORLDWIDE = PAGES / "trends24-worldwide.html"
TURKEY = PAGES / "trends24-turkey.html"
GETDAYTRENDS = PAGES / "getdaytrends-HANDMADE.html"

# bs4 warns when a short input looks like a URL or is XML; garbage tests trigger both.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


# --- Google Trends RSS ----------------------------------------------------------


def test_legacy_feed_needs_the_nbsp_fix_and_gives_20_items() -> None:
    body = LEGACY_RSS.read_bytes()
    with pytest.raises(ET.ParseError):
        ET.fromstring(body)  # why the entity fix exists: a bare &nbsp; in a snippet
    trends = parse_google_rss(body)
    assert len(trends) == 20
    assert [t.rank for t in trends] == list(range(1, 21))
    first = trends[0]
    assert (first.name, first.volume, first.source) == ("Travis Scott", 20_000, "google_rss")
    assert first.published_at == datetime(2024, 6, 20, 14, 0, tzinfo=timezone.utc)
    assert first.url and first.url.endswith("#Travis%20Scott")
    assert trends[1].name == "Tyler, the Creator"
    assert all(isinstance(t.volume, int) and t.volume >= 1000 for t in trends)
    assert parse_google_rss(body.decode("utf-8")) == trends  # str in, same answer


def test_current_feed_shape() -> None:
    trends = parse_google_rss(CURRENT_RSS.read_text(encoding="utf-8"))
    assert [(t.name, t.rank, t.volume) for t in trends] == [("trend1", 1, 2000), ("trend2", 2, 2000)]
    assert trends[0].published_at == datetime(2025, 2, 25, 21, 20, tzinfo=timezone.utc)
    assert trends[0].url is None  # the item <link> is only the feed URL


def _feed(items: str, ns: str = "https://trends.google.com/trending/rss", head: str = "") -> str:
    return (
        f'{head}<rss xmlns:ht="{ns}" version="2.0"><channel><title>t</title>'
        f"<link>https://trends.google.com/trending/rss?geo=US</link>{items}</channel></rss>"
    )


def test_feed_traffic_dates_entities_and_blank_items() -> None:
    items = (
        "<item><title>Alpha &amp; Omega&nbsp;&hellip;</title><ht:approx_traffic>20K+"
        "</ht:approx_traffic><pubDate>Tue, 25 Feb 2025 13:20:00 -0000</pubDate></item>"
        "<item><title>  </title></item>"
        "<item><title>Beta</title><ht:approx_traffic>200,000+</ht:approx_traffic>"
        "<pubDate>not a date</pubDate></item>"
        "<item><title>Gamma &bogus;</title></item>"
    )
    trends = parse_google_rss(_feed(items))
    assert [t.name for t in trends] == ["Alpha & Omega …", "Beta", "Gamma &bogus;"]
    assert [t.rank for t in trends] == [1, 2, 3]
    assert [t.volume for t in trends] == [20_000, 200_000, None]
    assert trends[0].published_at == datetime(2025, 2, 25, 13, 20, tzinfo=timezone.utc)
    assert trends[1].published_at is None


def test_feed_declared_encoding_and_bom() -> None:
    latin1 = _feed("<item><title>Café</title></item>", head='<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert parse_google_rss(latin1.encode("latin-1"))[0].name == "Café"
    utf16 = _feed("<item><title>Ñandú</title></item>").encode("utf-16")
    assert parse_google_rss(utf16)[0].name == "Ñandú"


def test_feed_refuses_doctype_entity_bombs() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + _feed("<item><title>&b;</title></item>")
    )
    with pytest.raises(ParseError, match="DOCTYPE"):
        parse_google_rss(bomb)


def test_feed_with_another_root_or_no_channel() -> None:
    with pytest.raises(ParseError, match="not an RSS feed"):
        parse_google_rss("<feed><entry/></feed>")
    with pytest.raises(ParseError, match="not an RSS feed"):
        parse_google_rss("<rss version='2.0'></rss>")
    assert parse_google_rss(_feed("")) == []  # a feed with no items is not an error


# --- trends24 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "first", "last", "stamp"),
    [
        (WORLDWIDE, "#歌の感謝祭", "オーバルスプリント", 1790162646.818),
        (TURKEY, "Mansur Yavaş", "Muhalif", 1790162842.466),
    ],
)
def test_trends24_newest_card(page: Path, first: str, last: str, stamp: float) -> None:
    trends = parse_trends24(page.read_bytes())
    assert len(trends) == 50
    assert (trends[0].name, trends[-1].name) == (first, last)
    assert [t.rank for t in trends] == list(range(1, 51))
    assert {t.source for t in trends} == {"trends24"}
    assert all(t.volume is None for t in trends)  # the captures' data-count are all empty
    assert {t.published_at for t in trends} == {datetime.fromtimestamp(stamp, timezone.utc)}
    for trend in trends:  # each link searches exactly for its text
        assert trend.url and unquote(trend.url.split("?q=", 1)[1]) == trend.name


def test_trends24_reads_only_the_first_hour() -> None:
    html = WORLDWIDE.read_text(encoding="utf-8")
    newest = {t.name for t in parse_trends24(html)}
    second_card = html[html.index("</ol>") :]
    older_only = {t.name for t in parse_trends24(second_card)} - newest
    assert older_only and not older_only & newest


@pytest.mark.parametrize("page", [WORLDWIDE, TURKEY])
def test_trends24_minified_unquoted_variant_parses_the_same(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    minified = unquote_attributes(html)
    for served in ("<ol class=trend-card__list>", "class=trend-link>", "<h3 class=title data-timestamp="):
        assert served in minified
    assert parse_trends24(minified) == parse_trends24(html)
    assert parse_trends24(minified.encode("utf-8")) == parse_trends24(html)


LIVE_SNIPPET = (
    "<main><article class=trend-stats-container><ol class=trend-card__list>"
    "<li><a class=trend-link href=/x>StatsNotTrend</a></li></ol></article>"
    "<div id=timeline-container><h3 class=title data-timestamp=1790162646>x</h3>"
    "<ol class=trend-card__list>"
    '<li><span class=trend-name><a href="https://twitter.com/search?q=A" class=trend-link>A  one</a>'
    '<span class=tweet-count data-count="12K"></span></span></li>'
    "<li><span class=trend-name><a href=/b class=trend-link>B</a>"
    "<span class=tweet-count>1.2M</span></span></li>"
    "<li><a href=/c class=trend-link>C</a><span class=tweet-count data-count=45,678></span></li>"
    "<li><a href=/d>D (no class)</a><span class=tweet-count data-count=''></span></li>"
    "<li></li>"
    "<li><a class=trend-link href=/f>F</a></li>"
    "</ol></div></main>"
)


def test_trends24_counts_fallbacks_and_stats_block() -> None:
    trends = parse_trends24(LIVE_SNIPPET)
    assert [(t.name, t.rank, t.volume) for t in trends] == [
        ("A one", 1, 12_000),
        ("B", 2, 1_200_000),
        ("C", 3, 45_678),
        ("D (no class)", 4, None),
        ("F", 6, None),  # rank is the position on the page; the empty <li> keeps its slot
    ]
    assert trends[0].published_at == datetime(2026, 9, 23, 11, 24, 6, tzinfo=timezone.utc)
    assert trends[0].url == "https://twitter.com/search?q=A"


@pytest.mark.parametrize("stamp", ["", "NaN", "inf", "abc", "1e400", "-1e20"])
def test_trends24_bad_timestamp_is_unknown(stamp: str) -> None:
    html = f"<h3 class=title data-timestamp='{stamp}'>x</h3><ol class=trend-card__list><li><a>X</a></li></ol>"
    assert parse_trends24(html)[0].published_at is None


# --- getdaytrends (hand-made fixture) ------------------------------------------


def test_getdaytrends_handmade_page() -> None:
    trends = parse_getdaytrends(GETDAYTRENDS.read_bytes())
    assert [(t.name, t.rank, t.volume) for t in trends] == [
        ("#BlackFriday", 1, 125_000),
        ("Taylor Swift", 2, 1_200_000),
        ("#GPT5", 3, 45_678),
        ("Pokémon Legends", 4, None),  # "Under 10K" is a bound, not a count
        ("#ACDC", 5, None),
        ("Monday & Motivation", 6, None),
    ]
    assert trends[0].url == "/united-states/trend/%23BlackFriday/"
    assert {t.source for t in trends} == {"getdaytrends"}


def test_getdaytrends_fallback_plain_table() -> None:
    html = (
        "<table><tr><th>#</th></tr>"
        "<tr><td class=main><a href=/t/x>X</a><div class=desc>9K tweets</div></td></tr></table>"
    )
    assert [(t.name, t.rank, t.volume) for t in parse_getdaytrends(html)] == [("X", 1, 9_000)]


# --- X API ----------------------------------------------------------------------


def test_x_trends_response() -> None:
    body = {
        "data": [
            {"trend_name": "#GPUCompute", "tweet_count": 12345},
            {"trend_name": "  Black  Friday ", "tweet_count": "20K"},
            {"trend_name": 42},
            "junk",
            {"trend_name": "NoCount"},
            {"trend_name": "Negative", "tweet_count": -5},
            {"trend_name": "Flag", "tweet_count": True},
            {"trend_name": "Personal", "post_count": "12.3K posts"},
        ]
    }
    trends = parse_x_trends(body)
    assert [(t.name, t.rank, t.volume) for t in trends] == [
        ("#GPUCompute", 1, 12_345),
        ("Black Friday", 2, 20_000),
        ("NoCount", 3, None),
        ("Negative", 4, None),
        ("Flag", 5, None),
        ("Personal", 6, 12_300),
    ]
    assert parse_x_trends('{"data": []}') == [] == parse_x_trends(b'{"data": []}')


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"errors": [{"detail": "Not authorized for this endpoint"}]}, "Not authorized"),
        ({"title": "Unauthorized", "detail": "Unauthorized", "status": 401}, "X error: Unauthorized"),
        ({"data": {"trend_name": "x"}}, "expected a list"),
        ([1, 2], "expected a JSON object"),
        ("{not json", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
    ],
)
def test_x_trends_errors(body: object, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_x_trends(body)


# --- volumes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12K", 12_000),
        ("1.2M", 1_200_000),
        ("45,678", 45_678),
        ("", None),
        (None, None),
        ("2000+", 2_000),
        ("20K+", 20_000),
        ("200,000+", 200_000),
        ("125K tweets", 125_000),
        ("Under 10K tweets", None),
        ("1,2 M", 1_200_000),
        ("10 000", 10_000),
        ("3.4k", 3_400),
        ("1.234.567", 1_234_567),
        ("1,234.5", 1_234),
        ("2B", 2_000_000_000),
        ("n/a", None),
        ("12 Kilos", 12),
        ("9" * 40, None),
    ],
)
def test_parse_volume(text: str | None, expected: int | None) -> None:
    assert parse_volume(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parse_volume_is_total(text: str) -> None:
    value = parse_volume(text)
    assert value is None or (isinstance(value, int) and 0 <= value < 10**15)


# --- garbage in -----------------------------------------------------------------

PARSERS = [parse_google_rss, parse_trends24, parse_getdaytrends, parse_x_trends]
GARBAGE = [
    b"",
    "   \n",
    b"<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>",
    LEGACY_RSS.read_bytes()[:5000],  # truncated mid-document
    bytes(range(256)) * 4,
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00",  # a gzip header nobody decoded
    "<?xml version='1.0' encoding='klingon'?><rss/>",
    "{}",
    b"x" * 6_000_001,
]


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("body", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_raises_parse_error_only(parser, body) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParseError) as caught:
        parser(body)
    assert caught.value.source in str(caught.value)


def test_parse_error_is_a_temporary_botx_error() -> None:
    err = ParseError("trends24", "no list")
    assert isinstance(err, BotxError) and err.exit_code == 75
    assert str(err) == "trend source trends24: no list"


def _total(parser, body) -> list[RawTrend] | None:  # type: ignore[no-untyped-def]
    try:
        result = parser(body)
    except ParseError:
        return None
    assert isinstance(result, list) and all(isinstance(t, RawTrend) for t in result)
    return result


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(st.text(), st.binary()))
def test_any_input_gives_a_list_or_parse_error(body: str | bytes) -> None:
    for parser in PARSERS:
        _total(parser, body)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_truncated_or_spliced_captures_never_crash(data: st.DataObject) -> None:
    pages = [(parse_google_rss, LEGACY_RSS), (parse_trends24, WORLDWIDE), (parse_getdaytrends, GETDAYTRENDS)]
    for parser, page in pages:
        body = page.read_bytes()
        cut = data.draw(st.integers(0, len(body)))
        junk = data.draw(st.binary(max_size=20))
        _total(parser, body[:cut] + junk + body[cut + len(junk) :])


def test_importing_the_package_does_not_import_bs4() -> None:
    code = "import sys, botx_cli.trends; assert 'bs4' not in sys.modules, 'bs4 imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


# --- over loopback: the static server -------------------------------------------


def test_fetch_a_capture_over_loopback_and_parse_it() -> None:
    with StaticServer(folder=PAGES) as server:
        response = httpx.get(server.url("/trends24-worldwide.html"), timeout=5)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert parse_trends24(response.content) == parse_trends24(WORLDWIDE.read_bytes())
        escape = server.url("/%2E%2E/%2E%2E/test_trend_parse.py")  # exists, outside the folder
        assert httpx.get(escape, timeout=5).status_code == 404
        assert server.requests == ["/trends24-worldwide.html", "/../../test_trend_parse.py"]


@pytest.mark.slow
def test_static_server_hostile_options() -> None:
    routes = {"/rss": (200, "application/rss+xml", CURRENT_RSS.read_bytes())}
    with StaticServer(routes) as server:
        assert len(parse_google_rss(httpx.get(server.url("/rss")).content)) == 2
        server.options("/rss", status=503)
        assert httpx.get(server.url("/rss")).status_code == 503
        server.route("/slow", Route(body=b"late", delay=2))
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(server.url("/slow"), timeout=0.2)
        server.route("/loop", Route(redirect_loop=True))
        with pytest.raises(httpx.TooManyRedirects):
            httpx.get(server.url("/loop"), follow_redirects=True)
        server.route("/reset", Route(reset=True))
        with pytest.raises(httpx.TransportError):
            httpx.get(server.url("/reset"))
        server.route("/hang", Route(hang=True))
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(server.url("/hang"), timeout=0.3)
        server.route("/huge", Route(huge_mb=3, huge_content_length=False))
        with httpx.stream("GET", server.url("/huge")) as response:
            assert "content-length" not in response.headers
            assert sum(len(chunk) for chunk in response.iter_bytes()) == 3 * 1024 * 1024
        server.route("/big", Route(huge_mb=50))
        with httpx.stream("GET", server.url("/big")) as response:
            assert response.headers["content-length"] == str(50 * 1024 * 1024)
            next(response.iter_bytes())  # read a little, then hang up mid-stream
        assert httpx.get(server.url("/missing")).status_code == 404


# --- charsets and headlines (issues 10 item 13, 11) -------------------------------------------

from botx_cli.trends.sources.charset import charset_of, decode_page  # noqa: E402


@pytest.mark.parametrize(
    ("body", "header", "markup", "text"),
    [
        ("Yavaş".encode(), None, "html", "Yavaş"),  # UTF-8 by default
        ("Yavaş".encode("iso-8859-9"), "iso-8859-9", "html", "Yavaş"),  # the HTTP header decides
        (b'<meta charset="windows-1254">Yava\xfe', None, "html", '<meta charset="windows-1254">Yavaş'),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-9">\xdd',
            None,
            "html",
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-9">İ',
        ),
        (
            '<?xml version="1.0" encoding="ISO-8859-9"?><a>ş</a>'.encode("iso-8859-9"),
            None,
            "xml",
            '<?xml version="1.0" encoding="ISO-8859-9"?><a>ş</a>',
        ),
        ("\ufeffYavaş".encode(), "iso-8859-9", "html", "Yavaş"),  # a byte-order mark beats the header
        ("Yavaş".encode("iso-8859-9"), "no-such-charset", "html", "Yava\ufffd"),  # unknown: UTF-8
        ("Yavaş".encode(), "rot13", "html", "Yavaş"),  # not a text encoding: UTF-8
        (b"Mansur Yava\xc5\x9f and Bahar Fey\xffzan", None, "html", "Mansur Yavaş and Bahar Fey\ufffdzan"),
        (b"caf\xe9", "ISO-8859-1", "html", "café"),  # Latin-1 labels read as windows-1252, like browsers
    ],
)
def test_pages_decode_by_their_declared_charset(body: bytes, header: str | None, markup: str, text: str) -> None:
    assert decode_page(body, header, markup) == text


def test_charset_of_a_content_type() -> None:
    assert charset_of('text/html; charset="ISO-8859-9"') == "ISO-8859-9"
    assert charset_of("application/rss+xml") is None and charset_of(None) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.none() | st.text(max_size=20), st.sampled_from(["html", "xml"]))
def test_decoding_any_bytes_with_any_label_gives_text(body: bytes, header: str | None, markup: str) -> None:
    assert isinstance(decode_page(body, header, markup), str)


def test_google_feeds_give_their_headlines() -> None:
    legacy = parse_google_rss(LEGACY_RSS.read_bytes())
    travis = legacy[0].news
    assert [h.source for h in travis] == ["BBC News", "NBC News"]
    assert travis[0].title == "Travis Scott arrested in Miami over intoxication and trespassing"
    assert travis[0].snippet.startswith("The rapper is detained under his real name")
    assert sum(len(t.news) for t in legacy) == 39  # every ht:news_item of the capture
    current = parse_google_rss(CURRENT_RSS.read_bytes())
    assert [(h.title, h.snippet, h.source) for h in current[1].news] == [
        ("news Item 1", "", "CNN"),
        ("news Item 2", "", "Live Science"),
        ("news Item 3", "", "The Washington Post"),
    ]
    assert parse_google_rss(_feed("<item><title>Bare</title></item>"))[0].news == ()  # names only
