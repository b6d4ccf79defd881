"""The `ditmap` command line: a thin face over the domain core.

Each command group lives in its own module with a `register(subparsers)` function that adds its
subcommands and sets `func(args) -> int` as the handler. Exit codes: 0 success, 1 invalid input or a
failed operation (one line per problem on stderr), 2 usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ditmap import __version__
from ditmap.fileformat import MapFileError

COMMAND_MODULES: tuple[str, ...] = (
    "ditmap.cli.files",
    "ditmap.cli.store_cmds",
    "ditmap.cli.analyze",
    "ditmap.cli.export_cmd",
    "ditmap.cli.accounts_cmd",
    "ditmap.cli.audit_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ditmap",
        description="Relationship-pattern maps for Dynamic Interpersonal Therapy.",
    )
    parser.add_argument("--version", action="version", version=f"ditmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except MapFileError as err:  # any command given a bad map file: one line per problem, no traceback
        for line in err.lines(str(getattr(args, "file", None) or getattr(args, "path", None) or "")):
            print(line, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:
        print(f"ditmap: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 1
