"""Who is at this browser, read from the server at the start of every run, and the session's end.

- Clinic mode: the session cookie (`st.context.cookies`, sent with the websocket's first request and
  HttpOnly, so no script can read it) names a server-side session; no live session, no page. A person's
  action (a run that is not the live poll) counts as activity; `watch()` warns before the idle sign-out,
  offers "Stay signed in", and ends the page when the session ends (timeout, sign-out elsewhere, or the
  therapist ending a client's share).
- Personal mode: the local therapist, or a client while the client view is held (`services.client_hold`);
  a browser that is not on this computer gets no clinical page.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ditmap.accounts.model import Identity
from ditmap.services.client_hold import ClientHold
from ditmap.services.clinic import CLINIC, services
from ditmap.ui import state
from ditmap.web.hosts import client_address, is_loopback
from ditmap.web.middleware import COOKIE

_LIVE = "_live_session"
_POLL = "_poll_rerun"
_SIGNED_OUT = "_signed_out"
GO_TO_SIGNED_OUT = "<script>window.location.replace('/signout?why={why}');</script>"


def cookie_token() -> str | None:
    """The session token from the cookie (HttpOnly: only the server sees it)."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) else None  # (a stand-in object outside a real server)


def address() -> str:
    peer = st.context.ip_address
    peer = peer if isinstance(peer, str) else ""  # None (or a stand-in) outside a real server
    return client_address(peer, st.context.headers.get("X-Forwarded-For"))


def clinic():  # type: ignore[no-untyped-def]
    return services(state.store())


def hold() -> ClientHold | None:
    records = clinic().records
    return ClientHold(records) if records is not None else None


def hold_moved() -> bool:
    """Personal mode: whether the client view was switched on or off since this page's identity was read
    (a tab already open when the therapist switched it on must not go on showing the clinician view)."""
    if clinic().mode() == CLINIC:
        return False
    h = hold()
    held = h.held_map() if h is not None else None
    who = state.identity()
    return held != (who.share_map if who.is_client else None)


def poll_rerun() -> None:
    """Rerun the whole page because something changed elsewhere: not the person's activity."""
    st.session_state[_POLL] = True
    st.rerun()


def resolve() -> Identity | None:
    """Who is acting in this run, or None (then the page shows why and stops)."""
    c = clinic()
    polled = st.session_state.pop(_POLL, False)
    if c.mode() != CLINIC:
        if not is_loopback(address()):
            state.set_identity(None)
            return None
        h = hold()
        held = h.held_map() if h is not None else None
        who = Identity.client(held, personal=True) if held else Identity.local()
        state.set_identity(who)
        return who
    live = c.accounts.live(cookie_token(), address=address())
    if live is not None and not polled:
        live = c.accounts.touch(live)
    st.session_state[_LIVE] = live
    who = live.identity if live is not None else None
    state.set_identity(who)
    return who


ENDED = "Not saved: this session has ended. Sign in again (or ask your therapist for a new share)."


def acting() -> Identity | None:
    """Who is acting at the moment of an action, checked again: None when the session (or the client's share)
    has ended since this page's last run. A widget's callback runs before the run's own check (`resolve`),
    with the identity of the previous run, so an edit sent just after *End sharing*, a sign-out elsewhere or
    the idle timeout would otherwise still be saved."""
    c = clinic()
    if c.mode() != CLINIC or c.accounts is None:
        return state.identity()
    live = c.accounts.live(cookie_token(), address=address())
    return live.identity if live is not None else None


def stop_without_identity() -> None:
    """The page for a browser with no identity: set-up notice (personal mode elsewhere) or signed out."""
    if clinic().mode() != CLINIC:
        st.title("ditmap is in personal mode")
        st.write("This server shows maps only on the computer it runs on. To use it from other devices, "
                 "set up accounts first: `ditmap user add --admin NAME` (see docs/clinic.md).")
        st.stop()
    why = st.session_state.pop(_SIGNED_OUT, "idle")
    st.title("Signed out")
    st.write("Nothing was lost: every change was saved as it was made.")
    st.html(GO_TO_SIGNED_OUT.format(why="ended" if why == "ended" else why), unsafe_allow_javascript=True)
    st.stop()


def _stay() -> None:
    live = st.session_state.get(_LIVE)
    if live is not None:
        st.session_state[_LIVE] = clinic().accounts.touch(live, min_interval=dt.timedelta(0))


def sign_out() -> None:
    """End this session everywhere it is used; the page then goes to the signed-out page."""
    c = clinic()
    if c.accounts is not None:
        c.accounts.sign_out(cookie_token(), address=address())
    st.session_state[_SIGNED_OUT] = "out"


def watch(seconds: float) -> None:
    """Check the session every `seconds` (a poll: not activity); warn before the idle sign-out."""

    @st.fragment(run_every=seconds)
    def _watch() -> None:
        c = clinic()
        live = c.accounts.live(cookie_token(), address=address()) if c.accounts is not None else None
        if live is None:
            who = state.identity()
            st.session_state[_SIGNED_OUT] = "ended" if who.is_client else "idle"
            poll_rerun()
            return
        st.session_state[_LIVE] = live
        left = live.seconds_left(dt.datetime.now(dt.UTC))
        if not live.identity.is_client and left <= c.accounts.policy.warn_before.total_seconds():
            st.warning(f"You will be signed out in about {max(0, int(left))} seconds without activity.",
                       icon=":material/timer:")
            st.button("Stay signed in", on_click=_stay, key="stay_signed_in", type="primary")

    _watch()
