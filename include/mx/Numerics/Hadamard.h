//===- Hadamard.h - Reference block Hadamard transform ----------*- C++ -*-===//
//
// Part of the MX project. The reference numerics layer: no MLIR IR dependency.
//
//===----------------------------------------------------------------------===//
//
// The (random) Hadamard transform applied before NVFP4 quantization
// (docs/Numerics.md §7): a block-diagonal transform acting on every group of n
// consecutive elements along one axis, n in {16, 32, 64, 128}. Every lowering
// must reproduce it bit for bit.
//
// With H the n x n Sylvester Hadamard matrix (H_1 = [1], H_2k = [[H,H],
// [H,-H]]), S = diag(s_0 .. s_{n-1}) and c = c_n, the forward transform of a
// group x is y = c H S x and the inverse is x = S H c y. In f32:
//
//   forward: t_j = s_j * x_j (exact)
//            fast Walsh-Hadamard butterfly on t, in place:
//              for h = 1, 2, 4, ..., n/2:
//                for i = 0; i < n; i += 2h:
//                  for j = i .. i+h-1:
//                    (t_j, t_{j+h}) = (f32(t_j + t_{j+h}), f32(t_j - t_{j+h}))
//            y_j = f32(t_j * c)
//   inverse: the same butterfly on y, then x_j = s_j * f32(t_j * c)
//
// c_n is the correctly rounded f32 of 1/sqrt(n): 0.25 and 0.125 (exact) for
// n = 16 and 64, 0x3E3504F3 and 0x3DB504F3 for n = 32 and 128.
//
// One sign vector is shared by every group (as TransformerEngine does).
// Without a seed every s_j is +1. With a seed, s_j is the top bit of the
// SplitMix64 finalizer of a counter, so CPU and GPU agree without state:
//
//   z = seed + (j + 1) * 0x9E3779B97F4A7C15            (mod 2^64)
//   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
//   z = (z ^ (z >> 27)) * 0x94D049BB133111EB
//   z = z ^ (z >> 31)
//   s_j = (z >> 63) ? -1 : +1
//
//===----------------------------------------------------------------------===//

#ifndef MX_NUMERICS_HADAMARD_H
#define MX_NUMERICS_HADAMARD_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mxref {

/// s_j of the seeded sign vector: +1 or -1.
int hadamardSign(uint64_t seed, uint64_t j);

/// The sign vector s_0 .. s_{n-1}: all +1 without a seed.
std::vector<int8_t> getHadamardSigns(std::optional<uint64_t> seed, int64_t n);

/// c_n, or empty when n is not a supported size (16, 32, 64, 128).
std::optional<float> getHadamardScale(int64_t n);

/// Transforms `values` (row-major, `shape`) in groups of `n` along `axis`
/// (0 <= axis < rank), forward or inverse, with the signs of `seed`. Fails
/// with a one-line message when n is unsupported, does not divide
/// shape[axis], or the arguments do not match.
llvm::Expected<std::vector<float>> hadamard(llvm::ArrayRef<float> values,
                                            llvm::ArrayRef<int64_t> shape,
                                            int64_t axis, int64_t n,
                                            std::optional<uint64_t> seed,
                                            bool inverse = false);

/// As `hadamard`, with an explicit sign vector (n = signs.size(), each entry
/// +1 or -1), e.g. TransformerEngine's fixed wgrad vector.
llvm::Expected<std::vector<float>>
hadamardWithSigns(llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape,
                  int64_t axis, llvm::ArrayRef<int8_t> signs,
                  bool inverse = false);

} // namespace mxref

#endif // MX_NUMERICS_HADAMARD_H
