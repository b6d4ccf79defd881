"""Accounts and sign-in: add and manage accounts, check passwords and one-time codes, keep sessions.

- Sign-in answers the same sentence, after the same work (one argon2 verification), for an unknown
  name, a wrong password, a disabled or a locked account, so neither the answer nor its timing tells
  which names exist.
- Throttling: `Policy.account_failures` failures for one name (existing or not) or
  `Policy.address_failures` from one address within `Policy.window` lock further attempts for
  `Policy.lockout`, whatever the password.
- A session is an opaque random token (the browser's cookie); the store keeps its SHA-256 only.
  It ends after `Policy.idle` without activity, after `Policy.absolute` in all, at sign-out (in every
  tab and device that uses it), and when the password changes (all the account's other sessions).
Every outcome is written to the audit trail, without the password, the code or the token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from argon2 import PasswordHasher

from ditmap.accounts import passwords, totp
from ditmap.accounts.clinic_store import ClinicStore
from ditmap.accounts.model import (
    ADMIN,
    NAME_PATTERN,
    ROLES,
    SUPERVISOR,
    THERAPIST,
    Account,
    AccountError,
    Identity,
    SessionRecord,
)
from ditmap.accounts.policy import Policy
from ditmap.audit import FAILED, LOCKED, OK, AuditEntry, safe_id

SIGNED_IN, CODE, ENROL, CLIENT_STAGE = "signed-in", "code", "enrol", "client"
WRONG = ("That name and password did not work, or signing in is paused after several tries. "
         "Try again, or wait 15 minutes.")
WRONG_CODE = "That code did not work. Check the time on your phone and try the newest code."
UNKNOWN = "(unknown name)"
_FRESH = 1.0  # seconds a session read stays fresh in this process


def token_hash(token: str) -> str:
    """What the store keeps of a token: its SHA-256 (the token has 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Step:
    """The outcome of a sign-in step: where to go next, and the token for the cookie (never logged)."""

    stage: str  # signed-in, code, enrol, or refused
    token: str = ""
    message: str = ""
    recovery_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Live:
    """A session that is still valid, and who it is."""

    record: SessionRecord
    identity: Identity
    idle_ends: dt.datetime  # when it ends if nothing happens

    def seconds_left(self, now: dt.datetime) -> float:
        return (self.idle_ends - now).total_seconds()


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Accounts:
    """Clinic mode's accounts and sessions over a `ClinicStore`."""

    def __init__(self, clinic: ClinicStore, *, policy: Policy | None = None, hasher: PasswordHasher | None = None,
                 clock: Callable[[], dt.datetime] = _utcnow):
        self.clinic = clinic
        self.policy = policy or Policy.from_env()
        self.hasher = hasher or passwords.HASHER
        self.now = clock
        # A session read in the last `_FRESH` seconds is not read again (a page's rerun and the
        # middleware both ask); sign-out, disable and password changes here drop it at once,
        # and from another process (the CLI) they take effect within that time.
        self._recent: dict[str, tuple[float, SessionRecord, Account | None]] = {}
        # Verified against when the name is unknown, so every refusal costs one verification.
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    def _audit(self, actor: str, role: str, action: str, outcome: str = OK, *, address: str = "", map_id: str = "",
               detail: str = "") -> None:
        self.clinic.append_audit(AuditEntry(actor, role, action, outcome, map_id=map_id, address=address,
                                            detail=detail, at=self.now()))

    # --- managing accounts -----------------------------------------------------------------------

    def add(self, name: str, password: str, roles: Iterable[str], *, by: str = "operator",
            owns_maps: Iterable[str] = ()) -> Account:
        """A new account (the first one turns clinic mode on); `owns_maps` become its maps."""
        name = (name or "").strip()
        if not re.match(NAME_PATTERN, name):
            raise AccountError("an account name is 1–64 letters, digits or . _ @ - (starting with a letter or digit)")
        roles = frozenset(roles)
        if not roles or not roles <= set(ROLES):
            raise AccountError(f"roles must be one or more of {', '.join(ROLES)}")
        if THERAPIST in roles and SUPERVISOR in roles:
            raise AccountError("one account is a therapist or a supervisor, not both (make two accounts)")
        why = passwords.problem(password, name)
        if why:
            raise AccountError(why)
        now = self.now()
        account = Account(name, roles, passwords.hash_password(password, self.hasher), now, now)
        self.clinic.add_account(account)
        owned = list(owns_maps)
        if owned and THERAPIST not in roles:
            raise AccountError("only a therapist can own maps")
        for map_id in owned:
            self.clinic.set_owner(map_id, name)
        self._audit(by, "operator" if by == "operator" else ADMIN, "account-add",
                    detail=f"{safe_id(name)} as {'+'.join(sorted(roles))}; owns {len(owned)} maps")
        return account

    def get(self, name: str) -> Account:
        account = self.clinic.account(name)
        if account is None:
            raise AccountError(f'no account named "{name}"')
        return account

    def set_disabled(self, name: str, disabled: bool, *, by: str = "operator") -> Account:
        account = replace(self.get(name), disabled=disabled)
        self.clinic.save_account(account)
        self._forget(account=account.name)
        if disabled:
            self.clinic.delete_sessions(account=account.name)
        else:
            self.clinic.clear_failures(f"account:{account.name.lower()}")
        self._audit(by, ADMIN if by != "operator" else "operator", "account-disable" if disabled else "account-enable",
                    detail=safe_id(account.name))
        return account

    def set_password(self, name: str, password: str, *, by: str = "operator", keep: str | None = None) -> Account:
        """A new password; ends every session of the account except the one whose token hash is `keep`."""
        account = self.get(name)
        why = passwords.problem(password, account.name)
        if why:
            raise AccountError(why)
        account = replace(account, password_hash=passwords.hash_password(password, self.hasher),
                          password_changed_at=self.now())
        self.clinic.save_account(account)
        self._forget(account=account.name)
        ended = self.clinic.delete_sessions(account=account.name, except_hash=keep)
        self.clinic.clear_failures(f"account:{account.name.lower()}")
        self._audit(by, "operator" if by == "operator" else ADMIN, "password-change",
                    detail=f"{safe_id(account.name)}; ended {ended} other sessions")
        return account

    def change_own_password(self, live: Live, old: str, new: str) -> None:
        """A signed-in person changes their password (the current one first); other sessions end."""
        account = self.get(live.identity.name)
        if not passwords.verify(account.password_hash, old, self.hasher):
            raise AccountError("The current password is not right; nothing was changed.")
        self.set_password(account.name, new, by=account.name, keep=live.record.token_hash)

    def reset_second_factor(self, name: str, *, by: str = "operator") -> Account:
        """Forget the one-time-code app and recovery codes: the next sign-in sets them up again."""
        account = replace(self.get(name), totp_secret=None, totp_last_step=0, recovery_hashes=())
        self.clinic.save_account(account)
        self._forget(account=account.name)
        self.clinic.delete_sessions(account=account.name)
        self._audit(by, "operator" if by == "operator" else ADMIN, "second-factor-reset",
                    detail=safe_id(account.name))
        return account

    def add_second_factor(self, name: str, secret: str, code: str) -> tuple[str, ...]:
        """A signed-in person (e.g. a therapist, for whom it is optional) sets up one-time codes: the first
        code from their app confirms the secret. Returns the recovery codes (shown once)."""
        account = self.get(name)
        step = totp.accepted_step(secret, code, self.now(), 0)
        if step is None:
            raise AccountError("That code did not work. Scan the QR code again and enter the newest code.")
        codes = tuple(totp.new_recovery_codes())
        self.clinic.save_account(replace(account, totp_secret=secret, totp_last_step=step,
                                         recovery_hashes=tuple(totp.recovery_hash(c) for c in codes)))
        self._audit(account.name, account.role_label(), "second-factor-set-up")
        return codes

    def assign(self, therapist: str, supervisor: str, *, by: str = "operator", undo: bool = False) -> None:
        t, s = self.get(therapist), self.get(supervisor)
        if THERAPIST not in t.roles:
            raise AccountError(f'"{t.name}" is not a therapist')
        if SUPERVISOR not in s.roles:
            raise AccountError(f'"{s.name}" is not a supervisor')
        if undo:
            if not self.clinic.unassign(s.name, t.name):
                raise AccountError(f'"{s.name}" does not supervise "{t.name}"')
        else:
            self.clinic.assign(s.name, t.name)
        self._audit(by, "operator" if by == "operator" else ADMIN, "unassign" if undo else "assign",
                    detail=f"{safe_id(s.name)} supervises {safe_id(t.name)}" + (" (ended)" if undo else ""))

    # --- signing in ------------------------------------------------------------------------------

    def _locked(self, name_key: str, address: str, now: dt.datetime) -> bool:
        since = now - max(self.policy.window, self.policy.lockout)
        return (self.clinic.failures_since(name_key, since) >= self.policy.account_failures
                or (bool(address) and self.clinic.failures_since(f"address:{address}", since)
                    >= self.policy.address_failures))

    def sign_in(self, name: str, password: str, address: str = "") -> Step:
        """Check a name and password. Next step: the one-time code, setting one up, or signed in."""
        now = self.now()
        name = (name or "").strip()[:64]
        name_key = f"account:{name.lower()}"
        account = self.clinic.account(name) if re.match(NAME_PATTERN, name) else None
        locked = self._locked(name_key, address, now)
        ok = passwords.verify(account.password_hash if account else self._dummy_hash, password or "", self.hasher)
        actor = account.name if account else UNKNOWN
        role = account.role_label() if account else ""
        if locked or not ok or account is None or account.disabled:
            self.clinic.add_failure(name_key, now)
            if address:
                self.clinic.add_failure(f"address:{address}", now)
            why = "locked" if locked else ("disabled" if account is not None and account.disabled and ok else "wrong")
            self._audit(actor, role, "sign-in", LOCKED if locked else FAILED, address=address, detail=why)
            return Step("refused", message=WRONG)
        if self.hasher.check_needs_rehash(account.password_hash):
            account = replace(account, password_hash=self.hasher.hash(password))
            self.clinic.save_account(account)
        self.clinic.clear_failures(name_key)
        if account.totp_secret is not None:
            return self._start(account, CODE, address, now, self.policy.pending)
        if account.needs_second_factor:
            return self._start(account, ENROL, address, now, self.policy.pending, pending_secret=totp.new_secret())
        self._audit(account.name, role, "sign-in", address=address)
        return self._start(account, SIGNED_IN, address, now, self.policy.absolute)

    def _start(self, account: Account, stage: str, address: str, now: dt.datetime, life: dt.timedelta,
               pending_secret: str | None = None) -> Step:
        token = new_token()
        self.clinic.add_session(SessionRecord(token_hash(token), stage, now, now, now + life, account=account.name,
                                              address=address, pending_secret=pending_secret))
        return Step(stage, token=token)

    def _pending(self, token: str, stage: str) -> SessionRecord | None:
        record = self.clinic.session(token_hash(token or ""))
        if record is None or record.stage != stage or self.now() >= record.expires_at:
            return None
        return record

    def enrolment(self, token: str) -> tuple[str, str] | None:
        """(secret, otpauth address) for the person setting up their one-time codes, or None."""
        record = self._pending(token, ENROL)
        if record is None or record.pending_secret is None or record.account is None:
            return None
        return record.pending_secret, totp.provisioning_uri(record.pending_secret, record.account)

    def second_step(self, token: str, code: str, address: str = "") -> Step:
        """The one-time code (or a recovery code) after the password; or, when setting up, the first code."""
        now = self.now()
        record = self._pending(token, CODE) or self._pending(token, ENROL)
        if record is None or record.account is None:
            return Step("refused", message="That sign-in has expired. Start again with your name and password.")
        account = self.get(record.account)
        name_key = f"account:{account.name.lower()}"
        if self._locked(name_key, address, now) or account.disabled:
            self._audit(account.name, account.role_label(), "sign-in", LOCKED, address=address, detail="code")
            self.clinic.delete_sessions(token_hash=record.token_hash)
            return Step("refused", message=WRONG)
        recovery_codes: tuple[str, ...] = ()
        if record.stage == ENROL:
            step = totp.accepted_step(record.pending_secret or "", code, now, 0)
            if step is not None:
                recovery_codes = tuple(totp.new_recovery_codes())
                account = replace(account, totp_secret=record.pending_secret, totp_last_step=step,
                                  recovery_hashes=tuple(totp.recovery_hash(c) for c in recovery_codes))
        else:
            step = totp.accepted_step(account.totp_secret or "", code, now, account.totp_last_step)
            if step is not None:
                account = replace(account, totp_last_step=step)
            elif totp.recovery_hash(code) in account.recovery_hashes:
                used = totp.recovery_hash(code)
                account = replace(account, recovery_hashes=tuple(h for h in account.recovery_hashes if h != used))
                step = -1
        if step is None:
            self.clinic.add_failure(name_key, now)
            if address:
                self.clinic.add_failure(f"address:{address}", now)
            self._audit(account.name, account.role_label(), "sign-in", FAILED, address=address, detail="code")
            return Step(record.stage, token=token, message=WRONG_CODE)
        self.clinic.save_account(account)
        self.clinic.clear_failures(name_key)
        self.clinic.delete_sessions(token_hash=record.token_hash)
        detail = "second factor set up" if recovery_codes else ("recovery code" if step == -1 else "code")
        self._audit(account.name, account.role_label(), "sign-in", address=address, detail=detail)
        signed = self._start(account, SIGNED_IN, address, now, self.policy.absolute)
        return replace(signed, recovery_codes=recovery_codes)

    # --- sessions --------------------------------------------------------------------------------

    def live(self, token: str | None, *, address: str = "") -> Live | None:
        """The signed-in person (or client) behind a cookie's token, if the session is still valid.

        An idle or over-long session is ended here (and the timeout recorded); reading does not count
        as activity (`touch` does).
        """
        if not token:
            return None
        digest = token_hash(token)
        hit = self._recent.get(digest)
        tick = time.monotonic()
        if hit is not None and tick - hit[0] < _FRESH:
            record, account = hit[1], hit[2]
        else:
            record = self.clinic.session(digest)
            if record is None:
                self._recent.pop(digest, None)
                return None
            account = self.clinic.account(record.account) if record.account else None
            if len(self._recent) > 10_000:
                self._recent.clear()
            self._recent[digest] = (tick, record, account)
        now = self.now()
        if record.stage == CLIENT_STAGE:
            share = self.clinic.share(record.share_id or "")  # read every time: ending a share is at once
            if share is None or share.state(now) != "joined":
                self._forget(record.token_hash)
                self.clinic.delete_sessions(token_hash=record.token_hash)
                return None
            ident = Identity.client(share.map_id, share_id=share.id, address=address or record.address)
            return Live(record, ident, min(record.expires_at, share.ends_at or now))
        if record.stage != SIGNED_IN or record.account is None:
            return None
        idle_ends = min(record.last_active + self.policy.idle, record.expires_at)
        if now >= idle_ends or account is None or account.disabled:
            self._forget(record.token_hash)
            self.clinic.delete_sessions(token_hash=record.token_hash)
            if account is not None:
                self._audit(account.name, account.role_label(), "timeout", address=address or record.address,
                            detail="idle" if now < record.expires_at else "session limit")
            return None
        return Live(record, Identity(account.name, account.roles, address=address or record.address), idle_ends)

    def touch(self, live: Live, *, min_interval: dt.timedelta = dt.timedelta(seconds=5)) -> Live:
        """Count a person's action as activity (written at most every `min_interval`)."""
        now = self.now()
        if live.record.stage == CLIENT_STAGE or now - live.record.last_active < min_interval:
            return live
        record = replace(live.record, last_active=now)
        self.clinic.save_session(record)
        hit = self._recent.get(record.token_hash)
        if hit is not None:
            self._recent[record.token_hash] = (hit[0], record, hit[2])
        return Live(record, live.identity, min(now + self.policy.idle, record.expires_at))

    def sign_out(self, token: str | None, *, address: str = "") -> None:
        """End this session wherever it is used (every tab and device holding the cookie)."""
        if not token:
            return
        record = self.clinic.session(token_hash(token))
        self._forget(token_hash(token))
        if record is None:
            return
        self.clinic.delete_sessions(token_hash=record.token_hash)
        if record.stage == SIGNED_IN and record.account:
            account = self.clinic.account(record.account)
            self._audit(record.account, account.role_label() if account else "", "sign-out",
                        address=address or record.address)

    def _forget(self, digest: str | None = None, *, account: str | None = None) -> None:
        """Drop remembered sessions (one, or every one of an account) so the next read asks the store."""
        if digest is not None:
            self._recent.pop(digest, None)
        if account is not None:
            for key, (_t, record, _a) in list(self._recent.items()):
                if (record.account or "").lower() == account.lower():
                    self._recent.pop(key, None)

    def sign_out_everywhere(self, name: str, *, by: str) -> int:
        self._forget(account=name)
        ended = self.clinic.delete_sessions(account=self.get(name).name)
        self._audit(by, ADMIN if by != name else self.get(name).role_label(), "sign-out-everywhere",
                    detail=f"{safe_id(name)}; {ended} sessions")
        return ended
