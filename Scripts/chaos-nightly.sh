#!/usr/bin/env bash
# Chaos test of `mianshen nightly`: on a generated night, kill the nightly with SIGKILL at seeded
# random moments, rerun until it completes, then compare what the night produced with one clean
# run in another store — results, grants, applications, reminders, and the messages the push
# gateway accepted — and check that the nightly ledger and the import ledger hold each step once.
# Any difference fails the script with a diff.
#
# Each store pushes to its own mianshen-test-gateway (loopback). The killed store's gateway
# answers 30 % of requests with HTTP 500 and some after the client's timeout, and refuses one
# recipient with a 400 (a number the clean night delivered to): at the end every message the
# clean gateway accepted is accepted by the other exactly once, but that one, failed with its reason.
#
# Kills are spread over the clean run's timeline (the first always in the first import): kill j
# aims at a seeded moment in the j-th of CHAOS_KILLS equal slices of it — a step and how far into it — and lands there in the killed
# store's night (the script watches its ledger), so kills fall in every step in proportion to its
# length (imports, run, applications, grants, …); a step cut short is redone from its start.
# Each kill prints the step the ledger shows as started.
#
#   Scripts/chaos-nightly.sh                 100,000 residents, 20 kills (release build advised:
#                                            MIANSHEN_BIN=.build/release/mianshen)
#   CHAOS_KILLS=5 Scripts/chaos-nightly.sh   short mode (Scripts/test.sh): 5 kills on 20,000
#                                            residents, so it stays within a few minutes on the debug build
# Environment: CHAOS_KILLS (default 20), CHAOS_SEED (default 7), CHAOS_RESIDENTS (default 100000,
# short mode 10000), MIANSHEN_BIN (default: the debug build), CHAOS_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."

kills=${CHAOS_KILLS:-20}
seed=${CHAOS_SEED:-7}
if [ "$kills" -lt 20 ]; then default_residents=20000; else default_residents=100000; fi
residents=${CHAOS_RESIDENTS:-$default_residents}
enterprises=$((residents / 5))
bin=${MIANSHEN_BIN:-$(swift build --show-bin-path)/mianshen}
[ -x "$bin" ] || { echo "找不到 $bin：先 swift build" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
gateway_bin=$(dirname "$bin")/mianshen-test-gateway
[ -x "$gateway_bin" ] || { echo "找不到 $gateway_bin：先 swift build" >&2; exit 1; }
rules=$(pwd)/Rules
work=$(mktemp -d "${TMPDIR:-/tmp}/chaos-nightly.XXXXXX")
cleanup() {
    # start_gateway runs in a command substitution (a subshell): its pids are kept in a file.
    if [ -f "$work/gateway.pids" ]; then
        while read -r g; do kill "$g" 2>/dev/null || true; done <"$work/gateway.pids"
    fi
    [ "${CHAOS_KEEP:-}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
[ "${CHAOS_KEEP:-}" = 1 ] && echo "工作目录 $work（保留）"
export MIANSHEN_GATEWAY_SECRET=chaos-secret-$seed

# A test gateway on a free loopback port, logging to $work/gateway-$1.log; prints the port.
start_gateway() { # $1: name; the rest: fault flags
    local name=$1
    shift
    "$gateway_bin" --port 0 --log "$work/gateway-$name.log" --secret-env MIANSHEN_GATEWAY_SECRET "$@" >"$work/gateway-$name.out" 2>&1 &
    echo $! >>"$work/gateway.pids"
    for _ in $(seq 100); do
        grep -q '^port ' "$work/gateway-$name.out" 2>/dev/null && break
        sleep 0.1
    done
    sed -n 's/^port //p' "$work/gateway-$name.out" | head -1
}

# The night: a fixed clock, so both stores run the same night with the same evaluation day;
# quiet hours end at 01:00 so the night's dispatch step sends.
now=2026-11-28T02:00:00+08:00
night=2026-11-28
as_of=2026-11-27

echo "== 生成 $residents 名居民、$enterprises 户企业（种子 $seed）"
"$bin" fixtures generate --residents "$residents" --enterprises "$enterprises" --seed "$seed" --as-of "$as_of" \
    --out "$work/in" --rules "$rules" >/dev/null

config() { # $1: name, $2: its gateway's port
    cat >"$work/$1.toml" <<TOML
as_of = "$as_of"
rules = "$rules"
[[inputs]]
file = "in/residents.csv"
kind = "residents"
full = true
[[inputs]]
file = "in/enterprises.csv"
kind = "enterprises"
full = true
[[inputs]]
file = "in/licences.csv"
kind = "licences"
[outputs]
dir = "out-$1"
[push]
quiet_hours = "21:00-01:00"
[push.rate_limit_per_hour]
sms = 1000000
[gateway]
url = "http://127.0.0.1:$2/messages"
timeout_seconds = 1
max_attempts = 12
backoff_seconds = 0.01
TOML
}
config clean "$(start_gateway clean)"

nightly() { # $1: name; the rest: extra arguments
    local name=$1
    shift
    "$bin" nightly --config "$work/$name.toml" --db "$work/$name.db" --now "$now" --log-format json --operator chaos "$@"
}
launch() { # in the background: exec, so $! is the nightly itself and kill -9 hits it, not a subshell
    exec "$bin" nightly --config "$work/chaos.toml" --db "$work/chaos.db" --now "$now" --log-format json --operator chaos \
        >>"$work/chaos.out" 2>>"$work/chaos.log"
}
ledger() { # $1: name; prints "position|step|status|attempts|started|finished"
    sqlite3 "$work/$1.db" "SELECT position, step, status, attempts, started_at, finished_at FROM nightly_steps WHERE night = '$night' ORDER BY position"
}
seconds() { # ISO 8601 UTC with milliseconds → seconds since the epoch
    python3 -c 'import sys, datetime; print(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp())' "$1"
}

echo "== 一次不中断的运行（对照库 clean.db）"
launched=$(date +%s.%N)
nightly clean >"$work/clean.out" 2>"$work/clean.log"
finished=$(date +%s.%N)
# The clean timeline: each step's start and end, in seconds after the process was launched.
timeline=()
while IFS='|' read -r position step status attempts started ended; do
    s=$(seconds "$started"); e=$(seconds "$ended")
    timeline+=("$step $(echo "$s - $launched" | bc) $(echo "$e - $launched" | bc)")
done < <(ledger clean)
total=$(echo "$finished - $launched" | bc)
# The killed store's gateway: faults, and a 400 for one number the clean night delivered to.
marked=$(sqlite3 "$work/clean.db" "SELECT address FROM push_messages WHERE status = 'delivered' AND channel = 'sms' ORDER BY key LIMIT 1")
[ -n "$marked" ] || { echo "对照运行没有送达任何短信，无法选出被网关拒收的号码" >&2; exit 1; }
config chaos "$(start_gateway chaos --fail-rate 0.3 --timeout-rate 0.02 --stall-seconds 2 --seed "$seed" --reject-to "$marked")"
printf '   用时 %.1f 秒；各步骤（开始 结束，秒）：\n' "$total"
printf '     %s\n' "${timeline[@]}"
startup=$(echo "${timeline[0]}" | cut -d' ' -f2)

# The step a moment of the clean timeline falls in, and how far into it (seconds); "startup" before the first.
locate() { # $1: seconds after launch
    local entry at=$1
    for entry in "${timeline[@]}"; do
        set -- $entry
        if (($(echo "$at < $3" | bc))); then
            if (($(echo "$at < $2" | bc))); then echo "$1 0"; else echo "$1 $(echo "$at - $2" | bc)"; fi
            return
        fi
    done
    set -- ${timeline[-1]}
    echo "$1 $(echo "$3 - $2" | bc)"
}
step_state() { # $1: step → "status|started_at" in the chaos store, or nothing
    sqlite3 "$work/chaos.db" "SELECT status || '|' || started_at FROM nightly_steps WHERE night = '$night' AND step = '$1'" 2>/dev/null || true
}
first_pending() {
    local entry
    for entry in "${timeline[@]}"; do
        set -- $entry
        [ "$(step_state "$1" | cut -d'|' -f1)" = done ] || { echo "$1"; return; }
    done
}

echo "== 混沌：$kills 次 kill -9（种子 $seed）"
# Kill j aims at a seeded moment in slice j of the clean timeline: the step it falls in and how far
# into that step. The nightly is launched, the script waits (polling the ledger) until this process
# has started that step, then kills it that far in; a step already done is replaced by the one
# the night resumes at, at a seeded point in it. So kills follow the steps, whatever the load.
RANDOM=$seed
declare -A hits=()
last=$(echo "${timeline[-1]}" | cut -d' ' -f1)
landed=0
for ((j = 0; j < kills; j++)); do
    target=$(echo "$total * ($j + $RANDOM / 32768) / $kills" | bc -l)
    if [ "$j" = 0 ]; then
        # The first kill always lands in the first import (on a release build the imports are a
        # small part of the night, and a slice of it may miss them), at a seeded point in it.
        aim=import-1
        read -r _ a b < <(printf '%s\n' "${timeline[@]}" | grep "^$aim ")
        into=$(echo "($b - $a) * $RANDOM / 32768" | bc -l)
    elif (($(echo "$target < $startup" | bc))); then
        aim=startup; into=$target
    else
        read -r aim into < <(locate "$target")
        if [ "$(step_state "$aim" | cut -d'|' -f1)" = done ]; then
            aim=$(first_pending)
            [ -n "$aim" ] || { echo "   当晚已全部完成，余下 $((kills - j)) 次 kill 无处可落"; break; }
            read -r _ a b < <(printf '%s\n' "${timeline[@]}" | grep "^$aim ")
            into=$(echo "($b - $a) * $RANDOM / 32768" | bc -l)
        fi
    fi
    previous=$(step_state "$aim")
    launch &
    pid=$!
    if [ "$aim" != startup ]; then
        # Until this process starts the step (its started_at changes), or ends.
        while kill -0 "$pid" 2>/dev/null; do
            state=$(step_state "$aim")
            [ "${state%%|*}" = started ] && [ "$state" != "$previous" ] && break
            sleep 0.05
        done
    fi
    # That far into the step, or at once if the step ends sooner (the kill then lands just after
    # it); at most half the last step, so the night is not over before the kill.
    [ "$aim" = "$last" ] && into=$(echo "$into / 2" | bc -l)
    deadline=$(echo "$(date +%s.%N) + $into" | bc)
    while (($(echo "$(date +%s.%N) < $deadline" | bc))) && kill -0 "$pid" 2>/dev/null; do
        [ "$aim" != startup ] && [ "$(step_state "$aim" | cut -d'|' -f1)" = done ] && break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null || true
        hit=$(sqlite3 "$work/chaos.db" "SELECT step FROM nightly_steps WHERE night = '$night' AND status = 'started'" 2>/dev/null || true)
        hit=${hit:-启动或步骤之间}
        hits[$hit]=$((${hits[$hit]:-0} + 1))
        landed=$((landed + 1))
        printf '   kill %2d：目标 %s 中 %5.2f 秒，命中 %s\n' "$((j + 1))" "$aim" "$into" "$hit"
    else
        wait "$pid" || true
        printf '   kill %2d：目标 %s，夜间任务已先结束，未命中\n' "$((j + 1))" "$aim"
    fi
done
echo "   命中 $landed 次；统计：$(for k in "${!hits[@]}"; do printf '%s %s 次；' "$k" "${hits[$k]}"; done)"

echo "== 重跑直到完成"
for attempt in 1 2 3; do
    rc=0
    nightly chaos >>"$work/chaos.out" 2>>"$work/chaos.log" || rc=$?
    # 69: the night completed, but the gateway refused a message (the marked number), as it should.
    if [ "$rc" = 69 ]; then break; fi
    if [ "$rc" = 0 ]; then
        echo "夜间任务完成时退出码为 0：网关拒收了一条消息，应为 69" >&2
        exit 1
    fi
    [ "$attempt" = 3 ] && { echo "重跑 3 次仍未完成：" >&2; tail -20 "$work/chaos.log" >&2; exit 1; }
done
nightly chaos >"$work/again.out" 2>>"$work/chaos.log" || true
grep -q "此前已完成" "$work/again.out" || { echo "完成后再运行没有说明当晚已完成：" >&2; cat "$work/again.out" >&2; exit 1; }

fail=0
compare() { # $1: what; $2, $3: files or directories
    if diff -r "$2" "$3" >"$work/diff.txt"; then
        echo "   相同：$1"
    else
        echo "   不同：$1" >&2
        head -40 "$work/diff.txt" >&2
        fail=1
    fi
}

echo "== 比较中断过的库（chaos.db）与对照库（clean.db）"
for name in clean chaos; do
    mkdir -p "$work/cmp-$name"
    "$bin" results --all --format csv --db "$work/$name.db" --rules "$rules" >"$work/cmp-$name/results.csv"
    "$bin" runs list --format csv --db "$work/$name.db" --rules "$rules" | cut -d, -f1,2 >"$work/cmp-$name/runs.csv"
    for period in "${as_of:0:7}" "${as_of:0:4}" 一次性; do
        "$bin" grants export --period "$period" --all --db "$work/$name.db" --rules "$rules" --operator chaos \
            --out "$work/cmp-$name/grants-$period.csv" >/dev/null
    done
    sqlite3 "$work/$name.db" "SELECT kind, sha256, status FROM imports ORDER BY id" >"$work/cmp-$name/imports.txt"
    sqlite3 "$work/$name.db" "SELECT COUNT(*), COUNT(DISTINCT number), SUM(amount_fen) FROM applications" >"$work/cmp-$name/applications.txt"
    sqlite3 "$work/$name.db" "SELECT COUNT(*) FROM grant_entries" >"$work/cmp-$name/grant-entries.txt"
    ledger "$name" | cut -d'|' -f1-3 >"$work/cmp-$name/ledger.txt"
    sed -n 's/^accepted //p' "$work/gateway-$name.log" | sort >"$work/cmp-$name/accepted.txt"
done
compare "运行（只有一次）" "$work/cmp-clean/runs.csv" "$work/cmp-chaos/runs.csv"
compare "评估结果 results --all" "$work/cmp-clean/results.csv" "$work/cmp-chaos/results.csv"
for period in "${as_of:0:7}" "${as_of:0:4}" 一次性; do
    compare "发放文件 grants export --period $period" "$work/cmp-clean/grants-$period.csv" "$work/cmp-chaos/grants-$period.csv"
done
compare "发放台账分录数" "$work/cmp-clean/grant-entries.txt" "$work/cmp-chaos/grant-entries.txt"
compare "导入记录（每个文件一次）" "$work/cmp-clean/imports.txt" "$work/cmp-chaos/imports.txt"
compare "申请记录" "$work/cmp-clean/applications.txt" "$work/cmp-chaos/applications.txt"
compare "申请表文件（XML、HTML、index.csv）" "$work/out-clean/$night/applications" "$work/out-chaos/$night/applications"
compare "提醒 reminders.csv" "$work/out-clean/$night/reminders.csv" "$work/out-chaos/$night/reminders.csv"
compare "夜间台账（每步一次，全部完成）" "$work/cmp-clean/ledger.txt" "$work/cmp-chaos/ledger.txt"

# The gateways: every message the clean night delivered is accepted by the chaos gateway exactly
# once, except the marked number's, which the chaos store records as failed with the 400's reason.
sqlite3 "$work/clean.db" "SELECT key FROM push_messages WHERE address = '$marked' AND channel = 'sms' ORDER BY key" >"$work/cmp-clean/rejected.txt"
grep -vxF -f "$work/cmp-clean/rejected.txt" "$work/cmp-clean/accepted.txt" >"$work/cmp-clean/deliverable.txt" || true
compare "网关接受的消息（每条恰好一次，被拒收的号码除外）" "$work/cmp-clean/deliverable.txt" "$work/cmp-chaos/accepted.txt"
sed -n 's/^rejected \([^ ]*\) .*/\1/p' "$work/gateway-chaos.log" | sort -u >"$work/cmp-chaos/rejected.txt"
compare "网关拒收（400）的消息" "$work/cmp-clean/rejected.txt" "$work/cmp-chaos/rejected.txt"
failed=$(sqlite3 "$work/chaos.db" "SELECT COUNT(*) FROM push_messages WHERE address = '$marked' AND channel = 'sms' AND (status <> 'failed' OR COALESCE(reason, '') = '')")
if [ "$failed" = 0 ]; then
    echo "   相同：被拒收的消息记为失败并附原因（$(sqlite3 "$work/chaos.db" "SELECT reason FROM push_messages WHERE address = '$marked' AND channel = 'sms' LIMIT 1")）"
else
    echo "   不同：被拒收的 $failed 条消息没有记为失败并附原因" >&2
    fail=1
fi
for name in clean chaos; do
    sqlite3 "$work/$name.db" "SELECT key, channel, status FROM push_messages WHERE NOT (address = '$marked' AND channel = 'sms') ORDER BY key" >"$work/cmp-$name/messages.txt"
done
compare "待发箱（其余消息的状态）" "$work/cmp-clean/messages.txt" "$work/cmp-chaos/messages.txt"
printf '   网关：对照 %s 条；混沌 %s 条接受、%s 次重复收到（重发）、%s 次 500\n' "$(wc -l <"$work/cmp-clean/accepted.txt")" \
    "$(wc -l <"$work/cmp-chaos/accepted.txt")" "$(grep -c '^duplicate ' "$work/gateway-chaos.log" || true)" \
    "$(grep -c '^fault ' "$work/gateway-chaos.log" || true)"

echo "== 中断过的库的夜间台账（步骤、状态、尝试次数）"
ledger chaos | cut -d'|' -f2-4 | sed 's/^/   /'
if [ "$fail" != 0 ]; then
    echo "混沌测试失败：中断后重跑的结果与一次不中断的运行不同（工作目录 $work）。" >&2
    CHAOS_KEEP=1
    exit 1
fi
echo "混沌测试通过：$landed 次 kill -9（计划 $kills 次）后，结果、发放台账、申请表、网关收到的消息与一次不中断的运行完全相同。"
