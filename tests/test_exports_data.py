"""Data exports opened by independent readers: networkx for GraphML/GEXF, `csv` and `json` for the
tables and Kumu, and the importers for the round trips."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from test_exports_fixtures import PRIVATE, payload_map, rich_map

from ditmap.exports import ExportError, export_bytes
from ditmap.exports.csv_tables import neutralise, unneutralise
from ditmap.exports.importers import read_foreign
from ditmap.fileformat import MapFileError, dumps, load
from ditmap.samples import sample_paths

SAMPLES = sample_paths()
MAPS = [pytest.param(load(p), id=p.name.split(".")[0]) for p in SAMPLES] + [
    pytest.param(rich_map(), id="rich"), pytest.param(payload_map(), id="payloads")]


def test_there_are_three_samples():
    assert len(SAMPLES) == 3


def _expected_node(p) -> dict:
    d = {"label": p.alias, "role": p.role, "alive": p.alive}
    if p.notes:
        d["notes"] = p.notes
    if p.position is not None:
        d["x"], d["y"] = float(p.position.x), float(p.position.y)
    return d


def _expected_edge(m, r) -> dict:
    ens = [e for e in m.enactments if e.relationship == r.id]
    d = {"id": r.id, "corner": r.corner, "kind": r.kind, "direction": r.direction, "intensity": r.intensity,
         "weight": float(r.intensity), "closeness": r.closeness, "feelings": list(r.feelings),
         "communication_style": r.communication_style, "notes": r.notes,
         "patterns": sorted({e.pattern for e in ens}),
         "enactments": [{"id": e.id, "pattern": e.pattern, "strength": e.strength, "example": e.example,
                         "session": e.session} for e in ens]}
    return {k: v for k, v in d.items() if v != ""}


def _decoded(attrs: dict) -> dict:
    out = dict(attrs)
    for k in ("feelings", "patterns", "enactments"):
        if k in out:
            out[k] = json.loads(out[k])
    out.pop("viz", None)
    return out


@pytest.mark.parametrize("m", MAPS)
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_networkx_reads_back_every_node_edge_and_attribute(m, fmt):
    data, name, _mime = export_bytes(m, fmt)
    assert name.endswith("." + fmt)
    g = nx.read_graphml(io.BytesIO(data)) if fmt == "graphml" else nx.read_gexf(io.BytesIO(data))
    assert g.is_directed()
    assert set(g.nodes) == {p.id for p in m.people}
    for p in m.people:
        assert _decoded(g.nodes[p.id]) == _expected_node(p), p.id
    edges = {attrs["id"]: (u, v, attrs) for u, v, attrs in g.edges(data=True)}
    assert g.number_of_edges() == len(m.relationships)
    assert set(edges) == {r.id for r in m.relationships}
    for r in m.relationships:
        u, v, attrs = edges[r.id]
        assert (u, v) == (r.source, r.target)
        assert _decoded(attrs) == _expected_edge(m, r), r.id
    if fmt == "graphml":
        assert g.graph["client_pseudonym"] == m.client.pseudonym
        assert [p["id"] for p in json.loads(g.graph["patterns"])] == [p.id for p in m.patterns]


def test_gexf_carries_positions_for_gephi():
    m = rich_map()
    g = nx.read_gexf(io.BytesIO(export_bytes(m, "gexf")[0]))
    mum = m.people_by_id["self"]
    assert g.nodes["self"]["viz"]["position"]["x"] == mum.position.x


# --- Kumu -------------------------------------------------------------------------------------

def _people(m):
    return [(p.id, p.alias, p.role, p.alive, p.position) for p in m.people]


def _rels(m):
    return [(r.id, r.source, r.target, r.corner, r.kind, r.direction, r.intensity, r.closeness, r.feelings,
             r.communication_style) for r in m.relationships]


@pytest.mark.parametrize("m", MAPS)
def test_kumu_blueprint_reimports_to_the_same_people_and_relationships(m, tmp_path):
    data, name, _ = export_bytes(m, "kumu")
    doc = json.loads(data)
    assert set(doc) == {"elements", "connections"}
    assert [e["label"] for e in doc["elements"]] == [p.alias for p in m.people]
    for c, r in zip(doc["connections"], m.relationships, strict=True):
        assert c["type"] == r.kind
        assert c["direction"] == ("mutual" if r.direction == "mutual" else "directed")
    path = tmp_path / name
    path.write_bytes(data)
    back = read_foreign(path, "kumu")
    assert _people(back) == _people(m)
    assert _rels(back) == _rels(m)


def test_kumu_arrow_points_the_way_the_relationship_goes():
    m = rich_map()
    doc = json.loads(export_bytes(m, "kumu")[0])
    boss = next(c for c in doc["connections"] if c["id"] == "r-boss")  # target_to_source: boss → self
    assert (boss["from"], boss["to"]) == ("boss", "self")


def test_a_foreign_kumu_blueprint_by_labels_imports(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"elements": [{"label": "Me", "type": "self"}, {"label": "Ann", "type": "friend"},
                                             {"label": "Bo"}],
                                "connections": [{"from": "Me", "to": "Ann", "type": "supportive",
                                                 "direction": "directed"}, {"from": "Ann", "to": "Bo"}]}))
    m = read_foreign(path, "kumu")
    assert [(p.alias, p.role) for p in m.people] == [("Me", "self"), ("Ann", "friend"), ("Bo", "other")]
    assert [(r.source, r.target, r.kind, r.direction) for r in m.relationships] == [
        ("p1", "p2", "supportive", "source_to_target"), ("p2", "p3", "close", "mutual")]


@pytest.mark.parametrize(("doc", "expected"), [
    ({"elements": [{"label": "A"}], "connections": [{"from": "A", "to": "Z"}]},
     'connections[0].to: no element with id or label "Z"'),
    ({"elements": [{"type": "friend"}]}, "elements[0]: needs a text label"),
    ({"elements": [{"label": "A"}, {"label": "B"}],
      "connections": [{"from": "A", "to": "B", "Intensity": 9}]}, "connections[0].intensity: Input should be"),
    ([1, 2], "expected"),
])
def test_bad_kumu_blueprints_are_refused_naming_where(tmp_path, doc, expected):
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(MapFileError) as err:
        read_foreign(path, "kumu")
    assert any(str(p).startswith(expected) for p in err.value.problems), err.value.problems


def test_kumu_refuses_non_json_and_nan(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"elements": [{"label": "A", "X": NaN, "Y": 1}]}')
    with pytest.raises(MapFileError, match="not a JSON blueprint"):
        read_foreign(path, "kumu")


# --- CSV --------------------------------------------------------------------------------------

def _csv_cells(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: list(csv.reader(io.StringIO(zf.read(n).decode("utf-8"), newline=""))) for n in zf.namelist()}


@pytest.mark.parametrize("m", MAPS)
def test_csv_cells_that_could_be_formulas_are_neutralised(m):
    tables = _csv_cells(export_bytes(m, "csv")[0])
    assert set(tables) == {"client.csv", "people.csv", "relationships.csv", "patterns.csv", "enactments.csv",
                           "sessions.csv", "comments.csv"}
    cells = [c for rows in tables.values() for row in rows for c in row]
    assert cells
    for c in cells:
        assert not c.startswith(("=", "+", "-", "@", "\t", "\r")), c


def test_csv_neutralises_hostile_and_legitimate_leading_characters():
    m = rich_map()
    m = m.model_copy(update={"people": (
        *m.people[:1],
        m.people[1].model_copy(update={"alias": "=HYPERLINK(\"http://x\",\"y\")", "notes": "- felt dropped",
                                       "position": m.people[0].position.model_copy(update={"x": -120.5})}),
        m.people[2].model_copy(update={"alias": "'quoted", "notes": "@SUM(A1)"}),
        m.people[3].model_copy(update={"alias": "+1", "notes": "\tTAB"}),
        *m.people[4:])})
    rows = _csv_cells(export_bytes(m, "csv")[0])["people.csv"]
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_id["mum"]["alias"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert by_id["mum"]["notes"] == "'- felt dropped"
    assert by_id["mum"]["x"] == "'-120.5"
    assert by_id["dad"]["alias"] == "''quoted"
    assert by_id["dad"]["notes"] == "'@SUM(A1)"
    assert by_id["partner"]["alias"] == "'+1"
    assert by_id["partner"]["notes"] == "'\tTAB"


@pytest.mark.parametrize("cell", ["=1+1", "-", "- x", "'", "''a", "plain", "", "@a", "+", "\rX", "a=b"])
def test_neutralise_round_trips(cell):
    assert unneutralise(neutralise(cell)) == cell


@pytest.mark.parametrize("m", MAPS)
@pytest.mark.parametrize("as_zip", [True, False])
def test_csv_tables_import_back_to_the_same_map(m, as_zip, tmp_path):
    data = export_bytes(m, "csv", private_notes=True)[0]
    if as_zip:
        path = tmp_path / "tables.zip"
        path.write_bytes(data)
    else:
        path = tmp_path / "tables"
        path.mkdir()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            zf.extractall(path)
    back = read_foreign(path, "csv")
    assert dumps(back) == dumps(m)


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, t in files.items():
            zf.writestr(n, t)
    return buf.getvalue()


@pytest.mark.parametrize(("files", "expected"), [
    ({"people.csv": "id,alias\nself,Me\n", "relationships.csv": "id,source,target,intensity\nr1,self,zz,3\n"},
     'relationships.csv line 2, column "target": no person with id "zz"'),
    ({"people.csv": "id,alias\nself,Me\np2,Ann\n", "relationships.csv": "id,source,target,intensity\nr1,self,p2,9\n"},
     'relationships.csv line 2, column "intensity": Input should be less than or equal to 5'),
    ({"people.csv": "id,alias,colour\nself,Me,red\n"}, 'people.csv line 1: unknown column "colour"'),
    ({"people.csv": "id,alias\nself\n"}, "people.csv line 2: has 1 cells; the header has 2"),
    ({"relationships.csv": "id\n"}, "people.csv: missing"),
    ({"people.csv": "id,alias\nself,Me\n", "patterns.csv": "id,title,affects\npt1,T,shame\n"},
     'patterns.csv line 2, column "affects": expected a list'),
])
def test_bad_csv_tables_are_refused_naming_file_line_and_column(tmp_path, files, expected):
    path = tmp_path / "t.zip"
    path.write_bytes(_zip(files))
    with pytest.raises(MapFileError) as err:
        read_foreign(path, "csv")
    assert any(str(p).startswith(expected) for p in err.value.problems), [str(p) for p in err.value.problems]


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "t.zip"
    path.write_text("hello")
    with pytest.raises(MapFileError, match="not a zip file"):
        read_foreign(path, "csv")


# --- JSON and private notes in data exports ------------------------------------------------------

@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_json_export_with_private_notes_is_the_map_file_itself(path: Path):
    m = load(path)
    data, name, mime = export_bytes(m, "json", private_notes=True)
    assert data.decode("utf-8") == dumps(m)
    assert mime == "application/json" and name.endswith(".ditmap.json")


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf", "kumu", "csv"])
def test_data_exports_hold_process_notes_only_when_asked(fmt):
    m = rich_map()
    without = export_bytes(m, fmt)[0]
    with_notes = export_bytes(m, fmt, private_notes=True)[0]
    raw = without if fmt != "csv" else b"".join(t.encode() for rows in _csv_cells(without).values()
                                                for r in rows for t in r)
    assert b"session 3 " + PRIVATE.encode() not in raw
    if fmt in ("json", "csv"):  # the formats that carry sessions at all
        raw = with_notes if fmt != "csv" else b"".join(
            t.encode() for rows in _csv_cells(with_notes).values() for r in rows for t in r)
        assert b"session 3 " + PRIVATE.encode() in raw


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf", "kumu", "csv"])
def test_data_exports_have_no_client_version(fmt):
    with pytest.raises(ExportError, match="no client version"):
        export_bytes(rich_map(), fmt, client=True)
