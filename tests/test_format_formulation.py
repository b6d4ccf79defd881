"""The focus (IPAF) in one sentence, as `ditmap info` and the exports print it."""

from __future__ import annotations

from ditmap.formulation import ipaf_sentence
from ditmap.model import Pattern

FULL = Pattern(id="pt1", title="Not good enough", self_representation="A burden, not good enough.",
               other_representation="Critical, about to lose patience", affects=("shame", "anxiety/fear"),
               defensive_function="By pleasing and never asking, I avoid the rage of feeling let down",
               reversal="Becomes the critical one with her son")


def test_clinician_sentence_joins_self_other_affects_function_and_reversal() -> None:
    assert ipaf_sentence(FULL) == (
        "Feeling a burden, not good enough, with others experienced as critical, about to lose patience — "
        "linked by shame and anxiety/fear; defensive function: by pleasing and never asking, I avoid the rage "
        "of feeling let down; reversal: becomes the critical one with her son.")


def test_plain_sentence_speaks_to_the_client_in_plain_words() -> None:
    assert ipaf_sentence(FULL, plain=True) == (
        "How you can come to feel about yourself: a burden, not good enough; and how others can seem: critical, "
        "about to lose patience — "
        "this brings up shame and anxiety or fear; relating this way may protect you from something painful: "
        "by pleasing and never asking, I avoid the rage of feeling let down; sometimes the roles turn around: "
        "becomes the critical one with her son.")


def test_blank_parts_are_left_out_and_acronyms_and_I_are_kept() -> None:
    assert ipaf_sentence(Pattern(id="p", title="Only a title")) == "Only a title (not yet written out)."
    assert ipaf_sentence(Pattern(id="p", title="t", other_representation="DIT-style critics")) == \
        "Others experienced as DIT-style critics."
    assert ipaf_sentence(Pattern(id="p", title="t", self_representation="I am too much", affects=("shame",))) == \
        "Feeling I am too much — linked by shame."
    assert ipaf_sentence(Pattern(id="p", title="t", affects=("shame", "guilt", "envy"))) == \
        "Linked by shame, guilt and envy."
