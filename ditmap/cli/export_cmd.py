"""`ditmap export FILE --format F -o OUT`: any export of a map file, as the dashboard makes it.

A thin face over `ditmap.exports.export_bytes`, for map files the user already holds: nothing is read from
the store, so there is no map or owner for the permission check to ask about (a saved map is exported with
`ditmap export-map ID --format F`, checked and recorded). `--format csv` writes a zip when OUT ends in
`.zip`, else a folder of CSV tables. Problems go to stderr, one line each; exit 1 on bad input
(a map file that does not load, an unknown pattern, a client version of a data export).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ditmap.exports import FORMAT_NAMES, ExportError, export_bytes


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export", help="export a map: diagram, interactive page, summary, letter draft, or data",
        description="Export a *.ditmap.json map. Every export is pseudonymised (aliases only). "
                    "--client makes the client version (plain words, no notes of any kind); the therapist's "
                    "private process notes appear only in a clinician export made with --private-notes. "
                    "FILE is a file you already hold; a map saved in the store is exported with "
                    "`ditmap export-map ID --format F`, checked against your role and recorded in clinic mode.")
    p.add_argument("file", metavar="FILE", type=Path, help="a .ditmap.json map file")
    p.add_argument("--format", "-f", required=True, choices=FORMAT_NAMES, dest="fmt")
    p.add_argument("--client", action="store_true", help="client version (plain words, nothing private)")
    p.add_argument("--private-notes", action="store_true",
                   help="include the therapist's private process notes (clinician versions only)")
    p.add_argument("--pattern", metavar="ID", help="the pattern to feature (default: the agreed one)")
    p.add_argument("--session", type=int, metavar="N", help="the session to date the export by (default: latest)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="page size for diagrams and PDFs")
    p.add_argument("--since", type=Path, metavar="EARLIER",
                   help="supervision-pdf: an earlier .ditmap.json of the same map; the pack lists the changes since it")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT",
                   help="file to write (for csv: OUT.zip, or a folder)")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from ditmap.fileformat import MapFileError, load

    if args.client and args.private_notes:
        print("ditmap export: --private-notes cannot be used with --client (client versions never hold them)",
              file=sys.stderr)
        return 1
    m = load(args.file)
    if args.since is not None and args.fmt != "supervision-pdf":
        print("ditmap export: --since is for --format supervision-pdf only", file=sys.stderr)
        return 1
    try:
        since = load(args.since) if args.since is not None else None
    except MapFileError as err:  # named as the file it is, not as FILE
        for line in err.lines(str(args.since)):
            print(line, file=sys.stderr)
        return 1
    try:
        data, _name, _mime = export_bytes(m, args.fmt, client=args.client, private_notes=args.private_notes,
                                          pattern_id=args.pattern, session=args.session, paper=args.paper,
                                          since=since, since_label=args.since.name if args.since else "")
    except ExportError as err:
        print(f"ditmap export: {err}", file=sys.stderr)
        return 1
    out: Path = args.output
    if args.fmt == "csv" and out.suffix.lower() != ".zip":
        from ditmap.exports.csv_tables import tables
        from ditmap.exports.pseudonym import redact

        out.mkdir(parents=True, exist_ok=True)
        written = tables(redact(m, client=False, private_notes=args.private_notes))
        for name, text in written.items():
            write_atomically(out / name, text.encode("utf-8"))
        print(f"wrote {len(written)} tables to {out}/")
        return 0
    write_atomically(out, data)
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0


def write_atomically(path: Path, data: bytes) -> None:
    """Write atomically, so an interrupted export never leaves half a file under the real name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
