"""The Map page's one script of its own (starting vis-network early): constant, ours, and on that page only."""

from __future__ import annotations

import json
import re

import pytest
from app_helpers import app, open_sample, page, sample_json

from ditmap.ui.network_view import COMPONENT_NAME


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def _html(at):
    return [el.proto for el in at.get("html")]


def test_only_the_map_page_runs_a_script_and_it_holds_nothing_from_the_map():
    at = app()
    open_sample(at)
    page(at, "map")
    scripts = [h for h in _html(at) if "<script" in h.body]
    assert len(scripts) == 1 and scripts[0].unsafe_allow_javascript
    body = scripts[0].body
    src = re.findall(r's\.src = "([^"]+)";', body)
    assert len(src) == 1 and re.fullmatch(r"/component/[\w.]+/vis-network\.min\.js", src[0]), src
    assert COMPONENT_NAME.split(".")[0] in src[0]  # served from our own component route
    modules = re.findall(r'for \(const href of (\[[^\]]*\])\)', body)
    assert len(modules) == 1, body
    names = [re.fullmatch(r"/component/[\w.]+/(network|focus)\.js\?v=[0-9a-f]{12}", u) for u in json.loads(modules[0])]
    assert [n.group(1) for n in names if n] == ["network", "focus"], modules
    data = sample_json()
    texts = [p["alias"] for p in data["people"]] + [data["client"]["pseudonym"]]
    assert not any(t in body for t in texts)
    for name in ("people", "relationships", "patterns", "sessions", "history"):
        page(at, name)
        assert not any("<script" in h.body or h.unsafe_allow_javascript for h in _html(at)), name
