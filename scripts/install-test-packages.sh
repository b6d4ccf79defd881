#!/usr/bin/env bash
# Every Debian package the test suite needs, each from the script that says why:
# the browser for the browser tests (install-browser.sh) and, for the store tests on a server
# database and the proxy test, PostgreSQL and nginx (install-postgres.sh). Installs only what is missing.
set -euo pipefail
here="$(dirname "$0")"
for script in install-browser.sh install-postgres.sh; do
  bash "$here/$script"
done
