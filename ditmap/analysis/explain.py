"""The sentences behind each suggestion: one for the clinician, one in plain words for the client.

Every sentence frames its finding as something to explore together, never a verdict; counts are
the figures the analysis computed, never rounded into vaguer words. Clinician sentences use the
words a DIT therapist uses (no graph-theory terms); client sentences use plain words, and introduce
the client's own words as theirs ("in your words: …"). Whatever is marked *at the client's own pace*
is never offered to the client to explore, and the clinician sentence says it is paced. The text is
plain (no markup): whoever shows it must escape it like any other user text, since it quotes aliases
and titles.
"""

from __future__ import annotations

from collections.abc import Sequence

from ditmap.analysis.patterns import PatternFigures
from ditmap.analysis.people import HIGH_LOAD, PersonFigures, relationship_load
from ditmap.analysis.relationships import RelationshipFigures
from ditmap.model import DitMap, Person
from ditmap.style import LINE_STYLES, line_style
from ditmap.vocab import CLOSENESS_PLAIN, CORNER_PLAIN, ROLES

MAX_NAMES = 3
_ROLE_WORDS = {r for r in ROLES if r not in ("self", "group or institution") and not r.startswith("other")}
"""Roles that read naturally after 'your' ('your mother'); others are named by alias alone."""
_STRENGTH_PLAIN = {1: "a little", 2: "clearly", 3: "strongly"}
_CORNER_WHEN = {"past": CORNER_PLAIN["past"], "current": "now", "therapy": CORNER_PLAIN["therapy"]}


def join(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'.

    >>> join(["a"]), join(["a", "b"]), join(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    """
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 relationship', '2 relationships'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def person_phrase(p: Person | None, fallback: str = "someone") -> str:
    """How the client would name someone: 'your father (Dad)', 'your partner', or the alias."""
    if p is None:
        return fallback
    role = p.role.strip()
    if role.lower() == "therapist":
        return "your therapist"
    alias = p.alias.strip()
    if role.lower() in _ROLE_WORDS:
        if alias.lower() == role.lower():
            return f"your {role}"
        if role.lower() not in alias.lower() and "(" not in alias:  # 'Lee (partner)' already says who
            return f"your {role} ({alias})"
    return alias


def _capped(names: list[str]) -> str:
    if len(names) <= MAX_NAMES:
        return join(names)
    rest = len(names) - MAX_NAMES
    return join([*names[:MAX_NAMES], f"{rest} more"])


def _pattern_ref(m: DitMap, pattern_id: str) -> str:
    """The pattern as the client would hear it: their own words if recorded, else its title."""
    p = m.patterns_by_id.get(pattern_id)
    if p is None:
        return "this way of feeling and relating"
    if p.client_words.strip():
        return f"this way of relating — in your words, “{' '.join(p.client_words.split())}” —"
    return f"this way of feeling and relating (“{p.title}”)"


PACED_CLINICIAN = "marked at the client's own pace: follow the client's lead rather than invite it"
"""What clinician sentences say about anything paced."""


def paced_person(m: DitMap, person_id: str, me: str | None) -> bool:
    """The person, or the client's relationship with them, is marked as at the client's own pace."""
    p = m.people_by_id.get(person_id)
    return (p is not None and p.paced) or any(
        r.paced for r in m.relationships if me is not None and {r.source, r.target} == {me, person_id})


def where_plain(m: DitMap, relationship_ids: Sequence[str], me: str | None) -> str:
    """'with your father (D) earlier in life, with your partner (J) now, and here in therapy'.

    The therapy relationship with the therapist is just 'here in therapy'; other relationships are
    named by the person the client relates to, or as 'between A and B' when the client is not in it.
    Relationships at the client's own pace are not named: a client text never points to them.
    """
    people = m.people_by_id
    rels = m.relationships_by_id
    groups = []
    for corner in ("past", "current", "therapy"):
        withs: list[str] = []
        betweens: list[str] = []
        for rid in relationship_ids:
            r = rels[rid]
            if r.corner != corner or m.is_paced(rid):
                continue
            if me is not None and me in (r.source, r.target):
                withs.append(person_phrase(people.get(r.target if r.source == me else r.source)))
            else:
                betweens.append(f"between {person_phrase(people.get(r.source))} and "
                                f"{person_phrase(people.get(r.target))}")
        if corner == "therapy" and not betweens and withs and all(w == "your therapist" for w in withs):
            groups.append(_CORNER_WHEN["therapy"])
            continue
        parts = ([f"with {_capped(withs)}"] if withs else []) + betweens
        if parts:
            groups.append(f"{join(parts)} {_CORNER_WHEN[corner]}")
    if len(groups) <= 1:
        return "".join(groups)
    return ", ".join(groups[:-1]) + ", and " + groups[-1]


def _corners_clinical(corners: Sequence[str]) -> str:
    if len(corners) == 1:
        return f"in the {corners[0]} corner only"
    return f"across the {join(corners)} corners"


def pattern_reasons(pf: PatternFigures, m: DitMap, me: str | None) -> tuple[str, str]:
    """Clinician and client sentences for a pattern suggestion."""
    missing = [c for c in pf.corners_available if c not in pf.corners_covered]
    clinician = (f"Pattern ‘{pf.label}’ is enacted in {pf.enacting} of {plural(pf.eligible, 'relationship')}, "
                 f"{_corners_clinical(pf.corners_covered)} (mean strength {pf.mean_strength:.1f} of 3)")
    if pf.in_therapy:
        clinician += "; it already shows in the therapy relationship"
    if missing:
        clinician += f"; not yet noted in the {join(missing)} {'corner' if len(missing) == 1 else 'corners'}"
    paced = [rid for rid in pf.relationships if m.is_paced(rid)]
    if paced:
        clinician += (f"; {plural(len(paced), 'of these relationships', 'of these relationships')} "
                      f"{'is' if len(paced) == 1 else 'are'} {PACED_CLINICIAN}")
    if pf.agreed:
        clinician += "; it is the agreed focus"
    clinician += " — a candidate focus to explore together."

    ref = _pattern_ref(m, pf.id)
    if pf.enacting == pf.eligible and pf.eligible > 1:
        count = f"all {pf.eligible} of your important relationships"
    elif pf.eligible == 1:
        count = "the one relationship on your map"
    else:
        count = f"{pf.enacting} of your {pf.eligible} important relationships"
    where = where_plain(m, pf.relationships, me)
    client = f"{ref[0].upper()}{ref[1:]} shows up in {count}"
    client += f" — {where}." if where else "."
    client += " It could be worth exploring together."
    return clinician, client


def person_reasons(pf: PersonFigures, m: DitMap, me: str | None, highest_load: bool) -> tuple[str, str]:
    """Clinician and client sentences for a person suggestion."""
    person = m.people_by_id.get(pf.id)
    titles = [m.label_of("pattern", p) for p in pf.patterns]
    who = pf.label if pf.role.lower() in pf.label.lower() else f"{pf.label} ({pf.role})"
    paced = paced_person(m, pf.id, me)
    mine = [r for r in m.relationships
            if me is not None and {r.source, r.target} == {me, pf.id} and r.source != r.target]
    if mine:
        r = max(mine, key=lambda r: (relationship_load(r), r.id))
        kind = line_style(r.kind).label if r.kind in LINE_STYLES else r.kind
        charge = ("among the most emotionally charged on the map" if highest_load else
                  "strongly charged" if pf.load >= HIGH_LOAD else "less charged than others")
        clinician = (f"{who}: the client's relationship with them is {charge} ({kind}, intensity {r.intensity} "
                     f"of 5, {r.closeness} circle" + (f"; {plural(len(mine), 'relationship')} in all" if len(mine) > 1
                                                      else "") + ")")
    else:
        clinician = f"{who}: no relationship with the client on the map"
    if pf.patterns:
        quoted = join([f"‘{t}’" for t in titles])
        clinician += (f"; {plural(len(pf.patterns), 'pattern')} ({quoted}) "
                      f"{'is' if len(pf.patterns) == 1 else 'are'} enacted in their relationships "
                      f"({plural(pf.enactments, 'episode')} noted)")
    if pf.betweenness > 0:
        clinician += (f"; they link people in the client's world who otherwise meet only through the client "
                      f"({pf.betweenness:.0%} of the pairs of other people on the map)")
    if pf.context:
        others = [m.label_of("person", r.target if r.source == pf.id else r.source)
                  for r in (m.relationships_by_id[c] for c in pf.context)]
        ties = "relationship" if len(others) == 1 else "relationships"
        clinician += f"; as context, not counted above: their own {ties} with {_capped(others)}"
    if paced:
        clinician += f"; {PACED_CLINICIAN} — hold in mind, do not press."
        phrase = person_phrase(person, pf.label)
        client = (f"{phrase[0].upper()}{phrase[1:]} is on your map, and we will come to them only if and when "
                  "you choose.")
        return clinician, client
    clinician += f" — worth exploring what {pf.label} holds for the client."

    phrase = person_phrase(person, pf.label)
    ties = "relationships" if len(mine) > 1 else "relationship"
    if mine and pf.load >= HIGH_LOAD:
        client = f"Your {ties} with {phrase} {'carry' if len(mine) > 1 else 'carries'} a lot of feeling"
    elif mine:
        client = f"Your {ties} with {phrase} {'are' if len(mine) > 1 else 'is'} part of your map"
    else:
        client = f"{phrase[0].upper()}{phrase[1:]} is part of relationships on your map"
    if pf.links:
        client += (", and the " + ("way of relating" if len(titles) == 1 else "ways of relating")
                   + f" we have noticed ({join([f'“{t}”' for t in titles])}) "
                   + ("shows" if len(titles) == 1 else "show") + " up there")
    if pf.betweenness > 0:
        client += "; they also connect different parts of your life"
    client += ". It might help to think about this together."
    return clinician, client


def relationship_reasons(rf: RelationshipFigures, m: DitMap, focal: PatternFigures) -> tuple[str, str]:
    """Clinician and client sentences for a relationship to work on now."""
    people = m.people_by_id
    who = people.get(rf.other) if rf.other else None
    name = who.alias if who else rf.label
    kind = line_style(rf.kind).label if rf.kind in LINE_STYLES else rf.kind
    clinician = (f"The current relationship with {name} ({kind}, intensity {rf.intensity} of 5, "
                 f"{rf.closeness} circle) enacts the focal pattern ‘{focal.label}’ at strength "
                 f"{rf.focal_strength} of 3 — {rf.focal_share:.0%} of that pattern's enactment strength "
                 "across the map; a live relationship to explore together, where the pattern can be noticed "
                 "as it happens and something different tried.")
    ref = _pattern_ref(m, focal.id)
    phrase = person_phrase(who, name) if who else f"{person_phrase(people.get(rf.source))} and " \
                                                  f"{person_phrase(people.get(rf.target))}"
    if m.is_paced(rf.id):
        clinician = clinician.split("; a live relationship")[0] + f"; {PACED_CLINICIAN}."
        return clinician, (f"Your relationship with {phrase} is on your map, and we will come to it only if and "
                           "when you choose.")
    how = _STRENGTH_PLAIN.get(rf.focal_strength, "clearly")
    client = (f"Your relationship with {phrase} matters a lot to you right now "
              f"({CLOSENESS_PLAIN.get(rf.closeness, rf.closeness)}), and {ref} shows up there {how}"
              "; it could be a good place to notice it as it happens, try something different, "
              "and talk it through together here.")
    return clinician, client
