"""Bytes of a trend page to text, by the charset the page declares.

A byte-order mark, then the HTTP header's charset, then the XML declaration or <meta charset>,
else UTF-8; bytes that do not decode become U+FFFD one by one. bs4 left to itself guesses a
charset for the whole page when one byte is wrong ("Mansur YavaĹź"); here that byte costs the
one name it sits in (clean.py drops it as "garbled"). Pure, stdlib only.
"""

from __future__ import annotations

import codecs
import re

_ENCODING_RE = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# WHATWG: pages labelled Latin-1 or ASCII are decoded as windows-1252 by every browser.
_HTML_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
}


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    found = _HEADER_CHARSET_RE.search(content_type or "")
    return found.group(1) if found else None


def decode_page(body: bytes, header_charset: str | None, markup: str) -> str:
    """Text of a page by its declared charset: byte-order mark, then the HTTP header, then the
    XML declaration or <meta charset> (markup "xml" or "html"), else UTF-8. Bytes that do not
    decode become U+FFFD one by one, so a stray byte damages one name, not every accented
    letter of the page (guessing another charset would turn "Yavaş" into "YavaĹź")."""
    boms = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    encoding = next((name for bom, name in boms if body.startswith(bom)), None)
    head = body.lstrip()[:4096]
    declared = _ENCODING_RE.match(head) if markup == "xml" else _META_CHARSET_RE.search(head)
    for label in (encoding, header_charset, declared.group(1).decode("ascii") if declared else None):
        usable = _codec(label, markup) if label else None
        if usable is None:
            continue
        try:
            return body.decode(usable, errors="replace")
        except (LookupError, UnicodeError, ValueError):
            continue  # not a text encoding ("rot13", "hex"): the next declaration
    return body.decode("utf-8", errors="replace")


def _codec(label: str, markup: str) -> str | None:
    name = label.strip().lower()
    if markup == "html":
        name = _HTML_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None  # an unknown label (or a NUL in it): the next declaration, else UTF-8
