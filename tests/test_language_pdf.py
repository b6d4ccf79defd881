"""PDF layout read back with pypdf: every sentence is found whole (wrapped or continued on the next
page, never cut), and the footer never runs into the page number (checked on the glyphs' positions)."""

from __future__ import annotations

import io
import random
import re

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from ditmap.exports import export_bytes
from ditmap.exports.diagram import _ipaf_fields, _wrap
from ditmap.exports.document import FOOTER_SIZE, Doc, _fonts, footer_layout, to_pdf
from ditmap.exports.pseudonym import redact, shorten
from ditmap.exports.registry import ExportOptions
from ditmap.exports.summary import build
from ditmap.exports.wording import chosen_pattern, words
from ditmap.fileformat import load
from ditmap.formulation import ipaf_sentence
from ditmap.samples import sample_paths

SAMPLES = sample_paths()
MAPS = [pytest.param(load(p), id=p.name.split(".")[0]) for p in SAMPLES]


def in_footer(run) -> bool:
    """A run of the footer or page number: the footer's small size, near the bottom edge."""
    _x, y, size, _t = run
    return size == FOOTER_SIZE and y < 100


def flat(text: str) -> str:
    """One line; pypdf puts a space where the font changes before punctuation (“…” .), so drop those."""
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))


def runs(page) -> list[tuple[float, float, float, str]]:
    """(x, y, font size, text) of every text run on a page, in page coordinates."""
    out: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            out.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], size, text.strip()))
    page.extract_text(visitor_text=visit)
    return out


def body_text(data: bytes, footer: str) -> str:
    """The document's text with each page's footer lines and page number taken out (they are drawn first)."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        out.append(" ".join(r[3] for r in runs(page) if not in_footer(r)))
    return flat(" ".join(out))


def block_texts(doc: Doc) -> list[str]:
    """Every paragraph, note and list item as the reader should find it: runs joined, quotes marked."""
    def joined(items) -> str:
        return flat("".join(f"“{t}”" if kind == "q" else t for t, kind in items))
    out = []
    for kind, body in doc.blocks:
        if kind in ("p", "note"):
            out.append(joined(body))
        elif kind == "ul":
            out += [joined(item) for item in body]
        elif kind in ("h2", "h3"):
            out.append(flat(body))
    return [t for t in out if t]


def assert_footer_clear(data: bytes, footer: str) -> None:
    font = _fonts()
    for page in PdfReader(io.BytesIO(data)).pages:
        found = [r for r in runs(page) if in_footer(r)]
        numbers = [r for r in found if r[3].startswith("page ")]
        assert len(numbers) == 1
        nx, ny, _size, _t = numbers[0]
        lines = [r for r in found if r is not numbers[0]]
        assert flat(" ".join(t for *_, t in lines)) == flat(footer)  # every word of the footer, in order
        for x, y, size, text in lines:
            right = x + stringWidth(text, font, size)
            if abs(y - ny) < size * 1.2:  # on the page number's line: must end before it starts
                assert right < nx - 4, (text, right, nx)
        body = [r for r in runs(page) if not in_footer(r)]
        top = max(y + size for _x, y, size, _t in lines)
        assert all(y > top for _x, y, _s, _t in body)  # and the body stays above the footer


@pytest.mark.parametrize("m", MAPS)
@pytest.mark.parametrize("client", [False, True])
def test_summary_pdf_holds_every_sentence_whole_and_the_footer_clear_of_the_page_number(m, client):
    opts = ExportOptions(client=client)
    data = export_bytes(m, "summary-pdf", client=client)[0]
    footer = words(client)["footer"]
    text = body_text(data, footer)
    doc = build(redact(m, client=client, private_notes=False), opts)
    missing = [b for b in block_texts(doc) if b not in text]
    assert not missing, missing[:3]
    assert_footer_clear(data, footer)


def test_a_long_footer_wraps_whole_beside_the_page_number_on_every_page():
    footer = " ".join(f"word{i}" for i in range(70)) + " Supercalifragilistic end."
    doc = Doc("Title")
    for i in range(60):
        doc.p(f"Paragraph {i}: " + "a sentence that keeps going " * 12)
    data = to_pdf(doc, footer=footer)
    assert len(PdfReader(io.BytesIO(data)).pages) > 1
    assert len(footer_layout(footer, 595.3, _fonts())) >= 2
    assert_footer_clear(data, footer)
    text = body_text(data, footer)
    for i in range(60):
        assert f"Paragraph {i}: " + flat("a sentence that keeps going " * 12) in text  # continued, never cut


@pytest.mark.parametrize("m", MAPS)
@pytest.mark.parametrize("client", [False, True])
def test_diagram_pdf_holds_the_pattern_sentence_whole(m, client):
    data = export_bytes(m, "pdf", client=client)[0]
    reader = PdfReader(io.BytesIO(data))
    footer = words(client)["footer"]
    # each page's heading and footer taken out, so a sentence continued over a page break reads whole
    text = flat(" ".join(line for p in reader.pages for line in p.extract_text().splitlines()
                         if line != footer and not line.endswith("— continued")))
    pattern = chosen_pattern(redact(m, client=client, private_notes=False), None)
    assert flat(ipaf_sentence(pattern, plain=client)) in text
    first = flat(reader.pages[0].extract_text())
    if len(reader.pages) == 1:  # nothing was shortened: every field is on the page, whole
        assert "marks text shortened" not in first
        for _label, value in _ipaf_fields(pattern, client):
            assert flat(value) in first
    else:
        assert "… marks text shortened here: the pattern is written out in full on the next page." in first
        for _label, value in _ipaf_fields(pattern, client):
            assert flat(value) in text


def test_wrapping_and_shortening_never_split_a_word():
    rnd = random.Random(7)
    vocab = ["a", "shame", "criticised", "disappointment", "I", "never", "good-enough", "Mum's", "—", "x" * 12]
    for _ in range(300):
        text = " ".join(rnd.choice(vocab) for _ in range(rnd.randint(1, 60)))
        width, most = rnd.randint(14, 60), rnd.randint(1, 5)
        known = set(text.split())
        for line in _wrap(text, width, most):
            assert all(w in known for w in line.removesuffix(" …").split()), (text, line)
        cut = shorten(text, width)
        kept = cut.removesuffix("…").split()
        assert all(w in known for w in kept[:-1]) and (not kept or kept[-1] in known
                                                       or " " not in text[:width]), (text, cut)


# --- one rule for direction and line form -----------------------------------------------------------

def test_direction_is_drawn_the_same_in_the_app_the_interactive_page_and_the_diagram():
    from ditmap import style
    from ditmap.exports.diagram import _Batch, _draw_relationship, _Scale
    from ditmap.exports.interactive import view_data
    from ditmap.model import DitMap, Person, Relationship
    from ditmap.ui.netview_data import ARROW_CODES, build_view

    kinds = ["controlling", "close", "abusive (emotional)", "neglectful", "distant", "my own word"]
    directions = ["mutual", "source_to_target", "target_to_source"]
    people = tuple(Person(id=f"p{i}", alias=f"P{i}") for i in range(len(kinds) * len(directions) * 2))
    rels = tuple(Relationship(id=f"r{i}", source=f"p{2 * i}", target=f"p{2 * i + 1}", kind=k, direction=d)
                 for i, (k, d) in enumerate((k, d) for k in kinds for d in directions))
    m = DitMap(people=people, relationships=rels)
    app = {e["id"]: e.get("ar") for e in build_view(m)["rels"]}
    page = {e["id"]: e["arrow"] for e in view_data(m, ExportOptions())["rels"]}
    heads = {None: 0, "to": 1, "from": 1, "both": 2}
    pos = {p.id: (float(i), 0.0) for i, p in enumerate(people)}
    for r in rels:
        rule = style.arrow_ends(r.kind, r.direction)
        assert app[r.id] == (ARROW_CODES[rule] if rule else None), r
        assert page[r.id] == rule, r
        batch = _Batch()
        _draw_relationship(batch, r, pos, dict.fromkeys(pos, 0.05), _Scale(0.01), False)
        drawn = sum(len(polys) for polys in batch.polys.values())
        assert drawn == heads[rule], r
    assert style.arrow_ends("controlling", "mutual") == "both"  # the case: two-way in every drawing
