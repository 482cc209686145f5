"""API spend month to date (from api_calls), its projection, and the budget figures.

Months are calendar months in the config timezone, like the daily cap's days. The sums
read one range of the covering index api_calls(at, account, cost_usd): no table scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from botx_cli.clock import month_bounds
from botx_cli.config.core import Config
from botx_cli.store import Store
from botx_cli.store.reports import spent_since

__all__ = ["MonthSpend", "doctor_lines", "month_bounds", "month_spend", "spent_since"]
from botx_cli.x.costs import CostSettings


@dataclass(frozen=True)
class MonthSpend:
    month_start: datetime  # local midnight of the 1st
    month_end: datetime  # local midnight of the next 1st
    calls: int
    spend_usd: float
    budget_usd: float  # 0 = no budget

    def projected_usd(self, now: datetime) -> float:
        """Linear projection to the end of the month from the pace so far."""
        elapsed = (now - self.month_start).total_seconds()
        total = (self.month_end - self.month_start).total_seconds()
        return self.spend_usd if elapsed <= 0 else self.spend_usd * total / max(elapsed, 3600.0)

    def budget_used(self) -> float | None:
        return self.spend_usd / self.budget_usd if self.budget_usd > 0 else None

    def to_json(self, now: datetime) -> dict[str, object]:
        return {
            "month_start": self.month_start.isoformat(),
            "calls": self.calls,
            "spend_usd": round(self.spend_usd, 4),
            "budget_usd": self.budget_usd or None,
            "projected_usd": round(self.projected_usd(now), 4),
            "budget_used": None if self.budget_used() is None else round(self.budget_used() or 0.0, 4),
        }


def month_spend(store: Store, now: datetime, tz: ZoneInfo, budget_usd: float) -> MonthSpend:
    start, end = month_bounds(now, tz)
    calls, usd = spent_since(store, start)
    return MonthSpend(start, end, calls, usd, budget_usd)


def doctor_lines(cfg: Config, store: Store, now: datetime) -> list[tuple[str, str, str]]:
    """`botx doctor`: the month's spend, its projection, and the budget."""
    costs = cfg.settings(CostSettings)
    month = month_spend(store, now, cfg.timezone, costs.monthly_budget_usd)
    projected = month.projected_usd(now)
    text = (
        f"${month.spend_usd:.2f} in {month.calls} API calls since {month.month_start:%Y-%m-%d}; "
        f"projected ${projected:.2f} by month end"
    )
    if not costs.monthly_budget_usd:
        return [("info", "spend", text + " (no [costs] monthly_budget_usd)")]
    budget = costs.monthly_budget_usd
    text += f"; budget ${budget:.2f}"
    cheapest = costs.prices["post_with_url"] if cfg.content.link_every == 1 else costs.prices["post"]
    if month.spend_usd + cheapest > budget:
        return [("warn", "spend", text + ": reached, posts are skipped (reason budget) until next month")]
    if projected > budget:
        return [("warn", "spend", text + ": on pace to reach it; posts will stop when it is")]
    return [("ok", "spend", text)]
