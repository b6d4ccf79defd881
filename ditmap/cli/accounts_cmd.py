"""Accounts on the command line (clinic mode): `ditmap user add|list|disable|enable|reset-password|reset-2fa`
and `ditmap supervise THERAPIST --by SUPERVISOR [--end]`.

The first account turns clinic mode on. Passwords are typed at a prompt (not echoed) or read from
standard input with `--password-stdin` (for scripts); never taken as an argument, where they would land in
the shell history and the process list. Each change is recorded in the audit trail as the operator.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ditmap.accounts.model import ADMIN, SUPERVISOR, THERAPIST, AccountError
from ditmap.cli.store_cmds import _db_option, _fail, _store
from ditmap.services.clinic import services
from ditmap.store.base import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    user = subparsers.add_parser("user", help="clinic mode: accounts (the first one turns clinic mode on)",
                                 description="Manage the accounts of a clinic server. The first account turns "
                                             "clinic mode on: from then on everyone signs in.")
    sub = user.add_subparsers(dest="user_command", metavar="SUBCOMMAND", required=True)

    p = sub.add_parser("add", help="add an account (password at a prompt or with --password-stdin)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--admin", action="store_true", help="an administrator: accounts, assignments, the audit trail")
    p.add_argument("--role", choices=(THERAPIST, SUPERVISOR),
                   help="therapist (own maps) or supervisor (reads the maps of therapists assigned to them); "
                        "default: therapist, unless --admin alone")
    p.add_argument("--owns-existing-maps", action="store_true",
                   help="every map without an owner (e.g. made in personal mode) becomes this therapist's")
    _password_option(p)
    _db_option(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", help="list accounts: name, roles, second factor, disabled")
    _db_option(p)
    p.set_defaults(func=cmd_list)

    for name, helptext in (("disable", "stop an account signing in (its sessions end at once)"),
                           ("enable", "let a disabled or locked account sign in again")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("name", metavar="NAME")
        _db_option(p)
        p.set_defaults(func=cmd_disable if name == "disable" else cmd_enable)

    p = sub.add_parser("reset-password", help="set a new password (every session of the account ends)")
    p.add_argument("name", metavar="NAME")
    _password_option(p)
    _db_option(p)
    p.set_defaults(func=cmd_reset_password)

    p = sub.add_parser("reset-2fa", help="forget the one-time-code app and recovery codes (set up again at sign-in)")
    p.add_argument("name", metavar="NAME")
    _db_option(p)
    p.set_defaults(func=cmd_reset_2fa)

    p = subparsers.add_parser("supervise", help="clinic mode: let a supervisor read a therapist's maps",
                              description="Assign a supervisor to a therapist: the supervisor can then read, "
                                          "see the history of and comment on the therapist's maps.")
    p.add_argument("therapist", metavar="THERAPIST")
    p.add_argument("--by", required=True, metavar="SUPERVISOR")
    p.add_argument("--end", action="store_true", help="end the assignment instead")
    _db_option(p)
    p.set_defaults(func=cmd_supervise)


def _password_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input (for scripts)")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (12 or more characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise AccountError("the two passwords differ; nothing was changed")
    return first


def _accounts(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    clinic = services(_store(args))
    if clinic.accounts is None:
        raise StoreError("this store cannot hold accounts")
    return clinic


def _guard(func):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except (AccountError, StoreError) as err:
            return _fail(str(err))
    run.__name__ = func.__name__
    return run


@_guard
def cmd_add(args: argparse.Namespace) -> int:
    clinic = _accounts(args)
    roles = set()
    if args.admin:
        roles.add(ADMIN)
    if args.role or not args.admin:
        roles.add(args.role or THERAPIST)
    owned: list[str] = []
    if args.owns_existing_maps:
        if THERAPIST not in roles:
            raise AccountError("--owns-existing-maps needs a therapist account")
        ids = [i.id for i in clinic.store.list_maps(include_archived=True, include_deleted=True)]
        owned = clinic.records.unowned_maps(ids)
    first = not clinic.records.has_accounts()
    account = clinic.accounts.add(args.name, _read_password(args), roles, owns_maps=owned)
    print(f"added {account.name} ({account.role_label()})" + (f", owner of {len(owned)} maps" if owned else ""))
    if account.needs_second_factor:
        print("  a one-time-code app is set up at the first sign-in")
    if first:
        print("clinic mode is on: everyone now signs in (see docs/clinic.md)")
    return 0


@_guard
def cmd_list(args: argparse.Namespace) -> int:
    clinic = _accounts(args)
    rows = [("NAME", "ROLES", "2FA", "STATE")]
    for a in clinic.records.accounts():
        rows.append((a.name, a.role_label(), "on" if a.totp_secret else ("needed" if a.needs_second_factor else "off"),
                     "disabled" if a.disabled else "active"))
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    for r in rows:
        print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}")
    for supervisor, therapist in clinic.records.assignments():
        print(f"{supervisor} supervises {therapist}")
    if len(rows) == 1:
        print("(no accounts: personal mode)", file=sys.stderr)
    return 0


@_guard
def cmd_disable(args: argparse.Namespace) -> int:
    a = _accounts(args).accounts.set_disabled(args.name, True)
    print(f"disabled {a.name}")
    return 0


@_guard
def cmd_enable(args: argparse.Namespace) -> int:
    a = _accounts(args).accounts.set_disabled(args.name, False)
    print(f"enabled {a.name}")
    return 0


@_guard
def cmd_reset_password(args: argparse.Namespace) -> int:
    clinic = _accounts(args)
    clinic.accounts.get(args.name)
    a = clinic.accounts.set_password(args.name, _read_password(args))
    print(f"new password set for {a.name}; its sessions have ended")
    return 0


@_guard
def cmd_reset_2fa(args: argparse.Namespace) -> int:
    a = _accounts(args).accounts.reset_second_factor(args.name)
    print(f"{a.name} sets up a one-time-code app again at the next sign-in")
    return 0


@_guard
def cmd_supervise(args: argparse.Namespace) -> int:
    clinic = _accounts(args)
    clinic.accounts.assign(args.therapist, args.by, undo=args.end)
    print(f"{args.by} {'no longer supervises' if args.end else 'supervises'} {args.therapist}")
    return 0

