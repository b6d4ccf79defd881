"""The sessions page script; the page itself is ditmap/ui/views/sessions.py."""

from ditmap.ui.views.sessions import main

main()
