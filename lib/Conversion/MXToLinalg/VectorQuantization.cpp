//===- VectorQuantization.cpp - mx.(de)quantize/convert to vector loops ---===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The vectorized mx.dequantize, mx.quantize and mx.convert: `lanes` lanes
// along the last dimension, each lane computing exactly the scalar
// lowering's (and the reference's) value with the same BlockEmitter
// compositions.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "Vectorize.h"

#include "mx/Conversion/MXCommon/BlockEmitter.h"
#include "mx/Conversion/MXToLinalg/MXToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <functional>

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;

/// Blocks along batch dimensions are left to the linalg lowering. A
/// per-tensor format has no block structure to follow.
static bool hasBatchBlocks(BlockScaledTensorType type) {
  if (!type.hasBlockScales())
    return false;
  ArrayRef<int64_t> block = type.getBlock();
  for (int64_t d = 0; d + 2 < type.getRank(); ++d)
    if (block[d] != 1)
      return true;
  return false;
}

/// The block sizes [br, bc] of the last two dimensions; [1, 1] for a
/// per-tensor format, whose elements are encoded and decoded one by one.
static std::pair<int64_t, int64_t> lastBlock(BlockScaledTensorType type) {
  if (!type.hasBlockScales())
    return {1, 1};
  int64_t rank = type.getRank();
  return {rank > 1 ? type.getBlock()[rank - 2] : 1, type.getBlock()[rank - 1]};
}

/// An scf.for from lb to ub by step carrying `inits`; `body` yields the
/// next values.
static scf::ForOp
forLoop(OpBuilder &b, Location loc, int64_t lb, int64_t ub, int64_t step,
        ValueRange inits,
        function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body) {
  return scf::ForOp::create(
      b, loc, indexConst(b, loc, lb), indexConst(b, loc, ub),
      indexConst(b, loc, step), inits,
      [&](OpBuilder &nb, Location nl, Value iv, ValueRange args) {
        scf::YieldOp::create(nb, nl, body(nb, iv, args));
      });
}

//===----------------------------------------------------------------------===//
// mx.dequantize
//===----------------------------------------------------------------------===//

namespace {

/// Rows of [batch, R, C] (blocks [1, br, bc]), `lanes` lanes along C: per
/// lane BlockEmitter::dequantize.
struct VectorDequantizer {
  VectorDequantizer(BlockScaledTensorType type, int64_t lanes)
      : type(type), format(type.getFormat().getFormat()),
        sc(getSubChunk(format.elem, lanes)) {
    std::tie(br, bc) = lastBlock(type);
    std::tie(batch, rows, cols) = toTuple(shape3D(type.getShape()));
  }

  static std::tuple<int64_t, int64_t, int64_t>
  toTuple(std::array<int64_t, 3> a) {
    return {a[0], a[1], a[2]};
  }

  LogicalResult match() const {
    if (!supportsLanes(type, sc.lanes) || hasBatchBlocks(type) ||
        (sc.cols % bc != 0 && bc % sc.cols != 0))
      return failure();
    return success();
  }

  /// One scf.for over the columns [lb, ub) of row `row` of batch `bt`.
  Value emitColumns(OpBuilder &b, Location loc, Value bt, Value row, Value acc,
                    int64_t lb, int64_t ub, bool inBounds) const;
  /// The f32/f16/bf16 values of `comps`, shaped like `outType`.
  Value emit(OpBuilder &b, Location loc, ValueRange comps,
             RankedTensorType outType);

  BlockScaledTensorType type;
  mxref::Format format;
  SubChunk sc;
  int64_t br, bc, batch, rows, cols;
  Value packed, scales, tensorScale;
  Type outElem;
};

} // namespace

Value VectorDequantizer::emitColumns(OpBuilder &b, Location loc, Value bt,
                                     Value row, Value acc, int64_t lb,
                                     int64_t ub, bool inBounds) const {
  unsigned bits = mxref::getElemInfo(format.elem).bits;
  VectorType f32v = VectorType::get({sc.lanes}, b.getF32Type());
  auto body = [&](OpBuilder &cb, Value col, ValueRange args) {
    Value byteOff = divIdx(cb, loc, mulIdx(cb, loc, col, bits), 8);
    SmallVector<Value> codes =
        readCodes(cb, loc, format.elem, sc, packed, ValueRange{bt, row},
                  byteOff, inBounds);
    // A per-tensor format has no scale bytes (dequantize ignores them).
    SmallVector<Value> scaleCodes =
        scales ? readScaleCodes(cb, loc, scales, bt, divIdx(cb, loc, row, br),
                                col, bc, sc, inBounds)
               : SmallVector<Value>(codes.size(), Value());
    BlockEmitter e(cb, loc, format, f32v);
    SmallVector<Value> vals;
    for (auto [code, scale] : llvm::zip_equal(codes, scaleCodes))
      vals.push_back(e.dequantize(code, scale, tensorScale, outElem));
    Value v = vals[0];
    if (sc.interleave == 2)
      v = vector::InterleaveOp::create(cb, loc, vals[0], vals[1]);
    return SmallVector<Value>{
        writeVector(cb, loc, v, args[0], ValueRange{bt, row, col}, inBounds)};
  };
  return forLoop(b, loc, lb, ub, sc.cols, ValueRange{acc}, body).getResult(0);
}

Value VectorDequantizer::emit(OpBuilder &b, Location loc, ValueRange comps,
                              RankedTensorType outType) {
  packed = to3D(b, loc, comps[0]);
  Value scaleComp = getScalesComponent(type, comps);
  scales = scaleComp ? to3D(b, loc, scaleComp) : Value();
  tensorScale = getTensorScaleComponent(type, comps);
  outElem = outType.getElementType();
  int64_t numFull = cols / sc.cols * sc.cols;
  auto rowBody = [&](OpBuilder &rb, Value r, ValueRange args) {
    Value bt = divIdx(rb, loc, r, rows), row = remIdx(rb, loc, r, rows);
    Value acc = args[0];
    if (numFull > 0)
      acc = emitColumns(rb, loc, bt, row, acc, 0, numFull, true);
    if (numFull < cols)
      acc = emitColumns(rb, loc, bt, row, acc, numFull, cols, false);
    return SmallVector<Value>{acc};
  };
  Value out = createEmpty(b, loc, {batch, rows, cols}, outElem);
  Value result = forLoop(b, loc, 0, batch * rows, 1, ValueRange{out}, rowBody)
                     .getResult(0);
  return from3D(b, loc, result, outType);
}

//===----------------------------------------------------------------------===//
// mx.quantize
//===----------------------------------------------------------------------===//

namespace {

/// The f32 values of `lanes` consecutive columns [col, col + lanes) of row
/// `row` of batch `bt` of a quantizer's input.
using LaneReader =
    std::function<Value(OpBuilder &, Location, Value bt, Value row, Value col)>;

/// Lanes read from an f32 tensor [batch, R, C].
LaneReader tensorLanes(Value input, int64_t lanes) {
  return [input, lanes](OpBuilder &b, Location loc, Value bt, Value row,
                        Value col) {
    return readVector(b, loc, VectorType::get({lanes}, b.getF32Type()), input,
                      ValueRange{bt, row, col}, true);
  };
}

/// Lanes dequantized on the fly from the components of a block-scaled
/// tensor (BlockEmitter::dequantize to f32, as VectorDequantizer), so that
/// mx.convert needs no f32 tensor in between.
struct LaneDequantizer {
  LaneDequantizer(BlockScaledTensorType type, int64_t lanes)
      : type(type), format(type.getFormat().getFormat()), lanes(lanes) {
    std::tie(br, bc) = lastBlock(type);
  }

  /// Whole packing groups per vector, and scale blocks that tile the lanes.
  LogicalResult match() const {
    if (!supportsLanes(type, lanes) || hasBatchBlocks(type) ||
        type.getShape().back() % lanes != 0 ||
        (lanes % bc != 0 && bc % lanes != 0))
      return failure();
    return success();
  }

  LaneReader reader(OpBuilder &b, Location loc, ValueRange comps) const {
    Value packed = to3D(b, loc, comps[0]);
    Value scaleComp = getScalesComponent(type, comps);
    Value scales = scaleComp ? to3D(b, loc, scaleComp) : Value();
    Value tensorScale = getTensorScaleComponent(type, comps);
    return [=, *this](OpBuilder &rb, Location rl, Value bt, Value row,
                      Value col) {
      unsigned bits = mxref::getElemInfo(format.elem).bits;
      Value byteOff = divIdx(rb, rl, mulIdx(rb, rl, col, bits), 8);
      Value code = readContiguousCodes(rb, rl, format.elem, lanes, packed,
                                       ValueRange{bt, row}, byteOff);
      SubChunk contiguous = {1, lanes, lanes * bits / 8, lanes};
      Value scale =
          scales ? readScaleCodes(rb, rl, scales, bt, divIdx(rb, rl, row, br),
                                  col, bc, contiguous, true)
                       .front()
                 : Value();
      BlockEmitter e(rb, rl, format, VectorType::get({lanes}, rb.getF32Type()));
      return e.dequantize(code, scale, tensorScale, rb.getF32Type());
    };
  }

  BlockScaledTensorType type;
  mxref::Format format;
  int64_t lanes, br, bc;
};

/// mx.quantize of [batch, R, C] with blocks [1, br, bc], `lanes` lanes
/// along C, for bc a multiple of lanes (a block is br rows of bc / lanes
/// vectors; its amax is a lane-wise then a horizontal integer max) or
/// bc = 1 (each lane its own column block of br rows). Horizontal blocks
/// are handled `lanes` at a time when they tile the row: lane i of the
/// amax/scale vectors belongs to block g + i, so the scale arithmetic (an
/// E4M3 encode and a division for NVFP4) runs once per `lanes` blocks.
struct VectorQuantizer {
  VectorQuantizer(BlockScaledTensorType type, mxref::ScaleMode mode,
                  int64_t lanes)
      : type(type), format(type.getFormat().getFormat()), mode(mode),
        lanes(lanes) {
    std::tie(br, bc) = lastBlock(type);
    auto s = shape3D(type.getShape());
    batch = s[0];
    rows = s[1];
    cols = s[2];
    nv = bc == 1 ? 1 : bc / lanes;
    groups = bc == 1 ? cols / lanes : cols / bc;
    per = (bc != 1 && groups % lanes == 0) ? lanes : 1;
  }

  LogicalResult match() const {
    if (!supportsLanes(type, lanes) || hasBatchBlocks(type) ||
        cols % lanes != 0 || (bc % lanes != 0 && bc != 1) ||
        format.tensorScale != (mode == mxref::ScaleMode::NVFP4 ||
                               mode == mxref::ScaleMode::Tensor))
      return failure();
    return success();
  }

  VectorType laneType(OpBuilder &b, Type elem) const {
    return VectorType::get({lanes}, elem);
  }
  /// The column of vector v of block g + blk.
  Value columnOf(OpBuilder &b, Location loc, Value g, Value blk, Value v) const;
  /// The NVFP4 tensor amax bits (NaN ignored), an i32.
  Value tensorMaxBits(OpBuilder &b, Location loc) const;
  /// Lane-wise max magnitudeBits over the rows and vectors of block g + blk.
  Value laneMaxBits(OpBuilder &b, Location loc, Value bt, Value row0, Value g,
                    Value blk) const;
  /// The block amax bits of the `per` blocks from g (or of the lanes' column
  /// blocks), one block per lane.
  Value blockMaxBits(OpBuilder &b, Location loc, Value bt, Value row0,
                     Value g) const;
  /// Writes the scale bytes of blocks g.. into `sc`.
  Value writeScales(OpBuilder &b, Location loc, Value code, Value bt, Value rg,
                    Value g, Value sc) const;
  /// Encodes and packs every vector of the blocks from g into `pk`.
  Value encodeBlocks(OpBuilder &b, Location loc, const BlockScale &scale,
                     Value bt, Value row0, Value g, Value pk) const;
  /// Blocks g .. g + per - 1 of row group rg (or the column blocks at
  /// columns [g * lanes, +lanes)): new packed and scale tensors.
  std::pair<Value, Value> emitBlocks(OpBuilder &b, Location loc, Value bt,
                                     Value rg, Value g, Value pk,
                                     Value sc) const;
  /// The components of the input read by `readInput`.
  SmallVector<Value> emit(OpBuilder &b, Location loc, LaneReader readInput,
                          Value calibratedDecode, Value randomTensor);
  /// Per-tensor FP8: the tensor amax, then every vector encoded with S_enc.
  SmallVector<Value> emitPerTensor(OpBuilder &b, Location loc,
                                   Value calibratedDecode);

  BlockScaledTensorType type;
  mxref::Format format;
  mxref::ScaleMode mode;
  int64_t lanes, br, bc, batch, rows, cols, nv, groups, per;
  LaneReader input;
  Value randomBits, encTimesInvMax, decodeScale;
};

} // namespace

Value VectorQuantizer::columnOf(OpBuilder &b, Location loc, Value g, Value blk,
                                Value v) const {
  Value grp = arith::AddIOp::create(b, loc, g, blk);
  return arith::AddIOp::create(b, loc, mulIdx(b, loc, grp, nv * lanes),
                               mulIdx(b, loc, v, lanes));
}

Value VectorQuantizer::tensorMaxBits(OpBuilder &b, Location loc) const {
  VectorType f32v = laneType(b, b.getF32Type());
  BlockEmitter top(b, loc, format, laneType(b, b.getI32Type()));
  auto colBody = [&](OpBuilder &cb, Value bt, Value row, Value col,
                     Value acc) -> Value {
    BlockEmitter e(cb, loc, format, f32v);
    Value x = input(cb, loc, bt, row, col);
    return e.accumulateMaxBits(acc, x, /*ignoreNaN=*/true);
  };
  auto rowBody = [&](OpBuilder &rb, Value r, ValueRange args) {
    Value bt = divIdx(rb, loc, r, rows), row = remIdx(rb, loc, r, rows);
    return SmallVector<Value>{
        forLoop(rb, loc, 0, cols, lanes, args,
                [&](OpBuilder &cb, Value col, ValueRange cArgs) {
                  return SmallVector<Value>{
                      colBody(cb, bt, row, col, cArgs[0])};
                })
            .getResult(0)};
  };
  Value lanesMax =
      forLoop(b, loc, 0, batch * rows, 1, ValueRange{top.i32(0)}, rowBody)
          .getResult(0);
  return vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI,
                                     lanesMax);
}

Value VectorQuantizer::laneMaxBits(OpBuilder &b, Location loc, Value bt,
                                   Value row0, Value g, Value blk) const {
  VectorType f32v = laneType(b, b.getF32Type());
  auto body = [&](OpBuilder &ab, Value i, ValueRange args) {
    Value row = arith::AddIOp::create(ab, loc, row0, divIdx(ab, loc, i, nv));
    Value col = columnOf(ab, loc, g, blk, remIdx(ab, loc, i, nv));
    BlockEmitter e(ab, loc, format, f32v);
    Value x = input(ab, loc, bt, row, col);
    return SmallVector<Value>{e.accumulateMaxBits(args[0], x)};
  };
  Value zero = CodecEmitter(b, loc, f32v).i32(0);
  return forLoop(b, loc, 0, br * nv, 1, ValueRange{zero}, body).getResult(0);
}

Value VectorQuantizer::blockMaxBits(OpBuilder &b, Location loc, Value bt,
                                    Value row0, Value g) const {
  if (bc == 1)
    return laneMaxBits(b, loc, bt, row0, g, indexConst(b, loc, 0));
  auto body = [&](OpBuilder &pb, Value blk, ValueRange args) {
    Value m =
        vector::ReductionOp::create(pb, loc, vector::CombiningKind::MAXSI,
                                    laneMaxBits(pb, loc, bt, row0, g, blk));
    return SmallVector<Value>{
        vector::InsertOp::create(pb, loc, m, args[0], OpFoldResult(blk))};
  };
  Value zero = CodecEmitter(b, loc, laneType(b, b.getI32Type())).i32(0);
  return forLoop(b, loc, 0, per, 1, ValueRange{zero}, body).getResult(0);
}

Value VectorQuantizer::writeScales(OpBuilder &b, Location loc, Value code,
                                   Value bt, Value rg, Value g,
                                   Value sc) const {
  Value bytes =
      arith::TruncIOp::create(b, loc, laneType(b, b.getI8Type()), code);
  if (bc == 1)
    return writeVector(b, loc, bytes, sc,
                       ValueRange{bt, rg, mulIdx(b, loc, g, lanes)}, true);
  if (per == lanes)
    return writeVector(b, loc, bytes, sc, ValueRange{bt, rg, g}, true);
  return tensor::InsertOp::create(b, loc,
                                  vector::ExtractOp::create(b, loc, bytes, 0),
                                  sc, ValueRange{bt, rg, g});
}

Value VectorQuantizer::encodeBlocks(OpBuilder &b, Location loc,
                                    const BlockScale &scale, Value bt,
                                    Value row0, Value g, Value pk) const {
  VectorType f32v = laneType(b, b.getF32Type());
  unsigned bits = mxref::getElemInfo(format.elem).bits;
  // The scale of block g + blk in every lane (bc % lanes == 0); column
  // blocks have theirs lane by lane already.
  auto blockLanes = [&](OpBuilder &pb, Value v, Value blk) -> Value {
    if (!v || bc == 1)
      return v;
    return vector::BroadcastOp::create(
        pb, loc, v.getType(),
        vector::ExtractOp::create(pb, loc, v, OpFoldResult(blk)));
  };
  auto encodeVector = [&](OpBuilder &eb, const BlockScale &s, Value blk,
                          Value i, Value acc) -> Value {
    Value row = arith::AddIOp::create(eb, loc, row0, divIdx(eb, loc, i, nv));
    Value col = columnOf(eb, loc, g, blk, remIdx(eb, loc, i, nv));
    BlockEmitter e(eb, loc, format, f32v);
    Value x = input(eb, loc, bt, row, col);
    Value rbyte;
    if (randomBits)
      rbyte = e.toI32(readVector(eb, loc, laneType(eb, eb.getI8Type()),
                                 randomBits, ValueRange{bt, row, col}, true));
    Value bytes = packLanes(eb, loc, format.elem, e.encodeInBlock(x, s, rbyte));
    Value byteCol = divIdx(eb, loc, mulIdx(eb, loc, col, bits), 8);
    return writeVector(eb, loc, bytes, acc, ValueRange{bt, row, byteCol}, true);
  };
  auto blockBody = [&](OpBuilder &pb, Value blk, ValueRange args) {
    BlockScale s = {blockLanes(pb, scale.code, blk),
                    blockLanes(pb, scale.encodeScale, blk)};
    return SmallVector<Value>{
        forLoop(pb, loc, 0, br * nv, 1, args,
                [&](OpBuilder &eb, Value i, ValueRange eArgs) {
                  return SmallVector<Value>{
                      encodeVector(eb, s, blk, i, eArgs[0])};
                })
            .getResult(0)};
  };
  return forLoop(b, loc, 0, per, 1, ValueRange{pk}, blockBody).getResult(0);
}

std::pair<Value, Value> VectorQuantizer::emitBlocks(OpBuilder &b, Location loc,
                                                    Value bt, Value rg, Value g,
                                                    Value pk, Value sc) const {
  Value row0 = mulIdx(b, loc, rg, br);
  Value amax = blockMaxBits(b, loc, bt, row0, g);
  BlockEmitter e(b, loc, format, laneType(b, b.getF32Type()));
  BlockScale scale = e.blockScale(mode, amax, encTimesInvMax, decodeScale);
  sc = writeScales(b, loc, scale.code, bt, rg, g, sc);
  pk = encodeBlocks(b, loc, scale, bt, row0, g, pk);
  return {pk, sc};
}

SmallVector<Value> VectorQuantizer::emit(OpBuilder &b, Location loc,
                                         LaneReader readInput,
                                         Value calibratedDecode,
                                         Value randomTensor) {
  input = std::move(readInput);
  randomBits = randomTensor ? to3D(b, loc, randomTensor) : Value();
  if (mode == mxref::ScaleMode::Tensor)
    return emitPerTensor(b, loc, calibratedDecode);
  if (mode == mxref::ScaleMode::NVFP4) {
    BlockEmitter top(b, loc, format);
    std::tie(encTimesInvMax, decodeScale) = top.nvfp4TensorScales(
        calibratedDecode, calibratedDecode ? Value() : tensorMaxBits(b, loc));
  }
  SmallVector<Type> compTypes;
  (void)getMXComponentTypes(type, compTypes); // checked by match()
  auto empty3D = [&](Type t) {
    auto shape = shape3D(cast<RankedTensorType>(t).getShape());
    return createEmpty(b, loc, {batch, shape[1], shape[2]}, b.getI8Type());
  };
  int64_t rowGroups = rows / br;
  auto groupBody = [&](OpBuilder &ob, Value i, ValueRange args) {
    Value bt = divIdx(ob, loc, i, rowGroups),
          rg = remIdx(ob, loc, i, rowGroups);
    return SmallVector<Value>{
        forLoop(ob, loc, 0, groups, per, args,
                [&](OpBuilder &gb, Value g, ValueRange gArgs) {
                  auto [pk, sc] =
                      emitBlocks(gb, loc, bt, rg, g, gArgs[0], gArgs[1]);
                  return SmallVector<Value>{pk, sc};
                })
            .getResults()};
  };
  auto outer = forLoop(b, loc, 0, batch * rowGroups, 1,
                       ValueRange{empty3D(compTypes[0]), empty3D(compTypes[1])},
                       groupBody);
  SmallVector<Value> comps = {
      from3D(b, loc, outer.getResult(0), cast<RankedTensorType>(compTypes[0])),
      from3D(b, loc, outer.getResult(1), cast<RankedTensorType>(compTypes[1]))};
  if (format.tensorScale)
    comps.push_back(decodeScale);
  return comps;
}

SmallVector<Value> VectorQuantizer::emitPerTensor(OpBuilder &b, Location loc,
                                                  Value calibratedDecode) {
  BlockEmitter top(b, loc, format);
  auto [enc, dec] = top.perTensorScales(
      calibratedDecode, calibratedDecode ? Value() : tensorMaxBits(b, loc));
  SmallVector<Type> compTypes;
  (void)getMXComponentTypes(type, compTypes); // checked by match()
  auto packedShape = shape3D(cast<RankedTensorType>(compTypes[0]).getShape());
  unsigned bits = mxref::getElemInfo(format.elem).bits;
  VectorType f32v = laneType(b, b.getF32Type());
  auto colBody = [&](OpBuilder &cb, Value bt, Value row, Value col,
                     Value acc) -> Value {
    BlockEmitter e(cb, loc, format, f32v);
    Value x = input(cb, loc, bt, row, col);
    Value rbyte;
    if (randomBits)
      rbyte = e.toI32(readVector(cb, loc, laneType(cb, cb.getI8Type()),
                                 randomBits, ValueRange{bt, row, col}, true));
    Value bytes =
        packLanes(cb, loc, format.elem, e.encodePerTensor(x, enc, rbyte));
    Value byteCol = divIdx(cb, loc, mulIdx(cb, loc, col, bits), 8);
    return writeVector(cb, loc, bytes, acc, ValueRange{bt, row, byteCol}, true);
  };
  auto rowBody = [&](OpBuilder &rb, Value r, ValueRange args) {
    Value bt = divIdx(rb, loc, r, rows), row = remIdx(rb, loc, r, rows);
    return SmallVector<Value>{
        forLoop(rb, loc, 0, cols, lanes, args,
                [&](OpBuilder &cb, Value col, ValueRange cArgs) {
                  return SmallVector<Value>{
                      colBody(cb, bt, row, col, cArgs[0])};
                })
            .getResult(0)};
  };
  Value empty = createEmpty(b, loc, {batch, packedShape[1], packedShape[2]},
                            b.getI8Type());
  Value pk = forLoop(b, loc, 0, batch * rows, 1, ValueRange{empty}, rowBody)
                 .getResult(0);
  return {from3D(b, loc, pk, cast<RankedTensorType>(compTypes[0])), dec};
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// A vector pattern for `lanes` lanes, preferred to the linalg one.
template <typename OpTy> struct LanesPattern : OpConversionPattern<OpTy> {
  LanesPattern(const TypeConverter &converter, MLIRContext *ctx, int64_t lanes)
      : OpConversionPattern<OpTy>(converter, ctx, /*benefit=*/2), lanes(lanes) {
  }

  int64_t lanes;
};

mxref::ScaleMode getScaleMode(BlockScaledTensorType type,
                              std::optional<ScaleMode> mode) {
  return mode ? toReference(*mode)
              : type.getFormat().getFormat().defaultScaleMode();
}

struct VectorDequantizeLowering : LanesPattern<DequantizeOp> {
  using LanesPattern::LanesPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    VectorDequantizer d(op.getInput().getType(), lanes);
    if (failed(d.match()))
      return rewriter.notifyMatchFailure(op, "blocks do not tile lanes");
    rewriter.replaceOp(
        op, d.emit(rewriter, op.getLoc(), adaptor.getInput(), op.getType()));
    return success();
  }
};

struct VectorQuantizeLowering : LanesPattern<QuantizeOp> {
  using LanesPattern::LanesPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    VectorQuantizer q(op.getType(),
                      getScaleMode(op.getType(), op.getScaleMode()), lanes);
    if (failed(q.match()))
      return rewriter.notifyMatchFailure(op, "blocks do not tile lanes");
    bool stochastic = op.getRounding() == Rounding::stochastic;
    SmallVector<Value> comps =
        q.emit(rewriter, op.getLoc(),
               tensorLanes(
                   to3D(rewriter, op.getLoc(), firstOrNull(adaptor.getInput())),
                   lanes),
               firstOrNull(adaptor.getTensorScale()),
               stochastic ? firstOrNull(adaptor.getRandomBits()) : Value());
    rewriter.replaceOpWithMultiple(op, {comps});
    return success();
  }
};

/// convert = quantize(dequantize-to-f32(input)) (docs/Numerics.md §4). When
/// both formats' blocks tile the lanes, the vector quantize reads its input
/// lanes dequantized on the fly (no f32 tensor); otherwise each half is
/// vectorized where its shape allows and lowered to linalg elsewhere.
struct VectorConvertLowering : LanesPattern<ConvertOp> {
  using LanesPattern::LanesPattern;

  LogicalResult
  matchAndRewrite(ConvertOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockScaledTensorType inType = op.getInput().getType();
    LaneDequantizer fused(inType, lanes);
    VectorDequantizer d(inType, lanes);
    VectorQuantizer q(op.getType(),
                      getScaleMode(op.getType(), op.getScaleMode()), lanes);
    bool vecOut = succeeded(q.match());
    bool fuse = vecOut && succeeded(fused.match());
    bool vecIn = !fuse && succeeded(d.match());
    if (!vecIn && !vecOut)
      return rewriter.notifyMatchFailure(op, "blocks do not tile lanes");
    Location loc = op.getLoc();
    Value tensorScale = firstOrNull(adaptor.getTensorScale());
    Value randomBits = op.getRounding() == Rounding::stochastic
                           ? firstOrNull(adaptor.getRandomBits())
                           : Value();
    if (fuse) {
      rewriter.replaceOpWithMultiple(
          op, {q.emit(rewriter, loc,
                      fused.reader(rewriter, loc, adaptor.getInput()),
                      tensorScale, randomBits)});
      return success();
    }
    auto f32Type =
        RankedTensorType::get(inType.getShape(), rewriter.getF32Type());
    Value values =
        vecIn ? d.emit(rewriter, loc, adaptor.getInput(), f32Type)
              : dequantizeComponents(rewriter, loc, inType, adaptor.getInput(),
                                     rewriter.getF32Type());
    SmallVector<Value> comps =
        vecOut ? q.emit(rewriter, loc,
                        tensorLanes(to3D(rewriter, loc, values), lanes),
                        tensorScale, randomBits)
               : quantizeToComponents(rewriter, loc, values, op.getType(),
                                      op.getScaleMode(), op.getRounding(),
                                      tensorScale, randomBits);
    rewriter.replaceOpWithMultiple(op, {comps});
    return success();
  }
};

} // namespace

void lowering::populateVectorQuantizationPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    int64_t lanes) {
  patterns.add<VectorDequantizeLowering, VectorQuantizeLowering,
               VectorConvertLowering>(converter, patterns.getContext(), lanes);
}
