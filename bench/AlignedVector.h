//===- AlignedVector.h - Cache-line-aligned buffers for the benchmarks ----===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The benchmarks raise glibc's mmap threshold (every buffer then comes from
// the heap, 16-byte aligned), so a weight buffer's alignment would vary from
// run to run, and the 32-byte row loads of MX's kernels split cache lines
// on every other load when it is 16 mod 32. ggml aligns its buffers; MX's
// get 64 bytes too (a caller's buffer, not the kernel, decides alignment).
//
//===----------------------------------------------------------------------===//

#ifndef MX_BENCH_ALIGNEDVECTOR_H
#define MX_BENCH_ALIGNEDVECTOR_H

#include <cstddef>
#include <cstdlib>
#include <vector>

namespace mxbench {

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

} // namespace mxbench

#endif // MX_BENCH_ALIGNEDVECTOR_H
