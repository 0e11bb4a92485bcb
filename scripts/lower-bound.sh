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
# and prints each one's median wall time, its ratio to the floor's, its
# median CPU time and its peak memory.
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
. scripts/bench-lib.sh
need_gnu_time

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

# run LABEL [VAR=1 ...]: time one build (or the floor, for LABEL floor) with
# those switches into $DIR/lb-LABEL.txt.
run() {
  local label="$1"; shift
  rm -rf "$DIR/out-lb" "$DIR/floor-lb"
  if [ "$label" = floor ]; then
    timed "$DIR/lb-$label.txt" "$DIR/bin/bench_floor" "$corpus" "$DIR/floor-lb"
  else
    timed "$DIR/lb-$label.txt" env "$@" "$CAREHUB" build --quiet --root "$corpus" --output "$DIR/out-lb"
  fi
}
labels="floor full nocheck nocheck+noscan nocheck+noscan+notera"
# One untimed round to warm the page cache, then RUNS rounds, alternating.
run floor
run full
for l in $labels; do : > "$DIR/lb-$l.txt"; done
for r in $(seq "$RUNS"); do
  echo "== round $r of $RUNS"
  run floor
  run full
  run nocheck LB_NOCHECK=1
  run nocheck+noscan LB_NOCHECK=1 LB_NOSCAN=1
  run nocheck+noscan+notera LB_NOCHECK=1 LB_NOSCAN=1 LB_NOTERA=1
done
rm -rf "$DIR/out-lb" "$DIR/floor-lb"

floor=$(stats "$DIR/lb-floor.txt" | cut -d' ' -f1)
echo
printf '%-24s %9s %8s %9s %9s\n' "$N articles" median_s x_floor cpu_s peak_MiB
for l in $labels; do
  f="$DIR/lb-$l.txt"
  m=$(stats "$f" | cut -d' ' -f1)
  awk -v l="$l" -v m="$m" -v f="$floor" -v c="$(cpu_median "$f")" -v k="$(maxcol "$f" 2)" \
    'BEGIN {printf "%-24s %9.3f %7.2fx %9.3f %9.0f\n", l, m, (f > 0) ? m / f : 0, c, k / 1024}'
done
echo "median wall time and CPU (user+sys) of $RUNS runs; peak_MiB is the largest peak RSS."
echo "target (issue 8): at most 2.5x the floor, for a full build"
