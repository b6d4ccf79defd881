"""The people page script; the page itself is ditmap/ui/views/people.py."""

from ditmap.ui.views.people import main

main()
