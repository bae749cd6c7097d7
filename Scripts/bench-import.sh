#!/usr/bin/env bash
# Import benchmark (issue 14), every ratio measured in the same run. 1,000,000 generated
# residents (no bad rows), in RUNS rounds on the same files (each round measures everything
# once; a ratio is the median of the rounds' ratios):
#   - first load: `mianshen import residents` (CSV, UTF-8) into an empty store, versus the
#     sqlite3 shell's `.import` of the same CSV (validates nothing, no index) and DuckDB's typed
#     `read_csv` into a DuckDB file (Python duckdb in the virtual environment bench-eval.sh uses);
#   - the nightly steady state: `import --full` of the next night's extract (`fixtures generate
#     --night 2`: about 1 % changed, 0.2 % new, 0.2 % gone since night 1) into the store that
#     holds yesterday's (night 1, imported into a copy of the first load's store just before:
#     its own time is reported too; a night reads the stored rows a night left, where the
#     night after a first load scans the table, `StoredRowsSnapshot`);
#   - the first read after the nights: the engine's column load with the nights' column-cache
#     delta merged in memory (`CacheDelta`), then again after that read saved the cache;
#   - the first load from GB18030 CSV and from XML;
#   - peak RSS, also at a quarter of the size (the first load and the steady-state night), to
#     show how memory grows with the file.
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
generate csv utf-8 "$work/night2-$N" "$N" 2
generate csv gb18030 "$work/gb-$N" "$N"
generate xml utf-8 "$work/xml-$N" "$N"
quarter=$((N / 4))
generate csv utf-8 "$work/csv-$quarter" "$quarter"
generate csv utf-8 "$work/night1-$quarter" "$quarter" 1
generate csv utf-8 "$work/night2-$quarter" "$quarter" 2

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

# ours FILE [extra import options…] → "seconds peak_kib" of a first load into a fresh m.db
ours() { fresh "$work/m.db"; measure "$bin" import residents "$@" --db "$work/m.db"; }

# Rounds, each measuring everything once in turn, so that every ratio compares runs made within
# a minute of each other: this VM's speed changes within one run of the script, and measuring
# all of ours and then all of sqlite3's put a drift into the ratio (a round's ratios, then their
# median across rounds).
csv="$work/csv-$N/residents.csv"
: > "$work/rounds.txt"
for round in $(seq "$RUNS"); do
  read -r t_ours m_ours < <(ours "$csv")
  cp "$work/m.db" "$work/yesterday.db"
  fresh "$work/s.db"
  read -r t_sqlite _ < <(measure sqlite3 "$work/s.db" -cmd '.mode csv' ".import $csv residents")
  rm -f "$work/d.duckdb" "$work/d.duckdb.wal"
  read -r t_duck _ < <(measure "$py" -c "import duckdb, sys; duckdb.connect(sys.argv[1]).execute(
    \"CREATE TABLE residents AS SELECT * FROM read_csv(?, header = true)\", [sys.argv[2]])" "$work/d.duckdb" "$csv")
  # The first night, into a copy of this round's first load; then the steady state: tonight's
  # full extract into the store that holds yesterday's.
  fresh "$work/n.db"; cp "$work/yesterday.db" "$work/n.db"
  read -r t_night1 m_night1 < <(measure "$bin" import residents "$work/night1-$N/residents.csv" --full --db "$work/n.db")
  read -r t_night m_night < <(measure "$bin" import residents "$work/night2-$N/residents.csv" --full --db "$work/n.db")
  read -r t_gb m_gb < <(ours "$work/gb-$N/residents.csv")
  read -r t_xml m_xml < <(ours "$work/xml-$N/residents.xml")
  echo "$t_ours $m_ours $t_sqlite $t_duck $t_night $m_night $t_gb $m_gb $t_xml $m_xml $t_night1 $m_night1" >> "$work/rounds.txt"
  echo "第 $round 轮：首次导入 $t_ours 秒，sqlite3 $t_sqlite，DuckDB $t_duck，首次导入后第一晚 $t_night1，每晚 $t_night，GB18030 $t_gb，XML $t_xml" >&2
done
night_counts=$(sqlite3 "$work/n.db" "SELECT inserted || ' 新增，' || updated || ' 更新，' || unchanged || ' 未变，'
  || deactivated || ' 注销' FROM imports ORDER BY id DESC LIMIT 1")
# What the nights leave to the first read after them (`CacheDelta`): the engine's column load
# (`engine verify --no-reference --timing`) with the last round's two nights merged in memory, then
# again once that read saved the cache.
load() {
  "$bin" engine verify --no-reference --timing --db "$work/n.db" 2>/dev/null | sed -n 's/.*装载 \([0-9.]*\) 秒.*/\1/p' | head -1
}
load_delta=$(load); load_saved=$(load)
column() { awk -v c="$1" '{print $c}' "$work/rounds.txt" | median; }
peak() { awk -v c="$1" '$c > m {m = $c} END {print m}' "$work/rounds.txt"; }
ratio() { awk -v a="$1" -v b="$2" '{printf "%.4f\n", $a / $b}' "$work/rounds.txt" | median; }
ours=$(column 1); sqlite=$(column 3); duck=$(column 4); night=$(column 5); gb=$(column 7); xml=$(column 9)
night1=$(column 11)
ours_rss=$(peak 2); night_rss=$(peak 6); gb_rss=$(peak 8); xml_rss=$(peak 10); night1_rss=$(peak 12)
r_sqlite=$(ratio 1 3); r_duck=$(ratio 4 3); r_night=$(ratio 5 1); r_gb=$(ratio 7 1); r_xml=$(ratio 9 1); r_night1=$(ratio 11 1)
read -r _ quarter_rss < <(ours "$work/csv-$quarter/residents.csv")
# The steady-state night at a quarter of the size too (its memory should not grow with the table).
measure "$bin" import residents "$work/night1-$quarter/residents.csv" --full --db "$work/m.db" >/dev/null
read -r _ quarter_night_rss < <(measure "$bin" import residents "$work/night2-$quarter/residents.csv" --full --db "$work/m.db")
# A first load whose file repeats one row at its end: it is read twice, the second time telling the
# repeated keys' repeats as they come (`RepeatDetector`); its memory at both sizes.
repeated() { # rows → "seconds peak_kib"
  local file="$work/repeat-$1.csv" source="$work/csv-$1/residents.csv"
  [ "$file" -nt "$source" ] || { cp "$source" "$file" && sed -n 2p "$source" >> "$file"; }
  ours "$file"
}
read -r _ quarter_repeat_rss < <(repeated "$quarter")
read -r t_repeat repeat_rss < <(repeated "$N")

awk -v n="$N" -v q="$quarter" -v ours="$ours" -v sqlite="$sqlite" -v duck="$duck" -v rss="$ours_rss" \
    -v night="$night" -v nrss="$night_rss" -v gb="$gb" -v gbrss="$gb_rss" -v xml="$xml" -v xmlrss="$xml_rss" \
    -v qrss="$quarter_rss" -v qnrss="$quarter_night_rss" -v runs="$RUNS" -v counts="$night_counts" -v rs="$r_sqlite" -v rd="$r_duck" \
    -v rn="$r_night" -v rg="$r_gb" -v rx="$r_xml" -v night1="$night1" -v n1rss="$night1_rss" -v rn1="$r_night1" \
    -v trep="$t_repeat" -v reprss="$repeat_rss" -v qreprss="$quarter_repeat_rss" \
    -v ldelta="$load_delta" -v lsaved="$load_saved" 'BEGIN {
  printf "居民 %d 行，%d 轮（每轮各项各测一次），时间取中位数，比值为各轮比值的中位数\n", n, runs
  printf "%-40s %8s %12s %10s\n", "", "秒", "行/秒", "峰值 MiB"
  printf "%-40s %8.2f %12.0f %10.0f\n", "mianshen import 首次导入（CSV，UTF-8）", ours, n / ours, rss / 1024
  printf "%-40s %8.2f %12.0f %10s\n", "sqlite3 .import（不做任何校验）", sqlite, n / sqlite, "-"
  printf "%-40s %8.2f %12.0f %10s\n", "DuckDB read_csv（定型）", duck, n / duck, "-"
  printf "%-40s %8.2f %12.0f %10.0f\n", "mianshen import 首次导入后第一晚（--full，第 2 晚）", night1, n / night1, n1rss / 1024
  printf "%-40s %8.2f %12.0f %10.0f\n", "mianshen import 每晚全量（--full，第 3 晚）", night, n / night, nrss / 1024
  printf "%-40s %8.2f %12.0f %10.0f\n", "mianshen import 首次导入（CSV，GB18030）", gb, n / gb, gbrss / 1024
  printf "%-40s %8.2f %12.0f %10.0f\n", "mianshen import 首次导入（XML）", xml, n / xml, xmlrss / 1024
  printf "首次导入 / sqlite3 = %.2f（目标 ≤ 1.0）；DuckDB / sqlite3 = %.2f\n", rs, rd
  printf "每晚全量 / 首次导入 = %.2f（目标 ≤ 0.5；首次导入后第一晚 %.2f）；第 3 晚：%s\n", rn, rn1, counts
  printf "每晚之后第一次读取的装载：%s 秒（在内存里并入两晚的增量，并在后台存回），之后 %s 秒\n", ldelta, lsaved
  printf "GB18030 / UTF-8 = %.2f（目标 ≤ 1.2）；XML / CSV = %.2f（目标 ≤ 2）\n", rg, rx
  printf "峰值内存：%d 行 %.0f MiB，%d 行 %.0f MiB（目标 < 500 MiB，且不随文件大小增长）\n", q, qrss / 1024, n, rss / 1024
  printf "每晚全量峰值内存：%d 行 %.0f MiB，%d 行 %.0f MiB（目标 < 500 MiB，且不随文件大小增长）\n", q, qnrss / 1024, n, nrss / 1024
  printf "文件末尾重复一行的首次导入（读两遍）：%d 行 %.0f MiB，%d 行 %.0f MiB，%.2f 秒\n", q, qreprss / 1024, n, reprss / 1024, trep
}'
