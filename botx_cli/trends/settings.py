"""[trends] and [[occasions]]: what the trend side reads from config, parsed once at load.

Policy, cache and reuse, the sources (each [trends.sources.NAME] table as the registry in
trends/sources says it takes), cleaning rules, categories, breaker, refresh budget, related
terms, and the top-level [[occasions]] (occasions.py). Registered in botx_cli.sections: a typo
anywhere under [trends] is one error line naming the file and key (exit 2) before anything
runs. Stdlib only: it loads on every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botx_cli.config.core import Config, Section
from botx_cli.config.table import Table, clip
from botx_cli.trends import occasions as occasion_config
from botx_cli.trends import sources
from botx_cli.trends.blacklist import DEFAULT_ALLOW, DEFAULT_BLACKLIST
from botx_cli.trends.clean import SCRIPTS, CleanRules
from botx_cli.trends.occasions import Occasion
from botx_cli.trends.relate import parse_entry
from botx_cli.trends.sources.base import X_API, Source, SourceSpec
from botx_cli.x.settings import XSettings

POLICIES = ("relevant", "any", "off")
CATEGORY_NAMES = ("sports", "tech", "entertainment", "news")  # anything else is "generic"
TRENDS_KEYS = (
    "policy",
    "cache_minutes",
    "min_relevance",
    "reuse_hours",
    "sources",
    "max_age_hours",
    "script",
    "blacklist",
    "blacklist_extra",
    "blacklist_allow",
    "categories",
    "refresh_budget_seconds",
    "user_agent",
    "cooloff_minutes",
    "cooloff_max_minutes",
    "keep_refreshes",
    "related",
)
MAX_RELATED = 2000
USER_AGENT = "Mozilla/5.0 (compatible; botx/0.1; trend reader)"

# Matched like the blacklist: whole words and CamelCase pieces (#NBAFinals -> nba), never
# substrings. The first hit in the trend's own word order decides its category.
# fmt: off
DEFAULT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "sports": ("nba", "nfl", "mlb", "nhl", "mls", "wnba", "ncaa", "fifa", "uefa", "epl", "football", "soccer", "basketball", "baseball", "hockey", "tennis", "golf", "cricket", "rugby", "f1", "formula1", "nascar", "motogp", "ufc", "boxing", "wrestling", "wwe", "olympics", "olympic", "worldcup", "superbowl", "playoffs", "playoff", "championsleague", "premierleague", "laliga", "seriea", "bundesliga", "wimbledon", "marathon", "touchdown", "quarterback", "transfer", "derby", "grandprix", "gameday", "matchday", "vs", "lakers", "warriors", "celtics", "knicks", "yankees", "dodgers", "cowboys", "chiefs", "eagles", "arsenal", "liverpool", "chelsea", "barcelona", "realmadrid", "juventus", "messi", "ronaldo", "lebron")
    + ("world cup", "super bowl", "champions league", "premier league", "grand prix"),
    "tech": ("ai", "gpt", "chatgpt", "openai", "anthropic", "claude", "gemini", "copilot", "llm", "llama", "deepseek", "mistral", "nvidia", "gpu", "gpus", "cuda", "amd", "intel", "chip", "chips", "semiconductor", "apple", "iphone", "ipad", "macbook", "macos", "ios", "android", "pixel", "samsung", "galaxy", "google", "microsoft", "windows", "linux", "github", "aws", "azure", "cloud", "datacenter", "software", "developer", "developers", "coding", "python", "javascript", "rust", "startup", "startups", "tesla", "spacex", "starship", "robot", "robotics", "quantum", "crypto", "bitcoin", "ethereum", "blockchain", "cybersecurity", "hack", "outage", "wwdc", "ces")
    + ("machine learning", "deep learning", "artificial intelligence", "data center"),
    "entertainment": ("movie", "movies", "film", "trailer", "netflix", "disney", "hbo", "hulu", "marvel", "dc", "pixar", "album", "song", "single", "tour", "concert", "festival", "grammys", "grammy", "oscars", "oscar", "emmys", "emmy", "billboard", "kpop", "bts", "blackpink", "anime", "manga", "series", "episode", "finale", "premiere", "season", "nintendo", "playstation", "xbox", "fortnite", "minecraft", "pokemon", "gta", "esports", "twitch", "youtube", "tiktok", "spotify", "celebrity", "actor", "actress", "singer", "rapper")
    + ("star wars", "box office", "music video"),
    "news": ("breaking", "news", "report", "economy", "stocks", "nasdaq", "inflation", "recession", "fed", "rates", "jobs", "unemployment", "earnings", "ipo", "merger", "lawsuit", "court", "verdict", "strike", "weather", "heatwave", "snow", "recall")
    + ("wall street", "interest rates", "stock market", "live updates"),
}
# fmt: on


@dataclass(frozen=True)
class TrendSettings:
    policy: str  # relevant | any | off
    cache_minutes: int
    min_relevance: float
    reuse_hours: int  # an account rides the same trend again only after this long
    sources: dict[str, SourceSpec]  # every known source, configured or not, in registry order
    rules: CleanRules
    categories: dict[str, tuple[str, ...]]
    refresh_budget_seconds: float
    user_agent: str
    cooloff_minutes: float  # first breaker cool-off; doubles per failure in a row
    cooloff_max_minutes: float
    keep_refreshes: int
    related: tuple[tuple[str, ...], ...] = ()  # [trends] related: each entry's aliases (relate.py)
    occasions: tuple[Occasion, ...] = ()  # [[occasions]]

    def network(self) -> list[SourceSpec]:
        return [self.sources[name] for name in sources.network() if self.sources[name].enabled]


def parse(cfg: Config) -> TrendSettings:
    table = cfg.section("trends")
    _no_unknown(table, TRENDS_KEYS)
    sources_table = table.table("sources")
    for name in sources_table.data:
        if name not in sources.by_name():
            raise sources_table.fail(clip(name, 40), f"unknown trend source; use {', '.join(sources.names())}")
    rules = CleanRules(
        max_age_hours=table.number("max_age_hours", 24.0, 0.5, 24.0 * 30),
        script=table.choice("script", ("any", *SCRIPTS), "latin"),
        blacklist=_lists(table.table("blacklist"), DEFAULT_BLACKLIST, None),
        extra_blacklist=table.strings("blacklist_extra", (), non_empty=False),
        allow=(*DEFAULT_ALLOW, *table.strings("blacklist_allow", (), non_empty=False)),
    )
    cooloff = table.number("cooloff_minutes", 5.0, 0.0, 24.0 * 60)
    return TrendSettings(
        policy=table.choice("policy", POLICIES, "relevant"),
        cache_minutes=table.positive_int("cache_minutes", 30, maximum=7 * 24 * 60),
        min_relevance=table.number("min_relevance", 0.2, 0.0, 1.0),
        reuse_hours=table.int_between("reuse_hours", 12, 0, 24 * 365),
        sources={
            source.name: _source(cfg, sources_table, source)
            for source in (module.SOURCE for module in sources.REGISTRY)
        },
        rules=rules,
        categories=_lists(table.table("categories"), DEFAULT_CATEGORIES, CATEGORY_NAMES),
        refresh_budget_seconds=table.number("refresh_budget_seconds", 8.0, 0.5, 120.0),
        user_agent=table.get("user_agent", str, USER_AGENT),
        cooloff_minutes=cooloff,
        cooloff_max_minutes=table.number("cooloff_max_minutes", 360.0, cooloff, 7.0 * 24 * 60),
        keep_refreshes=table.positive_int("keep_refreshes", 5),
        related=_related(table),
        occasions=occasion_config.parse(cfg, cfg.root()),
    )


def _related(table: Table) -> tuple[tuple[str, ...], ...]:
    """[trends] related: "AWS | Amazon Web Services" entries, each alias made of letters or digits."""
    entries = table.strings("related", (), non_empty=False)
    if len(entries) > MAX_RELATED:
        raise table.fail("related", f"at most {MAX_RELATED} entries, got {len(entries)}")
    parsed = []
    for entry in entries:
        aliases = parse_entry(entry)
        if not aliases or any(not any(c.isalnum() for c in alias) or len(alias) > 80 for alias in aliases):
            raise table.fail(
                "related", f"{entry[:80]!r}: each alias (between |) needs letters or digits, at most 80 characters"
            )
        parsed.append(tuple(aliases))
    return tuple(parsed)


def _no_unknown(table: Table, known: tuple[str, ...]) -> None:
    for key in table.data:
        if key not in known:
            raise table.fail(key, f"unknown key; [{table.name}] takes {', '.join(known)}")


def _lists(
    table: Table, defaults: Mapping[str, tuple[str, ...]], allowed: tuple[str, ...] | None
) -> dict[str, tuple[str, ...]]:
    """Defaults with the categories the table names replaced ([] switches one off)."""
    if allowed is not None:
        _no_unknown(table, allowed)
    merged = dict(defaults)
    for name in table.data:
        merged[name] = table.strings(name, non_empty=False)
    return merged


def _source(cfg: Config, table_of_sources: Table, source: Source) -> SourceSpec:
    table = table_of_sources.table(source.name)
    if not source.network:
        _no_unknown(table, ("enabled",))
        return SourceSpec(source.name, table.get("enabled", bool, source.enabled), None, 0.0)
    _no_unknown(table, ("enabled", "url", "timeout_seconds", *(option.key for option in source.options)))
    options: dict[str, Any] = {
        option.key: table.positive_int(option.key, option.default)
        if isinstance(option.default, int)
        else table.get(option.key, str, option.default)
        for option in source.options
    }
    default = cfg.settings(XSettings).api_base_url if source.url == X_API else source.url
    url = table.url("url", default)
    query = {option.key: str(options[option.key]) for option in source.options if option.in_query}
    if any(query.values()):
        url = with_query(url, **{key: value for key, value in query.items() if value})
    return SourceSpec(
        name=source.name,
        enabled=table.get("enabled", bool, source.enabled),
        url=url.rstrip("/") if source.base_url else url,
        timeout_seconds=table.number("timeout_seconds", 10.0, 0.1, 120.0),
        options=options,
    )


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))


SECTION = Section(TrendSettings, parse)
