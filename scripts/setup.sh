#!/usr/bin/env bash
# Installs what Custody needs on Debian/Ubuntu: system packages (ffmpeg for media, tesseract
# with Russian and English data to read camera overlays, PostgreSQL
# for the server-mode tests, prlimit from util-linux, fonts for the test videos, openssl and
# python3 to check export packages as a recipient would) and the npm
# dependencies, which bring their own Node.js 24. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(ffmpeg postgresql fonts-dejavu-core util-linux time openssl python3 chromium tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x node_modules/node/bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies (with Node.js 24)"
  npm ci --no-audit --no-fund --loglevel=error
fi
node_modules/node/bin/node --version >/dev/null

# The web app, served by `custody serve` from web/dist.
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/vite.config.ts -newer web/dist/index.html 2>/dev/null | head -1)" ]; then
  echo "Building the web app"
  npm run --silent build:web >/dev/null
fi
