"""The JSON Schema of a map file, generated from the model so it can never drift from it.

A published copy lives at `docs/ditmap.schema.json` for other tools (editors, validators in other
languages); a test checks it equals what this module generates. Regenerate it with
`python -m ditmap.schema docs/ditmap.schema.json`.

The schema covers each field's type, range and vocabulary. The rules that span items — unique ids,
references that resolve, no self-relationship, one session per number — are beyond JSON Schema and
are checked by `ditmap validate` (see `integrity`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ditmap.model import DitMap

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The schema of a `*.ditmap.json` file, as a dict."""
    schema = DitMap.model_json_schema(mode="validation")
    # The loader insists on the header (a file without it is not known to be a map), so the schema does too.
    schema["required"] = ["format", "version", *schema.get("required", [])]
    schema["title"] = "ditmap map file"
    schema["$comment"] = (
        "Generated from ditmap.model; see docs/format.md. Cross-item rules (unique ids, references that "
        "resolve, no relationship from a person to themself, one session per number, agreed patterns "
        "dated) are checked by `ditmap validate`, not by this schema.")
    return {"$schema": SCHEMA_DIALECT, **schema}


def schema_text() -> str:
    """The schema as the text of the published file (stable: same model, same bytes)."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the schema, or write it to the path given."""
    args = sys.argv[1:] if argv is None else argv
    if args:
        Path(args[0]).write_text(schema_text(), encoding="utf-8")
    else:
        sys.stdout.write(schema_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
