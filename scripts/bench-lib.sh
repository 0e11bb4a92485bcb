# Helpers shared by scripts/bench.sh and scripts/lower-bound.sh (sourced,
# not run). They write into $DIR, the benchmark's folder.

# need_gnu_time: stop unless GNU time (for peak memory) is installed.
need_gnu_time() {
  if [ ! -x /usr/bin/time ]; then
    echo "bench: needs GNU time for peak memory: apt-get install -y time" >&2
    exit 2
  fi
}
# stats FILE: "median min max" of the first column.
stats() { sort -n "$1" | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.3f %.3f %.3f\n", m, v[1], v[NR]}'; }
# cpu_median FILE: the median user+sys time of a file `timed` wrote.
cpu_median() { awk '{print $3 + $4}' "$1" > "$DIR/.cpu"; stats "$DIR/.cpu" | cut -d' ' -f1; }
# maxcol FILE COL: the largest value in a column.
maxcol() { awk -v c="$2" 'BEGIN {m = 0} $c > m {m = $c} END {print m}' "$1"; }
# timed OUTFILE CMD...: run CMD, append "wall maxrss_kb user sys" to OUTFILE
# (wall time from bash's microsecond clock; memory and CPU from GNU time).
timed() {
  local out="$1"; shift
  local t0=$EPOCHREALTIME
  /usr/bin/time -f "%M %U %S" -o "$DIR/.time" "$@" > "$DIR/.stdout" 2> "$DIR/.stderr" || {
    echo "bench: command failed: $*" >&2; cat "$DIR/.stderr" >&2; exit 1; }
  local t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}') $(cat "$DIR/.time")" >> "$out"
}
