"""Store commands: `ditmap db init|list|backup|restore|copy`, `ditmap import FILE`, `ditmap export-map ID -o FILE`.

Every command takes `--db PATH|URL` (else `$DITMAP_DB`, else the per-user default, see docs/store.md).
A failure prints one clear line per problem on stderr and exits 1; nothing clinical is printed
beyond what the user asked for (map names in `db list`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ditmap.store.base import StoreError


def _db_option(p: argparse.ArgumentParser) -> None:
    # str, not Path: Path() would turn "postgresql://host/db" into "postgresql:/host/db".
    p.add_argument("--db", metavar="PATH|URL", default=None,
                   help="the store: a SQLite file or a postgresql:// URL "
                        "(default: $DITMAP_DB, else ~/.local/share/ditmap/ditmap.sqlite3)")


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="the store of saved maps: init, list, backup, restore",
                               description="Manage the store of saved maps (a SQLite file or a PostgreSQL database).")
    dbsub = db.add_subparsers(dest="db_command", metavar="SUBCOMMAND", required=True)

    p = dbsub.add_parser("init", help="create the store (or migrate an older one) and print where it is")
    _db_option(p)
    p.set_defaults(func=cmd_init)

    p = dbsub.add_parser("list", help="list saved maps: id, name, version, last updated")
    _db_option(p)
    _as_option(p)
    p.add_argument("--all", action="store_true", help="include archived and deleted maps")
    p.set_defaults(func=cmd_list)

    p = dbsub.add_parser("backup", help="copy the whole store to a new SQLite file (checked)")
    p.add_argument("path", metavar="PATH", type=Path)
    _db_option(p)
    p.set_defaults(func=cmd_backup)

    p = dbsub.add_parser("restore", help="replace the whole store with a backup (checked first)")
    p.add_argument("path", metavar="PATH", type=Path)
    _db_option(p)
    p.set_defaults(func=cmd_restore)

    p = dbsub.add_parser("copy", help="copy every map with its whole history into an empty store, and check it",
                         description="Copy every map — its whole history, snapshots and comments — from one store "
                                     "to another (SQLite file or postgresql:// URL, either way), then check the "
                                     "copy: same versions, same history, same map at every snapshot. The target "
                                     "must be empty.")
    p.add_argument("--from", dest="source", metavar="PATH|URL", required=True, help="the store to copy")
    p.add_argument("--to", dest="target", metavar="PATH|URL", required=True, help="an empty (or new) store")
    p.set_defaults(func=cmd_copy)

    p = subparsers.add_parser("import", help="import a map file into the store (or convert it with -o)",
                              description="Import a .ditmap.json file (or a Kumu blueprint / CSV tables with "
                                          "--from) into the store and print the new map's id; with -o, write the "
                                          "converted map to a .ditmap.json file instead.")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--name", help="the saved map's name (default: from the file name)")
    p.add_argument("--from", dest="source", choices=("ditmap", "kumu", "csv"), default="ditmap",
                   help="what FILE is: a .ditmap.json (default), a Kumu JSON blueprint, or CSV tables (.zip/folder)")
    p.add_argument("-o", "--output", metavar="OUT", type=Path, help="write a .ditmap.json file instead of importing")
    _db_option(p)
    _as_option(p)
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser("export-map", help="write a saved map to a .ditmap.json file, or any export of it",
                              description="Write a saved map to a .ditmap.json file (whole, for a move or a "
                                          "backup), or with --format any export of it, as `ditmap export` makes "
                                          "from a file. In clinic mode the export is checked against the acting "
                                          "account's role (--as) and recorded in the audit trail.")
    p.add_argument("map_id", metavar="ID")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, required=True)
    p.add_argument("--format", "-f", dest="fmt", metavar="F", default=None, choices=_format_names(),
                   help="an export format (as for `ditmap export`: " + ", ".join(_format_names()) + ")")
    p.add_argument("--client", action="store_true", help="with --format: the client version")
    p.add_argument("--since", type=int, metavar="VERSION",
                   help="--format supervision-pdf: list the changes since this version (default: your own "
                        "last review of the map, else its last review by anyone)")
    _db_option(p)
    _as_option(p)
    p.set_defaults(func=cmd_export_map)


def _format_names() -> tuple[str, ...]:
    from ditmap.exports import FORMAT_NAMES

    return FORMAT_NAMES


def _as_option(p: argparse.ArgumentParser) -> None:
    from ditmap.cli.identity import as_option

    as_option(p)


def _who(args: argparse.Namespace, store):  # type: ignore[no-untyped-def]
    from ditmap.cli.identity import identity

    return identity(args, store)


def _fail(message: str) -> int:
    print(f"ditmap: {message}", file=sys.stderr)
    return 1


def _store(args: argparse.Namespace):
    from ditmap.store import open_store

    return open_store(args.db)


def _guard(func):
    """Turn store errors into one line on stderr and exit status 1 (file errors: `ditmap.cli.main`)."""
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except StoreError as err:
            return _fail(str(err))
        except PermissionError as err:  # services.permissions.Refused: recorded in the audit trail
            return _fail(str(err))
    run.__name__ = func.__name__
    run.__doc__ = func.__doc__
    return run


@_guard
def cmd_init(args: argparse.Namespace) -> int:
    store = _store(args)
    print(f"store ready: {store.location}")
    return 0


@_guard
def cmd_list(args: argparse.Namespace) -> int:
    from ditmap.services import maps as services

    store = _store(args)
    maps = services.list_maps(_who(args, store), store, include_archived=args.all, include_deleted=args.all)
    rows = [("ID", "NAME", "VERSION", "UPDATED")]
    for i in maps:
        name = i.name.replace("\n", " ").replace("\t", " ")
        flags = [f for f, on in (("archived", i.archived), ("deleted", i.deleted)) if on]
        if flags:
            name += f" ({', '.join(flags)})"
        rows.append((i.id, name, str(i.version), i.updated_at.strftime("%Y-%m-%d %H:%M UTC")))
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    for r in rows:
        print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}")
    if not maps:
        print("(no saved maps)", file=sys.stderr)
    return 0


@_guard
def cmd_backup(args: argparse.Namespace) -> int:
    out = _store(args).backup(args.path)
    print(f"backed up to {out}")
    return 0


@_guard
def cmd_restore(args: argparse.Namespace) -> int:
    store = _store(args)
    store.restore(args.path)
    print(f"restored {store.location} from {args.path} ({len(store.list_maps(include_archived=True))} maps)")
    return 0


@_guard
def cmd_copy(args: argparse.Namespace) -> int:
    from ditmap.store import open_store
    from ditmap.store.copy import copy_store

    with open_store(args.source) as source, open_store(args.target) as target:
        report = copy_store(source, target)
        print(f"copied {report} from {source.location} to {target.location}; "
              "checked: every map, version, edit and snapshot matches")
    return 0


@_guard
def cmd_import(args: argparse.Namespace) -> int:
    from ditmap.fileformat import SUFFIX, dump, load

    if args.source == "ditmap":
        m = load(args.file)
    else:
        from ditmap.exports.importers import read_foreign

        m = read_foreign(args.file, args.source)
    if args.output is not None:
        dump(m, args.output)
        print(f"wrote {args.output}")
        return 0
    name = args.name or args.file.name.removesuffix(SUFFIX).removesuffix(".json").removesuffix(".zip") \
        or m.client.pseudonym
    from ditmap.services import maps as services

    store = _store(args)
    who = _who(args, store)
    if who.operator:
        raise StoreError("clinic mode: a map belongs to a therapist; import it with --as THERAPIST")
    info = services.create_map(who, store, name, m, how="import")
    print(info.id)
    return 0


@_guard
def cmd_export_map(args: argparse.Namespace) -> int:
    from ditmap.services import maps as services
    from ditmap.services.permissions import Action

    if args.fmt is None and (args.client or args.since is not None):
        return _fail("export-map: --client and --since go with --format")
    if args.since is not None and args.fmt != services.SUPERVISION_PACK:
        return _fail(f"export-map: --since is for --format {services.SUPERVISION_PACK} only")
    store = _store(args)
    who = _who(args, store)
    if args.fmt is None:
        services.check(who, store, Action.EXPORT_CLINICIAN, args.map_id)  # before the map is read
        services.export(who, store, args.map_id, "ditmap-json", client=False, version=store.version(args.map_id))
        out = store.export_map(args.map_id, args.output)
        print(f"wrote {out}")
        return 0
    return _export_saved(args, store, who)


def _export_saved(args: argparse.Namespace, store, who) -> int:  # type: ignore[no-untyped-def]
    """`export-map ID --format F`: checked and recorded first (the permission the format needs), then made from
    the saved map; a supervision pack lists the changes since --since, else since the acting account's review."""
    from ditmap.cli.export_cmd import write_atomically
    from ditmap.exports import ExportError, export_bytes
    from ditmap.services import maps as services

    pack = args.fmt == services.SUPERVISION_PACK
    services.check(who, store, services.export_action(args.fmt, client=args.client), args.map_id)
    m, version = store.load(args.map_id)
    since, label = None, ""
    if pack:
        review = services.review_to_compare(who, store, args.map_id) if args.since is None else None
        start = args.since if args.since is not None else (review.version if review is not None else None)
        if start is not None:
            since = store.map_at(args.map_id, start)  # an unknown version: StoreError, one line
            label = f"version {start}" if review is None else f"the last review (version {start})"
    try:
        data, _name, _mime = export_bytes(m, args.fmt, client=args.client, since=since, since_label=label)
    except ExportError as err:
        return _fail(f"export-map: {err}")
    services.export(who, store, args.map_id, args.fmt, client=args.client, version=version)
    write_atomically(args.output, data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0
