"""ditmap's dashboard: `streamlit run streamlit_app.py` (see ditmap/ui/shell.py for the frame, ditmap/ui/pages/)."""

from ditmap.ui.shell import main

main()
