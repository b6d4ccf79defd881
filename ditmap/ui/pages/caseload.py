"""The caseload page script; the page itself is ditmap/ui/views/caseload.py."""

from ditmap.ui.views.caseload import main

main()
