"""The audit trail (admins): who did what to which map, when, from where, and the outcome; filters, and a
check of the hash chain. Rows hold no clinical text by construction (see ditmap/audit.py)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ditmap.audit import verify
from ditmap.services.permissions import Action
from ditmap.ui import access, state
from ditmap.ui.edits import escape_md as md


def main() -> None:
    st.title("Audit trail")
    c = access.clinic()
    if not c.gate.allowed(state.identity(), Action.AUDIT):
        st.warning("Only an administrator can see this page.")
        st.stop()
    f1, f2, f3 = st.columns(3)
    map_id = f1.text_input("Map id", key="audit_map", max_chars=64).strip() or None
    user = f2.text_input("Person", key="audit_user", max_chars=64).strip() or None
    since = f3.date_input("Since", value=dt.date.today() - dt.timedelta(days=7), key="audit_since")
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since else None
    rows = c.records.audit_rows(map_id=map_id, actor=user, since=start, limit=1000)
    st.caption(f"{len(rows)} row{'s' if len(rows) != 1 else ''} (newest 1000 at most)")
    st.dataframe([{"#": r.seq, "when (UTC)": r.at.strftime("%Y-%m-%d %H:%M:%S"), "who": r.actor, "role": r.role,
                   "from": r.address, "what": r.action, "map": r.map_id, "outcome": r.outcome, "detail": r.detail}
                  for r in reversed(rows)], hide_index=True, width="stretch")
    if st.button("Check the chain", key="audit_verify", icon=":material/verified:"):
        verdict = verify(c.records.audit_rows(), c.records.audit_head())
        (st.success if verdict.ok else st.error)(md(verdict.message))
