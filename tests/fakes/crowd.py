"""N accounts whose cron calls all fire in the same minute: shared by the load test and
bench/load_minute.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "botx_cli" / "example_config.toml"
PARTS = ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET")


@dataclass
class CrowdResult:
    codes: list[int]
    stderr: list[str]
    walls: list[float]  # per process, seconds
    total: float  # first start to last exit, seconds


def crowd_config(folder: Path, base_url: str, accounts: int) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[accounts\.A\].*?(?=^\[product\])", "", text)
    text = text.replace('api_base_url = "https://api.twitter.com"', f'api_base_url = "{base_url}"')
    text = re.sub(r"(?m)^offset_minutes = \d+", "offset_minutes = 0", text)
    text += "".join(f'\n[accounts.U{i:03d}]\nhandle = "user{i:03d}"\n' for i in range(accounts))
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def fire_crowd(fake, folder: Path, accounts: int, when: str) -> CrowdResult:  # type: ignore[no-untyped-def]
    """Start every account's `botx post` at once, as cron does at a shared minute."""
    env = {
        **os.environ,
        "BOTX_CONFIG": str(crowd_config(folder, fake.base_url, accounts)),
        "BOTX_NOW": when,
        "HOME": str(folder),
        "XDG_STATE_HOME": str(folder),
    }
    for i in range(accounts):
        token = f"tok-{i:03d}"
        fake.add_user(token, 5000 + i, f"user{i:03d}")
        for part in PARTS:
            env[f"BOTX_U{i:03d}_{part}"] = token if part == "ACCESS_TOKEN" else "crowd"
    start = time.perf_counter()
    procs = []
    for i in range(accounts):
        procs.append(
            (
                time.perf_counter(),
                subprocess.Popen(
                    [sys.executable, "-m", "botx_cli", "post", "--account", f"U{i:03d}", "--quiet"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    codes, errors, walls = [], [], []
    for began, proc in procs:
        _out, err = proc.communicate(timeout=600)
        codes.append(proc.returncode)
        errors.append(err)
        walls.append(time.perf_counter() - began)
    return CrowdResult(codes, errors, walls, time.perf_counter() - start)
