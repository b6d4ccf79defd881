"""Shares: one map handed to a client's device for one appointment.

A therapist creates a share (`create`): a link holding a random token (for the QR code) and a short code
to type. Either may be redeemed once, within `Policy.share_redeem` (10 minutes); the device then holds a
client session until the appointment ends (`Policy.share_minutes`, 60 by default) or the therapist ends
the share (`end`), which drops the device's session at once. The store keeps only hashes of the token
and the code; the code is throttled per address (it is short enough to guess otherwise).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from ditmap.accounts.model import CLIENT, Identity, SessionRecord, Share
from ditmap.accounts.signin import CLIENT_STAGE, Accounts, new_token, token_hash
from ditmap.audit import FAILED, OK, AuditEntry
from ditmap.services.permissions import Action, Gate, Refused

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on a tablet
CODE_LENGTH = 8
NOT_VALID = "That link or code is not valid any more. Ask your therapist for a new one."


class ShareError(Exception):
    """A share that cannot be redeemed or ended; the message is for the person at the device."""


@dataclass(frozen=True, slots=True)
class NewShare:
    share: Share
    token: str  # for the link and the QR code: shown once, never stored
    code: str  # "ABCD-EFGH": shown once, never stored

    def path(self) -> str:
        return f"/share/{self.token}"


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[: CODE_LENGTH * 2]


def code_hash(code: str) -> str:
    return token_hash("code:" + normalise_code(code))


class Shares:
    def __init__(self, accounts: Accounts, gate: Gate):
        self.accounts = accounts
        self.clinic = accounts.clinic
        self.gate = gate

    def _audit(self, actor: str, role: str, action: str, outcome: str, map_id: str, address: str,
               detail: str = "") -> None:
        self.clinic.append_audit(AuditEntry(actor, role, action, outcome, map_id=map_id, address=address,
                                            detail=detail, at=self.accounts.now()))

    def create(self, identity: Identity, map_id: str, *, minutes: int | None = None) -> NewShare:
        """A new share of `map_id` (the therapist who owns it only)."""
        self.gate.check(identity, Action.SHARE, map_id)
        minutes = int(minutes or self.accounts.policy.share_minutes)
        if not 5 <= minutes <= 240:
            raise ShareError("A share lasts between 5 and 240 minutes.")
        now = self.accounts.now()
        token = new_token()
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        share = Share(secrets.token_hex(8), map_id, identity.name, token_hash(token), code_hash(code), now,
                      now + self.accounts.policy.share_redeem, minutes)
        self.clinic.add_share(share)
        self._audit(identity.name, identity.role_label(), "share-create", OK, map_id, identity.address,
                    f"{minutes} minutes")
        return NewShare(share, token, f"{code[:4]}-{code[4:]}")

    def redeem(self, *, token: str | None = None, code: str | None = None, address: str = "") -> tuple[str, Share]:
        """Redeem a link's token or a typed code: (the client session's token, the share). Single use."""
        now = self.accounts.now()
        policy = self.accounts.policy
        key = f"code:{address}"
        if code is not None:
            since = now - policy.window
            if self.clinic.failures_since(key, since) >= policy.code_failures:
                self._audit(CLIENT, CLIENT, "share-redeem", FAILED, "", address, "too many codes")
                raise ShareError("Too many codes were tried from this device. Wait 15 minutes, or scan the QR code.")
            share = self.clinic.share_by_hash(code_hash=code_hash(code)) if normalise_code(code) else None
        else:
            share = self.clinic.share_by_hash(token_hash=token_hash(token or "")) if token else None
        ends = now + dt.timedelta(minutes=share.minutes) if share else now
        if share is None or not self.clinic.redeem_share(share.id, now, ends):
            if code is not None:
                self.clinic.add_failure(key, now)
            self._audit(CLIENT, CLIENT, "share-redeem", FAILED, share.map_id if share else "", address,
                        "used, ended or expired" if share else "unknown")
            raise ShareError(NOT_VALID)
        client_token = new_token()
        self.clinic.add_session(SessionRecord(token_hash(client_token), CLIENT_STAGE, now, now, ends,
                                              share_id=share.id, address=address))
        self._audit(CLIENT, CLIENT, "share-redeem", OK, share.map_id, address, f"share {share.id[:6]}")
        return client_token, self.clinic.share(share.id) or share

    def end(self, identity: Identity, share_id: str) -> Share:
        """End a share now: the client's device loses the map at its next check (within a second or two)."""
        share = self.clinic.share(share_id)
        if share is None:
            raise ShareError("There is no such share.")
        if share.created_by.lower() != identity.name.lower() and not identity.personal:
            self.gate.check(identity, Action.SHARE, share.map_id)
        self.clinic.end_share(share.id, self.accounts.now())
        self._audit(identity.name, identity.role_label(), "share-end", OK, share.map_id, identity.address,
                    f"share {share.id[:6]}")
        return self.clinic.share(share.id) or share

    def current(self, identity: Identity, map_id: str) -> list[Share]:
        """The map's shares that are waiting or joined now (for the therapist's panel)."""
        if not self.gate.allowed(identity, Action.SHARE, map_id):
            raise Refused("This map is not open to you.")
        now = self.accounts.now()
        return [s for s in self.clinic.shares_for_map(map_id) if s.state(now) in ("waiting", "joined")]
