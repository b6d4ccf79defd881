"""A tiny document model shared by the summary and the letter, and its Markdown and PDF renderers.

Content is built once as blocks of runs of plain text; each renderer escapes every run for its
own target (`markdown.md` for Markdown, XML escaping for reportlab's paragraph markup), so user
text is escaped in exactly one place per format and no builder can forget.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import matplotlib

from ditmap.exports.markdown import md

Run = tuple[str, str]  # (text, "" | "b" | "i" | "q") — q: quoted user words, shown in italics


@dataclass
class Doc:
    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)

    def h2(self, text: str) -> None:
        self.blocks.append(("h2", text))

    def h3(self, text: str) -> None:
        self.blocks.append(("h3", text))

    def p(self, *runs: Run | str) -> None:
        self.blocks.append(("p", [_run(r) for r in runs]))

    def note(self, *runs: Run | str) -> None:
        self.blocks.append(("note", [_run(r) for r in runs]))

    def bullets(self, items: list[list[Run | str]]) -> None:
        if items:
            self.blocks.append(("ul", [[_run(r) for r in item] for item in items]))

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.blocks.append(("table", (header, rows)))

    def image(self, png: bytes | None, alt: str) -> None:
        if png:
            self.blocks.append(("image", (png, alt)))


def _run(r: Run | str) -> Run:
    return (r, "") if isinstance(r, str) else r


# --- Markdown ------------------------------------------------------------------------------------

def _md_runs(runs: list[Run]) -> str:
    out = []
    for text, kind in runs:
        if not text:
            continue
        if kind in ("b", "i") and text.strip():
            # CommonMark emphasis may not start or end with a space: keep the spaces outside it.
            lead = " " if text[:1].isspace() else ""
            tail = " " if text[-1:].isspace() else ""
            mark = "**" if kind == "b" else "*"
            out.append(f"{lead}{mark}{md(text.strip())}{mark}{tail}")
        else:
            t = md(text)
            out.append(f"“{t}”" if kind == "q" else t)
    return "".join(out)


def to_markdown(doc: Doc) -> str:
    lines = [f"# {md(doc.title)}", ""]
    for kind, body in doc.blocks:
        if kind == "h2":
            lines += [f"## {md(body)}", ""]
        elif kind == "h3":
            lines += [f"### {md(body)}", ""]
        elif kind == "p":
            lines += [_md_runs(body), ""]
        elif kind == "note":
            lines += [f"> {_md_runs(body)}", ""]
        elif kind == "ul":
            lines += [f"- {_md_runs(item)}" for item in body] + [""]
        elif kind == "table":
            header, rows = body
            lines.append("| " + " | ".join(md(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
            lines.append("")
        elif kind == "image":
            lines += [f"*({md(body[1])}: see the PDF version for the chart.)*", ""]
    return "\n".join(lines).rstrip() + "\n"


# --- PDF (reportlab platypus) ---------------------------------------------------------------------

@cache
def _fonts() -> str:
    """Register DejaVu Sans (matplotlib's own copy, so it is always there) for any script; its name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {"DejaVuSans": "DejaVuSans.ttf", "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
             "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf"}
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(base / file)))
    addMapping("DejaVuSans", 0, 0, "DejaVuSans")
    addMapping("DejaVuSans", 1, 0, "DejaVuSans-Bold")
    addMapping("DejaVuSans", 0, 1, "DejaVuSans-Oblique")
    addMapping("DejaVuSans", 1, 1, "DejaVuSans-BoldOblique")
    return "DejaVuSans"


def _x(text: str) -> str:
    """Text for reportlab paragraph markup: XML-escaped, one line, no control characters."""
    flat = " ".join(text.split())
    if not flat:
        return " " if text else ""
    if flat and text[:1].isspace():
        flat = " " + flat
    if flat and text[-1:].isspace():
        flat += " "
    flat = "".join(ch for ch in flat if ch >= " ")
    return xml_escape(flat)


def _pdf_runs(runs: list[Run]) -> str:
    out = []
    for text, kind in runs:
        t = _x(text)
        out.append({"b": f"<b>{t}</b>", "i": f"<i>{t}</i>", "q": f"<i>“{t}”</i>"}.get(kind, t))
    return "".join(out)


FOOTER_SIZE, FOOTER_LEADING = 7.5, 9.0  # points
FOOTER_X, FOOTER_Y = 18.0, 10.0  # mm: left/right margin and baseline of the footer's last line
PAGE_NUMBER_ROOM = "page 999"  # the widest page number the footer leaves room for
FOOTER_GAP = 12.0  # points between the footer text and the page number


def footer_layout(footer: str, page_width: float, font: str) -> list[str]:
    """The footer wrapped at word boundaries to the width left of the page number, so the two never meet.

    Every word is kept: a long footer takes more lines (the bottom margin has room for three).
    """
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = page_width - 2 * FOOTER_X * mm - stringWidth(PAGE_NUMBER_ROOM, font, FOOTER_SIZE) - FOOTER_GAP
    return simpleSplit(" ".join(footer.split()), font, FOOTER_SIZE, width) if footer.strip() else []


def to_pdf(doc: Doc, *, paper: str = "a4", footer: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table
    from reportlab.platypus.tables import TableStyle

    font = _fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, spaceAfter=5)
    note = ParagraphStyle("note", parent=body, textColor=colors.HexColor("#333333"), leftIndent=8,
                          borderPadding=4, backColor=colors.HexColor("#F3F4F4"))
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVuSans-Bold", fontSize=17, leading=21, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=body, fontName="DejaVuSans-Bold", fontSize=13, leading=17, spaceBefore=8)
    h3 = ParagraphStyle("h3", parent=body, fontName="DejaVuSans-Bold", fontSize=11, leading=15, spaceBefore=4)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11, spaceAfter=0)
    size = A4 if paper == "a4" else LETTER
    buf = io.BytesIO()

    footer_lines = footer_layout(footer, size[0], font)

    def on_page(canvas, document):
        canvas.saveState()
        canvas.setFont(font, FOOTER_SIZE)
        canvas.setFillColor(colors.HexColor("#555555"))
        for i, line in enumerate(footer_lines):  # wrapped lines, the last one on the baseline
            canvas.drawString(FOOTER_X * mm, FOOTER_Y * mm + (len(footer_lines) - 1 - i) * FOOTER_LEADING, line)
        canvas.drawRightString(size[0] - FOOTER_X * mm, FOOTER_Y * mm, f"page {document.page}")
        canvas.restoreState()

    story = [Paragraph(_x(doc.title), h1)]
    for kind, content in doc.blocks:
        if kind == "h2":
            story.append(Paragraph(_x(content), h2))
        elif kind == "h3":
            story.append(Paragraph(_x(content), h3))
        elif kind == "p":
            story.append(Paragraph(_pdf_runs(content), body))
        elif kind == "note":
            story.append(Paragraph(_pdf_runs(content), note))
            story.append(Spacer(1, 4))
        elif kind == "ul":
            story.append(ListFlowable([ListItem(Paragraph(_pdf_runs(item), body), leftIndent=12)
                                       for item in content], bulletType="bullet", leftIndent=12,
                                      bulletFontName=font, bulletFontSize=8))
        elif kind == "table":
            header, rows = content
            data = [[Paragraph(f"<b>{_x(h)}</b>", cell) for h in header]]
            data += [[Paragraph(_x(c), cell) for c in row] for row in rows]
            t = Table(data, repeatRows=1, hAlign="LEFT")
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#AAAAAA")),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [t, Spacer(1, 6)]
        elif kind == "image":
            png, _alt = content
            width = size[0] - 36 * mm
            img = Image(io.BytesIO(png))
            img.drawHeight = width * img.imageHeight / img.imageWidth
            img.drawWidth = width
            story.append(img)
    bottom = max(18 * mm, FOOTER_Y * mm + len(footer_lines) * FOOTER_LEADING + 6)
    pdf = SimpleDocTemplate(buf, pagesize=size, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=bottom, title=" ".join(doc.title.split())[:200], author="", subject="",
                            creator="ditmap", producer="ditmap", invariant=1)
    pdf.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
