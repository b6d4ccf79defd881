"""Accounts (admins): add an account, disable or enable it, set a new password, reset its one-time codes,
sign it out everywhere, and assign supervisors to therapists. Every change is checked (ACCOUNTS) and
recorded in the audit trail; passwords are typed here and never shown again."""

from __future__ import annotations

import streamlit as st

from ditmap.accounts.model import ADMIN, SUPERVISOR, THERAPIST, AccountError
from ditmap.services.permissions import Action, Refused
from ditmap.ui import access, state
from ditmap.ui.edits import escape_md as md

_MESSAGE = "_accounts_message"


def _done(message: str, ok: bool = True) -> None:
    st.session_state[_MESSAGE] = (ok, message)


def _run(what, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Do one account change as the signed-in admin (checked first); say what happened."""
    c = access.clinic()
    who = state.identity()
    try:
        c.gate.check(who, Action.ACCOUNTS)
        message = what(c.accounts, who.name, *args, **kwargs)
    except (AccountError, Refused) as err:
        _done(str(err), ok=False)
        return
    _done(message)


def _add(accounts, by: str) -> str:  # type: ignore[no-untyped-def]
    ss = st.session_state
    name = (ss.get("acct_name") or "").strip()
    if ss.get("acct_password") != ss.get("acct_password_again"):
        raise AccountError("The two passwords differ; nothing was changed.")
    roles = {ss.get("acct_role") or THERAPIST} if ss.get("acct_role") != "none" else set()
    if ss.get("acct_admin"):
        roles.add(ADMIN)
    accounts.add(name, ss.get("acct_password") or "", roles, by=by)
    for key in ("acct_name", "acct_password", "acct_password_again"):
        ss[key] = ""
    return f"Added {name}."


def _disable(accounts, by: str, name: str, disabled: bool) -> str:  # type: ignore[no-untyped-def]
    accounts.set_disabled(name, disabled, by=by)
    return f"{name} is {'disabled' if disabled else 'enabled'}."


def _reset_code(accounts, by: str, name: str) -> str:  # type: ignore[no-untyped-def]
    accounts.reset_second_factor(name, by=by)
    return f"{name} sets up one-time codes again at the next sign-in."


def _new_password(accounts, by: str, name: str) -> str:  # type: ignore[no-untyped-def]
    pw = st.session_state.pop(f"pw_{name}", "") or ""
    accounts.set_password(name, pw, by=by)
    return f"New password set for {name}; their sessions have ended."


def _sign_out_everywhere(accounts, by: str, name: str) -> str:  # type: ignore[no-untyped-def]
    n = accounts.sign_out_everywhere(name, by=by)
    return f"{name} was signed out of {n} session{'s' if n != 1 else ''}."


def _assign(accounts, by: str, undo: bool, therapist: str = "", supervisor: str = "") -> str:  # type: ignore[no-untyped-def]
    therapist = therapist or st.session_state.get("assign_therapist") or ""
    supervisor = supervisor or st.session_state.get("assign_supervisor") or ""
    accounts.assign(therapist, supervisor, by=by, undo=undo)
    return f"{supervisor} {'no longer supervises' if undo else 'supervises'} {therapist}."


def main() -> None:
    st.title("Accounts")
    c = access.clinic()
    if not c.gate.allowed(state.identity(), Action.ACCOUNTS):
        st.warning("Only an administrator can see this page.")
        st.stop()
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        (st.success if message[0] else st.error)(md(message[1]))
    accounts = c.records.accounts()
    for a in accounts:
        with st.container(border=True):
            c1, c2 = st.columns([2, 3], vertical_alignment="center")
            state_words = "disabled" if a.disabled else "active"
            code = "one-time codes on" if a.totp_secret else ("one-time codes at next sign-in"
                                                             if a.needs_second_factor else "no one-time codes")
            c1.text(f"{a.name} · {a.role_label()}")
            c1.caption(f"{state_words} · {code}")
            with c2.expander("Manage"):
                b = st.columns(3)
                b[0].button("Enable" if a.disabled else "Disable", key=f"dis_{a.name}", on_click=_run,
                            args=(_disable, a.name, not a.disabled))
                b[1].button("Reset one-time codes", key=f"totp_{a.name}", on_click=_run, args=(_reset_code, a.name))
                b[2].button("Sign out everywhere", key=f"out_{a.name}", on_click=_run,
                            args=(_sign_out_everywhere, a.name))
                with st.form(f"pwform_{a.name}", border=False):
                    st.text_input("New password", type="password", key=f"pw_{a.name}")
                    st.form_submit_button("Set new password", on_click=_run, args=(_new_password, a.name))
    left, right = st.columns(2, gap="large")
    with left, st.container(border=True):
        st.subheader("Add an account", anchor=False)
        with st.form("add_account", border=False):
            st.text_input("Name", key="acct_name", max_chars=64)
            st.selectbox("Role", (THERAPIST, SUPERVISOR, "none"), key="acct_role",
                         format_func=lambda r: {"none": "no clinical role (administrator only)"}.get(r, r))
            st.checkbox("Administrator (accounts, supervision, the audit trail)", key="acct_admin")
            st.text_input("Password (12 or more characters)", type="password", key="acct_password")
            st.text_input("The same password again", type="password", key="acct_password_again")
            st.form_submit_button("Add account", on_click=_run, args=(_add,), type="primary")
    with right, st.container(border=True):
        st.subheader("Supervision", anchor=False)
        pairs = c.records.assignments()
        for supervisor, therapist in pairs:
            p1, p2 = st.columns([3, 1], vertical_alignment="center")
            p1.text(f"{supervisor} supervises {therapist}")
            p2.button("End", key=f"unassign_{supervisor}_{therapist}", on_click=_run,
                      args=(_assign, True, therapist, supervisor))
        if not pairs:
            st.caption("No supervisor is assigned yet.")
        therapists = [a.name for a in accounts if THERAPIST in a.roles]
        supervisors = [a.name for a in accounts if SUPERVISOR in a.roles]
        with st.form("assign", border=False):
            st.selectbox("Therapist", therapists, key="assign_therapist")
            st.selectbox("Supervisor", supervisors, key="assign_supervisor")
            st.form_submit_button("Assign", on_click=_run, args=(_assign, False))
