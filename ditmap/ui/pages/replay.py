"""The replay page script; the page itself is ditmap/ui/views/replay.py."""

from ditmap.ui.views.replay import main

main()
