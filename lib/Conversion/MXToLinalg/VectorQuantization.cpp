//===- VectorQuantization.cpp - mx.(de)quantize to vector loops -----------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The vector helpers shared with VectorMatmul.cpp (Vectorize.h) and the
// vectorized mx.dequantize and mx.quantize: 16 lanes along the last
// dimension, each lane computing exactly the scalar lowering's (and the
// reference's) value with the same CodecEmitter sequences.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "Vectorize.h"

#include "mx/Conversion/MXCodec/CodecEmitter.h"
#include "mx/Conversion/MXToLinalg/MXToLinalg.h"
#include "mx/Numerics/Codec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

SubChunk vec::getSubChunk(mxref::ElemKind kind) {
  switch (mxref::getElemInfo(kind).bits) {
  case 4:
    return {2, 2 * kLanes, kLanes};
  case 6:
    return {1, kLanes, kLanes * 3 / 4};
  default:
    return {1, kLanes, kLanes};
  }
}

Value vec::indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value vec::mulIdx(OpBuilder &b, Location loc, Value v, int64_t c) {
  return arith::MulIOp::create(b, loc, v, indexConst(b, loc, c));
}

Value vec::addIdx(OpBuilder &b, Location loc, Value v, int64_t c) {
  return c == 0 ? v : arith::AddIOp::create(b, loc, v, indexConst(b, loc, c));
}

Value vec::divIdx(OpBuilder &b, Location loc, Value v, int64_t c) {
  return c == 1 ? v : arith::DivUIOp::create(b, loc, v, indexConst(b, loc, c));
}

VectorType vec::laneType(OpBuilder &b, Type elem) {
  return VectorType::get({kLanes}, elem);
}

Value vec::intVector(OpBuilder &b, Location loc, ArrayRef<int32_t> values) {
  auto type = VectorType::get({int64_t(values.size())}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, values));
}

/// Reshapes a [batch..., R, C] tensor to [prod(batch), R, C].
Value vec::to3D(OpBuilder &b, Location loc, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  int64_t rank = type.getRank();
  if (rank == 3)
    return t;
  if (rank == 1) {
    auto out = RankedTensorType::get({1, 1, type.getDimSize(0)},
                                     type.getElementType());
    return tensor::ExpandShapeOp::create(b, loc, out, t,
                                         {ReassociationIndices{0, 1, 2}});
  }
  if (rank == 2) {
    auto out = RankedTensorType::get(
        {1, type.getDimSize(0), type.getDimSize(1)}, type.getElementType());
    return tensor::ExpandShapeOp::create(b, loc, out, t,
                                         {ReassociationIndices{0, 1}, {2}});
  }
  ReassociationIndices batch;
  for (int64_t i = 0; i < rank - 2; ++i)
    batch.push_back(i);
  return tensor::CollapseShapeOp::create(
      b, loc, t, {batch, ReassociationIndices{rank - 2}, {rank - 1}});
}

/// Inverse of to3D for a result of `type`.
Value vec::from3D(OpBuilder &b, Location loc, Value t, RankedTensorType type) {
  int64_t rank = type.getRank();
  if (rank == 3)
    return t;
  if (rank == 1)
    return tensor::CollapseShapeOp::create(b, loc, type, t,
                                           {ReassociationIndices{0, 1, 2}});
  if (rank == 2)
    return tensor::CollapseShapeOp::create(b, loc, type, t,
                                           {ReassociationIndices{0, 1}, {2}});
  ReassociationIndices batch;
  for (int64_t i = 0; i < rank - 2; ++i)
    batch.push_back(i);
  return tensor::ExpandShapeOp::create(
      b, loc, type, t, {ReassociationIndices{0}, {rank - 2}, {rank - 1}});
}

Value vec::readVector(OpBuilder &b, Location loc, VectorType type, Value source,
                      ValueRange indices, bool inBounds) {
  Type elem = type.getElementType();
  Value pad = isa<FloatType>(elem)
                  ? arith::ConstantOp::create(b, loc, b.getFloatAttr(elem, 0))
                  : arith::ConstantOp::create(b, loc, b.getIntegerAttr(elem, 0))
                        .getResult();
  return vector::TransferReadOp::create(b, loc, type, source, indices, pad,
                                        ArrayRef<bool>{inBounds});
}

/// The codes (vectors of i32) of one sub-chunk of a packed row, starting at
/// packed byte `byteOff`; lanes past the row read code 0 when !inBounds.
SmallVector<Value> vec::readCodes(OpBuilder &b, Location loc,
                                  mxref::ElemKind kind, Value packed,
                                  ValueRange rowIdx, Value byteOff,
                                  bool inBounds) {
  SubChunk sc = getSubChunk(kind);
  SmallVector<Value> idx(rowIdx);
  idx.push_back(byteOff);
  Value bytes = readVector(b, loc, VectorType::get({sc.bytes}, b.getI8Type()),
                           packed, idx, inBounds);
  VectorType i32v = laneType(b, b.getI32Type());
  CodecEmitter e(b, loc, i32v);
  switch (mxref::getElemInfo(kind).bits) {
  case 4: {
    // Byte l holds column 2l in its low nibble and 2l + 1 in its high one.
    Value w = arith::ExtUIOp::create(b, loc, i32v, bytes);
    return {e.andI(w, e.i32(15)), e.lshr(w, e.i32(4))};
  }
  case 6: {
    // Lane l is code l % 4 of the little-endian 3-byte group l / 4.
    Value word = e.i32(0);
    for (int64_t i = 0; i < 3; ++i) {
      SmallVector<int64_t> mask;
      for (int64_t l = 0; l < kLanes; ++l)
        mask.push_back(3 * (l / 4) + i);
      Value sel = vector::ShuffleOp::create(b, loc, bytes, bytes, mask);
      word = e.orI(
          word, e.shl(arith::ExtUIOp::create(b, loc, i32v, sel), e.i32(8 * i)));
    }
    SmallVector<int32_t> shifts;
    for (int64_t l = 0; l < kLanes; ++l)
      shifts.push_back(int32_t(6 * (l % 4)));
    return {e.andI(e.lshr(word, intVector(b, loc, shifts)), e.i32(63))};
  }
  default:
    return {arith::ExtUIOp::create(b, loc, i32v, bytes)};
  }
}

/// Lane l of the result is table[idx[l]] for idx in [0, 16): one dynamic
/// extract per lane, a pattern x86 selects as a single variable permute
/// (vpermps); other targets get correct scalar code.
Value vec::lookup(OpBuilder &b, Location loc, Value table, Value idx) {
  SmallVector<Value> elems;
  for (int64_t l = 0; l < kLanes; ++l) {
    Value i = vector::ExtractOp::create(b, loc, idx, l);
    Value pos = arith::IndexCastOp::create(b, loc, b.getIndexType(), i);
    elems.push_back(
        vector::ExtractOp::create(b, loc, table, OpFoldResult(pos)));
  }
  return vector::FromElementsOp::create(b, loc, table.getType(), elems);
}

/// The block-scale codes (i32 vectors, one per interleaved vector) of the
/// lanes of the sub-chunk whose first column is `col`, from the scale row
/// scales[bt, j, :] with blocks of `bn` columns.
SmallVector<Value> vec::readScaleCodes(OpBuilder &b, Location loc, Value scales,
                                       Value i0, Value i1, Value col,
                                       int64_t bn, SubChunk sc, bool inBounds) {
  VectorType i32v = laneType(b, b.getI32Type());
  SmallVector<Value> codes;
  if (bn >= sc.cols) { // one block holds the whole sub-chunk
    Value s = tensor::ExtractOp::create(
        b, loc, scales, ValueRange{i0, i1, divIdx(b, loc, col, bn)});
    Value v = vector::BroadcastOp::create(
        b, loc, i32v, arith::ExtUIOp::create(b, loc, b.getI32Type(), s));
    codes.assign(sc.interleave, v);
    return codes;
  }
  int64_t n = sc.cols / bn;
  Value bytes =
      readVector(b, loc, VectorType::get({n}, b.getI8Type()), scales,
                 ValueRange{i0, i1, divIdx(b, loc, col, bn)}, inBounds);
  for (int64_t p = 0; p < sc.interleave; ++p) {
    SmallVector<int64_t> mask;
    for (int64_t l = 0; l < kLanes; ++l)
      mask.push_back((l * sc.interleave + p) / bn);
    Value sel = vector::ShuffleOp::create(b, loc, bytes, bytes, mask);
    codes.push_back(arith::ExtUIOp::create(b, loc, i32v, sel));
  }
  return codes;
}

//===----------------------------------------------------------------------===//
// mx.dequantize
//===----------------------------------------------------------------------===//

namespace {

/// Rows of [batch, R, C] (blocks [1, br, bc]), 16 lanes along C: per lane
/// the scalar lowering's P * 2^X (E8M0) or (P * s) * S_dec (UE4M3), a NaN
/// for a NaN scale.
struct VectorDequantizeLowering : OpConversionPattern<DequantizeOp> {
  VectorDequantizeLowering(const TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern(converter, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(DequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockScaledTensorType type = op.getInput().getType();
    int64_t rank = type.getRank();
    ArrayRef<int64_t> block = type.getBlock();
    for (int64_t d = 0; d + 2 < rank; ++d)
      if (block[d] != 1)
        return rewriter.notifyMatchFailure(op, "batch blocks: linalg");
    mxref::Format format = type.getFormat().getFormat();
    SubChunk sc = getSubChunk(format.elem);
    int64_t br = rank > 1 ? block[rank - 2] : 1, bc = block[rank - 1];
    if (sc.cols % bc != 0 && bc % sc.cols != 0)
      return rewriter.notifyMatchFailure(op, "block does not tile lanes");

    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    ValueRange comps = adaptor.getInput();
    Value packed = to3D(b, loc, comps[0]), scales = to3D(b, loc, comps[1]);
    Value tensorScale = format.tensorScale ? comps[2] : Value();
    RankedTensorType outType = op.getType();
    Type outElem = outType.getElementType();
    bool isF32 = outElem.isF32();
    ArrayRef<int64_t> shape = type.getShape();
    int64_t rows = rank > 1 ? shape[rank - 2] : 1, cols = shape[rank - 1];
    int64_t batch = 1;
    for (int64_t d : shape.drop_back(std::min<int64_t>(rank, 2)))
      batch *= d;
    unsigned bits = mxref::getElemInfo(format.elem).bits;
    VectorType f32v = laneType(b, b.getF32Type());

    // The value of one interleaved lane vector (the scalar lowering's).
    auto lane = [&](OpBuilder &nb, Value code, Value scale) -> Value {
      CodecEmitter e(nb, loc, f32v);
      Value p = e.decodeElem(format.elem, code);
      Value v;
      if (format.scale == mxref::ScaleKind::E8M0) {
        // P * 2^X: exact (or +-Inf), as ldexp; 2^X is an f32 here.
        v = arith::MulFOp::create(nb, loc, p, e.decodeE8M0(scale));
        v = e.truncF32(v, outElem);
      } else {
        Value ps = arith::MulFOp::create(nb, loc, p, e.decodeUE4M3(scale));
        Value ts =
            tensorScale
                ? Value(vector::BroadcastOp::create(nb, loc, f32v, tensorScale))
                : Value();
        if (isF32)
          v = ts ? Value(arith::MulFOp::create(nb, loc, ps, ts)) : ps;
        else
          v = ts ? roundExactProduct(nb, loc, ps, ts, outElem)
                 : e.truncF32(ps, outElem);
      }
      Value nan = e.truncF32(e.f32Bits(0x7fc00000), outElem);
      return e.select(e.isNaNScale(format.scale, scale), nan, v);
    };

    Value c0 = indexConst(b, loc, 0), c1 = indexConst(b, loc, 1);
    int64_t numFull = cols / sc.cols * sc.cols;
    auto emitCols = [&](OpBuilder &ob, Value bt, Value row, Value acc,
                        int64_t lb, int64_t ub, bool inBounds) -> Value {
      auto loop = scf::ForOp::create(
          ob, loc, indexConst(ob, loc, lb), indexConst(ob, loc, ub),
          indexConst(ob, loc, sc.cols), ValueRange{acc},
          [&](OpBuilder &cb, Location, Value col, ValueRange args) {
            Value byteOff = divIdx(cb, loc, mulIdx(cb, loc, col, bits), 8);
            SmallVector<Value> codes =
                readCodes(cb, loc, format.elem, packed, ValueRange{bt, row},
                          byteOff, inBounds);
            SmallVector<Value> scaleCodes =
                readScaleCodes(cb, loc, scales, bt, divIdx(cb, loc, row, br),
                               col, bc, sc, inBounds);
            SmallVector<Value> vals;
            for (auto [code, scale] : llvm::zip_equal(codes, scaleCodes))
              vals.push_back(lane(cb, code, scale));
            Value v = vals[0];
            if (sc.interleave == 2)
              v = vector::InterleaveOp::create(cb, loc, vals[0], vals[1]);
            Value w = vector::TransferWriteOp::create(cb, loc, v, args[0],
                                                      ValueRange{bt, row, col},
                                                      ArrayRef<bool>{inBounds})
                          .getResult();
            scf::YieldOp::create(cb, loc, w);
          });
      return loop.getResult(0);
    };

    Value out = createEmpty(b, loc, {batch, rows, cols}, outElem);
    auto batchLoop = scf::ForOp::create(
        b, loc, c0, indexConst(b, loc, batch), c1, ValueRange{out},
        [&](OpBuilder &bb, Location, Value bt, ValueRange bArgs) {
          auto rowLoop = scf::ForOp::create(
              bb, loc, c0, indexConst(bb, loc, rows), c1, bArgs,
              [&](OpBuilder &rb, Location, Value row, ValueRange rArgs) {
                Value acc = rArgs[0];
                if (numFull > 0)
                  acc = emitCols(rb, bt, row, acc, 0, numFull, true);
                if (numFull < cols)
                  acc = emitCols(rb, bt, row, acc, numFull, cols, false);
                scf::YieldOp::create(rb, loc, acc);
              });
          scf::YieldOp::create(bb, loc, rowLoop.getResults());
        });
    rewriter.replaceOp(op, from3D(b, loc, batchLoop.getResult(0), outType));
    return success();
  }
};

/// Packs 16 element codes (i32 lanes, natural column order) into their
/// bytes: FP4 8 (element 2i in the low nibble), FP6 12 (little-endian
/// groups of four), 8-bit kinds 16.
Value packLanes(OpBuilder &b, Location loc, mxref::ElemKind kind, Value codes) {
  unsigned bits = mxref::getElemInfo(kind).bits;
  auto shuffle = [&](Value x, Value y, ArrayRef<int64_t> mask) -> Value {
    return vector::ShuffleOp::create(b, loc, x, y, mask);
  };
  auto splat = [&](Value like, int32_t c) -> Value {
    auto type = cast<VectorType>(like.getType());
    return arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getI32IntegerAttr(c)));
  };
  auto toBytes = [&](Value v) -> Value {
    auto type = cast<VectorType>(v.getType());
    return arith::TruncIOp::create(b, loc, type.clone(b.getI8Type()), v);
  };
  if (bits == 8)
    return toBytes(codes);
  if (bits == 4) {
    Value even = shuffle(codes, codes, {0, 2, 4, 6, 8, 10, 12, 14});
    Value odd = shuffle(codes, codes, {1, 3, 5, 7, 9, 11, 13, 15});
    return toBytes(arith::OrIOp::create(
        b, loc, even, arith::ShLIOp::create(b, loc, odd, splat(odd, 4))));
  }
  // FP6: word g = c[4g] | c[4g+1] << 6 | c[4g+2] << 12 | c[4g+3] << 18.
  Value word;
  for (int64_t i = 0; i < 4; ++i) {
    Value q = shuffle(codes, codes, {i, 4 + i, 8 + i, 12 + i});
    if (i)
      q = arith::ShLIOp::create(b, loc, q, splat(q, int32_t(6 * i)));
    word = word ? Value(arith::OrIOp::create(b, loc, word, q)) : q;
  }
  Value b1 = arith::ShRUIOp::create(b, loc, word, splat(word, 8));
  Value b2 = arith::ShRUIOp::create(b, loc, word, splat(word, 16));
  Value pairs = shuffle(word, b1, {0, 4, 1, 5, 2, 6, 3, 7});
  Value b2x = shuffle(b2, b2, {0, 1, 2, 3, 0, 0, 0, 0});
  return toBytes(shuffle(pairs, b2x, {0, 1, 8, 2, 3, 9, 4, 5, 10, 6, 7, 11}));
}

/// mx.quantize of [batch, R, C] with blocks [1, br, bc], 16 lanes along C,
/// for bc a multiple of 16 (a block is br rows of bc / 16 vectors; its
/// amax is a lane-wise then a horizontal integer max) or bc = 1 (each lane
/// its own column block of br rows). Per lane, every value is the scalar
/// lowering's: the same CodecEmitter sequences on vectors.
struct VectorQuantizeLowering : OpConversionPattern<QuantizeOp> {
  VectorQuantizeLowering(const TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern(converter, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(QuantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockScaledTensorType type = op.getType();
    int64_t rank = type.getRank();
    ArrayRef<int64_t> block = type.getBlock(), shape = type.getShape();
    for (int64_t d = 0; d + 2 < rank; ++d)
      if (block[d] != 1)
        return rewriter.notifyMatchFailure(op, "batch blocks: linalg");
    int64_t br = rank > 1 ? block[rank - 2] : 1, bc = block[rank - 1];
    int64_t rows = rank > 1 ? shape[rank - 2] : 1, cols = shape[rank - 1];
    if (cols % kLanes != 0 || (bc % kLanes != 0 && bc != 1))
      return rewriter.notifyMatchFailure(op, "blocks do not tile lanes");
    int64_t batch = 1;
    for (int64_t d : shape.drop_back(std::min<int64_t>(rank, 2)))
      batch *= d;
    SmallVector<Type> compTypes;
    if (failed(getMXComponentTypes(type, compTypes)))
      return failure();

    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto first = [](ValueRange r) { return r.empty() ? Value() : r.front(); };
    Value input = to3D(b, loc, first(adaptor.getInput()));
    Value randomBits = first(adaptor.getRandomBits());
    bool stochastic = op.getRounding() == Rounding::stochastic;
    if (stochastic)
      randomBits = to3D(b, loc, randomBits);
    mxref::Format format = type.getFormat().getFormat();
    mxref::ScaleMode mode = op.getScaleMode() ? toReference(*op.getScaleMode())
                                              : format.defaultScaleMode();
    bool nvfp4 = mode == mxref::ScaleMode::NVFP4;
    if (format.tensorScale != nvfp4)
      return rewriter.notifyMatchFailure(op, "tensor scale without NVFP4");
    unsigned bits = mxref::getElemInfo(format.elem).bits;
    Type i8 = b.getI8Type(), i32 = b.getI32Type();
    VectorType f32v = laneType(b, b.getF32Type()), i32v = laneType(b, i32);
    VectorType i8v = laneType(b, i8);
    Value c0 = indexConst(b, loc, 0), c1 = indexConst(b, loc, 1);
    int64_t nv = bc == 1 ? 1 : bc / kLanes;
    int64_t groups = bc == 1 ? cols / kLanes : cols / bc;

    // NVFP4 tensor scales: calibrated, or from the tensor amax (NaN
    // ignored), an integer max over all lanes.
    Value encTimesInvMax, decodeScale;
    if (nvfp4) {
      CodecEmitter top(b, loc);
      Value enc, dec;
      if (Value ts = first(adaptor.getTensorScale())) {
        std::tie(enc, dec) = top.nvfp4TensorScalesFromDecode(ts);
      } else {
        Value zeroV = CodecEmitter(b, loc, i32v).i32(0);
        auto loop = scf::ForOp::create(
            b, loc, c0, indexConst(b, loc, batch * rows), c1, ValueRange{zeroV},
            [&](OpBuilder &rb, Location, Value r, ValueRange rArgs) {
              Value bt = divIdx(rb, loc, r, rows);
              Value row =
                  arith::RemUIOp::create(rb, loc, r, indexConst(rb, loc, rows));
              auto cl = scf::ForOp::create(
                  rb, loc, c0, indexConst(rb, loc, cols),
                  indexConst(rb, loc, kLanes), rArgs,
                  [&](OpBuilder &cb, Location, Value col, ValueRange cArgs) {
                    CodecEmitter e(cb, loc, i32v);
                    Value x = readVector(cb, loc, f32v, input,
                                         ValueRange{bt, row, col}, true);
                    Value abs = e.andI(e.bitsOf(x), e.i32(0x7fffffff));
                    abs =
                        e.select(e.ugt(abs, e.i32(0x7f800000)), e.i32(0), abs);
                    scf::YieldOp::create(
                        cb, loc,
                        Value(arith::MaxSIOp::create(cb, loc, abs, cArgs[0])));
                  });
              scf::YieldOp::create(rb, loc, cl.getResults());
            });
        Value g = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::MAXSI, loop.getResult(0));
        std::tie(enc, dec) = top.nvfp4TensorScalesFromAmax(top.floatOf(g));
      }
      decodeScale = dec;
      encTimesInvMax = arith::MulFOp::create(b, loc, enc, top.f32(1.0f / 6.0f));
    }

    auto comp3D = [&](Type t) {
      auto rt = cast<RankedTensorType>(t);
      SmallVector<int64_t> s3 = {batch, rank > 1 ? rt.getDimSize(rank - 2) : 1,
                                 rt.getDimSize(rank - 1)};
      return createEmpty(b, loc, s3, i8);
    };
    Value packed = comp3D(compTypes[0]), scales = comp3D(compTypes[1]);
    int64_t rowGroups = rows / br;

    // Horizontal blocks are handled 16 at a time when they tile the row:
    // lane i of the amax/scale vectors belongs to block g + i, so the scale
    // arithmetic (an E4M3 encode and a division for NVFP4) runs once per 16
    // blocks. Column blocks (bc = 1) have one block per lane already.
    int64_t per = (bc != 1 && groups % kLanes == 0) ? kLanes : 1;
    int64_t width = nv * kLanes;

    // Blocks g .. g + per - 1 of rows [rg*br, +br) (bc % 16 == 0), or the
    // 16 column blocks at columns [g*16, +16) (bc == 1).
    auto body = [&](OpBuilder &gb, Value bt, Value rg, Value g, Value pk,
                    Value sc) -> std::pair<Value, Value> {
      Value row0 = mulIdx(gb, loc, rg, br);
      // Column of vector v of block g + blk.
      auto colOf = [&](OpBuilder &ob, Value blk, Value v) {
        Value grp = arith::AddIOp::create(ob, loc, g, blk);
        return arith::AddIOp::create(ob, loc, mulIdx(ob, loc, grp, width),
                                     mulIdx(ob, loc, v, kLanes))
            .getResult();
      };
      // Lane-wise max |bits| over a block's rows and vectors.
      auto laneMax = [&](OpBuilder &lb, Value blk) {
        Value zeroV = CodecEmitter(lb, loc, i32v).i32(0);
        return scf::ForOp::create(
                   lb, loc, c0, indexConst(lb, loc, br * nv), c1,
                   ValueRange{zeroV},
                   [&](OpBuilder &ab, Location, Value i, ValueRange args) {
                     Value row = arith::AddIOp::create(ab, loc, row0,
                                                       divIdx(ab, loc, i, nv));
                     Value v = arith::RemUIOp::create(ab, loc, i,
                                                      indexConst(ab, loc, nv));
                     CodecEmitter e(ab, loc, i32v);
                     Value x = readVector(
                         ab, loc, f32v, input,
                         ValueRange{bt, row, colOf(ab, blk, v)}, true);
                     Value abs = e.andI(e.bitsOf(x), e.i32(0x7fffffff));
                     scf::YieldOp::create(
                         ab, loc,
                         Value(arith::MaxSIOp::create(ab, loc, abs, args[0])));
                   })
            .getResult(0);
      };
      Value amax;
      if (bc == 1) {
        amax = laneMax(gb, c0);
      } else {
        Value zeroV = CodecEmitter(gb, loc, i32v).i32(0);
        amax =
            scf::ForOp::create(
                gb, loc, c0, indexConst(gb, loc, per), c1, ValueRange{zeroV},
                [&](OpBuilder &pb, Location, Value blk, ValueRange args) {
                  Value m = vector::ReductionOp::create(
                      pb, loc, vector::CombiningKind::MAXSI, laneMax(pb, blk));
                  scf::YieldOp::create(
                      pb, loc,
                      Value(vector::InsertOp::create(pb, loc, m, args[0],
                                                     OpFoldResult(blk))));
                })
                .getResult(0);
      }
      CodecEmitter e(gb, loc, i32v);
      Value code, blockEnc;
      if (!nvfp4) {
        // NaN or Inf anywhere in the block: the NaN scale.
        Value special = arith::CmpIOp::create(
            gb, loc, arith::CmpIPredicate::sge, amax, e.i32(0x7f800000));
        code = e.select(special, e.i32(0xff),
                        e.selectE8M0Scale(format.elem, mode, e.floatOf(amax)));
      } else {
        Value hasNaN = e.ugt(amax, e.i32(0x7f800000));
        Value encV = vector::BroadcastOp::create(gb, loc, f32v, encTimesInvMax);
        Value decV = vector::BroadcastOp::create(gb, loc, f32v, decodeScale);
        code = e.nvfp4BlockScale(e.floatOf(amax), encV);
        code = e.select(hasNaN, e.i32(0x7f), code);
        blockEnc = e.nvfp4BlockEncodeScale(code, decV);
      }
      Value scaleBytes = arith::TruncIOp::create(gb, loc, i8v, code);
      if (bc == 1 || per == kLanes)
        sc = vector::TransferWriteOp::create(
                 gb, loc, scaleBytes, sc,
                 ValueRange{bt, rg, bc == 1 ? mulIdx(gb, loc, g, kLanes) : g},
                 ArrayRef<bool>{true})
                 .getResult();
      else
        sc = tensor::InsertOp::create(
            gb, loc, vector::ExtractOp::create(gb, loc, scaleBytes, 0), sc,
            ValueRange{bt, rg, g});
      Value nanScale = e.isNaNScale(format.scale, code);
      Value shift = nvfp4 ? e.i32(0) : e.sub(code, e.i32(127));
      // Encode and pack every vector of the blocks.
      auto blockLoop = scf::ForOp::create(
          gb, loc, c0, indexConst(gb, loc, per), c1, ValueRange{pk},
          [&](OpBuilder &pb, Location, Value blk, ValueRange pArgs) {
            // The block's scale values, in every lane (bc % 16 == 0).
            auto lane = [&](Value v) -> Value {
              if (!v || bc == 1)
                return v;
              return vector::BroadcastOp::create(
                  pb, loc, v.getType(),
                  vector::ExtractOp::create(pb, loc, v, OpFoldResult(blk)));
            };
            Value shiftB = lane(shift), encB = lane(blockEnc);
            Value nanB = lane(nanScale);
            auto encLoop = scf::ForOp::create(
                pb, loc, c0, indexConst(pb, loc, br * nv), c1, pArgs,
                [&](OpBuilder &eb, Location, Value i, ValueRange args) {
                  Value row = arith::AddIOp::create(eb, loc, row0,
                                                    divIdx(eb, loc, i, nv));
                  Value v = arith::RemUIOp::create(eb, loc, i,
                                                   indexConst(eb, loc, nv));
                  Value col = colOf(eb, blk, v);
                  CodecEmitter ee(eb, loc, i32v);
                  Value x = readVector(eb, loc, f32v, input,
                                       ValueRange{bt, row, col}, true);
                  Value rbyte;
                  if (stochastic)
                    rbyte = arith::ExtUIOp::create(
                        eb, loc, i32v,
                        readVector(eb, loc, i8v, randomBits,
                                   ValueRange{bt, row, col}, true));
                  Value c;
                  if (nvfp4) // q = cvt.rn.satfinite.e2m1(f32(x * S_encb))
                    c = ee.encodeElem(format.elem,
                                      arith::MulFOp::create(eb, loc, x, encB),
                                      ee.i32(0), rbyte);
                  else
                    c = ee.encodeElem(format.elem, x, shiftB, rbyte);
                  // Codes of a NaN-scale block stay 0.
                  c = ee.select(nanB, ee.i32(0), c);
                  Value bytes = packLanes(eb, loc, format.elem, c);
                  Value w =
                      vector::TransferWriteOp::create(
                          eb, loc, bytes, args[0],
                          ValueRange{
                              bt, row,
                              divIdx(eb, loc, mulIdx(eb, loc, col, bits), 8)},
                          ArrayRef<bool>{true})
                          .getResult();
                  scf::YieldOp::create(eb, loc, w);
                });
            scf::YieldOp::create(pb, loc, encLoop.getResults());
          });
      return {blockLoop.getResult(0), sc};
    };

    auto outer = scf::ForOp::create(
        b, loc, c0, indexConst(b, loc, batch * rowGroups), c1,
        ValueRange{packed, scales},
        [&](OpBuilder &ob, Location, Value i, ValueRange oArgs) {
          Value bt = divIdx(ob, loc, i, rowGroups);
          Value rg = arith::RemUIOp::create(ob, loc, i,
                                            indexConst(ob, loc, rowGroups));
          auto inner = scf::ForOp::create(
              ob, loc, c0, indexConst(ob, loc, groups),
              indexConst(ob, loc, per), oArgs,
              [&](OpBuilder &gb, Location, Value g, ValueRange gArgs) {
                auto [pk, sc] = body(gb, bt, rg, g, gArgs[0], gArgs[1]);
                scf::YieldOp::create(gb, loc, ValueRange{pk, sc});
              });
          scf::YieldOp::create(ob, loc, inner.getResults());
        });
    SmallVector<Value> comps = {from3D(b, loc, outer.getResult(0),
                                       cast<RankedTensorType>(compTypes[0])),
                                from3D(b, loc, outer.getResult(1),
                                       cast<RankedTensorType>(compTypes[1]))};
    if (format.tensorScale)
      comps.push_back(decodeScale);
    rewriter.replaceOpWithMultiple(op, {comps});
    return success();
  }
};

} // namespace

void lowering::populateVectorQuantizationPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<VectorDequantizeLowering, VectorQuantizeLowering>(
      converter, patterns.getContext());
}
