"""The one host name botx records and compares: BOTX_HOST, else the machine's name.

Attempts carry the host that claimed them (attempts.host); reconciliation checks a dead
run's pid only on the host that wrote it, and alerts say which host speaks. Two hosts
sharing one PostgreSQL database must have distinct names: containers often share one
(the image's), so BOTX_HOST names each. Stdlib only: read on every `post`.
"""

from __future__ import annotations

import os
import socket

MAX_LENGTH = 255  # a DNS name's limit; a longer value is cut, never refused


def host_name() -> str:
    """BOTX_HOST (stripped), else socket.gethostname()."""
    given = " ".join(os.environ.get("BOTX_HOST", "").split())
    return (given or socket.gethostname())[:MAX_LENGTH]
