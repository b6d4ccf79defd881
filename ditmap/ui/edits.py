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
import re
from dataclasses import dataclass

import streamlit as st

from ditmap.accounts.model import Identity
from ditmap.integrity import Problem
from ditmap.operations import Operation, OperationError
from ditmap.services import maps as map_services
from ditmap.services.permissions import Refused
from ditmap.store.base import Conflict, Edit, StoreError
from ditmap.ui import access, state, texts

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


def apply(op: Operation, *, where: str, base_version: int | None = None, conflict: str = "panel") -> bool:
    """Send one operation to the store for the open map; True when it was saved.

    `conflict="inline"`: a form that shows the other device's change beside each field (`field_sync`)
    gets a problem line instead of the page-wide conflict panel.
    """
    st.session_state.pop(_PROBLEMS + where, None)
    seen = state.seen_version()  # what this person was looking at when they made the change
    opened = state.current()
    if opened is None:
        _problems(where, [Problem("", "No map is open.")])
        return False
    who = _acting(opened.id, where)
    if who is None:
        return False
    try:  # a refusal (e.g. a supervisor editing) is said plainly and recorded; nothing is sent
        map_services.check(who, state.store(), map_services.action_for(op), opened.id)
    except Refused as refused:
        _problems(where, [Problem("", str(refused))])
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
        applied = map_services.apply(who, state.store(), opened.id, op, base_version=base, author=state.author())
    except Refused as refused:
        _problems(where, [Problem("", str(refused))])
        return False
    except OperationError as err:
        _problems(where, err.problems)
        return False
    except Conflict as c:
        if conflict == "inline":
            _problems(where, [Problem("", "Not saved: this was changed on the other device a moment ago. Choose "
                                          "Keep mine or Take theirs beside the field, then save again.")])
            return False
        st.session_state[_PENDING] = Pending(op, opened.id, sentence, c.current_version, tuple(c.theirs))
        return False
    except StoreError as err:
        _problems(where, [Problem("", str(err))])
        return False
    # Log the kind of operation only: never clinical text.
    log.info("applied %s to a map, version %s", op.op, applied.version)
    _own(opened.id, applied.version)
    state.remember(state.Opened(opened.id, applied.version, applied.map, opened.name))
    st.session_state[NOTICE] = applied.edit.sentence or sentence
    return True


def _acting(map_id: str, where: str | None) -> Identity | None:
    """The identity checked again now (`access.acting`); when its session has ended, the edit is refused:
    recorded in the audit trail and said plainly (beside `where`, or as the page's notice)."""
    who = access.acting()
    if who is not None:
        return who
    last = state.identity()
    map_services.record_refusal(last, state.store(), map_services.Action.EDIT, map_id, why="session ended")
    if where is None:
        st.session_state[NOTICE] = access.ENDED
    else:
        _problems(where, [Problem("", access.ENDED)])
    return None


_OWN = "_own_versions"


def _own(map_id: str, version: int) -> None:
    own: dict[str, set[int]] = st.session_state.setdefault(_OWN, {})
    mine = own.setdefault(map_id, set())
    mine.add(version)
    if len(mine) > 500:  # only recent versions matter (forms compare with the version they last saw)
        for v in sorted(mine)[:250]:
            mine.discard(v)


def own_versions(map_id: str) -> set[int]:
    """The versions this browser session wrote to a map (its own edits, undo and redo)."""
    return set(st.session_state.get(_OWN, {}).get(map_id, set()))


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
    lines = "\n".join(f"- {where_words(p.where) + ': ' if p.where else ''}{p.what}" for p in found)
    st.error("Nothing was changed:\n" + escape_md(lines), icon=":material/error:")


_PATH = re.compile(r"^(?P<coll>[a-z_]+)\[(?P<i>\d+)\](?:\.(?P<field>[a-z_0-9]+))?")
_ITEM_NOUN = {"people": "person", "relationships": "relationship", "patterns": "pattern", "enactments": "link",
              "sessions": "session", "comments": "comment"}


def where_words(where: str) -> str:
    """A problem's place in the words of the page: `sessions[3].number` → "the new session, number".

    The core names places by the file format's paths (`people[2].alias`); people read "Mum, alias".
    """
    match = _PATH.match(where)
    if match is None:
        return where.replace("_", " ") if re.fullmatch(r"[a-z_0-9]+", where) else where
    coll, i, field = match["coll"], int(match["i"]), match["field"]
    opened = state.current(recheck=False)
    items = getattr(opened.map, coll, ()) if opened is not None else ()
    noun = _ITEM_NOUN.get(coll, coll)
    if i < len(items):
        thing = opened.map.label_of(noun, items[i].id) if opened is not None else noun  # type: ignore[union-attr]
        thing = f"{noun} {thing}" if noun in ("relationship", "pattern", "link") else thing
    else:
        thing = f"the new {noun}"
    return thing + (f", {texts.label(field, state.client_view())}" if field else "") + where[match.end():]


_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_{}[]<>#+!|~$"})


def escape_md(text: str) -> str:
    """Markdown-escape user text for st.error/st.info (they render markdown; HTML is never enabled)."""
    return text.translate(_MD_SPECIAL).replace("\n\\- ", "\n- ")


def undo() -> None:
    _step(redo=False)


def redo() -> None:
    _step(redo=True)


def _step(*, redo: bool) -> None:
    opened = state.current()
    if opened is None:
        return
    who = _acting(opened.id, None)
    if who is None:
        return
    try:
        applied = map_services.step(who, state.store(), opened.id, redo=redo, author=state.author())
    except Refused as refused:
        st.session_state[NOTICE] = str(refused)
        return
    except (StoreError, OperationError) as err:
        st.session_state[NOTICE] = f"Could not do that: {err}"
        return
    if applied is not None:
        _own(opened.id, applied.version)
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
