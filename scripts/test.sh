#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what it needs, then type-checks, lints
# (typed rules, zero warnings), checks formatting and runs every test (PGlite and a throwaway
# PostgreSQL server, real ffmpeg, the real CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
npm run --silent typecheck
npm run --silent typecheck:web
npm run --silent lint
npm run --silent format:check
npm run --silent test
