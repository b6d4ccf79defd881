"""Read maps made elsewhere: Kumu JSON blueprints and ditmap's own CSV tables.

`read_foreign(path, source)` is the one entry point (the `import` command calls it). Bad input
raises `ditmap.fileformat.MapFileError` whose problems name where: for CSV the table file, the
spreadsheet line (header = line 1) and the column (`relationships.csv line 3, column "intensity"`);
for Kumu the JSON path (`connections[2].to`; the caller prefixes the blueprint's file name, as the
`import` command does). Nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ditmap.exports.csv_tables import LIST_FIELDS, TABLE_ORDER, columns, unneutralise
from ditmap.exports.kumu import DIRECTION_FIELD
from ditmap.integrity import Problem, check_collections
from ditmap.model import COLLECTIONS, Client, DitMap

MAX_BYTES = 20_000_000
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def _error(problems: list[Problem]) -> Exception:
    from ditmap.fileformat import MapFileError

    return MapFileError(problems)


def read_foreign(path: Path, source: Literal["kumu", "csv"]) -> DitMap:
    """A map read from a Kumu blueprint (a .json file) or CSV tables (a .zip or a folder)."""
    path = Path(path)
    if source == "kumu":
        return read_kumu(_read_bytes(path))
    if source == "csv":
        return read_csv_tables(_csv_files(path))
    raise _error([Problem("", f'unknown source "{source}" (expected "kumu" or "csv")')])


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise _error([Problem(str(path), "no such file")])
    if path.stat().st_size > MAX_BYTES:
        raise _error([Problem(path.name, f"file is larger than {MAX_BYTES // 1_000_000} MB")])
    return path.read_bytes()


def _csv_files(path: Path) -> dict[str, bytes]:
    """File name → bytes of the CSV tables in a zip or a folder."""
    if path.is_dir():
        return {p.name: _read_bytes(p) for p in sorted(path.glob("*.csv"))}
    data = _read_bytes(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            out = {}
            total = 0
            for info in zf.infolist():
                name = Path(info.filename).name
                if not name.endswith(".csv") or info.is_dir():
                    continue
                total += info.file_size
                if total > MAX_BYTES:
                    raise _error([Problem(path.name, "the tables inside the zip are too large")])
                out[name] = zf.read(info)
            return out
    except zipfile.BadZipFile:
        raise _error([Problem(path.name, "not a zip file of CSV tables (or a folder of them)")]) from None


# --- CSV -------------------------------------------------------------------------------------

def read_csv_tables(files: Mapping[str, bytes]) -> DitMap:
    """A map from the tables `csv_tables` writes (client.csv optional; people.csv required)."""
    problems: list[Problem] = []
    if "people.csv" not in files:
        raise _error([Problem("people.csv", "missing: the tables need at least people.csv")])
    collections: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, list[int]] = {}
    client: dict[str, Any] = {}
    for table in ("client", *TABLE_ORDER):
        name = f"{table}.csv"
        if name not in files:
            continue
        rows, row_lines, table_problems = _parse_table(name, files[name], table)
        problems += table_problems
        if table == "client":
            client = rows[0] if rows else {}
            if len(rows) > 1:
                problems.append(Problem(name, "holds more than one row; only one client per map"))
        else:
            collections[table] = rows
            lines[table] = row_lines
    if problems:
        raise _error(problems)
    return _build(client, collections, lines, fmt="csv")


def _parse_table(name: str, data: bytes, table: str) -> tuple[list[dict[str, Any]], list[int], list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return [], [], [Problem(name, f"not UTF-8 text (byte {err.start})")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [], [Problem(name, "empty file (no header row)")]
    except csv.Error as err:
        return [], [], [Problem(f"{name} line 1", str(err))]
    known = columns(table)
    problems = [Problem(f"{name} line 1", f'unknown column "{h}" (expected some of: {", ".join(known)})')
                for h in header if h not in known]
    required = {"id"} if table != "client" else set()
    problems += [Problem(f"{name} line 1", f'missing column "{c}"') for c in sorted(required - set(header))]
    if problems:
        return [], [], problems
    model = Client if table == "client" else dict(COLLECTIONS.values())[table]
    rows: list[dict[str, Any]] = []
    row_lines: list[int] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(values):
                continue
            if len(values) != len(header):
                problems.append(Problem(f"{name} line {line}",
                                        f"has {len(values)} cells; the header has {len(header)}"))
                continue
            raw = {h: unneutralise(v) for h, v in zip(header, values, strict=True)}
            item, item_problems = _typed(raw, model, f"{name} line {line}")
            problems += item_problems
            rows.append(item)
            row_lines.append(line)
    except csv.Error as err:
        problems.append(Problem(f"{name} line {reader.line_num}", str(err)))
    return rows, row_lines, problems


def _typed(raw: dict[str, str], model: Any, where: str) -> tuple[dict[str, Any], list[Problem]]:
    """Cell strings → field values; pydantic does the rest of the conversion when the map is built."""
    item: dict[str, Any] = {}
    problems: list[Problem] = []
    fields = model.model_fields
    for col, value in raw.items():
        if col in ("x", "y"):
            continue
        if col in LIST_FIELDS:
            try:
                parsed = json.loads(value) if value.strip() else []
            except json.JSONDecodeError:
                parsed = None
            if not (isinstance(parsed, list) and all(isinstance(t, str) for t in parsed)):
                problems.append(Problem(f'{where}, column "{col}"',
                                        'expected a list like ["shame", "anger"] (or an empty cell)'))
                continue
            item[col] = parsed
        elif value == "" and fields[col].default is None:
            item[col] = None
        elif value == "" and not fields[col].is_required():
            continue  # the model's default
        else:
            item[col] = value
    if "x" in raw or "y" in raw:
        x, y = raw.get("x", ""), raw.get("y", "")
        if x == "" and y == "":
            item["position"] = None
        else:
            item["position"] = {"x": x, "y": y}
    return item, problems


# --- Kumu ------------------------------------------------------------------------------------

def read_kumu(data: bytes) -> DitMap:
    """A map from a Kumu JSON blueprint (people = elements, relationships = connections)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as err:
        raise _error([Problem("", f"not a JSON blueprint: {err}")]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("elements", []), list) \
            or not isinstance(doc.get("connections", []), list):
        raise _error([Problem("", 'expected {"elements": [...], "connections": [...]}')])
    problems: list[Problem] = []
    people: list[dict[str, Any]] = []
    ref: dict[str, str] = {}  # Kumu id or label → person id
    taken: set[str] = set()
    for i, el in enumerate(doc.get("elements", [])):
        where = f"elements[{i}]"
        if not isinstance(el, dict) or not isinstance(el.get("label"), str) or not el["label"]:
            problems.append(Problem(where, "needs a text label"))
            continue
        kid = el.get("id")
        pid = kid if isinstance(kid, str) and _ID.match(kid) and kid not in taken else _fresh("p", i, taken)
        taken.add(pid)
        label = el["label"]
        if isinstance(kid, str | int):
            ref[str(kid)] = pid
        ref.setdefault(label, pid)
        person: dict[str, Any] = {"id": pid, "alias": label, "role": _text(el.get("type")) or "other",
                                  "notes": _text(el.get("description"))}
        if isinstance(el.get("Alive"), bool):
            person["alive"] = el["Alive"]
        if _is_number(el.get("X")) and _is_number(el.get("Y")):
            person["position"] = {"x": el["X"], "y": el["Y"]}
        people.append(person)
    rels: list[dict[str, Any]] = []
    rtaken: set[str] = set()
    for i, c in enumerate(doc.get("connections", [])):
        where = f"connections[{i}]"
        if not isinstance(c, dict):
            problems.append(Problem(where, "expected an object with from and to"))
            continue
        ends = []
        for end in ("from", "to"):
            key = c.get(end)
            if not isinstance(key, str | int) or str(key) not in ref:
                problems.append(Problem(f"{where}.{end}", f"no element with id or label {json.dumps(key)}"))
            else:
                ends.append(ref[str(key)])
        if len(ends) != 2:
            continue
        cid = c.get("id")
        rid = cid if isinstance(cid, str) and _ID.match(cid) and cid not in rtaken else _fresh("r", i, rtaken)
        rtaken.add(rid)
        direction = c.get(DIRECTION_FIELD)
        if direction not in ("mutual", "source_to_target", "target_to_source"):
            direction = "source_to_target" if c.get("direction") == "directed" else "mutual"
        src, tgt = (ends[1], ends[0]) if direction == "target_to_source" else (ends[0], ends[1])
        rel: dict[str, Any] = {"id": rid, "source": src, "target": tgt, "direction": direction,
                               "kind": _text(c.get("type")) or "close", "notes": _text(c.get("description"))}
        for field, key in (("corner", "Corner"), ("intensity", "Intensity"), ("closeness", "Closeness"),
                           ("communication_style", "Communication Style")):
            if c.get(key) not in (None, ""):
                rel[field] = c[key]
        if isinstance(c.get("Feelings"), list):
            rel["feelings"] = [t for t in c["Feelings"] if isinstance(t, str) and t]
        rels.append(rel)
    if problems:
        raise _error(problems)
    return _build({}, {"people": people, "relationships": rels},
                  {"people": list(range(len(people))), "relationships": list(range(len(rels)))}, fmt="kumu")


def _no_constant(token: str) -> None:
    raise ValueError(f"{token} is not a number JSON allows")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fresh(prefix: str, i: int, taken: set[str]) -> str:
    n = i + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


# --- building the map --------------------------------------------------------------------------

_WHERE = re.compile(r"^(?P<field>[a-z_]+)\[(?P<index>\d+)\](?:\.(?P<rest>.+))?$")


def _build(client: dict[str, Any], collections: dict[str, list[dict[str, Any]]],
           lines: dict[str, list[int]], *, fmt: str) -> DitMap:
    """Validate every item, then the cross-item rules; problems named by file, line and column."""

    def where(loc: str) -> str:
        mt = _WHERE.match(loc)
        if not mt:
            return loc
        field, index, rest = mt["field"], int(mt["index"]), mt["rest"]
        if fmt == "csv":
            line = lines.get(field, [])[index] if index < len(lines.get(field, [])) else index + 2
            col = (rest or "").split(".")[0].split("[")[0]
            return f'{field}.csv line {line}' + (f', column "{col}"' if col else "")
        kumu_field = {"people": "elements", "relationships": "connections"}.get(field, field)
        return f"{kumu_field}[{index}]" + (f".{rest}" if rest else "")

    problems: list[Problem] = []
    items: dict[str, list[Any]] = {}
    for field, model in COLLECTIONS.values():
        out = []
        for i, raw in enumerate(collections.get(field, [])):
            try:
                out.append(model.model_validate(raw))
            except ValidationError as err:
                for e in err.errors():
                    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
                    problems.append(Problem(where(f"{field}[{i}]{loc}"), e["msg"]))
                out.append(raw)
        items[field] = out
    try:
        client_model = Client.model_validate(client)
    except ValidationError as err:
        problems += [Problem(f'client.csv line 2, column "{e["loc"][0]}"', e["msg"]) for e in err.errors()]
        client_model = Client()
    problems += [Problem(where(p.where), p.what) for p in check_collections(items)]
    if problems:
        raise _error(problems)
    return DitMap(client=client_model, **items)
