"""Shared helpers for the dashboard's AppTest tests (tests/test_app_*.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from ditmap.store import open_store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
SAMPLES = ROOT / "sample_data"


def app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def page(at: AppTest, name: str) -> AppTest:
    return at.switch_page(f"ditmap/ui/pages/{name}.py").run()


def store():  # the same database the app uses (DITMAP_DB set by the fixture)
    return open_store()


def open_sample(at: AppTest, stem: str = "depression-self-critical") -> str:
    at.button(key=f"sample_{stem}.ditmap.json").click().run()
    assert not at.exception, at.exception
    return at.query_params["map"]


def open_with_person(at: AppTest, role: str) -> tuple[str, Any, int]:
    """Open the sample map with its person of `role` selected: (map id, that person, the map's version)."""
    map_id = open_sample(at)
    m, version = store().load(map_id)
    person = next(p for p in m.people if p.role == role)
    at.session_state["selected"] = ("person", person.id)
    at.run()
    return map_id, person, version


def save(at: AppTest) -> AppTest:
    """Press the form's Save; the run must raise nothing."""
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    return at


def new_map(at: AppTest, pseudonym: str = "K.") -> str:
    at.text_input(key="new_pseudonym").input(pseudonym)
    at.button(key="FormSubmitter:new_map-Create map").click().run()
    assert not at.exception, at.exception
    return at.query_params["map"]


def sample_json(stem: str = "depression-self-critical") -> dict[str, Any]:
    """The sample file read with plain json — an independent reader, not ditmap's."""
    return json.loads((SAMPLES / f"{stem}.ditmap.json").read_text(encoding="utf-8"))


def table_key(at: AppTest, kind: str) -> str:
    """The current data_editor widget key for a table (see ditmap/ui/tables.py)."""
    return at.session_state[f"_table_key:{kind}"]


def edit_table(at: AppTest, kind: str, edited: dict[int, dict[str, Any]]) -> AppTest:
    """Seed a data_editor edit the way the browser reports it (every edit since the editor was mounted), rerun."""
    at.session_state[table_key(at, kind)] = {"edited_rows": edited, "added_rows": [], "deleted_rows": []}
    return at.run()


def all_text(at: AppTest) -> str:
    """Every string the page shows: values, labels, help, placeholders, options."""
    out: list[str] = []

    def walk(node: Any) -> None:
        for attr in ("value", "label", "body", "help", "placeholder", "caption"):
            try:
                v = getattr(node, attr, None)
            except Exception:
                v = None
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, pd.DataFrame):
                out.append(v.to_csv())
        opts = getattr(node, "options", None)
        if isinstance(opts, (list, tuple)):
            out.extend(str(o) for o in opts)
        for c in getattr(node, "children", {}).values():
            walk(c)

    walk(at._tree)
    focus = focus_panel(at)  # the focus panel's own words and suggestions (its data is JSON)
    if focus is not None:
        out.extend(_strings(focus))
    return "\n".join(out)


def focus_panel(at: AppTest) -> dict[str, Any] | None:
    """What the focus panel was given to show (see ditmap/ui/focus_view.py), if the page has one."""
    for el in at.get("bidi_component"):
        if el.proto.component_name == "ditmap.focus_view":
            return json.loads(el.proto.bytes or el.proto.json)
    return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [] if value.startswith("/component/") else [value]  # not the module's address
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in ("kind", "id") for t in _strings(v)]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v)]
    return []



def clinic_session(monkeypatch, name: str, roles: set[str], *, owns: str | None = None,
                   supervises: str | None = None) -> str:
    """Clinic mode for the app's store, with `name` signed in: the app reads the session token through
    `ditmap.ui.access.cookie_token` (AppTest cannot send cookies, so the test hands it over)."""
    import datetime as dt

    from argon2 import PasswordHasher

    from ditmap.accounts.model import SessionRecord
    from ditmap.accounts.signin import SIGNED_IN, Accounts, new_token, token_hash

    records = store().clinic()
    accounts = Accounts(records, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    for who, their_roles in ((name, roles), *(((supervises, {"therapist"}),) if supervises else ())):
        if records.account(who) is None:
            accounts.add(who, "a long quiet river 42", their_roles)
    if owns:
        records.set_owner(owns, supervises or name)
    if supervises:
        records.assign(name, supervises)
    token = new_token()
    now = dt.datetime.now(dt.UTC)
    records.add_session(SessionRecord(token_hash(token), SIGNED_IN, now, now, now + dt.timedelta(hours=1),
                                      account=name))
    signed_in(monkeypatch, token)
    from ditmap.services.clinic import recheck_mode

    recheck_mode()  # the app's process saw personal mode a moment ago: clinic mode starts now
    return token


def signed_in(monkeypatch, token: str) -> None:
    """The app's next runs act as the session `token` names (two people in one test take turns)."""
    monkeypatch.setattr("ditmap.ui.access.cookie_token", lambda: token)


CLIENT_VIEW_PIN = "2468"


def client_view_on(at: AppTest) -> AppTest:
    """The therapist turns the client view on; the first time, they choose the PIN that switches it off."""
    at.toggle(key="client_view_toggle").set_value(True).run()
    if "client_view_new_pin" in [t.key for t in at.text_input]:
        at.text_input(key="client_view_new_pin").input(CLIENT_VIEW_PIN)
        at.text_input(key="client_view_new_pin_again").input(CLIENT_VIEW_PIN)
        at.button(key="FormSubmitter:client_view_pin_form-Turn on").click().run()
    return at
