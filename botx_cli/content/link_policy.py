"""The link and promo policy ([compose] link_every, promo_every) and what it costs on X.

X bills a post with a link at $0.20 and one without at $0.015 (2026, [costs.prices]), so the
link is the bill: `link_every = N` puts the product link in one post of N per account, spread
evenly (a post carries it when none of the account's last N-1 posts did), 1 in every post (the
default), 0 in none. `promo_every` does the same for the promo code. Pure and stdlib only: the
post path reads it on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botx_cli.config.core import Config

ALTERNATIVES = (1, 2, 3, 5, 0)  # the policies the cost table compares, beside the configured one
DAYS_PER_MONTH = 365 / 12


def due(every: int, recent: Sequence[bool]) -> bool:
    """Whether the next post carries it: `recent` says, newest first, whether each of the
    account's earlier posts did."""
    if every <= 0:
        return False
    return not any(recent[: every - 1])


def expected(every: int) -> bool | None:
    """What a text not composed by botx (`botx check`, `post --text`, a draft) must do: carry
    it when every post does, not carry it when none does, either way otherwise."""
    return True if every == 1 else False if every == 0 else None


def describe(every: int) -> str:
    return "every post" if every == 1 else "never" if every == 0 else f"1 post in {every}"


@dataclass(frozen=True)
class CostRow:
    link_every: int
    posts_per_month: float
    monthly_usd: float
    current: bool

    def to_json(self) -> dict[str, object]:
        return {
            "link_every": self.link_every,
            "posts_per_month": round(self.posts_per_month, 1),
            "monthly_usd": round(self.monthly_usd, 2),
            "current": self.current,
        }


def posts_per_day(cfg: Config) -> int:
    """Posts a day at full schedule: every enabled account up to its cap (or its slots)."""
    from botx_cli.schedule.slots import slot_minutes

    return sum(
        min(cfg.schedule.daily_cap, len(slot_minutes(cfg.schedule, a.index)))
        for a in cfg.accounts.values()
        if a.enabled
    )


def post_usd(every: int, prices: dict[str, float]) -> float:
    """The mean price of a post under link_every = `every`."""
    share = 0.0 if every <= 0 else 1.0 / every
    return share * prices["post_with_url"] + (1 - share) * prices["post"]


def cost_table(cfg: Config) -> list[CostRow]:
    """Projected monthly X cost of the posts for the configured policy and the alternatives."""
    from botx_cli.x.costs import CostSettings

    prices = cfg.settings(CostSettings).prices
    monthly = posts_per_day(cfg) * DAYS_PER_MONTH
    current = cfg.content.link_every
    options = list(dict.fromkeys([current, *ALTERNATIVES]))
    options.sort(key=lambda n: (n == 0, n))
    return [CostRow(n, monthly, monthly * post_usd(n, prices), n == current) for n in options]


def table_lines(cfg: Config) -> list[str]:
    """The table as text lines (doctor, preview): the configured policy marked."""
    from botx_cli.x.costs import CostSettings

    prices = cfg.settings(CostSettings).prices
    rows = cost_table(cfg)
    out = [
        f"{posts_per_day(cfg)} posts a day ({len([a for a in cfg.accounts.values() if a.enabled])} accounts, "
        f"daily_cap {cfg.schedule.daily_cap}), ${prices['post_with_url']:.3f} with a link, "
        f"${prices['post']:.3f} without"
    ]
    for row in rows:
        mark = "  <- current" if row.current else ""
        out.append(
            f"link_every {row.link_every:<3} {describe(row.link_every):<16} ${row.monthly_usd:>8.2f}/month{mark}"
        )
    return out
