"""*My account* in the sidebar (clinic mode): change my password (my other sessions end), and set up
one-time codes if my role does not already require them (optional for therapists)."""

from __future__ import annotations

import streamlit as st

from ditmap.accounts import totp
from ditmap.accounts.model import AccountError
from ditmap.ui import access, state
from ditmap.ui.edits import escape_md as md

_SAID = "_my_account_said"
_SECRET = "_my_new_totp_secret"


def _change_password() -> None:
    ss = st.session_state
    live = ss.get(access._LIVE)
    old, new, again = (ss.pop(k, "") or "" for k in ("my_pw_old", "my_pw_new", "my_pw_again"))
    try:
        if new != again:
            raise AccountError("The two new passwords differ; nothing was changed.")
        if live is None:
            raise AccountError("You are not signed in.")
        access.clinic().accounts.change_own_password(live, old, new)
    except AccountError as err:
        ss[_SAID] = (False, str(err))
        return
    ss[_SAID] = (True, "Password changed. Your other sessions have ended.")


def _confirm_code() -> None:
    ss = st.session_state
    try:
        codes = access.clinic().accounts.add_second_factor(state.identity().name, ss.get(_SECRET, ""),
                                                           ss.pop("my_totp_code", "") or "")
    except AccountError as err:
        ss[_SAID] = (False, str(err))
        return
    ss.pop(_SECRET, None)
    ss[_SAID] = (True, "One-time codes are on. Keep these recovery codes (each works once): " + ", ".join(codes))


def panel() -> None:
    who = state.identity()
    with st.expander("My account", icon=":material/person:"):
        said = st.session_state.pop(_SAID, None)
        if said:
            (st.success if said[0] else st.error)(md(said[1]))
        with st.form("my_password", border=False):
            st.text_input("Current password", type="password", key="my_pw_old")
            st.text_input("New password (12 or more characters)", type="password", key="my_pw_new")
            st.text_input("New password again", type="password", key="my_pw_again")
            st.form_submit_button("Change password", on_click=_change_password)
        account = access.clinic().records.account(who.name)
        if account is None or account.totp_secret is not None:
            return
        secret = st.session_state.setdefault(_SECRET, totp.new_secret())
        st.caption("One-time codes (optional for you): scan with an authenticator app, then enter its code.")
        import segno

        st.image(segno.make_qr(totp.provisioning_uri(secret, who.name)).svg_inline(scale=4), width=180)
        with st.form("my_totp", border=False):
            st.text_input("Code from the app", key="my_totp_code", max_chars=8)
            st.form_submit_button("Turn on one-time codes", on_click=_confirm_code)
