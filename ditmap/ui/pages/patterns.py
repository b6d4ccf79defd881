"""The patterns page script; the page itself is ditmap/ui/views/patterns.py."""

from ditmap.ui.views.patterns import main

main()
