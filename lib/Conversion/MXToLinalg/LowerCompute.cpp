//===- LowerCompute.cpp - mx.matmul and mx.hadamard to linalg -------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Both ops keep the reference evaluation order (include/mx/Numerics/Matmul.h
// and Hadamard.h), so the lowered code is bit-exact: every f32 operation of
// the reference appears once, with the same operands, and reductions run in
// increasing index order (linalg iteration dims are ordered so the reduced
// dim is innermost).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "mx/Conversion/MXCommon/BlockEmitter.h"
#include "mx/Conversion/MXCommon/Components.h"
#include "mx/Numerics/Hadamard.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;

MatmulSide lowering::prepareMatmulSide(OpBuilder &b, Location loc, Type type,
                                       ValueRange comps) {
  MatmulSide side;
  if (auto bs = dyn_cast<BlockScaledTensorType>(type)) {
    mxref::Format format = bs.getFormat().getFormat();
    side.values = decodeElementValues(b, loc, bs, comps[0]);
    // A per-tensor operand has no scales: like a plain one, plus S_dec.
    side.scales = getScalesComponent(bs, comps);
    side.scaleKind = format.scale;
    if (side.scales)
      side.block.assign(bs.getBlock().begin(), bs.getBlock().end());
    else
      side.block.assign(bs.getRank(), 1);
    side.tensorScale = getTensorScaleComponent(bs, comps);
    return side;
  }
  auto t = cast<RankedTensorType>(type);
  side.values = comps[0];
  if (!t.getElementType().isF32()) // f16/bf16 extend to f32 exactly
    side.values =
        mapElements(b, loc, comps[0], b.getF32Type(),
                    [](OpBuilder &nb, Location nl, Value v) -> Value {
                      return arith::ExtFOp::create(nb, nl, nb.getF32Type(), v);
                    });
  return side;
}

namespace {

/// Splits dimension `dim` of `tensor` into [n / kb, kb].
Value splitDim(OpBuilder &b, Location loc, Value tensor, unsigned dim,
               int64_t kb) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> re;
  int64_t out = 0;
  for (auto [i, s] : llvm::enumerate(type.getShape())) {
    if (i == dim) {
      shape.append({s / kb, kb});
      re.push_back({out, out + 1});
      out += 2;
    } else {
      shape.push_back(s);
      re.push_back({out++});
    }
  }
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), tensor, re);
}

/// The linalg steps of mx.matmul in the reference order
/// (docs/Numerics.md §6), over iteration dims (batch..., m, n, j[, kk]).
struct LinalgMatmul {
  LinalgMatmul(OpBuilder &b, Location loc, MatmulOp op, MatmulSide a,
               MatmulSide bSide)
      : b(b), loc(loc), ctx(b.getContext()), a(std::move(a)),
        bSide(std::move(bSide)), outType(op.getType()) {
    rank = outType.getRank();
    nb = rank - 2;
    Type lhsType = op.getLhs().getType();
    k = isa<BlockScaledTensorType>(lhsType)
            ? cast<BlockScaledTensorType>(lhsType).getShape()[rank - 1]
            : cast<RankedTensorType>(lhsType).getShape()[rank - 1];
    // The K block: both operands' (equal, rule M6), the scaled one's, or K.
    kb = this->a.scales       ? this->a.block[rank - 1]
         : this->bSide.scales ? this->bSide.block[rank - 2]
                              : k;
  }

  AffineExpr d(unsigned i) const { return getAffineDimExpr(i, ctx); }
  /// The batch dims followed by `tail`.
  AffineMap mapOf(unsigned numDims, ArrayRef<AffineExpr> tail) const {
    SmallVector<AffineExpr> exprs;
    for (unsigned i = 0; i < nb; ++i)
      exprs.push_back(d(i));
    exprs.append(tail.begin(), tail.end());
    return AffineMap::get(numDims, 0, exprs, ctx);
  }
  Value zero() const {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  }

  /// P[batch, m, n, j] = sum over kk of ea * eb, kk innermost and
  /// increasing.
  Value partialSums() const;
  /// Each partial sum with its block scales, accumulated over j.
  Value scaleAndAccumulate(Value partial) const;
  /// The output times g = S_decA * S_decB (or the one there is).
  Value applyTensorScales(Value acc) const;

  OpBuilder &b;
  Location loc;
  MLIRContext *ctx;
  MatmulSide a, bSide;
  RankedTensorType outType;
  unsigned rank, nb;
  int64_t k, kb;
};

Value LinalgMatmul::partialSums() const {
  Value ae = splitDim(b, loc, a.values, rank - 1, kb);
  Value be = splitDim(b, loc, bSide.values, rank - 2, kb);
  unsigned nd = nb + 4, m = nb, n = nb + 1, j = nb + 2, kk = nb + 3;
  SmallVector<int64_t> shape(outType.getShape());
  shape.push_back(k / kb);
  SmallVector<utils::IteratorType> its = parallelIterators(nd);
  its.back() = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, TypeRange{RankedTensorType::get(shape, b.getF32Type())},
             ValueRange{ae, be},
             ValueRange{createFilled(b, loc, shape, zero())},
             ArrayRef<AffineMap>{mapOf(nd, {d(m), d(j), d(kk)}),
                                 mapOf(nd, {d(j), d(kk), d(n)}),
                                 mapOf(nd, {d(m), d(n), d(j)})},
             its,
             [&](OpBuilder &nb2, Location nl, ValueRange args) {
               // f32(partial + f32(ea * eb)): two roundings, never fused.
               Value p = arith::MulFOp::create(nb2, nl, args[0], args[1]);
               linalg::YieldOp::create(
                   nb2, nl, Value(arith::AddFOp::create(nb2, nl, args[2], p)));
             })
      .getResult(0);
}

Value LinalgMatmul::scaleAndAccumulate(Value partial) const {
  unsigned sd = nb + 3, m = nb, n = nb + 1, j = nb + 2;
  SmallVector<Value> ins = {partial};
  SmallVector<AffineMap> maps = {mapOf(sd, {d(m), d(n), d(j)})};
  if (a.scales) {
    ins.push_back(a.scales);
    maps.push_back(mapOf(sd, {d(m).floorDiv(a.block[rank - 2]), d(j)}));
  }
  if (bSide.scales) {
    ins.push_back(bSide.scales);
    maps.push_back(mapOf(sd, {d(j), d(n).floorDiv(bSide.block[rank - 1])}));
  }
  maps.push_back(mapOf(sd, {d(m), d(n)}));
  SmallVector<utils::IteratorType> its = parallelIterators(sd);
  its.back() = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ins,
             ValueRange{createFilled(b, loc, outType.getShape(), zero())}, maps,
             its,
             [&](OpBuilder &nb2, Location nl, ValueRange args) {
               CodecEmitter e(nb2, nl);
               SmallVector<ScaleCode> codes;
               unsigned next = 1;
               for (const MatmulSide *s : {&a, &bSide})
                 if (s->scales)
                   codes.push_back({e.toI32(args[next++]), s->scaleKind});
               Value v = applyMatmulBlockScales(e, args[0], codes);
               linalg::YieldOp::create(
                   nb2, nl,
                   Value(arith::AddFOp::create(nb2, nl, args.back(), v)));
             })
      .getResult(0);
}

Value LinalgMatmul::applyTensorScales(Value acc) const {
  Value g = a.tensorScale;
  if (bSide.tensorScale)
    g = g ? Value(arith::MulFOp::create(b, loc, g, bSide.tensorScale))
          : bSide.tensorScale;
  if (!g)
    return acc;
  return mapElements(b, loc, acc, b.getF32Type(),
                     [&](OpBuilder &nb2, Location nl, Value v) -> Value {
                       return arith::MulFOp::create(nb2, nl, v, g);
                     });
}

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    LinalgMatmul mm(rewriter, loc, op,
                    prepareMatmulSide(rewriter, loc, op.getLhs().getType(),
                                      adaptor.getLhs()),
                    prepareMatmulSide(rewriter, loc, op.getRhs().getType(),
                                      adaptor.getRhs()));
    Value acc = mm.scaleAndAccumulate(mm.partialSums());
    rewriter.replaceOp(op, mm.applyTensorScales(acc));
    return success();
  }
};

struct HadamardLowering : OpConversionPattern<HadamardOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(HadamardOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    unsigned rank = type.getRank();
    int64_t axis = op.getAxis(), n = op.getSize();
    bool inverse = op.getInverse();
    std::optional<uint64_t> seed;
    if (std::optional<uint64_t> s = op.getSeed())
      seed = *s;
    // The sign vector is a compile-time constant (the seed is an
    // attribute), from the reference generator.
    std::vector<int8_t> signs = mxref::getHadamardSigns(seed, n);
    bool anyNegative = llvm::is_contained(signs, int8_t(-1));
    SmallVector<bool> negative;
    for (int8_t s : signs)
      negative.push_back(s < 0);
    auto signType = RankedTensorType::get({n}, rewriter.getI1Type());
    Value signTensor = arith::ConstantOp::create(
        rewriter, loc, signType, DenseElementsAttr::get(signType, negative));
    float c = *mxref::getHadamardScale(n);
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    Type f32 = rewriter.getF32Type();

    auto elementwise =
        [&](Value in, function_ref<Value(OpBuilder &, Location, Value)> fn) {
          return linalg::GenericOp::create(
                     rewriter, loc, TypeRange{type}, ValueRange{in},
                     ValueRange{
                         createEmpty(rewriter, loc, type.getShape(), f32)},
                     ArrayRef<AffineMap>{id, id}, parallelIterators(rank),
                     [&](OpBuilder &nb, Location nl, ValueRange args) {
                       linalg::YieldOp::create(nb, nl, fn(nb, nl, args[0]));
                     })
              .getResult(0);
        };
    // Sign flips are exact negations (negf, so NaN payloads follow too).
    auto applySigns = [&](OpBuilder &nb, Location nl, Value v) -> Value {
      Value pos = linalg::IndexOp::create(nb, nl, axis);
      Value jj = arith::RemUIOp::create(
          nb, nl, pos, arith::ConstantIndexOp::create(nb, nl, n));
      Value neg = tensor::ExtractOp::create(nb, nl, signTensor, ValueRange{jj});
      return arith::SelectOp::create(nb, nl, neg,
                                     arith::NegFOp::create(nb, nl, v), v);
    };
    auto scale = [&](OpBuilder &nb, Location nl, Value v) -> Value {
      return arith::MulFOp::create(
          nb, nl, v, arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(c)));
    };

    Value t = adaptor.getInput().front();
    if (!inverse && anyNegative)
      t = elementwise(t, applySigns);
    // Butterfly stages h = 1, 2, ..., n/2: position p pairs with p ^ h;
    // (t_j, t_{j+h}) = (t_j + t_{j+h}, t_j - t_{j+h}).
    for (int64_t h = 1; h < n; h *= 2) {
      Value in = t;
      t = linalg::GenericOp::create(
              rewriter, loc, TypeRange{type}, ValueRange{in},
              ValueRange{createEmpty(rewriter, loc, type.getShape(), f32)},
              ArrayRef<AffineMap>{id, id}, parallelIterators(rank),
              [&](OpBuilder &nb, Location nl, ValueRange args) {
                SmallVector<Value> at;
                for (unsigned i = 0; i < rank; ++i)
                  at.push_back(linalg::IndexOp::create(nb, nl, i));
                Value hc = arith::ConstantIndexOp::create(nb, nl, h);
                Value pos = at[axis];
                Value hasBit = arith::CmpIOp::create(
                    nb, nl, arith::CmpIPredicate::ne,
                    arith::AndIOp::create(nb, nl, pos, hc),
                    arith::ConstantIndexOp::create(nb, nl, 0));
                at[axis] = arith::XOrIOp::create(nb, nl, pos, hc);
                Value other = tensor::ExtractOp::create(nb, nl, in, at);
                Value self = args[0];
                Value sum = arith::AddFOp::create(nb, nl, self, other);
                Value diff = arith::SubFOp::create(nb, nl, other, self);
                linalg::YieldOp::create(
                    nb, nl,
                    Value(arith::SelectOp::create(nb, nl, hasBit, diff, sum)));
              })
              .getResult(0);
    }
    t = elementwise(t, [&](OpBuilder &nb, Location nl, Value v) {
      v = scale(nb, nl, v);
      return (inverse && anyNegative) ? applySigns(nb, nl, v) : v;
    });
    rewriter.replaceOp(op, t);
    return success();
  }
};

} // namespace

void lowering::populateComputePatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, HadamardLowering>(converter,
                                                 patterns.getContext());
}
