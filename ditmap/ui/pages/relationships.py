"""The relationships page script; the page itself is ditmap/ui/views/relationships.py."""

from ditmap.ui.views.relationships import main

main()
