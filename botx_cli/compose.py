"""Template composition: pure functions of config, trend picks and recent history.

Every word comes from config. Rotation (angles, domain tags, trends) reads a History
of what recent posts chose, so an account does not repeat itself back to back and two
accounts do not run the same angle one after the other.

A tweet is planned first (trend, hook, angle and its line, offer, promo line, link, tags),
then worded: `render_template` fits the pieces into a layout; the llm strategy has the
model write the hook and body and keeps the rest of the plan.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botx_cli.config import Config
from botx_cli.text import weighted_length
from botx_cli.trends.calendar import display_name
from botx_cli.validate import MAX_WEIGHTED, normalize

if TYPE_CHECKING:
    from botx_cli.affinity import Affinity


@dataclass(frozen=True)
class TrendPick:
    """A trend or occasion a tweet may ride, as the trend side judged it at refresh time.

    The contract between trends/ (which fills it) and composition (which words it): the copy
    names the pick by `display` whenever its hashtag is attached; `context` is what the
    source said about it (headlines), for the model's plan and the editorial check.
    """

    hashtag: str
    name: str
    category: str  # sports | tech | entertainment | news | calendar | generic
    relevance: float = 0.0
    sources: tuple[str, ...] = ()
    display: str = ""  # the name as the source wrote it ("Mystics vs Fever", "OpenAI", "New Year's Eve")
    context: tuple[str, ...] = ()  # headlines the source gave for it (Google RSS news items), newest first
    matched: tuple[str, ...] = ()  # why it is relevant: the related terms or headline words that matched
    kind: str = "trend"  # trend | occasion ([[occasions]] in config)
    holiday: bool = False  # an occasion people greet ("Happy New Year"); only then a greeting fits
    lines: tuple[str, ...] = ()  # an occasion's own lines from config
    offer: str | None = None  # an occasion's featured offer: the `item` of one of [[offers]]

    @property
    def words(self) -> str:
        """How the copy names it: the display name, else the hashtag split into words."""
        return self.display or display_name(self.hashtag)


@dataclass(frozen=True)
class History:
    """What recent posts chose, newest first."""

    own_angles: tuple[str, ...] = ()
    other_angles: tuple[str, ...] = ()  # other accounts' posts, newest first
    own_tags: tuple[str, ...] = ()  # domain tags of this account's posts, newest first
    recent_trends: frozenset[str] = field(default_factory=frozenset)  # casefolded, within reuse_hours
    recent_texts: tuple[str, ...] = ()  # normalised texts (all accounts), for de-duplication
    near_texts: tuple[str, ...] = ()  # those within the near-duplicate window

    def after(self, tweet: "Tweet", domain_tag: str, text_norm: str) -> "History":
        """The history as it will be once `tweet` is posted (previews of N tweets)."""
        trends = self.recent_trends | {tweet.trend.casefold()} if tweet.trend else self.recent_trends
        return replace(self, own_angles=(tweet.angle, *self.own_angles), own_tags=(domain_tag, *self.own_tags),
                       recent_trends=trends, recent_texts=(text_norm, *self.recent_texts),
                       near_texts=(text_norm, *self.near_texts))


@dataclass(frozen=True)
class Tweet:
    text: str
    hashtags: tuple[str, ...]
    domain_tag: str
    trend: str | None
    category: str
    angle: str
    offer: str
    layout: int  # index in [compose] layouts; -1 for llm copy and manual texts
    strategy: str = "template"
    variant: str | None = None  # the [compose.llm] prompt variant that wrote the copy (llm only)


@dataclass(frozen=True)
class Plan:
    """One tweet's choices before the wording: what both strategies share."""

    account: str
    pick: TrendPick | None
    category: str
    hook: str
    angle: str
    angle_line: str
    offer: str  # the offer's item, recorded on the attempt
    offer_text: str  # its wording with price and unit
    promo: str
    link: str
    tags: tuple[str, ...]
    domain: str
    kind: str = "offer"  # the kind of post: offer | proof | question ([compose] sets the share of offers)
    voice: str = ""  # the account's voice ([accounts.NAME] voice)
    # `promo` and `link` are "" when [compose] promo_every / link_every leave them out of this post

    @property
    def trend(self) -> str | None:
        return self.pick.hashtag if self.pick else None

    def tweet(self, text: str, layout: int, strategy: str = "template") -> Tweet:
        return Tweet(text, self.tags, self.domain, self.trend, self.category, self.angle, self.offer, layout, strategy)


def least_recent(options: list[str], recent: tuple[str, ...], avoid: set[str], rng: random.Random) -> list[str]:
    """Options ordered: not in `avoid` first, then never or least recently used, ties shuffled."""
    def age(option: str) -> int:
        return recent.index(option) if option in recent else len(recent) + 1

    shuffled = options[:]
    rng.shuffle(shuffled)
    return sorted(shuffled, key=lambda o: (o in avoid, -age(o)))


@functools.lru_cache(maxsize=4096)
def _norm(piece: str) -> str:
    return normalize(piece)


def freshest(options: list[str], recent_texts: tuple[str, ...], rng: random.Random) -> list[str]:
    """Options whose words no recent post (any account) used first, then the least recently
    used; ties shuffled. Spreading every piece this way keeps texts far apart."""
    def age(option: str) -> int:
        piece = _norm(option)
        return next((i for i, text in enumerate(recent_texts) if piece and piece in text), len(recent_texts) + 1)

    shuffled = options[:]
    rng.shuffle(shuffled)
    return sorted(shuffled, key=lambda o: -age(o))


def fresh_combination(hooks: list[str], lines: list[str], offers: list[str], near_texts: tuple[str, ...],
                      index: int) -> tuple[str, str, str]:
    """The `index`-th (hook, line, offer) in preference order: combinations no post in the
    near-duplicate window carries first (the same three make a near duplicate whatever the
    layout), then by how fresh each piece is (the lists come freshest first)."""
    def present(options: list[str], text: str) -> list[int]:
        return [i for i, option in enumerate(options) if _norm(option) and _norm(option) in text]

    used: set[tuple[int, int, int]] = set()
    for text in near_texts:
        found_lines = present(lines, text)
        if found_lines:
            used.update((h, ln, o) for h in present(hooks, text) for ln in found_lines for o in present(offers, text))
    combos = sorted(((h, ln, o) for h in range(len(hooks)) for ln in range(len(lines)) for o in range(len(offers))),
                    key=lambda c: (c in used, c[0] + c[1] + c[2]))
    h, ln, o = combos[index % len(combos)]
    return hooks[h], lines[ln], offers[o]


def rank_domains(domain: tuple[str, ...], scores: dict[str, float], own_tags: tuple[str, ...],
                 rng: random.Random) -> list[str]:
    """Domain tags best first: by affinity (2 decimals, so near-equal scores tie), ties to the
    least recently used tag; the account's last tag last, so no tag comes twice in a row."""
    folded = [t.casefold() for t in own_tags]

    def key(tag: str) -> tuple[bool, float, int]:
        age = folded.index(tag.casefold()) if tag.casefold() in folded else len(folded) + 1
        return bool(folded) and tag.casefold() == folded[0], -round(scores.get(tag, 0.0), 2), -age

    shuffled = list(domain)
    rng.shuffle(shuffled)
    return sorted(shuffled, key=key)


def utm_link(url: str, utm: dict[str, str], account: str, trend: str | None) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
    query += [("utm_source", utm["source"]), ("utm_medium", utm["medium"]), ("utm_campaign", utm["campaign"]),
              ("utm_content", account), ("utm_term", (trend or "none").lstrip("#"))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def offer_text(cfg: Config, index: int) -> str:
    """The offer worded for its unit: "$2.10/hr" for GPUs, "$0.35/M tokens" for models."""
    offer = cfg.content.offers[index]
    price = f"{offer.price_usd:.2f}".rstrip("0").rstrip(".") if offer.price_usd >= 10 else f"{offer.price_usd:.2f}"
    return cfg.content.offer_formats[offer.unit].format(item=offer.item, price=price)


def hooks_for(cfg: Config, pick: TrendPick | None) -> tuple[list[str], str]:
    """(hook texts, category): the trend's category when it has hooks, else generic ones."""
    category = pick.category if pick else "generic"
    hooks = cfg.content.hooks.get(category) or ()
    if not pick:
        hooks = tuple(h for h in cfg.content.hooks["generic"] if "{trend}" not in h)
    if not hooks:
        category, hooks = "generic", cfg.content.hooks["generic"]
    name = display_name(pick.hashtag) if pick else ""
    return [hook.replace("{trend}", name) for hook in hooks or ("{trend}",)], category


def tidy(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _angle(cfg: Config, history: History, rng: random.Random, attempt: int,
           rank: dict[str, float] | None = None) -> tuple[str, int]:
    """(angle name, how many angles are allowed): never the account's last angle nor the
    other accounts' last one, unless the config has too few angles for that. `rank` (experiments:
    lower first) reorders only the allowed angles, ties kept in rotation order."""
    names = [a.name for a in cfg.content.angles]
    avoid = {*history.own_angles[:1], *history.other_angles[:1]}
    ordered = least_recent(names, history.own_angles, avoid, rng)
    allowed = ([n for n in ordered if n not in avoid] or [n for n in ordered if n not in history.own_angles[:1]]
               or ordered)
    if rank:
        allowed = sorted(allowed, key=lambda name: rank.get(name, 0.0))
    return allowed[attempt % len(allowed)], len(allowed)


def plan_tweet(cfg: Config, account: str, picks: list[TrendPick], history: History, rng: random.Random,
               attempt: int = 0, domain_order: list[str] | None = None,
               affinity: "Affinity | None" = None, angle_rank: dict[str, float] | None = None) -> Plan:
    """One plan; `attempt` > 0 walks to the next trend, angle, line, offer and hook."""
    fresh = [p for p in picks if p.hashtag.casefold() not in history.recent_trends]
    pick = fresh[attempt % len(fresh)] if fresh else None
    angle_name, allowed = _angle(cfg, history, rng, attempt, angle_rank)
    angle = next(a for a in cfg.content.angles if a.name == angle_name)
    recent = history.recent_texts
    offers = [offer_text(cfg, i) for i in range(len(cfg.content.offers))]
    hooks, category = hooks_for(cfg, pick)
    hook, line, offer = fresh_combination(freshest(hooks, recent, rng), freshest(list(angle.lines), recent, rng),
                                          freshest(offers, recent, rng), history.near_texts, attempt // allowed)
    item = cfg.content.offers[offers.index(offer)].item
    if domain_order:
        domain = domain_order[attempt % len(domain_order)]
    else:
        scores = affinity.scores(angle.name, item, pick.hashtag if pick else None) if affinity else {}
        domain = rank_domains(cfg.hashtags.domain, scores, history.own_tags, rng)[0]
    if pick and pick.hashtag.casefold() == domain.casefold():  # the trend is a domain tag: no trend then
        pick = None
        hooks, category = hooks_for(cfg, pick)
        hook = freshest(hooks, recent, rng)[0]
    promos = _promos(cfg)
    promo = freshest(promos, recent, rng)[attempt % len(promos)]
    tags = (pick.hashtag, domain) if pick and cfg.hashtags.max >= 2 else (domain,)
    link = utm_link(cfg.product.url, cfg.content.utm, account, pick.hashtag if pick else None)
    return fit(cfg, Plan(account, pick, category, hook, angle.name, line, item, offer, promo, link, tags, domain))


def _layouts(cfg: Config, plan: Plan) -> list[str]:
    return [tidy(layout.format(hook=plan.hook, angle=plan.angle_line, offer=plan.offer_text, promo=plan.promo,
                               link=plan.link, tags=" ".join(plan.tags))) for layout in cfg.content.layouts]


def fits(cfg: Config, plan: Plan) -> bool:
    return any(weighted_length(text) <= MAX_WEIGHTED for text in _layouts(cfg, plan))


def fit(cfg: Config, plan: Plan) -> Plan:
    """The plan, or when no layout holds it in 280 (a long trend tag, long config lines) the
    same plan with the shortest hook, line and offer, then also without the trend."""
    if fits(cfg, plan):
        return plan
    angle = next(a for a in cfg.content.angles if a.name == plan.angle)
    index = min(range(len(cfg.content.offers)), key=lambda i: weighted_length(offer_text(cfg, i)))
    short = replace(plan, hook=min(hooks_for(cfg, plan.pick)[0], key=weighted_length),
                    angle_line=min(angle.lines, key=weighted_length), offer=cfg.content.offers[index].item,
                    offer_text=offer_text(cfg, index), promo=min(_promos(cfg), key=weighted_length))
    if fits(cfg, short) or plan.pick is None:
        return short
    hooks, category = hooks_for(cfg, None)
    return replace(short, pick=None, category=category, hook=min(hooks, key=weighted_length), tags=(plan.domain,),
                   link=utm_link(cfg.product.url, cfg.content.utm, plan.account, None))


def _promos(cfg: Config) -> list[str]:
    return [line.format(code=cfg.product.promo_code) for line in cfg.product.promo_lines]


def render_template(cfg: Config, plan: Plan, rng: random.Random) -> Tweet:
    """Fit the plan into a layout: layouts in a seeded random order (variety), the first that
    fits X's 280; if none fits, the shortest (validation then names the length)."""
    texts = _layouts(cfg, plan)
    order = list(range(len(texts)))
    rng.shuffle(order)
    best: tuple[int, str, int] | None = None
    for index in order:
        text = texts[index]
        length = weighted_length(text)
        if length <= MAX_WEIGHTED:
            return plan.tweet(text, index)
        if best is None or length < best[0]:
            best = (length, text, index)
    assert best is not None
    return plan.tweet(best[1], best[2])


def compose_template(cfg: Config, account: str, picks: list[TrendPick], history: History, rng: random.Random,
                     attempt: int = 0, domain_order: list[str] | None = None,
                     affinity: "Affinity | None" = None) -> Tweet:
    """One composition; `attempt` > 0 walks to the next trend, angle and piece choices."""
    return render_template(cfg, plan_tweet(cfg, account, picks, history, rng, attempt, domain_order, affinity), rng)
