"""The map document: a client's relationships, patterns, enactments, sessions and comments.

Pure data, no I/O. Every model is frozen: an edit (see `operations`) builds a new map, so an old
map can be kept for undo, history and diff without copying. Field names here are the names in the
file format (`docs/format.md`) and, in clinician mode, the labels in the UI.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ditmap.vocab import (
    GAD7_MAX,
    PHQ9_MAX,
    AnchorKind,
    Closeness,
    CommentStatus,
    Corner,
    Direction,
    PatternStatus,
    Phase,
    Role,
    phase_of,
)

FORMAT_NAME = "ditmap"
FORMAT_VERSION = 1

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
"""A stable identifier: 1–64 letters, digits, `_ . : -`."""

NOT_BLANK = r"\S"
Label = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NOT_BLANK)]
"""A name or title: shown on the map and in every export, so it must have something besides spaces."""
ShortText = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Term = Annotated[str, StringConstraints(min_length=1, max_length=80)]
"""One entry of an open vocabulary (an affect, a defence): a suggestion or the user's own word."""


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=False,
        allow_inf_nan=False,
        str_strip_whitespace=False,
        ignored_types=(cached_property,),
    )


class Position(_Model):
    """Where a person sits on the drawn map, in vis-network pixels; the self is near (0, 0)."""

    x: float = Field(ge=-1e6, le=1e6)
    y: float = Field(ge=-1e6, le=1e6)


class Client(_Model):
    """Who the map is about. `pseudonym` is a code or first initial, never required to be a name."""

    pseudonym: Label = "Client"
    therapist: ShortText = ""
    start_date: dt.date | None = None


class Person(_Model):
    """Someone significant to the client, including the client (role `self`) and the therapist.

    `paced`: the client has chosen to approach this person at their own pace; client-facing texts
    never invite exploring them, and clinician suggestions say so (docs/analysis.md, "Pacing").
    """

    id: Id
    alias: Label
    role: Term = "other"
    alive: bool = True
    notes: Text = ""
    position: Position | None = None
    paced: bool = False


class Relationship(_Model):
    """A relationship between two people; `corner` places it on the triangle of person.

    `paced`: explored only at the client's own pace (see `Person.paced`).
    """

    id: Id
    source: Id
    target: Id
    corner: Corner = "current"
    kind: Term = "close"
    direction: Direction = "mutual"
    intensity: int = Field(default=3, ge=1, le=5)
    closeness: Closeness = "middle"
    feelings: tuple[Term, ...] = ()
    communication_style: ShortText = ""
    notes: Text = ""
    paced: bool = False


class Pattern(_Model):
    """A candidate Interpersonal-Affective Focus (IPAF): one recurring way of relating."""

    id: Id
    title: Label
    self_representation: Text = ""
    other_representation: Text = ""
    affects: tuple[Term, ...] = ()
    defensive_function: Text = ""
    defences: tuple[Term, ...] = ()
    reversal: Text = ""
    transference: Text = ""
    status: PatternStatus = "draft"
    agreed_on: dt.date | None = None
    client_words: Text = ""
    healthier_alternative: Text = ""


class Enactment(_Model):
    """A pattern showing up in a relationship: the pattern × relationship link at the heart of the map.

    A pattern may be noted in the same relationship more than once (different episodes, different
    sessions); that is what lets the analysis follow change over time.
    """

    id: Id
    pattern: Id
    relationship: Id
    strength: int = Field(default=2, ge=1, le=3)
    example: Text = ""
    session: int | None = Field(default=None, ge=1, le=99)


class Session(_Model):
    """One therapy session with its outcome scores. `process_notes` are the therapist's private notes."""

    id: Id
    number: int = Field(ge=1, le=99)
    date: dt.date | None = None
    phq9: int | None = Field(default=None, ge=0, le=PHQ9_MAX)
    gad7: int | None = Field(default=None, ge=0, le=GAD7_MAX)
    worked_on: Text = ""
    homework: Text = ""
    process_notes: Text = ""

    @property
    def phase(self) -> Phase:
        """The DIT phase, derived from the number (never stored, so never inconsistent)."""
        return phase_of(self.number)


class Comment(_Model):
    """A supervision comment anchored to a person, relationship, pattern or version.

    Comments form conversations: a reply names the comment it answers in `reply_to` (always the
    first comment of the thread, with the same anchor). The thread's `status` is its first comment's;
    `resolved_by` says who resolved it (therapist or supervisor).
    """

    id: Id
    anchor_kind: AnchorKind
    anchor: Id
    author: ShortText = ""
    author_role: Role | None = None
    text: Text
    status: CommentStatus = "open"
    created: dt.datetime | None = None
    reply_to: Id | None = None
    resolved_by: ShortText = ""


class DitMap(_Model):
    """A whole map: the document that is saved, loaded, edited, analysed and exported."""

    format: Literal["ditmap"] = FORMAT_NAME
    version: Literal[1] = FORMAT_VERSION
    client: Client = Client()
    people: tuple[Person, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    enactments: tuple[Enactment, ...] = ()
    sessions: tuple[Session, ...] = ()
    comments: tuple[Comment, ...] = ()

    @field_validator("people", "relationships", "patterns", "enactments", "sessions", "comments",
                     mode="before")
    @classmethod
    def _lists_become_tuples(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> DitMap:
        """Copy with changes; drops the id lookups cached on this map, which the copy must rebuild."""
        new = super().model_copy(update=update, deep=deep)
        for name in _CACHED_LOOKUPS:
            new.__dict__.pop(name, None)
        return new

    # Lookups by id; cached because a frozen map never changes.
    @cached_property
    def people_by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def relationships_by_id(self) -> dict[str, Relationship]:
        return {r.id: r for r in self.relationships}

    @cached_property
    def patterns_by_id(self) -> dict[str, Pattern]:
        return {p.id: p for p in self.patterns}

    @cached_property
    def enactments_by_id(self) -> dict[str, Enactment]:
        return {e.id: e for e in self.enactments}

    @cached_property
    def sessions_by_id(self) -> dict[str, Session]:
        return {s.id: s for s in self.sessions}

    @cached_property
    def comments_by_id(self) -> dict[str, Comment]:
        return {c.id: c for c in self.comments}

    @property
    def self_person(self) -> Person | None:
        """The client's own node (role `self`), if the map has one."""
        return next((p for p in self.people if p.role == "self"), None)

    @property
    def agreed_patterns(self) -> tuple[Pattern, ...]:
        return tuple(p for p in self.patterns if p.status == "agreed")

    def is_paced(self, relationship_id: str) -> bool:
        """The relationship, or anyone in it, is marked as at the client's own pace."""
        r = self.relationships_by_id.get(relationship_id)
        if r is None:
            return False
        people = self.people_by_id
        return r.paced or any(p is not None and p.paced for p in (people.get(r.source), people.get(r.target)))

    def label_of(self, kind: str, item_id: str) -> str:
        """A short human label for any item, for sentences and messages."""
        if kind == "person":
            p = self.people_by_id.get(item_id)
            return p.alias if p else item_id
        if kind == "relationship":
            r = self.relationships_by_id.get(item_id)
            if r is None:
                return item_id
            return f"{self.label_of('person', r.source)} – {self.label_of('person', r.target)}"
        if kind == "pattern":
            pt = self.patterns_by_id.get(item_id)
            return pt.title if pt else item_id
        if kind == "version":
            return f"version {item_id}"
        if kind == "session":
            s = self.sessions_by_id.get(item_id)
            return f"session {s.number}" if s else item_id
        return item_id


_CACHED_LOOKUPS = tuple(n for n, v in vars(DitMap).items() if isinstance(v, cached_property))

Item = Person | Relationship | Pattern | Enactment | Session | Comment

COLLECTIONS: dict[str, tuple[str, type[_Model]]] = {
    "person": ("people", Person),
    "relationship": ("relationships", Relationship),
    "pattern": ("patterns", Pattern),
    "enactment": ("enactments", Enactment),
    "session": ("sessions", Session),
    "comment": ("comments", Comment),
}
"""Item kind → (the map's collection field, the item model). One table, used everywhere."""

ITEM_KINDS: tuple[str, ...] = tuple(COLLECTIONS)

MAX_ITEMS: dict[str, int] = {
    "people": 500, "relationships": 2_000, "patterns": 50, "enactments": 5_000, "sessions": 100, "comments": 5_000,
}
"""How many items each collection may hold (docs/format.md, Limits). A therapy map holds tens of people and
a handful of patterns; the limits sit far above that and below what the drawing, the layout and the
exports are tested with, so whatever is accepted can also be opened, drawn and exported."""


def empty_map(pseudonym: str = "Client", therapist: str = "", self_alias: str = "Me") -> DitMap:
    """A new map holding only the client's own node, at the centre."""
    me = Person(id="self", alias=self_alias, role="self", position=Position(x=0, y=0))
    return DitMap(client=Client(pseudonym=pseudonym, therapist=therapist), people=(me,))
