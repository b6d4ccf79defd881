"""CSV tables: one table per collection, for spreadsheets; and back again.

Tables (UTF-8, header row, one item per row; the columns are the model's field names):
`client.csv` (one row), `people.csv` (`position` as `x`, `y`), `relationships.csv`, `patterns.csv`,
`enactments.csv`, `sessions.csv`, `comments.csv`. Cells: booleans `true`/`false`; dates ISO
(`2026-03-02`); missing values empty; lists of terms (`feelings`, `affects`, `defences`) as JSON
arrays (`["shame", "anger"]`), because a term may itself contain `;` or `,`.
`sessions.process_notes` is empty unless the export was made with private notes.

**Formula-injection neutralisation.** A spreadsheet runs a cell that starts with `=`, `+`, `-` or
`@` as a formula (and tab or carriage return can hide one), so every cell starting with one of
`= + - @ \\t \\r \\n` gets a leading `'`. So that import can undo exactly that, a cell that already
starts with `'` gets one more. Import removes one leading `'` from every cell that starts with
one. A legitimate leading `-` ("- felt dropped", or a negative position `-120.5`) therefore
round-trips, and shows in the spreadsheet as text with the apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from ditmap.model import COLLECTIONS, DitMap

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "'")
"""First characters that earn a protective `'` (the last one so that import can undo it exactly)."""

TABLE_ORDER: tuple[str, ...] = ("people", "relationships", "patterns", "enactments", "sessions", "comments")
LIST_FIELDS = frozenset({"feelings", "affects", "defences"})


def neutralise(cell: str) -> str:
    """The cell as written: a leading `'` when a spreadsheet could read it as a formula."""
    return "'" + cell if cell.startswith(TRIGGERS) else cell


def unneutralise(cell: str) -> str:
    """Undo `neutralise`: drop one leading `'`."""
    return cell[1:] if cell.startswith("'") else cell


def columns(table: str) -> list[str]:
    """The columns of a table, in model field order."""
    if table == "client":
        return ["pseudonym", "therapist", "start_date"]
    model = dict(COLLECTIONS.values())[table]
    out: list[str] = []
    for name in model.model_fields:
        out.extend(["x", "y"] if name == "position" else [name])
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _rows(m: DitMap, table: str) -> Iterable[dict[str, str]]:
    if table == "client":
        yield {c: _cell(getattr(m.client, c)) for c in columns("client")}
        return
    for item in getattr(m, table):
        row = {}
        for name in columns(table):
            if name in ("x", "y"):
                pos = getattr(item, "position", None)
                row[name] = _cell(getattr(pos, name) if pos is not None else None)
            else:
                row[name] = _cell(getattr(item, name))
        yield row


def table_csv(m: DitMap, table: str) -> str:
    """One table as CSV text, every cell neutralised."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns(table))
    for row in _rows(m, table):
        writer.writerow([neutralise(row[c]) for c in columns(table)])
    return buf.getvalue()


def tables(m: DitMap) -> dict[str, str]:
    """File name → CSV text for every table."""
    return {f"{t}.csv": table_csv(m, t) for t in ("client", *TABLE_ORDER)}


def zip_bytes(m: DitMap) -> bytes:
    """All tables in one zip (a fixed timestamp, so the same map gives the same bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in tables(m).items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()
