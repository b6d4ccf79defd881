"""What "pseudonymised" means in ditmap exports, in one place.

Every export labels people by their `alias` (the initials or nickname the pair chose) and the client
by `client.pseudonym`; no export adds any other name. Free text is where real names creep in, so:

- client exports (`client=True`) keep only what a client may see (`ditmap.client_facing.client_map`, the
  same rule as the dashboard's client view): no `Session.process_notes`, no supervision comments, no
  `Person.notes` or `Relationship.notes`, no defences, and no pattern field or example that reads as a
  note *about* the client (`ditmap.voice`);
- clinician exports drop `Session.process_notes` unless `private_notes=True`;
- the drawn and written exports (diagram, interactive page, summary, letter) never print
  `Person.notes` or `Relationship.notes` in either version; the data exports (JSON, GraphML, GEXF,
  Kumu, CSV) are clinician-only and carry them, because they are the clinician's own data.

Exporters receive a map already passed through `redact`, so a private field cannot leak by an
exporter forgetting to skip it: it is simply not there.
"""

from __future__ import annotations

import re

from ditmap.client_facing import client_map
from ditmap.model import DitMap, Position

MAX_LABEL = 60
"""Longest label drawn on a diagram; longer aliases are cut with an ellipsis (never lengthened)."""


def redact(m: DitMap, *, client: bool, private_notes: bool) -> DitMap:
    """The map as an export may see it: private and free-text fields emptied as the module says."""
    if client:
        return client_map(m)
    keep_process_notes = private_notes
    sessions = m.sessions if keep_process_notes else tuple(
        s.model_copy(update={"process_notes": ""}) if s.process_notes else s for s in m.sessions)
    return m.model_copy(update={"sessions": sessions})


def person_label(m: DitMap, person_id: str, *, limit: int = MAX_LABEL) -> str:
    """The alias shown for a person (never anything longer than the alias)."""
    p = m.people_by_id.get(person_id)
    return shorten(p.alias if p else person_id, limit)


def client_label(m: DitMap) -> str:
    """The client's pseudonym or code, as every export's heading shows it."""
    return shorten(m.client.pseudonym, MAX_LABEL)


def shorten(text: str, limit: int) -> str:
    """Text in at most `limit` characters, on one line; a cut is marked with an ellipsis.

    A cut falls between words (never inside one) unless a single word is longer than the room
    left, e.g. "Previous counsellor (2023)" in 24 → "Previous counsellor…".
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = max(limit - 1, 1)
    head = text[:room]
    if text[room:room + 1] != " " and " " in head.strip():
        head = head[: head.rstrip().rfind(" ")]
    return head.rstrip(" ,;:–—-") + "…"


_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def printable(m: DitMap) -> DitMap:
    """The map with control characters XML cannot hold (NUL, ESC…) replaced by U+FFFD.

    XML 1.0 has no way to write them, so SVG, GraphML and GEXF could not be parsed with them in; the
    drawn exports have no glyph for them either. Maps without such characters come back unchanged.
    """
    if not _UNPRINTABLE.search(_all_text(m)):
        return m
    return DitMap.model_validate(_clean(m.model_dump(mode="python")))


def _all_text(m: DitMap) -> str:
    return "\n".join(_strings(m.model_dump(mode="python")))


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _clean(value: object) -> object:
    if isinstance(value, str):
        return _UNPRINTABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def positions(m: DitMap) -> dict[str, Position]:
    """Where to draw each person: `layout.place(m)`.

    If the layout cannot place someone (it refuses maps whose stored positions sit at the edge of the
    allowed range), stored positions are drawn as they are and the unplaced at the centre, so an
    export never fails because of the layout.
    """
    from ditmap.layout import place

    try:
        return place(m)
    except ValueError:
        return {p.id: p.position or Position(x=0.0, y=0.0) for p in m.people}
