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
step "search and find-a-service in headless Chromium: http, /hub/ and file://"
node scripts/search-browser-test.mjs "${CARGO_TARGET_DIR:-target}/release/carehub" . || rc=1

if [ "$rc" -ne 0 ]; then
  echo "test-all: the QA checks found problems" >&2
  exit 1
fi
echo "test-all: everything passed"
