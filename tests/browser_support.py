"""What browser tests share: Debian Chromium's path and flags, and a real Streamlit server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen) -> None:
    """Ask a server process to end; kill it if it has not within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


class StreamlitServer:
    """`streamlit run APP` on a free loopback port, started and health-checked; `stop()` ends it."""

    def __init__(self, app: Path | str, env: dict[str, str] | None = None, log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1"],
            cwd=ROOT, env={**os.environ, **(env or {})}, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                detail = log.read_text(errors="replace")[-3000:] if log else ""
                raise RuntimeError(f"streamlit did not start: {app}\n{detail}")
            time.sleep(0.2)

    def stop(self) -> None:
        stop_process(self.proc)
        if self._log is not subprocess.DEVNULL:
            self._log.close()


@dataclass
class Offline:
    """Records every request; aborts and remembers any that would leave loopback (or, for a page opened
    from a file with `loopback=False`, any that is not itself a file or inline data)."""

    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    local_schemes: tuple[str, ...] = ("data:", "blob:", "about:")
    loopback: bool = True

    def route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        host = urlparse(url).hostname or ""
        if url.startswith(self.local_schemes) or (self.loopback and host in LOOPBACK):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def websocket(self, ws) -> None:
        self.requests.append(ws.url)
        if (urlparse(ws.url).hostname or "") not in LOOPBACK:
            self.external.append(ws.url)
