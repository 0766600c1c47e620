#!/usr/bin/env bash
# Debian's redis-server for the shared-state tests (idempotent; run as root). The tests
# start their own server on a free 127.0.0.1 port with --save '' and stop it; nothing runs
# as a service here.
set -euo pipefail
if ! command -v redis-server >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server
fi
# The package starts a system service where an init system runs; the tests do not use it.
if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then
  systemctl stop redis-server || true
fi
