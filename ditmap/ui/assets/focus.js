// ditmap focus panel: the analysis's suggestions with their reasons, and one button each to show it on the
// map. Plain DOM in the component's shadow root: every string is placed with textContent (no innerHTML),
// and all wording comes from Python (ditmap/ui/focus_view.py).

const PANELS = new WeakMap();

const CSS = `
.fp { font-family: inherit; color: #1f2a2e; font-size: 1rem; line-height: 1.5; }
.fp.fp-client { font-size: 1.2rem; line-height: 1.6; }
.fp h3 { font-size: 1.5rem; font-weight: 600; margin: 0 0 0.25rem 0; }
.fp-client h3 { font-weight: 500; }
.fp-note { color: #56605f; font-size: 0.875em; margin: 0 0 0.75rem 0; }
.fp ol { list-style: none; margin: 0; padding: 0; border: 1px solid #d5dbd8; border-radius: 0.5rem; }
.fp li { padding: 0.75rem 1rem; }
.fp li + li { border-top: 1px solid #d5dbd8; }
.fp-label { font-weight: 600; }
.fp-tag { color: #56605f; }
.fp-reason { margin: 0.25rem 0 0.5rem 0; }
.fp button {
  font: inherit; font-size: 0.875em; min-height: 2.5rem; padding: 0.25rem 0.75rem; cursor: pointer;
  border: 1px solid #9aa5a8; border-radius: 0.5rem; background: #ffffff; color: #1f2a2e;
}
.fp button:hover { background: #eef2f0; }
.fp button:focus-visible { outline: 3px solid #2f6f73; outline-offset: 2px; }
`;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

class FocusPanel {
  constructor(root) {
    this.wrap = el("section", "fp");
    const style = el("style");
    style.textContent = CSS;
    root.append(style, this.wrap);
    this.sig = "";
    this.counter = 0;
    this.send = () => {};
  }

  update(d) {
    const sig = JSON.stringify(d);
    if (sig === this.sig) return;
    this.sig = sig;
    this.wrap.classList.toggle("fp-client", !!d.client);
    this.wrap.setAttribute("aria-label", d.heading);
    const parts = [el("h3", null, d.heading), el("p", "fp-note", d.note)];
    if (!d.items.length) {
      parts.push(el("p", "fp-note", d.empty));
    } else {
      const list = el("ol");
      for (const it of d.items) {
        const li = el("li");
        const head = el("div");
        head.append(el("span", "fp-label", it.label));
        if (it.tag) head.append(el("span", "fp-tag", ` · ${it.tag}`));
        const btn = el("button", null, d.show);
        btn.type = "button";
        btn.setAttribute("aria-label", `${d.show}: ${it.label}`);
        btn.addEventListener("click", () => this.emit({ type: "pick", kind: it.kind, id: it.id }));
        li.append(head, el("p", "fp-reason", it.reason), btn);
        list.append(li);
      }
      parts.push(list);
    }
    this.wrap.replaceChildren(...parts);
  }

  emit(ev) {
    this.counter = (this.counter + 1) % 1000;
    ev.seq = Date.now() * 1000 + this.counter;
    this.send("event", ev);
  }
}

export default function (component) {
  const { parentElement, setTriggerValue, data } = component;
  let panel = PANELS.get(parentElement);
  if (!panel) {
    panel = new FocusPanel(parentElement);
    PANELS.set(parentElement, panel);
  }
  panel.send = setTriggerValue;
  if (data) panel.update(data);
  return () => PANELS.delete(parentElement);
}
