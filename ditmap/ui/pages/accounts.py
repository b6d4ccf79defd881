"""The Accounts page script (admins, clinic mode); the page itself is ditmap/ui/views/accounts.py."""

from ditmap.ui.views.accounts import main

main()
