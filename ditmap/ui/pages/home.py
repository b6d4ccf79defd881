"""The home page script; the page itself is ditmap/ui/views/home.py."""

from ditmap.ui.views.home import main

main()
