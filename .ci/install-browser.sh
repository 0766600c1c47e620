#!/usr/bin/env bash
# What the browser and HTML-quality tests need (idempotent; run as root):
#   Debian's chromium (Playwright drives it by executable_path; no browser download),
#   fonts for Indonesian text and emoji in screenshots, Java for the W3C Nu checker, and
#   Node + npm for the pinned test tools in package.json (vnu-jar, axe-core, Lighthouse).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
command -v java >/dev/null || need+=(default-jre-headless)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# The pinned Node tools themselves are installed by `make test` (npm ci, see Makefile).
