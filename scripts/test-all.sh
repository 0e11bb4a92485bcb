#!/usr/bin/env bash
# Run every test: formatting and lints, unit and integration tests, then
# build the example site and check every page with the shared QA tools
# (HTML validity, accessibility in headless Chromium, internal links).
# Needs the QA tools' dependencies: run ../shared/tools/install-qa-deps once.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${QA_TOOLS:-../shared/tools}"

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings

step "cargo test"
cargo test --quiet

step "scripts/lower-bound.patch still applies (the experiment in docs/performance.md)"
git apply --check scripts/lower-bound.patch || {
  echo "remake it: apply what still applies, fix the rest, then git diff > scripts/lower-bound.patch" >&2
  exit 1
}

step "build the example site"
cargo run --release --quiet -- build --output public

rc=0
step "carehub check --strict on the example (no errors, nothing overdue)"
cargo run --release --quiet -- check --strict || rc=1
step "link-check"
"$TOOLS/link-check" public || rc=1
step "html-validate"
"$TOOLS/html-validate" public || rc=1
step "a11y-check (all impacts)"
"$TOOLS/a11y-check" --all public || rc=1

step "link-check: built under a sub-path (/hub/)"
cargo run --release --quiet -- build --quiet --base-url https://example.org/hub/ --output target/public-hub
"$TOOLS/link-check" --base-url https://example.org/hub/ target/public-hub || rc=1
step "link-check: portable build (relative links to files)"
cargo run --release --quiet -- build --quiet --portable --output target/public-portable
"$TOOLS/link-check" target/public-portable || rc=1
step "large hub (1,000 generated articles): link-check, and HTML and accessibility checks of the pages only a large hub has"
# The example hub is too small for pages of "What has changed" or an A to Z
# per letter; a generated hub has both.
LARGE=target/large-hub
rm -rf "$LARGE"
cargo run --release --quiet --example gen_corpus -- 1000 "$LARGE/site" 8 > /dev/null
cargo run --release --quiet -- build --quiet --root "$LARGE/site" --output "$LARGE/public"
"$TOOLS/link-check" "$LARGE/public" || rc=1
# A sample (checking all 1,300 pages in Chromium would take half an hour):
# the pages of changes and the A to Z, with the assets and search index they load.
mkdir -p "$LARGE/sample/search/a-z" "$LARGE/sample/changes/page"
cp -r "$LARGE/public/assets" "$LARGE/sample/"
find "$LARGE/public/search" -mindepth 1 -maxdepth 1 -type d ! -name a-z -exec cp -r {} "$LARGE/sample/search/" \;
cp "$LARGE/public/search/index.html" "$LARGE/sample/search/"
cp -r "$LARGE/public/search/a-z/a" "$LARGE/public/search/a-z/0-9" "$LARGE/sample/search/a-z/"
cp -r "$LARGE/public/changes/index.html" "$LARGE/sample/changes/"
last=$(ls "$LARGE/public/changes/page" | sort -n | tail -1)
cp -r "$LARGE/public/changes/page/2" "$LARGE/public/changes/page/$last" "$LARGE/sample/changes/page/"
"$TOOLS/html-validate" "$LARGE/sample" || rc=1
"$TOOLS/a11y-check" --all "$LARGE/sample" || rc=1

step "search and find-a-service in headless Chromium: http, /hub/ and file://"
node scripts/search-browser-test.mjs "${CARGO_TARGET_DIR:-target}/release/carehub" . || rc=1

if [ "$rc" -ne 0 ]; then
  echo "test-all: the QA checks found problems" >&2
  exit 1
fi
echo "test-all: everything passed"
