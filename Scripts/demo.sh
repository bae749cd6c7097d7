#!/usr/bin/env bash
# The main job on the bundled fixtures: build (release), import Fixtures/ into a fresh
# database, print the summary and the quarantine, then check, test and show the rules under
# Rules/, evaluate every published policy against the imported profiles (rules try, the
# reference evaluator) and explain one person's decisions condition by condition; then store a
# run (mianshen run), export one policy's results, explain from the run, change a rule in a temp
# copy of Rules/, run again and diff the two runs; applications, the analyst report of run 2
# (HTML and CSV, under demo-out/), after a run 3 on another day the licence expiry reminders,
# the grants ledger and the finance office's file round trip, the push outbox sent to a test
# gateway, manual review, the audit log and its hash-chain check; last the unattended night as
# cron runs it (mianshen nightly: import → run → applications → reminders → grants → outbox →
# dispatch → report in one command, on a fresh store), and its rerun finding the night done.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product mianshen
swift build -c release --product mianshen-test-gateway
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
echo
echo "== 批量评估：已发布且当日有效的政策 × 全部有效档案，保存为一次运行（评估日 $as_of）"
"$bin" run --as-of "$as_of"
echo
echo "== 结果：高龄津贴（CSV 为机器导出，表头固定，编号全文）"
"$bin" results --policy YL-GLJT --format csv
echo
echo "== 解释：按保存的运行逐条解释同一位居民的高龄津贴"
"$bin" explain 410103193712182418 YL-GLJT
echo
echo "== 改一条规则再运行：高龄津贴 80–89 周岁档每月 100 元 → 120 元（在 Rules/ 的临时副本中改；改过的政策"
echo "   内容指纹变了，尚未重新审核，所以第二次运行加 --include-drafts）"
rules_copy=$(mktemp -d)
trap 'rm -rf "$rules_copy"' EXIT
cp -r Rules/. "$rules_copy"
sed -i 's/^    \[80, 90)    100 元/    [80, 90)    120 元/' "$rules_copy/养老/高龄津贴.policy"
grep -q "\[80, 90)    120 元" "$rules_copy/养老/高龄津贴.policy"
"$bin" run --as-of "$as_of" --include-drafts --rules "$rules_copy" > /dev/null
"$bin" runs list
echo
echo "== 对比两次运行（高龄津贴）：金额变化的对象"
"$bin" diff 1 2 --policy YL-GLJT
echo
echo "== 申请表：运行 1 中依申请政策的每个符合条件的对象，按 Rules/forms/ 自动填写（XML 经 XSD 校验，另有可打印的 HTML）"
apps_dir=${MIANSHEN_APPS:-demo-applications}
rm -rf "$apps_dir"
"$bin" applications generate --run 1 --out "$apps_dir"
echo "申请表在 $apps_dir/：每项政策一个子目录（编号.xml、编号.html），index.csv 为索引"
echo
echo "== 分析报告：运行 2（对照运行 1）写成自包含的网页和 CSV（Excel 可直接打开）"
report_dir=${DEMO_OUT:-demo-out}
mkdir -p "$report_dir"
"$bin" report --out "$report_dir/report.html"
"$bin" report --format csv --out "$report_dir/report-csv"
echo
echo "== 提醒：评估日 2025-12-10 再运行一次（运行 3），列出证照到期提醒（60 天内到期；对象脱敏）"
"$bin" run --as-of 2025-12-10 > /dev/null
"$bin" reminders list --policy TX-ZZDQ
echo "   （小微企业惠企政策提醒 QY-XWTX：$("$bin" reminders list --policy QY-XWTX --format csv | tail -n +2 | wc -l) 条，mianshen reminders list 列出全部）"
echo
echo "== 发放台账：运行 1 与运行 3 都已发布、同在受益期 2025年12月，每笔受益只记一次；导出财政发放文件（CSV 带 BOM、XML）"
"$bin" grants list --period 2025-12 --policy YL-GLJT | tail -n 4
"$bin" grants export --period 2025-12 --format csv --out "$report_dir/grants-2025-12.csv"
"$bin" grants export --period 2025-12 --format xml --out "$report_dir/grants-2025-12.xml"
echo "== 财政部门回传发放结果（第一笔已发放）；申请回传（一份申请已确认、已办结，记入台账，来源 依申请）"
paid=$(sed -n 2p "$report_dir/grants-2025-12.csv" | cut -d, -f1)
printf 'grant_id,status,time\n%s,paid,2025-12-15\n' "$paid" > "$report_dir/grants-confirm.csv"
"$bin" grants confirm "$report_dir/grants-confirm.csv"
app=$(sed -n 2p "$apps_dir/index.csv" | cut -d, -f1)
app_policy=$(sed -n 2p "$apps_dir/index.csv" | cut -d, -f2)
printf 'application_no,status,time\n%s,已确认,2025-12-03T09:00\n%s,已办结,2025-12-08T16:00\n' "$app" "$app" > "$report_dir/status.csv"
"$bin" applications import-status "$report_dir/status.csv"
"$bin" grants list --policy "$app_policy"
echo
echo "== 推送：当晚事项写入待发箱（一个事务），免打扰时段不发，早上发往测试网关（HMAC 签名、幂等键；30 % 的 500 自动重试）"
export MIANSHEN_GATEWAY_SECRET="demo-$RANDOM$RANDOM"
.build/release/mianshen-test-gateway --port 0 --log "$report_dir/gateway.log" --fail-rate 0.3 --seed 7 > "$report_dir/gateway.port" &
gateway_pid=$!
for _ in $(seq 50); do [ -s "$report_dir/gateway.port" ] && break; sleep 0.1; done
printf '[gateway]\nurl = "http://127.0.0.1:%s/messages"\nbackoff_seconds = 0.05\nmax_attempts = 8\n' "$(cut -d' ' -f2 "$report_dir/gateway.port")" > "$report_dir/push.toml"
printf '13800000000,T,2025-12-01 10:00\n' > "$report_dir/optout.csv"
"$bin" push optout import "$report_dir/optout.csv"
"$bin" push queue --now 2025-12-10T20:00:00+08:00
"$bin" push queue --now 2025-12-10T20:05:00+08:00 | sed -n 1p
"$bin" push preview --limit 2
"$bin" push dispatch --now 2025-12-10T22:00:00+08:00 --config "$report_dir/push.toml"
"$bin" push dispatch --now 2025-12-11T08:30:00+08:00 --config "$report_dir/push.toml" || true
"$bin" push status
kill "$gateway_pid"
echo "   网关接受 $(grep -c '^accepted' "$report_dir/gateway.log") 条、注入 500 共 $(grep -c '^fault' "$report_dir/gateway.log") 次（$report_dir/gateway.log）"
echo
echo "== 人工复核：每个待人工复核的（对象，政策）各有一个复核事项（运行 1 开立，之后同样的输入不再开立）"
echo "   待复核 $("$bin" review list --format csv | tail -n +2 | wc -l) 项；ZY-JMYB 的："
"$bin" review list --policy ZY-JMYB
item=$("$bin" review list --policy ZY-JMYB --format csv | sed -n 2p | cut -d, -f1)
"$bin" review decide "$item" --outcome ineligible --reason "演示：医保局核实未参加城乡居民医保" --operator 演示复核员
"$bin" run --as-of 2025-12-10 > /dev/null
echo "   再运行（运行 4）：按决定报告为不符合；explain 列出事项和复核人，review show 列出事项的记录"
entity=$("$bin" review list --policy ZY-JMYB --status all --format csv | awk -F, -v i="$item" '$1 == i { print $4 }')
"$bin" explain "$entity" ZY-JMYB | grep -E "^ZY-JMYB|人工复核"
"$bin" review show "$item"
echo
echo "== 把政策带到数据所在之处：政策编译为 SQL（DuckDB 方言；PostgreSQL、Trino 同理），参数按评估日写成常量并注明出处"
"$bin" rules sql --dialect duckdb --as-of "$as_of" --out "$report_dir/policies.sql" >/dev/null
echo "   $report_dir/policies.sql：$(wc -l <"$report_dir/policies.sql") 行，每个共用条件一个 CTE、每项政策一个 CTE，最后是结果契约的 SELECT；例如"
grep -m1 "/\* 参数" "$report_dir/policies.sql" | sed 's/^ *//' | cut -c1-150
"$bin" export --dir "$report_dir/export"
echo "   （数据中心按 rules sql --ddl 建表装入这些文件，运行脚本，结果文件用 mianshen results import 带回；见 README“省级规模”）"
echo
echo "== 审计日志（全程留痕）：查看原文须说明目的；以上每次使用个人信息都已记录，哈希链可校验"
"$bin" profile 410103193712182418 --unmask --purpose "核实高龄津贴申诉" --operator 张三 > /dev/null
"$bin" audit list --since "$(date -u +%Y-%m-%d)"
"$bin" audit verify
echo "数据库文件只有所有者可读写：$(stat -c '%A %n' "$db")"
echo
echo
echo "== 夜间任务（cron 每晚运行的一条命令）：在新数据库上导入 → 评估 → 申请表 → 提醒 → 发放台账 → 推送发件箱 → 发送 → 报告"
night_dir=$report_dir/nightly
mkdir -p "$night_dir"
fixtures=$(pwd)/Fixtures
cat > "$night_dir/mianshen.toml" <<TOML
db = "nightly.db"
as_of = "2025-12-10"
rules = "$(pwd)/Rules"
[[inputs]]
file = "$fixtures/residents.csv"
kind = "residents"
full = true
[[inputs]]
file = "$fixtures/enterprises.csv"
kind = "enterprises"
full = true
[[inputs]]
file = "$fixtures/licences.csv"
kind = "licences"
[outputs]
dir = "out"
TOML
rm -f "$night_dir/nightly.db"*
(unset MIANSHEN_DB; "$bin" nightly --config "$night_dir/mianshen.toml" --now 2025-12-11T02:00:00+08:00 --operator 定时任务 2>/dev/null)
echo "   再运行一次（例如 cron 重试）：当晚已完成，不重复做任何事"
(unset MIANSHEN_DB; "$bin" nightly --config "$night_dir/mianshen.toml" --now 2025-12-11T02:30:00+08:00 --operator 定时任务 2>/dev/null | tail -1)
echo
echo "申请表：$apps_dir/（index.csv 为索引）；报告：$report_dir/report.html、$report_dir/report-csv/；发放文件：$report_dir/grants-2025-12.csv、.xml"
echo "夜间任务：配置 $night_dir/mianshen.toml，当晚的输出在 $night_dir/out/2025-12-11/"
