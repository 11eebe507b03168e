#!/usr/bin/env bash
# MX against ggml side by side in one process (docs/Benchmarks.md, "MX
# against ggml"). Gets ggml into a scratch folder (never a dependency of MX),
# builds only its CPU backend (native ISA, then AVX2 only), builds the
# harness bench/ggml/side-by-side.cpp on MX's installed package and that
# ggml, and runs it for each ISA.
#
#   bench/ggml/run.sh [--ggml-src=DIR] [--scratch=DIR] [--mx-build=DIR]
#                     [--isa=both|native|avx2] [harness options...]
#
# --ggml-src   a llama.cpp checkout (its ggml/ is used) or a ggml checkout;
#              without it, ggml-org/ggml is cloned at the pinned commit below
#              (network needed).
# --scratch    where ggml, the MX install and the harness are built
#              (default: <mx-build>/ggml-side-by-side).
# --mx-build   MX's built build tree (default: build; `ninja -C build all`),
#              installed into the scratch folder with `cmake --install`.
# Every other option goes to the harness (--gib, --rounds, --k, --n,
# --cache-n, --threads, --batches, --no-gemv, --no-nvfp4; see its --help).
# Environment: GGML_REPO (clone from a mirror), JOBS (build parallelism).
set -euo pipefail

# ggml-org/ggml "readme : update following llama.cpp style (#1599)",
# 2026-08-21, synced with llama.cpp: the CPU backend with MXFP4 (CPU_REPACK
# 8x8 interleave on AVX2/AVX-512) and NVFP4 (vec_dot only).
GGML_REPO=${GGML_REPO:-https://github.com/ggml-org/ggml} # or a local mirror
GGML_PIN=d99724f2b141fed9e1a9f402213506c081433465

repo=$(cd "$(dirname "$0")/../.." && pwd)
src="" scratch="" mxbuild="$repo/build" isa=both
harness_args=()
for a in "$@"; do
  case "$a" in
  --ggml-src=*) src=${a#*=} ;;
  --scratch=*) scratch=${a#*=} ;;
  --mx-build=*) mxbuild=${a#*=} ;;
  --isa=both | --isa=native | --isa=avx2) isa=${a#*=} ;;
  --isa=*) echo "run.sh: --isa is both, native or avx2" >&2; exit 1 ;;
  -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
  *) harness_args+=("$a") ;;
  esac
done
mxbuild=$(cd "$mxbuild" && pwd)
[[ -f $mxbuild/CMakeCache.txt ]] || {
  echo "run.sh: $mxbuild is not an MX build tree (--mx-build)" >&2; exit 1; }
scratch=${scratch:-$mxbuild/ggml-side-by-side}
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
jobs=${JOBS:-$(nproc)}
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
launch=(); command -v ccache >/dev/null &&
  launch=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# 1. ggml's sources.
if [[ -n $src ]]; then
  src=$(cd "$src" && pwd)
  [[ -f $src/ggml/CMakeLists.txt ]] && src=$src/ggml # a llama.cpp checkout
  [[ -f $src/include/ggml.h && -f $src/src/ggml-cpu/repack.cpp ]] || {
    echo "run.sh: $src is neither a ggml nor a llama.cpp checkout" >&2; exit 1; }
  commit=$(git -C "$src" rev-parse HEAD 2>/dev/null || echo "unknown (not a git checkout)")
else
  src=$scratch/ggml-src
  if [[ ! -d $src/.git ]]; then
    rm -rf "$src"
    git clone --quiet "$GGML_REPO" "$src"
  fi
  git -C "$src" checkout --quiet "$GGML_PIN"
  commit=$GGML_PIN
fi
echo "ggml: $src at commit $commit"

# 2. MX's package (the libraries and headers of the build tree).
cmake --install "$mxbuild" --prefix "$scratch/mx" >"$scratch/mx-install.log"

# 3. Per ISA: ggml's CPU backend, the harness, the run.
build_one() { # $1: native or avx2
  local flags=(-DGGML_NATIVE=ON)
  [[ $1 == avx2 ]] && flags=(-DGGML_NATIVE=OFF -DGGML_SSE42=ON -DGGML_AVX=ON
    -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
    -DGGML_AVX512=OFF -DGGML_AVX_VNNI=OFF)
  cmake "${gen[@]}" -S "$src" -B "$scratch/ggml-build-$1" "${launch[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DGGML_BACKEND_DL=OFF \
    -DCMAKE_INSTALL_LIBDIR=lib \
    -DGGML_BUILD_TESTS=OFF -DGGML_BUILD_EXAMPLES=OFF -DGGML_CPU_REPACK=ON \
    "${flags[@]}" -DCMAKE_INSTALL_PREFIX="$scratch/ggml-$1" \
    >"$scratch/ggml-configure-$1.log"
  cmake --build "$scratch/ggml-build-$1" -j "$jobs" >"$scratch/ggml-build-$1.log"
  cmake --install "$scratch/ggml-build-$1" >/dev/null
  cmake "${gen[@]}" -S "$repo/bench/ggml" -B "$scratch/harness-$1" "${launch[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DMX_DIR="$scratch/mx/lib/cmake/mx" \
    -Dggml_DIR="$scratch/ggml-$1/lib/cmake/ggml" \
    -DCMAKE_BUILD_RPATH="$scratch/ggml-$1/lib" \
    >"$scratch/harness-configure-$1.log"
  cmake --build "$scratch/harness-$1" -j "$jobs" >"$scratch/harness-build-$1.log"
}

isas=(native avx2)
[[ $isa != both ]] && isas=("$isa")
status=0
for i in "${isas[@]}"; do
  echo "== building ggml ($i) and the harness in $scratch"
  build_one "$i"
  {
    echo "== ggml commit $commit, ISA $i"
    "$scratch/harness-$i/bin/mx-ggml-side-by-side" --isa="$i" \
      "${harness_args[@]}" || echo "FAILED (exit status $?)"
  } | tee "$scratch/result-$i.txt"
  if grep -q "^FAILED (exit status" "$scratch/result-$i.txt"; then status=1; fi
done
exit $status
