#!/usr/bin/env bash
# All-or-nothing imports (issue 14): a real `mianshen import` process killed with SIGKILL at
# several moments — early, while inserting, near the end (index building, commit) — must leave
# the store exactly as it was (same tables, indexes, rows, change history and ledger), or, when
# the kill came after the commit, with the whole import; the import must then rerun cleanly to
# the same result as an import never interrupted.
# Two cases: a first load into an empty table (indexes dropped and rebuilt at the end) and the
# nightly full extract (`fixtures generate --night 1`) into yesterday's store.
#
#   Scripts/check-import-kill.sh [path/to/mianshen]       # N=30000 residents
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-$(swift build --show-bin-path)/mianshen}
N=${N:-30000}
command -v sqlite3 >/dev/null || { echo "需要 sqlite3（apt-get install -y sqlite3）" >&2; exit 74; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" fixtures generate --residents "$N" --enterprises 200 --seed 5 --out "$tmp/night0" >/dev/null
"$bin" fixtures generate --residents "$N" --enterprises 200 --seed 5 --night 1 --out "$tmp/night1" >/dev/null

# The store's whole content except the audit log (written after the import's own transaction).
snapshot() {
  local tables
  tables=$(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'audit%' ORDER BY name")
  {
    sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'audit%' ORDER BY name"
    for t in $tables; do
      echo "== $t"
      sqlite3 "$1" "SELECT count(*) FROM \"$t\""
      sqlite3 "$1" "SELECT * FROM \"$t\"" | sort
    done
  } | md5sum | cut -d' ' -f1
}
# The rows an import leaves and its ledger counts (ids and counts, no times).
outcome() {
  sqlite3 "$1" "SELECT id, status, rows_read, inserted, updated, unchanged, quarantined, deactivated, warnings
    FROM imports ORDER BY id; SELECT * FROM residents ORDER BY 1; SELECT * FROM changes ORDER BY 1" | md5sum | cut -d' ' -f1
}
copy_store() { # from to
  rm -f "$2" "$2-wal" "$2-shm"
  cp "$1" "$2"
  if [ -f "$1-wal" ]; then cp "$1-wal" "$2-wal"; fi
}

failures=0
# check NAME BASE_DB ARGS… — kills `import ARGS` on copies of BASE_DB at several moments.
check() {
  local name=$1 base=$2; shift 2
  local before clean_outcome start end ms
  before=$(snapshot "$base")
  copy_store "$base" "$tmp/clean.db"
  start=$(date +%s%N)
  "$bin" import "$@" --db "$tmp/clean.db" >/dev/null
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  clean_outcome=$(outcome "$tmp/clean.db")
  local killed=0 finished=0 committed=0
  for percent in 5 20 40 60 85 95; do
    copy_store "$base" "$tmp/work.db"
    "$bin" import "$@" --db "$tmp/work.db" >/dev/null 2>&1 &
    local pid=$!
    sleep "$(awk -v ms="$ms" -v p="$percent" 'BEGIN { printf "%.3f", ms * p / 100000 }')"
    kill -9 "$pid" 2>/dev/null || true
    local rc=0
    { wait "$pid"; } 2>/dev/null || rc=$?
    if [ "$rc" -eq 137 ]; then
      if [ "$(snapshot "$tmp/work.db")" = "$before" ]; then
        killed=$((killed + 1))
      elif [ "$(outcome "$tmp/work.db")" = "$clean_outcome" ]; then
        # Killed after the commit (writing the audit log, printing): the whole import is there.
        committed=$((committed + 1))
      else
        echo "失败（$name）：导入在 ${percent}% 处被 kill -9 后，库既不是导入前的样子，也不是完整导入后的样子" >&2
        failures=$((failures + 1))
      fi
      # The interrupted import reruns cleanly, to the result of one never interrupted.
      if ! "$bin" import "$@" --db "$tmp/work.db" >/dev/null 2>"$tmp/stderr.txt"; then
        echo "失败（$name）：在 ${percent}% 处中断后重新导入失败：$(cat "$tmp/stderr.txt")" >&2
        failures=$((failures + 1))
      elif [ "$(outcome "$tmp/work.db")" != "$clean_outcome" ]; then
        echo "失败（$name）：在 ${percent}% 处中断后重新导入，结果与未中断的导入不同" >&2
        failures=$((failures + 1))
      fi
    else
      finished=$((finished + 1))
    fi
  done
  echo "$name：完整导入 ${ms} 毫秒；6 个时刻中 $killed 次在提交前被 kill -9，库与导入前完全相同；$committed 次在提交后被 kill -9，导入完整；$finished 次已先结束；重新导入的结果均与未中断的导入相同"
  if [ "$killed" -lt 3 ]; then
    echo "失败（$name）：只有 $killed 次在导入进行中被中断，检查没有覆盖足够的时刻（调大 N）" >&2
    failures=$((failures + 1))
  fi
}

# A first load: the store exists (enterprises imported), its residents table is empty.
"$bin" import enterprises "$tmp/night0/enterprises.csv" --db "$tmp/empty.db" >/dev/null
check "首次导入空表" "$tmp/empty.db" residents "$tmp/night0/residents.csv" --full
# The nightly full extract into yesterday's store.
copy_store "$tmp/empty.db" "$tmp/yesterday.db"
"$bin" import residents "$tmp/night0/residents.csv" --full --db "$tmp/yesterday.db" >/dev/null
check "每晚全量导入" "$tmp/yesterday.db" residents "$tmp/night1/residents.csv" --full

[ "$failures" -eq 0 ] || exit 1
