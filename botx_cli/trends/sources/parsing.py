"""What the sources' parsers share: the size check, counts ("12K", "1,2 M"), text and attribute
clean-up, dates, JSON, bs4 soup, and a page read as text by its declared charset.

The parsers themselves live with their source (google_rss.py, trends24.py, ...). They do
no I/O, so they run on captures in tests; every malformed input ends in ParseError (one
clear message naming the source), never in another exception type, so the fetch layer has
one thing to catch. bs4 is imported inside soup() only: `botx post` with a warm cache
imports this package and must not pay for it.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from botx_cli.errors import ParseError
from botx_cli.trends.sources.base import Http
from botx_cli.trends.sources.charset import charset_of, decode_page

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps bs4 off the hot path
    from decimal import Decimal

    from bs4 import BeautifulSoup, Tag

# A trend page is small; anything much bigger is not the page we asked for.
MAX_BODY_CHARS = 5_000_000

_VOLUME_RE = re.compile(r"(?P<num>\d[\d.,\u00a0\u202f ]*)\s*(?P<unit>[kmb](?![a-z]))?", re.IGNORECASE)
_UPPER_BOUND_RE = re.compile(r"^\s*(under|less than|fewer than|<)", re.IGNORECASE)
_UNITS = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


async def page_text(http: Http, url: str, markup: str) -> str:
    """A source that is one page (feed "xml", HTML "html"): its text, decoded by the charset
    the server or the page declares."""
    body, content_type = await http.get(url)
    return decode_page(body, charset_of(content_type), markup)


def parse_volume(text: str | None) -> int | None:
    """A count from "12K", "1.2M", "45,678", "200,000+", "125K tweets"; else None.

    "Under 10K tweets" is an upper bound, not a count: None rather than a guess
    that would outrank real counts when merging.
    """
    if not text or _UPPER_BOUND_RE.match(text):
        return None
    match = _VOLUME_RE.search(text[:100])
    if not match:
        return None
    digits = re.sub(r"[\u00a0\u202f ]", "", match["num"]).rstrip(".,")
    unit = (match["unit"] or "").lower()
    number = _to_decimal(digits, has_unit=bool(unit))
    if number is None:
        return None
    value = int(number * _UNITS.get(unit, 1))
    return value if 0 <= value < 10**15 else None


def _to_decimal(digits: str, *, has_unit: bool) -> Decimal | None:
    """Read "45,678", "1.2", "1,2", "1.234.567" whichever separator a locale uses."""
    seps = [c for c in digits if c in ".,"]
    if not seps:
        return _decimal(digits)
    last = max(digits.rfind("."), digits.rfind(","))
    head, tail = digits[:last], digits[last + 1 :]
    grouped = len(tail) == 3 and not has_unit
    if len(set(seps)) == 1 and (len(seps) > 1 or grouped):
        return _decimal(digits.replace(seps[0], ""))  # thousands separators only
    return _decimal(re.sub(r"[.,]", "", head) + "." + tail)  # last one is decimal


def _decimal(text: str) -> Decimal | None:
    from decimal import Decimal, InvalidOperation  # with the parsers, not on every run

    if not text or len(text) > 30:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def clean_text(text: str | None) -> str:
    return " ".join((text or "").split())


def check_size(source: str, body: bytes | bytearray | str) -> None:
    if not isinstance(body, (bytes, bytearray, str)):
        raise ParseError(source, f"expected bytes or str, got {type(body).__name__}")
    if len(body) > MAX_BODY_CHARS:
        raise ParseError(source, f"body too large ({len(body)} bytes)")
    if not body.strip():
        raise ParseError(source, "empty body")


def epoch_to_utc(value: str | None) -> datetime | None:
    try:
        stamp = float(value or "")
        return datetime.fromtimestamp(stamp, timezone.utc) if math.isfinite(stamp) else None
    except (ValueError, OverflowError, OSError):
        return None


def soup(source: str, body: bytes | str) -> BeautifulSoup:
    """bs4 with lxml when installed (faster, lenient), else the stdlib parser."""
    check_size(source, body)
    from bs4 import BeautifulSoup

    features = "lxml" if importlib.util.find_spec("lxml") else "html.parser"
    text = body if isinstance(body, str) else decode_page(bytes(body), None, "html")  # never bs4's guess
    try:
        return BeautifulSoup(text, features)
    except Exception as err:  # noqa: BLE001 - bs4/lxml raise assorted types on binary junk
        raise ParseError(source, f"cannot parse HTML ({type(err).__name__}: {err})") from None


def attr(tag: Tag | None, name: str) -> str | None:
    value = tag.get(name) if tag is not None else None
    if isinstance(value, list):  # multi-valued attributes come back as lists
        value = " ".join(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def load_json(source: str, json_obj: Any) -> Any:
    if not isinstance(json_obj, (bytes, bytearray, str)):
        return json_obj
    check_size(source, json_obj)
    try:
        return json.loads(json_obj)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError
        raise ParseError(source, f"not JSON ({err})") from None
