"""The supervision pack PDF, read back with pypdf: diagram, changes since the review, chart, open comments,
the agreed focus in IPAF form; pseudonymised, no private text."""

from __future__ import annotations

import io

from pypdf import PdfReader

from ditmap.cli import main as cli
from ditmap.exports import export_bytes
from ditmap.fileformat import dump
from ditmap.formulation import ipaf_sentence
from ditmap.model import DitMap
from ditmap.operations import AddItem, RemoveItem, UpdateItem
from ditmap.samples import sample_paths

SECRET = "ZZPRIVATE-process"
NOTE = "ZZNOTE-real-name"


def _sample() -> DitMap:
    from ditmap.fileformat import load

    m = load(next(p for p in sample_paths() if "depression" in p.name))
    s0 = m.sessions[0]
    m = UpdateItem(kind="session", id=s0.id, changes={"process_notes": SECRET}).apply(m)
    return m


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pack_holds_each_part_and_the_changes_since_the_earlier_version():
    before = _sample()
    mum = next(p for p in before.people if p.role == "mother")
    after = UpdateItem(kind="person", id=mum.id, changes={"alias": "Mum (M.)", "notes": NOTE}).apply(before)
    after = AddItem(kind="person", item={"id": "p-new", "alias": "Aunt J.", "role": "other relative"}).apply(after)
    gone = next(r for r in after.relationships if not any(e.relationship == r.id for e in after.enactments))
    after = RemoveItem(kind="relationship", id=gone.id, cascade=True).apply(after)
    after = AddItem(kind="comment", item={"id": "c-sup", "anchor_kind": "person", "anchor": mum.id,
                                          "text": "What did her criticism protect her from?",
                                          "author": "Dr S", "author_role": "supervisor"}).apply(after)
    after = AddItem(kind="comment", item={"id": "c-rep", "anchor_kind": "person", "anchor": mum.id,
                                          "reply_to": "c-sup", "text": "Perhaps her own grief.",
                                          "author": "Dr T"}).apply(after)
    pdf, name, mime = export_bytes(after, "supervision-pdf", since=before, since_label="your last review")
    assert mime == "application/pdf" and name.endswith("-supervision-pack.pdf")
    reader = PdfReader(io.BytesIO(pdf))
    assert any(page.images for page in reader.pages)  # the diagram and the outcome chart
    text = " ".join(_text(pdf).split())
    for heading in ("Supervision pack", "Agreed focus (IPAF)", "The map now", "Changes since the last review",
                    "Outcome measures: PHQ-9 and GAD-7", "Open comments"):
        assert heading in text
    agreed = after.agreed_patterns[0]
    assert " ".join(ipaf_sentence(agreed).split())[:60] in text
    assert "Compared with your last review" in text
    assert "person Aunt J. added" in text and "removed" in text and "Mum (M.)" in text
    assert "What did her criticism protect her from?" in text and "Perhaps her own grief." in text
    assert SECRET not in text and NOTE not in text and "(not printed)" in text
    assert after.client.pseudonym in text


def test_without_an_earlier_version_the_pack_says_so():
    text = " ".join(_text(export_bytes(_sample(), "supervision-pdf")[0]).split())
    assert "No earlier version was given" in text


def test_the_cli_makes_the_pack_from_two_files(tmp_path, capsys):
    before = _sample()
    after = AddItem(kind="person", item={"id": "p-new", "alias": "Aunt J."}).apply(before)
    dump(before, tmp_path / "before.ditmap.json")
    dump(after, tmp_path / "after.ditmap.json")
    out = tmp_path / "pack.pdf"
    assert cli(["export", str(tmp_path / "after.ditmap.json"), "--format", "supervision-pdf",
                "--since", str(tmp_path / "before.ditmap.json"), "-o", str(out)]) == 0
    text = " ".join(_text(out.read_bytes()).split())
    assert "Compared with before.ditmap.json" in text and "person Aunt J. added" in text
    assert cli(["export", str(tmp_path / "after.ditmap.json"), "--format", "pdf",
                "--since", str(tmp_path / "before.ditmap.json"), "-o", str(tmp_path / "x.pdf")]) == 1
    assert "--since is for --format supervision-pdf only" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert cli(["export", str(tmp_path / "after.ditmap.json"), "--format", "supervision-pdf",
                "--since", str(tmp_path / "bad.json"), "-o", str(out)]) == 1
    assert "bad.json" in capsys.readouterr().err


def test_the_pack_has_no_client_version():
    import pytest

    from ditmap.exports import ExportError

    with pytest.raises(ExportError, match="no client version"):
        export_bytes(_sample(), "supervision-pdf", client=True)
