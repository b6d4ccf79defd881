"""One rule for what a client sees (ditmap/client_facing.py), used by the client view and client exports."""

from __future__ import annotations

import datetime as dt

import pytest
from test_exports_fixtures import rich_map

from ditmap import client_facing
from ditmap.client_facing import client_map, plain, visible
from ditmap.coediting import Base, base_version, changes, field_state, only_own
from ditmap.dates import DateError, parse_date
from ditmap.exports.pseudonym import redact
from ditmap.fileformat import load
from ditmap.samples import sample_paths
from ditmap.style import LINE_STYLES
from ditmap.vocab import COMMUNICATION_STYLES, DIRECTIONS


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name.split(".")[0])
def test_client_map_empties_every_hidden_field_and_drops_comments(path):
    m = load(path)
    seen = client_map(m)
    assert seen.comments == ()
    for kind, collection in (("person", "people"), ("relationship", "relationships"), ("pattern", "patterns"),
                             ("session", "sessions")):
        for item in getattr(seen, collection):
            for field in client_facing.HIDDEN_FIELDS[kind]:
                assert not getattr(item, field), (kind, item.id, field)
    # and keeps everything else
    assert [p.alias for p in seen.people] == [p.alias for p in m.people]
    assert [p.self_representation for p in seen.patterns] == [p.self_representation for p in m.patterns]


def test_the_trauma_sample_note_about_the_client_is_hidden():
    trauma = next(p for p in sample_paths() if "trauma" in p.name)
    m = load(trauma)
    notes = [p.notes for p in m.people if p.notes] + [r.notes for r in m.relationships if r.notes]
    assert notes, "the sample must hold therapist-written notes for this test to mean anything"
    text = client_map(m).model_dump_json()
    assert not [n for n in notes if n in text]


def test_client_exports_read_the_map_through_the_same_rule():
    m = rich_map()
    assert redact(m, client=True, private_notes=True) == client_map(m)


def test_notes_and_defences_are_hidden_the_shared_formulation_is_not():
    assert not visible("person", "notes") and not visible("relationship", "notes")
    assert not visible("session", "process_notes") and not visible("pattern", "defences")
    assert not visible("comment", "text")
    assert visible("pattern", "self_representation") and visible("relationship", "kind")


def test_every_vocabulary_value_has_a_plain_word_in_the_maps_key():
    for kind, ls in LINE_STYLES.items():
        assert plain("kind", kind) == ls.plain  # the same words as the map's key
    for value in (*COMMUNICATION_STYLES, *DIRECTIONS):
        field = "direction" if value in DIRECTIONS else "communication_style"
        word = plain(field, value)
        assert word != value and "_" not in word and "/" not in word
    assert plain("kind", "close-hostile/ambivalent") == "close but painful"
    assert plain("communication_style", "passive-aggressive") == "annoyed without saying so"
    assert plain("kind", "our own word") == "our own word"  # the pair's own words stay theirs


def test_coediting_decides_each_field_on_its_own():
    assert field_state("A", Base("A", 1), "typed", only_own_edits_since=False) == "unchanged"
    assert field_state("B", Base("A", 1), "B", only_own_edits_since=False) == "agreed"
    assert field_state("B", Base("A", 1), "A", only_own_edits_since=True) == "follow"
    assert field_state("B", Base("A", 1), "A", only_own_edits_since=False) == "changed_elsewhere"
    assert field_state("B", Base("A", 1), "mine", only_own_edits_since=True) == "changed_elsewhere"
    bases = {"alias": Base("A", 5), "notes": Base("", 2)}
    assert changes(bases, {"alias": "A", "notes": "x"}) == {"notes": "x"}
    assert base_version(bases, ["notes"]) == 2 and base_version(bases, ["alias"]) == 5
    assert only_own(2, 2, set()) and only_own(2, 4, {3, 4}) and not only_own(2, 4, {4})


@pytest.mark.parametrize("text", ["2026/11/08", "08/11/2026", "11/08/2026", "8 Nov 2026", "2026-11-8",
                                  "2026-13-01", "2026-02-30", "20261108"])
def test_dates_are_iso_or_refused_in_words(text):
    with pytest.raises(DateError, match=r"year-month-day, e\.g\. 2026-11-08"):
        parse_date(text)


def test_an_iso_date_is_read_as_written():
    assert parse_date("2026-11-08") == dt.date(2026, 11, 8)
    assert parse_date(" 2026-02-08 ") == dt.date(2026, 2, 8)
    assert parse_date("") is None and parse_date(None) is None
