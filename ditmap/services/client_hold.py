"""Personal mode's client view that cannot be left without the therapist (issue 11, "hard to leave").

When the therapist turns the client view on for a map, the *server* holds it: every browser session on
this computer (a refreshed page, a new tab, another page, an address without `view=client`) shows that
map in the client view only, until the therapist switches it off with a PIN set at first use. The PIN
is kept as an argon2id hash in the store's settings; wrong PINs are throttled (5 per 5 minutes).
In clinic mode the share decides instead (a client's device has a client session; nothing to hold).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from argon2 import PasswordHasher

from ditmap.accounts import passwords
from ditmap.accounts.clinic_store import ClinicStore

HOLD_KEY = "client_view_hold"
PIN_KEY = "client_view_pin"
FAILURE_KEY = "client-view-pin"
MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=5)
PIN_RULE = re.compile(r"^\d{4,12}$")


class PinError(ValueError):
    """A PIN that cannot be set or did not match; the message is for the therapist."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ClientHold:
    def __init__(self, records: ClinicStore, *, hasher: PasswordHasher | None = None,
                 clock: Callable[[], dt.datetime] = _utcnow):
        self.records = records
        self.hasher = hasher or passwords.HASHER
        self.now = clock

    def held_map(self) -> str | None:
        """The map the client view is held on, or None."""
        return self.records.setting(HOLD_KEY)

    def has_pin(self) -> bool:
        return self.records.setting(PIN_KEY) is not None

    def hold(self, map_id: str, new_pin: str | None = None) -> None:
        """Hold the client view on `map_id`; the first time, `new_pin` (4–12 digits) is required."""
        if not self.has_pin():
            if new_pin is None or not PIN_RULE.match(new_pin):
                raise PinError("Choose a PIN of 4 to 12 digits: you will need it to switch the client view off.")
            self.records.set_setting(PIN_KEY, passwords.hash_password(new_pin, self.hasher))
        self.records.set_setting(HOLD_KEY, map_id)

    def release(self, pin: str) -> None:
        """Switch the held client view off; raises PinError for a wrong PIN (throttled)."""
        now = self.now()
        if self.records.failures_since(FAILURE_KEY, now - WINDOW) >= MAX_FAILURES:
            raise PinError("Too many wrong PINs. Wait five minutes, then try again.")
        stored = self.records.setting(PIN_KEY)
        if stored is None or not passwords.verify(stored, pin or "", self.hasher):
            self.records.add_failure(FAILURE_KEY, now)
            raise PinError("That PIN is not right; the client view stays on.")
        self.records.clear_failures(FAILURE_KEY)
        self.records.set_setting(HOLD_KEY, None)

    def forget_pin(self) -> None:
        """For `ditmap` operators who lost the PIN: release and forget it (the next hold asks for a new one)."""
        self.records.set_setting(HOLD_KEY, None)
        self.records.set_setting(PIN_KEY, None)
