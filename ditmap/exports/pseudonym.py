"""What "pseudonymised" means in ditmap exports, in one place.

Every export labels people by their `alias` (the initials or nickname the pair chose) and the client
by `client.pseudonym`; no export adds any other name. Free text is where real names creep in, so:

- client exports (`client=True`) keep only what the pair built together for the client to see: no
  `Session.process_notes`, no supervision comments, no `Person.notes` or `Relationship.notes`;
- clinician exports drop `Session.process_notes` unless `private_notes=True`;
- the drawn and written exports (diagram, interactive page, summary, letter) never print
  `Person.notes` or `Relationship.notes` in either version; the data exports (JSON, GraphML, GEXF,
  Kumu, CSV) are clinician-only and carry them, because they are the clinician's own data.

Exporters receive a map already passed through `redact`, so a private field cannot leak by an
exporter forgetting to skip it: it is simply not there.
"""

from __future__ import annotations

from ditmap.model import DitMap

MAX_LABEL = 60
"""Longest label drawn on a diagram; longer aliases are cut with an ellipsis (never lengthened)."""


def redact(m: DitMap, *, client: bool, private_notes: bool) -> DitMap:
    """The map as an export may see it: private and free-text fields emptied as the module says."""
    keep_process_notes = private_notes and not client
    sessions = m.sessions if keep_process_notes else tuple(
        s.model_copy(update={"process_notes": ""}) if s.process_notes else s for s in m.sessions)
    update: dict[str, object] = {"sessions": sessions}
    if client:
        update["comments"] = ()
        update["people"] = tuple(p.model_copy(update={"notes": ""}) if p.notes else p for p in m.people)
        update["relationships"] = tuple(
            r.model_copy(update={"notes": ""}) if r.notes else r for r in m.relationships)
    return m.model_copy(update=update)


def person_label(m: DitMap, person_id: str, *, limit: int = MAX_LABEL) -> str:
    """The alias shown for a person (never anything longer than the alias)."""
    p = m.people_by_id.get(person_id)
    return shorten(p.alias if p else person_id, limit)


def client_label(m: DitMap) -> str:
    """The client's pseudonym or code, as every export's heading shows it."""
    return shorten(m.client.pseudonym, MAX_LABEL)


def shorten(text: str, limit: int) -> str:
    """Cut text to `limit` characters with an ellipsis; newlines become spaces (labels are one line)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"
