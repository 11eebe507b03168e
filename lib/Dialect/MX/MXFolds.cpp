//===- MXFolds.cpp - MX folders -------------------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Constant folding runs the reference numerics library, so a folded constant
// is bit-exact with what mx-quant and every lowering compute. A block-scaled
// constant folds to ArrayAttr [elements, scales (row-major; absent for a
// per-tensor format), tensor_scale?], which the dialect materializes as an
// mx.constant.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXOps.h"
#include "mx/Numerics/Codec.h"
#include "mx/Numerics/Hadamard.h"
#include "mx/Numerics/Matmul.h"
#include "mx/Numerics/Packing.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::mx;

//===----------------------------------------------------------------------===//
// Codes <-> dense attributes
//===----------------------------------------------------------------------===//

/// One code per element (the bit pattern of a small float, or an i8), in
/// row-major order.
static FailureOr<std::vector<uint8_t>> readCodes(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  Type elemType = dense.getElementType();
  unsigned width = elemType.getIntOrFloatBitWidth();
  if (width > 8 || width == 1)
    return failure();
  // Elements narrower than a byte are stored one per byte.
  ArrayRef<char> raw = dense.getRawData();
  int64_t n = dense.getNumElements();
  std::vector<uint8_t> codes(n);
  uint8_t mask = uint8_t((1u << width) - 1);
  for (int64_t i = 0; i < n; ++i)
    codes[i] = uint8_t(raw[dense.isSplat() ? 0 : i]) & mask;
  return codes;
}

static DenseElementsAttr writeCodes(RankedTensorType type,
                                    ArrayRef<uint8_t> codes) {
  ArrayRef<char> raw(reinterpret_cast<const char *>(codes.data()),
                     codes.size());
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

FailureOr<mxref::QuantizedTensor>
mlir::mx::toReference(BlockScaledTensorType type, Attribute value) {
  // [elements, scales (absent per tensor), tensor_scale (when present)].
  bool hasScales = type.hasBlockScales();
  auto parts = dyn_cast_or_null<ArrayAttr>(value);
  if (!parts || parts.size() !=
                    1u + unsigned(hasScales) + unsigned(type.hasTensorScale()))
    return failure();
  auto elements = dyn_cast<DenseElementsAttr>(parts[0]);
  if (!elements || elements.getType() != type.getElementsType())
    return failure();
  FailureOr<std::vector<uint8_t>> elemCodes = readCodes(elements);
  if (failed(elemCodes))
    return failure();
  mxref::QuantizedTensor q;
  q.format = type.getFormat().getFormat();
  q.shape.assign(type.getShape().begin(), type.getShape().end());
  q.block.assign(type.getBlock().begin(), type.getBlock().end());
  q.elements = std::move(*elemCodes);
  if (hasScales) {
    auto scales = dyn_cast<DenseElementsAttr>(parts[1]);
    if (!scales || scales.getType() != type.getScalesType())
      return failure();
    FailureOr<std::vector<uint8_t>> scaleCodes = readCodes(scales);
    if (failed(scaleCodes))
      return failure();
    q.scales = std::move(*scaleCodes);
  }
  if (type.hasTensorScale()) {
    auto ts = dyn_cast<FloatAttr>(parts.getValue().back());
    if (!ts || !ts.getType().isF32())
      return failure();
    q.tensorDecodeScale = ts.getValue().convertToFloat();
  }
  return q;
}

ArrayAttr mlir::mx::fromReference(BlockScaledTensorType type,
                                  const mxref::QuantizedTensor &q) {
  MLIRContext *ctx = type.getContext();
  SmallVector<Attribute, 3> parts = {
      writeCodes(type.getElementsType(), q.elements)};
  if (type.hasBlockScales())
    parts.push_back(writeCodes(type.getScalesType(), q.scales));
  if (type.hasTensorScale())
    parts.push_back(FloatAttr::get(Float32Type::get(ctx), q.tensorDecodeScale));
  return ArrayAttr::get(ctx, parts);
}

/// The scales of `q` in `layout`, as a dense attribute of `scalesType`.
static DenseElementsAttr scalesInLayout(const mxref::QuantizedTensor &q,
                                        ScaleLayout layout,
                                        RankedTensorType scalesType) {
  if (layout == ScaleLayout::row_major)
    return writeCodes(scalesType, q.scales);
  SmallVector<int64_t, 4> grid = q.getBlockGrid();
  int64_t m = grid[grid.size() - 2], k = grid.back();
  int64_t batches = q.getNumBlocks() / (m * k);
  std::vector<uint8_t> out;
  for (int64_t b = 0; b < batches; ++b) {
    std::vector<uint8_t> atoms = mxref::toBlackwell128x4(
        ArrayRef(q.scales).slice(b * m * k, m * k), m, k);
    out.insert(out.end(), atoms.begin(), atoms.end());
  }
  return writeCodes(scalesType, out);
}

/// Row-major scales from a `layout` scales attribute (padding ignored).
static FailureOr<std::vector<uint8_t>>
scalesFromLayout(Attribute attr, ScaleLayout layout,
                 BlockScaledTensorType type) {
  FailureOr<std::vector<uint8_t>> codes = readCodes(attr);
  if (failed(codes) || layout == ScaleLayout::row_major)
    return codes;
  SmallVector<int64_t> grid = type.getBlockGrid();
  int64_t m = grid[grid.size() - 2], k = grid.back();
  int64_t atomBytes = mxref::getBlackwellScaleSize(m, k);
  int64_t batches = int64_t(codes->size()) / atomBytes;
  std::vector<uint8_t> out;
  for (int64_t b = 0; b < batches; ++b) {
    std::vector<uint8_t> rows = mxref::fromBlackwell128x4(
        ArrayRef(*codes).slice(b * atomBytes, atomBytes), m, k);
    out.insert(out.end(), rows.begin(), rows.end());
  }
  return out;
}

static std::optional<std::vector<float>> readF32(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !dense.getElementType().isF32())
    return std::nullopt;
  auto values = dense.getValues<float>();
  return std::vector<float>(values.begin(), values.end());
}

/// The values of a dense f32, f16 or bf16 constant, widened exactly to f32.
static std::optional<std::vector<float>> readFloats(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !isa<FloatType>(dense.getElementType()))
    return std::nullopt;
  if (dense.getElementType().isF32())
    return readF32(attr);
  std::vector<float> out;
  out.reserve(dense.getNumElements());
  for (APFloat v : dense.getValues<APFloat>()) {
    bool lost;
    v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    out.push_back(v.convertToFloat());
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

/// Reference options of a quantizing op whose operands fold to `tensorScale`
/// and `randomBits`; nullopt when an operand is present but not constant.
static std::optional<mxref::QuantOptions>
getOptions(std::optional<ScaleMode> mode, Rounding rounding, bool hasScale,
           Attribute tensorScale, bool hasBits, Attribute randomBits,
           std::vector<uint8_t> &bitsStorage) {
  mxref::QuantOptions opts;
  if (mode)
    opts.scaleMode = toReference(*mode);
  opts.rounding = toReference(rounding);
  if (hasScale) {
    auto ts = dyn_cast_or_null<FloatAttr>(tensorScale);
    if (!ts)
      return std::nullopt;
    opts.tensorDecodeScale = ts.getValue().convertToFloat();
  }
  if (hasBits) {
    FailureOr<std::vector<uint8_t>> bits = readCodes(randomBits);
    if (failed(bits))
      return std::nullopt;
    bitsStorage = std::move(*bits);
    opts.randomBits = bitsStorage;
  }
  return opts;
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  std::optional<std::vector<float>> values = readF32(adaptor.getInput());
  if (!values)
    return {};
  std::vector<uint8_t> bits;
  std::optional<mxref::QuantOptions> opts =
      getOptions(getScaleMode(), getRounding(), bool(getTensorScale()),
                 adaptor.getTensorScale(), bool(getRandomBits()),
                 adaptor.getRandomBits(), bits);
  if (!opts)
    return {};
  BlockScaledTensorType type = getType();
  llvm::Expected<mxref::QuantizedTensor> q =
      mxref::quantize(*values, type.getShape(), type.getBlock(),
                      type.getFormat().getFormat(), *opts);
  if (!q) { // e.g. a calibrated tensor scale that is not positive
    llvm::consumeError(q.takeError());
    return {};
  }
  return fromReference(type, *q);
}

OpFoldResult ConvertOp::fold(FoldAdaptor adaptor) {
  BlockScaledTensorType type = getType();
  mxref::Format format = type.getFormat().getFormat();
  mxref::ScaleMode mode = toReference(
      getScaleMode().value_or(fromReference(format.defaultScaleMode())));
  // Exact requantization of a canonical producer folds away.
  if (getInput().getType() == type && getRounding() == Rounding::rne &&
      !getTensorScale()) {
    Operation *def = getInput().getDefiningOp();
    std::optional<ScaleMode> producerMode;
    Rounding producerRounding = Rounding::rne;
    BlockScaledTensorType producerType;
    if (auto q = dyn_cast_or_null<QuantizeOp>(def)) {
      producerMode = q.getScaleMode();
      producerRounding = q.getRounding();
      producerType = q.getType();
    } else if (auto c = dyn_cast_or_null<ConvertOp>(def)) {
      producerMode = c.getScaleMode();
      producerRounding = c.getRounding();
      producerType = c.getType();
    }
    if (producerType) {
      mxref::ScaleMode pm = toReference(
          producerMode.value_or(fromReference(format.defaultScaleMode())));
      if (mxref::isRequantizationIdentity(format, pm,
                                          toReference(producerRounding), mode))
        return getInput();
    }
  }
  FailureOr<mxref::QuantizedTensor> in =
      toReference(getInput().getType(), adaptor.getInput());
  if (failed(in))
    return {};
  std::vector<uint8_t> bits;
  std::optional<mxref::QuantOptions> opts =
      getOptions(getScaleMode(), getRounding(), bool(getTensorScale()),
                 adaptor.getTensorScale(), bool(getRandomBits()),
                 adaptor.getRandomBits(), bits);
  if (!opts)
    return {};
  llvm::Expected<mxref::QuantizedTensor> q =
      mxref::convert(*in, type.getBlock(), format, *opts);
  if (!q) {
    llvm::consumeError(q.takeError());
    return {};
  }
  return fromReference(type, *q);
}

OpFoldResult DequantizeOp::fold(FoldAdaptor adaptor) {
  FailureOr<mxref::QuantizedTensor> q =
      toReference(getInput().getType(), adaptor.getInput());
  if (failed(q))
    return {};
  RankedTensorType type = getType();
  if (type.getElementType().isF32())
    return DenseElementsAttr::get(type, ArrayRef(mxref::dequantize(*q)));
  // f16/bf16: round the exact value (a double holds it exactly) to nearest
  // even, once.
  const llvm::fltSemantics &sem =
      cast<FloatType>(type.getElementType()).getFloatSemantics();
  std::vector<APFloat> out;
  out.reserve(q->elements.size());
  for (double v : mxref::dequantizeExact(*q)) {
    APFloat f(v);
    bool lost;
    f.convert(sem, APFloat::rmNearestTiesToEven, &lost);
    out.push_back(f);
  }
  return DenseElementsAttr::get(type, out);
}

//===----------------------------------------------------------------------===//
// Components
//===----------------------------------------------------------------------===//

ArrayAttr ConstantOp::getValueAttr() {
  SmallVector<Attribute, 3> parts = {getElements()};
  if (ElementsAttr scales = getScalesAttr())
    parts.push_back(scales);
  if (FloatAttr ts = getTensorScaleAttr())
    parts.push_back(ts);
  return ArrayAttr::get(getContext(), parts);
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValueAttr(); }

LogicalResult UnpackOp::fold(FoldAdaptor adaptor,
                             SmallVectorImpl<OpFoldResult> &results) {
  if (auto pack = getInput().getDefiningOp<PackOp>()) {
    if (pack.getLayout() != getLayout())
      return failure();
    results.push_back(pack.getElements());
    if (Value scales = pack.getScales())
      results.push_back(scales);
    if (Value ts = pack.getTensorScale())
      results.push_back(ts);
    return success();
  }
  BlockScaledTensorType type = getInput().getType();
  FailureOr<mxref::QuantizedTensor> q = toReference(type, adaptor.getInput());
  if (failed(q))
    return failure();
  auto parts = cast<ArrayAttr>(adaptor.getInput());
  results.push_back(parts[0]);
  if (type.hasBlockScales())
    results.push_back(scalesInLayout(
        *q, getLayout(), cast<RankedTensorType>(getScales().getType())));
  if (type.hasTensorScale())
    results.push_back(parts.getValue().back());
  return success();
}

OpFoldResult PackOp::fold(FoldAdaptor adaptor) {
  // pack(unpack(x)) with the same layout is x.
  if (auto unpack = getElements().getDefiningOp<UnpackOp>()) {
    if (unpack.getInput().getType() == getType() &&
        unpack.getLayout() == getLayout() &&
        getElements() == unpack.getElements() &&
        getScales() == unpack.getScales() &&
        getTensorScale() == unpack.getTensorScale())
      return unpack.getInput();
  }
  if (!adaptor.getElements() || (getScales() && !adaptor.getScales()) ||
      (getTensorScale() && !adaptor.getTensorScale()))
    return {};
  BlockScaledTensorType type = getType();
  if (failed(readCodes(adaptor.getElements())))
    return {};
  // A constant's tensor scale must be finite and positive (rule K4).
  if (getTensorScale()) {
    auto ts = dyn_cast<FloatAttr>(adaptor.getTensorScale());
    if (!ts || !ts.getValue().isFiniteNonZero() || ts.getValue().isNegative())
      return {};
  }
  if (!type.hasBlockScales()) {
    SmallVector<Attribute, 2> parts = {adaptor.getElements()};
    if (getTensorScale())
      parts.push_back(adaptor.getTensorScale());
    return ArrayAttr::get(getContext(), parts);
  }
  FailureOr<std::vector<uint8_t>> scales =
      scalesFromLayout(adaptor.getScales(), getLayout(), type);
  if (failed(scales))
    return {};
  // A constant's UE4M3 scales must have the sign bit clear (rule K6); the
  // runtime decode ignores it, but folding would not preserve the bytes.
  if (type.getFormat().getFormat().scale == mxref::ScaleKind::UE4M3 &&
      llvm::any_of(*scales, [](uint8_t s) { return s & 0x80; }))
    return {};
  SmallVector<Attribute, 3> parts = {adaptor.getElements(),
                                     writeCodes(type.getScalesType(), *scales)};
  if (getTensorScale())
    parts.push_back(adaptor.getTensorScale());
  return ArrayAttr::get(getContext(), parts);
}

//===----------------------------------------------------------------------===//
// Compute
//===----------------------------------------------------------------------===//

namespace {
/// A constant matmul operand in the reference library's terms.
struct ConstOperand {
  std::vector<float> values;
  SmallVector<int64_t> shape;
  std::optional<mxref::QuantizedTensor> quantized;

  mxref::MatmulOperand view() const {
    if (quantized)
      return mxref::MatmulOperand(*quantized);
    return mxref::MatmulOperand(values, shape);
  }
};
} // namespace

static std::optional<ConstOperand> readOperand(Value operand, Attribute attr) {
  ConstOperand op;
  if (auto bs = dyn_cast<BlockScaledTensorType>(operand.getType())) {
    FailureOr<mxref::QuantizedTensor> q = toReference(bs, attr);
    if (failed(q))
      return std::nullopt;
    op.quantized = std::move(*q);
    return op;
  }
  std::optional<std::vector<float>> values = readFloats(attr);
  if (!values)
    return std::nullopt;
  op.values = std::move(*values);
  op.shape.assign(cast<RankedTensorType>(operand.getType()).getShape().begin(),
                  cast<RankedTensorType>(operand.getType()).getShape().end());
  return op;
}

OpFoldResult MatmulOp::fold(FoldAdaptor adaptor) {
  std::optional<ConstOperand> lhs = readOperand(getLhs(), adaptor.getLhs());
  std::optional<ConstOperand> rhs = readOperand(getRhs(), adaptor.getRhs());
  if (!lhs || !rhs)
    return {};
  llvm::Expected<mxref::MatmulResult> r =
      mxref::matmul(lhs->view(), rhs->view());
  if (!r) {
    llvm::consumeError(r.takeError());
    return {};
  }
  return DenseElementsAttr::get(getType(), ArrayRef(r->values));
}

OpFoldResult HadamardOp::fold(FoldAdaptor adaptor) {
  std::optional<std::vector<float>> values = readF32(adaptor.getInput());
  if (!values)
    return {};
  std::optional<uint64_t> seed;
  if (std::optional<int64_t> s = getSeed())
    seed = uint64_t(*s);
  llvm::Expected<std::vector<float>> r = mxref::hadamard(
      *values, getType().getShape(), getAxis(), getSize(), seed, getInverse());
  if (!r) {
    llvm::consumeError(r.takeError());
    return {};
  }
  return DenseElementsAttr::get(getType(), ArrayRef(*r));
}
