"""The map page script; the page itself is ditmap/ui/views/map.py."""

from ditmap.ui.views.map import main

main()
