//===- LowerQuantization.cpp - quantize/dequantize/components to linalg ---===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx.quantize, mx.dequantize, mx.convert, mx.constant, mx.pack and mx.unpack
// on components. Block structure is expressed by expanding each dimension
// into [grid, block] (tensor.expand_shape), so a block reduction is a
// linalg.generic with the block dims as reductions and per-block values are
// read through a projection map. All element and scale arithmetic comes from
// CodecEmitter.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "mx/Conversion/MXCodec/CodecEmitter.h"
#include "mx/Conversion/MXToLinalg/MXToLinalg.h"
#include "mx/Numerics/Codec.h"
#include "mx/Numerics/Packing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;

//===----------------------------------------------------------------------===//
// Shapes and small builders
//===----------------------------------------------------------------------===//

BlockedShape::BlockedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> block)
    : shape(shape), block(block) {
  for (auto [i, dims] : llvm::enumerate(llvm::zip_equal(shape, block))) {
    auto [s, bk] = dims;
    grid.push_back(s / bk);
    expanded.append({s / bk, bk});
    reassociation.push_back({int64_t(2 * i), int64_t(2 * i + 1)});
  }
}

AffineMap BlockedShape::getFullMap(MLIRContext *ctx) const {
  return AffineMap::getMultiDimIdentityMap(2 * getRank(), ctx);
}

AffineMap BlockedShape::getGridMap(MLIRContext *ctx) const {
  SmallVector<AffineExpr> exprs;
  for (unsigned i = 0; i < getRank(); ++i)
    exprs.push_back(getAffineDimExpr(2 * i, ctx));
  return AffineMap::get(2 * getRank(), 0, exprs, ctx);
}

SmallVector<utils::IteratorType>
BlockedShape::getIterators(bool reduceBlocks) const {
  SmallVector<utils::IteratorType> its;
  for (unsigned i = 0; i < getRank(); ++i)
    its.append({utils::IteratorType::parallel,
                reduceBlocks ? utils::IteratorType::reduction
                             : utils::IteratorType::parallel});
  return its;
}

Value BlockedShape::expand(OpBuilder &b, Location loc, Value tensor) const {
  auto type = cast<RankedTensorType>(tensor.getType());
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(expanded, type.getElementType()), tensor,
      reassociation);
}

Value BlockedShape::collapse(OpBuilder &b, Location loc, Value tensor) const {
  return tensor::CollapseShapeOp::create(b, loc, tensor, reassociation);
}

Value lowering::createEmpty(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                            Type elemType) {
  return tensor::EmptyOp::create(b, loc, shape, elemType);
}

Value lowering::createFilled(OpBuilder &b, Location loc,
                             ArrayRef<int64_t> shape, Value value) {
  Value empty = createEmpty(b, loc, shape, value.getType());
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty})
      .getResult(0);
}

SmallVector<utils::IteratorType> lowering::parallelIterators(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

static Value toI32(OpBuilder &b, Location loc, Value v) {
  Type i32 = b.getI32Type();
  if (v.getType() == i32)
    return v;
  if (isa<IndexType>(v.getType()))
    return arith::IndexCastUIOp::create(b, loc, i32, v);
  return arith::ExtUIOp::create(b, loc, i32, v);
}

static Value toI8(OpBuilder &b, Location loc, Value v) {
  return arith::TruncIOp::create(b, loc, b.getI8Type(), v);
}

/// Identity on the first `rank` of `numDims` dims plus a constant index.
static AffineMap prefixPlusConstant(unsigned numDims, unsigned rank, int64_t c,
                                    MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (unsigned i = 0; i < rank; ++i)
    exprs.push_back(getAffineDimExpr(i, ctx));
  exprs.push_back(getAffineConstantExpr(c, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

/// Splits the last dimension of `tensor` into [n / group, group].
static Value splitLast(OpBuilder &b, Location loc, Value tensor,
                       int64_t group) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<int64_t> shape(type.getShape());
  int64_t last = shape.back();
  shape.back() = last / group;
  shape.push_back(group);
  SmallVector<ReassociationIndices> re;
  for (int64_t i = 0; i + 1 < type.getRank(); ++i)
    re.push_back({i});
  re.push_back({type.getRank() - 1, type.getRank()});
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), tensor, re);
}

static Value mergeLast(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<ReassociationIndices> re;
  for (int64_t i = 0; i + 2 < type.getRank(); ++i)
    re.push_back({i});
  re.push_back({type.getRank() - 2, type.getRank() - 1});
  return tensor::CollapseShapeOp::create(b, loc, tensor, re);
}

//===----------------------------------------------------------------------===//
// Packing
//===----------------------------------------------------------------------===//

// The packed stream holds `perGroup` codes in `bytesPerGroup` bytes (FP4: 2
// in 1, FP6: 4 in 3); rows are byte aligned, so this is done per group.
static void packingGroup(unsigned bits, int64_t &codes, int64_t &bytes) {
  codes = bits == 4 ? 2 : 4;
  bytes = bits == 4 ? 1 : 3;
}

Value lowering::unpackCodes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                            Value packed, ArrayRef<int64_t> shape) {
  unsigned bits = mxref::getElemInfo(kind).bits;
  if (bits == 8)
    return packed;
  MLIRContext *ctx = b.getContext();
  int64_t perGroup, bytes;
  packingGroup(bits, perGroup, bytes);
  // [..., L * bits / 8] -> [..., L / perGroup, bytes]
  Value grouped = splitLast(b, loc, packed, bytes);
  unsigned rank = shape.size();
  SmallVector<int64_t> outShape(shape);
  outShape.back() /= perGroup;
  outShape.push_back(perGroup);
  SmallVector<AffineMap> maps;
  for (int64_t i = 0; i < bytes; ++i)
    maps.push_back(prefixPlusConstant(rank + 1, rank, i, ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank + 1, ctx));
  SmallVector<Value> ins(bytes, grouped);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{RankedTensorType::get(outShape, b.getI8Type())}, ins,
      ValueRange{createEmpty(b, loc, outShape, b.getI8Type())}, maps,
      parallelIterators(rank + 1),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        CodecEmitter e(nb, nl);
        // The group's bytes as one little-endian word; code k sits at bit
        // k * bits. Shifts and masks only (no <4 x i6> bitcasts).
        Value word = e.i32(0);
        for (int64_t i = 0; i < bytes; ++i)
          word = e.orI(word, e.shl(toI32(nb, nl, args[i]), e.i32(8 * i)));
        Value k = toI32(nb, nl, linalg::IndexOp::create(nb, nl, rank));
        Value code =
            e.andI(e.lshr(word, arith::MulIOp::create(nb, nl, k, e.i32(bits))),
                   e.i32((1 << bits) - 1));
        linalg::YieldOp::create(nb, nl, toI8(nb, nl, code));
      });
  return mergeLast(b, loc, op.getResult(0));
}

Value lowering::packCodes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                          Value codes) {
  unsigned bits = mxref::getElemInfo(kind).bits;
  if (bits == 8)
    return codes;
  MLIRContext *ctx = b.getContext();
  int64_t perGroup, bytes;
  packingGroup(bits, perGroup, bytes);
  auto type = cast<RankedTensorType>(codes.getType());
  unsigned rank = type.getRank();
  Value grouped = splitLast(b, loc, codes, perGroup);
  SmallVector<int64_t> outShape(type.getShape());
  outShape.back() /= perGroup;
  outShape.push_back(bytes);
  SmallVector<AffineMap> maps;
  for (int64_t i = 0; i < perGroup; ++i)
    maps.push_back(prefixPlusConstant(rank + 1, rank, i, ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank + 1, ctx));
  SmallVector<Value> ins(perGroup, grouped);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{RankedTensorType::get(outShape, b.getI8Type())}, ins,
      ValueRange{createEmpty(b, loc, outShape, b.getI8Type())}, maps,
      parallelIterators(rank + 1),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        CodecEmitter e(nb, nl);
        Value word = e.i32(0);
        for (int64_t i = 0; i < perGroup; ++i)
          word = e.orI(word, e.shl(e.andI(toI32(nb, nl, args[i]),
                                          e.i32((1 << bits) - 1)),
                                   e.i32(i * bits)));
        Value k = toI32(nb, nl, linalg::IndexOp::create(nb, nl, rank));
        Value byte = e.lshr(word, arith::MulIOp::create(nb, nl, k, e.i32(8)));
        linalg::YieldOp::create(nb, nl, toI8(nb, nl, byte));
      });
  return mergeLast(b, loc, op.getResult(0));
}

//===----------------------------------------------------------------------===//
// Dequantization
//===----------------------------------------------------------------------===//

Value lowering::decodeElementValues(OpBuilder &b, Location loc,
                                    BlockScaledTensorType type, Value packed) {
  mxref::ElemKind kind = type.getFormat().getFormat().elem;
  Value codes = unpackCodes(b, loc, kind, packed, type.getShape());
  unsigned rank = type.getRank();
  AffineMap id = b.getMultiDimIdentityMap(rank);
  Type f32 = b.getF32Type();
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{RankedTensorType::get(type.getShape(), f32)},
      ValueRange{codes}, ValueRange{createEmpty(b, loc, type.getShape(), f32)},
      ArrayRef<AffineMap>{id, id}, parallelIterators(rank),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        CodecEmitter e(nb, nl);
        linalg::YieldOp::create(nb, nl,
                                e.decodeElem(kind, toI32(nb, nl, args[0])));
      });
  return op.getResult(0);
}

/// Rounds the exact product a * g (a, g f32; exact in f64) to `outElem`
/// once: round to odd into f32 (exact or with a sticky last bit), then RNE.
/// Round-to-odd keeps the second rounding correct since f32 has at least two
/// more significand bits than f16/bf16.
Value lowering::roundExactProduct(OpBuilder &b, Location loc, Value a, Value g,
                                  Type outElem) {
  // a and g may be vectors (of one shape); so is the result.
  CodecEmitter e(b, loc, a.getType());
  auto shaped = [&](Type elem) -> Type {
    if (auto vt = dyn_cast<VectorType>(a.getType()))
      return vt.clone(elem);
    return elem;
  };
  Type f64 = shaped(b.getF64Type());
  outElem = shaped(outElem);
  Value exact =
      arith::MulFOp::create(b, loc, arith::ExtFOp::create(b, loc, f64, a),
                            arith::ExtFOp::create(b, loc, f64, g));
  Value t = arith::TruncFOp::create(b, loc, e.getF32Type(), exact);
  Value back = arith::ExtFOp::create(b, loc, f64, t);
  Value inexact =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, back, exact);
  Value tooBig = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                       math::AbsFOp::create(b, loc, back),
                                       math::AbsFOp::create(b, loc, exact));
  Value bits = e.bitsOf(t);
  bits = e.select(tooBig, e.sub(bits, e.i32(1)), bits);
  bits = e.select(inexact, e.orI(bits, e.i32(1)), bits);
  return e.truncF32(e.floatOf(bits), getElementTypeOrSelf(outElem));
}

Value lowering::dequantizeComponents(OpBuilder &b, Location loc,
                                     BlockScaledTensorType type,
                                     ValueRange components, Type outElem) {
  mxref::Format format = type.getFormat().getFormat();
  Value codes =
      unpackCodes(b, loc, format.elem, components[0], type.getShape());
  Value tensorScale = format.tensorScale ? components[2] : Value();
  BlockedShape bs(type.getShape(), type.getBlock());
  MLIRContext *ctx = b.getContext();
  Value out = createEmpty(b, loc, bs.expanded, outElem);
  bool isF32 = outElem.isF32();
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{out.getType()},
      ValueRange{bs.expand(b, loc, codes), components[1]}, ValueRange{out},
      ArrayRef<AffineMap>{bs.getFullMap(ctx), bs.getGridMap(ctx),
                          bs.getFullMap(ctx)},
      bs.getIterators(false), [&](OpBuilder &nb, Location nl, ValueRange args) {
        CodecEmitter e(nb, nl);
        Value scale = toI32(nb, nl, args[1]);
        Value p = e.decodeElem(format.elem, toI32(nb, nl, args[0]));
        Value v;
        if (format.scale == mxref::ScaleKind::E8M0) {
          // P * 2^X: exact (or +-Inf), as ldexp; 2^X is an f32 here.
          v = e.truncF32(arith::MulFOp::create(nb, nl, p, e.decodeE8M0(scale)),
                         outElem);
        } else {
          Value ps = arith::MulFOp::create(nb, nl, p, e.decodeUE4M3(scale));
          if (isF32)
            v = tensorScale
                    ? Value(arith::MulFOp::create(nb, nl, ps, tensorScale))
                    : ps;
          else
            v = tensorScale
                    ? roundExactProduct(nb, nl, ps, tensorScale, outElem)
                    : e.truncF32(ps, outElem);
        }
        Value nan = e.truncF32(e.f32Bits(0x7fc00000), outElem);
        v = e.select(e.isNaNScale(format.scale, scale), nan, v);
        linalg::YieldOp::create(nb, nl, v);
      });
  return bs.collapse(b, loc, op.getResult(0));
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

SmallVector<Value> lowering::quantizeToComponents(
    OpBuilder &b, Location loc, Value input, BlockScaledTensorType type,
    std::optional<ScaleMode> scaleMode, Rounding rounding, Value tensorScale,
    Value randomBits) {
  MLIRContext *ctx = b.getContext();
  mxref::Format format = type.getFormat().getFormat();
  mxref::ScaleMode mode =
      scaleMode ? toReference(*scaleMode) : format.defaultScaleMode();
  bool stochastic = rounding == Rounding::stochastic;
  BlockedShape bs(type.getShape(), type.getBlock());
  unsigned rank = bs.getRank();
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  Value xe = bs.expand(b, loc, input);
  AffineMap full = bs.getFullMap(ctx), gridMap = bs.getGridMap(ctx);
  AffineMap gridId = AffineMap::getMultiDimIdentityMap(rank, ctx);

  // max |bits| per block: for non-negative floats the integer order is the
  // float order, and anything above 0x7f800000 is a NaN, so one integer max
  // yields the block amax and whether the block holds NaN or Inf.
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  auto amax = linalg::GenericOp::create(
      b, loc, TypeRange{RankedTensorType::get(bs.grid, i32)}, ValueRange{xe},
      ValueRange{createFilled(b, loc, bs.grid, zero)},
      ArrayRef<AffineMap>{full, gridMap}, bs.getIterators(true),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        CodecEmitter e(nb, nl);
        Value abs = e.andI(e.bitsOf(args[0]), e.i32(0x7fffffff));
        linalg::YieldOp::create(
            nb, nl, Value(arith::MaxSIOp::create(nb, nl, abs, args[1])));
      });

  SmallVector<Value> encodeInputs = {xe};
  SmallVector<AffineMap> encodeMaps = {full};
  Value scales, decodeScale;
  if (mode != mxref::ScaleMode::NVFP4) {
    auto scaleOp = linalg::GenericOp::create(
        b, loc, TypeRange{RankedTensorType::get(bs.grid, i8)},
        ValueRange{amax.getResult(0)},
        ValueRange{createEmpty(b, loc, bs.grid, i8)},
        ArrayRef<AffineMap>{gridId, gridId}, parallelIterators(rank),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          CodecEmitter e(nb, nl);
          // NaN or Inf anywhere in the block: the NaN scale.
          Value special = arith::CmpIOp::create(
              nb, nl, arith::CmpIPredicate::sge, args[0], e.i32(0x7f800000));
          Value code = e.selectE8M0Scale(format.elem, mode, e.floatOf(args[0]));
          linalg::YieldOp::create(
              nb, nl, toI8(nb, nl, e.select(special, e.i32(0xff), code)));
        });
    scales = scaleOp.getResult(0);
    encodeInputs.push_back(scales);
    encodeMaps.push_back(gridMap);
  } else {
    // NVFP4 (reference `quantize`, TransformerEngine convention).
    CodecEmitter top(b, loc);
    Value enc, dec;
    if (tensorScale) {
      std::tie(enc, dec) = top.nvfp4TensorScalesFromDecode(tensorScale);
    } else {
      // Tensor amax ignoring NaN.
      auto gamax = linalg::GenericOp::create(
          b, loc, TypeRange{RankedTensorType::get({}, i32)}, ValueRange{input},
          ValueRange{createFilled(b, loc, {}, zero)},
          ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx),
                              AffineMap::get(rank, 0, {}, ctx)},
          SmallVector<utils::IteratorType>(rank,
                                           utils::IteratorType::reduction),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            CodecEmitter e(nb, nl);
            Value abs = e.andI(e.bitsOf(args[0]), e.i32(0x7fffffff));
            abs = e.select(e.ugt(abs, e.i32(0x7f800000)), e.i32(0), abs);
            linalg::YieldOp::create(
                nb, nl, Value(arith::MaxSIOp::create(nb, nl, abs, args[1])));
          });
      Value g =
          tensor::ExtractOp::create(b, loc, gamax.getResult(0), ValueRange{});
      std::tie(enc, dec) = top.nvfp4TensorScalesFromAmax(top.floatOf(g));
    }
    decodeScale = dec;
    Value encTimesInvMax =
        arith::MulFOp::create(b, loc, enc, top.f32(1.0f / 6.0f));
    auto scaleOp = linalg::GenericOp::create(
        b, loc,
        TypeRange{RankedTensorType::get(bs.grid, i8),
                  RankedTensorType::get(bs.grid, f32)},
        ValueRange{amax.getResult(0)},
        ValueRange{createEmpty(b, loc, bs.grid, i8),
                   createEmpty(b, loc, bs.grid, f32)},
        ArrayRef<AffineMap>{gridId, gridId, gridId}, parallelIterators(rank),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          CodecEmitter e(nb, nl);
          Value hasNaN = e.ugt(args[0], e.i32(0x7f800000));
          Value code = e.nvfp4BlockScale(e.floatOf(args[0]), encTimesInvMax);
          code = e.select(hasNaN, e.i32(0x7f), code);
          Value blockEnc = e.nvfp4BlockEncodeScale(code, dec);
          linalg::YieldOp::create(nb, nl,
                                  ValueRange{toI8(nb, nl, code), blockEnc});
        });
    scales = scaleOp.getResult(0);
    encodeInputs.append({scales, scaleOp.getResult(1)});
    encodeMaps.append({gridMap, gridMap});
  }
  if (stochastic) {
    encodeInputs.push_back(bs.expand(b, loc, randomBits));
    encodeMaps.push_back(full);
  }
  encodeMaps.push_back(full);

  bool nvfp4 = mode == mxref::ScaleMode::NVFP4;
  auto encode = linalg::GenericOp::create(
      b, loc, TypeRange{RankedTensorType::get(bs.expanded, i8)}, encodeInputs,
      ValueRange{createEmpty(b, loc, bs.expanded, i8)}, encodeMaps,
      bs.getIterators(false), [&](OpBuilder &nb, Location nl, ValueRange args) {
        CodecEmitter e(nb, nl);
        Value scale = toI32(nb, nl, args[1]);
        Value rbyte = stochastic ? toI32(nb, nl, args[nvfp4 ? 3 : 2]) : Value();
        Value code;
        if (nvfp4) {
          // q = cvt.rn.satfinite.e2m1(f32(x * S_encb)).
          Value scaled = arith::MulFOp::create(nb, nl, args[0], args[2]);
          code = e.encodeElem(format.elem, scaled, e.i32(0), rbyte);
        } else {
          code = e.encodeElem(format.elem, args[0], e.sub(scale, e.i32(127)),
                              rbyte);
        }
        // Codes of a NaN-scale block stay 0.
        code = e.select(e.isNaNScale(format.scale, scale), e.i32(0), code);
        linalg::YieldOp::create(nb, nl, toI8(nb, nl, code));
      });
  Value codes = bs.collapse(b, loc, encode.getResult(0));
  SmallVector<Value> result = {packCodes(b, loc, format.elem, codes), scales};
  if (format.tensorScale)
    result.push_back(decodeScale);
  return result;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto first = [](ValueRange r) { return r.empty() ? Value() : r.front(); };
    SmallVector<Value> comps = quantizeToComponents(
        rewriter, op.getLoc(), first(adaptor.getInput()), op.getType(),
        op.getScaleMode(), op.getRounding(), first(adaptor.getTensorScale()),
        first(adaptor.getRandomBits()));
    rewriter.replaceOpWithMultiple(op, {comps});
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value v =
        dequantizeComponents(rewriter, op.getLoc(), op.getInput().getType(),
                             adaptor.getInput(), op.getType().getElementType());
    rewriter.replaceOp(op, v);
    return success();
  }
};

struct ConvertLowering : OpConversionPattern<ConvertOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvertOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // convert = quantize(dequantize-to-f32(input)).
    auto first = [](ValueRange r) { return r.empty() ? Value() : r.front(); };
    Value values =
        dequantizeComponents(rewriter, op.getLoc(), op.getInput().getType(),
                             adaptor.getInput(), rewriter.getF32Type());
    SmallVector<Value> comps = quantizeToComponents(
        rewriter, op.getLoc(), values, op.getType(), op.getScaleMode(),
        op.getRounding(), first(adaptor.getTensorScale()),
        first(adaptor.getRandomBits()));
    rewriter.replaceOpWithMultiple(op, {comps});
    return success();
  }
};

static Value byteConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                          ArrayRef<uint8_t> bytes) {
  auto type = RankedTensorType::get(shape, b.getI8Type());
  ArrayRef<char> raw(reinterpret_cast<const char *>(bytes.data()),
                     bytes.size());
  return arith::ConstantOp::create(
      b, loc, type, DenseElementsAttr::getFromRawBuffer(type, raw));
}

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockScaledTensorType type = op.getType();
    FailureOr<mxref::QuantizedTensor> q = toReference(type, op.getValueAttr());
    if (failed(q)) // excluded by the verifier (rule K5)
      return rewriter.notifyMatchFailure(op, "components are not dense");
    SmallVector<Type> types;
    if (failed(getMXComponentTypes(type, types)))
      return failure();
    Location loc = op.getLoc();
    // Rows are byte aligned, so packing the row-major stream packs each row.
    SmallVector<Value> comps = {
        byteConstant(rewriter, loc, cast<RankedTensorType>(types[0]).getShape(),
                     mxref::packElements(q->format.elem, q->elements)),
        byteConstant(rewriter, loc, type.getBlockGrid(), q->scales)};
    if (type.hasTensorScale())
      comps.push_back(arith::ConstantOp::create(
          rewriter, loc, rewriter.getF32FloatAttr(q->tensorDecodeScale)));
    rewriter.replaceOpWithMultiple(op, {comps});
    return success();
  }
};

/// Index arithmetic of the Blackwell 128x4 layout: scale (m, k) of the block
/// grid sits at [m/128, k/4, m%32, (m%128)/32, k%4] of the atom tensor.
static SmallVector<Value> atomIndices(OpBuilder &b, Location loc, Value m,
                                      Value k) {
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  return {arith::DivUIOp::create(b, loc, m, c(128)),
          arith::DivUIOp::create(b, loc, k, c(4)),
          arith::RemUIOp::create(b, loc, m, c(32)),
          arith::DivUIOp::create(
              b, loc, arith::RemUIOp::create(b, loc, m, c(128)), c(32)),
          arith::RemUIOp::create(b, loc, k, c(4))};
}

/// Elementwise map over a tensor to a new element type.
static Value mapElements(OpBuilder &b, Location loc, Value tensor, Type outElem,
                         function_ref<Value(OpBuilder &, Location, Value)> fn) {
  auto type = cast<RankedTensorType>(tensor.getType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{type.clone(outElem)}, ValueRange{tensor},
      ValueRange{createEmpty(b, loc, type.getShape(), outElem)},
      ArrayRef<AffineMap>{id, id}, parallelIterators(type.getRank()),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, fn(nb, nl, args[0]));
      });
  return op.getResult(0);
}

struct UnpackLowering : OpConversionPattern<UnpackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnpackOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockScaledTensorType type = op.getInput().getType();
    mxref::Format format = type.getFormat().getFormat();
    ValueRange comps = adaptor.getInput();
    Location loc = op.getLoc();
    unsigned bits = mxref::getElemInfo(format.elem).bits;
    // Codes to the builtin element type: iN, then a bitcast to fN.
    Value codes =
        unpackCodes(rewriter, loc, format.elem, comps[0], type.getShape());
    Type elemType = type.getElementType();
    Value elements = mapElements(
        rewriter, loc, codes, elemType,
        [&](OpBuilder &nb, Location nl, Value c) -> Value {
          if (elemType.isInteger(8))
            return c;
          if (bits != 8)
            c = arith::TruncIOp::create(nb, nl, nb.getIntegerType(bits), c);
          return arith::BitcastOp::create(nb, nl, elemType, c);
        });
    Type scaleType = type.getFormat().getScaleType();
    Value rowMajor = comps[1];
    Value scales;
    if (op.getLayout() == ScaleLayout::row_major) {
      scales = rowMajor;
    } else {
      // Gather each atom byte from the row-major grid; padding is zero.
      auto outType = cast<RankedTensorType>(op.getScales().getType())
                         .clone(rewriter.getI8Type());
      SmallVector<int64_t> grid = type.getBlockGrid();
      unsigned gr = grid.size(), batch = gr - 2;
      int64_t mRows = grid[gr - 2], kCols = grid[gr - 1];
      unsigned outRank = outType.getRank();
      auto gen = linalg::GenericOp::create(
          rewriter, loc, TypeRange{outType}, ValueRange{},
          ValueRange{createEmpty(rewriter, loc, outType.getShape(),
                                 rewriter.getI8Type())},
          ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(outRank)},
          parallelIterators(outRank),
          [&](OpBuilder &nb, Location nl, ValueRange) {
            auto idx = [&](unsigned d) {
              return linalg::IndexOp::create(nb, nl, d).getResult();
            };
            auto c = [&](int64_t v) {
              return arith::ConstantIndexOp::create(nb, nl, v).getResult();
            };
            auto mul = [&](Value a, int64_t v) {
              return arith::MulIOp::create(nb, nl, a, c(v)).getResult();
            };
            auto addI = [&](Value a, Value v) {
              return arith::AddIOp::create(nb, nl, a, v).getResult();
            };
            // m = i0*128 + i3*32 + i2, k = i1*4 + i4 (after batch dims).
            Value m = addI(addI(mul(idx(batch), 128), mul(idx(batch + 3), 32)),
                           idx(batch + 2));
            Value k = addI(mul(idx(batch + 1), 4), idx(batch + 4));
            Value inside = arith::AndIOp::create(
                nb, nl,
                arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ult, m,
                                      c(mRows)),
                arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ult, k,
                                      c(kCols)));
            // Clamped so the (discarded) padding read stays in bounds.
            SmallVector<Value> at;
            for (unsigned d = 0; d < batch; ++d)
              at.push_back(idx(d));
            at.push_back(arith::MinUIOp::create(nb, nl, m, c(mRows - 1)));
            at.push_back(arith::MinUIOp::create(nb, nl, k, c(kCols - 1)));
            Value v = tensor::ExtractOp::create(nb, nl, rowMajor, at);
            Value zero =
                arith::ConstantOp::create(nb, nl, nb.getI8IntegerAttr(0));
            linalg::YieldOp::create(
                nb, nl,
                Value(arith::SelectOp::create(nb, nl, inside, v, zero)));
          });
      scales = gen.getResult(0);
    }
    scales =
        mapElements(rewriter, loc, scales, scaleType,
                    [&](OpBuilder &nb, Location nl, Value s) -> Value {
                      return arith::BitcastOp::create(nb, nl, scaleType, s);
                    });
    SmallVector<Value> results = {elements, scales};
    if (type.hasTensorScale())
      results.push_back(comps[2]);
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct PackLowering : OpConversionPattern<PackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PackOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockScaledTensorType type = op.getType();
    mxref::Format format = type.getFormat().getFormat();
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type();
    unsigned bits = mxref::getElemInfo(format.elem).bits;
    Value codes = mapElements(
        rewriter, loc, adaptor.getElements().front(), i8,
        [&](OpBuilder &nb, Location nl, Value v) -> Value {
          if (v.getType().isInteger(8))
            return v;
          v = arith::BitcastOp::create(nb, nl, nb.getIntegerType(bits), v);
          return bits == 8 ? v : arith::ExtUIOp::create(nb, nl, i8, v);
        });
    Value scales =
        mapElements(rewriter, loc, adaptor.getScales().front(), i8,
                    [&](OpBuilder &nb, Location nl, Value v) -> Value {
                      return arith::BitcastOp::create(nb, nl, i8, v);
                    });
    if (op.getLayout() == ScaleLayout::blackwell_128x4) {
      SmallVector<int64_t> grid = type.getBlockGrid();
      unsigned gr = grid.size(), batch = gr - 2;
      Value atoms = scales;
      auto gen = linalg::GenericOp::create(
          rewriter, loc, TypeRange{RankedTensorType::get(grid, i8)},
          ValueRange{}, ValueRange{createEmpty(rewriter, loc, grid, i8)},
          ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(gr)},
          parallelIterators(gr), [&](OpBuilder &nb, Location nl, ValueRange) {
            SmallVector<Value> at;
            for (unsigned d = 0; d < batch; ++d)
              at.push_back(linalg::IndexOp::create(nb, nl, d));
            at.append(atomIndices(nb, nl,
                                  linalg::IndexOp::create(nb, nl, batch),
                                  linalg::IndexOp::create(nb, nl, batch + 1)));
            linalg::YieldOp::create(
                nb, nl, Value(tensor::ExtractOp::create(nb, nl, atoms, at)));
          });
      scales = gen.getResult(0);
    }
    SmallVector<Value> comps = {packCodes(rewriter, loc, format.elem, codes),
                                scales};
    if (type.hasTensorScale())
      comps.push_back(adaptor.getTensorScale().front());
    rewriter.replaceOpWithMultiple(op, {comps});
    return success();
  }
};

} // namespace

void lowering::populateQuantizationPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DequantizeLowering, ConvertLowering,
               ConstantLowering, UnpackLowering, PackLowering>(
      converter, patterns.getContext());
}
