#!/usr/bin/env bash
# Save desktop (1280 px) and phone (375 px) screenshots of the home page, an
# article, a service page, a provider page and the find-a-service page, for
# a person to look at. Usage: scripts/screenshots.sh [OUTDIR] (default shots/)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-shots}"
TOOLS="${QA_TOOLS:-../shared/tools}"
cargo run --release --quiet -- build --output public
# a11y-check screenshots the first pages it visits (the root index.html
# first, then alphabetically), so stage a copy holding just the five pages
# we want, in that order, with the assets they need.
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -r public/assets "$STAGE/"
cp public/index.html "$STAGE/index.html"
pick() { mkdir -p "$STAGE/$2"; cp "public/$1/index.html" "$STAGE/$2/index.html"; }
pick what-is-palliative-care 1-article
pick services/respite-care 2-service
pick providers/ouzel-valley-hospice 3-provider
pick find-a-service 4-find-a-service
mkdir -p "$OUT"
"$TOOLS/a11y-check" --screenshot "$OUT" --screenshot-pages 5 "$STAGE" || true
ls -1 "$OUT"
