"""Every relationship kind in the vocabulary has a drawing that does not rely on colour alone."""

from __future__ import annotations

from ditmap.style import CORNER_COLOURS, LINE_STYLES, OTHER_KIND, edge_width, line_style
from ditmap.vocab import CORNERS, RELATIONSHIP_KINDS


def _form(kind: str) -> tuple:
    s = line_style(kind)
    return (s.lines, s.dashes, s.zigzag, s.width, s.arrow)


def test_every_vocabulary_kind_has_its_own_line_form() -> None:
    assert set(RELATIONSHIP_KINDS) <= set(LINE_STYLES)
    # The three abusive kinds share a plain word but must still differ in form on paper.
    forms = {_form(k) for k in RELATIONSHIP_KINDS}
    assert len(forms) == len(RELATIONSHIP_KINDS)


def test_genogram_conventions() -> None:
    assert line_style("close").lines == 2
    assert line_style("fused/enmeshed").lines == 3
    assert line_style("conflictual").zigzag
    assert line_style("distant").dashes and line_style("cut off").dashes
    assert line_style("my own word") is OTHER_KIND


def test_corner_colours_are_distinct_and_intensity_reads_as_weight() -> None:
    assert set(CORNER_COLOURS) == set(CORNERS)
    assert len(set(CORNER_COLOURS.values())) == 3
    assert edge_width("close", 1) < edge_width("close", 3) < edge_width("close", 5)
