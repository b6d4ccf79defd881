"""Clinic mode: accounts, sign-in, server-side sessions, shares to a client's tablet.

Plain Python over the `ClinicStore` interface (`ditmap.accounts.clinic_store`); the web routes and the
CLI are thin faces over `Accounts` (`signin.py`) and `Shares` (`shares.py`). Who may do what is decided
in one place, `ditmap.services.permissions`. Personal mode (no account exists) needs none of this.
"""
