"""Which names and addresses the server answers to (pure functions, tested without a server).

Personal mode answers loopback names only (`localhost`, `127.0.0.1`, `[::1]`), so a page elsewhere that
maps its own name to 127.0.0.1 (DNS rebinding) gets no page. Clinic mode also answers the names in
`DITMAP_HOSTS` (comma-separated, e.g. `ditmap.clinic.example`). The client's address is the peer's,
or the first `X-Forwarded-For` entry when the peer is a proxy named in `DITMAP_TRUSTED_PROXIES`.
"""

from __future__ import annotations

import ipaddress
import os

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def configured_hosts() -> frozenset[str]:
    return frozenset(h.strip().lower().rstrip(".") for h in os.environ.get("DITMAP_HOSTS", "").split(",")
                     if h.strip())


def allowed_hosts(clinic_mode: bool) -> frozenset[str]:
    return LOOPBACK_NAMES | configured_hosts() if clinic_mode else LOOPBACK_NAMES


def host_name(host_header: str) -> str:
    """`Host` without its port, lower case (`[::1]:8501` → `::1`)."""
    h = (host_header or "").strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else ""
    return h.rsplit(":", 1)[0].rstrip(".") if ":" in h else h.rstrip(".")


def host_allowed(host_header: str, allowed: frozenset[str]) -> bool:
    return host_name(host_header) in allowed


def origin_allowed(origin: str | None, allowed: frozenset[str]) -> bool:
    """A websocket or form's `Origin` must name an allowed host (absent is fine: not a browser's cross-site call)."""
    if not origin:
        return True
    rest = origin.split("://", 1)[-1]
    return host_allowed(rest.split("/", 1)[0], allowed)


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address in ("localhost", "")


def trusted_proxies() -> frozenset[str]:
    return frozenset(p.strip() for p in os.environ.get("DITMAP_TRUSTED_PROXIES", "").split(",") if p.strip())


def client_address(peer: str, forwarded_for: str | None, proxies: frozenset[str] | None = None) -> str:
    proxies = trusted_proxies() if proxies is None else proxies
    if forwarded_for and peer in proxies:
        first = forwarded_for.split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(first))
        except ValueError:
            return peer
    return peer
