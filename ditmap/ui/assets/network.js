// ditmap live map: vis-network 9.1.2 (pyvis's copy, served from loopback) inside a Streamlit v2 component.
//
// Safety: every string that came from the user is placed with textContent or handed to vis-network as a
// *string* title (vis shows string titles with innerText). Nothing here assigns innerHTML.
// Stability: positions come from Python, physics is off, and reruns update the DataSets in place
// (zoom and pan are kept; fit() only on first draw and on the "Show whole map" button / F key).

const INSTANCES = new WeakMap();
const ARROWS = [null, "to", "from", "both"];
const CORNER_KEYS = ["past", "current", "therapy"]; // the order of backdrop.sectors (netview_data.CORNERS)
const CLOSENESS_KEYS = ["inner", "middle", "outer"];
let visPromise = null;

export function loadVis(url) {
  if (window.vis && window.vis.Network) return Promise.resolve(window.vis);
  if (!visPromise) {
    visPromise = new Promise((resolve, reject) => {
      // The loader in network_view.py may have started the request already.
      let s = document.querySelector("script[data-ditmap]");
      if (s && s.dataset.failed) {
        s.remove();
        s = null;
      }
      if (!s) {
        s = document.createElement("script");
        s.src = url;
        s.async = true;
        s.dataset.ditmap = "vis-network";
        document.head.appendChild(s);
      }
      s.addEventListener("load", () =>
        window.vis && window.vis.Network ? resolve(window.vis) : reject(new Error("vis-network missing")));
      s.addEventListener("error", () => {
        visPromise = null;
        s.dataset.failed = "1";
        reject(new Error("vis-network could not be loaded"));
      });
    });
  }
  return visPromise;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// ---------------------------------------------------------------- geometry of genogram lines

function offsetPolyline(pts, off) {
  if (!off) return pts;
  const out = [];
  for (let i = 0; i < pts.length; i++) {
    const a = pts[Math.max(0, i - 1)], b = pts[Math.min(pts.length - 1, i + 1)];
    let dx = b.x - a.x, dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    dx /= len; dy /= len;
    out.push({ x: pts[i].x - dy * off, y: pts[i].y + dx * off });
  }
  return out;
}

function pathLength(pts) {
  let L = 0;
  for (let i = 1; i < pts.length; i++) L += Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
  return L;
}

// The point and unit tangent at arc length s along a polyline.
function pointAt(pts, s) {
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1], b = pts[i];
    const seg = Math.hypot(b.x - a.x, b.y - a.y);
    if (s <= seg || i === pts.length - 1) {
      const t = seg ? Math.min(1, Math.max(0, s / seg)) : 0;
      return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, tx: seg ? (b.x - a.x) / seg : 1, ty: seg ? (b.y - a.y) / seg : 0 };
    }
    s -= seg;
  }
  return { x: pts[0].x, y: pts[0].y, tx: 1, ty: 0 };
}

function zigzagPolyline(pts, amp, wave) {
  const L = pathLength(pts);
  if (L < wave * 2) return pts;
  const out = [pointAt(pts, 0)];
  const n = Math.floor(L / (wave / 2));
  for (let k = 1; k < n; k++) {
    const p = pointAt(pts, (k * L) / n);
    const sgn = k % 2 ? 1 : -1;
    out.push({ x: p.x - p.ty * amp * sgn, y: p.y + p.tx * amp * sgn });
  }
  out.push(pointAt(pts, L));
  return out;
}

function strokePoly(ctx, pts) {
  ctx.beginPath();
  ctx.moveTo(pts[0].x, pts[0].y);
  for (let i = 1; i < pts.length; i++) ctx.lineTo(pts[i].x, pts[i].y);
  ctx.stroke();
}

function arrowHead(ctx, p, dirx, diry, size, colour) {
  ctx.save();
  ctx.setLineDash([]);
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.moveTo(p.x + dirx * size, p.y + diry * size);
  ctx.lineTo(p.x - dirx * size * 0.6 - diry * size * 0.7, p.y - diry * size * 0.6 + dirx * size * 0.7);
  ctx.lineTo(p.x - dirx * size * 0.6 + diry * size * 0.7, p.y - diry * size * 0.6 - dirx * size * 0.7);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

// Draw one relationship along `pts` in its genogram form. `st` is the kind's style from Python.
function drawRelationship(ctx, pts, st, w, colour, arrow, halo) {
  const lines = Math.max(1, Math.min(3, st.lines || 1));
  const gap = Math.max(3.2, w * 1.9);
  const offsets = lines === 1 ? [0] : lines === 2 ? [-gap / 2, gap / 2] : [-gap, 0, gap];
  const base = st.zigzag ? zigzagPolyline(pts, 3.5 + w, 11 + w * 2) : pts;
  ctx.save();
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  if (halo) {
    ctx.setLineDash([]);
    ctx.strokeStyle = halo;
    ctx.lineWidth = w + gap * (lines - 1) + 10;
    strokePoly(ctx, pts);
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = w;
  const dashes = st.dashes || [];
  ctx.setLineDash(dashes.length ? dashes.map((d) => d * Math.max(1, w / 1.6)) : []);
  for (const off of offsets) strokePoly(ctx, offsetPolyline(base, off));
  ctx.restore();
  if (arrow) {
    const L = pathLength(pts);
    const size = 6 + w * 1.6;
    if (arrow === "to" || arrow === "both") {
      const p = pointAt(pts, L * 0.62);
      arrowHead(ctx, p, p.tx, p.ty, size, colour);
    }
    if (arrow === "from" || arrow === "both") {
      const p = pointAt(pts, L * 0.38);
      arrowHead(ctx, p, -p.tx, -p.ty, size, colour);
    }
  }
}

// ---------------------------------------------------------------- the component instance

const MIN_LABEL_SCALE = 0.4; // corner labels grow at most 1/0.4 = 2.5x in map units when zoomed out
const MAX_LABEL_FACTOR = 2.2; // people's names grow at most this much, so neighbours' names don't collide

// An edit (a new person, a link, a move) is kept until the server says it received it (`data.ack`, the
// newest event sequence number it took), and sent again every few seconds until then. Streamlit drops a
// trigger sent while its connection is down (a server process stopped behind the proxy, a tablet's Wi-Fi
// gone for a moment), and the person would lose what they typed. The server gives an event out once per
// sequence number, so sending it again to the same session does nothing twice; after a reconnect to
// another process the new session takes it. Kept at module level: a reconnect may remount the drawing.
const KEPT_TYPES = new Set(["add_related", "link", "move"]);
const RESEND_MS = 4000; // longer than a busy server's rerun: a resend costs the session a rerun
const KEEP_TRIES = 15; // about a minute; the page says "Connecting" meanwhile
const UNACKED = { events: [], view: null, timer: null, tries: 0 };

function keepUntilAcked(ev, view) {
  UNACKED.events.push(ev);
  UNACKED.view = view;
  UNACKED.tries = 0;
  if (UNACKED.timer === null) UNACKED.timer = setInterval(resendUnacked, RESEND_MS);
}

function resendUnacked() {
  const view = UNACKED.view;
  if (!UNACKED.events.length || ++UNACKED.tries > KEEP_TRIES || !view || view.destroyed) {
    if (!UNACKED.events.length || UNACKED.tries > KEEP_TRIES) {
      UNACKED.events = [];
      clearInterval(UNACKED.timer);
      UNACKED.timer = null;
    }
    return;
  }
  view.send("event", UNACKED.events[0]); // oldest first; the next goes once this one is acknowledged
}

function acknowledge(ack, view) {
  UNACKED.view = view;
  if (typeof ack !== "number") {
    // A session that has taken nothing yet: after a reconnect to another process, send at once.
    if (UNACKED.events.length) setTimeout(() => UNACKED.events.length && view.send("event", UNACKED.events[0]), 0);
    return;
  }
  const before = UNACKED.events.length;
  UNACKED.events = UNACKED.events.filter((ev) => ev.seq > ack);
  if (UNACKED.events.length !== before) UNACKED.tries = 0;
}

class MapView {
  constructor(root) {
    this.root = root;
    this.network = null;
    this.data = null;
    this.sig = { nodes: new Map(), edges: new Map(), legend: "", list: "", choices: "" };
    this.dragging = null;
    this.hoverEdge = null;
    this.counter = 0;
    this.send = () => {};
    this.destroyed = false;

    this.wrap = el("div", "nv");
    this.wrap.ditmapView = this; // for browser tests: positions on screen (canvasToDOM)
    this.cssLink = document.createElement("link");
    this.cssLink.rel = "stylesheet";
    this.appCssLink = document.createElement("link");
    this.appCssLink.rel = "stylesheet";
    const bar = el("div", "nv-bar");
    // The map's own controls; the page asks for the pattern chooser and the two actions (`actions`).
    this.choose = el("label", "nv-choose");
    this.chooseText = el("span");
    this.chooser = document.createElement("select");
    this.chooser.className = "nv-select";
    this.chooser.addEventListener("change", () => this.emit({ type: "highlight", pattern: this.chooser.value || null }));
    this.choose.append(this.chooseText, this.chooser);
    this.fitBtn = el("button", "nv-fit");
    this.fitBtn.type = "button";
    this.fitBtn.addEventListener("click", () => this.fit());
    this.rearrangeBtn = el("button", "nv-fit nv-act");
    this.rearrangeBtn.type = "button";
    this.rearrangeBtn.addEventListener("click", () => this.emit({ type: "rearrange" }));
    this.addBtn = el("button", "nv-fit nv-act");
    this.addBtn.type = "button";
    this.addBtn.addEventListener("click", () => this.openAdd(null, null));
    this.hint = el("span", "nv-hint");
    this.hint.id = "nv-hint";
    bar.append(this.choose, this.fitBtn, this.rearrangeBtn, this.addBtn, this.hint);
    this.canvasBox = el("div", "nv-canvas");
    this.canvasBox.addEventListener("keydown", (e) => {
      if (e.target !== e.currentTarget && e.target.closest && e.target.closest("form")) return;
      if ((e.key === "f" || e.key === "F") && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        this.fit();
      }
    });
    this.status = el("div", "nv-status", "Loading the map…");
    this.canvasBox.append(this.status);
    this.legend = el("div", "nv-legend");
    this.list = el("section", "nv-list");
    // The quick panel (add a person and how they are with the client; or link the lit pattern) floats
    // over the drawing's top-left corner, outside the canvas so that typing never pans or fits the map.
    this.stage = el("div", "nv-stage");
    this.panel = el("form", "nv-panel");
    this.panel.hidden = true;
    this.panel.noValidate = true;
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        this.closePanel();
      }
    });
    this.stage.append(this.canvasBox, this.panel);
    this.wrap.append(this.cssLink, this.appCssLink, bar, this.stage, this.legend, this.list);
    root.appendChild(this.wrap);
  }

  emit(ev) {
    this.counter = (this.counter + 1) % 1000;
    ev.seq = Date.now() * 1000 + this.counter;
    this.send("event", ev);
    if (KEPT_TYPES.has(ev.type) && this.data && !this.data.ro) keepUntilAcked(ev, this);
  }

  // Where each corner's label sits: just beyond the farthest person in that sector (at least the
  // middle ring), so the labels frame the people instead of forcing a far zoom-out.
  // Python computed `far` from every person's box and names (ditmap/labels.py: title_centre_radius), so the
  // title clears them at every zoom; it grows in map units when zoomed out, and moves out as it grows.
  sectorLabels(scale = 1) {
    const b = this.data.backdrop;
    const [cx, cy] = b.centre;
    const out = [];
    for (const s of b.sectors) {
      const radius = s.far + (s.reach + 6) / Math.min(1, Math.max(scale, MIN_LABEL_SCALE));
      const a = (s.angle * Math.PI) / 180;
      out.push({ s, radius, x: cx + radius * Math.cos(a), y: cy - radius * Math.sin(a) });
    }
    return out;
  }

  // Corner labels keep a readable size on screen when zoomed far out (a big map), never shrinking below it.
  labelFont(scale = 1) {
    const px = (this.data && this.data.client ? 24 : 18) / Math.min(1, Math.max(scale, MIN_LABEL_SCALE));
    return `600 ${Math.round(px)}px system-ui, -apple-system, Segoe UI, sans-serif`;
  }

  // Where people are: the network's positions once drawn, else the data's (before the first draw).
  positions() {
    if (this.network && this.sig.nodes.size) return this.network.getPositions();
    return Object.fromEntries((this.data ? this.data.people : []).map((p) => [p.id, { x: p.x, y: p.y }]));
  }

  // The view that fits the people *and* the corner labels (vis-network's own fit() knows only the nodes).
  fitView() {
    const pts = Object.values(this.positions());
    const w = this.canvasBox.clientWidth || 600, h = this.canvasBox.clientHeight || 400;
    const m = document.createElement("canvas").getContext("2d");
    let scale = 1, box = null;
    for (let round = 0; round < 5; round++) {
      // Labels keep their screen size, so their extent depends on the scale: let the two settle.
      let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (const p of pts) {
        x0 = Math.min(x0, p.x - 70); x1 = Math.max(x1, p.x + 70);
        y0 = Math.min(y0, p.y - 35); y1 = Math.max(y1, p.y + 35);
      }
      m.font = this.labelFont(scale);
      const k = 1 / Math.min(1, Math.max(scale, MIN_LABEL_SCALE));
      for (const l of this.sectorLabels(scale)) {
        const half = m.measureText(l.s.label).width / 2 + 12 * k;
        x0 = Math.min(x0, l.x - half); x1 = Math.max(x1, l.x + half);
        y0 = Math.min(y0, l.y - 20 * k); y1 = Math.max(y1, l.y + 20 * k);
      }
      scale = Math.min(w / (x1 - x0), h / (y1 - y0), 1.6);
      box = [x0, x1, y0, y1];
    }
    const [x0, x1, y0, y1] = box;
    return { position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 }, scale };
  }

  fit() {
    if (!this.network || !this.data) return;
    const view = this.fitView();
    this.network.moveTo({ ...view, animation: false });
    this.readableLabels();
  }

  labelFactorAt(scale) {
    const want = this.data.client ? 16 : 11;
    return Math.round(Math.min(MAX_LABEL_FACTOR, Math.max(1, want / (this.data.font * scale))) * 10) / 10;
  }

  // People's names keep a readable size on screen when the map is zoomed out to fit a small screen
  // (a tablet): their font grows in map units, up to MAX_LABEL_FACTOR, as the scale shrinks.
  readableLabels() {
    const net = this.network, d = this.data;
    if (!net || !d) return;
    const factor = this.labelFactorAt(net.getScale());
    if (factor === (this.labelFactor || 1)) return;
    this.labelFactor = factor;
    this.apply(d);
  }

  update(data) {
    this.data = data;
    if (!data.ro) acknowledge(data.ack, this); // the one drawing on a page that edits
    if (this.cssLink.getAttribute("href") !== data.lib.css) this.cssLink.setAttribute("href", data.lib.css);
    if (this.appCssLink.getAttribute("href") !== data.lib.appcss) this.appCssLink.setAttribute("href", data.lib.appcss);
    this.canvasBox.style.height = `${data.height}px`;
    this.aria = data.aria;
    if (this.network) this.network.canvas.frame.setAttribute("aria-label", data.aria);
    this.wrap.classList.toggle("nv-client", !!data.client);
    this.fitBtn.textContent = data.words.fit;
    this.hint.textContent = data.ro ? data.words.hintReadOnly : data.words.hint;
    if ((data.ro || !data.actions) && !this.panel.hidden) this.closePanel();
    this.renderToolbar(data);
    this.renderLegend(data);
    // The list (a button per person and relationship) is built after the first frame: at 200 people
    // it is hundreds of elements the page would otherwise lay out before the map can be drawn.
    if (this.network) this.renderList(data);
    if (!this.network) {
      performance.mark("ditmap:mount");
      loadVis(data.lib.js)
        .then((vis) => {
          if (this.destroyed || this.network) return;
          performance.mark("ditmap:vis-ready");
          this.create(vis);
          this.lastClient = !!this.data.client;
          // Frame the map from the data first, so the people are added once, with readable names.
          const view = this.fitView();
          this.labelFactor = this.labelFactorAt(view.scale);
          // People first (drawBackdrop draws the relationships from their positions); this draw also
          // sizes the canvas, which moveTo needs.
          this.apply(this.data, false);
          this.network.moveTo({ ...view, animation: false });
          this.framed = true;
          performance.mark("ditmap:applied");
          this.network.once("afterDrawing", () => {
            // First frame with the whole map on screen: what the benchmark times.
            const t = performance.now();
            performance.mark("ditmap:drawn");
            window.__ditmapMapDrawnAt = t;
            // Then, in the next task, what makes it interactive: relationships' click and hover targets,
            // the list of everyone, and the selection.
            setTimeout(() => {
              if (this.destroyed || !this.network) return;
              this.commitEdges(this.planEdges(this.data));
              this.select(this.data.selected);
              this.renderList(this.data);
              this.network.redraw();
              this.wrap.dataset.ready = "1";
              performance.mark("ditmap:ready");
              window.__ditmapMapReadyAt = performance.now(); // what browser tests wait for
            }, 0);
          });
          this.network.redraw();
        })
        .catch((err) => {
          this.status.textContent = "The map could not be drawn: " + String(err.message || err);
          if (!this.status.isConnected) this.canvasBox.prepend(this.status);
          if (this.data) this.renderList(this.data); // the list still offers every person and relationship
        });
      return;
    }
    const modeChanged = this.lastClient !== undefined && this.lastClient !== !!data.client;
    this.lastClient = !!data.client;
    this.apply(data);
    if (modeChanged) this.fit(); // a new presentation (client view on/off): frame it afresh
  }

  create(vis) {
    this.status.remove();
    this.nodes = new vis.DataSet();
    this.edges = new vis.DataSet();
    const opts = {
      autoResize: true,
      physics: false,
      layout: { improvedLayout: false, randomSeed: 1 },
      interaction: {
        // autoFocus off: hovering the map must never pull focus out of a field someone is typing in.
        keyboard: { enabled: true, bindToWindow: false, autoFocus: false },
        navigationButtons: true,
        multiselect: false,
        hover: true,
        tooltipDelay: 200,
        dragNodes: true,
        selectConnectedEdges: false,
        hoverConnectedEdges: false,
      },
      nodes: { borderWidth: 1.5, borderWidthSelected: 3.5, size: 13 },
      edges: {
        smooth: false,
        width: 1,
        hoverWidth: 0,
        selectionWidth: 0,
        chosen: false,
        color: { color: "rgba(0,0,0,0)", highlight: "rgba(0,0,0,0)", hover: "rgba(0,0,0,0)", inherit: false },
        arrows: { to: { enabled: false } },
      },
    };
    this.network = new vis.Network(this.canvasBox, { nodes: this.nodes, edges: this.edges }, opts);
    const net = this.network;
    // vis-network's own frame takes keyboard focus (arrows pan, +/- zoom, F fits): it is the map's
    // accessible face; the list below offers the same choices as buttons.
    const frame = net.canvas.frame;
    frame.setAttribute("role", "img");
    frame.setAttribute("aria-label", this.aria || "");
    frame.setAttribute("aria-describedby", "nv-hint");
    net.on("beforeDrawing", (ctx) => this.drawBackdrop(ctx));
    net.on("zoom", () => {
      if (this.zoomFrame) return;
      this.zoomFrame = requestAnimationFrame(() => {
        this.zoomFrame = 0;
        this.readableLabels();
      });
    });
    net.on("click", (p) => {
      const d = this.data;
      const acts = d && d.actions && !d.ro;
      if (p.nodes && p.nodes.length) this.emit({ type: "select", kind: "person", id: String(p.nodes[0]) });
      else if (p.edges && p.edges.length) {
        const id = String(p.edges[0]);
        this.emit({ type: "select", kind: "relationship", id });
        // With a pattern lit, a relationship clicked offers "this pattern shows here" at once.
        if (acts && d.hp) this.openLink(id);
      } else {
        const spot = acts ? this.sectorAt(p.pointer.canvas) : null;
        if (spot) this.openAdd(spot.corner, spot.closeness);
        if (d && d.selected) this.emit({ type: "deselect" });
      }
    });
    net.on("dragStart", (p) => {
      if (p.nodes && p.nodes.length) {
        const id = p.nodes[0];
        this.dragging = { id, start: net.getPositions([id])[id] };
      }
    });
    net.on("dragEnd", (p) => {
      const d = this.dragging;
      this.dragging = null;
      if (!d) return;
      const pos = net.getPositions([d.id])[d.id];
      if (!pos) return;
      if (Math.hypot(pos.x - d.start.x, pos.y - d.start.y) < 0.5) return;
      this.emit({ type: "move", id: String(d.id), x: Math.round(pos.x * 10) / 10, y: Math.round(pos.y * 10) / 10 });
    });
    net.on("hoverEdge", (p) => {
      this.hoverEdge = p.edge;
      net.redraw();
    });
    net.on("blurEdge", () => {
      this.hoverEdge = null;
      net.redraw();
    });
  }

  // Which corner's sector and closeness ring a point of the map lies in (null: the centre or outside).
  sectorAt(pt) {
    const b = this.data.backdrop;
    const [cx, cy] = b.centre;
    const dx = pt.x - cx, dy = cy - pt.y;
    const r = Math.hypot(dx, dy);
    if (r < 60 || r > b.rings[2] + 260) return null;
    const deg = (Math.atan2(dy, dx) * 180) / Math.PI;
    const i = b.sectors.findIndex((s) => Math.abs(((deg - s.angle + 540) % 360) - 180) <= s.half);
    if (i < 0) return null;
    const o = r < (b.rings[0] + b.rings[1]) / 2 ? 0 : r < (b.rings[1] + b.rings[2]) / 2 ? 1 : 2;
    return { corner: CORNER_KEYS[i], closeness: CLOSENESS_KEYS[o] };
  }

  closePanel() {
    const hadFocus = this.panel.contains(document.activeElement) ||
      (this.root.getRootNode && this.panel.contains(this.root.getRootNode().activeElement));
    if (hadFocus && this.network) this.network.canvas.frame.focus({ preventScroll: true });
    this.panel.hidden = true;
    this.panel.replaceChildren();
    this.panel.onsubmit = null;
    delete this.panel.dataset.kind;
  }

  // A row of radio buttons: one click (or arrow keys) picks one of `choices` ([value, label] pairs).
  chips(name, legend, choices, value) {
    const fs = el("fieldset", "nv-chips");
    fs.append(el("legend", null, legend));
    for (const [v, label] of choices) {
      const lab = el("label", "nv-chip");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.value = v;
      input.checked = v === value;
      lab.append(input, el("span", null, label));
      fs.append(lab);
    }
    return fs;
  }

  field(labelText, input) {
    const lab = el("label", "nv-field");
    lab.append(el("span", null, labelText), input);
    return lab;
  }

  textInput(max, placeholder) {
    const input = document.createElement("input");
    input.type = "text";
    input.maxLength = max;
    input.autocomplete = "off";
    if (placeholder) input.placeholder = placeholder;
    return input;
  }

  panelButtons(okText) {
    const w = this.data.words;
    const row = el("div", "nv-panel-buttons");
    const ok = el("button", "nv-fit nv-primary", okText);
    ok.type = "submit";
    const cancel = el("button", "nv-fit", w.cancel);
    cancel.type = "button";
    cancel.addEventListener("click", () => this.closePanel());
    row.append(ok, cancel);
    return row;
  }

  // Add a person and how they are with the client, in one step (one edit, one Undo).
  openAdd(corner, closeness) {
    const d = this.data, w = d.words, q = d.quick;
    if (!d || !q) return;
    this.closePanel();
    const f = this.panel;
    f.dataset.kind = "add";
    f.setAttribute("aria-label", w.addTitle);
    f.append(el("h4", "nv-h", w.addTitle));
    const name = this.textInput(200, w.namePlaceholder);
    name.required = true;
    const role = this.textInput(80, w.rolePlaceholder);
    const listId = "nv-roles";
    role.setAttribute("list", listId);
    const roles = document.createElement("datalist");
    roles.id = listId;
    for (const r of q.roles) {
      const o = document.createElement("option");
      o.value = r;
      roles.append(o);
    }
    const problem = el("p", "nv-problem");
    problem.setAttribute("role", "alert");
    const chosenCorner = corner || q.corner;
    f.append(this.field(w.name, name), this.field(w.role, role), roles,
      this.chips("kind", w.kindLegend, q.kinds, q.kinds[0][0]),
      this.chips("corner", w.cornerLegend, q.corners, chosenCorner),
      this.chips("closeness", w.closenessLegend, q.closeness, closeness || q.closenessDefault),
      problem, this.panelButtons(w.addOk));
    f.onsubmit = (e) => {
      e.preventDefault();
      const alias = name.value.trim();
      if (!alias) {
        problem.textContent = w.nameMissing;
        name.focus();
        return;
      }
      const pick = (n) => (f.querySelector(`input[name="${n}"]:checked`) || {}).value;
      this.emit({ type: "add_related", alias, role: role.value.trim(), kind: pick("kind"),
        corner: pick("corner"), closeness: pick("closeness") });
      this.closePanel();
    };
    f.hidden = false;
    name.focus();
  }

  // "This pattern shows here": link the lit pattern to a relationship, with a strength and an example.
  openLink(relId) {
    const d = this.data, w = d.words;
    const r = this.relById && this.relById.get(relId);
    const title = (d.choices.find(([id]) => id === d.hp) || [])[1];
    if (!r || !title) return;
    this.closePanel();
    const f = this.panel;
    f.dataset.kind = "link";
    const a = this.alias.get(r.f) || r.f, b = this.alias.get(r.t) || r.t;
    f.setAttribute("aria-label", w.linkTitle);
    f.append(el("h4", "nv-h", w.linkTitle), el("p", "nv-what", `${title} · ${a} – ${b}`));
    const example = this.textInput(2000, w.examplePlaceholder);
    f.append(this.chips("strength", w.strengthLegend, d.quick.strengths, "2"), this.field(w.example, example),
      this.panelButtons(w.linkOk));
    const pattern = d.hp;
    f.onsubmit = (e) => {
      e.preventDefault();
      const strength = Number((f.querySelector('input[name="strength"]:checked') || {}).value || 2);
      this.emit({ type: "link", relationship: relId, pattern, strength, example: example.value.trim() });
      this.closePanel();
    };
    f.hidden = false;
    const first = f.querySelector('input[name="strength"]:checked');
    (first || example).focus();
  }

  // Tooltip lines, assembled from words Python chose; the result is only ever used as text.
  personTip(p, d) {
    const w = d.words;
    const lines = [p.a];
    if (!d.client) lines.push(w.role + p.r);
    else if (!p.me && p.r !== "other" && p.r !== "self") lines.push(p.r);
    if (p.dead) lines.push(w.deadTip);
    if (p.nt) lines.push(w.notes + p.nt);
    if (p.cg && w.change) lines.push(w.change[p.cg]);
    return lines;
  }

  relTip(r, d) {
    const w = d.words;
    const a = this.alias.get(r.f) || r.f, b = this.alias.get(r.t) || r.t;
    const st = d.kinds[r.k];
    const lines = [`${a} – ${b}`];
    const facts = [st ? st.label : "", w.corner[r.c]];
    if (w.intensity) facts.push(w.intensity.replace("{n}", String(r.n)));
    facts.push(w.closeness[r.o]);
    lines.push(facts.join(" · "));
    if (r.ar === 1) lines.push(`${w.from}${a} → ${b}`);
    if (r.ar === 2) lines.push(`${w.from}${b} → ${a}`);
    if (r.fe) lines.push(w.feelings + r.fe.join(", "));
    if (r.cs) lines.push(w.communication + r.cs);
    if (r.hl === 1 && r.s) lines.push(w.litTip.replace("{s}", String(r.s)));
    if (r.p && r.p.length) lines.push(w.patterns + r.p.map((i) => d.patterns[i]).join("; "));
    if (r.nt) lines.push(w.notes + r.nt);
    if (r.cg && w.change) lines.push(w.change[r.cg]);
    return lines;
  }

  colourOf(r, d) {
    const c = d.colours;
    return r.hl === 1 ? c.highlight : r.hl === 2 ? c.dimmed : c.corners[r.c];
  }

  nodeOf(p, d) {
    const c = d.colours;
    const self = !!p.me;
    const shape = p.sh || "dot";
    const border = p.hl === 1 ? c.highlight : p.dead ? c.dead : self ? c.self : c.border;
    const fill = self ? c.self : c.fill;
    // A change between two versions (supervision): a text mark before the name, never colour alone.
    const mark = p.cg && d.words.changeMarks ? d.words.changeMarks[p.cg] + " " : "";
    const node = {
      id: p.id,
      label: mark + (p.lb || p.a),
      title: this.personTip(p, d).join("\n"),
      x: p.x,
      y: p.y,
      shape,
      size: self ? 22 : shape === "dot" ? 13 : 16,
      borderWidth: p.hl === 1 || p.cg === 1 ? 4 : 1.5,
      opacity: p.hl === 2 || p.cg === 2 ? 0.45 : 1,
      color: {
        background: fill,
        border,
        highlight: { background: fill, border: "#2f6f73" },
        hover: { background: fill, border },
      },
      shapeProperties: { borderDashes: p.dead || p.cg === 2 ? [5, 4] : false },
      font: {
        // Never larger than the font at which names stay clear of each other (Python's `lf`).
        size: Math.min(d.font * (this.labelFactor || 1), d.lf || Infinity) + (self ? 2 : 0),
        color: p.hl === 2 ? "#7a7f82" : c.text,
        strokeWidth: shape === "box" ? 0 : 4,
        strokeColor: "#ffffff",
        face: "system-ui, -apple-system, Segoe UI, sans-serif",
      },
    };
    if (shape === "box") node.margin = 8;
    return node;
  }

  edgeOf(r, d) {
    const e = { id: r.id, from: r.f, to: r.t, title: this.relTip(r, d).join("\n"), width: 1 };
    e.smooth = r.b ? { enabled: true, type: r.b > 0 ? "curvedCW" : "curvedCCW", roundness: Math.abs(r.b) } : false;
    return e;
  }

  // The relationships' vis-network edges: transparent click and hover targets (the lines themselves are
  // drawn by drawBackdrop), so the first frame need not wait for them.
  planEdges(d) {
    const sig = new Map();
    const upd = [];
    for (const r of d.rels) {
      const e = this.edgeOf(r, d);
      const s = JSON.stringify(e);
      sig.set(r.id, s);
      if (this.sig.edges.get(r.id) !== s) upd.push(e);
    }
    return { sig, upd, gone: [...this.sig.edges.keys()].filter((id) => !sig.has(id)) };
  }

  commitEdges(plan) {
    if (plan.gone.length) this.edges.remove(plan.gone.filter((id) => this.edges.get(id)));
    if (plan.upd.length) this.edges.update(plan.upd);
    this.sig.edges = plan.sig;
  }

  apply(d, withEdges = true) {
    const net = this.network;
    // People: update only what changed; a person being dragged keeps the pointer's position.
    if (this.ro !== !!d.ro) {
      this.ro = !!d.ro;
      net.setOptions({ interaction: { dragNodes: !this.ro } });
    }
    this.alias = new Map(d.people.map((p) => [p.id, p.a]));
    const nodeSig = new Map();
    const nodeUpd = [];
    for (const p of d.people) {
      const n = this.nodeOf(p, d);
      const s = JSON.stringify(n);
      nodeSig.set(p.id, s);
      if (this.sig.nodes.get(p.id) === s) continue;
      if (this.dragging && this.dragging.id === p.id) {
        delete n.x;
        delete n.y;
      }
      nodeUpd.push(n);
    }
    const edges = withEdges ? this.planEdges(d) : null;
    const goneNodes = [...this.sig.nodes.keys()].filter((id) => !nodeSig.has(id));
    if (edges && edges.gone.length) this.edges.remove(edges.gone);
    if (goneNodes.length) this.nodes.remove(goneNodes);
    if (nodeUpd.length) this.nodes.update(nodeUpd);
    if (edges) this.commitEdges(edges);
    this.sig.nodes = nodeSig;
    this.relById = new Map(d.rels.map((r) => [r.id, r]));

    // Selection from Python, applied when Python's selection *changes*: the run that reports a click
    // still carries the page's previous selection, and must not undo what the user just clicked.
    const sel = d.selected;
    const selSig = JSON.stringify(sel || null);
    const changed = selSig !== this.lastSel;
    this.lastSel = selSig;
    if (changed) this.select(sel);
    this.markListSelection(sel);
    net.redraw();
  }

  select(sel) {
    const net = this.network;
    const cur = net.getSelection();
    if (!sel) {
      if (cur.nodes.length || cur.edges.length) net.unselectAll();
    } else if (sel.kind === "person" && this.nodes.get(sel.id)) {
      if (cur.nodes.length !== 1 || cur.nodes[0] !== sel.id) net.selectNodes([sel.id], false);
    } else if (sel.kind === "relationship" && this.edges.get(sel.id)) {
      if (cur.nodes.length || cur.edges.length !== 1 || cur.edges[0] !== sel.id) net.selectEdges([sel.id]);
    }
  }

  // The points of a relationship's line, from the people's drawn positions (live while dragging): a
  // straight line, or the quadratic curve vis-network 9.1.2 draws for curvedCW/curvedCCW with this
  // roundness, so the line drawn and the edge's click target coincide.
  relPoints(r) {
    const nodes = this.network.body.nodes;
    const a = nodes[r.f], b = nodes[r.t];
    if (!a || !b) return null;
    if (!r.b) return [{ x: a.x, y: a.y }, { x: b.x, y: b.y }];
    const k = Math.abs(r.b);
    const dx = b.x - a.x, dy = a.y - b.y;
    const reach = (0.5 * k + 0.5) * Math.hypot(dx, dy);
    const turn = r.b > 0 ? 0.5 * k + 0.5 : -0.5 * k + 0.5;
    const angle = (Math.atan2(dy, dx) + turn * Math.PI) % (2 * Math.PI);
    const via = { x: a.x + reach * Math.sin(angle), y: a.y + reach * Math.cos(angle) };
    const pts = [];
    for (let i = 0; i <= 24; i++) {
      const t = i / 24, u = 1 - t;
      pts.push({ x: u * u * a.x + 2 * t * u * via.x + t * t * b.x, y: u * u * a.y + 2 * t * u * via.y + t * t * b.y });
    }
    return pts;
  }

  // Everything drawn on the canvas behind the people: rings, corner labels, then the relationships.
  drawBackdrop(ctx) {
    const d = this.data;
    if (!d || !this.framed) return; // not for the draw that only sizes the canvas
    const b = d.backdrop;
    const [cx, cy] = b.centre;
    ctx.save();
    ctx.setLineDash([3, 7]);
    ctx.lineWidth = 1;
    ctx.strokeStyle = "rgba(31,42,46,0.16)";
    for (const r of b.rings) {
      ctx.beginPath();
      ctx.arc(cx, cy, r, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.font = this.labelFont(this.network.getScale());
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const l of this.sectorLabels(this.network.getScale())) {
      const s = l.s;
      ctx.globalAlpha = 0.07;
      ctx.fillStyle = s.colour;
      ctx.beginPath();
      ctx.moveTo(cx, cy);
      ctx.arc(cx, cy, l.radius - 28, -((s.angle + s.half) * Math.PI) / 180, -((s.angle - s.half) * Math.PI) / 180);
      ctx.closePath();
      ctx.fill();
      ctx.globalAlpha = 0.95;
      ctx.fillText(s.label, l.x, l.y);
    }
    ctx.restore();

    const net = this.network;
    const sel = new Set(net.getSelectedEdges());
    const lit = [];
    const changed = [];
    for (const r of d.rels) {
      const pts = this.relPoints(r);
      if (!pts) continue;
      const st = d.kinds[r.k] || { lines: 1, dashes: [], zigzag: false, arrow: false };
      const halo = sel.has(r.id) ? "rgba(47,111,115,0.45)" : this.hoverEdge === r.id ? "rgba(31,42,46,0.10)" : null;
      if (r.cg === 2) {
        // Removed since the earlier version: faded and dashed, whatever its kind's line.
        ctx.save();
        ctx.globalAlpha = 0.4;
        drawRelationship(ctx, pts, { ...st, dashes: [4, 4], zigzag: false }, r.w, this.colourOf(r, d), ARROWS[r.ar || 0], halo);
        ctx.restore();
      } else {
        drawRelationship(ctx, pts, st, r.w, this.colourOf(r, d), ARROWS[r.ar || 0], halo);
      }
      if (r.hl === 1 && r.s) lit.push([pts, r]);
      if (r.cg) changed.push([pts, r]);
    }
    // Change marks (+ − ✎) on the middle of changed lines: dark text on white, readable without colour.
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.font = "700 13px system-ui, sans-serif";
    for (const [pts, r] of changed) {
      const p = pointAt(pts, pathLength(pts) * 0.5);
      ctx.fillStyle = "#ffffff";
      ctx.strokeStyle = "#1f2a2e";
      ctx.lineWidth = 1.5;
      ctx.setLineDash(r.cg === 2 ? [3, 2] : []);
      ctx.beginPath();
      ctx.arc(p.x, p.y, 10, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = "#1f2a2e";
      ctx.fillText(d.words.changeMarks[r.cg], p.x, p.y + 0.5);
    }
    ctx.restore();
    // Strength badges on the lit pattern's relationships, above the lines.
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.font = "700 12px system-ui, sans-serif";
    for (const [pts, r] of lit) {
      const p = pointAt(pts, pathLength(pts) / 2);
      ctx.fillStyle = d.colours.highlight;
      ctx.beginPath();
      ctx.arc(p.x, p.y, 9, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = "#ffffff";
      ctx.fillText(String(r.s), p.x, p.y + 0.5);
    }
    ctx.restore();
  }

  renderLegend(d) {
    const sig = JSON.stringify([d.legend, d.kinds, d.words, d.client]);
    if (sig === this.sig.legend) return;
    this.sig.legend = sig;
    const L = d.legend;
    const box = this.legend;
    box.replaceChildren();
    box.setAttribute("aria-label", d.words.legend);
    box.append(el("h4", "nv-h", d.words.legend));
    if (L.highlight) {
      const row = el("div", "nv-row nv-lit");
      const sw = el("span", "nv-swatch");
      sw.style.background = d.colours.highlight;
      row.append(sw, el("span", null, `${d.words.lit}: ${L.highlight.label} (${L.highlight.count}) · ${d.words.strength}`));
      box.append(row);
    }
    if (L.kinds.length) {
      const g = el("div", "nv-group");
      g.append(el("span", "nv-gh", d.words.lines));
      for (const k of L.kinds) {
        const st = d.kinds[k];
        const item = el("span", "nv-item");
        const cv = document.createElement("canvas");
        cv.width = 112;
        cv.height = 36;
        cv.className = "nv-sample";
        cv.setAttribute("aria-hidden", "true");
        const ctx = cv.getContext("2d");
        ctx.scale(2, 2);
        drawRelationship(ctx, [{ x: 4, y: 9 }, { x: 52, y: 9 }], st, 1.6, "#1f2a2e", st.arrow ? "to" : null, null);
        item.append(cv, el("span", null, st.label));
        g.append(item);
      }
      box.append(g);
    }
    if (L.corners.length) {
      const g = el("div", "nv-group");
      g.append(el("span", "nv-gh", d.words.corners));
      for (const c of L.corners) {
        const item = el("span", "nv-item");
        const sw = el("span", "nv-swatch");
        sw.style.background = c.colour;
        item.append(sw, el("span", null, c.label));
        g.append(item);
      }
      box.append(g);
    }
    const g = el("div", "nv-group");
    g.append(el("span", "nv-gh", d.words.shapes));
    const glyph = { star: "★", box: "▭", hexagon: "⬢", dot: "●" };
    for (const s of L.shapes) {
      const item = el("span", "nv-item");
      item.append(el("span", "nv-glyph", glyph[s.shape] || "●"), el("span", null, s.label));
      g.append(item);
    }
    if (L.dead) {
      const item = el("span", "nv-item");
      item.append(el("span", "nv-dead"), el("span", null, d.words.dead));
      g.append(item);
    }
    box.append(g);
    if (L.changes && L.changes.length) {
      const c = el("div", "nv-group nv-changes");
      c.append(el("span", "nv-gh", d.words.changes));
      for (const k of L.changes) c.append(el("span", "nv-item", d.words.changeLegend[k]));
      box.append(c);
    }
  }

  renderToolbar(d) {
    const w = d.words;
    const acts = !!d.actions;
    this.rearrangeBtn.hidden = this.addBtn.hidden = !acts || !!d.ro;
    this.rearrangeBtn.textContent = w.rearrange;
    this.rearrangeBtn.title = w.rearrangeTip;
    this.addBtn.textContent = w.add;
    const choices = d.choices || [];
    this.choose.hidden = !acts || !choices.length;
    this.chooseText.textContent = w.choose;
    const sig = JSON.stringify([choices, w.none]);
    if (sig !== this.sig.choices) {
      this.sig.choices = sig;
      const opts = [["", w.none], ...choices].map(([id, title]) => {
        const o = document.createElement("option");
        o.value = id;
        o.textContent = title;
        return o;
      });
      this.chooser.replaceChildren(...opts);
    }
    this.chooser.value = d.hp || "";
  }

  renderList(d) {
    const alias = new Map(d.people.map((p) => [p.id, p.a]));
    const cw = (x) => (x.cg && d.words.change ? ` (${d.words.change[x.cg]})` : "");
    const people = d.people.map((p) => ({ id: p.id, text: (d.client || p.me ? p.a : `${p.a} (${p.r})`) + cw(p) }));
    const rels = d.rels.map((r) => ({
      id: r.id,
      text: `${alias.get(r.f) || r.f} – ${alias.get(r.t) || r.t}: ${d.kinds[r.k] ? d.kinds[r.k].label : ""}, ${d.words.corner[r.c]}` + cw(r),
    }));
    const sig = JSON.stringify([people, rels, d.words.list]);
    if (sig === this.sig.list) return;
    this.sig.list = sig;
    const box = this.list;
    box.replaceChildren();
    box.setAttribute("aria-label", d.words.list);
    box.append(el("h4", "nv-h", d.words.list));
    const mk = (title, items, kind) => {
      box.append(el("h5", "nv-h", title));
      const ul = el("ul");
      for (const it of items) {
        const li = el("li");
        const btn = el("button", "nv-pick", it.text);
        btn.type = "button";
        btn.dataset.kind = kind;
        btn.dataset.id = it.id;
        btn.setAttribute("aria-pressed", "false");
        btn.addEventListener("click", () => {
          if (this.network) {
            this.select({ kind, id: it.id });
            this.network.redraw();
          }
          this.markListSelection({ kind, id: it.id });
          this.emit({ type: "select", kind, id: it.id });
        });
        li.append(btn);
        ul.append(li);
      }
      box.append(ul);
    };
    mk(d.words.people, people, "person");
    mk(d.words.rels, rels, "relationship");
    this.markListSelection(d.selected);
  }

  markListSelection(sel) {
    for (const b of this.list.querySelectorAll("button.nv-pick")) {
      const on = !!sel && b.dataset.kind === sel.kind && b.dataset.id === sel.id;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  // Where a person is drawn, in viewport pixels (browser tests click and drag there).
  screenPosition(id) {
    const p = this.network.getPositions([id])[id];
    if (!p) return null;
    const dom = this.network.canvasToDOM(p);
    const r = this.canvasBox.getBoundingClientRect();
    return { x: r.left + dom.x, y: r.top + dom.y };
  }

  destroy() {
    this.destroyed = true;
    if (this.network) this.network.destroy();
    this.network = null;
    this.wrap.remove();
  }
}

// People and relationships arrive as rows with the field names once ("pf", "rf"); see netview_data.pack.
function unpack(d) {
  if (!d || !d.pf) return d;
  const rows = (list, fields) =>
    list.map((row) => {
      const o = {};
      fields.forEach((f, i) => {
        if (row[i] !== undefined && row[i] !== null) o[f] = row[i];
      });
      return o;
    });
  d.people = rows(d.people, d.pf);
  d.rels = rows(d.rels, d.rf);
  delete d.pf;
  delete d.rf;
  return d;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = unpack(component.data);
  let view = INSTANCES.get(parentElement);
  if (!view) {
    view = new MapView(parentElement);
    INSTANCES.set(parentElement, view);
  }
  view.send = setTriggerValue;
  if (data) view.update(data);
  return () => {
    INSTANCES.delete(parentElement);
    view.destroy();
  };
}
