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

#include "mx/Conversion/MXCommon/BlockEmitter.h"
#include "mx/Conversion/MXCommon/Packing.h"
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

Value lowering::mapElements(
    OpBuilder &b, Location loc, Value tensor, Type outElem,
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

/// Regroups the last dimension of `tensor` (i8) from groups of `inPer` to
/// groups of `outPer` bytes: output byte k of a group is `fn` of the group's
/// inputs (i32) and k. Rows are byte aligned, so this is done per group.
static Value
regroupLast(OpBuilder &b, Location loc, Value tensor, int64_t inPer,
            int64_t outPer,
            function_ref<Value(CodecEmitter &, ArrayRef<Value>, Value)> fn) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(tensor.getType());
  unsigned rank = type.getRank();
  Value grouped = splitLast(b, loc, tensor, inPer);
  SmallVector<int64_t> outShape(type.getShape());
  outShape.back() /= inPer;
  outShape.push_back(outPer);
  SmallVector<AffineMap> maps;
  for (int64_t i = 0; i < inPer; ++i)
    maps.push_back(prefixPlusConstant(rank + 1, rank, i, ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank + 1, ctx));
  SmallVector<Value> ins(inPer, grouped);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{RankedTensorType::get(outShape, b.getI8Type())}, ins,
      ValueRange{createEmpty(b, loc, outShape, b.getI8Type())}, maps,
      parallelIterators(rank + 1),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        CodecEmitter e(nb, nl);
        SmallVector<Value> group;
        for (Value v : args.take_front(inPer))
          group.push_back(e.toI32(v));
        Value k = e.toI32(linalg::IndexOp::create(nb, nl, rank));
        linalg::YieldOp::create(nb, nl, toI8(nb, nl, fn(e, group, k)));
      });
  return mergeLast(b, loc, op.getResult(0));
}

Value lowering::unpackCodes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                            Value packed, ArrayRef<int64_t> shape) {
  unsigned bits = mxref::getElemInfo(kind).bits;
  if (bits == 8)
    return packed;
  auto [perGroup, bytes] = getPackingGroup(kind);
  return regroupLast(
      b, loc, packed, bytes, perGroup,
      [&](CodecEmitter &e, ArrayRef<Value> group, Value k) {
        // Code k of the group sits at bit k * bits of its word.
        Value at =
            arith::MulIOp::create(e.getBuilder(), e.getLoc(), k, e.i32(bits));
        return codeOfGroupWord(e, kind, packedGroupWord(e, group), at);
      });
}

Value lowering::packCodes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                          Value codes) {
  if (mxref::getElemInfo(kind).bits == 8)
    return codes;
  auto [perGroup, bytes] = getPackingGroup(kind);
  return regroupLast(b, loc, codes, perGroup, bytes,
                     [&](CodecEmitter &e, ArrayRef<Value> group, Value k) {
                       return byteOfGroupWord(
                           e, groupWordOfCodes(e, kind, group), k);
                     });
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
        linalg::YieldOp::create(nb, nl, e.decodeElem(kind, e.toI32(args[0])));
      });
  return op.getResult(0);
}

Value lowering::dequantizeComponents(OpBuilder &b, Location loc,
                                     BlockScaledTensorType type,
                                     ValueRange components, Type outElem) {
  mxref::Format format = type.getFormat().getFormat();
  Value codes =
      unpackCodes(b, loc, format.elem, components[0], type.getShape());
  Value tensorScale = getTensorScaleComponent(type, components);
  if (format.isPerTensor()) // no block structure: elementwise
    return mapElements(b, loc, codes, outElem,
                       [&](OpBuilder &nb, Location nl, Value c) -> Value {
                         BlockEmitter e(nb, nl, format);
                         return e.dequantize(e.toI32(c), Value(), tensorScale,
                                             outElem);
                       });
  BlockedShape bs(type.getShape(), type.getBlock());
  MLIRContext *ctx = b.getContext();
  Value out = createEmpty(b, loc, bs.expanded, outElem);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{out.getType()},
      ValueRange{bs.expand(b, loc, codes), components[1]}, ValueRange{out},
      ArrayRef<AffineMap>{bs.getFullMap(ctx), bs.getGridMap(ctx),
                          bs.getFullMap(ctx)},
      bs.getIterators(false), [&](OpBuilder &nb, Location nl, ValueRange args) {
        BlockEmitter e(nb, nl, format);
        linalg::YieldOp::create(nb, nl,
                                e.dequantize(e.toI32(args[0]), e.toI32(args[1]),
                                             tensorScale, outElem));
      });
  return bs.collapse(b, loc, op.getResult(0));
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

namespace {

/// The linalg steps of mx.quantize over the input expanded block by block
/// (BlockedShape); every per-element and per-block value is BlockEmitter's.
struct LinalgQuantizer {
  LinalgQuantizer(OpBuilder &b, Location loc, BlockScaledTensorType type,
                  mxref::ScaleMode mode)
      : b(b), loc(loc), format(type.getFormat().getFormat()), mode(mode),
        bs(type.getShape(), type.getBlock()) {}

  /// The integer max of (NaN-ignoring when `ignoreNaN`) magnitudeBits of
  /// `in` into tensor<shape x i32>.
  Value maxBits(Value in, ArrayRef<int64_t> shape, AffineMap inMap,
                AffineMap outMap, ArrayRef<utils::IteratorType> iterators,
                bool ignoreNaN);
  /// The max magnitudeBits of each block: tensor<grid x i32>.
  Value blockMaxBits(Value xe);
  /// The NVFP4 tensor amax bits (NaN ignored): an i32.
  Value tensorMaxBits(Value input);
  /// The scale bytes (tensor<grid x i8>) and, for NVFP4, the per-block
  /// S_encb (tensor<grid x f32>).
  std::pair<Value, Value> blockScales(Value amax, Value encTimesInvMax,
                                      Value decodeScale);
  /// The element codes, one per byte, in the expanded shape.
  Value encode(Value xe, Value scales, Value encodeScales, Value randomBits);

  OpBuilder &b;
  Location loc;
  mxref::Format format;
  mxref::ScaleMode mode;
  BlockedShape bs;
};

} // namespace

Value LinalgQuantizer::maxBits(Value in, ArrayRef<int64_t> shape,
                               AffineMap inMap, AffineMap outMap,
                               ArrayRef<utils::IteratorType> iterators,
                               bool ignoreNaN) {
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  return linalg::GenericOp::create(
             b, loc, TypeRange{RankedTensorType::get(shape, b.getI32Type())},
             ValueRange{in}, ValueRange{createFilled(b, loc, shape, zero)},
             ArrayRef<AffineMap>{inMap, outMap}, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               BlockEmitter e(nb, nl, format);
               linalg::YieldOp::create(
                   nb, nl, e.accumulateMaxBits(args[1], args[0], ignoreNaN));
             })
      .getResult(0);
}

Value LinalgQuantizer::blockMaxBits(Value xe) {
  MLIRContext *ctx = b.getContext();
  return maxBits(xe, bs.grid, bs.getFullMap(ctx), bs.getGridMap(ctx),
                 bs.getIterators(true), /*ignoreNaN=*/false);
}

Value LinalgQuantizer::tensorMaxBits(Value input) {
  unsigned rank = bs.getRank();
  Value gamax = maxBits(
      input, {}, b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, {}, b.getContext()),
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
      /*ignoreNaN=*/true);
  return tensor::ExtractOp::create(b, loc, gamax, ValueRange{});
}

std::pair<Value, Value> LinalgQuantizer::blockScales(Value amax,
                                                     Value encTimesInvMax,
                                                     Value decodeScale) {
  unsigned rank = bs.getRank();
  AffineMap gridId = b.getMultiDimIdentityMap(rank);
  bool nvfp4 = mode == mxref::ScaleMode::NVFP4;
  SmallVector<Type> types = {RankedTensorType::get(bs.grid, b.getI8Type())};
  SmallVector<Value> inits = {createEmpty(b, loc, bs.grid, b.getI8Type())};
  if (nvfp4) {
    types.push_back(RankedTensorType::get(bs.grid, b.getF32Type()));
    inits.push_back(createEmpty(b, loc, bs.grid, b.getF32Type()));
  }
  SmallVector<AffineMap> maps(inits.size() + 1, gridId);
  auto op = linalg::GenericOp::create(
      b, loc, types, ValueRange{amax}, inits, maps, parallelIterators(rank),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        BlockEmitter e(nb, nl, format);
        BlockScale s = e.blockScale(mode, args[0], encTimesInvMax, decodeScale);
        SmallVector<Value> results = {toI8(nb, nl, s.code)};
        if (s.encodeScale)
          results.push_back(s.encodeScale);
        linalg::YieldOp::create(nb, nl, results);
      });
  return {op.getResult(0), nvfp4 ? op.getResult(1) : Value()};
}

Value LinalgQuantizer::encode(Value xe, Value scales, Value encodeScales,
                              Value randomBits) {
  MLIRContext *ctx = b.getContext();
  AffineMap full = bs.getFullMap(ctx), gridMap = bs.getGridMap(ctx);
  SmallVector<Value> ins = {xe, scales};
  SmallVector<AffineMap> maps = {full, gridMap};
  if (encodeScales) {
    ins.push_back(encodeScales);
    maps.push_back(gridMap);
  }
  if (randomBits) {
    ins.push_back(bs.expand(b, loc, randomBits));
    maps.push_back(full);
  }
  maps.push_back(full);
  Type i8 = b.getI8Type();
  return linalg::GenericOp::create(
             b, loc, TypeRange{RankedTensorType::get(bs.expanded, i8)}, ins,
             ValueRange{createEmpty(b, loc, bs.expanded, i8)}, maps,
             bs.getIterators(false),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               BlockEmitter e(nb, nl, format);
               BlockScale s = {e.toI32(args[1]),
                               encodeScales ? args[2] : Value()};
               Value rbyte =
                   randomBits ? e.toI32(args[encodeScales ? 3 : 2]) : Value();
               linalg::YieldOp::create(
                   nb, nl, toI8(nb, nl, e.encodeInBlock(args[0], s, rbyte)));
             })
      .getResult(0);
}

SmallVector<Value> lowering::quantizeToComponents(
    OpBuilder &b, Location loc, Value input, BlockScaledTensorType type,
    std::optional<ScaleMode> scaleMode, Rounding rounding, Value tensorScale,
    Value randomBits) {
  mxref::Format format = type.getFormat().getFormat();
  mxref::ScaleMode mode =
      scaleMode ? toReference(*scaleMode) : format.defaultScaleMode();
  LinalgQuantizer q(b, loc, type, mode);
  if (format.isPerTensor()) {
    // docs/Numerics.md §3: the tensor amax (NaN ignored) gives S_enc, then
    // every element is encoded on its own.
    BlockEmitter top(b, loc, format);
    auto [enc, dec] = top.perTensorScales(
        tensorScale, tensorScale ? Value() : q.tensorMaxBits(input));
    bool stochastic = rounding == Rounding::stochastic;
    unsigned rank = type.getRank();
    AffineMap id = b.getMultiDimIdentityMap(rank);
    SmallVector<Value> ins = {input};
    if (stochastic)
      ins.push_back(randomBits);
    SmallVector<AffineMap> maps(ins.size() + 1, id);
    Type i8 = b.getI8Type();
    Value codes =
        linalg::GenericOp::create(
            b, loc, TypeRange{RankedTensorType::get(type.getShape(), i8)}, ins,
            ValueRange{createEmpty(b, loc, type.getShape(), i8)}, maps,
            parallelIterators(rank),
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              BlockEmitter e(nb, nl, format);
              Value rbyte = stochastic ? e.toI32(args[1]) : Value();
              linalg::YieldOp::create(
                  nb, nl, toI8(nb, nl, e.encodePerTensor(args[0], enc, rbyte)));
            })
            .getResult(0);
    return {packCodes(b, loc, format.elem, codes), dec};
  }
  Value xe = q.bs.expand(b, loc, input);
  Value amax = q.blockMaxBits(xe);
  Value encTimesInvMax, decodeScale;
  if (mode == mxref::ScaleMode::NVFP4) {
    BlockEmitter top(b, loc, format);
    std::tie(encTimesInvMax, decodeScale) = top.nvfp4TensorScales(
        tensorScale, tensorScale ? Value() : q.tensorMaxBits(input));
  }
  auto [scales, encodeScales] =
      q.blockScales(amax, encTimesInvMax, decodeScale);
  Value codes =
      q.encode(xe, scales, encodeScales,
               rounding == Rounding::stochastic ? randomBits : Value());
  codes = q.bs.collapse(b, loc, codes);
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
    SmallVector<Value> comps = quantizeToComponents(
        rewriter, op.getLoc(), firstOrNull(adaptor.getInput()), op.getType(),
        op.getScaleMode(), op.getRounding(),
        firstOrNull(adaptor.getTensorScale()),
        firstOrNull(adaptor.getRandomBits()));
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
    Value values =
        dequantizeComponents(rewriter, op.getLoc(), op.getInput().getType(),
                             adaptor.getInput(), rewriter.getF32Type());
    SmallVector<Value> comps = quantizeToComponents(
        rewriter, op.getLoc(), values, op.getType(), op.getScaleMode(),
        op.getRounding(), firstOrNull(adaptor.getTensorScale()),
        firstOrNull(adaptor.getRandomBits()));
    rewriter.replaceOpWithMultiple(op, {comps});
    return success();
  }
};

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockScaledTensorType type = op.getType();
    // Excluded by the verifier (rules K1, K5).
    if (!isConstantValue(type, op.getValueAttr()))
      return rewriter.notifyMatchFailure(op, "components are not dense");
    SmallVector<Type> types;
    if (failed(getMXComponentTypes(type, types)))
      return failure();
    Location loc = op.getLoc();
    // The constant already holds the packed stream; rows are byte aligned,
    // so it is the elements component reshaped (a splat stays a splat).
    auto packed = cast<DenseElementsAttr>(op.getPacked());
    SmallVector<Value> comps = {arith::ConstantOp::create(
        rewriter, loc, packed.reshape(cast<ShapedType>(types[0])))};
    if (type.hasBlockScales())
      comps.push_back(
          arith::ConstantOp::create(rewriter, loc,
                                    cast<DenseElementsAttr>(*op.getScales())
                                        .bitcast(rewriter.getI8Type())));
    if (type.hasTensorScale())
      comps.push_back(
          arith::ConstantOp::create(rewriter, loc, op.getTensorScaleAttr()));
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
    if (!type.hasBlockScales()) { // per tensor: elements and S_dec only
      rewriter.replaceOp(op, {elements, comps.back()});
      return success();
    }
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
    if (!type.hasBlockScales()) { // per tensor: elements and S_dec only
      rewriter.replaceOpWithMultiple(
          op, {{packCodes(rewriter, loc, format.elem, codes),
                adaptor.getTensorScale().front()}});
      return success();
    }
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
