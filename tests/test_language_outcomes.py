"""One voice for outcomes: `outcome_status` says what the scores mean, and every text that speaks of
scores says exactly that — the letter, both summaries (Markdown and PDF), the analysis command and
the Sessions page — in the clinician or the client register. Each outcome is fed in turn."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from app_helpers import all_text, app, client_view_on, page, store
from pypdf import PdfReader

from ditmap.analysis import analyze
from ditmap.analysis.outcomes import OutcomeStatus, outcome_status
from ditmap.cli.analyze import text_lines
from ditmap.exports import export_bytes
from ditmap.model import Client, DitMap, Enactment, Pattern, Person, Relationship, Session

# (status, [(session, PHQ-9, GAD-7), …]) — each course worked out by hand against DOMAIN.md's rules
COURSES = [
    ("no scores", [(1, None, None), (2, None, None)]),
    ("too early", [(1, 15, 10)]),
    ("reliable recovery", [(1, 18, 12), (16, 8, 5)]),  # −10 / −7, both below caseness at the end
    ("recovery", [(1, 11, 5), (16, 9, 5)]),  # −2: below caseness now, but within measurement error
    ("reliable improvement", [(1, 22, 18), (10, 15, 13)]),  # −7 / −5, still at caseness
    ("reliable deterioration", [(1, 4, 2), (8, 12, 2)]),  # +8
    ("mixed", [(1, 16, 3), (8, 9, 9)]),  # PHQ-9 −7, GAD-7 +6
    ("no reliable change", [(1, 18, 12), (3, 13, 10)]),  # the issue's map: −5 is not reliable
]


def course_map(scores) -> DitMap:
    return DitMap(
        client=Client(pseudonym="C-7", therapist="Dr W"),
        people=(Person(id="self", alias="C.", role="self"), Person(id="mum", alias="Mum", role="mother")),
        relationships=(Relationship(id="r", source="self", target="mum", corner="past", intensity=4),),
        patterns=(Pattern(id="p", title="Not good enough", status="agreed", agreed_on=dt.date(2026, 1, 5),
                          client_words="I always get it wrong"),),
        enactments=(Enactment(id="e", pattern="p", relationship="r", strength=2,
                              example="I showed Mum my report and waited for the catch"),),
        sessions=tuple(Session(id=f"s{n}", number=n, phq9=p, gad7=g) for n, p, g in scores))


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    return flat(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))


def overall_sentences(client: bool) -> dict[str, str]:
    return {status: getattr(outcome_status(course_map(scores)), "client" if client else "clinician")
            for status, scores in COURSES}


def agrees(text: str, status: OutcomeStatus, client: bool) -> None:
    text = flat(text)
    for sentence in status.sentences(client):
        assert flat(sentence) in text, sentence
    for other, sentence in overall_sentences(client).items():  # no other reading of the scores
        if other != status.status:
            assert flat(sentence) not in text, (status.status, other)


@pytest.mark.parametrize(("expected", "scores"), COURSES, ids=[c[0] for c in COURSES])
def test_each_outcome_reads_the_same_in_every_text(expected, scores):
    m = course_map(scores)
    status = outcome_status(m)
    assert status.status == expected
    assert status.clinician != status.client
    if expected == "no scores":
        assert status.measures == ()
        return
    letter = export_bytes(m, "letter-md")[0].decode()
    agrees(letter, status, client=True)
    for client in (False, True):
        agrees(export_bytes(m, "summary-md", client=client)[0].decode(), status, client)
        agrees(pdf_text(export_bytes(m, "summary-pdf", client=client)[0]), status, client)
    agrees("\n".join(text_lines(m, analyze(m))), OutcomeStatus(
        status.status, status.clinician, status.client, (), None, None, None), client=False)


def test_the_issues_map_is_not_called_a_real_change_anywhere():
    # drafted at session 3, PHQ-9 18 → 13: not reliable, so no text may call it more than ups and downs
    m = course_map([(1, 18, 12), (3, 13, 10)])
    texts = [export_bytes(m, "letter-md")[0].decode(), export_bytes(m, "summary-md", client=True)[0].decode()]
    for text in texts:
        assert "bigger than everyday ups and downs" not in text and "real change" not in text
        assert "small enough that it could be everyday ups and downs" in flat(text)
    clinician = export_bytes(m, "summary-md")[0].decode()
    assert "no reliable change (reliable change is 6 points or more)" in clinician
    assert "reliable improvement" not in clinician


def test_measures_are_judged_one_by_one_and_the_client_is_never_told_more_than_the_figures_say():
    # GAD-7 fell reliably, PHQ-9 did not: overall reliable improvement, but only 'one of your scores'
    s = outcome_status(course_map([(1, 13, 17), (12, 9, 12)]))
    assert s.status == "reliable improvement"
    assert [m.status for m in s.measures] == ["no reliable change", "reliable improvement"]
    assert s.client.startswith("Overall, one of your scores has come down by more than everyday ups and downs")
    assert "small enough that it could be everyday ups and downs" in s.measures[0].client
    assert "bigger than everyday ups and downs" in s.measures[1].client


def test_one_measure_only_and_too_early():
    s = outcome_status(course_map([(1, 12, None)]))
    assert s.status == "too early" and s.caseness_start is True and s.last_session == 1
    assert "too early to say" in s.clinician and "too early to say" in s.client
    assert s.measures[0].clinician.startswith("PHQ-9: 12 at session 1 (at caseness, ≥ 10)")


@pytest.fixture
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def test_sessions_page_says_what_the_scores_mean_in_each_register(_db):
    m = course_map([(1, 18, 12), (3, 13, 10)])
    status = outcome_status(m)
    map_id = store().create_map("C-7", m).id
    at = app(map=map_id)
    page(at, "sessions")
    assert not at.exception, at.exception
    shown = flat(all_text(at))
    assert all(flat(s) in shown for s in status.sentences(client=False))
    client_view = client_view_on(app(map=map_id))  # (?view=client in the address grants nothing now)
    page(client_view, "sessions")
    shown = flat(all_text(client_view))
    assert all(flat(s) in shown for s in status.sentences(client=True))
    assert flat(status.clinician) not in shown
