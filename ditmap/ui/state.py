"""Per-browser-session state: the store, the open map, who is acting, the client view.

Who is acting (`identity()`) comes from the server: a signed-in session or a client share (clinic mode),
the local therapist or the held client view (personal mode); see `ditmap.ui.access`. Nothing in the
address widens it: `?map=ID` asks to open a map (the permission check decides, and a client always has
their one map), and `view=`/`as=` are ignored. The open map survives a refresh through `?map=`;
Streamlit may drop query parameters when the page changes, so `sync_url()` copies it both ways.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import cache

import streamlit as st

from ditmap.accounts.model import Identity
from ditmap.model import DitMap
from ditmap.services import maps as map_services
from ditmap.services.permissions import Action, Refused
from ditmap.store import open_store
from ditmap.store.base import MapNotFound, Store
from ditmap.vocab import Role

_MAP = "map_id"
_VIEW = "client_view_preview"  # clinic mode: a therapist previewing the client view on their own screen
_IDENTITY = "_identity"
_OPENED_AS = "_opened_as"  # (who, map id) of the last opening checked and recorded
REFUSED = "_refused"
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


def identity() -> Identity:
    """Who is acting in this run (set by `ditmap.ui.access.resolve` at the start of every run)."""
    who = st.session_state.get(_IDENTITY)
    return who if isinstance(who, Identity) else Identity.local()


def set_identity(who: Identity | None) -> None:
    st.session_state[_IDENTITY] = who


def sync_url() -> None:
    """Keep the open map in the URL and the session in step (a client's map is fixed by the share)."""
    ss, qp = st.session_state, st.query_params
    for ignored in ("view", "as"):  # addresses from before: they grant nothing now
        qp.pop(ignored, None)
    who = identity()
    if who.is_client:
        if ss.get(_MAP) != who.share_map:
            ss[_MAP] = who.share_map
            ss.pop(_LOADED, None)
        if qp.get("map") != who.share_map:
            qp["map"] = who.share_map or ""
        return
    if "map" in qp:
        if qp["map"] != ss.get(_MAP):
            ss.pop(_LOADED, None)
        ss[_MAP] = qp["map"]
    elif ss.get(_MAP):
        qp["map"] = ss[_MAP]


def client_view() -> bool:
    """A client (through a share or the held client view), or a therapist previewing it (clinic mode)."""
    return identity().is_client or bool(st.session_state.get(_VIEW, False))


def set_preview(on: bool) -> None:
    st.session_state[_VIEW] = on


def may(action: Action, map_id_: str | None = None) -> bool:
    """Whether the acting identity may do `action` on the open map (or `map_id_`): a quiet question."""
    return map_services.allowed(identity(), store(), action, map_id_ if map_id_ is not None else map_id())


def author_name() -> str:
    """The name the person at this device gave (may be empty)."""
    return str(st.session_state.get(_AUTHOR, "") or "").strip()[:60]


def set_author_name(name: str) -> None:
    st.session_state[_AUTHOR] = name.strip()[:60]


def author() -> str:
    """The name written into history: the account (clinic mode), "client", or the name given in "Who is here"."""
    who = identity()
    if who.is_client:
        return "client"
    if not who.personal:
        return who.name
    return author_name() or "therapist"


def acting_role(map_id_: str | None = None) -> Role:
    """The role this identity's comments and edits carry on the open map (or `map_id_`): client, supervisor
    (reviewing a map they may not edit) or therapist; decided by `services.maps.author_role`."""
    return map_services.author_role(identity(), store(), map_id_ if map_id_ is not None else map_id())


def read_only() -> bool:
    """Whether this identity may not edit the open map (a supervisor reviews: comments only)."""
    mid = map_id()
    return mid is not None and not may(Action.EDIT, mid)


def map_id() -> str | None:
    who = identity()
    if who.is_client:
        return who.share_map
    return st.session_state.get(_MAP) or None


def open_map(mid: str | None) -> None:
    st.session_state[_MAP] = mid
    st.session_state.pop(_LOADED, None)
    st.session_state.pop(_OPENED_AS, None)
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
    who = identity()
    first = st.session_state.get(_OPENED_AS) != (who, mid)
    if recheck or first:
        try:  # checked on every run (an assignment may end); recorded once per opening
            if first:
                map_services.open_map(who, store(), mid)
            else:
                map_services.check(who, store(), Action.OPEN, mid)
        except Refused as refused:
            st.session_state[REFUSED] = str(refused)
            open_map(None)
            return None
        st.session_state[_OPENED_AS] = (who, mid)
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


def create_map(name: str, m: DitMap, *, how: str = "new") -> str:
    """A new map (owned by the creating therapist in clinic mode); returns its id."""
    return map_services.create_map(identity(), store(), name, m, how=how).id


def remember(opened: Opened) -> None:
    """Record the map a write returned, so the next run need not read it back."""
    st.session_state[_LOADED] = opened


def checked_recently(seconds: float = 0.5) -> bool:
    """Whether this session read the store's version in the last `seconds` (the live poll can skip it)."""
    return time.monotonic() - st.session_state.get(_CHECKED_AT, -1e9) < seconds


def seen_version() -> int | None:
    cached: Opened | None = st.session_state.get(_LOADED)
    return cached.version if cached else None
