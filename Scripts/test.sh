#!/usr/bin/env bash
# The project's test command (README.md; .ci/run calls it): the Swift test suite, which
# includes CLI tests that run the built binary, plus any script checks.
# The tests are XCTest; Swift Testing's runner is switched off so the last line reports them.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
swift test --skip-build --disable-swift-testing

# The policy library, as an officer would check it from a fresh clone: it compiles without a
# diagnostic and its tests pass at full coverage (rules test exits 1 on any gap).
bin=$(swift build --show-bin-path)/mianshen
"$bin" rules check Rules
"$bin" rules test Rules

# A real import, and a run, killed with SIGKILL at several moments leave the store as it was (issues 14, 10).
Scripts/check-import-kill.sh "$bin"
# The fixtures' applications, each checked with xmllint against Rules/forms/applications.xsd.
Scripts/check-applications.sh "$bin"
# The analyst report rendered in a real headless Chromium (installs chromium and fonts when missing).
Scripts/check-report.sh
# The nightly killed with SIGKILL at seeded moments, resumed, and compared with a clean run (short mode).
CHAOS_KILLS=5 MIANSHEN_BIN="$bin" Scripts/chaos-nightly.sh
# The policies as SQL in DuckDB and PostgreSQL equal `mianshen run` (issue 15; short mode, 5,000 residents).
MIANSHEN_BIN="$bin" Scripts/sql-differential.sh --short
