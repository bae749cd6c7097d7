#!/usr/bin/env bash
# SQL benchmark (issue 15): the policies compiled to SQL run in DuckDB where the data is, over
# generated residents (and enterprises, N/5, with licences) of 1 M and 10 M — generated as CSV by
# `mianshen fixtures generate` and loaded with DuckDB's read_csv, never through our SQLite —
# time and peak memory, next to `mianshen run` at 1 M and `results import` of that run's own
# `results --all --format csv` (checked byte-identical when exported again).
#
# The script: `mianshen rules sql --dialect duckdb --as-of D`, its tables from
# `mianshen rules sql --ddl --dialect duckdb` (Scripts/bench/duckdb_script.py loads each table T
# from T.csv and writes the results with COPY). Until the binary has `rules sql`, the library
# written by hand (Scripts/bench/library.sql with load.sql, via duckdb_library.py) stands in:
# the same data, the same loading with read_csv, the same measurements. The report says which.
#
#   Scripts/bench-sql.sh                         # SIZES="1000000 10000000", RUN_SIZE=1000000
#   SIZES=100000 RUN_SIZE=100000 Scripts/bench-sql.sh
#   MIANSHEN_BIN=.build/release/mianshen SQL_ARGS="--rules Rules" Scripts/bench-sql.sh
# Generated data is kept (and reused) under bench/sql, with the generator's own time and memory.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES-"1000000 10000000"}
RUN_SIZE=${RUN_SIZE-1000000}
AS_OF=${AS_OF:-2025-12-01}
SEED=${SEED:-7}
work=${BENCH_DIR:-bench/sql}
venv=${BENCH_VENV:-bench/.venv}
# shellcheck source=Scripts/bench/setup.sh
. Scripts/bench/setup.sh

# data SIZE → the directory of residents.csv, enterprises.csv, licences.csv; the generator's
# "seconds peak_kib" kept in DIR/.generated.
data() {
  local n=$1 m=$(($1 / 5))
  local dir="$work/data-$n-$m-s$SEED-$AS_OF"
  if [ ! -f "$dir/.generated" ]; then
    rm -rf "$dir"
    local measured
    measured=$(timed /dev/null "$bin" fixtures generate --residents "$n" --enterprises "$m" --seed "$SEED" --bad-rate 0 \
      --as-of "$AS_OF" --out "$dir")
    echo "$measured" >"$dir/.generated"
  fi
  echo "$dir"
}

if "$bin" rules sql --help 2>/dev/null | grep -q -- '--dialect'; then
  mode=emitted
  # shellcheck disable=SC2086
  "$bin" rules sql --ddl --dialect duckdb ${SQL_ARGS:-} >"$work/ddl.sql"
  # shellcheck disable=SC2086
  "$bin" rules sql --dialect duckdb --as-of "$AS_OF" ${SQL_ARGS:-} >"$work/script.sql"
  echo "脚本：mianshen rules sql --dialect duckdb --as-of $AS_OF（$(wc -l <"$work/script.sql") 行）" >&2
else
  mode=stand-in
  echo "二进制还没有 rules sql：用手写的 Scripts/bench/library.sql 代替（同样的数据、read_csv 装载与测量）" >&2
fi

# duck DIR SIZE → "seconds peak_kib load_seconds query_seconds" of DuckDB over DIR.
duck() {
  local dir=$1 n=$2 measured
  if [ "$mode" = emitted ]; then
    measured=$(timed "$work/duck-$n.txt" "$py" Scripts/bench/duckdb_script.py --ddl "$work/ddl.sql" \
      --script "$work/script.sql" --data "$dir" --out "$work/duckdb-results-$n.csv")
    echo "$measured $(awk '/^load_seconds/ {print $2}' "$work/duck-$n.txt") $(awk '/^query_seconds/ {print $2}' "$work/duck-$n.txt")"
  else
    measured=$(timed "$work/duck-$n.txt" "$py" Scripts/bench/duckdb_library.py --data "$dir" --as-of "$AS_OF" \
      --counts "$work/duckdb-counts-$n.csv" --mode e2e)
    echo "$measured - $(awk '/^e2e_seconds/ {print $2}' "$work/duck-$n.txt")"  # load and queries in one timed block
  fi
}

lines=()
for n in $SIZES; do
  dir=$(data "$n")
  read -r gen_s gen_kib <"$dir/.generated"
  read -r duck_s duck_kib load_s query_s < <(duck "$dir" "$n")
  if [ "$load_s" = - ]; then
    inside="read_csv + 定型 + 全部政策 $query_s 秒"
  else
    inside="read_csv 装载 $load_s 秒，脚本并写出结果 $query_s 秒"
  fi
  lines+=("$(printf '居民 %9d：生成 CSV %7.1f 秒 %6d MiB（%s）；DuckDB 进程 %7.1f 秒（%s），峰值 %6d MiB' \
    "$n" "$gen_s" "$((gen_kib / 1024))" "$(du -sh "$dir" | cut -f1)" "$duck_s" "$inside" "$((duck_kib / 1024))")")
done

run_lines=()
if [ -n "$RUN_SIZE" ]; then
  dir=$(data "$RUN_SIZE")
  db="$work/mianshen-$RUN_SIZE.db"
  rm -f "$db" "$db-wal" "$db-shm"
  for kind in residents enterprises licences; do
    "$bin" import "$kind" "$dir/$kind.csv" --db "$db" >/dev/null
  done
  read -r cold_s cold_kib < <(timed /dev/null "$bin" run --no-grants --as-of "$AS_OF" --db "$db")
  read -r run_s run_kib < <(timed /dev/null "$bin" run --no-grants --as-of "$AS_OF" --db "$db")
  "$bin" results --all --format csv --db "$db" >"$work/results-$RUN_SIZE.csv"
  rows=$(($(wc -l <"$work/results-$RUN_SIZE.csv") - 1))
  read -r imp_s imp_kib < <(timed /dev/null "$bin" results import "$work/results-$RUN_SIZE.csv" --as-of "$AS_OF" --no-grants \
    --note "bench-sql 往返" --db "$db")
  "$bin" results --all --format csv --db "$db" >"$work/results-again-$RUN_SIZE.csv"
  same=$(cmp -s "$work/results-$RUN_SIZE.csv" "$work/results-again-$RUN_SIZE.csv" && echo "逐字节相同" || echo "不同！")
  run_lines+=("$(printf 'mianshen run（居民 %d，导入后第一次 / 列缓存）：%.1f / %.1f 秒，峰值 %d / %d MiB' \
    "$RUN_SIZE" "$cold_s" "$run_s" "$((cold_kib / 1024))" "$((run_kib / 1024))")")
  run_lines+=("$(printf 'mianshen results import（%d 行，%s）：%.1f 秒，峰值 %d MiB；再导出与原文件%s' \
    "$rows" "$(du -h "$work/results-$RUN_SIZE.csv" | cut -f1)" "$imp_s" "$((imp_kib / 1024))" "$same")")
fi

echo
echo "评估日 $AS_OF，企业 = 居民/5（含证照）；DuckDB：$([ "$mode" = emitted ] && echo "mianshen rules sql 生成的脚本" || echo "手写的 library.sql（代替 rules sql）")，$(nproc) 核"
for line in "${lines[@]}"; do echo "$line"; done
for line in "${run_lines[@]}"; do echo "$line"; done
[ "${same:-逐字节相同}" = "逐字节相同" ]
