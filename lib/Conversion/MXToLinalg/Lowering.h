//===- Lowering.h - Shared pieces of the MX to linalg lowering --*- C++ -*-===//
//
// Part of the MX project. Private to lib/Conversion/MXToLinalg.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOLINALG_LOWERING_H
#define MX_LIB_CONVERSION_MXTOLINALG_LOWERING_H

#include "mx/Conversion/MXToLinalg/MXToLinalg.h"
#include "mx/Conversion/MXToLinalg/VectorTarget.h"
#include "mx/Dialect/MX/MXOps.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace mx {
namespace lowering {

/// A tensor shape viewed block by block: dimension d is split into
/// [grid_d, block_d], so the expanded rank is twice the rank. Iteration dims
/// 2d are grid positions and 2d+1 positions inside a block; iterating the
/// expanded tensor row-major visits blocks in the reference's order.
struct BlockedShape {
  BlockedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> block);

  SmallVector<int64_t> shape, block, grid, expanded;
  SmallVector<ReassociationIndices> reassociation;

  unsigned getRank() const { return shape.size(); }
  /// Identity over the expanded iteration space.
  AffineMap getFullMap(MLIRContext *ctx) const;
  /// Expanded iteration space -> block grid position.
  AffineMap getGridMap(MLIRContext *ctx) const;
  /// Grid dims parallel; block dims reductions when `reduceBlocks`.
  SmallVector<utils::IteratorType> getIterators(bool reduceBlocks) const;
  Value expand(OpBuilder &b, Location loc, Value tensor) const;
  Value collapse(OpBuilder &b, Location loc, Value tensor) const;
};

Value createEmpty(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elemType);
Value createFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Value value);
SmallVector<utils::IteratorType> parallelIterators(unsigned n);
/// Elementwise map over a tensor to a new element type (a linalg.generic).
Value mapElements(OpBuilder &b, Location loc, Value tensor, Type outElem,
                  function_ref<Value(OpBuilder &, Location, Value)> fn);
/// The first value of an optional operand's components, or null.
inline Value firstOrNull(ValueRange r) {
  return r.empty() ? Value() : r.front();
}

/// One code per byte (tensor<shape x i8>) from the packed elements.
Value unpackCodes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                  Value packed, ArrayRef<int64_t> shape);
/// The packed elements from one code per byte.
Value packCodes(OpBuilder &b, Location loc, mxref::ElemKind kind, Value codes);

/// The decoded element values P (without scales), tensor<shape x f32>.
Value decodeElementValues(OpBuilder &b, Location loc,
                          BlockScaledTensorType type, Value packed);
/// mx.dequantize on components, to `outElem` (f32, f16 or bf16).
Value dequantizeComponents(OpBuilder &b, Location loc,
                           BlockScaledTensorType type, ValueRange components,
                           Type outElem);
/// mx.quantize of an f32 tensor into the components of `type`.
SmallVector<Value> quantizeToComponents(OpBuilder &b, Location loc, Value input,
                                        BlockScaledTensorType type,
                                        std::optional<ScaleMode> scaleMode,
                                        Rounding rounding, Value tensorScale,
                                        Value randomBits);

/// One matmul operand on components.
struct MatmulSide {
  Value values; ///< decoded element values (f32), without block scales
  Value scales; ///< i8 scale grid, or null for a plain operand
  Value tensorScale;
  mxref::ScaleKind scaleKind = mxref::ScaleKind::E8M0;
  SmallVector<int64_t> block;
};
/// The f32 element values, scales and block of one matmul operand of
/// `type` (f16/bf16 plain operands are extended to f32 exactly).
MatmulSide prepareMatmulSide(OpBuilder &b, Location loc, Type type,
                             ValueRange comps);

void populateQuantizationPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns);
void populateComputePatterns(const TypeConverter &converter,
                             RewritePatternSet &patterns);
/// The vector patterns (VectorMatmul.cpp, VectorQuantization.cpp), with a
/// benefit above the linalg ones they fall back to; `target` gives the
/// lanes and the FP4 lookup strategy.
void populateVectorMatmulPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns,
                                  const VectorTarget &target,
                                  int64_t prefetchDistance, int64_t panels,
                                  bool tileConstantWeights,
                                  KernelLayouts *layouts);
void populateVectorQuantizationPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns,
                                        int64_t lanes);
/// mx.hadamard as vector loops of `lanes` f32 (VectorHadamard.cpp).
void populateVectorHadamardPatterns(const TypeConverter &converter,
                                    RewritePatternSet &patterns, int64_t lanes);

} // namespace lowering
} // namespace mx
} // namespace mlir

#endif // MX_LIB_CONVERSION_MXTOLINALG_LOWERING_H
