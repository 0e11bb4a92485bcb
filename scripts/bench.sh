#!/usr/bin/env bash
# Benchmark `carehub build` on generated hubs of 1,000 and 10,000 articles
# against the floor (pulldown-cmark alone rendering the same markdown on all
# cores), as described in docs/performance.md.
#
#   scripts/bench.sh [RUNS]          RUNS timed builds per size (default 5)
#
# Environment: SIZES="1000 10000" (article counts), BENCH_DIR=/dev/shm/carehub-bench
# (corpora and outputs; keep it on tmpfs), SEED=8, PEERS=hugo (also time Hugo,
# Debian's `hugo` package, on the same hub made into a Hugo site by
# examples/hugo_site; off by default, as Hugo takes about 10 s a run at 10,000).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${1:-5}"
SIZES="${SIZES:-1000 10000}"
DIR="${BENCH_DIR:-/dev/shm/carehub-bench}"
SEED="${SEED:-8}"
TARGET="${CARGO_TARGET_DIR:-target}"

. scripts/bench-lib.sh
need_gnu_time
case "$RUNS" in '' | *[!0-9]* | 0) echo "usage: scripts/bench.sh [RUNS]" >&2; exit 2 ;; esac
PEERS="${PEERS:-}"
case "$PEERS" in
  '') ;;
  hugo) command -v hugo > /dev/null || { echo "bench: PEERS=hugo needs hugo: apt-get install -y hugo" >&2; exit 2; } ;;
  *) echo "bench: PEERS may be empty or hugo, not '$PEERS'" >&2; exit 2 ;;
esac

echo "== building carehub, gen_corpus, bench_floor and hugo_site (release)"
cargo build --release --quiet --bin carehub --example gen_corpus --example bench_floor --example hugo_site
mkdir -p "$DIR/bin"
# Copies, so that another build sharing the target folder cannot swap them mid-run.
cp "$TARGET/release/carehub" "$TARGET/release/examples/gen_corpus" "$TARGET/release/examples/bench_floor" \
  "$TARGET/release/examples/hugo_site" "$DIR/bin/"
CAREHUB="$DIR/bin/carehub"
GEN="$DIR/bin/gen_corpus"
FLOOR="$DIR/bin/bench_floor"

declare -A MEDIAN
printf '\n%-7s %-8s %8s %8s %8s %9s %9s %8s %10s\n' size what median min max cpu_s peak_MiB pages pages/s
for n in $SIZES; do
  corpus="$DIR/corpus-$n"
  rm -rf "$corpus"
  "$GEN" "$n" "$corpus" "$SEED" > "$DIR/gen-$n.txt"
  : > "$DIR/carehub-$n.txt"
  : > "$DIR/floor-$n.txt"
  # One untimed run of each to warm the page cache.
  rm -rf "$DIR/out-$n" "$DIR/floor-$n"
  "$CAREHUB" build --quiet --root "$corpus" --output "$DIR/out-$n"
  "$FLOOR" "$corpus" "$DIR/floor-$n" > /dev/null
  for _ in $(seq "$RUNS"); do
    rm -rf "$DIR/out-$n" "$DIR/floor-$n"
    timed "$DIR/carehub-$n.txt" "$CAREHUB" build --root "$corpus" --output "$DIR/out-$n"
    pages=$(sed -n 's/^Built \([0-9]*\) pages.*/\1/p' "$DIR/.stdout")
    timed "$DIR/floor-$n.txt" "$FLOOR" "$corpus" "$DIR/floor-$n"
    files=$(sed -n 's/^rendered \([0-9]*\) files.*/\1/p' "$DIR/.stdout")
  done
  whats="carehub floor"
  if [ "$PEERS" = hugo ]; then
    whats="$whats hugo"
    : > "$DIR/hugo-$n.txt"
    "$DIR/bin/hugo_site" "$corpus" "$DIR/hugo-site-$n" > /dev/null
    rm -rf "$DIR/hugo-out-$n"
    hugo --quiet --source "$DIR/hugo-site-$n" --destination "$DIR/hugo-out-$n"
    for _ in $(seq "$RUNS"); do
      rm -rf "$DIR/hugo-out-$n"
      timed "$DIR/hugo-$n.txt" hugo --quiet --source "$DIR/hugo-site-$n" --destination "$DIR/hugo-out-$n"
    done
    hugo_pages=$(find "$DIR/hugo-out-$n" -name '*.html' | wc -l)
  fi
  for what in $whats; do
    f="$DIR/$what-$n.txt"
    read -r med min max < <(stats "$f")
    cpu=$(cpu_median "$f")
    peak=$(awk -v k="$(maxcol "$f" 2)" 'BEGIN {printf "%.0f", k / 1024}')
    case "$what" in carehub) count=$pages ;; floor) count=$files ;; *) count=$hugo_pages ;; esac
    rate=$(awk -v p="$count" -v t="$med" 'BEGIN {printf "%.0f", (t > 0) ? p / t : 0}')
    MEDIAN[$what-$n]=$med
    printf '%-7s %-8s %8s %8s %8s %9s %9s %8s %10s\n' "$n" "$what" "$med" "$min" "$max" "$cpu" "$peak" "$count" "$rate"
  done
  echo "        $(cat "$DIR/gen-$n.txt" | sed 's/ into .*//')"
done 2>&1

echo
for n in $SIZES; do
  awk -v c="${MEDIAN[carehub-$n]}" -v f="${MEDIAN[floor-$n]}" -v n="$n" \
    'BEGIN {printf "carehub/floor at %s articles: %.2fx (target at 10,000: at most 2.5x)\n", n, (f > 0) ? c / f : 0}'
done
if [ "$PEERS" = hugo ]; then
  for n in $SIZES; do
    awk -v c="${MEDIAN[carehub-$n]}" -v h="${MEDIAN[hugo-$n]}" -v n="$n" \
      'BEGIN {printf "hugo/carehub at %s articles: carehub is %.1fx as fast as Hugo (%s)\n", n, (c > 0) ? h / c : 0, "'"$(hugo version | cut -d' ' -f2)"'"}'
  done
fi
set -- $SIZES
if [ $# -ge 2 ]; then
  small="$1"; large="${!#}"
  awk -v a="${MEDIAN[carehub-$small]}" -v b="${MEDIAN[carehub-$large]}" -v s="$small" -v l="$large" \
    'BEGIN {printf "linearity: the %s build takes %.1fx the %s build (%.0fx the articles; target at most 11x for 10x)\n", l, (a > 0) ? b / a : 0, s, l / s}'
fi
echo "wall times in seconds (median, min, max of $RUNS runs); cpu_s is user+sys (median); peak_MiB is the largest peak RSS over the runs."
echo "Outputs and corpora are in $DIR (delete it when done)."
