//===- BenchCommon.h - What every MX benchmark harness shares -------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// A clock, a fast random generator, cache-line-aligned buffers and the
// --target option, shared by bench/*.cpp and bench/ggml/side-by-side.cpp.
//
// The benchmarks raise glibc's mmap threshold (every buffer then comes from
// the heap, 16-byte aligned), so a weight buffer's alignment would vary from
// run to run, and the 32-byte row loads of MX's kernels split cache lines
// on every other load when it is 16 mod 32. ggml aligns its buffers; MX's
// get 64 bytes too (a caller's buffer, not the kernel, decides alignment).
//
//===----------------------------------------------------------------------===//

#ifndef MX_BENCH_BENCHCOMMON_H
#define MX_BENCH_BENCHCOMMON_H

#include "mx/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

namespace mxbench {

/// mx-cpu-pipeline's `target` value NAME, parsed by the pipeline's own
/// option (so the benchmarks accept exactly its values), or none.
inline std::optional<mlir::mx::VectorTargetKind>
parseVectorTarget(llvm::StringRef name) {
  mlir::mx::MXCPUPipelineOptions options;
  if (mlir::failed(options.parseFromString(("target=" + name).str())))
    return std::nullopt;
  return options.target.getValue();
}

/// Whether `kind` is an AVX2-only target: the benchmarks then take AVX-512
/// out of LLVM's target machine too (AddFeature("avx512f", false), which
/// clears every feature implying it), so an AVX-512 host runs the code an
/// AVX2-only CPU would.
inline bool isAVX2Only(mlir::mx::VectorTargetKind kind) {
  return kind == mlir::mx::VectorTargetKind::AVX2 ||
         kind == mlir::mx::VectorTargetKind::AVX2VNNI;
}

/// Seconds on the steady clock.
inline double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// xorshift64*: fast enough to fill gigabytes.
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9e3779b97f4a7c15ull + 1) {}
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545f4914f6cdd1dull;
  }
  /// Uniform in [0, 1), 24 bits.
  float uniform() { return float(next() >> 40) * (1.0f / float(1 << 24)); }
  /// n random bytes.
  void fill(uint8_t *p, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t v = next();
      std::memcpy(p + i, &v, 8);
    }
    for (; i < n; ++i)
      p[i] = uint8_t(next());
  }
};

template <typename T> struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <typename U> CacheLineAllocator(const CacheLineAllocator<U> &) {}
  T *allocate(std::size_t n) {
    std::size_t bytes = (n * sizeof(T) + 63) / 64 * 64;
    void *p = std::aligned_alloc(64, bytes ? bytes : 64);
    if (!p) // the benchmarks build without exceptions
      std::abort();
    return static_cast<T *>(p);
  }
  void deallocate(T *p, std::size_t) { std::free(p); }
  template <typename U> bool operator==(const CacheLineAllocator<U> &) const {
    return true;
  }
  template <typename U> bool operator!=(const CacheLineAllocator<U> &) const {
    return false;
  }
};

/// A std::vector whose data starts on a 64-byte boundary.
template <typename T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

/// A row-major rows x cols i8 descriptor over caller-owned bytes.
inline StridedMemRefType<int8_t, 2> bytes2D(const uint8_t *data, int64_t rows,
                                            int64_t cols) {
  auto *p = reinterpret_cast<int8_t *>(const_cast<uint8_t *>(data));
  return {p, p, 0, {rows, cols}, {cols, 1}};
}

/// Re-lays weights with a layout function (the function that
/// mx.kernel_layout names, through its C interface; docs/Lowering.md,
/// "Weights re-laid at load time"): `codes` ([rows, rowBytes]) and `scales`
/// ([scaleRows, scaleCols]) in, the same number of bytes of each written to
/// `codesOut` and `scalesOut`; `tensorScale` is passed when the format has
/// one (it passes through).
inline void relayoutWeights(void *fn, const uint8_t *codes, int64_t rows,
                            int64_t rowBytes, const uint8_t *scales,
                            int64_t scaleRows, int64_t scaleCols,
                            std::optional<float> tensorScale, uint8_t *codesOut,
                            uint8_t *scalesOut) {
  struct Laid {
    StridedMemRefType<int8_t, 2> codes, scales;
    float tensorScale;
  } out;
  using Fn = void (*)(Laid *, StridedMemRefType<int8_t, 2> *,
                      StridedMemRefType<int8_t, 2> *);
  using FnTS = void (*)(Laid *, StridedMemRefType<int8_t, 2> *,
                        StridedMemRefType<int8_t, 2> *, float);
  auto c = bytes2D(codes, rows, rowBytes);
  auto s = bytes2D(scales, scaleRows, scaleCols);
  if (tensorScale)
    reinterpret_cast<FnTS>(fn)(&out, &c, &s, *tensorScale);
  else
    reinterpret_cast<Fn>(fn)(&out, &c, &s);
  std::memcpy(codesOut, out.codes.data, size_t(rows * rowBytes));
  std::memcpy(scalesOut, out.scales.data, size_t(scaleRows * scaleCols));
  std::free(out.codes.basePtr);
  std::free(out.scales.basePtr);
}

} // namespace mxbench

#endif // MX_BENCH_BENCHCOMMON_H
