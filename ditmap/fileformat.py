"""The `*.ditmap.json` file format: canonical writing, careful reading (see docs/format.md).

Writing is canonical — keys in model field order, items in stored order, UTF-8, two-space indent,
no NaN — so save → load → save is byte-identical and two saves of the same map diff cleanly.

Reading never trusts the file: size is checked before the file is read, bytes must be UTF-8,
nesting depth is checked before JSON parsing (deep nesting crashes a recursive parser), NaN and
Infinity are refused, and then every problem of the document is collected (`validation`). Any bad
input raises `MapFileError` listing all the problems, each naming where and what.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import Any

from ditmap.integrity import Problem
from ditmap.model import FORMAT_NAME, FORMAT_VERSION, DitMap
from ditmap.validation import describe_value, sort_problems, validate_document

MAX_BYTES = 5 * 1024 * 1024
"""Largest file accepted (5 MiB); a real map is a few hundred kilobytes at most."""

MAX_DEPTH = 64
"""Deepest bracket nesting accepted; a valid map nests at most 4 deep."""

SUFFIX = ".ditmap.json"

Migration = Callable[[dict[str, Any]], dict[str, Any]]

MIGRATIONS: dict[int, Migration] = {}
"""Version N → a function turning a version-N document into a version N+1 document.

Version 1 is the first and current version, so there is nothing to migrate yet. When version 2
comes, add `MIGRATIONS[1] = _v1_to_v2` and old files keep opening: `migrate` chains the steps.
"""


class MapFileError(ValueError):
    """A map file (or text) that cannot be read; `.problems` says where and what, all of it.

    `source` names the file when one was read (set by `load`), so every face reports it the same way.
    """

    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = list(problems)
        self.source = source
        super().__init__("; ".join(str(p) for p in self.problems))

    def lines(self, source: str = "") -> list[str]:
        """One line per problem, prefixed by the file's name (or `source` when none was recorded)."""
        name = self.source or source
        return [f"{name}: {p}" if name else str(p) for p in self.problems]


# --- writing -----------------------------------------------------------------------------------

WRITTEN_WHEN_TRUE: tuple[tuple[str, str], ...] = (("people", "paced"), ("relationships", "paced"))
"""(collection, field) pairs written only when true, so maps that do not use them keep the bytes
they had before the field existed, and older ditmaps still open them (docs/format.md)."""


def dumps(m: DitMap) -> str:
    """The canonical text of a map: stable key order (the model's field order), items in stored order."""
    doc = m.model_dump(mode="json")
    for collection, field in WRITTEN_WHEN_TRUE:
        for item in doc[collection]:
            if item.get(field) is False:
                del item[field]
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def dump(m: DitMap, path: str | os.PathLike[str]) -> None:
    """Write a map to `path` atomically: a reader sees the old file or the new one, never half of one.

    A new file is readable by its owner only (it is a clinical record); a replaced file keeps its mode.
    """
    path = Path(path)
    data = dumps(m).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# --- reading -----------------------------------------------------------------------------------

def load(path: str | os.PathLike[str]) -> DitMap:
    """Read a map file; raises `MapFileError` (naming the file) for a missing, unreadable, oversized or invalid file."""
    try:
        return _load(Path(path))
    except MapFileError as err:
        err.source = str(path)
        raise


def _load(path: Path) -> DitMap:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise MapFileError([Problem("", "this is a folder, not a map file")])
        if size > MAX_BYTES:
            raise MapFileError([_too_big(size)])
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)  # the size may have changed since stat
    except FileNotFoundError:
        raise MapFileError([Problem("", "no such file")]) from None
    except PermissionError:
        raise MapFileError([Problem("", "cannot be read (permission denied)")]) from None
    except OSError as err:
        raise MapFileError([Problem("", f"cannot be read ({err.strerror or err})")]) from None
    return loads(data)


def loads(data: str | bytes) -> DitMap:
    """A map from the text (or UTF-8 bytes) of a map file; raises `MapFileError` listing every problem."""
    doc, early = _parse(data)
    header = _check_header(doc)
    if header:  # not a ditmap file, or a version this ditmap cannot read: nothing more is meaningful
        raise MapFileError(header)
    doc = migrate(doc)
    # NaN and repeated keys were reported with their location; validation goes on so the rest of
    # the file's problems are reported too, without reporting those locations a second time.
    m, problems = validate_document(doc, skip=frozenset(p.where for p in early))
    problems = sort_problems(early + problems)
    if problems or m is None:
        raise MapFileError(problems)
    return m


def _too_big(size: int) -> Problem:
    return Problem("", f"the file is {size / 1024 / 1024:.1f} MB; a map file can be at most "
                       f"{MAX_BYTES // 1024 // 1024} MB (is this really a ditmap file?)")


def _parse(data: str | bytes) -> tuple[dict[str, Any], list[Problem]]:
    """Bytes or text → the JSON document, after the checks that must come before parsing."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > MAX_BYTES:
            raise MapFileError([_too_big(len(raw))])
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw.count(b"\n", 0, err.start) + 1
            raise MapFileError([Problem(
                f"byte {err.start} (line {line})",
                f"not UTF-8 text (byte 0x{raw[err.start]:02x}); save the file as UTF-8")]) from None
    elif isinstance(data, str):
        text = data
        if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise MapFileError([_too_big(len(text.encode("utf-8", "surrogatepass")))])
    else:
        raise MapFileError([Problem("", f"expected the text of a map file, got {type(data).__name__}")])

    text = text.removeprefix("\ufeff")  # a byte-order mark some editors add
    if not text.strip():
        raise MapFileError([Problem("", "the file is empty")])
    cut_short = _check_depth(text)

    try:
        doc = json.loads(text, parse_constant=_NonFinite, parse_float=_float, parse_int=_int,
                         object_pairs_hook=_object)
    except json.JSONDecodeError as err:
        raise MapFileError([_json_problem(text, err, cut_short)]) from None
    except RecursionError:  # not reachable after _check_depth; kept so no traceback can escape
        raise MapFileError([Problem("", f"nested more than {MAX_DEPTH} levels deep")]) from None
    except ValueError as err:  # not expected (huge integers are caught by _int); no traceback either way
        raise MapFileError([Problem("", f"not a valid map file: {err}")]) from None

    if not isinstance(doc, dict):
        raise MapFileError([Problem("top level", "a map file holds one JSON object { … } at the top, "
                                                 f"not {describe_value(doc)}")])
    return doc, _walk(doc, "")


class _NonFinite:
    """Stands in for NaN, Infinity or a number too big to hold while parsing, so the walk can say where it was."""

    def __init__(self, token: str):
        self.token = token


def _int(token: str) -> int | _NonFinite:
    # Python refuses to convert integers of more than 4300 digits; say where, not how to raise the limit.
    return int(token) if len(token) <= 4000 else _NonFinite(token)


def _float(token: str) -> float | _NonFinite:
    value = float(token)
    return value if math.isfinite(value) else _NonFinite(token)


class _DuplicateKeys(dict):
    """An object that repeated a key; the walk reports it with its location."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) == len(pairs):
        return d
    out = _DuplicateKeys(d)
    seen: set[str] = set()
    out.repeated = []
    for k, _ in pairs:
        if k in seen:
            out.repeated.append(k)
        seen.add(k)
    return out


def _walk(value: Any, where: str) -> list[Problem]:
    """Problems the JSON parser let through — NaN/Infinity, repeated keys, broken characters — with their
    locations."""
    problems: list[Problem] = []
    if isinstance(value, _NonFinite):
        token = value.token if len(value.token) <= 20 else f"{value.token[:12]}… ({len(value.token)} digits)"
        what = (f"{token} is not allowed in a map file; write a number, or null where a value may be left out"
                if token in ("NaN", "Infinity", "-Infinity") else f"the number {token} is too large")
        problems.append(Problem(where, what))
    elif isinstance(value, str):
        if _SURROGATE.search(value):
            problems.append(Problem(where, "holds a broken character (an unpaired UTF-16 surrogate, such as "
                                           "\\ud800); retype the text"))
    elif isinstance(value, dict):
        if isinstance(value, _DuplicateKeys):
            for k in dict.fromkeys(value.repeated):
                problems.append(Problem(f"{where}.{k}" if where else k,
                                        "appears more than once in the same object; keep one"))
        for k, v in value.items():
            problems += _walk(v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            problems += _walk(v, f"{where}[{i}]")
    return problems


_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _check_depth(text: str) -> bool:
    """Refuse nesting deeper than MAX_DEPTH, counting brackets outside strings, before parsing.

    Returns whether the text stops inside a string or with brackets still open: a file cut short.
    """
    outside = _STRING.sub("", text)
    quote = outside.find('"')
    if quote >= 0:  # an unterminated string: everything after it is inside it
        outside = outside[:quote]
    brackets = _NOT_BRACKET.sub("", outside)
    if not brackets:
        return quote >= 0
    depths = list(accumulate(map(_STEP.__getitem__, brackets)))
    deepest = max(depths)
    if deepest > MAX_DEPTH:
        raise MapFileError([Problem("", f"nested {deepest} levels deep; a map file is never nested more "
                                        f"than {MAX_DEPTH} (is this really a ditmap file?)")])
    return quote >= 0 or depths[-1] > 0


def _json_problem(text: str, err: json.JSONDecodeError, cut_short: bool) -> Problem:
    if cut_short:
        end = len(text.rstrip())
        line = text.count("\n", 0, end) + 1
        column = end - (text.rfind("\n", 0, end) + 1) + 1
        return Problem(f"line {line}, column {column}",
                       "the file ends too early — it may have been cut short while saving or copying")
    return Problem(f"line {err.lineno}, column {err.colno}", f"not valid JSON ({err.msg[:1].lower()}{err.msg[1:]})")


def _check_header(doc: dict[str, Any]) -> list[Problem]:
    if "format" not in doc:
        return [Problem("format", f'missing; a map file says "format": "{FORMAT_NAME}"')]
    if doc["format"] != FORMAT_NAME:
        return [Problem("format", f'this is not a ditmap file (expected "{FORMAT_NAME}", '
                                  f"got {describe_value(doc['format'])})")]
    if "version" not in doc:
        return [Problem("version", f"missing; this ditmap writes version {FORMAT_VERSION}")]
    version = doc["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        return [Problem("version", f"must be a whole number such as {FORMAT_VERSION} "
                                   f"(got {describe_value(version)})")]
    if version > FORMAT_VERSION:
        return [Problem("version", f"the file is format version {version}, made by a newer ditmap; "
                                   f"this one reads up to version {FORMAT_VERSION} — update ditmap to open it")]
    if version < FORMAT_VERSION and not _migratable(version):
        known = f"version {FORMAT_VERSION}" if _oldest() == FORMAT_VERSION else \
            f"versions {_oldest()} to {FORMAT_VERSION}"
        return [Problem("version", f"format version {version} is not one ditmap knows (it reads {known})")]
    return []


def _oldest() -> int:
    v = FORMAT_VERSION
    while v - 1 in MIGRATIONS:
        v -= 1
    return v


def _migratable(version: int) -> bool:
    return _oldest() <= version < FORMAT_VERSION


def migrate(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring a document of an older known version up to the current one, one step at a time."""
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version >= FORMAT_VERSION:
        return doc
    while version < FORMAT_VERSION:
        try:
            doc = dict(MIGRATIONS[version](dict(doc)))
        except Exception as err:  # a malformed old file must still give a message, not a traceback
            detail = f"missing {err}" if isinstance(err, KeyError) else str(err)
            raise MapFileError([Problem("version", f"could not upgrade this version {version} file: {detail}")]) \
                from None
        version += 1
        doc["version"] = version
    return doc
