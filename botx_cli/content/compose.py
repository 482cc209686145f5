"""Template composition: pure functions of config, trend picks and recent history.

Every word comes from config. A tweet is planned first, then worded:
- the kind of post (offer, proof or question: [compose.kinds] shares, spread evenly per
  account), the account's voice ([accounts.NAME] voice selects the pieces tagged for it);
- a trend or occasion to ride, only when a hook can name it; an occasion brings its lines
  and offer, and only a holiday gets a greeting;
- the angle (rotated: never the account's last nor the other accounts' last one), pieces that
  fit together and a wording drawn from their alternatives that shares least with the day's
  posts (wording.py);
- the promo line and the link as [compose] promo_every / link_every say (link_policy.py), the
  link with UTM parameters, and the tags: the trend's (when named) and one domain tag.
`render_template` fits the plan into a layout of its kind; the llm strategy has the model
write the copy and keeps the rest of the plan.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botx_cli.config import grammar
from botx_cli.config.core import Config
from botx_cli.config.pieces import voiced
from botx_cli.config.words import Angle, voice_of
from botx_cli.content.link_policy import due
from botx_cli.content.validate import MAX_WEIGHTED
from botx_cli.content.variety import ngrams, sentences, words
from botx_cli.content.wording import Wording, choose, hook_pool, line_pool, next_kind, opens
from botx_cli.text import weighted_length
from botx_cli.trends.calendar import display_name

if TYPE_CHECKING:
    from botx_cli.trends.affinity import Affinity


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
        return (self.display or display_name(self.hashtag)).lstrip("#\uff03")  # a '#' in prose is a third tag


@dataclass(frozen=True)
class History:
    """What recent posts chose, newest first."""

    own_angles: tuple[str, ...] = ()
    other_angles: tuple[str, ...] = ()  # other accounts' posts, newest first
    own_tags: tuple[str, ...] = ()  # domain tags of this account's posts, newest first
    recent_trends: frozenset[str] = field(default_factory=frozenset)  # casefolded, within reuse_hours
    recent_texts: tuple[str, ...] = ()  # normalised texts (all accounts), for de-duplication
    near_texts: tuple[str, ...] = ()  # those within the near-duplicate window
    own_kinds: tuple[str | None, ...] = ()  # kinds of this account's posts (None: manual, drafts, older)
    own_links: tuple[bool, ...] = ()  # whether each of this account's posts carried the product link
    own_promos: tuple[bool, ...] = ()  # ... and the promo code
    today: tuple[str, ...] = ()  # the proses of the local day's posts, all accounts
    near_proses: tuple[str, ...] = ()  # the proses of the posts within the near-duplicate window

    @cached_property
    def today_sentences(self) -> frozenset[str]:
        return frozenset(s for prose in self.today for s in _sentences(prose))

    @cached_property
    def near_sentences(self) -> frozenset[str]:
        return frozenset(s for prose in self.near_proses for s in _sentences(prose))

    @cached_property
    def today_grams(self) -> frozenset[tuple[str, ...]]:
        return frozenset(g for prose in self.today for g in _grams(prose))

    def after(
        self, tweet: Tweet, domain_tag: str, text_norm: str, prose: str = "", link: bool = True, promo: bool = True
    ) -> History:
        """The history as it will be once `tweet` is posted (previews of N tweets)."""
        trends = self.recent_trends | {tweet.trend.casefold()} if tweet.trend else self.recent_trends
        return replace(
            self,
            own_angles=(tweet.angle, *self.own_angles),
            own_tags=(domain_tag, *self.own_tags),
            recent_trends=trends,
            recent_texts=(text_norm, *self.recent_texts),
            near_texts=(text_norm, *self.near_texts),
            own_kinds=(tweet.kind, *self.own_kinds),
            own_links=(link, *self.own_links),
            own_promos=(promo, *self.own_promos),
            today=(prose, *self.today) if prose else self.today,
            near_proses=(prose, *self.near_proses) if prose else self.near_proses,
        )


@functools.lru_cache(maxsize=8192)  # a post's prose is read again by every later composition (previews)
def _sentences(prose: str) -> tuple[str, ...]:
    return tuple(sentences(prose))


@functools.lru_cache(maxsize=8192)
def _grams(prose: str) -> tuple[tuple[str, ...], ...]:
    return tuple(ngrams(words(prose), 4))


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
    kind: str | None = "offer"  # offer | proof | question; None for manual texts and drafts


@dataclass(frozen=True)
class Plan:
    """One tweet's choices before the wording: what both strategies share."""

    account: str
    pick: TrendPick | None
    category: str
    hook: str
    angle: str
    angle_line: str  # the angle's line, proof or question (by kind), or the occasion's line
    offer: str  # the offer's item, recorded on the attempt ("" for proof and question posts)
    offer_text: str  # its wording with price and unit ("" for proof and question posts)
    promo: str
    link: str
    tags: tuple[str, ...]
    domain: str
    kind: str = "offer"  # the kind of post: offer | proof | question ([compose] sets the share of offers)
    voice: str = ""  # the account's voice ([accounts.NAME] voice)
    # `promo` and `link` are "" when [compose] promo_every / link_every leave them out of this post
    profile: str = ""  # without the link: a [compose] profile_lines line pointing to the profile, or ""

    @property
    def trend(self) -> str | None:
        return self.pick.hashtag if self.pick else None

    def tweet(self, text: str, layout: int, strategy: str = "template") -> Tweet:
        return Tweet(
            text,
            self.tags,
            self.domain,
            self.trend,
            self.category,
            self.angle,
            self.offer,
            layout,
            strategy,
            kind=self.kind,
        )


def least_recent(options: list[str], recent: tuple[str, ...], avoid: set[str], rng: random.Random) -> list[str]:
    """Options ordered: not in `avoid` first, then never or least recently used, ties shuffled."""

    def age(option: str) -> int:
        return recent.index(option) if option in recent else len(recent) + 1

    shuffled = options[:]
    rng.shuffle(shuffled)
    return sorted(shuffled, key=lambda o: (o in avoid, -age(o)))


def rank_domains(
    domain: tuple[str, ...], scores: dict[str, float], own_tags: tuple[str, ...], rng: random.Random
) -> list[str]:
    """Domain tags best first: by affinity (2 decimals, so near-equal scores tie), ties to the
    least recently used tag; the account's last tag last, so no tag comes twice in a row."""
    folded = [t.casefold() for t in own_tags]

    def key(tag: str) -> tuple[bool, float, int]:
        age = folded.index(tag.casefold()) if tag.casefold() in folded else len(folded) + 1
        return bool(folded) and tag.casefold() == folded[0], -round(scores.get(tag, 0.0), 2), -age

    shuffled = list(domain)
    rng.shuffle(shuffled)
    return sorted(shuffled, key=key)


def utm_link(url: str, utm: dict[str, str], content: str, term: str | None) -> str:
    """The product link with UTM parameters: utm_content names the account (its handle),
    utm_term the trend or, without one, the angle; a parameter without a value is left out."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
    query += [("utm_source", utm["source"]), ("utm_medium", utm["medium"]), ("utm_campaign", utm["campaign"])]
    query += [
        (key, value.lstrip("#"))
        for key, value in (("utm_content", content), ("utm_term", term or ""))
        if value and value.lstrip("#")
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def tidy(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _angle(
    cfg: Config, history: History, rng: random.Random, attempt: int, rank: dict[str, float] | None, names: list[str]
) -> tuple[str, int]:
    """(angle name, how many angles are allowed): never the account's last angle nor the
    other accounts' last one, unless the config has too few angles for that. `rank` (experiments:
    lower first) reorders only the allowed angles, ties kept in rotation order."""
    avoid = {*history.own_angles[:1], *history.other_angles[:1]}
    ordered = least_recent(names, history.own_angles, avoid, rng)
    allowed = (
        [n for n in ordered if n not in avoid] or [n for n in ordered if n not in history.own_angles[:1]] or ordered
    )
    if rank:
        allowed = sorted(allowed, key=lambda name: rank.get(name, 0.0))
    return allowed[attempt % len(allowed)], len(allowed)


def layouts_for(cfg: Config, kind: str, voice: str, hooked: bool) -> list[tuple[int, str]]:
    """(index, layout) of the layouts serving this kind in this voice; `hooked`: only those
    that show the hook (a trend is named by its hook)."""
    return [
        (i, str(layout))
        for i, layout in enumerate(cfg.content.layouts)
        if kind in layout.kinds and layout.voice in ("", voice) and (not hooked or "{hook}" in layout)
    ]


def _riding(cfg: Config, picks: list[TrendPick], history: History, kind: str, voice: str) -> list[TrendPick]:
    """Picks this post may ride: not used by the account within reuse_hours, and nameable (a
    hook of theirs exists for this kind and voice, and a layout that shows it)."""
    if cfg.hashtags.max < 2 or not layouts_for(cfg, kind, voice, hooked=True):
        return []
    return [p for p in picks if p.hashtag.casefold() not in history.recent_trends and hook_pool(cfg, p, kind, voice)]


def _occasion_offer(cfg: Config, pick: TrendPick | None) -> int | None:
    if pick is None or pick.kind != "occasion" or not pick.offer:
        return None
    return next((i for i, o in enumerate(cfg.content.offers) if o.item == pick.offer), None)


def plan_tweet(
    cfg: Config,
    account: str,
    picks: list[TrendPick],
    history: History,
    rng: random.Random,
    attempt: int = 0,
    domain_order: list[str] | None = None,
    affinity: Affinity | None = None,
    angle_rank: dict[str, float] | None = None,
) -> Plan:
    """One plan; `attempt` > 0 walks to the next trend, angle, kind and wording."""
    who = cfg.account(account)
    voice = voice_of(who.voice, cfg.content.voices)
    kind = next_kind(cfg.content.kinds, history.own_kinds, attempt)
    riding = _riding(cfg, picks, history, kind, voice)
    options: list[TrendPick | None] = [*riding, None]  # a later attempt may also go without a trend
    pick = options[attempt % len(options)]
    featured = _occasion_offer(cfg, pick)
    if featured is not None and layouts_for(cfg, "offer", voice, hooked=True):
        kind = "offer"  # an occasion's offer makes it an offer post
    names = [a.name for a in cfg.content.angles if line_pool(a, kind, voice, pick)]
    if pick is not None:  # angles with a line the trend's hooks can open
        hooks = hook_pool(cfg, pick, kind, voice)
        paired = [
            a.name
            for a in cfg.content.angles
            if a.name in names and any(opens(h, line) for h in hooks for line in line_pool(a, kind, voice, pick))
        ]
        names, pick = (paired, pick) if paired else (names, None)
        featured = featured if pick else None
    if not names:  # a kind this voice has no pieces for (config coverage prevents it): an offer post
        kind, names = "offer", [a.name for a in cfg.content.angles if line_pool(a, "offer", voice, pick)]
    names = names or [a.name for a in cfg.content.angles]
    angle_name, allowed = _angle(cfg, history, rng, attempt, angle_rank, names)
    angle = next(a for a in cfg.content.angles if a.name == angle_name)
    wordings = _wordings(cfg, kind, voice, angle, pick, featured, history, rng, attempt // allowed)
    if not wordings and pick is not None:
        pick, featured = None, None
        wordings = _wordings(cfg, kind, voice, angle, None, None, history, rng, attempt // allowed)
    item = ""
    plans = []
    for wording in wordings:
        item = cfg.content.offers[wording.offer].item if wording.offer is not None else ""
        plans.append(
            _plan(
                cfg,
                who.name,
                who.handle,
                voice,
                kind,
                pick,
                angle.name,
                wording,
                item,
                history,
                rng,
                attempt,
                domain_order,
                affinity,
            )
        )
        if fits(cfg, plans[-1]):
            return plans[-1]
    if pick is not None:  # a long trend name: the same post without it
        return plan_tweet(cfg, account, [], history, rng, attempt, domain_order, affinity, angle_rank)
    return min(plans, key=lambda p: min((_length(t) for _i, t in _texts(cfg, p)), default=0))


def _wordings(
    cfg: Config,
    kind: str,
    voice: str,
    angle: Angle,
    pick: TrendPick | None,
    featured: int | None,
    history: History,
    rng: random.Random,
    start: int,
) -> list[Wording]:
    offers = ([featured] if featured is not None else list(range(len(cfg.content.offers)))) if kind == "offer" else []
    hooks = hook_pool(cfg, pick, kind, voice)
    if pick is not None and not hooks:
        return []
    lines = line_pool(angle, kind, voice, pick) or list(angle.lines)
    found = choose(cfg, kind, voice, hooks, lines, offers, pick.words if pick else "", history, rng, start)
    if pick is not None:  # a trend or occasion whose few pieces were all said today sits this post out
        found = [w for w in found if w.score[0] == 0]
    if not found and pick is None:  # no hook fits these lines: the post opens with its line
        found = choose(cfg, kind, voice, [], lines, offers, "", history, rng, start)
    return found


def _plan(
    cfg: Config,
    account: str,
    handle: str,
    voice: str,
    kind: str,
    pick: TrendPick | None,
    angle: str,
    wording: Wording,
    item: str,
    history: History,
    rng: random.Random,
    attempt: int,
    domain_order: list[str] | None,
    affinity: Affinity | None,
) -> Plan:
    if domain_order:
        domain = domain_order[attempt % len(domain_order)]
    else:
        scores = affinity.scores(angle, item, pick.hashtag if pick else None) if affinity else {}
        domain = rank_domains(cfg.hashtags.domain, scores, history.own_tags, rng)[0]
    if pick and pick.hashtag.casefold() == domain.casefold():  # the trend is a domain tag: tag it once
        pick = None
    product = cfg.product
    promo = ""
    if due(cfg.content.promo_every, history.own_promos):
        lines = voiced(product.promo_lines, voice) or list(product.promo_lines)
        promo = grammar.expand(lines[rng.randrange(len(lines))], rng).format(code=product.promo_code)
    link = (
        utm_link(product.url, cfg.content.utm, handle, pick.hashtag if pick else angle)
        if due(cfg.content.link_every, history.own_links)
        else ""
    )
    profiles = voiced(cfg.content.profile_lines, voice)
    profile = grammar.expand(profiles[rng.randrange(len(profiles))], rng) if profiles and not link else ""
    tags = (pick.hashtag, domain) if pick else (domain,)
    return Plan(
        account,
        pick,
        pick.category if pick else "generic",
        wording.hook,
        angle,
        wording.line,
        item,
        wording.offer_text,
        promo,
        link,
        tags,
        domain,
        kind,
        voice,
        profile,
    )


def _texts(cfg: Config, plan: Plan) -> list[tuple[int, str]]:
    """(layout index, text) of every layout that serves the plan."""
    return [
        (
            index,
            tidy(
                layout.format(
                    hook=plan.hook,
                    angle=plan.angle_line,
                    offer=plan.offer_text,
                    promo=plan.promo,
                    link=plan.link or plan.profile,
                    tags=" ".join(plan.tags),
                )
            ),
        )
        for index, layout in layouts_for(cfg, plan.kind, plan.voice, hooked=plan.pick is not None)
    ]


@functools.lru_cache(maxsize=512)  # fits() then render_template() measure the same texts
def _length(text: str) -> int:
    return weighted_length(text)


def fits(cfg: Config, plan: Plan) -> bool:
    return any(_length(text) <= MAX_WEIGHTED for _index, text in _texts(cfg, plan))


def render_template(cfg: Config, plan: Plan, rng: random.Random) -> Tweet:
    """Fit the plan into a layout of its kind: layouts in a seeded random order (variety), the
    first that fits X's 280; if none fits, the shortest (validation then names the length)."""
    texts = _texts(cfg, plan)
    rng.shuffle(texts)
    best: tuple[int, str, int] | None = None
    for index, text in texts:
        length = _length(text)
        if length <= MAX_WEIGHTED:
            return plan.tweet(text, index)
        if best is None or length < best[0]:
            best = (length, text, index)
    assert best is not None, f"no layout serves {plan.kind} posts in voice {plan.voice!r}"
    return plan.tweet(best[1], best[2])


def compose_template(
    cfg: Config,
    account: str,
    picks: list[TrendPick],
    history: History,
    rng: random.Random,
    attempt: int = 0,
    domain_order: list[str] | None = None,
    affinity: Affinity | None = None,
) -> Tweet:
    """One composition; `attempt` > 0 walks to the next trend, angle and piece choices."""
    return render_template(cfg, plan_tweet(cfg, account, picks, history, rng, attempt, domain_order, affinity), rng)
