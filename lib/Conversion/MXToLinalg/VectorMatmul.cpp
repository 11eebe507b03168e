//===- VectorMatmul.cpp - mx.matmul to vector loops -----------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx.matmul with a block-scaled rhs [K, N] (any lhs) as scf.for loops over
// vector.transfer_read/write on tensors, vectorized along N: lane n of a
// vector owns output column n and performs exactly the reference's f32
// operations for it (include/mx/Numerics/Matmul.h), in its order:
//
//   for each K block j (increasing):            -- outermost, so the weights
//     for each chunk of columns:                -- stream row block by row
//       for each row m:                         -- block, 64 bytes per row
//         partial = 0
//         for k in block j (increasing): partial = partial + f32(a[m,k] * b)
//         acc[m, cols] = acc + ldexp(partial * u, e)  (NaN for a NaN scale)
//   out = acc (* g)
//
// No reduction is reordered, so the result is bit-exact. The block scales
// are applied by applyMatmulBlockScales (MXCommon), as in the linalg
// lowering. The products are
// computed as arith.mulf then arith.addf without fastmath flags, so LLVM
// never contracts them into an FMA.
//
// FP4 rhs codes come two per byte: a sub-chunk of 2 * lanes columns (lanes
// bytes) decodes into an even-column and an odd-column vector. Partial sums and
// the accumulator keep that lane order (the scratch accumulator is stored in
// it); the final pass interleaves it back.
//
// The chunk loop walks kb rows at once, 4 sub-chunks of each, so a core has kb
// streams in flight and the out-of-order window alone does not cover the
// DRAM latency: each row's read is preceded by a software prefetch of the
// same row `prefetchDistance` chunks ahead (memref.prefetch on a read-only
// view of the packed tensor; it never changes a value).
//
// With `panels` > 1 the full column chunks are split into that many panels
// of whole chunks, and an scf.forall over the panels becomes the outermost
// loop (each panel runs the K-block loop over its own columns, on its own
// slice of the accumulator); the ragged last columns follow in a serial
// nest. Every output column still sees the same operations in the same
// order, so the result does not depend on the panel count or on which
// thread runs a panel.
//
// This nest is the GEMV (decode) kernel. From kBatchedMinRows rows on, the
// entry hands the matmul to the register-blocked batched kernel
// (VectorBatchedMatmul.cpp), which decodes each weight vector once for a
// tile of rows.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "VectorBatchedMatmul.h"
#include "Vectorize.h"

#include "mx/Conversion/MXCommon/BlockEmitter.h"
#include "mx/Conversion/MXCommon/Components.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;

namespace {

/// Sub-chunks per column step: 64 packed bytes per FP4/FP8 row at 16 lanes.
constexpr int64_t kUnroll = 4;

/// The loop nest of one vectorized matmul (see the file comment). Operands
/// are 3-D ([batch, rows, cols]); lanes and the FP4 lookup come from the
/// VectorTarget.
struct VectorMatmulEmitter {
  /// One scf.for over column chunks [lb, ub) of `unroll` sub-chunks each,
  /// for K block j of batch bt: adds the scaled partial sums to `acc`.
  Value emitChunks(OpBuilder &b, Value bt, Value j, Value acc, Value lb,
                   Value ub, int64_t unroll, bool inBounds) const;
  /// Row `row` of one column chunk: the block's partial sums, scaled and
  /// added to `acc`.
  Value emitRow(OpBuilder &b, Value bt, Value j, Value col0, Value row,
                Value acc, int64_t unroll, bool inBounds) const;
  /// The partial sums over k in block j (increasing) of the chunk's
  /// `unroll * interleave` vectors.
  SmallVector<Value> emitPartials(OpBuilder &b, Value bt, Value j, Value col0,
                                  Value row, int64_t unroll,
                                  bool inBounds) const;
  /// One k step: partial + f32(a[row, k] * b[k, cols]) for each vector.
  SmallVector<Value> addProducts(OpBuilder &b, Value bt, Value row, Value kIdx,
                                 Value col0, ValueRange parts, int64_t unroll,
                                 bool inBounds) const;
  /// A software prefetch of row kIdx, prefetchDistance chunks ahead.
  void prefetch(OpBuilder &b, Value bt, Value kIdx, Value col0,
                int64_t step) const;
  /// Back to column order, times the tensor scale g when given.
  Value emitOutput(OpBuilder &b, Value scratch, Value g) const;

  VectorType f32v() const {
    return VectorType::get({sc.lanes}, Float32Type::get(ctx));
  }

  MLIRContext *ctx;
  Location loc;
  mxref::Format bFormat;
  SubChunk sc;
  mxref::ScaleKind aScaleKind;
  int64_t kb, bn, bm, m, n, batch, prefetchDistance, rowBytes;
  std::optional<FP4Table> valueTable;
  Value aValues, aScales, packed, bScales, packedView;
  /// The column of the output at column 0 of `acc` (a panel's slice); null:
  /// 0.
  Value accCol0;
};

} // namespace

void VectorMatmulEmitter::prefetch(OpBuilder &b, Value bt, Value kIdx,
                                   Value col0, int64_t step) const {
  // Same row, prefetchDistance chunks ahead (clamped to the row).
  unsigned bits = mxref::getElemInfo(bFormat.elem).bits;
  Value ahead = addIdx(b, loc, divIdx(b, loc, mulIdx(b, loc, col0, bits), 8),
                       prefetchDistance * step * bits / 8);
  ahead =
      arith::MinUIOp::create(b, loc, ahead, indexConst(b, loc, rowBytes - 1));
  memref::PrefetchOp::create(b, loc, packedView, ValueRange{bt, kIdx, ahead},
                             /*isWrite=*/false, /*localityHint=*/3,
                             /*isDataCache=*/true);
}

SmallVector<Value>
VectorMatmulEmitter::addProducts(OpBuilder &b, Value bt, Value row, Value kIdx,
                                 Value col0, ValueRange parts, int64_t unroll,
                                 bool inBounds) const {
  unsigned bits = mxref::getElemInfo(bFormat.elem).bits;
  Value av =
      tensor::ExtractOp::create(b, loc, aValues, ValueRange{bt, row, kIdx});
  Value avv = vector::BroadcastOp::create(b, loc, f32v(), av);
  // f32(a * value(code)) for the 16 codes: the same products the reference
  // forms, once per row.
  std::optional<FP4Table> products;
  if (valueTable)
    products = multiplyTable(b, loc, *valueTable, av);
  CodecEmitter e(b, loc, f32v());
  if (packedView && inBounds)
    prefetch(b, bt, kIdx, col0, unroll * sc.cols);
  SmallVector<Value> next;
  for (int64_t u = 0; u < unroll; ++u) {
    Value col = addIdx(b, loc, col0, u * sc.cols);
    Value byteOff = divIdx(b, loc, mulIdx(b, loc, col, bits), 8);
    SmallVector<Value> codes =
        readCodes(b, loc, bFormat.elem, sc, packed, ValueRange{bt, kIdx},
                  byteOff, inBounds);
    for (auto [p, code] : llvm::enumerate(codes)) {
      Value prod = products
                       ? lookup(b, loc, *products, code)
                       : Value(arith::MulFOp::create(
                             b, loc, avv, e.decodeElem(bFormat.elem, code)));
      // f32(partial + f32(a * b)): never fused.
      next.push_back(
          arith::AddFOp::create(b, loc, parts[u * sc.interleave + p], prod));
    }
  }
  return next;
}

SmallVector<Value> VectorMatmulEmitter::emitPartials(OpBuilder &b, Value bt,
                                                     Value j, Value col0,
                                                     Value row, int64_t unroll,
                                                     bool inBounds) const {
  Value zero = CodecEmitter(b, loc, f32v()).f32(0.0f);
  SmallVector<Value> init(unroll * sc.interleave, zero);
  Value k0 = mulIdx(b, loc, j, kb);
  auto kLoop = scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), indexConst(b, loc, kb),
      indexConst(b, loc, 1), init,
      [&](OpBuilder &kb2, Location, Value kk, ValueRange parts) {
        Value kIdx = arith::AddIOp::create(kb2, loc, k0, kk);
        scf::YieldOp::create(
            kb2, loc,
            addProducts(kb2, bt, row, kIdx, col0, parts, unroll, inBounds));
      });
  return kLoop.getResults();
}

Value VectorMatmulEmitter::emitRow(OpBuilder &b, Value bt, Value j, Value col0,
                                   Value row, Value acc, int64_t unroll,
                                   bool inBounds) const {
  SmallVector<Value> partials =
      emitPartials(b, bt, j, col0, row, unroll, inBounds);
  CodecEmitter e(b, loc, f32v());
  Value aCode;
  if (aScales) {
    Value s = tensor::ExtractOp::create(
        b, loc, aScales, ValueRange{bt, divIdx(b, loc, row, bm), j});
    aCode = e.broadcast(e.toI32(s));
  }
  for (int64_t u = 0; u < unroll; ++u) {
    Value col = addIdx(b, loc, col0, u * sc.cols);
    // A per-tensor rhs has no block scales (its S_dec is part of g).
    SmallVector<Value> bCodes;
    if (bScales)
      bCodes = readScaleCodes(b, loc, bScales, bt, j, col, bn, sc, inBounds);
    for (int64_t p = 0; p < sc.interleave; ++p) {
      SmallVector<ScaleCode> codes;
      if (aCode)
        codes.push_back({aCode, aScaleKind});
      if (bScales)
        codes.push_back({bCodes[p], bFormat.scale});
      Value scaled =
          applyMatmulBlockScales(e, partials[u * sc.interleave + p], codes);
      // The scratch accumulator is padded to whole sub-chunks: in bounds.
      Value accCol = addIdx(b, loc, col, p * sc.lanes);
      if (accCol0)
        accCol = arith::SubIOp::create(b, loc, accCol, accCol0);
      SmallVector<Value> at = {bt, row, accCol};
      Value old = readVector(b, loc, f32v(), acc, at, true);
      Value sum = arith::AddFOp::create(b, loc, old, scaled);
      acc = writeVector(b, loc, sum, acc, at, true);
    }
  }
  return acc;
}

Value VectorMatmulEmitter::emitChunks(OpBuilder &b, Value bt, Value j,
                                      Value acc, Value lb, Value ub,
                                      int64_t unroll, bool inBounds) const {
  auto chunkLoop = scf::ForOp::create(
      b, loc, lb, ub, indexConst(b, loc, unroll * sc.cols), ValueRange{acc},
      [&](OpBuilder &cb, Location, Value col0, ValueRange cArgs) {
        auto rowLoop = scf::ForOp::create(
            cb, loc, indexConst(cb, loc, 0), indexConst(cb, loc, m),
            indexConst(cb, loc, 1), cArgs,
            [&](OpBuilder &rb, Location, Value row, ValueRange rArgs) {
              scf::YieldOp::create(
                  rb, loc,
                  emitRow(rb, bt, j, col0, row, rArgs[0], unroll, inBounds));
            });
        scf::YieldOp::create(cb, loc, rowLoop.getResults());
      });
  return chunkLoop.getResult(0);
}

Value VectorMatmulEmitter::emitOutput(OpBuilder &b, Value scratch,
                                      Value g) const {
  int64_t nPad = llvm::divideCeil(n, sc.cols) * sc.cols;
  bool outInBounds = n % sc.cols == 0;
  auto column = [&](OpBuilder &cb, Value bt, Value row, Value col,
                    Value out) -> Value {
    auto part = [&](int64_t p) {
      return readVector(cb, loc, f32v(), scratch,
                        ValueRange{bt, row, addIdx(cb, loc, col, p * sc.lanes)},
                        true);
    };
    Value v = part(0);
    if (sc.interleave == 2)
      v = vector::InterleaveOp::create(cb, loc, v, part(1));
    if (g)
      v = arith::MulFOp::create(
          cb, loc, v, vector::BroadcastOp::create(cb, loc, v.getType(), g));
    return writeVector(cb, loc, v, out, ValueRange{bt, row, col}, outInBounds);
  };
  Value out = createEmpty(b, loc, {batch, m, n}, Float32Type::get(ctx));
  auto rows = scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), indexConst(b, loc, batch * m),
      indexConst(b, loc, 1), ValueRange{out},
      [&](OpBuilder &rb, Location, Value r, ValueRange rArgs) {
        Value bt = divIdx(rb, loc, r, m), row = remIdx(rb, loc, r, m);
        auto cols = scf::ForOp::create(
            rb, loc, indexConst(rb, loc, 0), indexConst(rb, loc, nPad),
            indexConst(rb, loc, sc.cols), rArgs,
            [&](OpBuilder &cb, Location, Value col, ValueRange cArgs) {
              scf::YieldOp::create(cb, loc, column(cb, bt, row, col, cArgs[0]));
            });
        scf::YieldOp::create(rb, loc, cols.getResults());
      });
  return rows.getResult(0);
}

namespace {

struct VectorMatmulLowering : OpConversionPattern<MatmulOp> {
  VectorMatmulLowering(const TypeConverter &converter, MLIRContext *ctx,
                       const VectorTarget &target, int64_t prefetchDistance,
                       int64_t panels)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), target(target),
        prefetchDistance(prefetchDistance), panels(panels) {}

  LogicalResult
  matchAndRewrite(MatmulOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto rhsType = dyn_cast<BlockScaledTensorType>(op.getRhs().getType());
    if (!rhsType)
      return rewriter.notifyMatchFailure(op, "plain rhs: linalg lowering");
    if (!supportsLanes(rhsType, target.lanes))
      return rewriter.notifyMatchFailure(op, "rhs does not pack into lanes");
    unsigned rank = rhsType.getRank();
    VectorMatmulEmitter em{rewriter.getContext(), op.getLoc()};
    em.bFormat = rhsType.getFormat().getFormat();
    em.sc = getSubChunk(em.bFormat.elem, target.lanes);
    // A per-tensor rhs does not split K or N: the K block is the lhs's when
    // it is block-scaled, else all of K (docs/Numerics.md §6).
    bool perTensor = !rhsType.hasBlockScales();
    auto lhsType = dyn_cast<BlockScaledTensorType>(op.getLhs().getType());
    int64_t k = rhsType.getShape()[rank - 2];
    em.kb = !perTensor                            ? rhsType.getBlock()[rank - 2]
            : lhsType && lhsType.hasBlockScales() ? lhsType.getBlock()[rank - 1]
                                                  : k;
    em.bn = perTensor ? 1 : rhsType.getBlock()[rank - 1];
    if (em.sc.cols % em.bn != 0 && em.bn % em.sc.cols != 0)
      return rewriter.notifyMatchFailure(op, "N block does not tile lanes");
    RankedTensorType outType = op.getType();
    auto [batch, m, n] = shape3D(outType.getShape());
    em.batch = batch;
    em.m = m;
    em.n = n;

    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    MatmulSide a =
        prepareMatmulSide(b, loc, op.getLhs().getType(), adaptor.getLhs());
    ValueRange rc = adaptor.getRhs();
    em.aValues = to3D(b, loc, a.values);
    em.aScales = a.scales ? to3D(b, loc, a.scales) : Value();
    em.aScaleKind = a.scaleKind;
    em.bm = a.scales ? a.block[rank - 2] : 1;
    em.packed = to3D(b, loc, rc[0]);
    Value bScales = getScalesComponent(rhsType, rc);
    em.bScales = bScales ? to3D(b, loc, bScales) : Value();
    FP4LookupStrategy lookup = target.lookup;
    if (lookup != FP4LookupStrategy::None &&
        mxref::getElemInfo(em.bFormat.elem).bits == 4)
      em.valueTable = buildFP4ValueTable(b, loc, em.bFormat.elem, lookup);
    Value g = a.tensorScale;
    if (Value gb = getTensorScaleComponent(rhsType, rc))
      g = g ? Value(arith::MulFOp::create(b, loc, g, gb)) : gb;
    // Prompt processing: the register-blocked kernel (VectorBatchedMatmul).
    if (m >= kBatchedMinRows) {
      MatmulOperands ops{em.bFormat, em.sc,     em.aScaleKind, em.kb,
                         em.bn,      em.bm,     batch,         m,
                         k,          n,         em.valueTable, em.aValues,
                         em.aScales, em.packed, em.bScales,    g};
      Value out = emitBatchedMatmul(b, loc, ops, chooseBatchedTile(target, ops),
                                    panels);
      rewriter.replaceOp(op, from3D(b, loc, out, outType));
      return success();
    }
    em.prefetchDistance = prefetchDistance;
    em.packedView = prefetchView(b, loc, em.packed, em.rowBytes);

    int64_t width = kUnroll * em.sc.cols;
    int64_t numFull = n / width * width;
    int64_t nPad = llvm::divideCeil(n, em.sc.cols) * em.sc.cols;
    // Panels of whole chunks, none empty: the last may be shorter.
    int64_t numChunks = numFull / width;
    int64_t nPanels = std::min(panels, numChunks), panelCols = 0;
    if (nPanels > 1) {
      int64_t perPanel = llvm::divideCeil(numChunks, nPanels);
      nPanels = llvm::divideCeil(numChunks, perPanel);
      panelCols = perPanel * width;
    }
    bool parallel = nPanels > 1;
    // The accumulator holds every panel's whole slice.
    int64_t accCols = parallel ? std::max(nPad, nPanels * panelCols) : nPad;
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    Value scratch = createFilled(b, loc, {batch, m, accCols}, zero);
    // for each batch, K block j: the chunks of columns [lb, ub), then (when
    // `tail`) the ragged last columns.
    auto batchLoop = [&](OpBuilder &ob, Value acc, Value lb, Value ub,
                         bool full, bool tail) {
      auto blockLoop = [&](OpBuilder &bb, Value bt, Value acc) {
        return scf::ForOp::create(
                   bb, loc, indexConst(bb, loc, 0),
                   indexConst(bb, loc, k / em.kb), indexConst(bb, loc, 1),
                   ValueRange{acc},
                   [&](OpBuilder &jb, Location, Value j, ValueRange jArgs) {
                     Value acc = jArgs[0];
                     if (full)
                       acc =
                           em.emitChunks(jb, bt, j, acc, lb, ub, kUnroll, true);
                     if (tail)
                       acc = em.emitChunks(jb, bt, j, acc,
                                           indexConst(jb, loc, numFull),
                                           indexConst(jb, loc, nPad), 1, false);
                     scf::YieldOp::create(jb, loc, acc);
                   })
            .getResult(0);
      };
      return scf::ForOp::create(
                 ob, loc, indexConst(ob, loc, 0), indexConst(ob, loc, batch),
                 indexConst(ob, loc, 1), ValueRange{acc},
                 [&](OpBuilder &bb, Location, Value bt, ValueRange bArgs) {
                   scf::YieldOp::create(bb, loc, blockLoop(bb, bt, bArgs[0]));
                 })
          .getResult(0);
    };
    Value acc;
    if (!parallel) {
      acc = batchLoop(b, scratch, indexConst(b, loc, 0),
                      indexConst(b, loc, numFull), numFull > 0, numFull < n);
    } else {
      // One panel per iteration, on its own slice of the accumulator.
      auto forall = scf::ForallOp::create(
          b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(nPanels)},
          ValueRange{scratch}, std::nullopt);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(forall.getTerminator());
      Value col0 = mulIdx(b, loc, forall.getInductionVars()[0], panelCols);
      Value colEnd = arith::MinUIOp::create(
          b, loc, addIdx(b, loc, col0, panelCols), indexConst(b, loc, numFull));
      SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                           col0};
      SmallVector<OpFoldResult> sizes = {
          b.getIndexAttr(batch), b.getIndexAttr(m), b.getIndexAttr(panelCols)};
      SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
      Value shared = forall.getRegionIterArgs()[0];
      Value slice = tensor::ExtractSliceOp::create(b, loc, shared, offsets,
                                                   sizes, strides);
      em.accCol0 = col0;
      Value panel = batchLoop(b, slice, col0, colEnd, true, false);
      em.accCol0 = Value();
      b.setInsertionPointToStart(&forall.getTerminator().getRegion().front());
      tensor::ParallelInsertSliceOp::create(b, loc, panel, shared, offsets,
                                            sizes, strides);
      acc = forall.getResult(0);
    }
    // The ragged last columns, after every panel.
    if (parallel && numFull < n)
      acc = batchLoop(b, acc, Value(), Value(), false, true);

    Value out = em.emitOutput(b, acc, g);
    rewriter.replaceOp(op, from3D(b, loc, out, outType));
    return success();
  }

  /// A read-only buffer view of the packed rows, for prefetching only.
  Value prefetchView(OpBuilder &b, Location loc, Value packed,
                     int64_t &rowBytes) const {
    auto packedType = cast<RankedTensorType>(packed.getType());
    rowBytes = packedType.getDimSize(2);
    if (prefetchDistance <= 0)
      return Value();
    auto layout =
        StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                               SmallVector<int64_t>(3, ShapedType::kDynamic));
    return bufferization::ToBufferOp::create(
        b, loc,
        MemRefType::get(packedType.getShape(), packedType.getElementType(),
                        layout),
        packed, /*read_only=*/true);
  }

private:
  VectorTarget target;
  int64_t prefetchDistance;
  int64_t panels;
};

} // namespace

void lowering::populateVectorMatmulPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns,
                                            const VectorTarget &target,
                                            int64_t prefetchDistance,
                                            int64_t panels) {
  patterns.add<VectorMatmulLowering>(converter, patterns.getContext(), target,
                                     prefetchDistance, panels);
}
