"""The history page script; the page itself is ditmap/ui/views/history.py."""

from ditmap.ui.views.history import main

main()
