"""The caseload's summaries, flags, sorting and filtering (pure core), and the store keeping summaries in step."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from ditmap.caseload import (
    FLAG_DETERIORATION,
    FLAG_NO_CHANGE,
    FLAG_NO_FOCUS,
    FLAG_OLD_COMMENTS,
    FLAG_PHQ9_RISE,
    FLAGS,
    MapSummary,
    caseload_rows,
    filter_rows,
    flags,
    sort_rows,
    summarise,
)
from ditmap.model import DitMap, empty_map
from ditmap.operations import AddItem, AgreePattern, UpdateItem
from ditmap.store import open_store

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def case(phq: list[int | None], gad: list[int | None] | None = None, *, agreed: bool = False,
         comments: list[dict] | None = None, dated: bool = True) -> DitMap:
    """A map with one session per score (numbered from 1, weekly from 5 Jan 2026) and optionally an agreed focus."""
    gad = gad if gad is not None else [None] * len(phq)
    start = dt.date(2026, 1, 5)
    sessions = [{"id": f"s{i + 1}", "number": i + 1, "phq9": p, "gad7": g,
                 "date": (start + dt.timedelta(weeks=i)).isoformat() if dated else None}
                for i, (p, g) in enumerate(zip(phq, gad, strict=True))]
    m = empty_map("C-1", "Dr T").model_copy(update={"sessions": tuple(DitMap.model_validate(
        {"sessions": sessions}).sessions)})
    m = AddItem(kind="pattern", item={"id": "pt1", "title": "Pleasing to stay safe"}).apply(m)
    if agreed:
        m = AgreePattern(id="pt1", on=start + dt.timedelta(weeks=3)).apply(m)
    for c in comments or []:
        m = AddItem(kind="comment", item={"anchor_kind": "pattern", "anchor": "pt1", "text": "?", **c}).apply(m)
    return m


def raised(m: DitMap, now: dt.datetime = NOW) -> tuple[str, ...]:
    return flags(summarise(m), now)


# --- each flag, raised and not ------------------------------------------------------------------------

def test_reliable_deterioration_is_flagged_on_either_measure_and_not_below_the_reliable_change():
    assert FLAG_DETERIORATION in raised(case([10, 12, 16], agreed=True))  # PHQ-9 +6
    assert FLAG_DETERIORATION in raised(case([10, 10, 10], [6, 8, 10], agreed=True))  # GAD-7 +4
    assert FLAG_DETERIORATION not in raised(case([10, 12, 15], [6, 7, 9], agreed=True))  # +5, +3
    assert FLAG_DETERIORATION not in raised(case([16, 12, 10], agreed=True))  # improvement
    assert FLAG_DETERIORATION not in raised(case([10]))  # one score says nothing about change


def test_no_agreed_focus_is_flagged_from_session_5_only_and_not_once_agreed():
    assert FLAG_NO_FOCUS in raised(case([12] * 5))
    assert FLAG_NO_FOCUS not in raised(case([12] * 4))
    assert FLAG_NO_FOCUS not in raised(case([12] * 8, agreed=True))


def test_comments_open_over_two_weeks_are_flagged_and_not_when_recent_or_resolved():
    old = (NOW - dt.timedelta(days=15)).isoformat()
    recent = (NOW - dt.timedelta(days=13)).isoformat()
    assert FLAG_OLD_COMMENTS in raised(case([12], comments=[{"id": "c1", "created": old}]))
    assert FLAG_OLD_COMMENTS not in raised(case([12], comments=[{"id": "c1", "created": recent}]))
    assert FLAG_OLD_COMMENTS not in raised(case([12], comments=[{"id": "c1", "created": old, "status": "resolved"}]))
    # The same summary raises it later: the clock is applied when rows are built, never stored.
    s = summarise(case([12], comments=[{"id": "c1", "created": recent}]))
    assert FLAG_OLD_COMMENTS in flags(s, NOW + dt.timedelta(days=2))


def test_a_reply_does_not_make_an_old_conversation_new():
    old = (NOW - dt.timedelta(days=20)).isoformat()
    m = case([12], comments=[{"id": "c1", "created": old},
                             {"id": "c2", "created": NOW.isoformat(), "reply_to": "c1"}])
    assert FLAG_OLD_COMMENTS in raised(m)
    assert summarise(m).open_comments == 1


def test_a_rise_in_phq9_is_flagged_session_to_session_and_not_for_a_small_one():
    assert FLAG_PHQ9_RISE in raised(case([14, 11, 14], agreed=True))  # +3 on the last session
    assert FLAG_PHQ9_RISE not in raised(case([14, 11, 13], agreed=True))  # +2
    assert FLAG_PHQ9_RISE not in raised(case([14, 17, 12], agreed=True))  # rose earlier, falling now
    assert FLAG_PHQ9_RISE not in raised(case([14, None, None], [8, 9, 10], agreed=True))


def test_no_change_in_scores_is_flagged_after_six_scored_sessions_still_at_caseness():
    assert FLAG_NO_CHANGE in raised(case([15, 14, 16, 15, 14, 15], agreed=True))
    assert FLAG_NO_CHANGE not in raised(case([15, 14, 16, 15, 14], agreed=True))  # too early to say
    assert FLAG_NO_CHANGE not in raised(case([15, 14, 13, 12, 10, 9], agreed=True))  # reliable improvement
    assert FLAG_NO_CHANGE not in raised(case([8, 7, 8, 9, 8, 7], agreed=True))  # never at caseness


def test_a_settled_case_raises_nothing():
    assert raised(case([16, 14, 12, 10, 9, 8], [12, 10, 8, 7, 6, 5], agreed=True)) == ()


# --- summary facts --------------------------------------------------------------------------------------

def test_summary_reads_scores_focus_and_outcome():
    s = summarise(case([18, 15, 12, 9], [12, 10, 9, 7], agreed=True))
    assert (s.session, s.phase, s.phq9, s.phq9_previous, s.phq9_change, s.gad7, s.gad7_change) == (
        4, "initial", 9, 12, -9, 7, -5)
    assert s.outcome == "recovery" and s.focus_agreed and s.focus_since == 4
    assert MapSummary.from_json(json.loads(json.dumps(s.to_json()))) == s


def test_focus_session_without_dates_is_remembered_from_the_summary_before():
    m = case([12] * 3, dated=False)
    before = summarise(m)
    m = AgreePattern(id="pt1", on=dt.date(2026, 1, 20)).apply(m)
    at_3 = summarise(m, before)
    assert at_3.focus_since == 3
    m = AddItem(kind="session", item={"id": "s4", "number": 4, "phq9": 10}).apply(m)
    assert summarise(m, at_3).focus_since == 3


def test_awaiting_the_therapist_counts_open_conversations_with_the_supervisor_last():
    m = case([12], comments=[
        {"id": "c1", "author_role": "supervisor"},
        {"id": "c2", "author_role": "supervisor"}, {"id": "c3", "author_role": "therapist", "reply_to": "c2"},
        {"id": "c4", "author_role": "supervisor", "status": "resolved"}])
    s = summarise(m)
    assert (s.open_comments, s.awaiting_therapist) == (2, 1)


# --- rows, sorting, filtering -----------------------------------------------------------------------

def _rows():
    maps = [("m-a", "Alpha", 10, summarise(case([10, 12, 16], agreed=True))),
            ("m-b", "Beta", 4, summarise(case([12] * 6))),
            ("m-c", "Gamma", 7, summarise(case([16, 12, 9], agreed=True)))]
    return caseload_rows(maps, {"m-a": 8}, NOW)


def test_rows_count_versions_since_this_viewers_review():
    rows = {r.map_id: r for r in _rows()}
    assert rows["m-a"].changed_since_review == 2 and rows["m-a"].last_reviewed == 8
    assert rows["m-b"].changed_since_review == 4 and rows["m-b"].last_reviewed is None
    assert rows["m-a"].phq9_direction == "up 6" and rows["m-c"].phq9_direction == "down 7"
    assert rows["m-b"].focus == "not yet agreed" and rows["m-c"].focus == "agreed since session 3"


def test_sorts_put_deterioration_and_attention_first():
    rows = _rows()
    assert [r.name for r in sort_rows(rows, "deterioration first")] == ["Alpha", "Beta", "Gamma"]
    assert sort_rows(rows, "needs attention first")[0].name in ("Alpha", "Beta")
    assert [r.name for r in sort_rows(rows, "latest PHQ-9")] == ["Alpha", "Beta", "Gamma"]
    assert [r.name for r in sort_rows(rows, "changed since my review")] == ["Gamma", "Beta", "Alpha"]


def test_filters_by_flag_phase_and_text():
    rows = _rows()
    assert [r.name for r in filter_rows(rows, flag=FLAG_DETERIORATION)] == ["Alpha"]
    assert [r.name for r in filter_rows(rows, flag=FLAG_NO_FOCUS)] == ["Beta"]
    assert [r.name for r in filter_rows(rows, phase="middle")] == ["Beta"]
    assert [r.name for r in filter_rows(rows, text="gam")] == ["Gamma"]
    assert set(FLAGS) >= {f for r in rows for f in r.flags}


# --- the store keeps summaries in step ----------------------------------------------------------------

def test_the_store_rewrites_the_summary_with_every_edit_undo_and_redo(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    info = store.create_map("Case", case([12] * 4))
    (_, s0), = store.summaries()
    assert s0.session == 4 and not s0.focus_agreed
    store.apply(info.id, AddItem(kind="session", item={"id": "s5", "number": 5, "phq9": 13}), base_version=0)
    (_, s1), = store.summaries()
    assert s1.session == 5 and s1.phq9 == 13 and FLAG_NO_FOCUS in flags(s1, NOW)
    store.undo(info.id)
    assert store.summaries()[0][1].session == 4
    store.redo(info.id)
    assert store.summaries()[0][1].session == 5
    store.apply(info.id, UpdateItem(kind="session", id="s5", changes={"phq9": 20}), base_version=3)
    assert store.summaries()[0][1].phq9 == 20


def test_a_summary_written_by_another_process_is_the_one_the_next_edit_builds_on(store_db):
    """A store remembers the summary it last wrote; another process's edits in between must not be
    summarised over that stale memory (here the undated focus would be dated to the wrong session)."""
    a, b = open_store(store_db), open_store(store_db)
    try:
        map_id = a.create_map("Case", case([12] * 3, dated=False)).id
        a.apply(map_id, AddItem(kind="session", item={"id": "s4", "number": 4}), base_version=0)
        b.apply(map_id, AgreePattern(id="pt1", on=dt.date(2026, 2, 1)), base_version=1)
        b.apply(map_id, AddItem(kind="session", item={"id": "s5", "number": 5}), base_version=2)
        a.apply(map_id, AddItem(kind="session", item={"id": "s6", "number": 6}), base_version=3)
        a.apply(map_id, AddItem(kind="session", item={"id": "s7", "number": 7}), base_version=4)
        (_, s), = b.summaries()
        assert (s.session, s.focus_agreed, s.focus_since) == (7, True, 4)
    finally:
        a.close()
        b.close()


def test_summaries_read_no_map_in_full(tmp_path, monkeypatch):
    import ditmap.store.sql_store as sq

    store = open_store(tmp_path / "s.sqlite3")
    for i in range(3):
        store.create_map(f"Case {i}", case([12, 13]))
    store.set_archived(store.list_maps()[0].id, True)
    monkeypatch.setattr(sq, "loads_map", lambda text: pytest.fail("a whole map was read"))
    assert len(store.summaries()) == 2 and len(store.summaries(include_archived=True)) == 3


def test_summaries_are_rebuilt_when_their_format_changes(tmp_path):
    path = tmp_path / "s.sqlite3"
    store = open_store(path)
    store.create_map("Case", case([12] * 5))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE map_summaries SET summary_json = '{}'")
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'summary_format'")
    conn.commit()
    conn.close()
    assert open_store(path).summaries()[0][1].session == 5


def test_reviews_are_recorded_and_counted_per_reviewer(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    info = store.create_map("Case", case([12]))
    store.apply(info.id, AddItem(kind="session", item={"id": "s2", "number": 2}), base_version=0)
    r = store.record_review(info.id, reviewer="Dr S")
    assert r.version == 1 and r.reviewer == "Dr S"
    store.record_review(info.id, reviewer="Dr Q", version=0)
    assert store.last_reviewed("Dr S") == {info.id: 1} and store.last_reviewed("Dr Q") == {info.id: 0}
    assert [x.reviewer for x in store.reviews(info.id)] == ["Dr S", "Dr Q"]
    with pytest.raises(Exception, match="no version 9"):
        store.record_review(info.id, reviewer="Dr S", version=9)
    with pytest.raises(Exception, match="reviewer"):
        store.record_review(info.id, reviewer="  ")
    assert len(store.reviews(info.id)) == 2  # a refused review wrote nothing


def test_a_schema_2_store_gains_summaries_and_reviews_when_opened(tmp_path):
    path = tmp_path / "s.sqlite3"
    open_store(path).create_map("Case", case([12] * 6))
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE map_summaries; DROP TABLE reviews; DELETE FROM meta WHERE key = 'summary_format';"
                       "PRAGMA user_version = 2;")
    conn.close()
    store = open_store(path)
    (info, s), = store.summaries()
    assert s.session == 6 and FLAG_NO_FOCUS in flags(s, NOW)
    assert store.record_review(info.id, reviewer="Dr S").version == 0
