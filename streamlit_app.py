"""ditmap's dashboard: `python -m streamlit run streamlit_app.py`.

Imported once by the server: `app` is the ASGI app (`st.App`) — the dashboard plus the sign-in and
share routes and the middleware that checks Host headers and sends security headers (ditmap/web/).
Run by Streamlit for each browser session (as `__main__`): the frame around every page
(ditmap/ui/shell.py, pages in ditmap/ui/pages/).
"""

import streamlit as st

if __name__ == "__main__":
    from ditmap.ui.shell import main

    main()
else:
    from ditmap.web.app import MIDDLEWARE, ROUTES, prepare

    prepare()
    app = st.App(__file__, routes=ROUTES, middleware=MIDDLEWARE)
