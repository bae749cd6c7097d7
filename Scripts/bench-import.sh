#!/usr/bin/env bash
# Import benchmark: 1,000,000 generated residents (no bad rows), median of 3 runs on the same
# file, `mianshen import residents` into a fresh database versus the sqlite3 shell's own
# `.import` of the same CSV (which validates nothing). Prints both times, the ratio, rows/s
# and peak RSS; then the same import from GB18030 CSV and from XML, and peak RSS at a quarter
# of the size to show memory stays flat in file size.
#
#   Scripts/bench-import.sh            # N=1000000 RUNS=3
#   N=200000 RUNS=1 Scripts/bench-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
RUNS=${RUNS:-3}
work=${BENCH_DIR:-.build-bench-data}
mkdir -p "$work"
for tool in sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "需要 $tool（apt-get install -y sqlite3 time）" >&2; exit 74; }
done

swift build -c release --product mianshen >&2
bin=.build/release/mianshen

generate() { # format encoding dir residents
  [ -f "$3/residents.$1" ] || "$bin" fixtures generate --residents "$4" --enterprises 1000 --seed 7 \
    --format "$1" --encoding "$2" --out "$3" >/dev/null
}
generate csv utf-8 "$work/csv-$N" "$N"
generate csv gb18030 "$work/gb-$N" "$N"
generate xml utf-8 "$work/xml-$N" "$N"
quarter=$((N / 4))
generate csv utf-8 "$work/csv-$quarter" "$quarter"

# measure CMD… → "seconds peak_kib" of one run
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || {
    cat "$work/stderr.txt" >&2; exit 1; }
  cat "$work/time.txt"
}
fresh() { rm -f "$1" "$1-wal" "$1-shm"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_ours() { # file → median seconds, max RSS
  local times=() rss=0
  for _ in $(seq "$RUNS"); do
    fresh "$work/m.db"
    read -r t m < <(measure "$bin" import residents "$1" --db "$work/m.db")
    times+=("$t"); (( m > rss )) && rss=$m
  done
  echo "$(printf '%s\n' "${times[@]}" | median) $rss"
}

csv="$work/csv-$N/residents.csv"
read -r ours ours_rss < <(run_ours "$csv")
times=()
for _ in $(seq "$RUNS"); do
  fresh "$work/s.db"
  read -r t _ < <(measure sqlite3 "$work/s.db" -cmd '.mode csv' ".import $csv residents")
  times+=("$t")
done
theirs=$(printf '%s\n' "${times[@]}" | median)
read -r gb gb_rss < <(run_ours "$work/gb-$N/residents.csv")
read -r xml xml_rss < <(run_ours "$work/xml-$N/residents.xml")
read -r _ quarter_rss < <(RUNS=1 run_ours "$work/csv-$quarter/residents.csv")

awk -v n="$N" -v q="$quarter" -v ours="$ours" -v theirs="$theirs" -v rss="$ours_rss" -v gb="$gb" \
    -v gbrss="$gb_rss" -v xml="$xml" -v xmlrss="$xml_rss" -v qrss="$quarter_rss" -v runs="$RUNS" 'BEGIN {
  printf "居民 %d 行，每项取 %d 次的中位数\n", n, runs
  printf "%-34s %8s %12s %10s\n", "", "秒", "行/秒", "峰值 MiB"
  printf "%-34s %8.2f %12.0f %10.0f\n", "mianshen import（CSV，UTF-8）", ours, n / ours, rss / 1024
  printf "%-34s %8.2f %12.0f %10s\n", "sqlite3 .import（不做任何校验）", theirs, n / theirs, "-"
  printf "%-34s %8.2f %12.0f %10.0f\n", "mianshen import（CSV，GB18030）", gb, n / gb, gbrss / 1024
  printf "%-34s %8.2f %12.0f %10.0f\n", "mianshen import（XML）", xml, n / xml, xmlrss / 1024
  printf "比值 mianshen / sqlite3 = %.2f（目标 ≤ 1.0）\n", ours / theirs
  printf "峰值内存：%d 行 %.0f MiB，%d 行 %.0f MiB（目标 < 500 MiB，且不随文件大小增长）\n", q, qrss / 1024, n, rss / 1024
}'
