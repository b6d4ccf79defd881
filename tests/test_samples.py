"""The shipped sample maps: valid, canonical, and clinically shaped as sample_data/README.md says.

Expected values (file names, titles, score thresholds, the course of each case) are written out by
hand here from DOMAIN.md and the README, not taken from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from ditmap.integrity import check_map
from ditmap.model import DitMap
from ditmap.samples import SAMPLES_DIR, sample_paths, sample_title

NAMES = (
    "complex-trauma-abandonment.ditmap.json",
    "depression-self-critical.ditmap.json",
    "social-anxiety-pleasing.ditmap.json",
)
CORNERS = {"past", "current", "therapy"}


@cache
def load(name: str) -> tuple[bytes, DitMap]:
    data = (Path(__file__).resolve().parent.parent / "sample_data" / name).read_bytes()
    return data, DitMap.model_validate(json.loads(data.decode("utf-8")))


def the_map(name: str) -> DitMap:
    return load(name)[1]


def agreed(m: DitMap):
    (pattern,) = [p for p in m.patterns if p.status == "agreed"]
    return pattern


def corners_of(m: DitMap, pattern_id: str) -> set[str]:
    return {m.relationships_by_id[e.relationship].corner for e in m.enactments if e.pattern == pattern_id}


def relationships_of(m: DitMap, pattern_id: str) -> set[str]:
    return {e.relationship for e in m.enactments if e.pattern == pattern_id}


def scores(m: DitMap, field: str) -> list[int]:
    return [getattr(s, field) for s in sorted(m.sessions, key=lambda s: s.number)]


def test_sample_paths_lists_the_three_samples_sorted():
    paths = sample_paths()
    assert [p.name for p in paths] == list(NAMES)
    assert all(p.parent == SAMPLES_DIR and p.is_file() for p in paths)
    assert Path(__file__).resolve().parent.parent / "sample_data" == SAMPLES_DIR


def test_sample_titles_are_human():
    assert sample_title(SAMPLES_DIR / "depression-self-critical.ditmap.json") == \
        "Depression — self-critical pattern (sample)"
    assert sample_title("social-anxiety-pleasing.ditmap.json") == "Social anxiety — pleasing pattern (sample)"
    assert sample_title(Path("x/complex-trauma-abandonment.ditmap.json")) == \
        "Complex trauma — abandonment pattern (sample)"
    assert sample_title("my-own-map.ditmap.json") == "My own map (sample)"


@pytest.mark.parametrize("name", NAMES)
def test_sample_is_valid_and_canonical(name):
    data, m = load(name)
    assert check_map(m) == []
    doc = m.model_dump(mode="json")
    for item in doc["people"] + doc["relationships"]:  # docs/format.md: `paced` is written only when true
        if item["paced"] is False:
            del item["paced"]
    canonical = json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    assert data == canonical.encode("utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_people_and_corners(name):
    m = the_map(name)
    assert 8 <= len(m.people) <= 15
    me = m.people_by_id["self"]
    assert me.role == "self" and (me.position.x, me.position.y) == (0, 0)
    (therapist,) = [p for p in m.people if p.role == "therapist"]
    assert therapist.alias == m.client.therapist
    assert m.client.start_date.year == 2026
    assert {r.corner for r in m.relationships} == CORNERS
    assert any("self" not in (r.source, r.target) for r in m.relationships)
    assert all(1 <= r.intensity <= 5 for r in m.relationships)


@pytest.mark.parametrize("name", NAMES)
def test_positions_follow_the_triangle_layout(name):
    """Past upper-left, current upper-right, therapy below the self (screen y grows downward)."""
    m = the_map(name)
    for r in m.relationships:
        if r.source != "self":
            continue
        pos = m.people_by_id[r.target].position
        if r.corner == "past":
            assert pos.x < 0 and pos.y < 0, r.id
        elif r.corner == "current":
            assert pos.x > 0 and pos.y < 0, r.id
        else:
            assert pos.y > 0, r.id
        radius = (pos.x ** 2 + pos.y ** 2) ** 0.5
        assert abs(radius - {"inner": 180, "middle": 320, "outer": 460}[r.closeness]) < 1, r.id


@pytest.mark.parametrize("name", NAMES)
def test_one_agreed_pattern_by_session_four(name):
    m = the_map(name)
    assert 2 <= len(m.patterns) <= 4
    assert [p.status for p in m.patterns].count("agreed") == 1
    session4 = next(s for s in m.sessions if s.number == 4)
    assert agreed(m).agreed_on <= session4.date
    assert all(p.agreed_on is None for p in m.patterns if p.status == "draft")


@pytest.mark.parametrize("name", NAMES)
def test_agreed_pattern_recurs_most_widely(name):
    m = the_map(name)
    focus = agreed(m)
    assert corners_of(m, focus.id) == CORNERS
    for p in m.patterns:
        if p.id != focus.id:
            assert len(relationships_of(m, p.id)) < len(relationships_of(m, focus.id)), p.id
            assert corners_of(m, p.id) < CORNERS, p.id


@pytest.mark.parametrize("name", NAMES)
def test_enactments_are_dated_and_weaken_over_time(name):
    m = the_map(name)
    numbers = {s.number for s in m.sessions}
    assert all(e.session in numbers and 1 <= e.strength <= 3 and e.example for e in m.enactments)
    by_relationship: dict[str, list] = defaultdict(list)
    for e in m.enactments:
        if e.pattern == agreed(m).id:
            by_relationship[e.relationship].append(e)
    weakened = [r for r, es in by_relationship.items()
                if len(es) > 1
                and min(es, key=lambda e: e.session).strength > max(es, key=lambda e: e.session).strength]
    assert weakened, "the focus should be noted less strongly later in at least one relationship"


@pytest.mark.parametrize("name", NAMES)
def test_sessions(name):
    m = the_map(name)
    sessions = sorted(m.sessions, key=lambda s: s.number)
    assert 6 <= len(sessions) <= 16
    assert [s.number for s in sessions] == list(range(1, len(sessions) + 1))
    assert sessions[0].date == m.client.start_date
    assert all(b.date - a.date == dt.timedelta(days=7) for a, b in pairwise(sessions))
    assert all(s.phq9 is not None and 0 <= s.phq9 <= 27 for s in sessions)
    assert all(s.gad7 is not None and 0 <= s.gad7 <= 21 for s in sessions)
    assert all(s.process_notes.strip() and s.worked_on.strip() and s.homework.strip() for s in sessions)
    assert len({s.process_notes for s in sessions}) == len(sessions)
    assert any("mindful" in s.homework.lower() for s in sessions)


@pytest.mark.parametrize("name", NAMES)
def test_supervision_comments(name):
    m = the_map(name)
    assert {c.status for c in m.comments} == {"open", "resolved"}
    assert all(c.anchor_kind in ("pattern", "relationship") for c in m.comments)


def test_depression_case_reliable_improvement_and_recovery():
    m = the_map("depression-self-critical.ditmap.json")
    phq, gad = scores(m, "phq9"), scores(m, "gad7")
    assert (phq[0], phq[-1]) == (18, 8)
    assert phq[0] - phq[-1] >= 6 and phq[-1] < 10 and gad[-1] < 8  # reliable improvement, recovered


def test_social_anxiety_case_partial_improvement_with_a_plateau():
    m = the_map("social-anxiety-pleasing.ditmap.json")
    gad = scores(m, "gad7")
    assert gad[0] >= 15
    assert gad[0] - gad[-1] >= 4 and gad[-1] >= 8  # reliable improvement, still above caseness
    assert any(gad[i] == gad[i + 1] == gad[i + 2] for i in range(len(gad) - 2))  # a plateau


def test_complex_trauma_case_reversal_and_slower_course():
    m = the_map("complex-trauma-abandonment.ditmap.json")
    focus = agreed(m)
    assert focus.reversal.strip()
    # The reversal shows as an enactment with the client's child, where the client is the one who withdraws.
    child = {p.id for p in m.people if p.role == "child"}
    assert any(e.pattern == focus.id and child & {m.relationships_by_id[e.relationship].target,
                                                  m.relationships_by_id[e.relationship].source}
               for e in m.enactments)
    phq = scores(m, "phq9")
    assert phq[0] - phq[-1] >= 6 and phq[-1] >= 10  # reliable improvement, not yet recovered
    assert any(b > a for a, b in pairwise(phq))  # some fluctuation on the way
