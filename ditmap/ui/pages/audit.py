"""The Audit trail page script (admins, clinic mode); the page itself is ditmap/ui/views/audit.py."""

from ditmap.ui.views.audit import main

main()
