"""A real PostgreSQL server for the tests, started from the Debian package's binaries.

initdb into a temporary folder owned by an unprivileged user (PostgreSQL refuses to run as
root: as root the server runs as `postgres`, else `nobody`; as anyone else, as that user),
`pg_ctl start` listening on a Unix socket in that folder only (no TCP port, so two test runs
never collide), durability off (fsync, synchronous_commit, full_page_writes: a test database
is thrown away), stopped at the end. Starting takes about a second.

A run killed with -9 leaves its server behind: every start first stops servers of dead
test runs (each folder records the pid of the process that started it) and removes their
folders. Where the binaries are absent `find_binaries` says why, and the caller skips
($POSTGRES_BIN, when set, is the only folder looked in).

    server = PostgresServer.start()          # PostgresUnavailable when it cannot
    url = server.create_database("t1")       # postgresql://postgres@/t1?host=%2Ftmp%2F...
    server.stop()

By hand: `python -m tests.fakes.postgres_server` starts one, prints its URL and waits for
Ctrl-C.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

PREFIX = "botx-pg-"
OWNER_FILE = "owner.pid"  # the pid of the test process that started the server
TOOLS = ("initdb", "pg_ctl", "postgres")
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes; PostgreSQL adds "/.s.PGSQL.5432"
MISSING = (
    "PostgreSQL's server binaries (initdb, pg_ctl) are not installed: `apt-get install -y postgresql` "
    "(CI installs it), or put its bin folder on PATH"
)


class PostgresUnavailable(RuntimeError):
    """The binaries are missing or the server would not start; the message says which."""


def find_binaries() -> tuple[Path | None, str]:
    """(bin folder, why not): $POSTGRES_BIN when set (only there), else the newest
    /usr/lib/postgresql/N/bin holding initdb, pg_ctl and postgres, else an initdb on PATH."""
    if os.environ.get("POSTGRES_BIN"):
        candidates = [os.environ["POSTGRES_BIN"]]
    else:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_major, reverse=True)
        initdb = shutil.which("initdb")
        if initdb:
            candidates.append(str(Path(initdb).resolve().parent))
    for folder in candidates:
        if all(os.access(Path(folder) / tool, os.X_OK) for tool in TOOLS):
            return Path(folder), ""
    return None, MISSING


def _major(folder: str) -> int:
    name = Path(folder).parent.name
    return int(name) if name.isdigit() else 0


def server_user() -> str | None:
    """Who runs the server: None for the current user, unless that is root."""
    if os.getuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and neither user `postgres` nor `nobody` exists to run the server")


def _as_user(user: str | None) -> list[str]:
    """The prefix that runs a command as `user` (setpriv: no PAM, no shell, no login)."""
    if user is None:
        return []
    entry = pwd.getpwnam(user)
    return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups", "--"]


def _base_folder() -> Path:
    """Where server folders go: the temp folder, unless its path is too long for a socket."""
    base = Path(tempfile.gettempdir())
    return base if len(str(base)) + 40 < SOCKET_PATH_MAX else Path("/tmp")


@dataclass
class PostgresServer:
    bin: Path
    root: Path
    user: str | None  # None: the current (non-root) user runs it

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def superuser(self) -> str:
        return self.user or pwd.getpwuid(os.getuid()).pw_name

    def url(self, database: str = "postgres") -> str:
        """A libpq URL: the server's superuser over the Unix socket (no password: trust)."""
        return f"postgresql://{self.superuser}@/{database}?host={quote(str(self.socket_dir), safe='')}"

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """A server tool, run as the server's user; a failure raises with its output."""
        done = subprocess.run(
            [*_as_user(self.user), *args], capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and done.returncode != 0:
            raise PostgresUnavailable(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
        return done

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def start(cls, bin_dir: Path | None = None, *, max_connections: int = 100) -> PostgresServer:
        if bin_dir is None:
            bin_dir, why = find_binaries()
            if bin_dir is None:
                raise PostgresUnavailable(why)
        user = server_user()
        base = _base_folder()
        reap_leftovers(base)
        root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
        (root / OWNER_FILE).write_text(str(os.getpid()))
        server = cls(bin_dir, root, user)
        try:
            server._init_and_start(max_connections)
        except BaseException:
            server.stop()
            raise
        return server

    def _init_and_start(self, max_connections: int) -> None:
        self.socket_dir.mkdir()
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            for path in (self.root, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", self.superuser, "-A", "trust", "-E", "UTF8",
            "--no-locale", "--no-sync", "--no-instructions",
        )  # fmt: skip
        options = " ".join(
            (
                f"-k {self.socket_dir}",
                "-c listen_addresses=''",
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                f"-c max_connections={max_connections}",
                "-c log_min_messages=warning",
            )
        )
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server at once (nothing in it is kept) and remove its folder."""
        stop_folder(self.bin, self.root, self.user)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- databases -------------------------------------------------------------------------------
    def sql(self, statement: str, database: str = "postgres") -> str:
        """One statement through psql (no driver needed); its unaligned output."""
        done = self.run(
            str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", str(self.socket_dir),
            "-U", self.superuser, "-d", database, "-c", statement,
        )  # fmt: skip
        return done.stdout.strip()

    def create_database(self, name: str, template: str = "template1") -> str:
        """A new database (a copy of `template`), its URL."""
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log(self) -> str:
        try:
            return (self.root / "server.log").read_text(errors="replace")
        except OSError:
            return ""


def stop_folder(bin_dir: Path, root: Path, user: str | None) -> None:
    """pg_ctl stop -m immediate on the folder's cluster (if it runs), then remove the folder."""
    if (root / "data" / "postmaster.pid").exists():
        subprocess.run(
            [*_as_user(user), str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    shutil.rmtree(root, ignore_errors=True)


def reap_leftovers(base: Path) -> list[Path]:
    """Stop the servers of test runs that died without stopping theirs; the folders removed."""
    reaped = []
    for root in base.glob(PREFIX + "*"):
        try:
            owner = int((root / OWNER_FILE).read_text())
        except (OSError, ValueError):
            if time.time() - _mtime(root) < 600:  # being created right now by another run
                continue
            owner = 0
        if owner and _alive(owner):
            continue
        bin_dir, _ = find_binaries()
        user = _owner_name(root)
        if bin_dir is not None:
            stop_folder(bin_dir, root, user)
        else:
            shutil.rmtree(root, ignore_errors=True)
        reaped.append(root)
    return reaped


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _alive(pid: int) -> bool:
    """Running (a zombie is not: where nobody reaps orphans, dead processes linger as zombies)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc: trust kill(0)
    return state not in ("Z", "X")


def running(pid: int) -> bool:
    return _alive(pid)


def _owner_name(root: Path) -> str | None:
    """The user that runs a leftover folder's server (its data folder's owner)."""
    try:
        uid = (root / "data").stat().st_uid
    except OSError:
        return None
    return None if uid == os.getuid() else pwd.getpwuid(uid).pw_name


def main() -> None:  # pragma: no cover - by hand
    with PostgresServer.start() as server:
        print(server.url(), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
