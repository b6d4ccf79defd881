"""What a client may see of their own map, and the everyday word for each value: one rule for every client face.

The client view in the dashboard and the client versions of the exports both read their map through
`client_map` and name values through `plain`, so a field hidden here is hidden everywhere a client
looks, and "close-hostile/ambivalent" reads "close but painful" in both (the same words as the map's
key, `style.LineStyle.plain`).

Hidden from the client:
- everything the therapist writes *about* the client: `Person.notes`, `Relationship.notes`,
  `Session.process_notes` (private process notes) and `Session.worked_on` (the therapist's record);
- the clinical catalogue of defences (`Pattern.defences`); the pattern's other parts are the shared
  formulation and are shown in plain words (see `PLAIN_FIELD_NAMES`), except a part or an example
  episode that reads as a note *about* the client rather than words spoken to or by them
  (`ditmap.voice.client_pattern`, `client_example`);
- supervision comments (between clinicians).
"""

from __future__ import annotations

from ditmap.model import DitMap
from ditmap.style import LINE_STYLES
from ditmap.vocab import CLOSENESS_PLAIN, CORNER_PLAIN
from ditmap.voice import client_example, client_pattern

HIDDEN_FIELDS: dict[str, frozenset[str]] = {
    "person": frozenset({"notes"}),
    "relationship": frozenset({"notes"}),
    "pattern": frozenset({"defences"}),
    "enactment": frozenset(),
    "session": frozenset({"process_notes", "worked_on"}),
}
"""Per kind of item: the fields a client never sees (their values are emptied in `client_map`)."""

THERAPIST_SETS: frozenset[str] = frozenset({"paced"})
"""Fields a client's texts follow (a paced person is never an invitation to explore) but that only the
therapist sets: kept in `client_map`, never offered as a control in the client view."""

HIDDEN_KINDS: frozenset[str] = frozenset({"comment"})
"""Kinds of item a client never sees at all."""


def visible(kind: str, field: str) -> bool:
    """May a client see this field of this kind of item?"""
    return kind not in HIDDEN_KINDS and field not in HIDDEN_FIELDS.get(kind, frozenset())


def client_map(m: DitMap) -> DitMap:
    """The map as a client may see it: hidden fields emptied, supervision comments dropped.

    >>> from ditmap.model import Person
    >>> m = DitMap(people=(Person(id="p1", alias="A.", notes="about A."),))
    >>> client_map(m).people[0].notes
    ''
    """
    update: dict[str, object] = {"comments": ()}
    for kind, collection in (("person", "people"), ("relationship", "relationships"), ("pattern", "patterns"),
                             ("enactment", "enactments"), ("session", "sessions")):
        hidden = HIDDEN_FIELDS[kind]
        items = getattr(m, collection)
        update[collection] = tuple(_emptied(it, hidden) for it in items)
    update["patterns"] = tuple(client_pattern(p, m) for p in update["patterns"])  # type: ignore[attr-defined]
    update["enactments"] = tuple(client_example(e, m) for e in update["enactments"])  # type: ignore[attr-defined]
    return m.model_copy(update=update)


def _emptied(item, hidden: frozenset[str]):  # type: ignore[no-untyped-def]
    blank = {f: type(getattr(item, f))() for f in hidden if getattr(item, f)}
    return item.model_copy(update=blank) if blank else item


COMMUNICATION_PLAIN: dict[str, str] = {
    "assertive": "saying clearly what you need",
    "passive/placating": "going along to keep the peace",
    "aggressive": "forceful, angry words",
    "passive-aggressive": "annoyed without saying so",
    "avoidant/withdrawn": "going quiet, keeping away",
}

DIRECTION_PLAIN: dict[str, str] = {
    "mutual": "both ways",
    "source_to_target": "from the first to the second",
    "target_to_source": "from the second to the first",
}

STATUS_PLAIN: dict[str, str] = {"agreed": "agreed together", "draft": "still thinking about it"}

PLAIN_FIELD_NAMES: dict[str, str] = {
    "defensive_function": "what it protects you from feeling",
    "reversal": "when the roles turn around",
    "transference": "how it shows up between us",
}
"""The pattern's parts that keep a clinical name in the model, in the words a client reads them in."""


def plain(field: str, value: str) -> str:
    """The everyday word for one value of a field (the value itself when it is the client's own words).

    >>> plain("kind", "close-hostile/ambivalent")
    'close but painful'
    >>> plain("communication_style", "passive-aggressive")
    'annoyed without saying so'
    >>> plain("kind", "our own word")
    'our own word'
    """
    if field == "kind":
        style = LINE_STYLES.get(value)
        return style.plain if style is not None else value
    table = {"corner": CORNER_PLAIN, "closeness": CLOSENESS_PLAIN, "communication_style": COMMUNICATION_PLAIN,
             "direction": DIRECTION_PLAIN, "status": STATUS_PLAIN}.get(field)
    return table.get(value, value) if table is not None else value
