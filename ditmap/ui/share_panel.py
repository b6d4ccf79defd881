"""*Share with client* (clinic mode): a QR code, a link and a short code for the client's tablet.

The link and code are shown once, to the therapist who made them, and kept only in this browser
session's server memory (the store keeps hashes). The panel polls the share every second: the therapist
sees when the tablet joins, and *End sharing* drops it (the tablet checks its session every second).
"""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlsplit

import segno
import streamlit as st

from ditmap.accounts.shares import NewShare, ShareError
from ditmap.services.permissions import Refused
from ditmap.ui import access, state
from ditmap.ui.edits import escape_md as md

_NEW = "_new_share"


def _origin() -> str:
    url = urlsplit(st.context.url or "")
    return f"{url.scheme}://{url.netloc}" if url.scheme and url.netloc else ""


def _create(map_id: str) -> None:
    shares = access.clinic().shares
    try:
        st.session_state[_NEW] = shares.create(state.identity(), map_id)
    except (Refused, ShareError) as err:
        st.session_state[_NEW] = str(err)


def _end(share_id: str) -> None:
    try:
        access.clinic().shares.end(state.identity(), share_id)
    except (Refused, ShareError) as err:
        st.session_state[_NEW] = str(err)
        return
    new = st.session_state.get(_NEW)
    if isinstance(new, NewShare) and new.share.id == share_id:
        st.session_state.pop(_NEW, None)


def _qr_png(link: str) -> bytes:
    buf = io.BytesIO()
    segno.make_qr(link, error="m").save(buf, kind="png", scale=6, border=2)
    return buf.getvalue()


@st.fragment(run_every=1.0)
def _status(map_id: str) -> None:
    shares = access.clinic().shares
    now = dt.datetime.now(dt.UTC)
    for share in shares.current(state.identity(), map_id):
        if share.state(now) == "joined" and share.redeemed_at is not None:
            st.success(f"Tablet joined at {share.redeemed_at.astimezone():%H:%M}", icon=":material/tablet:")
        else:
            st.info("Waiting for the tablet to join…", icon=":material/hourglass_top:")
        st.button("End sharing", key=f"end_share:{share.id}", on_click=_end, args=(share.id,), type="primary",
                  width="stretch")


def panel(opened: state.Opened) -> None:
    # Its open state is kept by the server (a key and on_change): the sidebar above it grows when the
    # client's first edit arrives ("Undo will: …"), and an expander drawn at a new place would close,
    # hiding *End sharing* from the therapist.
    with st.expander("Share with client", icon=":material/qr_code_2:", key="share_panel", on_change="rerun"):
        new = st.session_state.get(_NEW)
        if isinstance(new, str):
            st.error(md(new))
        elif isinstance(new, NewShare) and new.share.map_id == opened.id:
            link = _origin() + new.path()
            st.image(_qr_png(link), caption="Scan with the tablet's camera", width=200)
            st.text("Or open /join on the tablet and type:")
            st.code(new.code, language=None)
            st.caption(f"Link (works once, within 10 minutes): {md(link)}")
        st.button("New share for this map", key="share_create", on_click=_create, args=(opened.id,),
                  icon=":material/add_link:", width="stretch")
        _status(opened.id)
