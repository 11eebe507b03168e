//===- quantize-bench.cpp - Reference quantizer throughput ----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Quantizes a 4096x14336 f32 matrix (a Llama-style FFN weight) to MXFP4 and
// NVFP4 with the reference library on one thread and reports ns/element.
// Target (issue: compile-time weight quantization): under one second per
// matrix. Usage: mx-bench-quantize [rows cols [repeats]]
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Format.h"
#include "mx/Numerics/Quantize.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

using namespace mxref;

int main(int argc, char **argv) {
  int64_t rows = argc > 2 ? std::atoll(argv[1]) : 4096;
  int64_t cols = argc > 2 ? std::atoll(argv[2]) : 14336;
  int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  if (rows <= 0 || cols <= 0 || cols % 32 != 0 || repeats <= 0) {
    llvm::errs() << "usage: mx-bench-quantize [rows cols [repeats]] "
                    "(cols a multiple of 32)\n";
    return 1;
  }
  // Deterministic, roughly Gaussian weights (sum of uniforms) with outliers.
  std::vector<float> w(rows * cols);
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return float(state >> 40) * (1.0f / float(1 << 24));
  };
  for (float &v : w) {
    float g = next() + next() + next() + next() - 2.0f;
    v = g * 0.02f * (next() < 0.001f ? 30.0f : 1.0f);
  }
  int64_t shape[2] = {rows, cols};
  llvm::outs() << "reference quantizer, " << rows << "x" << cols
               << " f32, 1 thread, best of " << repeats << "\n";
  for (const char *name : {"mxfp4", "nvfp4", "mxfp8_e4m3", "mxfp6_e2m3"}) {
    Format f = *lookupPreset(name);
    int64_t block[2] = {1, f.defaultBlock};
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      auto q = quantize(w, shape, block, f);
      auto t1 = std::chrono::steady_clock::now();
      if (!q) {
        llvm::errs() << llvm::toString(q.takeError()) << "\n";
        return 1;
      }
      best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
    }
    llvm::outs() << llvm::format("  %-11s %8.3f s/matrix  %6.2f ns/element\n",
                                 name, best, best * 1e9 / double(rows * cols));
  }
  return 0;
}
