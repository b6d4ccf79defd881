#!/usr/bin/env bash
# Every Debian package the test suite needs, each from the script that says why:
# the browser for the browser tests (install-browser.sh) and, for the store tests on a server
# database and the proxy test, PostgreSQL and nginx (install-servers.sh). Installs only what is missing.
set -euo pipefail
here="$(dirname "$0")"
for script in install-browser.sh install-servers.sh; do
  if [ -f "$here/$script" ]; then bash "$here/$script"; fi
done
