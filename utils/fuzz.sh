#!/usr/bin/env bash
# Long fuzzing run of one libFuzzer target (docs/Fuzzing.md).
#
#   utils/fuzz.sh TARGET HOURS [JOBS]
#
# TARGET is one of mx-fuzz-type-parser, mx-fuzz-opt, mx-fuzz-quant,
# mx-fuzz-quantizer-diff. Configures (once, as utils/sanitize.sh does) and
# builds TARGET in build-asan/, then runs it for HOURS hours (fractions
# allowed) on JOBS processes (default 1) over a working corpus
# build-asan/corpus/TARGET seeded from fuzz/corpus/TARGET and
# fuzz/regressions/TARGET. Crashes, leaks and timeouts land in
# build-asan/artifacts/TARGET/; the log in build-asan/TARGET.log.
# Environment: BUILD (default build-asan), FUZZ_ARGS (extra libFuzzer
# flags).
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
target=$1 hours=$2 jobs=${3:-1}
case $target in
  mx-fuzz-type-parser|mx-fuzz-opt|mx-fuzz-quant|mx-fuzz-quantizer-diff) ;;
  *) echo "fuzz.sh: unknown target '$target'" >&2; exit 2 ;;
esac
src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$src/build-asan}
# The sanitized build of utils/sanitize.sh (clang-22, -O1, ASan+UBSan on
# every MX source, -DMX_BUILD_FUZZERS=ON): one instrumented build serves CI
# and the long runs.
"$src/utils/sanitize.sh" --configure-only "$build"
nice ninja -C "$build" "$target"
corpus=$build/corpus/$target artifacts=$build/artifacts/$target
mkdir -p "$corpus" "$artifacts"
seconds=$(python3 -c "print(max(1, int(float('$hours') * 3600)))")
dict=$src/fuzz/corpus/$target.dict
# The sanitizer options of docs/Fuzzing.md: abort (not exit 1) on a report;
# LLVM's BumpPtrAllocator poisons memory that uninstrumented libMLIR uses.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:allow_user_poisoning=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
regressions=$src/fuzz/regressions/$target
nice "$build/bin/$target" "$corpus" "$src/fuzz/corpus/$target" \
  $( [ -d "$regressions" ] && echo "$regressions" ) \
  -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
  $( [ "$jobs" -gt 1 ] && echo "-jobs=$jobs -workers=$jobs" ) -print_final_stats=1 \
  -artifact_prefix="$artifacts/" \
  $( [ -f "$dict" ] && echo "-dict=$dict" ) ${FUZZ_ARGS:-} 2>&1 | tee "$build/$target.log"
