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
// No reduction is reordered, so the result is bit-exact. The products are
// computed as arith.mulf then arith.addf without fastmath flags, so LLVM
// never contracts them into an FMA.
//
// FP4 rhs codes come two per byte: a sub-chunk of 32 columns (16 bytes)
// decodes into an even-column and an odd-column vector. Partial sums and the
// accumulator keep that lane order (the scratch accumulator is stored in
// it); the final pass interleaves it back.
//
// The chunk loop walks kb rows at once, 64 bytes of each, so a core has kb
// streams in flight and the out-of-order window alone does not cover the
// DRAM latency: each row's read is preceded by a software prefetch of the
// same row `prefetchDistance` chunks ahead (memref.prefetch on a read-only
// view of the packed tensor; it never changes a value).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "Vectorize.h"

#include "mx/Conversion/MXCodec/CodecEmitter.h"
#include "mx/Numerics/Codec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;

namespace {

struct VectorMatmulLowering : OpConversionPattern<MatmulOp> {
  VectorMatmulLowering(const TypeConverter &converter, MLIRContext *ctx,
                       bool tableLookup, int64_t prefetchDistance)
      : OpConversionPattern(converter, ctx, /*benefit=*/2),
        tableLookup(tableLookup), prefetchDistance(prefetchDistance) {}

  LogicalResult
  matchAndRewrite(MatmulOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto rhsType = dyn_cast<BlockScaledTensorType>(op.getRhs().getType());
    if (!rhsType)
      return rewriter.notifyMatchFailure(op, "plain rhs: linalg lowering");
    unsigned rank = rhsType.getRank();
    mxref::Format bFormat = rhsType.getFormat().getFormat();
    SubChunk sc = getSubChunk(bFormat.elem);
    int64_t kb = rhsType.getBlock()[rank - 2];
    int64_t bn = rhsType.getBlock()[rank - 1];
    if (sc.cols % bn != 0 && bn % sc.cols != 0)
      return rewriter.notifyMatchFailure(op, "N block does not tile lanes");
    RankedTensorType outType = op.getType();
    int64_t m = outType.getDimSize(rank - 2), n = outType.getDimSize(rank - 1);
    int64_t k = rhsType.getShape()[rank - 2];
    int64_t batch = 1;
    for (int64_t d : outType.getShape().drop_back(2))
      batch *= d;

    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    MatmulSide a =
        prepareMatmulSide(b, loc, op.getLhs().getType(), adaptor.getLhs());
    ValueRange rc = adaptor.getRhs();
    Value aValues = to3D(b, loc, a.values);
    Value aScales = a.scales ? to3D(b, loc, a.scales) : Value();
    int64_t bm = a.scales ? a.block[rank - 2] : 1;
    Value packed = to3D(b, loc, rc[0]), bScales = to3D(b, loc, rc[1]);

    Type f32 = b.getF32Type(), i32 = b.getI32Type();
    VectorType f32v = laneType(b, f32), i32v = laneType(b, i32);
    unsigned bits = mxref::getElemInfo(bFormat.elem).bits;
    // Four sub-chunks per step: 64 packed bytes per FP4/FP8 row.
    constexpr int64_t kUnroll = 4;
    int64_t width = kUnroll * sc.cols;
    int64_t numFull = n / width * width;
    int64_t nPad = llvm::divideCeil(n, sc.cols) * sc.cols;
    bool useTable = tableLookup && bits == 4;
    Value table;
    if (useTable) {
      // The 16 E2M1 values, decoded by the reference's bit arithmetic.
      SmallVector<int32_t> all;
      for (int32_t c = 0; c < 16; ++c)
        all.push_back(c);
      CodecEmitter e(b, loc, i32v);
      table = e.decodeElem(bFormat.elem, intVector(b, loc, all));
    }

    // A read-only buffer view of the packed rows, for prefetching only.
    auto packedType = cast<RankedTensorType>(packed.getType());
    int64_t rowBytes = packedType.getDimSize(2);
    Value packedView;
    if (prefetchDistance > 0)
      packedView = bufferization::ToBufferOp::create(
          b, loc,
          MemRefType::get(packedType.getShape(), packedType.getElementType(),
                          StridedLayoutAttr::get(
                              b.getContext(), ShapedType::kDynamic,
                              SmallVector<int64_t>(3, ShapedType::kDynamic))),
          packed, /*read_only=*/true);

    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    Value zeroV = vector::BroadcastOp::create(b, loc, f32v, zero);
    Value c0 = indexConst(b, loc, 0), c1 = indexConst(b, loc, 1);
    Value scratch = createFilled(b, loc, {batch, m, nPad}, zero);

    // The scaled partial sum of one lane vector (reference "scaled").
    auto scalePartial = [&](OpBuilder &nb, Value v, Value aCode, Value bCode) {
      CodecEmitter e(nb, loc, f32v);
      Value isNaN, u;
      SmallVector<Value> e8m0;
      auto addScale = [&](Value code, mxref::ScaleKind kind) {
        Value nan = e.isNaNScale(kind, code);
        isNaN = isNaN ? Value(arith::OrIOp::create(nb, loc, isNaN, nan)) : nan;
        if (kind == mxref::ScaleKind::E8M0) {
          e8m0.push_back(code);
          return;
        }
        // UE4M3 value of a non-NaN code (NaN codes are selected away
        // below): its 7 bits placed at f32 bit 20 form an f32 (normal for
        // e > 0, subnormal for e = 0) equal to value * 2^-120, so one exact
        // multiply by 2^120 decodes both cases (3 ops instead of the
        // generic decode's dozen). A product of two is exact in f32.
        Value f = arith::MulFOp::create(
            nb, loc, e.floatOf(e.shl(e.andI(code, e.i32(0x7f)), e.i32(20))),
            e.f32(std::ldexp(1.0f, 120)));
        u = u ? Value(arith::MulFOp::create(nb, loc, u, f)) : f;
      };
      if (aCode)
        addScale(aCode, a.scaleKind);
      addScale(bCode, bFormat.scale);
      if (u)
        v = arith::MulFOp::create(nb, loc, v, u);
      if (e8m0.size() == 1) {
        // ldexp(v, c - 127) with c - 127 in [-127, 127]: 2^(c-127) is an
        // f32 (subnormal for c = 0), and one IEEE multiply rounds the exact
        // product once, exactly as ldexp rounds (only below 2^-126).
        v = arith::MulFOp::create(nb, loc, v, e.decodeE8M0(e8m0[0]));
      } else if (e8m0.size() == 2) {
        // The exponent sum x lies in [-254, 254], beyond 2^x as an f32, but
        // v * 2^x is exact in f64 (no overflow, no subnormal), so rounding
        // it to f32 once is ldexp(v, x) (also its Inf on overflow).
        Value x = e.add(e8m0[0], e8m0[1]);
        VectorType i64v = laneType(nb, nb.getI64Type());
        VectorType f64v = laneType(nb, nb.getF64Type());
        auto c64 = [&](int64_t c) -> Value {
          return arith::ConstantOp::create(nb, loc, i64v,
                                           DenseElementsAttr::get(i64v, c));
        };
        // f64 exponent field of 2^(x - 254): x - 254 + 1023.
        Value bits = arith::ShLIOp::create(
            nb, loc,
            arith::AddIOp::create(nb, loc,
                                  arith::ExtUIOp::create(nb, loc, i64v, x),
                                  c64(1023 - 254)),
            c64(52));
        Value pow2 = arith::BitcastOp::create(nb, loc, f64v, bits);
        Value wide = arith::MulFOp::create(
            nb, loc, arith::ExtFOp::create(nb, loc, f64v, v), pow2);
        v = arith::TruncFOp::create(nb, loc, f32v, wide);
      }
      return e.select(isNaN, e.f32Bits(0x7fc00000), v);
    };

    // One scf.for over column chunks [lb, ub) of `unroll` sub-chunks each,
    // for K block j of batch bt: adds the scaled partial sums to scratch.
    auto emitChunks = [&](OpBuilder &ob, Value bt, Value j, Value acc,
                          int64_t lb, int64_t ub, int64_t unroll,
                          bool inBounds) -> Value {
      int64_t step = unroll * sc.cols;
      auto chunkLoop = scf::ForOp::create(
          ob, loc, indexConst(ob, loc, lb), indexConst(ob, loc, ub),
          indexConst(ob, loc, step), ValueRange{acc},
          [&](OpBuilder &cb, Location, Value col0, ValueRange cArgs) {
            auto rowLoop = scf::ForOp::create(
                cb, loc, c0, indexConst(cb, loc, m), c1, cArgs,
                [&](OpBuilder &mb, Location, Value row, ValueRange mArgs) {
                  SmallVector<Value> init(unroll * sc.interleave, zeroV);
                  Value k0 = mulIdx(mb, loc, j, kb);
                  auto kLoop = scf::ForOp::create(
                      mb, loc, c0, indexConst(mb, loc, kb), c1, init,
                      [&](OpBuilder &kb2, Location, Value kk,
                          ValueRange parts) {
                        Value kIdx = arith::AddIOp::create(kb2, loc, k0, kk);
                        Value av = tensor::ExtractOp::create(
                            kb2, loc, aValues, ValueRange{bt, row, kIdx});
                        Value avv =
                            vector::BroadcastOp::create(kb2, loc, f32v, av);
                        // f32(a * value(code)) for the 16 codes: the same
                        // products the reference forms, once per row.
                        Value prodTable =
                            useTable ? Value(arith::MulFOp::create(kb2, loc,
                                                                   avv, table))
                                     : Value();
                        CodecEmitter e(kb2, loc, i32v);
                        if (packedView && inBounds) {
                          // Same row, prefetchDistance chunks ahead (clamped
                          // to the row).
                          Value ahead = addIdx(
                              kb2, loc,
                              divIdx(kb2, loc, mulIdx(kb2, loc, col0, bits), 8),
                              prefetchDistance * step * bits / 8);
                          ahead = arith::MinUIOp::create(
                              kb2, loc, ahead,
                              indexConst(kb2, loc, rowBytes - 1));
                          memref::PrefetchOp::create(
                              kb2, loc, packedView, ValueRange{bt, kIdx, ahead},
                              /*isWrite=*/false, /*localityHint=*/3,
                              /*isDataCache=*/true);
                        }
                        SmallVector<Value> next;
                        for (int64_t u = 0; u < unroll; ++u) {
                          Value col = addIdx(kb2, loc, col0, u * sc.cols);
                          Value byteOff =
                              divIdx(kb2, loc, mulIdx(kb2, loc, col, bits), 8);
                          SmallVector<Value> codes = readCodes(
                              kb2, loc, bFormat.elem, packed,
                              ValueRange{bt, kIdx}, byteOff, inBounds);
                          for (auto [p, code] : llvm::enumerate(codes)) {
                            Value prod =
                                useTable
                                    ? lookup(kb2, loc, prodTable, code)
                                    : Value(arith::MulFOp::create(
                                          kb2, loc, avv,
                                          e.decodeElem(bFormat.elem, code)));
                            // f32(partial + f32(a * b)): never fused.
                            next.push_back(arith::AddFOp::create(
                                kb2, loc, parts[u * sc.interleave + p], prod));
                          }
                        }
                        scf::YieldOp::create(kb2, loc, next);
                      });
                  Value aCode;
                  if (aScales) {
                    Value s = tensor::ExtractOp::create(
                        mb, loc, aScales,
                        ValueRange{bt, divIdx(mb, loc, row, bm), j});
                    aCode = vector::BroadcastOp::create(
                        mb, loc, i32v, arith::ExtUIOp::create(mb, loc, i32, s));
                  }
                  Value accT = mArgs[0];
                  for (int64_t u = 0; u < unroll; ++u) {
                    Value col = addIdx(mb, loc, col0, u * sc.cols);
                    SmallVector<Value> bCodes = readScaleCodes(
                        mb, loc, bScales, bt, j, col, bn, sc, inBounds);
                    for (int64_t p = 0; p < sc.interleave; ++p) {
                      Value scaled = scalePartial(
                          mb, kLoop.getResult(u * sc.interleave + p), aCode,
                          bCodes[p]);
                      // scratch is padded to whole sub-chunks: in bounds.
                      SmallVector<Value> at = {
                          bt, row, addIdx(mb, loc, col, p * kLanes)};
                      Value old = readVector(mb, loc, f32v, accT, at, true);
                      Value sum = arith::AddFOp::create(mb, loc, old, scaled);
                      accT = vector::TransferWriteOp::create(
                                 mb, loc, sum, accT, at, ArrayRef<bool>{true})
                                 .getResult();
                    }
                  }
                  scf::YieldOp::create(mb, loc, accT);
                });
            scf::YieldOp::create(cb, loc, rowLoop.getResults());
          });
      return chunkLoop.getResult(0);
    };

    int64_t numBlocks = k / kb;
    auto batchLoop = scf::ForOp::create(
        b, loc, c0, indexConst(b, loc, batch), c1, ValueRange{scratch},
        [&](OpBuilder &bb, Location, Value bt, ValueRange bArgs) {
          auto blockLoop = scf::ForOp::create(
              bb, loc, c0, indexConst(bb, loc, numBlocks), c1, bArgs,
              [&](OpBuilder &jb, Location, Value j, ValueRange jArgs) {
                Value acc = jArgs[0];
                if (numFull > 0)
                  acc = emitChunks(jb, bt, j, acc, 0, numFull, kUnroll, true);
                if (numFull < n)
                  acc = emitChunks(jb, bt, j, acc, numFull, nPad, 1, false);
                scf::YieldOp::create(jb, loc, acc);
              });
          scf::YieldOp::create(bb, loc, blockLoop.getResults());
        });
    scratch = batchLoop.getResult(0);

    // Back to column order, times the tensor scale g.
    Value g = a.tensorScale;
    if (bFormat.tensorScale)
      g = g ? Value(arith::MulFOp::create(b, loc, g, rc[2])) : rc[2];
    Value out = createEmpty(b, loc, {batch, m, n}, f32);
    bool outInBounds = n % sc.cols == 0;
    auto outBatch = scf::ForOp::create(
        b, loc, c0, indexConst(b, loc, batch), c1, ValueRange{out},
        [&](OpBuilder &bb, Location, Value bt, ValueRange bArgs) {
          auto rows = scf::ForOp::create(
              bb, loc, c0, indexConst(bb, loc, m), c1, bArgs,
              [&](OpBuilder &rb, Location, Value row, ValueRange rArgs) {
                auto cols = scf::ForOp::create(
                    rb, loc, c0, indexConst(rb, loc, nPad),
                    indexConst(rb, loc, sc.cols), rArgs,
                    [&](OpBuilder &cb, Location, Value col, ValueRange cArgs) {
                      auto part = [&](int64_t p) {
                        return readVector(
                            cb, loc, f32v, scratch,
                            ValueRange{bt, row,
                                       addIdx(cb, loc, col, p * kLanes)},
                            true);
                      };
                      Value v = part(0);
                      if (sc.interleave == 2)
                        v = vector::InterleaveOp::create(cb, loc, v, part(1));
                      if (g) {
                        Value gv = vector::BroadcastOp::create(cb, loc,
                                                               v.getType(), g);
                        v = arith::MulFOp::create(cb, loc, v, gv);
                      }
                      Value w =
                          vector::TransferWriteOp::create(
                              cb, loc, v, cArgs[0], ValueRange{bt, row, col},
                              ArrayRef<bool>{outInBounds})
                              .getResult();
                      scf::YieldOp::create(cb, loc, w);
                    });
                scf::YieldOp::create(rb, loc, cols.getResults());
              });
          scf::YieldOp::create(bb, loc, rows.getResults());
        });
    rewriter.replaceOp(op, from3D(b, loc, outBatch.getResult(0), outType));
    return success();
  }

private:
  bool tableLookup;
  int64_t prefetchDistance;
};

} // namespace

void lowering::populateVectorMatmulPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns,
                                            bool tableLookup,
                                            int64_t prefetchDistance) {
  patterns.add<VectorMatmulLowering>(converter, patterns.getContext(),
                                     tableLookup, prefetchDistance);
}
