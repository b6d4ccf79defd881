"""The sidebar: who is signed in (or the history name in personal mode), the client-view switch,
undo/redo with the sentence of what they will do, exports, sharing with a client's device, the live
update poll and the session watch.
"""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from ditmap.services import maps as map_services
from ditmap.services.clinic import CLINIC
from ditmap.services.permissions import Action, Refused
from ditmap.ui import access, client_view, edits, my_account, share_panel, state
from ditmap.ui.edits import escape_md as md


@lru_cache(maxsize=256)
def undo_redo_sentences(db: str, map_id: str, key: tuple[int, int]) -> tuple[str | None, str | None]:
    """What Undo and Redo would do next, by the store's own rule (one undo stack per map), per version
    and content (`Opened.key`)."""
    store = state.store()
    undo, redo = store.next_undo(map_id), store.next_redo(map_id)
    return (undo.sentence if undo else None, redo.sentence.removeprefix("Redid: ") if redo else None)


_WHO_DONE = "_who_done"


def _who_done() -> None:
    state.set_author_name(str(st.session_state.get("who_name") or ""))
    st.session_state[_WHO_DONE] = True


@st.dialog("Who is here")
def _who_dialog() -> None:
    """Personal mode: the name written into the history (a label only: it grants nothing).

    A dialog, drawn only when asked for: the sidebar is redrawn on every rerun of every page.
    """
    st.text_input("My name (for history)", value=state.author_name(), key="who_name", max_chars=60)
    st.button("Done", type="primary", key="who_done", on_click=_who_done)
    if st.session_state.pop(_WHO_DONE, False):
        st.rerun()


@st.dialog("Download")
def _export_dialog(opened: state.Opened) -> None:
    """Exports, drawn only when asked for; the client view (and anyone without clinician exports) gets
    client versions only. Each export is checked and recorded before its bytes are made."""
    from ditmap.exports import FORMATS, ExportError, export_bytes

    cv = state.client_view()
    clinician_ok = not cv and state.may(Action.EXPORT_CLINICIAN, opened.id)
    private = False
    if clinician_ok:
        private = st.checkbox("Include private process notes", value=False, key="export_private",
                              help="Only in clinician exports; never in client versions.")
    client_version = not clinician_ok or st.checkbox("Client version (plain words, no private notes)", value=False,
                                                     key="export_client")
    formats = [f for f in FORMATS if f.client_safe] if client_version else list(FORMATS)
    names = {f.name: f for f in formats}
    fmt = st.selectbox("Format", list(names), format_func=lambda n: names[n].label, key="export_format")
    f = names.get(fmt) or formats[0]
    pattern = st.session_state.get("highlight_pattern")
    pattern = pattern if pattern in opened.map.patterns_by_id else None
    try:
        map_services.export(state.identity(), state.store(), opened.id, f.name, client=client_version,
                            version=opened.version)
    except Refused as refused:
        st.error(md(str(refused)))
        return
    try:
        with st.spinner("Preparing…"):
            data, name, mime = export_bytes(opened.map, f.name, client=client_version,
                                            private_notes=private and not client_version, pattern_id=pattern)
    except ExportError as err:
        st.error(md(str(err)))
        return
    st.download_button(f"Download {name}", data=data, file_name=name, mime=mime, key="download",
                       on_click="ignore", type="primary", width="stretch", icon=":material/download:")


@st.fragment(run_every=1.0)
def live(map_id: str | None) -> None:
    """Poll each second: when another device changed the map, or (personal mode) the client view was
    switched on or off in another tab, rerun everything."""
    if state.checked_recently():  # the full run this fragment is part of has just read it
        return
    if access.hold_moved():
        access.poll_rerun()
        return
    if map_id is None:
        return
    try:
        v = state.store().version(map_id)
    except Exception:  # the map was deleted meanwhile: the next full run says so
        access.poll_rerun()
        return
    if v != state.seen_version():
        access.poll_rerun()


def _who(clinic_mode: bool) -> None:
    who = state.identity()
    if clinic_mode:
        st.caption(md(f"Signed in as {who.name} ({who.role_label()})"))
        st.button("Sign out", key="sign_out", on_click=access.sign_out, icon=":material/logout:", width="stretch")
        my_account.panel()
        return
    name = state.author_name()
    if st.button(md("Who is here" + (f": {name}" if name else "")), key="who_open", icon=":material/badge:",
                 width="stretch", help="The name written into the history (a label only)."):
        _who_dialog()


def sidebar(opened: state.Opened | None) -> None:
    cv = state.client_view()
    who = state.identity()
    clinic_mode = access.clinic().mode() == CLINIC
    with st.sidebar:
        if clinic_mode:
            access.watch(1.0 if who.is_client else 5.0)  # a client's device leaves within 2 s of "End sharing"
        if opened is not None or not clinic_mode:
            # Early in the sidebar: a fragment snapshots the layout so far, which is cheapest when small.
            # It draws nothing: a tick costs the browser only the run's start and end messages.
            live(opened.id if opened is not None else None)
        if opened is not None:
            # The map's name and its saved state as one element (each element costs every rerun).
            st.markdown(f"### {md(opened.map.client.pseudonym if cv else opened.name)}\n"
                        f":small[:gray[Saved · version {opened.version}]]",
                        help="Every change is saved at once. The map follows other devices live.")
        st.session_state.pop(_WHO_DONE, None)
        if not who.is_client:
            _who(clinic_mode)
            if opened is not None and state.read_only():
                st.caption("Supervision: read-only; you can comment on the map and on the History page.")
        client_view.switch(opened)
        if opened is None:
            return
        if not state.read_only():
            undo, redo = undo_redo_sentences(state.db_key(), opened.id, opened.key)
            if cv:  # history sentences use clinical field names: the client view says it plainly
                undo_help, redo_help = "Undo the last change", "Redo what was undone"
            else:
                undo_help = f"Undo: {md(undo)}" if undo else "Nothing to undo"
                redo_help = f"Redo: {md(redo)}" if redo else "Nothing to redo"
            st.button("Undo", icon=":material/undo:", on_click=edits.undo, disabled=undo is None, key="undo",
                      help=undo_help, shortcut="Alt+Z", width="stretch")
            st.button("Redo", icon=":material/redo:", on_click=edits.redo, disabled=redo is None, key="redo",
                      help=redo_help, shortcut="Alt+Y", width="stretch")
            if undo and not cv:
                st.caption(f"Undo will: {md(undo)}")
        if state.may(Action.EXPORT_CLIENT, opened.id) and st.button(
                "Download…", icon=":material/download:", key="export_open", width="stretch"):
            _export_dialog(opened)
        if clinic_mode and not cv and state.may(Action.SHARE, opened.id):
            share_panel.panel(opened)
        if who.is_client and clinic_mode:
            st.caption("You are joined to this session by your therapist.")
