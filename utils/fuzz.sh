#!/usr/bin/env bash
# Long fuzzing run of one libFuzzer target (docs/Fuzzing.md).
#
#   utils/fuzz.sh TARGET HOURS [JOBS]
#
# TARGET is one of mx-fuzz-type-parser, mx-fuzz-opt, mx-fuzz-quant,
# mx-fuzz-quantizer-diff. Configures (once) and builds build-fuzz/ with
# clang-22, -DMX_BUILD_FUZZERS=ON and ASan+UBSan on every MX source, then
# runs TARGET for HOURS hours (fractions allowed) on JOBS processes (default
# 1) over a working corpus build-fuzz/corpus/TARGET seeded from
# fuzz/corpus/TARGET. Crashes, leaks and timeouts land in
# build-fuzz/artifacts/TARGET/; the log in build-fuzz/TARGET.log.
# Environment: BUILD (default build-fuzz), MLIR_DIR, FUZZ_ARGS (extra
# libFuzzer flags).
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
build=${BUILD:-$src/build-fuzz}
# -Wno-c++11-narrowing: clang rejects a narrowing brace initializer in
# lib/Dialect/MX/MXTypes.cpp that g++ only warns about (docs/Fuzzing.md).
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$src" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR="${MLIR_DIR:-/usr/lib/llvm-22/lib/cmake/mlir}" \
    -DLLVM_USE_LINKER=lld -DMX_BUILD_FUZZERS=ON \
    -DCMAKE_C_FLAGS="-fsanitize=address,undefined -gline-tables-only" \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -gline-tables-only -Wno-c++11-narrowing" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
nice ninja -C "$build" "$target"
corpus=$build/corpus/$target artifacts=$build/artifacts/$target
mkdir -p "$corpus" "$artifacts"
seconds=$(python3 -c "print(max(1, int(float('$hours') * 3600)))")
dict=$src/fuzz/corpus/$target.dict
# The sanitizer options of docs/Fuzzing.md: abort (not exit 1) on a report;
# LLVM's BumpPtrAllocator poisons memory that uninstrumented libMLIR uses.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:allow_user_poisoning=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
nice "$build/bin/$target" "$corpus" "$src/fuzz/corpus/$target" \
  -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
  $( [ "$jobs" -gt 1 ] && echo "-jobs=$jobs -workers=$jobs" ) -print_final_stats=1 \
  -artifact_prefix="$artifacts/" \
  $( [ -f "$dict" ] && echo "-dict=$dict" ) ${FUZZ_ARGS:-} 2>&1 | tee "$build/$target.log"
