"""Any valid map exports without error, the XML exports parse, and the CSV tables and Kumu
blueprint read back — for maps full of awkward text (hypothesis, strategies from tests/mapgen.py)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
from hypothesis import HealthCheck, given, settings
from mapgen import maps

from ditmap.exports import export_bytes
from ditmap.exports.importers import read_csv_tables, read_kumu
from ditmap.fileformat import dumps

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(maps(rich=True))
def test_csv_tables_round_trip_any_map(m):
    import zipfile

    data = export_bytes(m, "csv", private_notes=True)[0]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {Path(n).name: zf.read(n) for n in zf.namelist()}
    assert dumps(read_csv_tables(files)) == dumps(m)


@FAST
@given(maps(rich=True))
def test_kumu_round_trips_people_and_relationships_of_any_map(m):
    back = read_kumu(export_bytes(m, "kumu")[0])
    assert [(p.id, p.alias, p.role, p.alive, p.position) for p in back.people] == \
        [(p.id, p.alias, p.role, p.alive, p.position) for p in m.people]
    assert [r.model_dump(exclude={"notes"}) for r in back.relationships] == \
        [r.model_dump(exclude={"notes"}) for r in m.relationships]


@FAST
@given(maps(rich=True))
def test_graph_and_text_exports_of_any_map(m):
    g = nx.read_graphml(io.BytesIO(export_bytes(m, "graphml")[0]))
    assert g.number_of_nodes() == len(m.people) and g.number_of_edges() == len(m.relationships)
    g = nx.read_gexf(io.BytesIO(export_bytes(m, "gexf")[0]))
    assert g.number_of_nodes() == len(m.people) and g.number_of_edges() == len(m.relationships)
    for fmt in ("summary-md", "letter-md", "html"):
        for client in (False, True):
            assert export_bytes(m, fmt, client=client)[0]


@SLOW
@given(maps(rich=True))
def test_svg_of_any_map_parses(m):
    ET.fromstring(export_bytes(m, "svg")[0])
