"""A page change waiting to run is not replaced by a fragment timer's rerun (ditmap/web/reruns.py).

Checked on Streamlit's own request queue, as the server uses it: without the fix the tap on another page
ran the old page again (a tablet's tap on "People in your life" was lost on a busy machine)."""

from __future__ import annotations

from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests, ScriptRequestType

from ditmap.web.reruns import keep_page_changes


def _next_run(*requests: RerunData) -> RerunData:
    keep_page_changes()
    queue = ScriptRequests()
    for r in requests:
        assert queue.request_rerun(r)
    ready = queue.on_scriptrunner_ready()
    assert ready.type is ScriptRequestType.RERUN and ready.rerun_data is not None
    return ready.rerun_data


def test_a_timer_rerun_does_not_undo_a_page_change_waiting_to_run():
    run = _next_run(RerunData(page_script_hash="people", page_name="people", query_string="map=m-1"),
                    RerunData(page_script_hash="map", page_name="map", query_string="map=m-1&x=1",
                              fragment_id="live-poll", is_auto_rerun=True))
    assert (run.page_script_hash, run.page_name, run.query_string) == ("people", "people", "map=m-1")
    assert run.fragment_id_queue == [] and not run.is_fragment_scoped_rerun  # the whole page runs


def test_a_fragment_click_after_a_page_change_keeps_its_widget_values_and_the_new_page():
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    states = WidgetStates()
    w = states.widgets.add()
    w.id, w.bool_value = "stay", True
    run = _next_run(RerunData(page_script_hash="people"), RerunData(page_script_hash="map", widget_states=states,
                                                                     fragment_id="watch"))
    assert run.page_script_hash == "people"
    assert [x.id for x in run.widget_states.widgets] == ["stay"]


def test_folding_is_otherwise_streamlit_s_own():
    later = _next_run(RerunData(page_script_hash="map"), RerunData(page_script_hash="people"))
    assert later.page_script_hash == "people"  # two page changes: the later one wins
    fragments = _next_run(RerunData(page_script_hash="map", fragment_id="a", is_auto_rerun=True),
                          RerunData(page_script_hash="map", fragment_id="b", is_auto_rerun=True))
    assert fragments.fragment_id_queue == ["a", "b"]


def test_patching_twice_wraps_once():
    keep_page_changes()
    first = ScriptRequests._request_rerun_locked
    keep_page_changes()
    assert ScriptRequests._request_rerun_locked is first
