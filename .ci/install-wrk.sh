#!/usr/bin/env bash
# wrk (Debian's HTTP load generator) for `make bench`'s catalogue benchmark; idempotent.
# Without it the bench falls back to a slower Python load loop.
set -euo pipefail
command -v wrk >/dev/null && exit 0
if [ "$(id -u)" != "0" ]; then echo "install-wrk: not root, skipping" >&2; exit 0; fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2 \
  || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2; }
