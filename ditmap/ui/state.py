"""Per-browser-session state: the store, the open map, who is at the keyboard, the client-view flag.

What must survive a refresh lives in the URL query parameters (`?map=ID&view=client&as=ROLE`),
everything else in `st.session_state`. Streamlit may drop query parameters when the page changes,
so `sync_url()` copies them both ways on every run: the URL wins when it has a value (a refresh, a
pasted link), the session otherwise (after a page switch).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import cache

import streamlit as st

from ditmap.model import DitMap
from ditmap.store import open_store
from ditmap.store.base import MapNotFound, Store

ROLES: tuple[str, ...] = ("therapist", "client", "supervisor")

_MAP = "map_id"
_VIEW = "client_view"
_ROLE = "role"
_AUTHOR = "author_name"
_LOADED = "_loaded_map"
_CHECKED_AT = "_version_checked_at"


@cache
def _open(path: str | None) -> Store:
    # A plain process-wide cache, not st.cache_resource: this is looked up several times on every
    # rerun, and Streamlit's cache hashes its arguments on each call.
    return open_store(path)


def store() -> Store:
    """The store for this server (one per database path, shared by every session)."""
    return _open(db_key() or None)


def db_key() -> str:
    """Which database this server uses: part of every cache key, so two stores never share entries."""
    return os.environ.get("DITMAP_DB") or ""


def sync_url() -> None:
    """Keep the open map, the client-view flag and the role in the URL and the session in step."""
    ss, qp = st.session_state, st.query_params
    if "map" in qp:
        ss[_MAP] = qp["map"]
    elif ss.get(_MAP):
        qp["map"] = ss[_MAP]
    if "view" in qp:
        ss[_VIEW] = qp["view"] == "client"
    elif ss.get(_VIEW):
        qp["view"] = "client"
    if qp.get("as") in ROLES:
        ss[_ROLE] = qp["as"]
    elif ss.get(_ROLE, "therapist") != "therapist":
        qp["as"] = ss[_ROLE]


def client_view() -> bool:
    return bool(st.session_state.get(_VIEW, False))


def set_client_view(on: bool) -> None:
    st.session_state[_VIEW] = on
    if on:
        st.query_params["view"] = "client"
    else:
        st.query_params.pop("view", None)


def role() -> str:
    r = st.session_state.get(_ROLE, "therapist")
    return r if r in ROLES else "therapist"


def set_role(r: str) -> None:
    st.session_state[_ROLE] = r
    if r == "therapist":
        st.query_params.pop("as", None)
    else:
        st.query_params["as"] = r


def author_name() -> str:
    """The name the person at this device gave (may be empty)."""
    return str(st.session_state.get(_AUTHOR, "") or "").strip()[:60]


def set_author_name(name: str) -> None:
    st.session_state[_AUTHOR] = name.strip()[:60]


def author() -> str:
    """The name written into history: the name given in "Who is here", else the role."""
    return author_name() or role()


def read_only() -> bool:
    """Supervisors review: they may comment, nothing else."""
    return role() == "supervisor"


def map_id() -> str | None:
    return st.session_state.get(_MAP) or None


def open_map(mid: str | None) -> None:
    st.session_state[_MAP] = mid
    st.session_state.pop(_LOADED, None)
    if mid:
        st.query_params["map"] = mid
    else:
        st.query_params.pop("map", None)


@dataclass(frozen=True, slots=True)
class Opened:
    """The open map as this session last read it."""

    id: str
    version: int
    map: DitMap
    name: str
    content: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content", hash(self.map))  # ~0.5 ms at 200 people; once per read or write

    @property
    def key(self) -> tuple[int, int]:
        """What process-wide caches key on: the version AND the content, because a version number can
        recur with other content (after `ditmap db restore` from an older backup)."""
        return (self.version, self.content)


def current(*, recheck: bool = True) -> Opened | None:
    """The open map at the store's current version; re-read only when the version moved.

    `recheck=False` trusts what this run already read (the frame checks the store once per run;
    the page need not ask again).
    """
    mid = map_id()
    if not mid:
        return None
    if not recheck:
        known: Opened | None = st.session_state.get(_LOADED)
        if known is not None and known.id == mid:
            return known
    s = store()
    try:
        v = s.version(mid)
        st.session_state[_CHECKED_AT] = time.monotonic()
        cached: Opened | None = st.session_state.get(_LOADED)
        if cached is not None and cached.id == mid and cached.version == v:
            return cached
        m, v = s.load(mid)
        info = s.info(mid)
    except MapNotFound:
        open_map(None)
        return None
    if info.deleted:
        open_map(None)
        return None
    opened = Opened(mid, v, m, info.name)
    st.session_state[_LOADED] = opened
    return opened


def remember(opened: Opened) -> None:
    """Record the map a write returned, so the next run need not read it back."""
    st.session_state[_LOADED] = opened


def checked_recently(seconds: float = 0.5) -> bool:
    """Whether this session read the store's version in the last `seconds` (the live poll can skip it)."""
    return time.monotonic() - st.session_state.get(_CHECKED_AT, -1e9) < seconds


def seen_version() -> int | None:
    cached: Opened | None = st.session_state.get(_LOADED)
    return cached.version if cached else None
