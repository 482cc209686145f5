"""Template composition: pure functions of config, trend picks and recent history.

Every word comes from config. Rotation (angles, domain tags, trends) reads a History
of what recent posts chose, so an account does not repeat itself back to back and two
accounts do not run the same angle one after the other.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botx_cli.config import Config
from botx_cli.trends.calendar import display_name


@dataclass(frozen=True)
class TrendPick:
    hashtag: str
    name: str
    category: str  # sports | tech | entertainment | news | calendar | generic
    relevance: float = 0.0
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class History:
    """What recent posts chose, newest first."""

    own_angles: tuple[str, ...] = ()
    other_angles: tuple[str, ...] = ()  # other accounts' posts, newest first
    own_tags: tuple[str, ...] = ()  # domain tags of this account's posts, newest first
    recent_trends: frozenset[str] = field(default_factory=frozenset)  # casefolded, within reuse_hours
    recent_texts: tuple[str, ...] = ()  # normalised texts (all accounts), for de-duplication

    def after(self, tweet: "Tweet", domain_tag: str, text_norm: str) -> "History":
        """The history as it will be once `tweet` is posted (previews of N tweets)."""
        trends = self.recent_trends | {tweet.trend.casefold()} if tweet.trend else self.recent_trends
        return replace(self, own_angles=(tweet.angle, *self.own_angles), own_tags=(domain_tag, *self.own_tags),
                       recent_trends=trends, recent_texts=(text_norm, *self.recent_texts))


@dataclass(frozen=True)
class Tweet:
    text: str
    hashtags: tuple[str, ...]
    domain_tag: str
    trend: str | None
    category: str
    angle: str
    offer: str
    layout: int
    strategy: str = "template"


def least_recent(options: list[str], recent: tuple[str, ...], avoid: set[str], rng: random.Random) -> list[str]:
    """Options ordered: not in `avoid` first, then never or least recently used, ties shuffled."""
    def age(option: str) -> int:
        return recent.index(option) if option in recent else len(recent) + 1

    shuffled = options[:]
    rng.shuffle(shuffled)
    return sorted(shuffled, key=lambda o: (o in avoid, -age(o)))


def utm_link(url: str, utm: dict[str, str], account: str, trend: str | None) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
    query += [("utm_source", utm["source"]), ("utm_medium", utm["medium"]), ("utm_campaign", utm["campaign"]),
              ("utm_content", account), ("utm_term", (trend or "none").lstrip("#"))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def offer_text(cfg: Config, index: int) -> str:
    offer = cfg.content.offers[index]
    price = f"{offer.price_usd:.2f}".rstrip("0").rstrip(".") if offer.price_usd >= 10 else f"{offer.price_usd:.2f}"
    return cfg.content.offer_formats[offer.unit].format(item=offer.item, price=price)


def pick_hook(cfg: Config, pick: TrendPick | None, rng: random.Random) -> tuple[str, str]:
    """(hook text, category): the trend's category when it has hooks, else generic ones."""
    category = pick.category if pick else "generic"
    hooks = cfg.content.hooks.get(category) or ()
    if not pick:
        hooks = tuple(h for h in cfg.content.hooks["generic"] if "{trend}" not in h)
    if not hooks:
        category, hooks = "generic", cfg.content.hooks["generic"]
    hook = rng.choice(list(hooks) or ["{trend}"])
    return hook.replace("{trend}", display_name(pick.hashtag) if pick else ""), category


def tidy(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def compose_template(cfg: Config, account: str, picks: list[TrendPick], history: History, rng: random.Random,
                     attempt: int = 0, domain_order: list[str] | None = None) -> Tweet:
    """One composition; `attempt` > 0 walks to the next trend, angle and tag choices."""
    fresh = [p for p in picks if p.hashtag.casefold() not in history.recent_trends]
    pick = fresh[attempt % len(fresh)] if fresh else None
    angles = least_recent([a.name for a in cfg.content.angles], history.own_angles,
                          {*history.own_angles[:1], *history.other_angles[:1]}, rng)
    angle = next(a for a in cfg.content.angles if a.name == angles[attempt % len(angles)])
    domains = domain_order or least_recent(list(cfg.hashtags.domain), history.own_tags,
                                           set(history.own_tags[:1]), rng)
    domain = domains[attempt % len(domains)]
    if pick and pick.hashtag.casefold() == domain.casefold():
        pick = None
    tags = [pick.hashtag, domain] if pick and cfg.hashtags.max >= 2 else [domain]
    hook, category = pick_hook(cfg, pick, rng)
    offer_index = rng.randrange(len(cfg.content.offers))
    layout = rng.randrange(len(cfg.content.layouts))
    text = cfg.content.layouts[layout].format(
        hook=hook, angle=rng.choice(angle.lines), offer=offer_text(cfg, offer_index),
        promo=rng.choice(cfg.product.promo_lines).format(code=cfg.product.promo_code),
        link=utm_link(cfg.product.url, cfg.content.utm, account, pick.hashtag if pick else None),
        tags=" ".join(tags))
    return Tweet(tidy(text), tuple(tags), domain, pick.hashtag if pick else None, category, angle.name,
                 cfg.content.offers[offer_index].item, layout)
