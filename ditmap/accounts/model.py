"""The records of clinic mode: accounts, sessions, shares, and the acting identity.

Only hashes of secrets are kept here (session tokens, share tokens and codes, recovery codes, passwords);
the TOTP secret is the one exception, because checking a code needs it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ADMIN = "admin"
THERAPIST = "therapist"
SUPERVISOR = "supervisor"
CLIENT = "client"
ROLES: tuple[str, ...] = (ADMIN, THERAPIST, SUPERVISOR)
"""The roles an account can hold (an admin may also be a therapist). A client has no account: a share."""

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"


class AccountError(Exception):
    """An account operation that cannot be done, with a message for the person who asked."""


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    roles: frozenset[str]
    password_hash: str
    created_at: dt.datetime
    password_changed_at: dt.datetime
    disabled: bool = False
    totp_secret: str | None = None  # set once enrolled
    totp_last_step: int = 0  # the last time step accepted: a code is never accepted twice
    recovery_hashes: tuple[str, ...] = ()  # sha256 of each unused recovery code

    @property
    def needs_second_factor(self) -> bool:
        """Admins and supervisors must use a one-time code; therapists may."""
        return bool(self.roles & {ADMIN, SUPERVISOR}) or self.totp_secret is not None

    def role_label(self) -> str:
        return "+".join(r for r in ROLES if r in self.roles)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A server-side session. `stage` is "signed-in", "code" (password checked, code next), "enrol"
    (password checked, must set up a code first) or "client" (a redeemed share)."""

    token_hash: str
    stage: str
    created_at: dt.datetime
    last_active: dt.datetime
    expires_at: dt.datetime  # the absolute end (12 h for a person, the appointment for a share)
    account: str | None = None
    share_id: str | None = None
    address: str = ""
    pending_secret: str | None = None  # a TOTP secret being set up (stage "enrol")


@dataclass(frozen=True, slots=True)
class Share:
    """One map shared with a client's device for one appointment."""

    id: str
    map_id: str
    created_by: str
    token_hash: str
    code_hash: str
    created_at: dt.datetime
    redeem_by: dt.datetime
    minutes: int
    redeemed_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None  # set when redeemed: redeemed_at + minutes
    ended_at: dt.datetime | None = None  # set when the therapist ended it

    def state(self, now: dt.datetime) -> str:
        """waiting (not yet redeemed), joined, ended, or expired."""
        if self.ended_at is not None:
            return "ended"
        if self.redeemed_at is None:
            return "waiting" if now < self.redeem_by else "expired"
        return "joined" if self.ends_at is not None and now < self.ends_at else "expired"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is acting: an account, a client through a share, or (personal mode) the local therapist.

    Built by the faces from a server-side session (web) or from `--as` (CLI), never from the address bar.
    """

    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    personal: bool = False  # personal mode: the one therapist at this computer
    share_map: str | None = None  # a client's identity: the one map it may see
    share_id: str | None = None
    address: str = ""
    operator: bool = False  # the command line on the server: whoever can run it can read the store file

    @classmethod
    def local(cls) -> Identity:
        return cls("therapist", frozenset({THERAPIST}), personal=True)

    @classmethod
    def cli_operator(cls) -> Identity:
        return cls("operator", frozenset({ADMIN, THERAPIST}), operator=True, address="cli")

    @classmethod
    def client(cls, map_id: str, *, share_id: str | None = None, personal: bool = False,
               address: str = "") -> Identity:
        return cls("client", frozenset({CLIENT}), personal=personal, share_map=map_id, share_id=share_id,
                   address=address)

    @property
    def is_client(self) -> bool:
        return CLIENT in self.roles

    def role_label(self) -> str:
        if self.is_client:
            return CLIENT
        if self.operator:
            return "operator"
        return "+".join(r for r in ROLES if r in self.roles) or "none"
