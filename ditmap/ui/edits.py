"""Apply an edit through the store, at once, and never lose it.

Every change in the dashboard is one operation (`ditmap.operations`) sent to `store.apply` with the
version this session last saw. Three outcomes:
- saved: the session takes the new map and version; a short sentence confirms it;
- invalid (`OperationError`): nothing is changed, the problems (where, what) are kept under the
  name of the form or table that sent it, which shows them beside itself;
- conflict (`Conflict`, someone else changed the same field meanwhile): nothing is written; the
  operation is kept as this person's *pending* change and `conflict_panel()` shows what the other
  person changed, with "apply mine on top" or "discard mine".

Called from widget callbacks, so it only records outcomes in session state; pages render them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from ditmap.integrity import Problem
from ditmap.operations import AddItem, Operation, OperationError, UpdateItem
from ditmap.store.base import Conflict, Edit, StoreError
from ditmap.ui import state

log = logging.getLogger(__name__)

_PROBLEMS = "_problems:"
_PENDING = "_pending_conflict"
NOTICE = "_notice"


@dataclass(frozen=True, slots=True)
class Pending:
    """This person's change that collided with someone else's; kept until they decide."""

    op: Operation
    map_id: str
    sentence: str
    current_version: int
    theirs: tuple[Edit, ...]


def _comment_only(op: Operation) -> bool:
    return isinstance(op, (AddItem, UpdateItem)) and op.kind == "comment"


def apply(op: Operation, *, where: str, base_version: int | None = None) -> bool:
    """Send one operation to the store for the open map; True when it was saved."""
    st.session_state.pop(_PROBLEMS + where, None)
    seen = state.seen_version()  # what this person was looking at when they made the change
    opened = state.current()
    if opened is None:
        _problems(where, [Problem("", "No map is open.")])
        return False
    if state.read_only() and not _comment_only(op):
        _problems(where, [Problem("", "Supervisor view is read-only; you can add and resolve comments.")])
        return False
    try:
        sentence = op.describe(opened.map)
    except OperationError as err:
        _problems(where, err.problems)
        return False
    if base_version is not None:
        base = base_version
    else:
        base = seen if seen is not None and seen <= opened.version else opened.version
    try:
        applied = state.store().apply(opened.id, op, base_version=base, author=state.author())
    except OperationError as err:
        _problems(where, err.problems)
        return False
    except Conflict as c:
        st.session_state[_PENDING] = Pending(op, opened.id, sentence, c.current_version, tuple(c.theirs))
        return False
    except StoreError as err:
        _problems(where, [Problem("", str(err))])
        return False
    # Log the kind of operation only: never clinical text.
    log.info("applied %s to a map, version %s", op.op, applied.version)
    state.remember(state.Opened(opened.id, applied.version, applied.map, opened.name))
    st.session_state[NOTICE] = applied.edit.sentence or sentence
    return True


def _problems(where: str, problems: list[Problem]) -> None:
    st.session_state[_PROBLEMS + where] = list(problems)


def record_problems(where: str, problems: list[Problem]) -> None:
    """Keep the problems of an edit refused before it reached the store, to show beside `where`."""
    _problems(where, problems)


def problems(where: str) -> list[Problem]:
    return list(st.session_state.get(_PROBLEMS + where, []))


def show_problems(where: str) -> None:
    """List the problems of the last edit from `where`, each with where and what (plain text)."""
    found = problems(where)
    if not found:
        return
    lines = "\n".join(f"- {p.where + ': ' if p.where else ''}{p.what}" for p in found)
    st.error("Nothing was changed:\n" + escape_md(lines), icon=":material/error:")


_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_{}[]<>#+!|~$"})


def escape_md(text: str) -> str:
    """Markdown-escape user text for st.error/st.info (they render markdown; HTML is never enabled)."""
    return text.translate(_MD_SPECIAL).replace("\n\\- ", "\n- ")


def undo() -> None:
    _step(state.store().undo)


def redo() -> None:
    _step(state.store().redo)


def _step(action) -> None:  # type: ignore[no-untyped-def]
    opened = state.current()
    if opened is None or state.read_only():
        return
    try:
        applied = action(opened.id, author=state.author())
    except (StoreError, OperationError) as err:
        st.session_state[NOTICE] = f"Could not do that: {err}"
        return
    if applied is not None:
        state.remember(state.Opened(opened.id, applied.version, applied.map, opened.name))
        st.session_state[NOTICE] = applied.edit.sentence


def pending() -> Pending | None:
    p: Pending | None = st.session_state.get(_PENDING)
    return p if p is not None and p.map_id == state.map_id() else None


def drop_pending(op: Operation) -> None:
    """Forget a collided automatic edit (e.g. positions filled in by two devices at once)."""
    p = pending()
    if p is not None and p.op == op:
        st.session_state.pop(_PENDING, None)


def _apply_mine() -> None:
    p = pending()
    if p is None:
        return
    st.session_state.pop(_PENDING, None)
    saved = apply(p.op, where="conflict", base_version=state.store().version(p.map_id))
    if not saved and pending() is None and problems("conflict"):
        # It no longer fits the map as it is now: keep it visible rather than drop it.
        st.session_state[_PENDING] = p


def _discard_mine() -> None:
    st.session_state.pop(_PENDING, None)
    st.session_state.pop(_PROBLEMS + "conflict", None)


def conflict_panel() -> None:
    """Show a collided edit: what the other person changed, and this person's change, kept."""
    p = pending()
    if p is None:
        return
    with st.container(border=True):
        st.warning("Someone else changed the same thing a moment ago. Your change is kept below — nothing is lost.",
                   icon=":material/sync_problem:")
        for e in p.theirs:
            who = e.author or "someone"
            st.text(f"They ({who}, {e.at:%H:%M}): {e.sentence}")
        st.text(f"Yours (not saved yet): {p.sentence}")
        show_problems("conflict")
        c1, c2 = st.columns(2)
        c1.button("Apply mine on top", on_click=_apply_mine, key="conflict_apply", type="primary")
        c2.button("Discard mine", on_click=_discard_mine, key="conflict_discard")


def notice() -> None:
    """Confirm the last saved edit with its sentence (plain text, shown once)."""
    text = st.session_state.pop(NOTICE, None)
    if text:
        st.toast("Saved" if state.client_view() else escape_md(str(text)), icon=":material/check:")
