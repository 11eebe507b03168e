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
# flags), FUZZ_CPU=1 (HOURS counts the fuzzer's CPU time, not wall time:
# for a run at low priority beside other work; JOBS must be 1).
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
args=("$corpus" "$src/fuzz/corpus/$target")
[ -d "$regressions" ] && args+=("$regressions")
[ -f "$dict" ] && args+=("-dict=$dict")
[ "$jobs" -gt 1 ] && args+=("-jobs=$jobs" "-workers=$jobs")
if [ "${FUZZ_CPU:-0}" = 1 ]; then
  [ "$jobs" -eq 1 ] || { echo "fuzz.sh: FUZZ_CPU=1 needs JOBS=1" >&2; exit 2; }
  # No wall-clock limit; a watcher interrupts the fuzzer (libFuzzer prints
  # its final stats on SIGINT) once its user+system time reaches HOURS.
  # libFuzzer's per-input timeout counts wall time, which a starved nice-19
  # process spends waiting: 600 s, not 60 (FUZZ_TIMEOUT).
  nice -n 19 "$build/bin/$target" "${args[@]}" -timeout="${FUZZ_TIMEOUT:-600}" -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} \
    >"$build/$target.log" 2>&1 &
  pid=$!
  tck=$(getconf CLK_TCK)
  while kill -0 "$pid" 2>/dev/null; do
    cpu=$(awk -v t="$tck" '{print int(($14 + $15) / t)}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    if [ "$cpu" -ge "$seconds" ]; then kill -INT "$pid"; break; fi
    sleep 20
  done
  status=0
  wait "$pid" || status=$?
  echo "fuzz.sh: $target used ${cpu:-?} CPU seconds, exit status $status" | tee -a "$build/$target.log"
  exit "$status"
fi
nice "$build/bin/$target" "${args[@]}" \
  -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} 2>&1 | tee "$build/$target.log"
