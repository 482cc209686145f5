"""`botx init`: write the commented example config to start from (reads no config itself)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def init(
    path: Annotated[Path, typer.Argument(help="Where to write (default ./config.toml)")] = Path("config.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
) -> None:
    """Write a commented config.toml to start from."""
    from botx_cli.config.starter import write_config

    written = write_config(path, force)
    print(f"wrote {written}; edit it, then run `botx doctor` and `botx preview`")
