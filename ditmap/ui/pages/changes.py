"""The changes page script; the page itself is ditmap/ui/views/changes.py."""

from ditmap.ui.views.changes import main

main()
