# Shared by the benchmarks (sourced; `work` and `venv` set by the caller): /usr/bin/time, Python
# duckdb in a virtual environment of our own (`py`), a release mianshen (`bin`, or MIANSHEN_BIN),
# and `timed OUT CMD…` → "seconds peak_kib" with CMD's stdout in OUT.
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { echo "需要 /usr/bin/time（apt-get install -y time）" >&2; exit 74; }

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
py="$venv/bin/python"
"$py" -c 'import duckdb' 2>/dev/null || "$venv/bin/pip" install --quiet duckdb >&2
echo "DuckDB $("$py" -c 'import duckdb; print(duckdb.__version__)')" >&2

if [ -z "${MIANSHEN_BIN:-}" ]; then
  swift build -c release --product mianshen >&2
fi
bin=${MIANSHEN_BIN:-.build/release/mianshen}

timed() {
  local out=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$out" 2>"$work/stderr.txt" || {
    cat "$work/stderr.txt" >&2; echo "失败：$*" >&2; exit 1; }
  cat "$work/time.txt"
}
