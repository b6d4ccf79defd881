"""One module per page, each with `main()`; `ditmap/ui/pages/*.py` are the two-line page scripts that call
them (Streamlit compiles a page script on every run in tests, an imported module only once)."""
