"""The web face around the Streamlit app: sign-in, sign-out and share routes, and the middleware that
checks the Host header, sends security headers and keeps clinic pages behind a session (`build_app`)."""
