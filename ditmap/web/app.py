"""What `streamlit_app.py` hands to `st.App`: our routes, our middleware, and the offline guard.

(`streamlit run` finds the app by reading `app = st.App(...)` in the script's source, so the call itself
stays in streamlit_app.py.)
"""

from __future__ import annotations

from starlette.middleware import Middleware

from ditmap.web.middleware import Guard
from ditmap.web.offline import no_outward_lookups
from ditmap.web.reruns import keep_page_changes
from ditmap.web.routes import ROUTES

MIDDLEWARE = [Middleware(Guard)]


def prepare() -> None:
    """Before the server answers anything: make sure it never looks outward for its own address, that a
    page change is not lost to a timer's rerun (`reruns`), and open the store (and import what the
    middleware needs) now, so the first request does not wait for it."""
    no_outward_lookups()
    keep_page_changes()
    from ditmap.web.middleware import _clinic

    _clinic().mode()


__all__ = ["MIDDLEWARE", "ROUTES", "prepare"]
