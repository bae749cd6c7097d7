#!/usr/bin/env bash
# The compiled policies as SQL, checked against our engine on real SQL engines (issue 15):
# generates a population (missing values, households, licences, bad rows the import
# quarantines), imports it, runs `mianshen run --include-drafts` (the whole library, with its
# 互斥组 and 预算), exports the active records (`mianshen export`), loads them into DuckDB
# (Python duckdb in bench/.venv, created when missing) and into PostgreSQL (a throwaway
# cluster initialised in a temp directory, on a Unix socket only, run as a non-root user;
# Debian's postgresql installed with apt-get when missing), runs `mianshen rules sql` in each
# and compares every (entity, policy) outcome and amount with `mianshen results --all`. The rules
# are a copy of Rules/ plus Scripts/sql/constructs.policy (what the library does not use).
# Before the compared run the published library runs once (posting its grants) and the next night's
# residents are imported, so budgets start from the grants ledger (grants_held in the export).
# Prints the first differences and exits 1 on any. Trino's script is generated, not run.
#
#   Scripts/sql-differential.sh                 # 100,000 residents, 20,000 firms
#   Scripts/sql-differential.sh --short         # 5,000 residents, seed 12 (Scripts/test.sh)
#   N=1000000 AS_OF=2026-11-27 MIANSHEN_BIN=.build/release/mianshen Scripts/sql-differential.sh
#   EMPTY_LEDGER=1 Scripts/sql-differential.sh --short   # must fail: the ledger changes budgets
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
short_seed=11
# Seed 12: at 5,000 residents the next night brings a 101-year-old and the ledger decides who keeps
# 高龄津贴 (with an empty grants_held the check fails: EMPTY_LEDGER=1).
if [ "${1:-}" = "--short" ]; then N=5000 short_seed=12; fi
M=${M:-$((N / 5))}
SEED=${SEED:-$short_seed}
# Every policy of the library is in force on 2025-06-30 (two end on 2025-12-31).
AS_OF=${AS_OF:-2025-06-30}
bin=${MIANSHEN_BIN:-}
if [ -z "$bin" ]; then
  swift build --product mianshen >&2
  bin=$(swift build --show-bin-path)/mianshen
fi
venv=${BENCH_VENV:-bench/.venv}

missing=()
[ -n "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null)" ] || missing+=(postgresql)
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
py="$venv/bin/python"
"$py" -c 'import duckdb' 2>/dev/null || "$venv/bin/pip" install --quiet duckdb >&2
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

work=$(mktemp -d "${TMPDIR:-/tmp}/mianshen-sql.XXXXXX")
pgdir=""
pguser=""
cleanup() {
  if [ -n "$pgdir" ] && [ -f "$pgdir/data/postmaster.pid" ]; then
    runuser -u "$pguser" -- "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$pgdir" ] && rm -rf "$pgdir"
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The library, plus one policy per subject using what the library does not (Scripts/sql/constructs.policy).
rules="$work/Rules"
cp -r Rules "$rules"
mkdir -p "$rules/测试"
cp Scripts/sql/constructs.policy "$rules/测试/构造.policy"

# The grants ledger matters to 预算: YL-GLJT (直接兑现, 按月) posts grants and has the library's only
# budget a run posts. Its 3,600,000 元 a year is for 100,000 residents; in the copy it is scaled to N
# (so that it binds at every size) and the changed content approved again by its two departments.
if [ "$N" -ne 100000 ]; then
  sed -i "s/^  预算 3600000 元/  预算 $((3600000 * N / 100000)) 元/" "$rules/养老/高龄津贴.policy"
  for department in 区民政局 区财政局; do
    "$bin" rules approve YL-GLJT --department "$department" --reviewer 差分测试 --rules "$rules" >/dev/null
  done
fi

t0=$(now)
generate() {
  "$bin" fixtures generate --residents "$N" --enterprises "$M" --seed "$SEED" --bad-rate 0.01 --as-of "$AS_OF" \
    --rules "$rules" "$@" >/dev/null
}
generate --out "$work/data"
for kind in residents enterprises licences; do
  "$bin" import "$kind" "$work/data/$kind.csv" --db "$work/m.db" --rules "$rules" >/dev/null
done
# The published library runs once and posts its 直接兑现 grants; the next night's residents (some
# gone, some new) are imported; the compared run (with drafts, posting nothing) then finds holders.
"$bin" run --as-of "$AS_OF" --db "$work/m.db" --rules "$rules" >/dev/null
generate --out "$work/night" --night "${NIGHT:-1}"
"$bin" import residents "$work/night/residents.csv" --full --db "$work/m.db" --rules "$rules" >/dev/null
t1=$(now)
"$bin" run --as-of "$AS_OF" --include-drafts --db "$work/m.db" --rules "$rules" >/dev/null
"$bin" results --all --format csv --db "$work/m.db" --rules "$rules" >"$work/mianshen.csv"
t2=$(now)
"$bin" export --dir "$work/export" --db "$work/m.db" --rules "$rules" >/dev/null
# EMPTY_LEDGER=1 loads an empty grants_held (budgets as if nothing was granted): then the check
# must fail, which shows the ledger changes budget outcomes in this data.
if [ "${EMPTY_LEDGER:-0}" = 1 ]; then head -n 1 "$work/export/grants_held.csv" >"$work/held" && mv "$work/held" "$work/export/grants_held.csv"; fi
for dialect in duckdb postgres trino; do
  "$bin" rules sql --dialect "$dialect" --as-of "$AS_OF" --include-drafts --rules "$rules" --out "$work/$dialect.sql" 2>/dev/null
  "$bin" rules sql --ddl --dialect "$dialect" --rules "$rules" --out "$work/$dialect-ddl.sql" 2>/dev/null
done
t3=$(now)
echo "居民 $N、企业 $M（种子 $SEED，评估日 $AS_OF）：生成、导入、发布库的运行与次晚导入 $(seconds "$t0" "$t1") 秒，mianshen run 与导出结果 $(seconds "$t1" "$t2") 秒，export 与 rules sql $(seconds "$t2" "$t3") 秒" >&2

failed=0
# DuckDB
"$py" Scripts/bench/duckdb_script.py --ddl "$work/duckdb-ddl.sql" --data "$work/export" --script "$work/duckdb.sql" \
  --out "$work/duckdb.csv" >&2
"$py" Scripts/sql/compare_results.py --engine DuckDB --expected "$work/mianshen.csv" --actual "$work/duckdb.csv" || failed=1

# PostgreSQL: a cluster of our own, owned by a non-root user, reachable only on a socket in its directory.
pguser=postgres
id -u "$pguser" >/dev/null 2>&1 || pguser=nobody
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/mianshen-pg.XXXXXX")
chown "$pguser" "$pgdir"
runuser -u "$pguser" -- "$pgbin/initdb" -D "$pgdir/data" -U mianshen --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u "$pguser" -- "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
  -o "-k $pgdir -c listen_addresses='' -c work_mem=64MB" start >/dev/null
psql=("$pgbin/psql" -h "$pgdir" -U mianshen -d postgres -v ON_ERROR_STOP=1 -q -X)
p0=$(now)
"${psql[@]}" -f "$work/postgres-ddl.sql"
for table in residents enterprises licences grants_held; do
  "${psql[@]}" -c "\\copy $table FROM '$work/export/$table.csv' CSV HEADER"
done
p1=$(now)
{ echo "COPY ("; sed '$ s/;$//' "$work/postgres.sql"; echo ") TO STDOUT (FORMAT csv, HEADER);"; } >"$work/postgres-copy.sql"
"${psql[@]}" -f "$work/postgres-copy.sql" >"$work/postgres.csv"
p2=$(now)
echo "PostgreSQL $("${psql[@]}" -A -t -c 'SHOW server_version')：装载 $(seconds "$p0" "$p1") 秒，脚本 $(seconds "$p1" "$p2") 秒" >&2
"$py" Scripts/sql/compare_results.py --engine PostgreSQL --expected "$work/mianshen.csv" --actual "$work/postgres.csv" || failed=1

# The way back: PostgreSQL's result file (with its condition columns, booleans as t / f) imported
# as a run is the engine's run, byte for byte, and explains condition by condition.
if ! "$bin" results import "$work/postgres.csv" --as-of "$AS_OF" --include-drafts --db "$work/m.db" --rules "$rules" >/dev/null; then
  echo "results import：PostgreSQL 的结果文件被拒绝" >&2
  failed=1
elif "$bin" results --all --format csv --db "$work/m.db" --rules "$rules" >"$work/imported.csv" \
  && cmp -s "$work/mianshen.csv" "$work/imported.csv"; then
  echo "results import：PostgreSQL 的结果文件导入为一次运行，与 mianshen run 的结果逐字节相同" >&2
else
  echo "results import：导入的运行与 mianshen run 的结果不同" >&2
  failed=1
fi

# Licences never imported: the engine holds every licence fact unknown, and so must the script
# reading the empty licences table (not "holds none"). The bundled fixtures, without licences.
nolic="$work/no-licences"
mkdir -p "$nolic"
for kind in residents enterprises; do
  "$bin" import "$kind" "Fixtures/$kind.csv" --db "$nolic/m.db" --rules "$rules" >/dev/null
done
"$bin" run --as-of "$AS_OF" --include-drafts --db "$nolic/m.db" --rules "$rules" >/dev/null
"$bin" results --all --format csv --db "$nolic/m.db" --rules "$rules" >"$nolic/mianshen.csv"
"$bin" export --dir "$nolic/export" --db "$nolic/m.db" --rules "$rules" >/dev/null 2>&1
"$py" Scripts/bench/duckdb_script.py --ddl "$work/duckdb-ddl.sql" --data "$nolic/export" --script "$work/duckdb.sql" \
  --out "$nolic/duckdb.csv" >/dev/null
"$py" Scripts/sql/compare_results.py --engine "DuckDB（从未导入证照）" --expected "$nolic/mianshen.csv" --actual "$nolic/duckdb.csv" || failed=1

echo "Trino：脚本已生成（$(wc -l <"$work/trino.sql") 行），此处没有 Trino 服务，未运行。" >&2
exit "$failed"
