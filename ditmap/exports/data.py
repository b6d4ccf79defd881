"""The data exports (clinician only): the map file itself and the formats other tools read."""

from __future__ import annotations

from ditmap.exports.csv_tables import zip_bytes
from ditmap.exports.graph_formats import gexf_bytes, graphml_bytes
from ditmap.exports.kumu import kumu_bytes
from ditmap.exports.registry import ExportOptions
from ditmap.model import DitMap


def export_json(m: DitMap, opts: ExportOptions) -> bytes:
    """The map file (`fileformat.dumps`); lossless when exported with private notes."""
    from ditmap.fileformat import dumps

    return dumps(m).encode("utf-8")


def export_graphml(m: DitMap, opts: ExportOptions) -> bytes:
    return graphml_bytes(m)


def export_gexf(m: DitMap, opts: ExportOptions) -> bytes:
    return gexf_bytes(m)


def export_kumu(m: DitMap, opts: ExportOptions) -> bytes:
    return kumu_bytes(m)


def export_csv(m: DitMap, opts: ExportOptions) -> bytes:
    return zip_bytes(m)
