//===- Contraction.cpp - Recognising contractions to quantize -------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Contraction.h"
#include "mx/Dialect/MX/MXAttributes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::mx;

namespace {

/// Fills `whyNot` and fails.
template <typename... Parts>
FailureOr<Contraction> reject(std::string *whyNot, const Parts &...parts) {
  if (whyNot) {
    whyNot->clear();
    llvm::raw_string_ostream os(*whyNot);
    (os << ... << parts);
  }
  return failure();
}

/// The f32 ElementsAttr a constant-like op produces, or null.
ElementsAttr getF32Constant(Operation *op) {
  if (!op || !op->hasTrait<OpTrait::ConstantLike>())
    return {};
  Attribute attr;
  if (!matchPattern(op->getResult(0), m_Constant(&attr)))
    return {};
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements || !elements.getElementType().isF32())
    return {};
  return elements;
}

/// Classifies `value`: a weight when it is a chain of layout ops over a
/// constant or over an `mx.weight` argument.
void classify(ContractionOperand &operand) {
  Value root = operand.value;
  SmallVector<Operation *> chain;
  while (Operation *def = root.getDefiningOp()) {
    Value source;
    if (auto t = dyn_cast<linalg::TransposeOp>(def))
      source = t.getInput();
    else if (auto c = dyn_cast<tensor::CollapseShapeOp>(def))
      source = c.getSrc();
    else if (auto e = dyn_cast<tensor::ExpandShapeOp>(def))
      source = e.getSrc();
    else
      break;
    chain.push_back(def);
    root = source;
  }
  if (getF32Constant(root.getDefiningOp())) {
    operand.role = OperandRole::Weight;
    operand.constant = root.getDefiningOp();
    operand.chain.assign(chain.rbegin(), chain.rend());
    return;
  }
  operand.role = isWeight(root) ? OperandRole::Weight : OperandRole::Activation;
}

/// `values` (row-major, `shape`) rearranged so that result dimension i is
/// source dimension dims[i] (or a unit dimension where dims[i] < 0).
std::vector<float> rearrange(ArrayRef<float> values, ArrayRef<int64_t> shape,
                             ArrayRef<int64_t> dims) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  SmallVector<int64_t> outShape, outStrides;
  for (int64_t d : dims) {
    outShape.push_back(d < 0 ? 1 : shape[d]);
    outStrides.push_back(d < 0 ? 0 : strides[d]);
  }
  std::vector<float> out;
  out.reserve(values.size());
  SmallVector<int64_t> index(dims.size(), 0);
  int64_t offset = 0;
  for (size_t n = 0; n < values.size(); ++n) {
    out.push_back(values[offset]);
    // Odometer step over the result's indices, innermost first.
    for (int64_t i = static_cast<int64_t>(dims.size()) - 1; i >= 0; --i) {
      offset += outStrides[i];
      if (++index[i] < outShape[i])
        break;
      offset -= outStrides[i] * outShape[i];
      index[i] = 0;
    }
  }
  return out;
}

} // namespace

FailureOr<Contraction> mlir::mx::matchContraction(Operation *op,
                                                  std::string *whyNot) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return reject(whyNot, "not a linalg op");
  if (!linalgOp.hasPureTensorSemantics())
    return reject(whyNot, "it works on buffers, not tensors");
  if (linalgOp.getNumDpsInputs() != 2 || linalgOp.getNumDpsInits() != 1)
    return reject(whyNot, "it does not have two inputs and one init");
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<RankedTensorType>(operand.get().getType());
    if (!type)
      return reject(whyNot, "operand ", operand.getOperandNumber(),
                    " is not a ranked tensor");
    if (!type.getElementType().isF32())
      return reject(whyNot, "element type ", type.getElementType(),
                    " is not f32");
    if (!type.hasStaticShape())
      return reject(whyNot, "operand ", operand.getOperandNumber(),
                    " has a dynamic shape");
  }
  if (!linalg::isaContractionOpInterface(linalgOp))
    return reject(whyNot, "it is not a multiply-add contraction");
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(linalgOp);
  if (failed(dims))
    return reject(whyNot, "its contraction dimensions cannot be inferred");
  if (dims->k.size() != 1)
    return reject(whyNot, "it has ", dims->k.size(),
                  " reduction dimensions (one is supported)");
  if (dims->m.size() > 1 || dims->n.size() > 1)
    return reject(whyNot, "it has more than one M or N dimension (e.g. an "
                          "input broadcast along a batch dimension)");
  SmallVector<AffineMap> maps = linalgOp.getIndexingMapsArray();
  for (AffineMap map : maps)
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return reject(whyNot, "an indexing map is not a projected permutation");
  SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();

  Contraction c;
  c.op = op;
  c.batchDims.assign(dims->batch.begin(), dims->batch.end());
  if (!dims->m.empty())
    c.mDim = dims->m.front();
  if (!dims->n.empty())
    c.nDim = dims->n.front();
  c.kDim = dims->k.front();
  for (unsigned d : c.batchDims)
    c.batch.push_back(ranges[d]);
  c.m = c.mDim ? ranges[*c.mDim] : 1;
  c.n = c.nDim ? ranges[*c.nDim] : 1;
  c.k = ranges[c.kDim];

  // View each input as [batch..., M, K] / [batch..., K, N].
  auto view = [&](unsigned index, ContractionOperand &operand,
                  ArrayRef<std::optional<unsigned>> tail) -> LogicalResult {
    operand.value = linalgOp.getDpsInputs()[index];
    AffineMap map = maps[index];
    SmallVector<std::optional<unsigned>> loops(c.batchDims.begin(),
                                               c.batchDims.end());
    loops.append(tail.begin(), tail.end());
    unsigned present = 0;
    for (std::optional<unsigned> loop : loops) {
      int64_t dim = -1;
      if (loop) {
        std::optional<unsigned> pos =
            map.getResultPosition(getAffineDimExpr(*loop, op->getContext()));
        if (!pos)
          return failure();
        dim = *pos;
        ++present;
      }
      operand.dims.push_back(dim);
      operand.shape.push_back(loop ? ranges[*loop] : 1);
    }
    if (present != map.getNumResults())
      return failure();
    classify(operand);
    return success();
  };
  if (failed(view(0, c.lhs, {c.mDim, c.kDim})) ||
      failed(view(1, c.rhs, {c.kDim, c.nDim})))
    return reject(whyNot, "an input is broadcast along a batch dimension");
  return c;
}

FailureOr<std::vector<float>>
mlir::mx::getWeightValues(const ContractionOperand &operand) {
  ElementsAttr attr = getF32Constant(operand.constant);
  if (!attr)
    return failure();
  std::vector<float> values;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    auto range = dense.getValues<float>();
    values.assign(range.begin(), range.end());
  } else if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data || static_cast<int64_t>(data->size()) != attr.getNumElements())
      return failure();
    values.assign(data->begin(), data->end());
  } else {
    auto range = attr.tryGetValues<float>();
    if (!range)
      return failure();
    values.assign(range->begin(), range->end());
  }
  // Replay the layout chain from the constant outwards.
  SmallVector<int64_t> shape(
      cast<ShapedType>(operand.constant->getResult(0).getType()).getShape());
  for (Operation *op : operand.chain) {
    auto resultShape = cast<ShapedType>(op->getResult(0).getType()).getShape();
    if (auto t = dyn_cast<linalg::TransposeOp>(op))
      values = rearrange(values, shape, t.getPermutation());
    shape.assign(resultShape.begin(), resultShape.end());
  }
  return rearrange(values, shape, operand.dims);
}
