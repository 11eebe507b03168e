#!/usr/bin/env bash
# The sanitized stage of CI: builds MX's libraries, tools and tests with
# AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer
# (clang-22, -DMX_SANITIZERS=address;undefined; Debian's libMLIR.so and
# libLLVM.so stay uninstrumented) and runs the whole lit suite on them, the
# slow differential suites sampled, and the fuzz targets' short runs. Ends
# with the line "N passed, N failed, N skipped"; exits non-zero
# on any failure or sanitizer report. docs/Robustness.md explains the options.
# Usage: utils/sanitize.sh [--configure-only] [build-dir]   (default: build-asan)
# --configure-only stops after configuring (utils/fuzz.sh shares the build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
configure_only=false
if [[ ${1:-} == --configure-only ]]; then
  configure_only=true
  shift
fi
build=${1:-$root/build-asan}
"$root/utils/install-deps.sh"
if [[ ! -f $build/build.ninja ]]; then
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # -O1: a third of -O3's compile time, and still fast enough to run.
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_USE_LINKER=lld \
    "-DMX_SANITIZERS=address;undefined" \
    -DMX_BUILD_FUZZERS=ON \
    -DMX_ENABLE_PYTHON=OFF \
    "${launcher[@]}"
fi
if $configure_only; then
  exit 0
fi
# Only what the tests run (no benchmarks, no docs, no Python package).
cmake --build "$build" --target mx-test-depends

supp=$root/utils/sanitize
# abort_on_error: a report dies by SIGABRT, which `not` does not accept as
# the exit status of an expected error (ASan's default, 1, it would).
# allow_user_poisoning=0: LLVM's BumpPtrAllocator, inlined into MX's
# instrumented code, poisons memory that uninstrumented libMLIR.so then
# uses legitimately; those use-after-poison reports are all false.
export ASAN_OPTIONS=abort_on_error=1:allow_user_poisoning=0:detect_leaks=1
export LSAN_OPTIONS=suppressions=$supp/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer
# One in MX_DIFF_SAMPLE cases of test/Integration/CPU's differential suites
# (Inputs/differential.py); the unsanitized stage runs them all.
export MX_DIFF_SAMPLE=${MX_DIFF_SAMPLE:-6}
# Not here, only in the normal stage: the Python package (a sanitized
# extension cannot load into the uninstrumented interpreter; MX_ENABLE_PYTHON
# above) and test/Install (an unsanitized g++ consumer cannot link the
# sanitized libraries).
export LIT_FILTER_OUT='^MX :: Install/'
exec "$root/utils/run-lit.sh" "$build/test" "$build/test/Unit"
