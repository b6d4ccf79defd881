"""The client view: one switch to a calm, plain-language screen to show or hand to the client.

It stays on across pages and refreshes (it lives in the URL, see `state.sync_url`) until the
therapist switches it off, which asks for a confirmation so a client does not leave it by accident.
In the client view: no private notes, no clinical terms (`texts.JARGON`), no History page, no list
of other clients' maps, client-safe exports only, larger text.
"""

from __future__ import annotations

import streamlit as st

from ditmap.ui import state

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

_CONFIRM = "_confirm_client_view_off"


def apply_style(script: str = "") -> None:
    """The page's stylesheet, and `script` (constant, ours) if given: one element per run."""
    css = TABLET_CSS + CLIENT_CSS if state.client_view() else TABLET_CSS
    st.html(css + script, unsafe_allow_javascript=bool(script))


def _ask_off() -> None:
    st.session_state[_CONFIRM] = True


def _off() -> None:
    st.session_state.pop(_CONFIRM, None)
    state.set_client_view(False)
    if state.role() == "client":
        state.set_role("therapist")


def _keep() -> None:
    st.session_state.pop(_CONFIRM, None)


def _on() -> None:
    st.session_state.pop("client_view_toggle", None)
    state.set_client_view(True)


def switch() -> None:
    """The sidebar control: a toggle on; a small confirmed button off."""
    if not state.client_view():
        st.toggle("Client view", value=False, on_change=_on, key="client_view_toggle",
                  help="A calm, plain-language view to share with the client. Private notes are hidden.")
        return
    st.caption("Client view is on")
    if st.session_state.get(_CONFIRM):
        st.text("Switch off client view?")
        c1, c2 = st.columns(2)
        c1.button("Yes, switch off", on_click=_off, key="client_view_off_yes")
        c2.button("Keep on", on_click=_keep, key="client_view_off_no")
    else:
        st.button("Therapist: switch off", on_click=_ask_off, key="client_view_off", type="tertiary")
