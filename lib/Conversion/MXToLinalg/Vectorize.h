//===- Vectorize.h - Shared pieces of the vector lowerings ------*- C++ -*-===//
//
// Part of the MX project. Private to lib/Conversion/MXToLinalg.
//
//===----------------------------------------------------------------------===//
//
// Helpers of the vectorized lowerings (VectorMatmul.cpp,
// VectorQuantization.cpp): 16 lanes along the last dimension, rows of
// packed codes read with vector.transfer_read and unpacked with shifts,
// masks and constant shuffles.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOLINALG_VECTORIZE_H
#define MX_LIB_CONVERSION_MXTOLINALG_VECTORIZE_H

#include "mx/Numerics/Format.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir {
namespace mx {
namespace lowering {
namespace vec {

/// Lanes per vector: one AVX-512 register of f32.
constexpr int64_t kLanes = 16;

/// How one row of packed codes maps to lanes: a sub-chunk of `cols` columns
/// (`bytes` packed bytes) decodes into `interleave` vectors; lane l of
/// vector p holds column l * interleave + p.
struct SubChunk {
  int64_t interleave, cols, bytes;
};
SubChunk getSubChunk(mxref::ElemKind kind);

Value indexConst(OpBuilder &b, Location loc, int64_t v);
Value mulIdx(OpBuilder &b, Location loc, Value v, int64_t c);
Value addIdx(OpBuilder &b, Location loc, Value v, int64_t c);
Value divIdx(OpBuilder &b, Location loc, Value v, int64_t c);
VectorType laneType(OpBuilder &b, Type elem);
/// A constant vector of i32.
Value intVector(OpBuilder &b, Location loc, ArrayRef<int32_t> values);

/// Reshapes a [batch..., R, C] tensor to [prod(batch), R, C] ([C] to
/// [1, 1, C]).
Value to3D(OpBuilder &b, Location loc, Value t);
/// Inverse of to3D, to `type`.
Value from3D(OpBuilder &b, Location loc, Value t, RankedTensorType type);

/// vector.transfer_read of `type` at `indices`, padding with zero.
Value readVector(OpBuilder &b, Location loc, VectorType type, Value source,
                 ValueRange indices, bool inBounds);

/// The codes (vectors of i32, `interleave` of them) of one sub-chunk of a
/// packed row `rowIdx` of `packed`, starting at packed byte `byteOff`; lanes
/// past the row read code 0 when !inBounds.
SmallVector<Value> readCodes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                             Value packed, ValueRange rowIdx, Value byteOff,
                             bool inBounds);

/// Lane l of the result is table[idx[l]] for idx in [0, 16).
Value lookup(OpBuilder &b, Location loc, Value table, Value idx);

/// The block-scale codes (i32 vectors, one per interleaved vector) of the
/// lanes of the sub-chunk whose first column is `col`, read from the scale
/// row scales[i0, i1, :] with blocks of `bn` columns. Requires that `bn`
/// divides sc.cols or sc.cols divides `bn`.
SmallVector<Value> readScaleCodes(OpBuilder &b, Location loc, Value scales,
                                  Value i0, Value i1, Value col, int64_t bn,
                                  SubChunk sc, bool inBounds);

} // namespace vec
} // namespace lowering
} // namespace mx
} // namespace mlir

#endif // MX_LIB_CONVERSION_MXTOLINALG_VECTORIZE_H
