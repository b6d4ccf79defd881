"""The audit trail on the command line: `ditmap audit list [--map ID] [--user NAME] [--since DATE]` and
`ditmap audit verify` (exit 1 and the first bad row when the chain is broken)."""

from __future__ import annotations

import argparse
import datetime as dt

from ditmap.audit import verify
from ditmap.cli.store_cmds import _db_option, _fail, _store
from ditmap.services.clinic import services
from ditmap.store.base import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    audit = subparsers.add_parser("audit", help="clinic mode: the audit trail (list, verify)",
                                  description="Who opened, changed, exported or shared which map, when, from "
                                              "where; sign-ins and refusals. Append-only and hash-chained.")
    sub = audit.add_subparsers(dest="audit_command", metavar="SUBCOMMAND", required=True)
    p = sub.add_parser("list", help="print rows, oldest first")
    p.add_argument("--map", metavar="ID")
    p.add_argument("--user", metavar="NAME")
    p.add_argument("--since", metavar="DATE", help="YYYY-MM-DD (UTC), or an ISO date and time")
    p.add_argument("--limit", type=int, metavar="N", help="only the newest N rows")
    _db_option(p)
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("verify", help="check the hash chain; names the first changed, deleted or reordered row")
    _db_option(p)
    p.set_defaults(func=cmd_verify)


def _since(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        raise StoreError(f'--since: "{text}" is not a date (write it as YYYY-MM-DD)') from None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def cmd_list(args: argparse.Namespace) -> int:
    try:
        records = services(_store(args)).records
        if records is None:
            raise StoreError("this store keeps no audit trail")
        rows = records.audit_rows(map_id=args.map, actor=args.user, since=_since(args.since), limit=args.limit)
    except StoreError as err:
        return _fail(str(err))
    for r in rows:
        print("\t".join([str(r.seq), r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.role or "-", r.address or "-",
                         r.action, r.map_id or "-", r.outcome, r.detail or "-"]))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    try:
        records = services(_store(args)).records
        if records is None:
            raise StoreError("this store keeps no audit trail")
        verdict = verify(records.audit_rows(), records.audit_head())
    except StoreError as err:
        return _fail(str(err))
    if not verdict.ok:
        return _fail(f"audit trail broken: {verdict.message}")
    print(f"audit trail intact: {verdict.message}")
    return 0
