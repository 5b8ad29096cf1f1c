#!/usr/bin/env bash
# One command from a fresh Debian machine to a working archive: installs everything, makes a
# small synthetic DVR export (ffmpeg), takes it in, lists it, verifies it, and exports it as a
# package a court could check, checks that package the way its recipient would, and serves the
# web app on the demo archive (./demo-archive).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
node=node_modules/node/bin/node
rm -rf demo-archive demo-package .tmp/demo-drive
mkdir -p .tmp
$node test/fixtures/make-dvr-export.ts .tmp/demo-drive >/dev/null
bin/custody init demo-archive
bin/custody --data demo-archive ingest .tmp/demo-drive --acquisition "Demo drive" \
  --received-from "demo source" --received-at 2021-03-14 --note "synthetic DVR export"
bin/custody --data demo-archive items list
bin/custody --data demo-archive verify
CUSTODY_ORGANIZATION="Demo organisation" bin/custody --data demo-archive export \
  --bagit demo-package --all --description "Demo: the whole synthetic drive"
(cd demo-package && python3 verify-custody.py)
# The product itself: the web app on http://127.0.0.1:8080 (the setup link for the first admin
# is printed below; Ctrl-C stops it).
exec bin/custody --data demo-archive serve
