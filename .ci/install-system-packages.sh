#!/usr/bin/env bash
# Debian packages the test suite needs (idempotent). Run as root (CI and dev machines are).
set -euo pipefail
need=()
command -v python3 >/dev/null || need+=(python3 python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
