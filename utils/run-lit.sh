#!/usr/bin/env bash
# Runs lit on the given test directories and ends with one line "N passed,
# N failed, N skipped" (summed over lit's summary lines); exits with lit's
# status. Shared by utils/test.sh and utils/sanitize.sh, whose summaries CI
# (.ci/run) prints. Usage: utils/run-lit.sh DIR...
set -euo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
/usr/lib/llvm-22/bin/lit -sv "$@" 2>&1 | tee "$log"
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
