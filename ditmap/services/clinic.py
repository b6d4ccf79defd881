"""The clinic services for one store: accounts, the permission gate, shares and the audit trail, wired once.

`services(store)` gives the same `Clinic` for the same store object. `mode()` is "personal" while no
account exists and "clinic" from the first account on: one code path for both.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass

from ditmap.accounts.clinic_store import ClinicStore
from ditmap.accounts.model import Identity
from ditmap.accounts.shares import Shares
from ditmap.accounts.signin import Accounts
from ditmap.audit import OK, AuditEntry
from ditmap.services.permissions import Gate
from ditmap.store.base import Store

PERSONAL, CLINIC = "personal", "clinic"


@dataclass
class Clinic:
    store: Store
    records: ClinicStore | None
    accounts: Accounts | None
    gate: Gate
    shares: Shares | None
    _clinic_mode: bool = False  # once on, it stays on for the life of the process
    _personal_checked: float = -1e9

    def mode(self) -> str:
        """Clinic mode from the first account on (seen within a second of `ditmap user add`)."""
        if not self._clinic_mode and self.records is not None:
            now = time.monotonic()
            if now - self._personal_checked >= 1.0:
                self._personal_checked = now
                self._clinic_mode = self.records.has_accounts()
        return CLINIC if self._clinic_mode else PERSONAL

    def record(self, identity: Identity, action: str, *, map_id: str = "", detail: str = "",
               outcome: str = OK) -> None:
        """Write one row to the audit trail (clinic mode only: personal mode keeps no trail)."""
        if self.records is None or self.mode() != CLINIC:
            return
        self.records.append_audit(AuditEntry(identity.name, identity.role_label(), action, outcome, map_id=map_id,
                                             address=identity.address, detail=detail))


_BY_STORE: weakref.WeakKeyDictionary[Store, Clinic] = weakref.WeakKeyDictionary()


def recheck_mode() -> None:
    """Have every store's services look for accounts again on their next use (not a second later): for a
    process that has just added the first account itself."""
    for clinic in list(_BY_STORE.values()):
        clinic._personal_checked = -1e9


def services(store: Store) -> Clinic:
    """The clinic services over `store` (made once per store object)."""
    found = _BY_STORE.get(store)
    if found is None:
        records = store.clinic()
        gate = Gate(records)
        accounts = Accounts(records) if records is not None else None
        shares = Shares(accounts, gate) if accounts is not None else None
        found = _BY_STORE[store] = Clinic(store, records, accounts, gate, shares)
    return found
