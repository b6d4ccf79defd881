"""Shared set-up for clinic-mode tests: a real store (SQLite file or PostgreSQL database), a cheap hasher, a clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyotp
from argon2 import PasswordHasher

from ditmap.accounts.policy import Policy
from ditmap.accounts.shares import Shares
from ditmap.accounts.signin import Accounts
from ditmap.model import DitMap
from ditmap.services.permissions import Gate
from ditmap.store import open_store

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # argon2id, test-sized
PASSWORD = "a long quiet river 42"


@dataclass
class Clock:
    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


def empty_map(name: str = "K.") -> DitMap:
    return DitMap.model_validate({"client": {"pseudonym": name}})


class World:
    """A store with its clinic services, on a real SQLite file or PostgreSQL database (`db`: a path or URL)."""

    def __init__(self, db, policy: Policy | None = None):
        self.db = str(db)
        self.store = open_store(db)
        self.records = self.store.clinic()
        self.clock = Clock()
        self.accounts = Accounts(self.records, policy=policy or Policy(), hasher=FAST, clock=self.clock)
        self.gate = Gate(self.records)
        self.shares = Shares(self.accounts, self.gate)

    def tamper(self, *sql: str) -> None:
        """What someone with the database's owner rights could do: lift the audit guard and rewrite rows."""
        from tests.store_support import raw_execute

        dialect = self.store.DIALECT
        raw_execute(self.db, [(stmt, ()) for stmt in (*dialect.unguard("audit"), *sql)])

    def code(self, name: str) -> str:
        account = self.records.account(name)
        return pyotp.TOTP(account.totp_secret).at(self.clock.now)
