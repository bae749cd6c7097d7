#!/usr/bin/env bash
# Push benchmark: a generated night (N residents, N/10 enterprises, seed 7), imported and run,
# then `push queue` (the night's digests in one transaction), `push queue` again (writes
# nothing), and `push dispatch` to the test gateway on loopback (30 % HTTP 500, seeded, retried
# with back-off). Prints each step's wall time and the gateway's accepted / fault counts.
#
#   Scripts/bench-push.sh              # N=100000, release build
#   N=20000 BUILD=debug Scripts/bench-push.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
BUILD=${BUILD:-release}
work=${BENCH_DIR:-.build-bench-data}/push-$N
mkdir -p "$work"
swift build -c "$BUILD" --product mianshen >&2
swift build -c "$BUILD" --product mianshen-test-gateway >&2
bin=.build/$BUILD/mianshen
export MIANSHEN_DB="$work/push.db" MIANSHEN_GATEWAY_SECRET="bench-$RANDOM$RANDOM"
rm -f "$MIANSHEN_DB" "$MIANSHEN_DB-wal" "$MIANSHEN_DB-shm" "$work/gateway.log"
[ -f "$work/residents.csv" ] || "$bin" fixtures generate --residents "$N" --enterprises $((N / 10)) --seed 7 --out "$work" >/dev/null
for kind in residents enterprises licences; do "$bin" import "$kind" "$work/$kind.csv" >/dev/null; done
"$bin" run --as-of 2026-11-27 >/dev/null

timed() { # label command…
  local start end
  start=$(date +%s.%N)
  "${@:2}"
  end=$(date +%s.%N)
  printf '%s: %.2f s\n' "$1" "$(echo "$end - $start" | bc)"
}

".build/$BUILD/mianshen-test-gateway" --port 0 --log "$work/gateway.log" --fail-rate 0.3 --seed 7 > "$work/gateway.port" &
gateway=$!
trap 'kill $gateway 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$work/gateway.port" ] && break; sleep 0.1; done
printf '[gateway]\nurl = "http://127.0.0.1:%s/messages"\nbackoff_seconds = 0.01\nmax_attempts = 10\n[push.rate_limit_per_hour]\nsms = 1000000\n' \
  "$(cut -d' ' -f2 "$work/gateway.port")" > "$work/push.toml"

timed "push queue" "$bin" push queue --now 2026-11-27T20:00:00+08:00
timed "push queue（同一夜再次）" "$bin" push queue --now 2026-11-27T20:10:00+08:00
timed "push dispatch" "$bin" push dispatch --now 2026-11-28T08:30:00+08:00 --config "$work/push.toml"
echo "网关接受 $(grep -c '^accepted' "$work/gateway.log") 条，注入 500 共 $(grep -c '^fault' "$work/gateway.log") 次，重复 $(grep -c '^duplicate' "$work/gateway.log" || true) 次"
"$bin" push status
