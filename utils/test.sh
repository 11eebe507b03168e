#!/usr/bin/env bash
# Installs what MX needs (when missing), builds it and runs every test: the
# lit suite (test/) and every gtest case (unittests/, through lit).
# Ends with the line "N passed, N failed". Usage: utils/test.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
"$root/utils/build.sh" "$build"
exec "$root/utils/run-lit.sh" "$build/test" "$build/test/Unit"
