#!/usr/bin/env bash
# Generates the fixtures' applications (import Fixtures/, run as of 2025-12-01, applications
# generate) and checks every XML against Rules/forms/applications.xsd with xmllint, independently
# of the validation the command does itself. Installs libxml2-utils (xmllint) when missing.
# Usage: Scripts/check-applications.sh [path to the mianshen binary]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v xmllint >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends libxml2-utils
fi

bin=${1:-$(swift build --show-bin-path)/mianshen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MIANSHEN_DB="$work/check.db"

"$bin" import residents Fixtures/residents.csv >/dev/null
"$bin" import enterprises Fixtures/enterprises.csv >/dev/null
"$bin" import licences Fixtures/licences.csv >/dev/null
"$bin" import residents Fixtures/residents_zh.csv >/dev/null
"$bin" run --as-of 2025-12-01 >/dev/null
"$bin" applications generate --out "$work/apps" >/dev/null

shopt -s nullglob
files=("$work"/apps/*/*.xml)
listed=$(( $(wc -l < "$work/apps/index.csv") - 1 ))
if [ ${#files[@]} -eq 0 ] || [ ${#files[@]} -ne "$listed" ]; then
  echo "check-applications: ${#files[@]} XML files, index.csv lists $listed" >&2
  exit 1
fi
xmllint --noout --schema Rules/forms/applications.xsd "${files[@]}" 2>"$work/xmllint.log" || {
  grep -v ' validates$' "$work/xmllint.log" >&2
  exit 1
}
echo "check-applications: xmllint --schema Rules/forms/applications.xsd accepts all ${#files[@]} applications"
