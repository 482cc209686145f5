"""What the llm strategy tells the model, and how its answer is read.

The prompt carries the audience, the account's voice, a fact sheet built from config (the
product, what it does and does not do, every offer with its exact price), the plan (kind of
post, trend with its headlines, angle, offer), the banned content, example posts from config
and the recent posts to stay away from. The answer is asked as JSON (copy, trend_mentioned,
offer_used), with a JSON schema where the server takes one; it is read tolerantly: JSON in
code fences or with prose around it, and plain text, all give a copy. Stdlib only.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from botx_cli.config import grammar
from botx_cli.config.core import Config
from botx_cli.config.words import offer_text
from botx_cli.content.claims import FactSheet, PlanFacts, offer_fact
from botx_cli.content.compose import Plan
from botx_cli.content.copy_checks import clean_copy
from botx_cli.content.settings import WritingSettings
from botx_cli.trends.calendar import display_name
from botx_cli.trends.settings import TrendSettings

SCHEMA: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {
        "name": "post_copy",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {
                "copy": {
                    "type": "string",
                    "description": "the post's words only: no link, hashtag, handle or promo code",
                },
                "trend_mentioned": {"type": "boolean", "description": "true when the copy names the plan's trend"},
                "offer_used": {"type": "string", "description": "the plan's offer exactly as written, or empty"},
            },
            "required": ["copy", "trend_mentioned", "offer_used"],
            "additionalProperties": False,
        },
    },
}
KINDS = {
    "offer": "an offer post: present the planned offer exactly as written, price and unit included",
    "proof": "a proof post: show one concrete thing the product does, taken from the fact sheet; "
    "the offer only if it fits naturally",
    "question": "a question to the reader about the angle, one a builder would want to answer; "
    "the offer only if it fits naturally",
}
ANSWER = (
    'Answer with JSON only: {"copy": "<the post\'s words>", "trend_mentioned": <true when the copy names '
    'the trend>, "offer_used": "<the offer exactly as written, or empty>"}'
)
VARIANT = "\nFor this post: {variant}"  # a [compose.llm] prompt variant, appended last
RETRY = (
    "Those copies cannot be used:\n{reasons}\nWrite a new copy that fixes this, at most {budget} characters, "
    "in the same JSON format."
)
_FENCE = re.compile(r"```[A-Za-z]*[ \t]*\n?(.*?)```", re.DOTALL)
_LABEL = re.compile(r"^(?:copy|tweet|post)\s*:\s*", re.IGNORECASE)
COPY_KEYS = ("copy", "text", "tweet", "post", "content")
RECENT_SHOWN = 6


def fact_sheet(cfg: Config) -> FactSheet:
    """The fact sheet from config: product, [product] facts, angle lines, every offer worded."""
    conf = cfg.settings(WritingSettings)
    rules = cfg.settings(TrendSettings).rules
    sensitive = tuple(
        dict.fromkeys([*(t for terms in rules.blacklist.values() for t in terms), *rules.extra_blacklist])
    )
    offers = tuple(offer_fact(o.item, offer_text(cfg.content, i)) for i, o in enumerate(cfg.content.offers))
    facts = cfg.product.facts
    return FactSheet(
        cfg.product.name,
        cfg.product.description,
        facts.audience,
        facts.does,
        facts.does_not,
        _config_lines(cfg),
        offers,
        facts.competitors,
        conf.hype_words,
        sensitive,
        conf.max_emoji,
        urlsplit(cfg.product.url).hostname or "",
    )


def _config_lines(cfg: Config) -> tuple[str, ...]:
    """Every sentence the config itself says (angle lines, proofs, questions, occasion lines), each
    wording of its {a|b} alternatives spelled out: true, so a copy may quote their facts."""
    pieces: list[str] = [p for angle in cfg.content.angles for p in (*angle.lines, *angle.proofs, *angle.questions)]
    pieces += [line for occasion in cfg.settings(TrendSettings).occasions for line in occasion.lines]
    return tuple(dict.fromkeys(text for piece in pieces for text in grammar.expansions(piece, 16)))


def trend_words(plan: Plan) -> str:
    """How the copy names the trend: the display name the trend side gave, else the source's
    name when it is more than the hashtag, else the hashtag split into words."""
    assert plan.pick is not None
    pick = plan.pick
    if pick.display:
        return pick.display
    return pick.name if pick.name.strip() and pick.name != pick.hashtag.lstrip("#") else display_name(pick.hashtag)


def plan_facts(plan: Plan) -> PlanFacts:
    """The plan's facts: its kind, offer, the trend when the tweet carries its tag, its texts."""
    pick = plan.pick
    tagged = pick is not None and pick.hashtag in plan.tags
    texts = [plan.angle_line, plan.hook]
    if pick is not None:
        texts += [trend_words(plan), pick.words, pick.name, display_name(pick.hashtag), *pick.context, *pick.lines]
    offer = offer_fact(plan.offer, plan.offer_text) if plan.offer_text else None
    own = (plan.angle_line, plan.hook, *(pick.lines if pick is not None else ()))
    return PlanFacts(
        plan.kind,
        offer,
        trend_words(plan) if tagged else "",
        pick.hashtag if tagged and pick else "",
        tuple(t for t in texts if t),
        tuple(t for t in own if t),
    )


def system_prompt(cfg: Config, sheet: FactSheet, voice: str, variant: str | None) -> str:
    writing = cfg.settings(WritingSettings)
    examples = writing.examples
    lines = [
        f"You write the copy of one post on X (Twitter) for {sheet.product}.",
        f"Audience: {sheet.audience or 'people who could buy ' + sheet.product}.",
        *([f"Voice of this account: {voice}."] if voice else []),
        f"Tone: {writing.tone}.",
        "",
        "Fact sheet: the only facts you may state.",
        f"- {sheet.product}: {sheet.description}".rstrip(": "),
        *([f"- What it does: {'; '.join(sheet.does)}."] if sheet.does else []),
        *([f"- What it does not do (never claim it): {'; '.join(sheet.does_not)}."] if sheet.does_not else []),
        "- Offers, with their exact prices:",
        *(f"  - {o.text}" for o in sheet.offers),
        "",
        "Rules:",
        *_rules(sheet),
    ]
    if examples:
        lines += [
            "",
            "Example posts in this brand's style (style only: never reuse their sentences):",
            *(f"- {e}" for e in examples),
        ]
    lines += ["", ANSWER]
    return "\n".join(lines) + (VARIANT.format(variant=variant) if variant else "")


def _rules(sheet: FactSheet) -> list[str]:
    rivals = f" ({', '.join(sheet.competitors)})" if sheet.competitors else ""
    hype = ", ".join(sheet.hype_words[:15])
    emoji = "No emoji." if sheet.max_emoji == 0 else f"At most {sheet.max_emoji} emoji."
    return [
        "- Every price, number, product or model name you write must come from the fact sheet or the plan. "
        "Invent no numbers, prices, products, specs, benchmarks, customers or dates.",
        "- Quote the planned offer exactly as written, price and unit included; quote no other price.",
        '- Promise nothing: no guarantees, no "100%", no "never goes down".',
        f"- Never name, compare with or attack competitors{rivals}.",
        "- Stay away from politics, tragedies, disasters and other sensitive news, even when they trend.",
        '- No engagement bait: no "RT if", "like and follow", "tag a friend", "follow us".',
        *([f"- No hype words ({hype}); say what the product does plainly."] if hype else []),
        f"- {emoji}",
        "- One to three short sentences of plain English within the character budget; no words in capitals, "
        "no quotation marks around the text.",
        "- No link, URL, @handle, hashtag, promo code or discount, and never spell the website out: botx adds "
        "them after your text.",
    ]


def user_prompt(plan: Plan, budget: int, recent: tuple[str, ...] = ()) -> str:
    """The plan, in lines the model (and the loopback fake) can read: Kind, Trend, Angle, Offer, Budget."""
    lines = [f"Kind: {plan.kind}: {KINDS.get(plan.kind, KINDS['offer'])}.", _trend_line(plan)]
    pick = plan.pick
    if pick is not None and pick.context:
        lines.append("Headlines about it: " + " | ".join(h[:160] for h in pick.context[:3]))
    if pick is not None and pick.lines:
        lines.append("The brand's lines for it: " + " | ".join(grammar.first(line) for line in pick.lines[:3]))
    lines += [
        f"Angle: {plan.angle}. {plan.angle_line}",
        f"Offer: {plan.offer_text or 'none'}",
        f"Budget: {budget} characters at most",
    ]
    shown = [" ".join(p.split())[:200] for p in recent[:RECENT_SHOWN] if p.strip()]
    if shown:
        lines += [
            "Recent posts of this account and its sister accounts (say something different; reuse none of "
            "their openings or sentences):",
            *(f"- {p}" for p in shown),
        ]
    return "\n".join(lines)


def _trend_line(plan: Plan) -> str:
    pick = plan.pick
    if pick is None:
        return "Trend: none: do not mention any trend or news"
    line = f"Trend: {trend_words(plan)} ({plan.category})"
    if pick.hashtag in plan.tags:
        line += f"; the post is tagged {pick.hashtag}: name it in the copy and link it truthfully to the angle"
    if pick.kind == "occasion":
        line += "; a greeting fits" if pick.holiday else "; an occasion, not a holiday: no greeting"
    return line


def retry_prompt(reasons: list[str], budget: int) -> str:
    listed = "\n".join(f"- {r}" for r in reasons) or "- it was not usable"
    return RETRY.format(reasons=listed, budget=budget)


def parse_answer(answer: str) -> tuple[str, dict[str, Any]]:
    """(copy, the JSON object when there was one). JSON alone, in a code fence, or with prose
    around it; a JSON string; else the text itself, less a "Copy:" label and wrapping quotes."""
    text = answer.strip()
    fenced = _FENCE.search(text)
    for body in (fenced.group(1), text) if fenced else (text,):
        found = _json_object(body)
        if found is not None:
            value = next((found[k] for k in COPY_KEYS if isinstance(found.get(k), str)), "")
            return clean_copy(value), found
    plain = fenced.group(1) if fenced else text
    try:
        decoded = json.loads(plain)
    except ValueError:
        decoded = None
    if isinstance(decoded, str):
        plain = decoded
    return clean_copy(_LABEL.sub("", plain.strip())), {}


def _json_object(body: str) -> dict[str, Any] | None:
    decoder = json.JSONDecoder()
    starts = [i for i, c in enumerate(body) if c == "{"][:20]
    for start in starts:
        try:
            value, _end = decoder.raw_decode(body, start)
        except ValueError:
            continue
        if isinstance(value, dict) and any(k in value for k in COPY_KEYS):
            return value
    return None
