//===- Hadamard.cpp - Reference block Hadamard transform ------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Hadamard.h"
#include "mx/Numerics/Codec.h"

#include "Support.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace mxref;
using mxref::detail::makeError;
using mxref::detail::product;

int mxref::hadamardSign(uint64_t seed, uint64_t j) {
  // Counter-based SplitMix64: output j of the generator seeded with `seed`.
  uint64_t z = seed + (j + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (z >> 63) ? -1 : 1;
}

std::vector<int8_t> mxref::getHadamardSigns(std::optional<uint64_t> seed,
                                            int64_t n) {
  std::vector<int8_t> signs(std::max<int64_t>(n, 0), 1);
  if (seed)
    for (int64_t j = 0; j < n; ++j)
      signs[j] = int8_t(hadamardSign(*seed, uint64_t(j)));
  return signs;
}

std::optional<float> mxref::getHadamardScale(int64_t n) {
  // Correctly rounded 1/sqrt(n); 1.0f / std::sqrt(float(n)) rounds twice.
  switch (n) {
  case 16:
    return 0.25f;
  case 32:
    return bitsToFloat(0x3E3504F3u);
  case 64:
    return 0.125f;
  case 128:
    return bitsToFloat(0x3DB504F3u);
  default:
    return std::nullopt;
  }
}

/// The in-place Sylvester-ordered fast Walsh-Hadamard butterfly.
static void butterfly(float *t, int64_t n) {
  for (int64_t h = 1; h < n; h *= 2) {
    for (int64_t i = 0; i < n; i += 2 * h) {
      for (int64_t j = i; j < i + h; ++j) {
        float a = t[j], b = t[j + h];
        t[j] = a + b;
        t[j + h] = a - b;
      }
    }
  }
}

llvm::Expected<std::vector<float>>
mxref::hadamardWithSigns(llvm::ArrayRef<float> values,
                         llvm::ArrayRef<int64_t> shape, int64_t axis,
                         llvm::ArrayRef<int8_t> signs, bool inverse) {
  int64_t n = int64_t(signs.size());
  std::optional<float> c = getHadamardScale(n);
  if (!c)
    return makeError(
        llvm::formatv("Hadamard size must be 16, 32, 64 or 128, got {0}", n));
  for (auto [j, s] : llvm::enumerate(signs))
    if (s != 1 && s != -1)
      return makeError(
          llvm::formatv("sign {0} must be +1 or -1, got {1}", j, int(s)));
  int64_t rank = int64_t(shape.size());
  if (axis < 0 || axis >= rank)
    return makeError(llvm::formatv(
        "axis {0} is out of range for a tensor of rank {1}", axis, rank));
  int64_t numValues = 1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d < 0)
      return makeError(llvm::formatv(
          "tensor dimension {0} must be non-negative, got {1}", i, d));
    numValues *= d;
  }
  if (int64_t(values.size()) != numValues)
    return makeError(llvm::formatv("expected {0} values for the shape, got {1}",
                                   numValues, values.size()));
  int64_t len = shape[axis];
  if (len % n != 0)
    return makeError(llvm::formatv(
        "Hadamard size {0} does not divide dimension {1} of size {2}", n, axis,
        len));

  int64_t inner = 1, outer = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  for (int64_t i = axis + 1; i < rank; ++i)
    inner *= shape[i];
  std::vector<float> out(values.begin(), values.end());
  std::vector<float> t(n);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t g = 0; g < len; g += n) {
      for (int64_t in = 0; in < inner; ++in) {
        float *base = out.data() + (o * len + g) * inner + in;
        // Sign flips are exact.
        for (int64_t j = 0; j < n; ++j) {
          float v = base[j * inner];
          t[j] = (!inverse && signs[j] < 0) ? -v : v;
        }
        butterfly(t.data(), n);
        for (int64_t j = 0; j < n; ++j) {
          float v = t[j] * *c;
          base[j * inner] = (inverse && signs[j] < 0) ? -v : v;
        }
      }
    }
  }
  return out;
}

llvm::Expected<std::vector<float>>
mxref::hadamard(llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape,
                int64_t axis, int64_t n, std::optional<uint64_t> seed,
                bool inverse) {
  if (!getHadamardScale(n))
    return makeError(
        llvm::formatv("Hadamard size must be 16, 32, 64 or 128, got {0}", n));
  return hadamardWithSigns(values, shape, axis, getHadamardSigns(seed, n),
                           inverse);
}
