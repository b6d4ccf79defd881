"""The client view: one switch to a calm, plain-language screen to show or hand to the client.

Personal mode: switching it on makes the server hold it for that map (`services.client_hold`): every
page, tab and refresh on this computer shows the client view until the therapist switches it off with
the PIN chosen the first time. Clinic mode: a client's device is in the client view by its share and
has no switch; a therapist can preview the client view on their own screen.
In the client view: no private notes, no clinical terms (`texts.JARGON`), no History page, no list
of other clients' maps, client-safe exports only, larger text.
"""

from __future__ import annotations

import streamlit as st

from ditmap.services.client_hold import PinError
from ditmap.ui import access, state
from ditmap.ui.edits import escape_md as md

CLIENT_CSS = """
<style>
[data-testid="stAppViewContainer"] .stMarkdown p,
[data-testid="stAppViewContainer"] .stText,
[data-testid="stAppViewContainer"] label,
[data-testid="stAppViewContainer"] input,
[data-testid="stAppViewContainer"] textarea,
[data-testid="stAppViewContainer"] button,
[data-testid="stSidebar"] p { font-size: 1.2rem !important; line-height: 1.6; }
[data-testid="stAppViewContainer"] h1 { font-size: 2.2rem; font-weight: 500; }
[data-testid="stAppViewContainer"] h2, [data-testid="stAppViewContainer"] h3 { font-weight: 500; }
</style>
"""
"""A constant stylesheet: no user text ever goes through st.html."""

TABLET_CSS = """
<style>
/* Readable on a tablet: touch-sized controls. */
[data-testid="stMainBlockContainer"] button { min-height: 2.5rem; }
/* The Map page's preload script (network_view.preload_html) takes no room. */
[data-testid="stElementContainer"]:has(script[data-ditmap-preload]) { display: none; }
</style>
"""

def apply_style(script: str = "") -> None:
    """The page's stylesheet, and `script` (constant, ours) if given: one element per run."""
    css = TABLET_CSS + CLIENT_CSS if state.client_view() else TABLET_CSS
    st.html(css + script, unsafe_allow_javascript=bool(script))


_ASK = "_client_view_ask"
_PROBLEM = "_client_view_problem"


def _hold(map_id: str) -> None:
    h = access.hold()
    if h is None:
        return
    pin = st.session_state.pop("client_view_new_pin", None)
    again = st.session_state.pop("client_view_new_pin_again", None)
    if pin is not None and pin != again:
        st.session_state[_PROBLEM] = "The two PINs differ; try again."
        return
    try:
        h.hold(map_id, pin)
    except PinError as err:
        st.session_state[_PROBLEM] = str(err)
        return
    st.session_state.pop(_ASK, None)
    st.session_state.pop(_PROBLEM, None)


def _on(map_id: str) -> None:
    st.session_state.pop("client_view_toggle", None)
    h = access.hold()
    if h is not None and h.has_pin():
        _hold(map_id)
    else:
        st.session_state[_ASK] = "set"


def _ask_off() -> None:
    st.session_state[_ASK] = "off"


def _cancel() -> None:
    st.session_state.pop(_ASK, None)
    st.session_state.pop(_PROBLEM, None)
    st.session_state.pop("client_view_pin", None)


def _off() -> None:
    h = access.hold()
    pin = st.session_state.pop("client_view_pin", "") or ""
    try:
        if h is not None:
            h.release(pin)
    except PinError as err:
        st.session_state[_PROBLEM] = str(err)
        return
    st.session_state.pop(_ASK, None)
    st.session_state.pop(_PROBLEM, None)


def _preview(on: bool) -> None:
    st.session_state.pop("client_view_toggle", None)
    state.set_preview(on)


def _problem() -> None:
    problem = st.session_state.get(_PROBLEM)
    if problem:
        st.error(md(problem))


def switch(opened: state.Opened | None = None) -> None:
    """The sidebar control for the client view (see the module docstring)."""
    who = state.identity()
    if who.is_client and not who.personal:
        return  # a client's device: the share decides, nothing to switch
    if not who.personal:  # clinic mode: a preview on the therapist's own screen
        if state.client_view():
            st.caption("Client view (preview) is on")
            st.button("Back to the clinician view", on_click=_preview, args=(False,), key="client_view_off",
                      type="tertiary")
        else:
            st.toggle("Client view (preview)", value=False, on_change=_preview, args=(True,),
                      key="client_view_toggle", help="How the client's device shows this map. To hand a device "
                                                     "to the client, use Share with client.")
        return
    if who.is_client:  # personal mode, held by the server
        st.caption("Client view is on")
        if st.session_state.get(_ASK) == "off":
            with st.form("client_view_off_form", border=False):
                st.text_input("Therapist's PIN", type="password", key="client_view_pin", max_chars=12)
                c1, c2 = st.columns(2)
                c1.form_submit_button("Switch off", on_click=_off, type="primary")
                c2.form_submit_button("Keep on", on_click=_cancel)
            _problem()
        else:
            st.button("Therapist: switch off", on_click=_ask_off, key="client_view_off", type="tertiary")
        return
    if opened is None:
        return
    if st.session_state.get(_ASK) == "set":
        st.caption("Choose a PIN (4–12 digits). The client view stays on, on every page and tab of this "
                   "computer, until you switch it off with this PIN.")
        with st.form("client_view_pin_form", border=False):
            st.text_input("New PIN", type="password", key="client_view_new_pin", max_chars=12)
            st.text_input("The same PIN again", type="password", key="client_view_new_pin_again", max_chars=12)
            c1, c2 = st.columns(2)
            c1.form_submit_button("Turn on", on_click=_hold, args=(opened.id,), type="primary")
            c2.form_submit_button("Cancel", on_click=_cancel)
        _problem()
        return
    st.toggle("Client view", value=False, on_change=_on, args=(opened.id,), key="client_view_toggle",
              help="A calm, plain-language view to share with the client. Private notes are hidden. "
                   "Switching it off needs your PIN.")
