"""The export formats: name → exporter, file extension, MIME type, and whether it has a client version.

One table drives the CLI's `--format` choices, the dashboard's download buttons and the tests, so a
format is added in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ditmap.exports.pseudonym import printable, redact
from ditmap.model import DitMap

Paper = Literal["a4", "letter"]


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown format or pattern, client version of a data export)."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What an exporter is asked for. `client` selects plain words and no private text."""

    client: bool = False
    private_notes: bool = False
    pattern_id: str | None = None
    session: int | None = None
    paper: Paper = "a4"
    since: DitMap | None = None  # the supervision pack: the version its changes are counted from
    since_label: str = ""  # … in words ("your last review, version 12")


Exporter = Callable[[DitMap, ExportOptions], bytes]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    label: str  # what a download button says
    extension: str  # with the dot
    mime: str
    client_safe: bool  # has a client version (plain words, no private notes); data exports do not
    exporter: Exporter


def _lazy(module: str, func: str) -> Exporter:
    """Import an exporter's module on first use: matplotlib and reportlab load only when needed."""

    def run(m: DitMap, opts: ExportOptions) -> bytes:
        import importlib

        return getattr(importlib.import_module(f"ditmap.exports.{module}"), func)(m, opts)

    run.__name__ = func
    return run


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("svg", "Formulation diagram (SVG)", ".svg", "image/svg+xml", True, _lazy("diagram", "export_svg")),
    ExportFormat("png", "Formulation diagram (PNG)", ".png", "image/png", True, _lazy("diagram", "export_png")),
    ExportFormat("pdf", "Formulation diagram (PDF)", ".pdf", "application/pdf", True,
                 _lazy("diagram", "export_pdf")),
    ExportFormat("html", "Interactive map (offline HTML)", ".html", "text/html", True,
                 _lazy("interactive", "export_html")),
    ExportFormat("summary-md", "Formulation summary (Markdown)", ".md", "text/markdown", True,
                 _lazy("summary", "export_markdown")),
    ExportFormat("summary-pdf", "Formulation summary (PDF)", ".pdf", "application/pdf", True,
                 _lazy("summary", "export_pdf")),
    ExportFormat("letter-md", "Goodbye letter draft (Markdown)", ".md", "text/markdown", True,
                 _lazy("letter", "export_letter")),
    ExportFormat("json", "Map file (JSON)", ".ditmap.json", "application/json", False,
                 _lazy("data", "export_json")),
    ExportFormat("graphml", "GraphML (Gephi, Cytoscape)", ".graphml", "application/graphml+xml", False,
                 _lazy("data", "export_graphml")),
    ExportFormat("gexf", "GEXF (Gephi)", ".gexf", "application/gexf+xml", False, _lazy("data", "export_gexf")),
    ExportFormat("kumu", "Kumu blueprint (JSON)", ".kumu.json", "application/json", False,
                 _lazy("data", "export_kumu")),
    ExportFormat("csv", "CSV tables (zip)", ".zip", "application/zip", False, _lazy("data", "export_csv")),
    ExportFormat("supervision-pdf", "Supervision pack (PDF)", ".pdf", "application/pdf", False,
                 _lazy("supervision_pack", "export_pdf")),
)
LOSSLESS = frozenset({"json", "csv", "kumu"})
"""Formats that keep text exactly, control characters included; the others replace those XML cannot hold."""
FORMATS_BY_NAME: dict[str, ExportFormat] = {f.name: f for f in FORMATS}
FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS_BY_NAME)


def export_bytes(m: DitMap, fmt: str, *, client: bool = False, private_notes: bool = False,
                 pattern_id: str | None = None, session: int | None = None,
                 paper: Paper = "a4", since: DitMap | None = None, since_label: str = "") -> tuple[bytes, str, str]:
    """One export of a map: (bytes, file name, MIME type). The dashboard's one entry point.

    The map is passed through `pseudonym.redact` first, so private text the options exclude is not
    there for any exporter to leak (`since`, the earlier version a supervision pack compares with, too).
    """
    f = FORMATS_BY_NAME.get(fmt)
    if f is None:
        raise ExportError(f'unknown export format "{fmt}" (one of: {", ".join(FORMAT_NAMES)})')
    if client and not f.client_safe:
        raise ExportError(f"{f.label} is a clinician data export and has no client version")
    if pattern_id is not None and pattern_id not in m.patterns_by_id:
        raise ExportError(f'no pattern with id "{pattern_id}"')
    if paper not in ("a4", "letter"):
        raise ExportError(f'unknown paper size "{paper}" (a4 or letter)')
    keep = private_notes and not client
    earlier = None if since is None else redact(since, client=client, private_notes=keep)
    if earlier is not None and f.name not in LOSSLESS:
        earlier = printable(earlier)
    opts = ExportOptions(client=client, private_notes=keep, pattern_id=pattern_id, session=session, paper=paper,
                         since=earlier, since_label=since_label)
    seen = redact(m, client=client, private_notes=opts.private_notes)
    if f.name not in LOSSLESS:
        seen = printable(seen)
    data = f.exporter(seen, opts)
    return data, filename(m, f, client=client), f.mime


def filename(m: DitMap, f: ExportFormat, *, client: bool = False) -> str:
    """`<pseudonym>-<format>[-client]<ext>`, reduced to safe characters."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", m.client.pseudonym).strip("-")[:40] or "map"
    kind = {"svg": "diagram", "png": "diagram", "pdf": "diagram", "summary-md": "summary",
            "summary-pdf": "summary", "letter-md": "goodbye-letter-draft", "html": "map",
            "supervision-pdf": "supervision-pack"}.get(f.name, "data")
    return f"{stem}-{kind}{'-client' if client else ''}{f.extension}"
