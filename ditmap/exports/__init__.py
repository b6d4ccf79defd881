"""Exports: the formulation as a diagram, an offline page, summaries and a goodbye-letter draft, and the
map's data in formats other tools read (see docs/exports.md).

`export_bytes(m, fmt, ...)` makes any export as bytes; `FORMATS` lists them in menu order.
"""

from __future__ import annotations

from ditmap.exports.registry import (
    FORMAT_NAMES,
    FORMATS,
    FORMATS_BY_NAME,
    ExportError,
    ExportFormat,
    ExportOptions,
    export_bytes,
    filename,
)

__all__ = ["FORMATS", "FORMATS_BY_NAME", "FORMAT_NAMES", "ExportError", "ExportFormat", "ExportOptions",
           "export_bytes", "filename"]
