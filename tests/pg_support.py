"""A throwaway PostgreSQL cluster for the tests, from Debian's `postgresql` package: no Docker, no mock.

`initdb`/`pg_ctl` refuse to run as root (CI runs as root), so when the tests run as root the cluster
runs as the unprivileged `postgres` user (created by the package) via `runuser`. It listens on a free
loopback port and a unix socket in its own temporary folder, and is removed at the end of the session.
If the binaries are missing the fixture FAILS (never skips) naming the script that installs them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from itertools import count
from pathlib import Path

import psycopg

INSTALL_HINT = "PostgreSQL server binaries not found; install them with: bash scripts/install-postgres.sh"


def pg_bin() -> Path | None:
    """The newest `/usr/lib/postgresql/<major>/bin` holding initdb and pg_ctl, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL server in a temporary folder; `new_database()` gives each test an empty database."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="ditmap-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._names = count(1)
        self._as: list[str] = []
        if os.geteuid() == 0:  # pg_ctl will not run as root
            try:
                user = pwd.getpwnam("postgres")  # created by Debian's postgresql package
            except KeyError:
                raise RuntimeError(f"no 'postgres' user to run the test cluster as. {INSTALL_HINT}") from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *cmd: str, timeout: float = 120) -> None:
        done = subprocess.run([*self._as, *cmd], capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr or done.stdout}\n{log}")

    def start(self) -> Cluster:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.root}'\nmax_connections = 300\nshared_buffers = 64MB\n"
                       "fsync = on\nsynchronous_commit = on\nfull_page_writes = on\n")
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, *args: str) -> None:
        # Generous: crash recovery on this shared, busy machine can take minutes.
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "300", *args,
                  timeout=330)

    def restart_immediate(self) -> None:
        """`pg_ctl restart -m immediate`: the server stops without a clean shutdown (as in a crash) and starts."""
        self._pg_ctl("restart", "-m", "immediate")
        self.wait_ready(300)

    def checkpoint(self) -> None:
        """Write everything so far to the data files, so a crash now replays only what follows (quick recovery)."""
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def new_database(self) -> str:
        """A new, empty database; its URL."""
        name = f"t{next(self._names)}_{os.getpid()}"
        self.wait_ready()
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def wait_ready(self, timeout: float = 120) -> None:
        end = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.admin_url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        try:  # immediate: no shutdown checkpoint (minutes on a busy disk) for a cluster about to be deleted
            self._pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
