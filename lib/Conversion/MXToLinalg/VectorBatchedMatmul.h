//===- VectorBatchedMatmul.h - Register-blocked mx.matmul -------*- C++ -*-===//
//
// Part of the MX project. Private to lib/Conversion/MXToLinalg.
//
//===----------------------------------------------------------------------===//
//
// The batched (prefill) kernel of the vector matmul lowering: chosen by
// VectorMatmul.cpp for M >= kBatchedMinRows (docs/Lowering.md, "Batched
// matmul").
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOLINALG_VECTORBATCHEDMATMUL_H
#define MX_LIB_CONVERSION_MXTOLINALG_VECTORBATCHEDMATMUL_H

#include "Vectorize.h"

namespace mlir {
namespace mx {
namespace lowering {
namespace vec {

/// Rows from which the batched kernel replaces the GEMV kernel: a row tile
/// (balanced heights, so at least 2 rows once M >= 4) decodes each weight
/// vector once for all its rows' products,
/// where the GEMV kernel decodes it once per row (or builds a product table
/// per row); below, the GEMV kernel's prefetched column streams are kept.
constexpr int64_t kBatchedMinRows = 4;

/// K rows ahead that the first row tile of a column tile prefetches its
/// weight codes: each k step reads a new line (rows lie N codes apart, so the
/// hardware prefetchers do not follow), and two 32-row K blocks cover the
/// DRAM latency at the kernel's rate (docs/Benchmarks.md, "Batched matmul:
/// the first row tile prefetches").
constexpr int64_t kBatchedPrefetchRows = 64;

/// The operands of one vectorized mx.matmul on components, all 3-D
/// ([batch, rows, cols]).
struct MatmulOperands {
  mxref::Format bFormat;
  SubChunk sc;
  mxref::ScaleKind aScaleKind = mxref::ScaleKind::E8M0;
  /// K block, N block of the rhs scales, M block of the lhs scales.
  int64_t kb = 0, bn = 1, bm = 1;
  int64_t batch = 1, m = 0, k = 0, n = 0;
  /// The decoded values of the 16 FP4 codes (a table lookup decodes).
  std::optional<FP4Table> valueTable;
  Value aValues, aScales, packed, bScales;
  /// The tensor scale g (f32 scalar), or null.
  Value g;
  /// FP8 weights decode through f16 (VectorTarget::halfConvert).
  bool halfDecode = false;
  /// A read-only memref view of `packed` for the first row tile's software
  /// prefetch (kBatchedPrefetchRows ahead), or null: none.
  Value packedView;
};

/// The micro-kernel's tile: `rows` output rows (mr) by `subChunks`
/// sub-chunks of columns (nr = subChunks * sc.cols).
struct BatchedTile {
  int64_t rows, subChunks;
};
/// The tallest tile (at most 8 rows) whose partial sums, decoded weight
/// vectors, broadcast lhs value and FP4 table fit `target`'s registers, its
/// row count then balanced over `m`.
BatchedTile chooseBatchedTile(const VectorTarget &target,
                              const MatmulOperands &ops);

/// The [batch, m, n] f32 result of the matmul by the register-blocked
/// kernel, with scf.forall over `panels` column panels when > 1.
Value emitBatchedMatmul(OpBuilder &b, Location loc, const MatmulOperands &ops,
                        BatchedTile tile, int64_t panels);

} // namespace vec
} // namespace lowering
} // namespace mx
} // namespace mlir

#endif // MX_LIB_CONVERSION_MXTOLINALG_VECTORBATCHEDMATMUL_H
