"""A tap on another page is never undone by a timer: Streamlit's rerun requests, folded so the page stays.

Streamlit 1.67 folds rerun requests that arrive before the script runner picks them up into one
(`ScriptRequests._request_rerun_locked`), taking the page and the address from the newest request. Our
pages keep fragments that rerun every second (the live poll, the session watch, the share panel), and
the browser sends their requests with the page it is still showing. So a tap on "People" that lands
while a run is starting was folded with the next timer's request and ran the old page again: the tap
was lost (seen on a busy machine with a tablet in the client view). A fragment's request adds nothing
to a pending whole-page run (that run reruns every fragment), so the pending run keeps its page,
page name and address; everything else is folded as Streamlit folds it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

_MARK = "_ditmap_keeps_page"


def _whole_page(data: Any) -> bool:
    return not data.fragment_id and not data.fragment_id_queue and not data.is_fragment_scoped_rerun


def keep_page_changes() -> None:
    """Patch Streamlit's folding of rerun requests once per process (idempotent)."""
    from streamlit.runtime.scriptrunner_utils import script_requests as sr

    fold = sr.ScriptRequests._request_rerun_locked
    if getattr(fold, _MARK, False):
        return

    def folded(self: Any, new_data: Any) -> bool:
        pending = self._rerun_data if self._state == sr.ScriptRequestType.RERUN else None
        accepted = fold(self, new_data)
        if accepted and pending is not None and _whole_page(pending) and not _whole_page(new_data):
            self._rerun_data = replace(self._rerun_data, page_script_hash=pending.page_script_hash,
                                       page_name=pending.page_name, query_string=pending.query_string)
        return accepted

    setattr(folded, _MARK, True)
    sr.ScriptRequests._request_rerun_locked = folded  # type: ignore[method-assign]


__all__ = ["keep_page_changes"]
