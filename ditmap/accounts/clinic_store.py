"""What clinic mode needs from a store: accounts, sign-in failures, sessions, shares, who owns which map,
supervision, the audit trail and a few settings.

A separate interface from `ditmap.store.base.Store`, so a server database can implement it beside its
`Store` (`Store.clinic()` hands it out). `ditmap.store.clinic_sql` implements it
for both SQL back ends (SQLite and PostgreSQL).
Every method is one transaction; `append_audit` serialises appends (the chain needs the previous row).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence

from ditmap.accounts.model import Account, SessionRecord, Share
from ditmap.audit import AuditEntry, AuditRow


class ClinicStore(ABC):
    # accounts
    @abstractmethod
    def has_accounts(self) -> bool: ...  # clinic mode is on from the first account
    @abstractmethod
    def account(self, name: str) -> Account | None: ...  # names compare case-insensitively
    @abstractmethod
    def accounts(self) -> list[Account]: ...
    @abstractmethod
    def add_account(self, account: Account) -> None: ...  # AccountError when the name is taken
    @abstractmethod
    def save_account(self, account: Account) -> None: ...

    # failed sign-ins, counted per key ("account:NAME", "address:IP", "code:IP")
    @abstractmethod
    def add_failure(self, key: str, at: dt.datetime) -> None: ...
    @abstractmethod
    def failures_since(self, key: str, since: dt.datetime) -> int: ...
    @abstractmethod
    def clear_failures(self, key: str) -> None: ...

    # sessions, by the hash of their token
    @abstractmethod
    def add_session(self, session: SessionRecord) -> None: ...
    @abstractmethod
    def session(self, token_hash: str) -> SessionRecord | None: ...
    @abstractmethod
    def save_session(self, session: SessionRecord) -> None: ...
    @abstractmethod
    def delete_sessions(self, *, token_hash: str | None = None, account: str | None = None,
                        share_id: str | None = None, except_hash: str | None = None) -> int: ...

    # shares
    @abstractmethod
    def add_share(self, share: Share) -> None: ...
    @abstractmethod
    def share(self, share_id: str) -> Share | None: ...
    @abstractmethod
    def share_by_hash(self, *, token_hash: str | None = None, code_hash: str | None = None) -> Share | None: ...
    @abstractmethod
    def redeem_share(self, share_id: str, at: dt.datetime, ends_at: dt.datetime) -> bool:
        """Mark a share redeemed, only if nobody has yet (single use); True when this call did it."""
    @abstractmethod
    def end_share(self, share_id: str, at: dt.datetime) -> None: ...
    @abstractmethod
    def shares_for_map(self, map_id: str) -> list[Share]: ...

    # who owns which map, who supervises whom
    @abstractmethod
    def owner(self, map_id: str) -> str | None: ...
    @abstractmethod
    def set_owner(self, map_id: str, account: str) -> None: ...
    @abstractmethod
    def unowned_maps(self, map_ids: Sequence[str]) -> list[str]: ...
    @abstractmethod
    def assign(self, supervisor: str, therapist: str) -> None: ...
    @abstractmethod
    def unassign(self, supervisor: str, therapist: str) -> bool: ...
    @abstractmethod
    def assignments(self) -> list[tuple[str, str]]: ...  # (supervisor, therapist)
    @abstractmethod
    def supervises(self, supervisor: str, therapist: str) -> bool: ...

    # the audit trail: append-only
    @abstractmethod
    def append_audit(self, entry: AuditEntry) -> AuditRow: ...
    @abstractmethod
    def audit_rows(self, *, map_id: str | None = None, actor: str | None = None, since: dt.datetime | None = None,
                   limit: int | None = None) -> list[AuditRow]: ...  # oldest first
    @abstractmethod
    def audit_head(self) -> tuple[int, str]: ...  # (rows appended, last hash) as recorded beside the trail

    # settings (e.g. the personal-mode client-view PIN's hash)
    @abstractmethod
    def setting(self, key: str) -> str | None: ...
    @abstractmethod
    def set_setting(self, key: str, value: str | None) -> None: ...
