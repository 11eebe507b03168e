//===- Contraction.h - Recognising contractions to quantize -----*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The contractions `mx-apply-policy` (and format selection) can rewrite into
// mx.matmul: linalg.matmul, batch_matmul, matvec, vecmat and their variants
// with explicit indexing maps, and contraction-shaped linalg ops in general
// (one reduction dimension, a multiply-add body, f32 throughout). Each
// operand is seen "as the matmul sees it": [batch..., M, K] for the lhs and
// [batch..., K, N] for the rhs (docs/Policies.md).
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_TRANSFORMS_CONTRACTION_H
#define MX_DIALECT_MX_TRANSFORMS_CONTRACTION_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir {
namespace mx {

enum class OperandRole { Weight, Activation };

struct ContractionOperand {
  /// The operand of the linalg op.
  Value value;
  OperandRole role;
  /// As the matmul sees it: [batch..., M, K] / [batch..., K, N]. M (N) is 1
  /// when the op has no M (N) dimension, as for matvec (vecmat).
  SmallVector<int64_t> shape;
  /// For each dimension of `shape`, the dimension of `value` it is, or -1
  /// for a unit dimension `value` lacks.
  SmallVector<int64_t> dims;
  /// For a weight: the constant at the root of its chain of
  /// linalg.transpose / tensor.collapse_shape / tensor.expand_shape, and the
  /// chain from the constant outwards. Null for a weight that is a function
  /// argument marked `mx.weight` (quantized at run time, like an
  /// activation), and for activations.
  Operation *constant = nullptr;
  SmallVector<Operation *> chain;

  bool isWeight() const { return role == OperandRole::Weight; }
};

struct Contraction {
  Operation *op;
  ContractionOperand lhs, rhs;
  int64_t m, n, k;
  /// Sizes of the batch dimensions, outermost first.
  SmallVector<int64_t> batch;
  /// Loop dimensions of the linalg op: batch..., then M, N (absent for
  /// vecmat / matvec) and K.
  SmallVector<unsigned> batchDims;
  std::optional<unsigned> mDim, nDim;
  unsigned kDim;
};

/// Recognises `op` as a contraction. On failure, `whyNot` (when given) says
/// why in a phrase fit for a remark ("K is dynamic", ...).
FailureOr<Contraction> matchContraction(Operation *op,
                                        std::string *whyNot = nullptr);

/// Folded f32 values of a weight operand with a constant root, row-major in
/// the orientation of `operand.shape`. Fails when the operand has no
/// constant root or its data is unavailable (an elided resource blob).
FailureOr<std::vector<float>>
getWeightValues(const ContractionOperand &operand);

} // namespace mx
} // namespace mlir

#endif // MX_DIALECT_MX_TRANSFORMS_CONTRACTION_H
