//===- Matmul.h - Reference block-scaled matmul -----------------*- C++ -*-===//
//
// Part of the MX project. The reference numerics layer: no MLIR IR dependency.
//
//===----------------------------------------------------------------------===//
//
// The reference scaled matmul (docs/Numerics.md §3, §6): C = A x B with f32
// output, where each operand is a plain f32 tensor or a block-scaled
// QuantizedTensor. The OCP spec leaves the accumulation order open; MX fixes
// one, below, and every lowering must reproduce it bit for bit.
//
// Shapes: A is [..., M, K] and B is [..., K, N], with equal ranks (>= 2),
// equal leading batch dimensions and positive sizes. The output is row-major
// [..., M, N]. A block-scaled operand must have block 1 on every batch
// dimension; A's block along M and B's block along N may be larger (e.g.
// 16x16 tiles). The K block size kb is the operands' common block size along
// K when both are block-scaled (they must agree), the block-scaled one's when
// only one is, and K when neither is. A per-tensor operand (a format without
// block scales, e.g. fp8_e4m3_tensor) counts as not block-scaled: its one
// block is the whole tensor, batch dimensions included, and its S_dec is
// applied to the output as g, after the K sum, like NVFP4's tensor scale.
//
// Evaluation of C[b, m, n] (the outputs are independent):
//
//   acc = 0.0f
//   for each K block j = 0, 1, ... (increasing):
//     partial = 0.0f
//     for k = j*kb ... j*kb + kb - 1 (increasing):
//       partial = f32(partial + f32(ea(m, k) * eb(k, n)))
//     if A's or B's scale byte of this block is NaN:  scaled = NaN
//     else: u = product of the decoded UE4M3 scales present (1.0f if none)
//           e = sum of the E8M0 exponents present (code - 127 each)
//           scaled = ldexp(f32(partial * u), e)
//     acc = f32(acc + scaled)
//   out = f32(acc * g) if a tensor scale applies, else acc
//
// * ea/eb are the decoded element values (decodeElem, without the scale) of
//   a block-scaled operand, or the value of a plain one. The product of two
//   element values is exact in f32; a product with a plain value rounds once.
// * The product of two UE4M3 scales is exact in f32. The E8M0 exponents are
//   added as integers (up to +-254), never materialized as a float, so
//   ldexp rounds at most once (only into the subnormal range or on overflow).
// * g is the tensor decode scale S_dec of the operand whose format has one,
//   or f32(S_decA * S_decB) when both have one (NVFP4 or per-tensor, in any
//   mix).
//
//===----------------------------------------------------------------------===//

#ifndef MX_NUMERICS_MATMUL_H
#define MX_NUMERICS_MATMUL_H

#include "mx/Numerics/Quantize.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace mxref {

/// One matmul operand: a view of either a plain row-major f32 tensor or a
/// block-scaled tensor. The viewed data must outlive the call it is used in.
struct MatmulOperand {
  /// A plain f32 operand of `shape`.
  MatmulOperand(llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape)
      : shape(shape), values(values) {}
  /// A block-scaled operand.
  MatmulOperand(const QuantizedTensor &q) : shape(q.shape), quantized(&q) {}

  bool isQuantized() const { return quantized != nullptr; }

  llvm::ArrayRef<int64_t> shape;
  llvm::ArrayRef<float> values;               ///< plain operands only
  const QuantizedTensor *quantized = nullptr; ///< block-scaled operands only
};

/// A row-major f32 tensor.
struct MatmulResult {
  llvm::SmallVector<int64_t, 4> shape;
  std::vector<float> values;
};

/// Checks the operands (shapes, block shapes, component sizes, formats) and
/// returns kb, the block size along K. Fails with a one-line message.
llvm::Expected<int64_t> getMatmulKBlock(const MatmulOperand &a,
                                        const MatmulOperand &b);

/// The reference scaled matmul, in the order documented above.
llvm::Expected<MatmulResult> matmul(const MatmulOperand &a,
                                    const MatmulOperand &b);

/// For each output (row-major, as matmul's), a bound on |out' - exact| for
/// any f32 evaluation out' of the same sum in another order, where exact is
/// g * sum_k ea*eb*sA*sB evaluated exactly (sA, sB the decoded block scales):
///
///   n     = K + (number of K blocks) + (1 if a tensor scale applies)
///   G     = |g| if a tensor scale applies, else 1
///   S     = sum over k of |ea * eb * sA * sB|        (in double)
///   bound = gamma(n) * G * S + n * 2^-149 * max(G, 1)
///   gamma(n) = n*u / (1 - n*u),  u = 2^-24
///
/// This is the standard bound for sums whose terms each pass through at most
/// n roundings (a product, a block-scale multiply, the additions along any
/// summation tree, the tensor-scale multiply); the last term covers roundings
/// in the subnormal range. The reference order is one such evaluation, so two
/// evaluations differ by at most twice the bound. The bound is NaN where a
/// block scale is NaN and Inf (or NaN) where S is not finite; it does not
/// cover an evaluation that overflows.
llvm::Expected<std::vector<double>> matmulErrorBound(const MatmulOperand &a,
                                                     const MatmulOperand &b);

} // namespace mxref

#endif // MX_NUMERICS_MATMUL_H
