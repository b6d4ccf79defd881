#!/usr/bin/env bash
# Installs what the PostgreSQL store's tests need from Debian: the `postgresql` server binaries
# (the test suite starts its own throwaway cluster with initdb/pg_ctl as an unprivileged user; the
# package's own cluster is not used) and `nginx` (the proxy test runs it in front of two app processes).
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # policy-rc.d 101: do not start the packages' own services (the tests start their own, on loopback).
  if [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1
/usr/sbin/nginx -v
