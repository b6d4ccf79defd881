"""Edit forms that keep what is typed through live updates, field by field (see `ditmap.coediting`).

A form's key is the item's id only (never a digest of the item), so a live update never remounts it and
half-typed text stays. Each field keeps its base (stored value and version) in session state. On every
run `prepare` compares the stored value with the base and what the field holds, and `notice` shows
"Changed on the other device to …" beside a field another device changed, with *Keep mine* and *Take
theirs*. `save` sends only the changed fields, against their base version, through the store's
merge-or-conflict rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from ditmap.coediting import Base, base_version, changes, field_state, only_own, same
from ditmap.operations import UpdateItem
from ditmap.ui import edits, state

_BASES = "_bases:"
_CONFLICTS = "_conflicts:"
_SHOWN_MAX = 300


class FieldSync:
    """The fields of one edit form for one item: their bases, and what changed under them."""

    def __init__(self, fk: str, stored: Mapping[str, Any], *, to_widget: Callable[[str, Any], Any] | None = None):
        self.fk = fk
        self.stored = dict(stored)
        self.to_widget = to_widget or (lambda _f, v: list(v) if isinstance(v, tuple) else v)
        opened = state.current(recheck=False)
        self.version = opened.version if opened is not None else 0
        self.map_id = opened.id if opened is not None else ""

    def key(self, field: str) -> str:
        return f"{self.fk}:{field}"

    def prepare(self) -> None:
        """Start new fields from the stored value; move bases on; follow own edits; find others' changes."""
        ss = st.session_state
        bases: dict[str, Base] = ss.setdefault(_BASES + self.fk, {})
        conflicts: dict[str, Any] = {}
        own = edits.own_versions(self.map_id)
        for f, s in self.stored.items():
            k = self.key(f)
            if k not in ss or f not in bases:
                ss[k] = self.to_widget(f, s)
                bases[f] = Base(s, self.version)
                continue
            b = bases[f]
            how = field_state(s, b, ss[k], only_own_edits_since=only_own(b.version, self.version, own))
            if how in ("unchanged", "agreed"):
                bases[f] = Base(s, self.version)
            elif how == "follow":
                ss[k] = self.to_widget(f, s)
                bases[f] = Base(s, self.version)
            else:
                conflicts[f] = s
        ss[_CONFLICTS + self.fk] = conflicts

    def conflicts(self) -> dict[str, Any]:
        return dict(st.session_state.get(_CONFLICTS + self.fk, {}))

    def notice(self, field: str, shown: Callable[[Any], str] | None = None) -> None:
        """Beside a field another device changed: what it is now, and *Keep mine* / *Take theirs*."""
        conflicts = self.conflicts()
        if field not in conflicts:
            return
        s = conflicts[field]
        text = shown(s) if shown is not None else _shown(s)
        with st.container(border=True):
            st.text(f"Changed on the other device to “{text}”.")
            c1, c2 = st.columns(2)
            c1.form_submit_button("Keep mine", key=f"{self.key(field)}:keep", on_click=_keep,
                                  args=(self.fk, field, s, self.version))
            c2.form_submit_button("Take theirs", key=f"{self.key(field)}:take", on_click=_take,
                                  args=(self.fk, field, self.to_widget(field, s), s, self.version))


_LABELS = "_shown_labels"


def keep_choice(key: str, label: str | None) -> None:
    """Keep a choice widget on its item when the item's label changes (a person renamed on another device).

    The browser remembers a choice by its label, so after a rename it would ask for a label that no longer
    exists and the choice would fall back to the first item. When the label shown for the chosen value
    changed since the last run, the value is set again, so the browser is sent the new label.
    """
    ss = st.session_state
    shown: dict[str, str | None] = ss.setdefault(_LABELS, {})
    if key in ss and shown.get(key, label) != label:
        ss[key] = ss[key]
    shown[key] = label


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        text = ", ".join(str(v) for v in value) or "(none)"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    else:
        text = str(value) if str(value) else "(empty)"
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def _keep(fk: str, field: str, stored: Any, version: int) -> None:
    """Keep what is in the field: it now counts as a change made on top of the other device's value."""
    st.session_state.setdefault(_BASES + fk, {})[field] = Base(stored, version)


def _take(fk: str, field: str, widget_value: Any, stored: Any, version: int) -> None:
    st.session_state[f"{fk}:{field}"] = widget_value
    st.session_state.setdefault(_BASES + fk, {})[field] = Base(stored, version)


def save(kind: str, item_id: str, fk: str, values: Mapping[str, Any], *, where: str,
         stored_after: Callable[[], Mapping[str, Any] | None], to_widget: Callable[[str, Any], Any] | None = None
         ) -> bool:
    """Send the fields changed from their bases as one `UpdateItem` made against their base version.

    On success the saved fields take the new version, and fields this person did not touch show the
    stored value (everything typed was just submitted, so nothing is overwritten). On a conflict nothing
    is written and the field shows what the other device wrote.
    """
    ss = st.session_state
    bases: dict[str, Base] = ss.setdefault(_BASES + fk, {})
    changed = changes(bases, values)
    if not changed:
        ss.pop(f"_problems:{where}", None)
        return False
    saved = edits.apply(UpdateItem(kind=kind, id=item_id, changes=changed), where=where,
                        base_version=base_version(bases, changed), conflict="inline")
    if not saved:
        return False
    version = state.seen_version() or 0
    now = stored_after() or {}
    widget = to_widget or (lambda _f, v: list(v) if isinstance(v, tuple) else v)
    for f in values:
        if f in changed:
            bases[f] = Base(now.get(f, changed[f]), version)
        elif f in now and not same(now[f], bases[f].value) and same(values[f], bases[f].value):
            ss[f"{fk}:{f}"] = widget(f, now[f])
            bases[f] = Base(now[f], version)
    return True
