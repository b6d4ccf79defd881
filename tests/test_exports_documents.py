"""The diagram, the interactive page, the summary and the letter, opened by independent readers:
an XML parser for SVG, the PNG header read by hand, pypdf for PDF text, html.parser for HTML."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from test_exports_fixtures import PAYLOADS, payload_map, rich_map

from ditmap import style
from ditmap.exports import FORMATS, export_bytes
from ditmap.fileformat import load
from ditmap.formulation import ipaf_sentence
from ditmap.samples import sample_paths
from ditmap.voice import client_pattern

SAMPLES = sample_paths()
MAPS = [pytest.param(load(p), id=p.name.split(".")[0]) for p in SAMPLES] + [pytest.param(rich_map(), id="rich")]
SVG = "{http://www.w3.org/2000/svg}"


def flat(text: str) -> str:
    return " ".join(text.split())


def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    return flat(" ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text")))


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def agreed(m):
    return next(p for p in m.patterns if p.status == "agreed")


def test_formats_table_lists_every_cli_format():
    assert [f.name for f in FORMATS] == ["svg", "png", "pdf", "html", "summary-md", "summary-pdf", "letter-md",
                                         "json", "graphml", "gexf", "kumu", "csv", "supervision-pdf"]
    assert {f.name for f in FORMATS if f.client_safe} == {"svg", "png", "pdf", "html", "summary-md",
                                                         "summary-pdf", "letter-md"}


# --- diagram -------------------------------------------------------------------------------------

@pytest.mark.parametrize("m", MAPS)
@pytest.mark.parametrize("client", [False, True])
def test_svg_parses_and_holds_the_legend_and_the_pattern(m, client):
    data, _name, mime = export_bytes(m, "svg", client=client)
    assert mime == "image/svg+xml"
    text = svg_text(data)
    kinds = {r.kind for r in m.relationships}
    for kind in kinds:  # every relationship kind drawn is named in the legend
        ls = style.line_style(kind)
        assert (ls.plain if client else ls.label) in text, kind
    assert ("What the lines mean" if client else "Key") in text
    assert ("in your life now" if client else "current (colour)") in text
    p = agreed(m)
    assert flat(p.self_representation)[:40] in text
    assert m.client.pseudonym in text
    assert ("The pattern we've been working on" if client else "Interpersonal-Affective Focus (IPAF)") in text


@pytest.mark.parametrize(("paper", "size"), [("a4", (1754, 1240)), ("letter", (1650, 1275))])
def test_png_has_the_stated_size(paper, size):
    # A4 landscape 297 × 210 mm and Letter 11 × 8.5 in at 150 dpi, worked out by hand.
    for m in (load(SAMPLES[0]), rich_map()):
        assert png_size(export_bytes(m, "png", paper=paper)[0]) == size


@pytest.mark.parametrize("m", MAPS)
def test_diagram_pdf_is_landscape_pages_with_the_pattern_as_text(m):
    # one page, plus pages that write the pattern out in full when the diagram had to shorten it
    data = export_bytes(m, "pdf")[0]
    reader = PdfReader(io.BytesIO(data))
    first = flat(reader.pages[0].extract_text())
    assert len(reader.pages) == 1 or "written out in full on the next page" in first
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - 841.9) < 1.5 and abs(float(box.height) - 595.3) < 1.5  # A4 landscape
    text = pdf_text(data)
    p = agreed(m)
    assert flat(p.other_representation)[:40] in text
    assert "Defensive function".upper() in text


def test_diagram_highlights_the_chosen_pattern():
    m = rich_map()
    default = svg_text(export_bytes(m, "svg")[0])
    other = svg_text(export_bytes(m, "svg", pattern_id="pt-alone")[0])
    assert "Being a burden" in default and "Going it alone" not in default
    assert "Going it alone" in other and "self-sufficient" in other


def test_diagram_shows_session_and_date():
    m = rich_map()
    assert "Session 16 · 2026-04-20" in svg_text(export_bytes(m, "svg")[0])
    assert "Session 3 · 2026-01-19" in svg_text(export_bytes(m, "svg", session=3)[0])


def test_svg_keeps_hostile_text_as_text():
    data = export_bytes(payload_map(), "svg")[0]
    root = ET.fromstring(data)  # parses: every payload was escaped
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        assert tag not in ("script", "foreignObject", "iframe", "a"), tag
        for attr, value in el.attrib.items():
            assert not attr.split("}")[-1].lower().startswith("on"), attr
            assert "javascript:" not in value.lower()
    text = svg_text(data)
    assert "<script>window.__pwned=1</script>" in text  # shown, literally
    assert b"<script" not in data and b"<img" not in data


def test_dollar_signs_are_not_maths():
    m = rich_map()
    m = m.model_copy(update={"patterns": (m.patterns[0].model_copy(update={"self_representation": "$x$ costs $5"}),
                                          *m.patterns[1:])})
    assert "$x$ costs $5" in svg_text(export_bytes(m, "svg")[0])


# --- interactive page ----------------------------------------------------------------------------

class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.text: list[str] = []
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in, self._buf = tag, []

    def handle_endtag(self, tag):
        if tag == self._in == "script":
            self.scripts.append((self.tags[-1][1] if self.tags[-1][0] == "script" else {}, "".join(self._buf)))
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)
        else:
            self.text.append(data)


def parse(data: bytes) -> _Page:
    p = _Page()
    p.feed(data.decode("utf-8"))
    return p


@pytest.mark.parametrize("m", [*MAPS, pytest.param(payload_map(), id="payloads")])
def test_html_is_one_offline_file_with_a_strict_csp(m):
    data, _name, _mime = export_bytes(m, "html")
    page = parse(data)
    assert not any(a.get("src") or (t == "link") for t, a in page.tags), "nothing loaded from elsewhere"
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", None, None]
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    hashes = sorted(re.findall(r"'sha256-([^']+)'", csp))
    expected = sorted(base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
                      for a, body in page.scripts if a.get("type") is None)
    assert hashes == expected
    assert "default-src 'none'" in csp and "unsafe-eval" not in csp and "script-src 'unsafe-inline'" not in csp
    for _tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs)
        assert not any("javascript:" in (v or "").lower() for v in attrs.values())
    data_json = json.loads(page.scripts[0][1])
    assert [n["id"] for n in data_json["nodes"]] == [p.id for p in m.people]
    assert [r["id"] for r in data_json["rels"]] == [r.id for r in m.relationships]


def test_html_user_text_appears_only_escaped():
    m = payload_map()
    data = export_bytes(m, "html")[0]
    raw = data.decode("utf-8")
    for payload in PAYLOADS:
        for dangerous in ("<script>window", "<img src=x", "<svg onload", "</script><!--"):
            if dangerous in payload:
                assert dangerous not in raw
    page = parse(data)
    tags = [t for t, _ in page.tags]
    assert tags.count("script") == 3 and "img" not in tags and "svg" in tags  # svg: the fixed legend samples
    data_json = json.loads(page.scripts[0][1])
    assert data_json["nodes"][0]["title"].startswith(m.people[0].alias[:40])  # the JSON round-trips the text
    assert "\u2028" not in page.scripts[0][1] and "<" not in page.scripts[0][1]
    visible = " ".join(page.text)
    assert "<script>window.__pwned=1</script>" in visible  # the pattern panel shows it as text


# --- summary and letter ----------------------------------------------------------------------------

@pytest.mark.parametrize("m", MAPS)
@pytest.mark.parametrize("client", [False, True])
def test_summary_pdf_text_layer_holds_the_ipaf_statement(m, client):
    data, _name, mime = export_bytes(m, "summary-pdf", client=client)
    assert mime == "application/pdf"
    text = pdf_text(data)
    for p in m.agreed_patterns:  # the client version states the pattern without notes about the client
        assert flat(ipaf_sentence(client_pattern(p, m) if client else p, plain=client)) in text
    assert ("PHQ-9" in text) and ("GAD-7" in text)


@pytest.mark.parametrize("m", MAPS)
def test_summary_markdown_has_every_section(m):
    md = export_bytes(m, "summary-md")[0].decode()
    for heading in ("## Interpersonal-Affective Focus (IPAF)", "## Key relationships by corner",
                    "## Focus suggestions", "## Outcome measures: PHQ-9 and GAD-7"):
        assert heading in md
    for p in m.agreed_patterns:
        assert f"### {p.title}" in md.replace("\\", "") or p.title.split()[0] in md


def test_summary_states_the_course_worked_out_by_hand():
    md = export_bytes(rich_map(), "summary-md")[0].decode()
    # PHQ-9 18 → 7 (−11, ≥ 6: reliable), GAD-7 14 → 5 (−9, ≥ 4: reliable); both at caseness at start only.
    assert "PHQ-9: 18 (session 1) → 7 (session 16), change -11: reliable improvement" in md
    assert "GAD-7: 14 (session 1) → 5 (session 16), change -9: reliable improvement" in md
    assert "recovery" in md
    # 'Being a burden' noted in sessions 1–4 at strengths 3, 3, 2, 2 and in session 14 at 1 (midpoint 8.5).
    # Only one noted session after the midpoint: too early to name a trend (timeline.MIN_SESSIONS_PER_HALF).
    assert ("**Being a burden**: first half of the sessions 4 episodes noted (mean strength 2.5), second half "
            "1 episode noted (mean strength 1.0) — too early to say") in md
    assert "“when J cancelled lunch I said it was fine and didn't sleep”" in md


def test_summary_pdf_embeds_the_course_chart():
    reader = PdfReader(io.BytesIO(export_bytes(rich_map(), "summary-pdf")[0]))
    assert sum(len(page.images) for page in reader.pages) == 1


def test_markdown_escapes_user_text():
    md = export_bytes(payload_map(), "summary-md")[0].decode()
    assert not re.search(r"(?<!\\)[<>\[\]`*_|&]", md.split("\n", 1)[0])  # title: every special escaped
    for line in md.splitlines():
        body = line.lstrip("#>-| ")
        assert not re.search(r"(?<!\\)[<\[]", body), line  # no unescaped tag or link opener anywhere
    assert not re.search(r"(?<!\\)\]\(", md)  # no link target
    assert "\\<script\\>window.\\_\\_pwned=1\\</script\\>" in md
    for line in md.splitlines():  # user text never starts a line: no injected heading, list or table
        assert not line.startswith(("#### ", "<", "=")), line


def test_letter_is_a_marked_draft_in_the_second_person():
    m = rich_map()
    text = export_bytes(m, "letter-md")[0].decode()
    assert text.startswith("# Goodbye letter — DRAFT")
    assert "Draft for the therapist to finish" in text and "Nothing here is sent anywhere" in text
    assert "In your words: “I'm too much for people”" in text
    assert "18 at session 1, 7 at session 16" in text and "14 at session 1, 5 at session 16" in text
    assert "less often, or less strongly" not in text  # one noted session late: too early to say
    assert "What you have been working toward, in the words we found together: “asking for what I need and " \
           "seeing what happens”" in text
    assert "Earlier in life" in text and "In your life now" in text and "here, between us" in text


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_letter_for_every_sample(path):
    m = load(path)
    text = export_bytes(m, "letter-md")[0].decode()
    p = agreed(m)
    if p.client_words:
        assert flat(p.client_words)[:30].replace("*", "\\*") in flat(text)
    assert "Dear " in text and "With warm wishes" in text


@pytest.mark.parametrize("f", FORMATS, ids=[f.name for f in FORMATS])
def test_every_format_copes_with_an_empty_map_and_names_its_file(f):
    from ditmap.model import DitMap, empty_map

    for m in (empty_map(pseudonym="C-12"), DitMap()):
        for client in ((False, True) if f.client_safe else (False,)):
            data, name, mime = export_bytes(m, f.name, client=client)
            assert data and mime == f.mime
            assert name.endswith(f.extension) and ("-client" in name) == client
    assert export_bytes(empty_map(pseudonym="C/12 <x>"), f.name)[1].startswith("C-12-x-")
