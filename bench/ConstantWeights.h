//===- ConstantWeights.h - Weights as an mx.constant ------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The benchmarks' constant-weight modes compile a matrix into the module as
// an mx.constant, as a model's weights are after mx-apply-policy, which the
// integer dot reads re-laid (docs/Lowering.md, "Constant weights in the
// integer dot").
//
//===----------------------------------------------------------------------===//

#ifndef MX_BENCH_CONSTANTWEIGHTS_H
#define MX_BENCH_CONSTANTWEIGHTS_H

#include "mx/Dialect/MX/MXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cstdint>

namespace mxbench {

/// An mx.constant of `type` from its packed element bytes and its scale
/// codes (one byte per block, row-major over the block grid), with
/// `tensorScale` when the format has one.
inline mlir::Value constantWeights(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::mx::BlockScaledTensorType type,
                                   llvm::ArrayRef<uint8_t> packed,
                                   llvm::ArrayRef<uint8_t> scales,
                                   float tensorScale) {
  auto raw = [](llvm::ArrayRef<uint8_t> bytes) {
    return llvm::ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                                bytes.size());
  };
  auto packedType =
      mlir::RankedTensorType::get({int64_t(packed.size())}, b.getI8Type());
  return mlir::mx::ConstantOp::create(
      b, loc, type,
      mlir::DenseElementsAttr::getFromRawBuffer(packedType, raw(packed)),
      mlir::DenseElementsAttr::getFromRawBuffer(type.getScalesType(),
                                                raw(scales)),
      type.hasTensorScale() ? b.getF32FloatAttr(tensorScale)
                            : mlir::FloatAttr());
}

} // namespace mxbench

#endif // MX_BENCH_CONSTANTWEIGHTS_H
