"""Validation with words: every problem of a map document, each naming where it is and what is wrong.

`validate_document` checks a parsed `*.ditmap.json` document item by item, so one bad item never
hides another, turns pydantic's errors into sentences a clinician can act on
(`relationships[3].intensity: must be a whole number from 1 to 5 (got 9)`), then runs the
cross-item rules of `integrity` (duplicate ids, dangling references) over the same items.

Items are validated strictly, as JSON: `"3"` is not an intensity and `"yes"` is not a boolean,
because a file that says so was written by something that misunderstood the format.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError

from ditmap.integrity import Problem, check_collections, too_many
from ditmap.model import COLLECTIONS, NOT_BLANK, Client, DitMap

TOP_LEVEL_FIELDS: tuple[str, ...] = tuple(DitMap.model_fields)
"""Keys a map document may hold, in canonical order."""

_ID_RULE = "must be an id of 1 to 64 letters, digits or the signs _ . : - (no spaces)"


def describe_value(value: Any) -> str:
    """A short rendering of a value from a file, for `(got …)` in a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "…"
        return json.dumps(text, ensure_ascii=False)
    if isinstance(value, (int, float)):
        text = json.dumps(value) if isinstance(value, int) or value == value else "NaN"
        return text if len(text) <= 40 else text[:37] + "…"
    if isinstance(value, Mapping):
        return "an object {…}"
    if isinstance(value, (list, tuple)):
        return "a list […]"
    return str(getattr(value, "token", type(value).__name__))  # e.g. the reader's stand-in for NaN


def _field_info(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, list[Any]]:
    """The annotation and constraint metadata of the field at `loc` (through nested models and lists)."""
    annotation: Any = model
    metadata: list[Any] = []
    for part in loc:
        if isinstance(part, int):
            args = [a for a in get_args(annotation) if a is not Ellipsis]
            annotation, metadata = (args[0] if args else Any), []
            annotation, extra = _unwrap(annotation)
            metadata += extra
            continue
        target = _model_in(annotation)
        if target is None or part not in target.model_fields:
            return None, []
        info = target.model_fields[part]
        annotation, extra = _unwrap(info.annotation)
        metadata = list(info.metadata) + extra
    return annotation, metadata


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip `Annotated[...]` and `X | None`, returning the inner type and any constraints found."""
    metadata: list[Any] = []
    while True:
        if hasattr(annotation, "__metadata__"):  # Annotated
            metadata += list(annotation.__metadata__)
            annotation = annotation.__origin__
            continue
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, _flatten(metadata)


def _flatten(metadata: Iterable[Any]) -> list[Any]:
    out = []
    for m in metadata:
        out.extend(getattr(m, "metadata", [m]) if type(m).__name__ == "FieldInfo" else [m])
    return out


def _model_in(annotation: Any) -> type[BaseModel] | None:
    annotation, _ = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _bound(metadata: list[Any], kinds: tuple[type, ...], attr: str) -> Any:
    return next((getattr(m, attr) for m in metadata if isinstance(m, kinds)), None)


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}".replace(",", " ") if abs(value) >= 10_000 else str(value)


def _range_words(annotation: Any, metadata: list[Any]) -> str:
    """`a whole number from 1 to 5`, `a number from -1 000 000 to 1 000 000`."""
    noun = "a whole number" if annotation is int else "a number"
    lo = _bound(metadata, (Ge,), "ge")
    hi = _bound(metadata, (Le,), "le")
    if lo is None:
        lo = _bound(metadata, (Gt,), "gt")
    if hi is None:
        hi = _bound(metadata, (Lt,), "lt")
    if lo is not None and hi is not None:
        return f"{noun} from {_num(lo)} to {_num(hi)}"
    if lo is not None:
        return f"{noun} of at least {_num(lo)}"
    if hi is not None:
        return f"{noun} of at most {_num(hi)}"
    return noun


def _choices(annotation: Any, ctx: Mapping[str, Any]) -> list[str]:
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    return re.findall(r"'([^']*)'", str(ctx.get("expected", "")))


def error_sentence(error: Mapping[str, Any], model: type[BaseModel]) -> str:
    """One pydantic error (validating `model`) as a sentence a clinician can act on."""
    kind: str = error["type"]
    loc = tuple(error.get("loc", ()))
    value = error.get("input")
    ctx = error.get("ctx") or {}
    annotation, metadata = _field_info(model, loc)
    got = f" (got {describe_value(value)})"

    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind.startswith("int_") or kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than") \
            or kind.startswith("float_") or kind == "finite_number":
        if annotation not in (int, float):
            annotation = int if kind.startswith("int_") else float
        if kind == "finite_number":
            return f"must be a finite number{got}"
        return f"must be {_range_words(annotation, metadata)}{got}"
    if kind == "string_type":
        return f"must be text{got}"
    if kind == "string_too_short":
        if ctx.get("min_length", 1) == 1:
            return "must not be empty"
        return f"must be at least {ctx['min_length']} characters long"
    if kind == "string_too_long":
        n = len(value) if isinstance(value, str) else "more"
        return f"is too long: at most {_num(ctx.get('max_length', '?'))} characters (got {_num(n)})"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == NOT_BLANK:
            return "must not be blank (it holds only spaces)"
        return f"{_ID_RULE}{got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false{got}"
    if kind in ("literal_error", "enum"):
        choices = _choices(annotation, ctx)
        return f"must be one of {', '.join(choices)}{got}" if choices else f"{error.get('msg', 'not allowed')}{got}"
    if kind.startswith("datetime_"):
        return f"must be a date and time written like 2026-02-03T14:30:00{got}"
    if kind.startswith("date_"):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return f"is not a date on the calendar{got}"
        return f"must be a date written YYYY-MM-DD, e.g. 2026-02-03{got}"
    if kind in ("tuple_type", "list_type", "iterable_type"):
        return f"must be a list [ … ]{got}"
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return f"must be an object {{ … }}{got}"
    msg = str(error.get("msg", "not valid"))
    return f"{msg[:1].lower()}{msg[1:]}{got}"


def _where(prefix: str, loc: Iterable[Any]) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def problems_from_error(err: ValidationError, model: type[BaseModel], prefix: str = "") -> list[Problem]:
    """pydantic's errors for one validated object, as Problems located under `prefix`."""
    return sort_problems(Problem(_where(prefix, e["loc"]), error_sentence(e, model), _kind_of(e["type"]))
                         for e in err.errors())


def validate_item(data: Any, model: type[BaseModel], where: str) -> tuple[BaseModel | None, list[Problem]]:
    """Validate one object strictly as JSON: the model, or None and every problem it has."""
    if not isinstance(data, Mapping):
        return None, [Problem(where, f"must be an object {{ … }} (got {describe_value(data)})")]
    try:
        # Stand-ins (NaN, broken characters) were reported by the reader; here they must only not get in the way.
        text = json.dumps(data, ensure_ascii=False, allow_nan=True, default=lambda _o: None)
        return model.model_validate_json(text.encode("utf-8", "replace"), strict=True), []
    except ValidationError as err:
        return None, problems_from_error(err, model, where)


KIND_ORDER: tuple[str, ...] = ("unknown", "missing", "value", "duplicate", "reference", "rule")
"""At one place, problems come in this order of kinds (a problem with no kind counts as a "rule")."""

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def _kind_of(error_type: str) -> str:
    if error_type == "extra_forbidden":
        return "unknown"
    return "missing" if error_type == "missing" else "value"


def _segments(where: str) -> list[str | int] | None:
    """`people[3].alias` → ["people", 3, "alias"]; None for a place that is not a path (a line, a byte)."""
    out: list[str | int] = []
    pos = 0
    for m in _SEGMENT.finditer(where):
        gap = where[pos:m.start()]
        if gap not in ("", "."):
            return None
        out.append(int(m.group(2)) if m.group(2) is not None else m.group(1))
        pos = m.end()
    return out if pos == len(where) else None


def problem_order_key(p: Problem) -> tuple:
    """Where a problem sorts: by place in the document, then by kind (see `sort_problems`)."""
    kind = KIND_ORDER.index(p.kind) if p.kind in KIND_ORDER else KIND_ORDER.index("rule")
    if not p.where:
        return (0, (), kind, p.what)
    segments = _segments(p.where)
    if segments is None:  # a line and column, a byte offset, a file name: keep them after paths, by text
        return (2, ((0, p.where),), kind, p.what)
    place: list[tuple[int, str]] = []
    model: Any = DitMap
    for seg in segments:
        if isinstance(seg, int):
            place.append((seg, ""))
            args = [a for a in get_args(_unwrap(model)[0]) if a is not Ellipsis]
            model = args[0] if args else None
            continue
        target = _model_in(model) if model is not None else None
        fields = list(target.model_fields) if target is not None else []
        if seg in fields:
            place.append((fields.index(seg), ""))
            model = target.model_fields[seg].annotation  # type: ignore[union-attr]
        else:  # a field the format does not have: after the known ones, by name
            place.append((len(fields), seg))
            model = None
    return (1, tuple(place), kind, p.what)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in ditmap's documented order, whatever order the validator found them in.

    By place in the document: the format's top-level field order, then item index, then the field
    order of the item's model (fields the format does not know come after the known ones, by
    name); at one place, by kind in `KIND_ORDER`, then by message. See docs/format.md.
    """
    return sorted(problems, key=problem_order_key)


def validate_document(doc: Mapping[str, Any], *, skip: frozenset[str] = frozenset()) -> tuple[
        DitMap | None, list[Problem]]:
    """Check a parsed map document (format and version already checked) and build the map.

    Returns the map and no problems, or None and all problems, sorted by where they are in the
    file. Locations in `skip` were already reported by the caller (e.g. a NaN) and are not
    reported again.
    """
    problems: list[Problem] = []
    for key in doc:
        if key not in TOP_LEVEL_FIELDS:
            problems.append(Problem(str(key), "unknown field", "unknown"))

    client: Client | None = Client()
    if "client" in doc:
        client, found = validate_item(doc["client"], Client, "client")  # type: ignore[assignment]
        problems += found

    collections: dict[str, list[Any]] = {}
    models: dict[str, list[Any]] = {}
    for field, model in COLLECTIONS.values():
        raw = doc.get(field, [])
        if not isinstance(raw, list):
            problems.append(Problem(field, f"must be a list [ … ] (got {describe_value(raw)})"))
            collections[field] = []
            continue
        over = too_many(field, len(raw))
        if over:  # its items are not checked one by one: the file is refused for its size alone
            problems.append(over)
            collections[field], models[field] = list(raw), []  # raw items still let references resolve
            continue
        mixed: list[Any] = []
        good: list[Any] = []
        for i, item in enumerate(raw):
            valid, found = validate_item(item, model, f"{field}[{i}]")
            problems += found
            mixed.append(valid if valid is not None else item)
            if valid is not None:
                good.append(valid)
        collections[field] = mixed
        models[field] = good

    # Cross-item rules run on validated items where possible (so model defaults count) and on the
    # raw objects otherwise, so a dangling reference is reported even beside a malformed field.
    problems += check_collections(collections)
    problems = [p for p in problems if p.where not in skip]

    problems = sort_problems(problems)
    if problems:
        return None, problems
    try:
        m = DitMap(client=client or Client(), **{f: tuple(v) for f, v in models.items()})
    except ValidationError as err:  # not expected: every part was checked above
        return None, problems_from_error(err, DitMap)
    return m, []
