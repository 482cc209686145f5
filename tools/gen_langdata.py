"""Generate botx_cli/data/langdetect-latin.bin from the installed langdetect's profiles.

langdetect builds its n-gram probability table from 55 JSON profiles at every start
(~70 ms for the Latin-script ones). botx only asks "is this English?", so it ships the
Latin-script table precomputed: one JSON header line, the n-grams NUL-separated, then
float32 probabilities row by row, memory-mapped at run time (botx_cli/lang.py).

The profiles are langdetect's (Apache-2.0, https://github.com/Mimino666/langdetect).
Usage: python tools/gen_langdata.py [--check]
"""

from __future__ import annotations

import json
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "botx_cli" / "data" / "langdetect-latin.bin"
sys.path.insert(0, str(ROOT))

from botx_cli.content.lang import LATIN_PROFILES  # noqa: E402


def build() -> bytes:
    from importlib.metadata import version

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    profiles = []
    for lang in LATIN_PROFILES:
        with open(os.path.join(PROFILES_DIRECTORY, lang), encoding="utf-8") as handle:
            profiles.append(handle.read())
    factory.load_json_profile(profiles)
    words = sorted(factory.word_lang_prob_map)
    names = "\x00".join(words).encode("utf-8")
    header = {
        "format": 1,
        "langdetect": version("langdetect"),
        "langs": factory.langlist,
        "words": len(words),
        "names_bytes": len(names),
        "source": "langdetect profiles, Apache-2.0",
    }
    head = json.dumps(header).encode() + b"\n"
    pad = (-(len(head) + len(names))) % 4  # float32 rows start 4-byte aligned
    floats = b"".join(struct.pack(f"<{len(factory.langlist)}f", *factory.word_lang_prob_map[w]) for w in words)
    return head + names + b"\x00" * pad + floats


def main() -> None:
    data = build()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_bytes() != data:
            raise SystemExit(f"{OUT} is stale: run python tools/gen_langdata.py")
        print("up to date")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
