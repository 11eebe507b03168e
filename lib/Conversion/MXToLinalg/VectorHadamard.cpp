//===- VectorHadamard.cpp - mx.hadamard to vector loops -------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx.hadamard as scf.for loops over vector.transfer_read/write on tensors,
// bit-exact with the reference (include/mx/Numerics/Hadamard.h): every
// element goes through the reference's f32 operations, with the same
// operands in the same order. The tensor is viewed as [outer, len, inner]
// around the transformed axis, and one group (n elements along the axis) is
// transformed entirely in registers, unrolled at compile time:
//
// * inner > 1 (the axis is not the last dimension): lane l of a vector is
//   the group of inner position c + l, so element j of all lanes' groups is
//   one vector and every butterfly stage is whole-vector adds and subtracts;
//   the last lanes of an inner row that does not fill a vector are masked.
// * inner = 1 (the last axis): the group is n / lanes consecutive vectors;
//   stages with h >= lanes pair whole vectors, stages with h < lanes pair
//   lanes of one vector through a constant shuffle.
//
// The butterfly pairs (t_j, t_{j+h}) into (t_j + t_{j+h}, t_j - t_{j+h});
// sign flips are negations (exact, and they flip NaN signs as the
// reference's unary minus does); the scale is one multiply by c_n.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "Vectorize.h"

#include "mx/Numerics/Hadamard.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;

namespace {

/// The constants of one transform and its arithmetic on a group held as
/// vectors of `lanes` f32.
class GroupTransform {
public:
  GroupTransform(HadamardOp op, int64_t lanes)
      : n(op.getSize()), lanes(lanes), inverse(op.getInverse()),
        signs(mxref::getHadamardSigns(op.getSeed(), op.getSize())),
        scale(*mxref::getHadamardScale(op.getSize())) {}

  /// Transforms one group whose element j is lane `j % perVector` of
  /// vector `j / perVector` (perVector = 1: element j is all of vector j,
  /// one group per lane; perVector = lanes: consecutive elements).
  void apply(OpBuilder &b, Location loc, MutableArrayRef<Value> t,
             int64_t perVector) const {
    if (!inverse)
      applySigns(b, loc, t, perVector);
    for (int64_t h = 1; h < n; h *= 2) {
      if (h >= perVector)
        crossVectorStage(b, loc, t, h / perVector);
      else
        inVectorStage(b, loc, t, h);
    }
    auto type = cast<VectorType>(t[0].getType());
    Value c = arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getF32FloatAttr(scale)));
    for (Value &v : t)
      v = arith::MulFOp::create(b, loc, v, c);
    if (inverse)
      applySigns(b, loc, t, perVector);
  }

private:
  /// Vectors a and a + d pair up where a has bit d clear.
  static void crossVectorStage(OpBuilder &b, Location loc,
                               MutableArrayRef<Value> t, int64_t d) {
    for (int64_t a = 0; a < int64_t(t.size()); ++a) {
      if (a & d)
        continue;
      Value x = t[a], y = t[a + d];
      t[a] = arith::AddFOp::create(b, loc, x, y);
      t[a + d] = arith::SubFOp::create(b, loc, x, y);
    }
  }

  /// Lanes p and p ^ h of each vector pair up: the lane with bit h clear
  /// keeps self + partner, the other partner - self.
  void inVectorStage(OpBuilder &b, Location loc, MutableArrayRef<Value> t,
                     int64_t h) const {
    SmallVector<int64_t> partner;
    SmallVector<bool> high;
    for (int64_t p = 0; p < lanes; ++p) {
      partner.push_back(p ^ h);
      high.push_back(p & h);
    }
    Value isHigh = boolVector(b, loc, high);
    for (Value &v : t) {
      Value other = vector::ShuffleOp::create(b, loc, v, v, partner);
      Value sum = arith::AddFOp::create(b, loc, v, other);
      Value diff = arith::SubFOp::create(b, loc, other, v);
      v = arith::SelectOp::create(b, loc, isHigh, diff, sum);
    }
  }

  void applySigns(OpBuilder &b, Location loc, MutableArrayRef<Value> t,
                  int64_t perVector) const {
    for (auto [i, v] : llvm::enumerate(t)) {
      SmallVector<bool> negative;
      for (int64_t l = 0; l < lanes; ++l)
        negative.push_back(signs[perVector == 1 ? i : i * lanes + l] < 0);
      if (!llvm::is_contained(negative, true))
        continue;
      Value neg = arith::NegFOp::create(b, loc, v);
      v = llvm::is_contained(negative, false)
              ? Value(arith::SelectOp::create(
                    b, loc, boolVector(b, loc, negative), neg, v))
              : neg;
    }
  }

  Value boolVector(OpBuilder &b, Location loc, ArrayRef<bool> values) const {
    auto type = VectorType::get({lanes}, b.getI1Type());
    return arith::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, values));
  }

  int64_t n, lanes;
  bool inverse;
  std::vector<int8_t> signs;
  float scale;
};

/// Reshapes between a tensor and a view whose dimension i is the product of
/// the dimensions in group i of the padded shape [1, shape..., 1] (groups
/// are given by their ends). The unit dimensions at both ends keep every
/// group non-empty: a view dimension before the first or after the last
/// dimension of the tensor is 1.
class GroupedView {
public:
  GroupedView(RankedTensorType type, ArrayRef<int64_t> groupEnds) : type(type) {
    int64_t rank = type.getRank();
    padded.push_back(1);
    llvm::append_range(padded, type.getShape());
    padded.push_back(1);
    for (int64_t i = 0; i < rank; ++i)
      toPadded.push_back({i + 1});
    toPadded.front().insert(toPadded.front().begin(), 0);
    toPadded.back().push_back(rank + 1);
    int64_t begin = 0;
    for (int64_t end : groupEnds) {
      ReassociationIndices group;
      int64_t size = 1;
      for (int64_t p = begin; p < end; ++p) {
        group.push_back(p);
        size *= padded[p];
      }
      toView.push_back(group);
      view.push_back(size);
      begin = end;
    }
  }

  ArrayRef<int64_t> getShape() const { return view; }

  Value toViewOf(OpBuilder &b, Location loc, Value t) const {
    Value p = tensor::ExpandShapeOp::create(b, loc, paddedType(), t, toPadded);
    return tensor::CollapseShapeOp::create(b, loc, p, toView);
  }
  Value fromView(OpBuilder &b, Location loc, Value v) const {
    Value p = tensor::ExpandShapeOp::create(b, loc, paddedType(), v, toView);
    return tensor::CollapseShapeOp::create(b, loc, type, p, toPadded);
  }

private:
  RankedTensorType paddedType() const { return type.clone(padded); }

  RankedTensorType type;
  SmallVector<int64_t> padded, view;
  SmallVector<ReassociationIndices> toPadded, toView;
};

struct VectorHadamardLowering : OpConversionPattern<HadamardOp> {
  VectorHadamardLowering(const TypeConverter &converter, MLIRContext *ctx,
                         int64_t lanes)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), lanes(lanes) {}

  LogicalResult
  matchAndRewrite(HadamardOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    int64_t n = op.getSize(), axis = op.getAxis(), rank = type.getRank();
    if (n < lanes)
      return rewriter.notifyMatchFailure(op, "group smaller than a vector");
    // Padded dims: 0 is the leading unit dim, axis + 1 the transformed one.
    // Along the inner dims: [outer, len, inner]; else [outer, len].
    bool alongInner = axis + 1 < rank;
    SmallVector<int64_t> groupEnds = {axis + 1, axis + 2};
    if (alongInner)
      groupEnds.push_back(rank + 2);
    else
      groupEnds.back() = rank + 2;
    GroupedView view(type, groupEnds);
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value in = view.toViewOf(b, loc, adaptor.getInput().front());
    ArrayRef<int64_t> shape = view.getShape();
    int64_t inner = alongInner ? shape[2] : 1;
    // One group is `count` vectors; vector k starts at element k * stride
    // of the group along the axis.
    int64_t count = alongInner ? n : n / lanes;
    int64_t stride = alongInner ? 1 : lanes;
    bool inBounds = !alongInner || inner % lanes == 0;
    GroupTransform transform(op, lanes);
    VectorType f32v = VectorType::get({lanes}, b.getF32Type());

    Value c0 = indexConst(b, loc, 0), c1 = indexConst(b, loc, 1);
    SmallVector<Value> lbs = {c0, c0}, ubs = {indexConst(b, loc, shape[0]),
                                              indexConst(b, loc, shape[1] / n)};
    SmallVector<Value> steps = {c1, c1};
    if (alongInner) {
      lbs.push_back(c0);
      ubs.push_back(indexConst(b, loc, inner));
      steps.push_back(indexConst(b, loc, lanes));
    }
    Value out = createEmpty(b, loc, shape, b.getF32Type());
    scf::LoopNest nest = scf::buildLoopNest(
        b, loc, lbs, ubs, steps, ValueRange{out},
        [&](OpBuilder &lb, Location, ValueRange ivs,
            ValueRange acc) -> scf::ValueVector {
          Value first = mulIdx(lb, loc, ivs[1], n);
          auto at = [&](int64_t k) {
            SmallVector<Value> idx = {ivs[0],
                                      addIdx(lb, loc, first, k * stride)};
            if (alongInner)
              idx.push_back(ivs[2]);
            return idx;
          };
          SmallVector<Value> t;
          for (int64_t k = 0; k < count; ++k)
            t.push_back(readVector(lb, loc, f32v, in, at(k), inBounds));
          transform.apply(lb, loc, t, alongInner ? 1 : lanes);
          Value result = acc[0];
          for (int64_t k = 0; k < count; ++k)
            result = vector::TransferWriteOp::create(
                         lb, loc, t[k], result, at(k), ArrayRef<bool>{inBounds})
                         .getResult();
          return {result};
        });
    rewriter.replaceOp(op, view.fromView(b, loc, nest.results.front()));
    return success();
  }

private:
  int64_t lanes;
};

} // namespace

void lowering::populateVectorHadamardPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns,
                                              int64_t lanes) {
  patterns.add<VectorHadamardLowering>(converter, patterns.getContext(), lanes);
}
