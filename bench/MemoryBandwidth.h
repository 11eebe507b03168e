//===- MemoryBandwidth.h - Measured DRAM read bandwidth ---------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Benchmarks report their weight traffic as a fraction of the read bandwidth
// measured in the same run, on the same threads: a vectorized sum over a
// buffer far larger than the last-level cache.
//
//===----------------------------------------------------------------------===//

#ifndef MX_BENCH_MEMORYBANDWIDTH_H
#define MX_BENCH_MEMORYBANDWIDTH_H

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

namespace mxbench {

/// Sums `n` floats with 16 independent accumulators so the loop is limited
/// by memory, not by the add latency.
inline float streamSum(const float *p, size_t n) {
  float acc[16] = {};
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j)
      acc[j] += p[i + j];
  float s = 0;
  for (; i < n; ++i)
    s += p[i];
  for (float a : acc)
    s += a;
  return s;
}

/// Best-of-`repeats` read bandwidth in GB/s over the `n` floats at `buf`
/// with `threads` threads, each reading its own contiguous part.
inline double measureReadBandwidth(const float *buf, size_t n, int threads,
                                   int repeats = 5) {
  volatile float sink = 0;
  double best = 0;
  for (int r = 0; r < repeats; ++r) {
    std::vector<std::thread> pool;
    std::vector<float> partial(threads);
    auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        size_t lo = n * t / threads, hi = n * (t + 1) / threads;
        partial[t] = streamSum(buf + lo, hi - lo);
      });
    for (std::thread &th : pool)
      th.join();
    double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    for (float p : partial)
      sink = sink + p;
    best = std::max(best, double(n * sizeof(float)) / s / 1e9);
  }
  return best;
}

/// The same over a fresh buffer of `bytes`.
inline double measureReadBandwidth(size_t bytes, int threads, int repeats = 5) {
  std::vector<float> buf(bytes / sizeof(float), 1.0f);
  return measureReadBandwidth(buf.data(), buf.size(), threads, repeats);
}

} // namespace mxbench

#endif // MX_BENCH_MEMORYBANDWIDTH_H
