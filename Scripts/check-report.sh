#!/usr/bin/env bash
# The analyst report in a real browser (Scripts/test.sh runs this): imports the fixtures into a
# temp database, stores two runs, writes `mianshen report`, renders it with headless Chromium to
# a PNG and a DOM dump, and checks that the title and the per-policy table (one row per policy
# of the run) are in the DOM, the SVG charts are there and well-formed, and the page is not blank.
# Installs what it needs when missing (apt-get, as root or with sudo as .ci/run does): chromium
# (run with --headless --no-sandbox: CI runs as root), fonts-noto-cjk (else Chinese renders as
# boxes) and python3 (to read the PNG's pixels).
# MIANSHEN_BIN picks the binary (default: the debug build); CHECK_REPORT_KEEP=DIR keeps the files.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "check-report: installing ${missing[*]}"
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bin=${MIANSHEN_BIN:-$(swift build --show-bin-path)/mianshen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MIANSHEN_DB="$work/report.db"

fail() {
  echo "check-report: FAILED: $*" >&2
  [ -f "$work/chromium.log" ] && tail -20 "$work/chromium.log" >&2
  exit 1
}

"$bin" import residents Fixtures/residents.csv >/dev/null
"$bin" import enterprises Fixtures/enterprises.csv >/dev/null
"$bin" import licences Fixtures/licences.csv >/dev/null
"$bin" import residents Fixtures/bad/residents_bad.csv --max-bad-rate 0.5 >/dev/null
"$bin" run --as-of 2025-12-01 >/dev/null
"$bin" run --as-of 2026-03-01 >/dev/null
"$bin" report --out "$work/report.html"
policies=$("$bin" results --all --format csv | tail -n +2 | cut -d, -f2 | sort -u | wc -l)

browse() {
  timeout 180 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$work/profile" "$@" \
    "file://$work/report.html" 2>>"$work/chromium.log"
}
browse --window-size=1280,3600 --screenshot="$work/report.png" >/dev/null || fail "chromium could not take the screenshot"
browse --dump-dom >"$work/dom.html" || fail "chromium could not dump the DOM"

grep -q "<title>免申即享运行报告：运行 2（评估日 2026-03-01）</title>" "$work/dom.html" || fail "the title is not in the DOM"
grep -q '<table id="policies">' "$work/dom.html" || fail "the per-policy table is not in the DOM"
rows=$(sed -n '/<table id="policies">/,/<\/table>/p' "$work/dom.html" | grep -c '<td>[A-Z][A-Z]-[A-Z]*</td>' || true)
[ "$rows" -eq "$policies" ] || fail "the per-policy table has $rows policy rows; the run evaluated $policies policies"
charts=$(grep -o '<svg' "$work/dom.html" | wc -l)
[ "$charts" -ge 3 ] || fail "expected the policy and street bar charts and budget gauges, found $charts SVG elements"

python3 - "$work/report.html" <<'PY' || fail "an SVG chart of the report is not well-formed XML"
# Our charts are drawn by our code: each <svg> must stand on its own as XML (as an .svg file would).
import re, sys, xml.etree.ElementTree as ET
for svg in re.findall(r"<svg.*?</svg>", open(sys.argv[1], encoding="utf-8").read(), re.S):
    ET.fromstring(svg)
PY

python3 - "$work/report.png" <<'PY' || fail "the screenshot is blank"
# Decodes the PNG (8-bit RGB or RGBA, as Chromium writes it) and counts the pixels that differ
# from the most common colour (the page background).
import struct, sys, zlib
from collections import Counter
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
assert depth == 8 and colour in (2, 6) and interlace == 0, f"unexpected PNG format {depth}/{colour}/{interlace}"
bpp = 3 if colour == 2 else 4
raw, stride = zlib.decompress(idat), width * bpp
previous, pixels = bytearray(stride), Counter()
for y in range(height):
    kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = previous[i], previous[i - bpp] if i >= bpp else 0
        if kind == 1: line[i] = (line[i] + a) & 255
        elif kind == 2: line[i] = (line[i] + b) & 255
        elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    pixels.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
    previous = line
background, count = pixels.most_common(1)[0]
drawn = width * height - count
print(f"check-report: screenshot {width}x{height}, {len(pixels)} colours, {drawn / (width * height):.1%} of pixels drawn")
sys.exit(0 if len(pixels) > 16 and drawn > width * height // 50 else 1)
PY

if [ -n "${CHECK_REPORT_KEEP:-}" ]; then
  mkdir -p "$CHECK_REPORT_KEEP"
  cp "$work/report.html" "$work/report.png" "$work/dom.html" "$CHECK_REPORT_KEEP/"
fi
echo "check-report: ok (title, per-policy table with $rows policies, $charts charts, page not blank)"
