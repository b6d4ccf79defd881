"""The frame around every page: who is acting (`access`), navigation by what they may do, the sidebar
(client view, undo/redo, export, sharing, live updates, sign-out), the conflict panel, and the page itself.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ditmap.accounts.model import ADMIN
from ditmap.services.permissions import Action
from ditmap.ui import access, client_view, edits, network_view, state, texts
from ditmap.ui.edits import escape_md
from ditmap.ui.sidebar import sidebar

PAGES_DIR = Path(__file__).parent / "pages"
_GOTO = "_goto_page"
_PAGES = "_page_objects"



def _page(name: str, cv: bool, *, default: bool = False) -> st.Page:
    """The page object, made once per session (building one resolves and checks its file each time).

    No page icons: the current page's icon becomes the favicon, and a ":material/...:" one is fetched
    from fonts.gstatic.com. The favicon is the emoji in set_page_config, drawn as an inline data: URL.
    """
    pages: dict[tuple[str, bool, bool], st.Page] = st.session_state.setdefault(_PAGES, {})
    key = (name, cv, default)
    if key not in pages:
        pages[key] = st.Page(PAGES_DIR / f"{name}.py", title=texts.page_title(name, cv), url_path=name,
                             default=default)
    return pages[key]


def _landing(name: str, cv: bool, target: st.Page) -> st.Page:
    """A hidden page at the address of page `name`, for whoever may not open that page now (the client
    view, a client's device, a page that needs an open map): it goes straight to `target`.

    Without it such an address gets Streamlit's "Page not found" modal, which leaves everything behind it
    inert until dismissed, the client view's "Therapist: switch off" included (issue 11, "hard to leave").
    """
    pages: dict[tuple[str, bool, bool], st.Page] = st.session_state.setdefault(_PAGES, {})
    key = (f"{name}->{target.url_path}", cv, False)
    if key not in pages:
        pages[key] = st.Page(lambda: _land(target), title=texts.page_title(name, cv), url_path=name,
                             visibility="hidden")
    return pages[key]


def _land(target: st.Page) -> None:
    """Go to `target`, keeping the address's query (the open map)."""
    st.switch_page(target, query_params=st.query_params.to_dict())


def goto(page: str) -> None:
    """Ask for a page switch from a callback (switching happens in the script body)."""
    st.session_state[_GOTO] = page


def main() -> None:
    st.set_page_config(page_title="ditmap", page_icon="🕸️", layout="wide",
                       initial_sidebar_state="expanded")
    who = access.resolve()
    if who is None:
        access.stop_without_identity()
        return
    state.sync_url()
    cv = state.client_view()
    opened = state.current()

    maps_role = who.personal or who.operator or bool(who.roles - {ADMIN})
    names = [] if cv or not maps_role else ["home", "caseload"]
    if opened is not None:
        names += ["map", "people", "relationships", "patterns", "sessions"]
        if not cv and state.may(Action.HISTORY, opened.id):
            names += ["history", "replay", "changes"]
    if not cv and ADMIN in who.roles and not who.personal:
        names += ["accounts", "audit"]
    names = names or ["home"]  # client view with no map open: a calm waiting page
    default = "map" if opened is not None else names[0]
    pages = {name: _page(name, cv, default=name == default) for name in names}
    landings = [_landing(name, cv, pages[default]) for name in texts.PAGE_TITLES if name not in pages]
    nav = st.navigation([*pages.values(), *landings], position="sidebar")
    if nav in landings:  # an address of a page not open to this person now: before anything is drawn
        _land(pages[default])  # (a refusal is said on the page landed on)
    refused = st.session_state.pop(state.REFUSED, None)
    client_view.apply_style(network_view.preload_html() if nav is pages.get("map") else "")

    target = st.session_state.pop(_GOTO, None)
    if target in pages and nav.url_path != pages[target].url_path:
        st.switch_page(pages[target])

    sidebar(opened)
    if refused:
        st.warning(escape_md(refused), icon=":material/block:")
    edits.conflict_panel()
    edits.notice()
    nav.run()
