//===- VectorQuantization.cpp - mx.dequantize to vector loops -------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The vector helpers shared with VectorMatmul.cpp (Vectorize.h) and the
// vectorized mx.dequantize: 16 lanes along the last dimension, each lane
// computing exactly the scalar lowering's (and the reference's) value.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "Vectorize.h"

#include "mx/Conversion/MXCodec/CodecEmitter.h"
#include "mx/Numerics/Codec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;
namespace ref = ::mx;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

SubChunk vec::getSubChunk(ref::ElemKind kind) {
  switch (ref::getElemInfo(kind).bits) {
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
                                  ref::ElemKind kind, Value packed,
                                  ValueRange rowIdx, Value byteOff,
                                  bool inBounds) {
  SubChunk sc = getSubChunk(kind);
  SmallVector<Value> idx(rowIdx);
  idx.push_back(byteOff);
  Value bytes = readVector(b, loc, VectorType::get({sc.bytes}, b.getI8Type()),
                           packed, idx, inBounds);
  VectorType i32v = laneType(b, b.getI32Type());
  CodecEmitter e(b, loc, i32v);
  switch (ref::getElemInfo(kind).bits) {
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
    ref::Format format = type.getFormat().getFormat();
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
    unsigned bits = ref::getElemInfo(format.elem).bits;
    VectorType f32v = laneType(b, b.getF32Type());

    // The value of one interleaved lane vector (the scalar lowering's).
    auto lane = [&](OpBuilder &nb, Value code, Value scale) -> Value {
      CodecEmitter e(nb, loc, f32v);
      Value p = e.decodeElem(format.elem, code);
      Value v;
      if (format.scale == ref::ScaleKind::E8M0) {
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

} // namespace

void lowering::populateVectorQuantizationPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<VectorDequantizeLowering>(converter, patterns.getContext());
}
