"""The numbers of clinic mode, in one place: timeouts, throttling, shares.

Overridable from the environment for a clinic's own rules (and for tests):
`DITMAP_IDLE_MINUTES` (default 30), `DITMAP_SESSION_HOURS` (12), `DITMAP_SHARE_MINUTES` (60).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass


def _env_float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True, slots=True)
class Policy:
    idle: dt.timedelta = dt.timedelta(minutes=30)  # signed out after this long without activity
    absolute: dt.timedelta = dt.timedelta(hours=12)  # and after this long in all
    warn_before: dt.timedelta = dt.timedelta(seconds=60)  # the warning shows this long before (≥ 20 s)
    pending: dt.timedelta = dt.timedelta(minutes=5)  # from password to one-time code
    account_failures: int = 5  # failed sign-ins for one name within `window` lock it for `lockout`
    address_failures: int = 20  # … and from one address
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    share_redeem: dt.timedelta = dt.timedelta(minutes=10)  # a share not redeemed by then expires
    share_minutes: int = 60  # how long a redeemed share lasts (the appointment)
    code_failures: int = 10  # wrong share codes from one address within `window`

    @classmethod
    def from_env(cls) -> Policy:
        idle = dt.timedelta(minutes=_env_float("DITMAP_IDLE_MINUTES", 30))
        warn = min(dt.timedelta(seconds=60), max(dt.timedelta(seconds=20), idle / 3))
        return cls(idle=idle, absolute=dt.timedelta(hours=_env_float("DITMAP_SESSION_HOURS", 12)), warn_before=warn,
                   share_minutes=int(_env_float("DITMAP_SHARE_MINUTES", 60)))
