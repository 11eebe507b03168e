#!/usr/bin/env bash
# Installs what MX needs (when missing), builds it and runs every test: the
# lit suite (test/) and every gtest case (unittests/, through lit).
# Ends with the line "N passed, N failed". Usage: utils/test.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
"$root/utils/build.sh" "$build"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
/usr/lib/llvm-22/bin/lit -sv "$build/test" "$build/test/Unit" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
count() { # sums lit's summary lines whose label matches $1
  { grep -E "^ *($1) *: *[0-9]+" "$log" || true; } | sed -E 's/.*: *([0-9]+).*/\1/' |
    awk '{s+=$1} END {print s+0}'
}
passed=$(count 'Passed|Expectedly Failed')
failed=$(count 'Failed|Unresolved|Timed Out|Unexpectedly Passed')
skipped=$(count 'Unsupported|Skipped')
if [[ $rc -ne 0 && $failed -eq 0 ]]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
