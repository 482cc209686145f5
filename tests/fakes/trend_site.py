"""Every trend source on one loopback StaticServer, and a config that points at it.

Pages are the real captures of tests/fixtures/trend-pages (see SOURCES.md), served as the
live sites serve them: trends24 minified with unquoted attributes, dates moved to "now"
so freshness rules keep them (`fresh=False` serves the original dates).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from fakes.static_server import Route, StaticServer, unquote_attributes

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "trend-pages"
LEGACY_RSS = PAGES / "google-trends-legacy-daily-rss-US-2024-06-20.xml"
CURRENT_RSS = PAGES / "google-trends-trending-rss-shape-2025-02-25-EDITED.xml"
WORLDWIDE = PAGES / "trends24-worldwide.html"
GETDAYTRENDS = PAGES / "getdaytrends-HANDMADE.html"
DAILYTRENDS = PAGES / "pytrends-dailytrends-HANDMADE.json"
NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")  # a Monday, inside the posting window
PATHS = {
    "google_rss": "/rss",
    "trends24": "/trends24/",
    "getdaytrends": "/getdaytrends/",
    "pytrends": "/trends/api/dailytrends",
}


def freshen(text: str, now: datetime = NOW) -> str:
    """RSS pubDates and trends24 card timestamps moved to shortly before `now`."""
    moment = now.astimezone(timezone.utc) - timedelta(minutes=30)
    text = re.sub(r"<pubDate>[^<]*</pubDate>", f"<pubDate>{format_datetime(moment)}</pubDate>", text)
    return re.sub(r'data-timestamp="[0-9.]+"', f'data-timestamp="{moment.timestamp():.3f}"', text)


def current_feed(*names: str) -> bytes:
    """The current Google feed's shape with real-looking titles instead of trend1, trend2."""
    text = CURRENT_RSS.read_text(encoding="utf-8")
    for index, name in enumerate(names, start=1):
        text = text.replace(f"<title>trend{index}</title>", f"<title>{name}</title>")
    return freshen(text).encode("utf-8")


class TrendSite(StaticServer):
    def __init__(self, fresh: bool = True) -> None:
        serve = freshen if fresh else (lambda text: text)
        rss = serve(LEGACY_RSS.read_text(encoding="utf-8"))
        page = unquote_attributes(serve(WORLDWIDE.read_text(encoding="utf-8")))
        super().__init__(
            {
                PATHS["google_rss"]: Route(body=rss.encode(), content_type="application/rss+xml; charset=utf-8"),
                PATHS["trends24"]: Route(body=page.encode()),
                PATHS["getdaytrends"]: Route(body=GETDAYTRENDS.read_bytes()),
                "/trends/explore/": Route(body=b"<html></html>", headers={"Set-Cookie": "NID=511=test; Path=/"}),
                PATHS["pytrends"]: Route(body=DAILYTRENDS.read_bytes(), content_type="application/json; charset=utf-8"),
            }
        )

    def source_url(self, name: str) -> str:
        return self.url("/trends").rstrip("/") if name == "pytrends" else self.url(PATHS[name])

    def hits(self, name: str) -> int:
        return self.requests.count(PATHS[name])


def example_related() -> str:
    """The example config's [trends] related list, as a TOML line."""
    import json

    from botx_cli.config.locate import BUNDLED_EXAMPLE, read_toml

    return "related = " + json.dumps(read_toml(BUNDLED_EXAMPLE)["trends"]["related"])


def trends_section(
    site: TrendSite,
    x_base_url: str | None = None,
    policy: str = "relevant",
    timeout: float = 5,
    extra: str = "",
    **sources: str,
) -> str:
    """A [trends] section with every network source on `site` (X on x_base_url when given) and
    the example's `related` list. `sources` adds lines to one source's table, e.g.
    trends24="timeout_seconds = 0.2"."""
    lines = [f'[trends]\npolicy = "{policy}"\ncache_minutes = 30\nmin_relevance = 0.2\n{example_related()}\n{extra}']

    def own(name: str) -> str:  # the source's extra lines; they may set their own timeout
        extra_lines = sources.get(name, "")
        return extra_lines + ("" if "timeout_seconds" in extra_lines else f"\ntimeout_seconds = {timeout}") + "\n"

    for name in ("google_rss", "trends24", "getdaytrends", "pytrends"):
        lines.append(f'[trends.sources.{name}]\nurl = "{site.source_url(name)}"\n{own(name)}')
    x_url = f'url = "{x_base_url}"\n' if x_base_url else ""
    lines.append(f"[trends.sources.x]\nenabled = {'true' if x_base_url else 'false'}\nwoeid = 1\n{x_url}{own('x')}")
    lines.append(f"[trends.sources.calendar]\n{sources.get('calendar', 'enabled = true')}\n")
    return "\n".join(lines) + "\n"


def point_trends(config: Path, section: str) -> Path:
    """Replace the [trends] section (up to [compose]) of a config file."""
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r"(?ms)^\[trends\]\n.*?(?=^\[compose\])", section.replace("\\", "\\\\"), text)
    assert count == 1, "no [trends] section before [compose]"
    config.write_text(text, encoding="utf-8")
    return config


def gpu_trend_site() -> TrendSite:
    """The trend site with a current Google feed of two GPU-related trends (relevant to the
    example product), the rest as captured."""
    site = TrendSite()
    site.route(
        "/rss", Route(body=current_feed("Nvidia earnings", "Cloud GPU prices"), content_type="application/rss+xml")
    )
    return site
