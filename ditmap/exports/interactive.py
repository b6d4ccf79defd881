"""The interactive map as one standalone, offline HTML file.

Everything is inline: vis-network 9.1.2 and its CSS (the copy pyvis ships; pyvis's own HTML
generation is not used — it links CDNs and has script-injection holes), the data, and a small
script that draws the map. Safety by construction:

- user text travels only as JSON inside `<script type="application/json">` with `<`, `>`, `&`,
  U+2028 and U+2029 escaped (`\\u003c`…), so no text can close the element or start markup;
- the script reads it with `JSON.parse` and hands text to vis-network as labels (canvas text) and
  string `title`s (vis-network 9.1.2 shows strings as text); the legend and the pattern panel are
  built here with `html.escape`;
- a Content-Security-Policy allows only the two inline scripts by their SHA-256 hashes, inline
  styles and `data:` images: no network, no other script, no plugins, no forms, no `<base>`.

The genogram lines (double, triple, dotted, zigzag, broken, arrows) are drawn on the canvas in
vis-network's `beforeDrawing` hook from `ditmap.style`, like the static diagram; vis-network's own
edges are transparent and only give each relationship its hover area and tooltip.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ditmap import style
from ditmap.exports.pseudonym import client_label, positions, shorten
from ditmap.exports.registry import ExportOptions
from ditmap.exports.wording import chosen_pattern, corner_name, dateline, words
from ditmap.formulation import ipaf_sentence
from ditmap.layout import RING_RADIUS, SECTORS
from ditmap.model import DitMap, Pattern
from ditmap.vocab import CLOSENESS_PLAIN

TIP_MAX = 240


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the pyvis package (read once)."""
    base = Path(str(resources.files("pyvis"))) / "templates" / "lib" / "vis-9.1.2"
    js = (base / "vis-network.min.js").read_text(encoding="utf-8")
    css = (base / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():  # would end the inline element early
        raise RuntimeError("vis-network assets contain a closing tag and cannot be inlined")
    return js, css


def json_for_script(data: Any) -> str:
    """JSON safe inside a `<script type="application/json">` element: no `<`, `>`, `&`, U+2028/2029."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _clip(text: str, limit: int = TIP_MAX) -> str:
    return shorten(text, limit)


def view_data(m: DitMap, opts: ExportOptions) -> dict[str, Any]:
    """Nodes, relationships and backdrop as JSON-ready data (all text plain, clipped)."""
    client = opts.client
    pattern = chosen_pattern(m, opts.pattern_id)
    lit: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    titles = {p.id: p.title for p in m.patterns}
    for e in m.enactments:
        if pattern is not None and e.pattern == pattern.id:
            lit[e.relationship] = max(lit.get(e.relationship, 0), e.strength)
        if client and (pattern is None or e.pattern != pattern.id or m.is_paced(e.relationship)):
            continue  # the client page quotes only the featured pattern, and nothing paced
        head = "" if client else f"{titles.get(e.pattern, e.pattern)} (strength {e.strength}/3)"
        body = f"“{e.example}”" if e.example else ""
        examples.setdefault(e.relationship, []).append(_clip(" — ".join(x for x in (head, body) if x)))
    pos = positions(m)
    me = m.self_person
    nodes = []
    for p in m.people:
        at = pos.get(p.id)
        tip = [_clip(p.alias)]
        if p.role not in ("self", "other"):
            tip.append(_clip(p.role))
        if not p.alive:
            tip.append("no longer alive" if client else "deceased")
        is_self = me is not None and p.id == me.id
        nodes.append({"id": p.id, "label": _clip(p.alias, 40), "x": at.x if at else 0.0, "y": at.y if at else 0.0,
                      "shape": style.node_shape(p.role), "self": is_self, "dead": not p.alive,
                      "title": "\n".join(tip)})
    pair_index: dict[tuple[str, str], int] = {}
    rels = []
    for r in m.relationships:
        ls = style.line_style(r.kind)
        kind_words = (ls.plain if client else ls.label) if r.kind in style.LINE_STYLES else r.kind
        a, b = m.label_of("person", r.source), m.label_of("person", r.target)
        tip = [_clip(f"{a} – {b}")]
        if client:
            tip.append(_clip(f"{kind_words} · {corner_name(r.corner, True)} · {CLOSENESS_PLAIN[r.closeness]}"))
        else:
            tip.append(_clip(f"{kind_words} · {r.corner} · intensity {r.intensity}/5 · {r.closeness} circle"))
        if r.direction != "mutual":
            src, dst = (a, b) if r.direction == "source_to_target" else (b, a)
            tip.append(_clip(f"from {src} → {dst}"))
        if r.feelings:
            tip.append(_clip("feelings: " + ", ".join(r.feelings)))
        if r.communication_style and not client:
            tip.append(_clip(f"communication: {r.communication_style}"))
        if examples.get(r.id):
            tip.append("where the pattern shows up:" if client else "patterns enacted:")
            tip.extend(examples[r.id][:6])
        pair = (min(r.source, r.target), max(r.source, r.target))
        index = pair_index.get(pair, 0)
        pair_index[pair] = index + 1
        arrow = style.arrow_ends(r.kind, r.direction)
        rels.append({"id": r.id, "from": r.source, "to": r.target, "title": "\n".join(tip),
                     "lines": ls.lines, "dashes": list(ls.dashes), "zigzag": ls.zigzag,
                     "w": style.edge_width(r.kind, r.intensity), "colour": style.CORNER_COLOURS[r.corner],
                     "arrow": arrow, "lit": lit.get(r.id, 0),
                     "shift": (index + 1) // 2 * (1 if index % 2 else -1) * 12})
    centre = pos.get(me.id) if me is not None else None
    return {
        "nodes": nodes, "rels": rels,
        "backdrop": {"centre": [centre.x if centre else 0.0, centre.y if centre else 0.0],
                     "rings": list(RING_RADIUS.values()),
                     "sectors": [{"label": corner_name(c, client).upper(), "angle": SECTORS[c][0],
                                  "colour": style.CORNER_COLOURS[c]} for c in SECTORS]},
        "colours": {"text": style.TEXT, "self": style.SELF_FILL, "fill": style.PERSON_FILL,
                    "border": style.PERSON_BORDER, "dead": style.DECEASED_BORDER, "highlight": style.HIGHLIGHT},
        "font": 20 if client else 14,
    }


# The page's own script: fixed text (its hash goes into the CSP), reads the data, draws the map.
INIT_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ditmap-data").textContent);
  var C = data.colours;
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, title: n.title,
      shape: n.shape === "dot" ? "dot" : n.shape, size: n.self ? 22 : 12,
      color: {background: n.self ? C.self : C.fill, border: n.dead ? C.dead : C.border,
              highlight: {background: n.self ? C.self : "#EEF3F3", border: C.border}},
      shapeProperties: {borderDashes: n.dead ? [4, 3] : false},
      font: {size: data.font, color: C.text, face: "DejaVu Sans, Verdana, sans-serif",
             strokeWidth: 4, strokeColor: "#ffffff"},
      borderWidth: 1.5
    };
  }));
  var edges = new vis.DataSet(data.rels.map(function (r) {
    return {id: r.id, from: r.from, to: r.to, title: r.title, width: Math.max(8, r.lines * (r.w + 3)),
            color: {color: "rgba(0,0,0,0)", highlight: "rgba(0,0,0,0.08)", hover: "rgba(0,0,0,0.06)"},
            smooth: false, arrows: {to: false}, selectionWidth: 0, hoverWidth: 0};
  }));
  var container = document.getElementById("map");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
    physics: false, interaction: {hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: true},
    layout: {randomSeed: 1}, edges: {smooth: false}
  });
  window.ditmapNetwork = network;

  function zigzag(ctx, len, amp, half) {
    var lead = Math.min(8, len / 4), t = lead, sign = 1;
    ctx.moveTo(0, 0);
    while (t < len - lead) { ctx.lineTo(t, amp * sign); t += half; sign = -sign; }
    ctx.lineTo(len, 0);
  }
  function arrowHead(ctx, x, size) {
    ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x - size * 1.6, size); ctx.lineTo(x - size * 1.6, -size);
    ctx.closePath(); ctx.fill();
  }
  network.on("beforeDrawing", function (ctx) {
    var b = data.backdrop, cx = b.centre[0], cy = b.centre[1];
    ctx.save();
    ctx.strokeStyle = "#9AA3A7"; ctx.lineWidth = 1; ctx.setLineDash([2, 6]);
    b.rings.forEach(function (r) { ctx.beginPath(); ctx.arc(cx, cy, r, 0, 2 * Math.PI); ctx.stroke(); });
    ctx.setLineDash([]);
    ctx.font = "bold 15px DejaVu Sans, Verdana, sans-serif"; ctx.textAlign = "center";
    var outer = Math.max.apply(null, b.rings) + 45;
    b.sectors.forEach(function (s) {
      var a = s.angle * Math.PI / 180;
      ctx.fillStyle = s.colour; ctx.fillText(s.label, cx + outer * Math.cos(a), cy - outer * Math.sin(a));
    });
    var pos = network.getPositions();
    data.rels.forEach(function (r) {
      var p = pos[r.from], q = pos[r.to];
      if (!p || !q) { return; }
      var dx = q.x - p.x, dy = q.y - p.y, len = Math.sqrt(dx * dx + dy * dy);
      if (len < 1) { return; }
      ctx.save();
      ctx.translate(p.x, p.y); ctx.rotate(Math.atan2(dy, dx)); ctx.translate(0, r.shift);
      var gap = r.w + 3;
      if (r.lit) {
        ctx.strokeStyle = C.highlight; ctx.globalAlpha = 0.4; ctx.lineCap = "round";
        ctx.lineWidth = gap * r.lines + 10; ctx.beginPath(); ctx.moveTo(0, 0); ctx.lineTo(len, 0); ctx.stroke();
        ctx.globalAlpha = 1;
      }
      ctx.strokeStyle = r.colour; ctx.fillStyle = r.colour; ctx.lineWidth = r.w; ctx.lineCap = "butt";
      ctx.setLineDash(r.dashes.map(function (d) { return d * r.w / 1.6; }));
      for (var i = 0; i < r.lines; i++) {
        ctx.save(); ctx.translate(0, (i - (r.lines - 1) / 2) * gap); ctx.beginPath();
        if (r.zigzag) { zigzag(ctx, len, 4.5, 6); } else { ctx.moveTo(0, 0); ctx.lineTo(len, 0); }
        ctx.stroke(); ctx.restore();
      }
      ctx.setLineDash([]);
      var size = 4 + r.w;
      if (r.arrow === "to" || r.arrow === "both") { arrowHead(ctx, len - 16, size); }
      if (r.arrow === "from" || r.arrow === "both") {
        ctx.save(); ctx.scale(-1, 1); arrowHead(ctx, -16, size); ctx.restore();
      }
      ctx.restore();
    });
    ctx.restore();
  });
  network.once("afterDrawing", function () { document.body.setAttribute("data-drawn", "1"); });
  network.fit();
  document.getElementById("fit").addEventListener("click", function () { network.fit({animation: false}); });
})();
"""

PAGE_CSS = """
body{font-family:"DejaVu Sans",Verdana,sans-serif;color:#1F2A2E;margin:0;background:#fff}
header{display:flex;justify-content:space-between;align-items:baseline;padding:10px 18px;border-bottom:1px solid #ddd}
header h1{font-size:20px;margin:0} header p{margin:0;color:#444}
main{display:flex;gap:16px;padding:12px 18px;flex-wrap:wrap}
#map{flex:1 1 640px;height:78vh;min-height:480px;border:1px solid #ccd;border-radius:6px}
aside{flex:0 1 360px;font-size:14px} aside h2{font-size:16px;margin:10px 0 6px}
.box{border:1.2px solid #1F2A2E;border-radius:8px;padding:6px 10px;margin:4px 0;background:#F3F4F4}
.box b{display:block;font-size:12px;text-transform:uppercase;color:#333}
.link{font-style:italic;padding:2px 0 2px 34px;border-left:2px solid #1F2A2E;margin-left:28px}
ul.legend{list-style:none;padding:0;margin:0} ul.legend li{display:flex;align-items:center;gap:8px;margin:3px 0}
button{font:inherit;padding:4px 10px;margin-top:8px}
footer{padding:6px 18px 14px;color:#555;font-size:12px}
div.vis-tooltip{white-space:pre-wrap;max-width:420px;font-family:"DejaVu Sans",Verdana,sans-serif}
"""


def _line_svg(kind: str, colour: str = style.TEXT) -> str:
    """A 48×14 inline SVG sample of a relationship kind's line (fixed markup, no user text)."""
    ls = style.line_style(kind)
    width = ls.width
    gap = width + 3
    parts = []
    for i in range(ls.lines):
        y = 7 + (i - (ls.lines - 1) / 2) * gap
        dash = f' stroke-dasharray="{",".join(f"{d * width / 1.6:g}" for d in ls.dashes)}"' if ls.dashes else ""
        if ls.zigzag:
            pts = " ".join(f"{x:g},{y + (2.5 if k % 2 else -2.5) if 0 < k < 8 else y:g}"
                           for k, x in enumerate(range(2, 47, 5)))
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{width:g}"{dash}/>')
        else:
            parts.append(f'<line x1="2" y1="{y:g}" x2="46" y2="{y:g}" stroke="{colour}" '
                         f'stroke-width="{width:g}"{dash}/>')
    return f'<svg width="48" height="14" aria-hidden="true">{"".join(parts)}</svg>'


def _legend_html(m: DitMap, client: bool, lit: bool) -> str:
    esc = html.escape
    w = words(client)
    items = []
    seen: set[str] = set()
    for r in m.relationships:
        ls = style.line_style(r.kind)
        label = ls.plain if client else (ls.label if r.kind in style.LINE_STYLES else r.kind)
        if label in seen:
            continue
        seen.add(label)
        items.append(f"<li>{_line_svg(r.kind)}<span>{esc(_clip(label, 80))}</span></li>")
    for corner, colour in style.CORNER_COLOURS.items():
        items.append(f'<li><svg width="48" height="14" aria-hidden="true"><line x1="2" y1="7" x2="46" y2="7" '
                     f'stroke="{colour}" stroke-width="4"/></svg><span>{esc(corner_name(corner, client))} '
                     f"(colour)</span></li>")
    if lit:
        items.append(f'<li><svg width="48" height="14" aria-hidden="true"><line x1="6" y1="7" x2="42" y2="7" '
                     f'stroke="{style.HIGHLIGHT}" stroke-opacity="0.4" stroke-width="12" stroke-linecap="round"/>'
                     f"</svg><span>{esc(w['highlight'])}</span></li>")
    items.append(f"<li><span>★</span><span>{esc(w['you'])}</span></li>")
    items.append(f"<li><span>■</span><span>{esc(w['therapist'])}</span></li>")
    items.append(f"<li><span>◌</span><span>{'no longer alive' if client else 'deceased'} (dashed outline)</span></li>")
    heading = "What the lines mean" if client else "Legend"
    return f'<h2>{heading}</h2><ul class="legend" id="legend">{"".join(items)}</ul>'


def _pattern_html(pattern: Pattern | None, client: bool) -> str:
    esc = html.escape
    w = words(client)
    if pattern is None:
        return f"<h2>{esc(w['pattern_heading'])}</h2><p>{esc(w['no_pattern'])}</p>"
    out = [f"<h2>{esc(w['pattern_heading'])}</h2>", f"<p><strong>{esc(_clip(pattern.title, 200))}</strong></p>",
           f'<div class="box"><b>{esc(w["other"])}</b>{esc(pattern.other_representation or "—")}</div>',
           f'<div class="link">⇅ {esc(w["affects"])}: {esc(", ".join(pattern.affects) or "—")}</div>',
           f'<div class="box"><b>{esc(w["self"])}</b>{esc(pattern.self_representation or "—")}</div>',
           f'<div class="box"><b>{esc(w["defensive_function"])}</b>{esc(pattern.defensive_function or "—")}</div>',
           f"<p><em>{esc(ipaf_sentence(pattern, plain=client))}</em></p>"]
    return "".join(out)


def export_html(m: DitMap, opts: ExportOptions) -> bytes:
    js, css = _vis_assets()
    esc = html.escape
    w = words(opts.client)
    data = view_data(m, opts)
    scripts = [js, INIT_JS]
    csp = ("default-src 'none'; script-src " + " ".join(csp_hash(s) for s in scripts)
           + "; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    title = f"{w['page_title']} — {client_label(m)}"
    lit = any(r["lit"] for r in data["rels"])
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{css}</style>
<style>{PAGE_CSS}</style>
</head>
<body>
<header><h1>{esc(title)}</h1><p>{esc(dateline(m, opts.session, opts.client))}</p></header>
<main>
<div id="map" role="img" aria-label="Relationship map with {len(m.people)} people"></div>
<aside>
<button id="fit" type="button">Show whole map</button>
{_pattern_html(chosen_pattern(m, opts.pattern_id), opts.client)}
{_legend_html(m, opts.client, lit)}
</aside>
</main>
<footer>{esc(w["footer"])} Hover over a person or a line for details; drag to pan, scroll to zoom.</footer>
<script type="application/json" id="ditmap-data">{json_for_script(data)}</script>
<script>{js}</script>
<script>{INIT_JS}</script>
</body>
</html>
"""
    return page.encode("utf-8")
