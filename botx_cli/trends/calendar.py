"""Calendar tags: the day's [[occasions]] from config, in local time, offline, BOTX_NOW-aware.

A brand marks the days its config lists (Black Friday, New Year, its launch anniversary, a
conference week); weekday and month filler (#MondayMotivation, #November2026) is not an
occasion. `[trends.sources.calendar] enabled = false` switches occasions off.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botx_cli.config.core import Config
    from botx_cli.trends.occasions import Occasion


def occasions_today(cfg: Config, local_now: datetime) -> list[Occasion]:
    """The occasions of this local day, as config lists them."""
    from botx_cli.trends.occasions import on
    from botx_cli.trends.settings import TrendSettings

    conf = cfg.settings(TrendSettings)
    return on(conf.occasions, local_now.date()) if conf.sources["calendar"].enabled else []


def calendar_tags(cfg: Config, local_now: datetime) -> list[str]:
    """Hashtags of this local day's occasions."""
    return [occasion.hashtag for occasion in occasions_today(cfg, local_now)]


def display_name(hashtag: str) -> str:
    """'#BlackFriday' -> 'Black Friday' for hooks that name the trend in words."""
    words, current = [], ""
    for char in hashtag.lstrip("#"):
        if current and ((char.isupper() and not current[-1].isupper()) or char.isdigit() != current[-1].isdigit()):
            words.append(current)
            current = ""
        current += char
    return " ".join(words + [current]) if current else hashtag
