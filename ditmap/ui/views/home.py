"""Maps home: open a saved map, start a new one, upload a `.ditmap.json`, open a sample, and
rename / duplicate / archive / delete / restore."""

from __future__ import annotations

import streamlit as st

from ditmap.fileformat import MapFileError, loads
from ditmap.model import empty_map
from ditmap.samples import sample_paths, sample_title
from ditmap.services import maps as map_services
from ditmap.services.permissions import Action, Refused
from ditmap.store.base import MapInfo, StoreError
from ditmap.ui import shell, state
from ditmap.ui.edits import escape_md as md

UPLOAD_PROBLEMS = "_upload_problems"


def _open(map_id: str) -> None:
    state.open_map(map_id)
    shell.goto("map")


def _create() -> None:
    pseudonym = st.session_state.get("new_pseudonym", "").strip() or "Client"
    therapist = st.session_state.get("new_therapist", "").strip()
    try:
        map_id = state.create_map(pseudonym, empty_map(pseudonym[:200], therapist[:200]))
    except Refused as refused:
        st.session_state["_home_error"] = str(refused)
        return
    st.session_state["new_pseudonym"] = ""
    _open(map_id)


def _import_sample(path: str) -> None:
    from ditmap.fileformat import load

    m = load(path)
    try:
        map_id = state.create_map(m.client.pseudonym, m, how="sample")
    except Refused as refused:
        st.session_state["_home_error"] = str(refused)
        return
    _open(map_id)


def _upload() -> None:
    st.session_state.pop(UPLOAD_PROBLEMS, None)
    f = st.session_state.get("upload_file")
    if f is None:
        return
    try:
        m = loads(f.getvalue())
    except MapFileError as err:
        st.session_state[UPLOAD_PROBLEMS] = (f.name, [(p.where, p.what) for p in err.problems])
        return
    try:
        map_id = state.create_map(m.client.pseudonym, m, how="upload")
    except Refused as refused:
        st.session_state["_home_error"] = str(refused)
        return
    except StoreError as err:  # the file is valid but the store cannot take it: say so, in words
        st.session_state[UPLOAD_PROBLEMS] = (f.name, [("client.pseudonym", str(err))])
        return
    _open(map_id)


def _manage(action: str, info: MapInfo) -> None:
    s = state.store()
    try:
        map_services.check(state.identity(), s, Action.EDIT, info.id)
        if action == "rename":
            name = st.session_state.get(f"rename_{info.id}", "").strip()
            if name:
                s.rename(info.id, name[:200])
        elif action == "duplicate":
            m, _version = s.load(info.id)
            state.create_map(f"{info.name} (copy)"[:200], m, how="duplicate")
        elif action in ("archive", "unarchive"):
            s.set_archived(info.id, action == "archive")
        elif action in ("delete", "restore"):
            s.set_deleted(info.id, action == "delete")
            if action == "delete" and state.map_id() == info.id:
                state.open_map(None)
        map_services.record(state.identity(), s, action, info.id)
    except (StoreError, Refused) as err:
        st.session_state["_home_error"] = str(err)


def _map_row(info: MapInfo, awaiting: int = 0) -> None:
    fixed = not state.may(Action.EDIT, info.id)
    with st.container(border=True, key=f"map-row-{info.id}"):
        c1, c2 = st.columns([3, 2], vertical_alignment="center")
        status = " · archived" if info.archived else ""
        status += " · deleted" if info.deleted else ""
        c1.text(f"{info.name}{status}")
        c1.caption(f"version {info.version} · changed {info.updated_at:%Y-%m-%d %H:%M}")
        if awaiting and state.acting_role(info.id) != "supervisor":
            c1.markdown(f":material/comment: **{awaiting} new supervisor comment{'s' if awaiting != 1 else ''}**"
                        " awaiting your reply")
        if not info.deleted:
            c2.button("Open", key=f"open_{info.id}", on_click=_open, args=(info.id,), type="primary",
                      icon=":material/open_in_new:")
        with st.expander("Manage"):
            if info.deleted:
                st.button("Restore", key=f"restore_{info.id}", on_click=_manage, args=("restore", info))
                return
            st.text_input("New name", key=f"rename_{info.id}", value=info.name, max_chars=200)
            b = st.columns(4)
            b[0].button("Rename", key=f"do_rename_{info.id}", on_click=_manage, args=("rename", info),
                        disabled=fixed)
            b[1].button("Duplicate", key=f"dup_{info.id}", on_click=_manage, args=("duplicate", info),
                        disabled=fixed)
            b[2].button("Unarchive" if info.archived else "Archive", key=f"arch_{info.id}", on_click=_manage,
                        args=("unarchive" if info.archived else "archive", info), disabled=fixed)
            b[3].button("Delete", key=f"del_{info.id}", on_click=_manage, args=("delete", info),
                        disabled=fixed, help="Deleted maps can be restored (show deleted maps).")


def main() -> None:
    st.title("Maps")
    if state.client_view():
        st.info("Your therapist will open the map.")
        return
    err = st.session_state.pop("_home_error", None)
    if err:
        st.error(md(err))
    creates = state.may(Action.CREATE)
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("Saved maps", anchor=False)
        f1, f2 = st.columns(2)
        archived = f1.checkbox("Show archived", key="show_archived")
        deleted = f2.checkbox("Show deleted", key="show_deleted")
        maps = map_services.list_maps(state.identity(), state.store(), include_archived=archived,
                                      include_deleted=deleted)
        if not maps:
            st.caption("No saved maps yet. Start a new one, upload a file, or open a sample.")
        awaiting = {i.id: s.awaiting_therapist for i, s in state.store().summaries(include_archived=archived)}
        for info in maps:
            _map_row(info, awaiting.get(info.id, 0))
    with right:
        with st.container(border=True):
            st.subheader("New map", anchor=False)
            with st.form("new_map", clear_on_submit=False, border=False):
                st.text_input("pseudonym", key="new_pseudonym", max_chars=200,
                              help="A code or first initial; never needs to be a real name.")
                st.text_input("therapist", key="new_therapist", max_chars=200)
                st.form_submit_button("Create map", on_click=_create, type="primary", disabled=not creates)
        with st.container(border=True):
            st.subheader("Upload a map file", anchor=False)
            st.file_uploader("A .ditmap.json file", type=["json"], key="upload_file", on_change=_upload,
                             disabled=not creates)
            failed = st.session_state.get(UPLOAD_PROBLEMS)
            if failed:
                name, problems = failed
                st.error(md(f"Nothing was imported: {name} has {len(problems)} problem"
                            f"{'s' if len(problems) != 1 else ''}:"))
                st.dataframe([{"where": w or "(file)", "what": t} for w, t in problems], hide_index=True,
                             width="stretch")
        samples = sample_paths()
        if samples:
            with st.container(border=True):
                st.subheader("Sample cases", anchor=False)
                st.caption("Fictional cases to explore. Opening one copies it into your saved maps.")
                for p in samples:
                    st.button(sample_title(p), key=f"sample_{p.name}", on_click=_import_sample,
                              args=(str(p),), disabled=not creates, width="stretch")
