"""Every page, in both views, is in the words of the page: no field paths, snake_case values, internal ids,
"phq9", or "1 people" in what the screen shows or a screen reader reads (labels are accessible names)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from app_helpers import _strings, app, client_view_on, focus_panel, new_map, page, store

from ditmap.operations import AddItem, UpdateItem

THERAPIST_PAGES = ("home", "map", "people", "relationships", "patterns", "sessions", "history")
CLIENT_PAGES = ("map", "people", "relationships", "patterns", "sessions")

FIELD_PATH = re.compile(r"\b[a-z_]+\[\d+\](?:\.[a-z_]+)?")
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
GENERATED_ID = re.compile(r"\b[a-z]{1,3}-[0-9a-f]{6}\b")
BAD_PLURAL = re.compile(r"\b1 (?:people|persons|relationships|patterns|sessions|items|links|changes|edits)\b")
MEASURE_FIELD = re.compile(r"\b(?:phq9|gad7)\b")


def developer_words(text: str, ids: set[str]) -> list[str]:
    """Everything in `text` that is a developer's word rather than the page's."""
    found: list[str] = []
    for rx in (FIELD_PATH, SNAKE, GENERATED_ID, BAD_PLURAL, MEASURE_FIELD):
        found += rx.findall(text)
    found += [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    return found


def test_the_checker_finds_each_kind_of_developer_word():
    text = ("sessions[3].number: duplicate session number 3 · target_to_source · phq9 · (1 people) · "
            "Sam (p-762f57) · Removed r-x1")
    assert set(developer_words(text, {"r-x1"})) >= {"sessions[3].number", "target_to_source", "phq9", "1 people",
                                                    "p-762f57", "r-x1"}
    assert developer_words("PHQ-9 · 2 people · source → target · Mum, alias", set()) == []


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


OPTION_WIDGETS = {"selectbox", "multiselect", "radio", "select_slider", "segmented_control", "pills"}


def _shown(at) -> str:
    """What the browser shows and reads out: labels, help, placeholders, the options' *formatted* words, text,
    read-only tables' cells. Not: a choice widget's Python value (the browser gets its formatted option), an
    editable table's raw cells (its columns format them), our constant stylesheet and scripts."""
    out: list[str] = []

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        if kind == "html":
            return
        for attr in ("label", "body", "help", "placeholder", "caption"):
            v = getattr(node, attr, None)
            if isinstance(v, str):
                out.append(v)
        if kind not in OPTION_WIDGETS:
            try:
                v = getattr(node, "value", None)
            except Exception:
                v = None
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, pd.DataFrame):
                editable = bool(getattr(node.proto, "editing_mode", 0))
                out.extend(str(c) for c in v.columns)
                if not editable:
                    out.append(v.to_csv(index=False))
        opts = getattr(node, "options", None)
        if isinstance(opts, (list, tuple)):
            out.extend(str(o) for o in opts)
        for c in getattr(node, "children", {}).values():
            walk(c)

    walk(at._tree)
    focus = focus_panel(at)
    if focus is not None:
        out.extend(t for t in _strings(focus))
    return "\n".join(out)


def _busy_map(at) -> str:
    """A new map built like a first session: generated ids, two people with one alias, a relationship with a
    direction, a session with scores, one pattern linked once, a removed relationship."""
    map_id = new_map(at, "K.")
    page(at, "people")
    for name, role in (("Sam", "friend"), ("Sam", "colleague"), ("Pat", "partner")):
        at.text_input(key="add_person:alias").input(name)
        at.selectbox(key="add_person:role").set_value(role)
        at.button(key="FormSubmitter:add_person-Add person").click().run()
    m, v = store().load(map_id)
    rel = m.relationships[0]
    store().apply(map_id, UpdateItem(kind="relationship", id=rel.id, changes={
        "direction": "target_to_source", "communication_style": "passive-aggressive",
        "kind": "close-hostile/ambivalent"}), base_version=v)
    m, v = store().load(map_id)
    store().apply(map_id, AddItem(kind="session", item={"id": "s-0a0b0c", "number": 1, "date": "2026-11-08",
                                                        "phq9": 14, "gad7": 9, "homework": "notice it"}),
                  base_version=v)
    m, v = store().load(map_id)
    store().apply(map_id, AddItem(kind="pattern", item={"id": "pt-0a0b0c", "title": "Pleasing",
                                                        "self_representation": "a burden"}), base_version=v)
    m, v = store().load(map_id)
    store().apply(map_id, AddItem(kind="enactment", item={"id": "e-0a0b0c", "pattern": "pt-0a0b0c",
                                                          "relationship": rel.id, "strength": 2}), base_version=v)
    at.run()
    pat = next(p for p in store().load(map_id)[0].people if p.alias == "Pat")
    page(at, "relationships")
    pat_rel = next(r for r in store().load(map_id)[0].relationships if pat.id in (r.source, r.target))
    at.session_state["selected"] = ("relationship", pat_rel.id)
    at.run()
    next(b for b in at.button if b.key == f"rm:{pat_rel.id}").click().run()  # "Removed …" in the history
    assert not at.exception
    return map_id


def _ids(map_id: str) -> set[str]:
    m = store().load(map_id)[0]
    items = (*m.people, *m.relationships, *m.patterns, *m.enactments, *m.sessions)
    return {it.id for it in items if not it.id.isalpha()} | {map_id}


def test_every_page_in_both_views_speaks_the_words_of_the_page():
    at = app()
    map_id = _busy_map(at)
    ids = _ids(map_id)
    found: dict[str, list[str]] = {}
    for name in THERAPIST_PAGES:
        page(at, name)
        assert not at.exception, (name, at.exception)
        found[f"therapist {name}"] = developer_words(_shown(at), ids)
    history = _shown(at)
    assert "Removed the relationship with Pat" in history
    client_view_on(at)
    for name in CLIENT_PAGES:
        page(at, name)
        assert not at.exception, (name, at.exception)
        found[f"client {name}"] = developer_words(_shown(at), ids)
    assert not {k: v for k, v in found.items() if v}


def test_the_course_charts_legend_names_the_measures():
    from app_helpers import SAMPLES

    from ditmap.fileformat import load
    from ditmap.ui.views.sessions import course_chart

    for client_view in (False, True):
        spec = course_chart(load(SAMPLES / "depression-self-critical.ditmap.json"), client_view).to_json()
        assert "PHQ-9" in spec and "GAD-7" in spec
        assert not MEASURE_FIELD.search(spec), client_view
