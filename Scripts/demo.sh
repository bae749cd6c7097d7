#!/usr/bin/env bash
# The main job on the bundled fixtures: build (release), import Fixtures/ into a fresh
# database, print the summary and the quarantine, then check, test and show the rules under
# Rules/, evaluate every published policy against the imported profiles (rules try, the
# reference evaluator) and explain one person's decisions condition by condition. Later stages
# (columnar evaluate → applications → outbox → report) join as they are built.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product mianshen
bin=.build/release/mianshen
db=${MIANSHEN_DB:-demo.db}
rm -f "$db" "$db-wal" "$db-shm"
export MIANSHEN_DB="$db"

echo "== 导入 Fixtures/（数据库 $db）"
"$bin" import residents Fixtures/residents.csv
"$bin" import enterprises Fixtures/enterprises.csv
"$bin" import licences Fixtures/licences.csv
"$bin" import residents Fixtures/residents_zh.csv
echo
echo "== 同一文件再导入一次：不做任何更改"
"$bin" import residents Fixtures/residents.csv
echo
echo "== 含坏行的文件：好行照常导入，坏行进隔离区（此处放宽坏行上限到 50%）"
"$bin" import residents Fixtures/bad/residents_bad.csv --max-bad-rate 0.5 || true
echo
echo "== 数据库概况"
"$bin" db info
echo
echo "== 隔离区"
"$bin" quarantine list
echo
echo "== 规则：检查、测试、列表、展示（Rules/）"
"$bin" rules check
"$bin" rules test
"$bin" rules list
"$bin" rules show ZX-GZZX --as-of 2026-01-01
echo
# 评估日固定，演示结果可重现。2025-12-01：稳岗返还、扩岗补助的现行文件有效至 2025-12-31。
as_of=2025-12-01
echo "== 评估：已发布的政策 × 全部档案（评估日 $as_of）"
"$bin" rules try --published --as-of "$as_of"
echo
echo "== 解释：一位居民（88 岁、特困、有承包地）的每项政策（身份证号脱敏）"
"$bin" rules try --published --as-of "$as_of" --entity 410103193712182418
echo
echo "== 解释：一户（按户号；户号不是个人信息，照原样显示）的以家庭为对象的政策"
"$bin" rules try --published --as-of "$as_of" --entity H4101030001089
