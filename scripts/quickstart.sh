#!/usr/bin/env bash
# One command from a fresh Debian machine to a working archive: installs everything, makes a
# small synthetic DVR export (ffmpeg), takes it in, lists it, verifies it, and exports it as a
# package a court could check, checks that package the way its recipient would, and serves the
# web app on the demo archive (./demo-archive).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
node=node_modules/node/bin/node
rm -rf demo-archive demo-package demo-site .tmp/demo-drive
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
# A staged release of the first demo video: analysed, redacted (the overlay bands covered, as
# they name the camera; the first two seconds muted), rendered, approved by a second person,
# published to the public, and written as a static site for mirrors (./demo-site).
bin/custody --data demo-archive --quiet process --wait
json_field() { $node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(eval("v"+process.argv[1]))})' "$1"; }
video=$(bin/custody --data demo-archive --json items list --kind video --limit 1 | json_field '[0].id')
redaction=$(bin/custody --data demo-archive --json redactions create "$video" --title "Demo" | json_field '.id')
band() { echo "{\"id\":\"$1\",\"fill\":\"opaque\",\"start\":0,\"end\":3600,\"keyframes\":[{\"t\":0,\"x\":0,\"y\":$2,\"w\":1,\"h\":$3}]}"; }
echo "{\"masks\":[$(band top 0 0.22),$(band bottom 0.7 0.3)],\"audio\":[{\"start\":0,\"end\":2,\"mode\":\"mute\"}],\"cut\":null}" |
  bin/custody --data demo-archive redactions set "$redaction" --version 1 --spec -
bin/custody --data demo-archive redactions render "$redaction" --wait
CUSTODY_ACTOR=demo-reviewer bin/custody --data demo-archive redactions review "$redaction" \
  --version 2 --approve --note "demo: overlay covered"
release=$(bin/custody --data demo-archive --json releases create --title "Demo release" \
  --audience public --embargo "$(date -u +%FT%TZ)" --warning "Demo footage" \
  --summary "A synthetic video, redacted and released as a demonstration." \
  --video "$redaction::The first demo video" | json_field '.id')
bin/custody --data demo-archive releases submit "$release" --version 1
CUSTODY_ACTOR=demo-reviewer bin/custody --data demo-archive releases approve "$release" --version 1
rm -rf demo-site
bin/custody --data demo-archive releases site --out demo-site
# The product itself: the web app on http://127.0.0.1:8080 (the setup link for the first admin
# is printed below; the public release page is http://127.0.0.1:8080/published; Ctrl-C stops it).
exec bin/custody --data demo-archive serve
