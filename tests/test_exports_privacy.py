"""Private text never reaches a client export; process notes reach a clinician export only when asked.

A unique marker goes into every session's process notes, every supervision comment and every note
on a person or relationship; the exports' bytes (and, for PDF, the extracted text) are searched.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from test_exports_fixtures import rich_map

from ditmap.exports import FORMATS, export_bytes
from ditmap.exports.wording import CLINICAL_TERMS
from ditmap.fileformat import load
from ditmap.samples import sample_paths

PROCESS = "PROCESS-NOTE-MARKER-91c2"
COMMENT = "SUPERVISION-MARKER-5d0e"
NOTE = "FREE-NOTE-MARKER-a7b3"


def marked(m):
    """The map with a marker in every private or free-note field."""
    return m.model_copy(update={
        "sessions": tuple(s.model_copy(update={"process_notes": f"{PROCESS} {s.number}"}) for s in m.sessions),
        "comments": tuple(c.model_copy(update={"text": f"{COMMENT} {c.id}"}) for c in m.comments),
        "people": tuple(p.model_copy(update={"notes": f"{NOTE} {p.id}"}) for p in m.people),
        "relationships": tuple(r.model_copy(update={"notes": f"{NOTE} {r.id}"}) for r in m.relationships),
    })


MAPS = [pytest.param(marked(load(p)), id=p.name.split(".")[0]) for p in sample_paths()] + [
    pytest.param(marked(rich_map()), id="rich")]
CLIENT_FORMATS = [f.name for f in FORMATS if f.client_safe]


def readable(fmt: str, data: bytes) -> str:
    """Everything a reader could get out of an export: raw bytes as text, plus PDF text / zip members."""
    out = data.decode("utf-8", errors="replace")
    if fmt.endswith("pdf"):
        out += " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            out += " ".join(zf.read(n).decode() for n in zf.namelist())
    return out


def test_every_map_has_something_to_hide():
    for param in MAPS:
        m = param.values[0]
        assert m.sessions and m.people and m.relationships


@pytest.mark.parametrize("m", MAPS)
@pytest.mark.parametrize("fmt", CLIENT_FORMATS)
def test_client_exports_hold_no_private_text(m, fmt):
    data = export_bytes(m, fmt, client=True)[0]
    text = readable(fmt, data)
    for marker in (PROCESS, COMMENT, NOTE):
        assert marker not in text, (fmt, marker)


@pytest.mark.parametrize("fmt", CLIENT_FORMATS)
def test_asking_for_private_notes_cannot_put_them_in_a_client_export(fmt):
    text = readable(fmt, export_bytes(marked(rich_map()), fmt, client=True, private_notes=True)[0])
    assert PROCESS not in text and COMMENT not in text and NOTE not in text


@pytest.mark.parametrize("m", MAPS)
@pytest.mark.parametrize("fmt", [f.name for f in FORMATS])
def test_clinician_exports_hold_process_notes_only_when_asked(m, fmt):
    text = readable(fmt, export_bytes(m, fmt)[0])
    assert PROCESS not in text, fmt
    if fmt in ("json", "csv", "summary-md", "summary-pdf"):
        assert PROCESS in readable(fmt, export_bytes(m, fmt, private_notes=True)[0]), fmt


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "html", "summary-md", "summary-pdf", "letter-md"])
def test_drawn_and_written_exports_never_print_free_notes(fmt):
    m = marked(rich_map())
    for private in (False, True):
        assert NOTE not in readable(fmt, export_bytes(m, fmt, private_notes=private)[0])


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def words_shown(fmt: str, data: bytes) -> str:
    """The words a client would read in an export (not code, not markup)."""
    if fmt == "svg":
        root = ET.fromstring(data)
        return " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    if fmt == "html":
        p = _Visible()
        p.feed(data.decode())
        return " ".join(p.parts) + " " + data.decode().split('id="ditmap-data">', 1)[1].split("</script>")[0]
    if fmt.endswith("pdf"):
        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode()


@pytest.mark.parametrize("fmt", ["svg", "pdf", "html", "summary-md", "summary-pdf", "letter-md"])
def test_client_versions_use_plain_words(fmt):
    text = words_shown(fmt, export_bytes(rich_map(), fmt, client=True)[0])
    for term in CLINICAL_TERMS:
        assert not re.search(re.escape(term), text, re.IGNORECASE), (fmt, term)
    clinician = words_shown(fmt, export_bytes(rich_map(), fmt)[0])
    if fmt != "letter-md":  # the letter has one version, addressed to the client
        assert re.search("defensive function", clinician, re.IGNORECASE)
