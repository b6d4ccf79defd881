"""Who a command-line run acts as.

Personal mode (no accounts): the local therapist, as in the dashboard. Clinic mode: the *operator* of the
server (whoever can run ditmap there can read the store file, so nothing is gained by refusing them), with
every map action recorded in the audit trail as "operator"; or, with `--as NAME`, that account, under
exactly the rules its role has in the dashboard (a refusal exits 1 and is recorded).
"""

from __future__ import annotations

import argparse

from ditmap.accounts.model import Identity
from ditmap.services.clinic import CLINIC, services
from ditmap.store.base import Store, StoreError


def as_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="as_user", metavar="NAME",
                   help="clinic mode: act as this account, with its role's permissions (default: the operator)")


def identity(args: argparse.Namespace, store: Store) -> Identity:
    clinic = services(store)
    name = getattr(args, "as_user", None)
    if clinic.mode() != CLINIC:
        if name:
            raise StoreError("--as needs clinic mode (no accounts exist yet: see `ditmap user add`)")
        return Identity.local()
    if not name:
        return Identity.cli_operator()
    account = clinic.records.account(name) if clinic.records is not None else None
    if account is None or account.disabled:
        raise StoreError(f'no active account named "{name}"')
    return Identity(account.name, account.roles, address="cli")
