#!/usr/bin/env bash
# Import benchmark (issue 14), every ratio measured in the same run. 1,000,000 generated
# residents (no bad rows), median of RUNS runs on the same file:
#   - first load: `mianshen import residents` (CSV, UTF-8) into an empty store, versus the
#     sqlite3 shell's `.import` of the same CSV (validates nothing, no index) and DuckDB's typed
#     `read_csv` into a DuckDB file (Python duckdb in the virtual environment bench-eval.sh uses);
#   - the nightly steady state: `import --full` of the next night's extract (`fixtures generate
#     --night 1`: about 1 % changed, 0.2 % new, 0.2 % gone) into a copy of the first load's store;
#   - the first load from GB18030 CSV and from XML;
#   - peak RSS, also at a quarter of the size to show memory stays flat in file size.
#
#   Scripts/bench-import.sh            # N=1000000 RUNS=3
#   N=200000 RUNS=1 Scripts/bench-import.sh
#   MIANSHEN_BIN=path/to/mianshen Scripts/bench-import.sh   # no build
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
RUNS=${RUNS:-3}
work=${BENCH_DIR:-.build-bench-data}
venv=${BENCH_VENV:-bench/.venv}
mkdir -p "$work"
for tool in sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "需要 $tool（apt-get install -y sqlite3 time）" >&2; exit 74; }
done
# Python duckdb in a virtual environment of our own (as Scripts/bench-eval.sh).
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
py="$venv/bin/python"
"$py" -c 'import duckdb' 2>/dev/null || "$venv/bin/pip" install --quiet duckdb >&2

if [ -z "${MIANSHEN_BIN:-}" ]; then
  swift build -c release --product mianshen >&2
fi
bin=${MIANSHEN_BIN:-.build/release/mianshen}

generate() { # format encoding dir residents [night]
  [ -f "$3/.done" ] || { "$bin" fixtures generate --residents "$4" --enterprises 1000 --seed 7 \
    --format "$1" --encoding "$2" --night "${5:-0}" --out "$3" >/dev/null && touch "$3/.done"; }
}
generate csv utf-8 "$work/csv-$N" "$N"
generate csv utf-8 "$work/night1-$N" "$N" 1
generate csv gb18030 "$work/gb-$N" "$N"
generate xml utf-8 "$work/xml-$N" "$N"
quarter=$((N / 4))
generate csv utf-8 "$work/csv-$quarter" "$quarter"

# measure CMD… → "seconds peak_kib" of one run
# Each run starts with no other files' dirty pages still being written back (`sync`): the
# previous run's store (or sqlite3's and DuckDB's, just before the nightly) otherwise slowed the
# next one's writes and fsyncs, by up to 0.7 s for the nightly.
measure() {
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || {
    cat "$work/stderr.txt" >&2; exit 1; }
  cat "$work/time.txt"
}
fresh() { rm -f "$1" "$1-wal" "$1-shm"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_ours() { # file [extra import options…] → median seconds, max RSS; the last store stays in m.db
  local file=$1 times=() rss=0; shift
  for _ in $(seq "$RUNS"); do
    fresh "$work/m.db"
    read -r t m < <(measure "$bin" import residents "$file" --db "$work/m.db" "$@")
    times+=("$t"); (( m > rss )) && rss=$m
  done
  echo "$(printf '%s\n' "${times[@]}" | median) $rss"
}

run_timed() { # label CMD… (after a `prepare` hook) → median seconds
  local times=()
  for _ in $(seq "$RUNS"); do
    prepare
    read -r t _ < <(measure "$@")
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | median
}

csv="$work/csv-$N/residents.csv"
read -r ours ours_rss < <(run_ours "$csv")
cp "$work/m.db" "$work/yesterday.db"
prepare() { fresh "$work/s.db"; }
sqlite=$(run_timed sqlite3 "$work/s.db" -cmd '.mode csv' ".import $csv residents")
prepare() { rm -f "$work/d.duckdb" "$work/d.duckdb.wal"; }
duck=$(run_timed "$py" -c "import duckdb, sys; duckdb.connect(sys.argv[1]).execute(
  \"CREATE TABLE residents AS SELECT * FROM read_csv(?, header = true)\", [sys.argv[2]])" "$work/d.duckdb" "$csv")
# The steady state: tonight's full extract into a copy of yesterday's store.
prepare() { fresh "$work/n.db"; cp "$work/yesterday.db" "$work/n.db"; }
night_times=(); night_rss=0
for _ in $(seq "$RUNS"); do
  prepare
  read -r t m < <(measure "$bin" import residents "$work/night1-$N/residents.csv" --full --db "$work/n.db")
  night_times+=("$t"); (( m > night_rss )) && night_rss=$m
done
night=$(printf '%s\n' "${night_times[@]}" | median)
night_counts=$(sqlite3 "$work/n.db" "SELECT inserted || ' 新增，' || updated || ' 更新，' || unchanged || ' 未变，'
  || deactivated || ' 注销' FROM imports ORDER BY id DESC LIMIT 1")
read -r gb gb_rss < <(run_ours "$work/gb-$N/residents.csv")
read -r xml xml_rss < <(run_ours "$work/xml-$N/residents.xml")
read -r _ quarter_rss < <(RUNS=1 run_ours "$work/csv-$quarter/residents.csv")

awk -v n="$N" -v q="$quarter" -v ours="$ours" -v sqlite="$sqlite" -v duck="$duck" -v rss="$ours_rss" \
    -v night="$night" -v nrss="$night_rss" -v gb="$gb" -v gbrss="$gb_rss" -v xml="$xml" -v xmlrss="$xml_rss" \
    -v qrss="$quarter_rss" -v runs="$RUNS" -v counts="$night_counts" 'BEGIN {
  printf "居民 %d 行，每项取 %d 次的中位数\n", n, runs
  printf "%-40s %8s %12s %10s\n", "", "秒", "行/秒", "峰值 MiB"
  printf "%-40s %8.2f %12.0f %10.0f\n", "mianshen import 首次导入（CSV，UTF-8）", ours, n / ours, rss / 1024
  printf "%-40s %8.2f %12.0f %10s\n", "sqlite3 .import（不做任何校验）", sqlite, n / sqlite, "-"
  printf "%-40s %8.2f %12.0f %10s\n", "DuckDB read_csv（定型）", duck, n / duck, "-"
  printf "%-40s %8.2f %12.0f %10.0f\n", "mianshen import 每晚全量（--full，第 2 晚）", night, n / night, nrss / 1024
  printf "%-40s %8.2f %12.0f %10.0f\n", "mianshen import 首次导入（CSV，GB18030）", gb, n / gb, gbrss / 1024
  printf "%-40s %8.2f %12.0f %10.0f\n", "mianshen import 首次导入（XML）", xml, n / xml, xmlrss / 1024
  printf "首次导入 / sqlite3 = %.2f（目标 ≤ 1.0）；DuckDB / sqlite3 = %.2f\n", ours / sqlite, duck / sqlite
  printf "每晚全量 / 首次导入 = %.2f（目标 ≤ 0.5）；第 2 晚：%s\n", night / ours, counts
  printf "GB18030 / UTF-8 = %.2f（目标 ≤ 1.2）；XML / CSV = %.2f（目标 ≤ 2）\n", gb / ours, xml / ours
  printf "峰值内存：%d 行 %.0f MiB，%d 行 %.0f MiB（目标 < 500 MiB，且不随文件大小增长）\n", q, qrss / 1024, n, rss / 1024
}'
