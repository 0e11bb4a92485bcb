#!/usr/bin/env bash
# How fast could carehub build the 10,000-article hub without the work that
# issue 8's target leaves no room for? Builds the current commit with
# scripts/lower-bound.patch in a scratch worktree (the patch adds three
# switches that exist only there, never in a released carehub), then times,
# in turn, over RUNS rounds on the same corpus:
#
#   floor                  pulldown-cmark alone (examples/bench_floor)
#   full                   carehub build as released
#   nocheck                LB_NOCHECK: no reading-age or plain-language check
#   nocheck+noscan         ... and LB_NOSCAN: no link-check scan of the output
#   nocheck+noscan+notera  ... and LB_NOTERA: each article's markdown HTML
#                          written as it is (no template, context, JSON-LD)
#
# and prints each one's median wall time and its ratio to the floor's.
#
#   scripts/lower-bound.sh [RUNS]        (default 3; about 10 minutes, most
#                                          of it the fat-LTO build)
#
# Environment: ARTICLES=10000, BENCH_DIR=/dev/shm/carehub-bench (keep it on
# tmpfs), SEED=8.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${1:-3}"
case "$RUNS" in '' | *[!0-9]* | 0) echo "usage: scripts/lower-bound.sh [RUNS]" >&2; exit 2 ;; esac
N="${ARTICLES:-10000}"
DIR="${BENCH_DIR:-/dev/shm/carehub-bench}"
SEED="${SEED:-8}"
REPO="$PWD"
WORK="$DIR/lower-bound-src"
mkdir -p "$DIR/bin"

echo "== a worktree of HEAD with scripts/lower-bound.patch, in $WORK"
git worktree remove --force "$WORK" 2> /dev/null || rm -rf "$WORK"
git worktree prune
git worktree add --quiet --detach "$WORK" HEAD
trap 'git -C "$REPO" worktree remove --force "$WORK" 2> /dev/null || true' EXIT
git -C "$WORK" apply "$REPO/scripts/lower-bound.patch" || {
  echo "lower-bound: the patch no longer applies to HEAD; remake it (see docs/performance.md)" >&2
  exit 1
}

echo "== building the patched carehub, gen_corpus and bench_floor (release; several minutes)"
# The worktree's own target folder would start from nothing; share ours.
(cd "$WORK" && CARGO_TARGET_DIR="$REPO/target/lower-bound" cargo build --release --quiet \
  --bin carehub --example gen_corpus --example bench_floor)
B="$REPO/target/lower-bound/release"
cp "$B/carehub" "$DIR/bin/carehub-lower-bound"
cp "$B/examples/gen_corpus" "$B/examples/bench_floor" "$DIR/bin/"
CAREHUB="$DIR/bin/carehub-lower-bound"
corpus="$DIR/corpus-$N"
rm -rf "$corpus"
"$DIR/bin/gen_corpus" "$N" "$corpus" "$SEED" > /dev/null

# run LABEL CMD...: time CMD once (wall, seconds) into $DIR/lb-LABEL.txt.
run() {
  local label="$1"; shift
  rm -rf "$DIR/out-lb" "$DIR/floor-lb"
  local t0=$EPOCHREALTIME
  "$@" > "$DIR/.lb-out" 2>&1 || { echo "lower-bound: $label failed:" >&2; tail -20 "$DIR/.lb-out" >&2; exit 1; }
  local t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}' >> "$DIR/lb-$label.txt"
}
build() { "$CAREHUB" build --quiet --root "$corpus" --output "$DIR/out-lb"; }
labels="floor full nocheck nocheck+noscan nocheck+noscan+notera"
for l in $labels; do : > "$DIR/lb-$l.txt"; done
# One untimed round to warm the page cache, then RUNS rounds, alternating.
"$DIR/bin/bench_floor" "$corpus" "$DIR/floor-lb" > /dev/null
build
for r in $(seq "$RUNS"); do
  echo "== round $r of $RUNS"
  run floor "$DIR/bin/bench_floor" "$corpus" "$DIR/floor-lb"
  run full build
  LB_NOCHECK=1 run nocheck build
  LB_NOCHECK=1 LB_NOSCAN=1 run nocheck+noscan build
  LB_NOCHECK=1 LB_NOSCAN=1 LB_NOTERA=1 run nocheck+noscan+notera build
done
rm -rf "$DIR/out-lb" "$DIR/floor-lb"

median() { sort -n "$1" | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
floor=$(median "$DIR/lb-floor.txt")
echo
printf '%-24s %9s %9s\n' "$N articles" "median_s" "x_floor"
for l in $labels; do
  m=$(median "$DIR/lb-$l.txt")
  awk -v l="$l" -v m="$m" -v f="$floor" 'BEGIN {printf "%-24s %9.3f %8.2fx\n", l, m, (f > 0) ? m / f : 0}'
done
echo "target (issue 8): at most 2.5x the floor, for a full build"
