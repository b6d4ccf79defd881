"""Whose voice a text is in: may it be quoted to the client as it stands?

Many fields on a map are the therapist's working notes about the client ("By getting in first with
self-criticism, R. avoids the shame…", "Expects Dr Okafor to be disappointed"). Quoted back to the
client in a letter or a client summary, a note like that reads as being talked about, not talked
to. Client-facing texts therefore quote a field only when it is not a third-person note, and quote
an example episode only when it is in the client's own first-person words.

The rules are deliberately simple and err on the side of leaving a text out (the therapist can
always write it in): see `docs/analysis.md`, "Whose words".
"""

from __future__ import annotations

import re

from ditmap.model import DitMap, Enactment, Pattern

_FIRST_PERSON = re.compile(r"\b(I|I'm|I’m|I'd|I’d|I've|I’ve|I'll|I’ll|me|my|mine|myself|we|us|our)\b")
_ABOUT_CLIENT = re.compile(r"\b(the client|client's|client’s|the patient|patient's|the therapist)\b", re.I)
_NOT_A_NAME = {"me", "i", "myself", "self", "you", "client"}


def _names(m: DitMap) -> list[str]:
    """How notes name the client: the self alias and the pseudonym (and the pseudonym's last word, 'R.')."""
    me = m.self_person
    names = [me.alias.strip()] if me is not None else []
    pseudonym = m.client.pseudonym.strip()
    names += [pseudonym, pseudonym.split()[-1] if pseudonym.split() else ""]
    return [n for n in dict.fromkeys(names) if n and n.lower() not in _NOT_A_NAME]


def _therapists(m: DitMap) -> list[str]:
    names = [p.alias.strip() for p in m.people if p.role == "therapist"] + [m.client.therapist.strip()]
    return [n for n in dict.fromkeys(names) if n and n.lower() not in _NOT_A_NAME]


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def is_first_person(text: str) -> bool:
    """The text speaks as 'I' or 'we' somewhere.

    >>> is_first_person("When she cancelled I said it was fine"), is_first_person("Avoids conflict")
    (True, False)
    """
    return _FIRST_PERSON.search(text) is not None


def about_client(text: str, m: DitMap) -> bool:
    """True when `text` reads as a note written *about* the client, not to or by them.

    That is: it names the client (self alias or pseudonym) or says "the client"/"the therapist";
    or, without a single first-person word, it names the therapist ("Expects Dr Okafor to…"),
    which only a note about the therapy relationship does.

    >>> from ditmap.model import Client, Person
    >>> m = DitMap(client=Client(pseudonym="Client R."), people=(Person(id="s", alias="R.", role="self"),
    ...            Person(id="t", alias="Dr A", role="therapist")))
    >>> about_client("R. avoids the shame of being criticised", m)
    True
    >>> about_client("the shame of being criticised", m), about_client("Expects Dr A to be cross", m)
    (False, True)
    >>> about_client("Dr A was late and I was sure she was leaving", m)
    False
    """
    if any(_mentions(text, n) for n in _names(m)) or _ABOUT_CLIENT.search(text):
        return True
    return not is_first_person(text) and any(_mentions(text, n) for n in _therapists(m))


def for_client(text: str, m: DitMap) -> str:
    """The text when it may be quoted to the client as it stands, else ""."""
    return "" if not text.strip() or about_client(text, m) else text


def clients_own_words(text: str, m: DitMap) -> bool:
    """An example episode the client told in their own words: first person, and not a note about them.

    >>> from ditmap.model import Person
    >>> m = DitMap(people=(Person(id="s", alias="T.", role="self"),))
    >>> clients_own_words("I packed a bag", m), clients_own_words("T. packed a bag", m)
    (True, False)
    """
    return bool(text.strip()) and is_first_person(text) and not about_client(text, m)


THERAPIST_FIELDS: tuple[str, ...] = ("defensive_function", "reversal", "transference")
"""Pattern fields the therapist usually writes as a formulation about the client: quoted to the
client only when written in the first person ("I push people away before they can…")."""

CLINICIAN_ONLY_FIELDS: tuple[str, ...] = ("defences",)
"""Pattern fields never shown to the client (DSM-IV defence names are clinicians' words)."""


def client_pattern(p: Pattern, m: DitMap) -> Pattern:
    """The pattern as a client-facing text may quote it: notes about the client and clinician-only fields emptied."""
    update: dict[str, object] = {f: () for f in CLINICIAN_ONLY_FIELDS if getattr(p, f)}
    for field in ("self_representation", "other_representation", "client_words", "healthier_alternative",
                  *THERAPIST_FIELDS):
        text = getattr(p, field)
        keep = clients_own_words(text, m) if field in THERAPIST_FIELDS else not about_client(text, m)
        if text and not keep:
            update[field] = ""
    return p.model_copy(update=update) if update else p


def client_example(e: Enactment, m: DitMap) -> Enactment:
    """The enactment with its example kept only when it is in the client's own words."""
    return e if not e.example or clients_own_words(e.example, m) else e.model_copy(update={"example": ""})
