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

RankedTensorType mlir::mx::getPackedElementsType(BlockScaledTensorType type) {
  int64_t bytes = mxref::getPackedSize(type.getFormat().getFormat().elem,
                                       type.getNumElements());
  return RankedTensorType::get({bytes}, IntegerType::get(type.getContext(), 8));
}

DenseElementsAttr mlir::mx::packElementCodes(BlockScaledTensorType type,
                                             ArrayRef<uint8_t> codes) {
  return writeCodes(
      getPackedElementsType(type),
      mxref::packElements(type.getFormat().getFormat().elem, codes));
}

std::vector<uint8_t> mlir::mx::getPackedBytes(DenseElementsAttr packed) {
  ArrayRef<char> raw = packed.getRawData();
  if (packed.isSplat())
    return std::vector<uint8_t>(packed.getNumElements(), uint8_t(raw[0]));
  return std::vector<uint8_t>(raw.begin(), raw.end());
}

/// Codes per packing group: the fewest codes that fill whole bytes.
static int64_t getGroupCodes(mxref::ElemKind kind) {
  int64_t bits = mxref::getElemInfo(kind).bits;
  return bits == 4 ? 2 : bits == 6 ? 4 : 1;
}

DenseElementsAttr mlir::mx::getSplatPacked(BlockScaledTensorType type,
                                           uint8_t code) {
  // Whole packing groups repeat one byte pattern; a partial last group is
  // zero padded.
  mxref::ElemKind kind = type.getFormat().getFormat().elem;
  int64_t group = getGroupCodes(kind);
  int64_t n = type.getNumElements();
  std::vector<uint8_t> groupBytes =
      mxref::packElements(kind, std::vector<uint8_t>(group, code));
  RankedTensorType packedType = getPackedElementsType(type);
  if (n % group == 0 && llvm::all_equal(groupBytes))
    return writeCodes(packedType, ArrayRef<uint8_t>(groupBytes[0]));
  std::vector<uint8_t> bytes;
  bytes.reserve(packedType.getNumElements());
  for (int64_t g = 0; g < n / group; ++g)
    bytes.insert(bytes.end(), groupBytes.begin(), groupBytes.end());
  std::vector<uint8_t> tail =
      mxref::packElements(kind, std::vector<uint8_t>(n % group, code));
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  return writeCodes(packedType, bytes);
}

std::optional<uint8_t> mlir::mx::getSplatCode(BlockScaledTensorType type,
                                              DenseElementsAttr packed) {
  if (!packed.isSplat())
    return std::nullopt;
  mxref::ElemKind kind = type.getFormat().getFormat().elem;
  int64_t group = getGroupCodes(kind);
  std::vector<uint8_t> bytes(mxref::getPackedSize(kind, group),
                             uint8_t(packed.getRawData()[0]));
  std::vector<uint8_t> codes = mxref::unpackElements(kind, bytes, group);
  if (!llvm::all_equal(codes))
    return std::nullopt;
  return codes[0];
}

bool mlir::mx::isConstantValue(BlockScaledTensorType type, Attribute value) {
  // [packed elements, scales (absent per tensor), tensor_scale (when
  // present)].
  bool hasScales = type.hasBlockScales();
  auto parts = dyn_cast_or_null<ArrayAttr>(value);
  if (!parts || parts.size() !=
                    1u + unsigned(hasScales) + unsigned(type.hasTensorScale()))
    return false;
  auto packed = dyn_cast<DenseElementsAttr>(parts[0]);
  if (!packed || packed.getType() != getPackedElementsType(type))
    return false;
  if (hasScales) {
    auto scales = dyn_cast<DenseElementsAttr>(parts[1]);
    if (!scales || scales.getType() != type.getScalesType())
      return false;
  }
  if (type.hasTensorScale()) {
    auto ts = dyn_cast<FloatAttr>(parts.getValue().back());
    if (!ts || !ts.getType().isF32())
      return false;
  }
  return true;
}

FailureOr<mxref::QuantizedTensor>
mlir::mx::toReference(BlockScaledTensorType type, Attribute value) {
  if (!isConstantValue(type, value))
    return failure();
  auto parts = cast<ArrayAttr>(value);
  mxref::QuantizedTensor q;
  q.format = type.getFormat().getFormat();
  q.shape.assign(type.getShape().begin(), type.getShape().end());
  q.block.assign(type.getBlock().begin(), type.getBlock().end());
  q.elements = mxref::unpackElements(
      q.format.elem, getPackedBytes(cast<DenseElementsAttr>(parts[0])),
      type.getNumElements());
  if (type.hasBlockScales()) {
    FailureOr<std::vector<uint8_t>> scaleCodes = readCodes(parts[1]);
    if (failed(scaleCodes))
      return failure();
    q.scales = std::move(*scaleCodes);
  }
  if (type.hasTensorScale())
    q.tensorDecodeScale =
        cast<FloatAttr>(parts.getValue().back()).getValue().convertToFloat();
  return q;
}

ArrayAttr mlir::mx::fromReference(BlockScaledTensorType type,
                                  const mxref::QuantizedTensor &q) {
  MLIRContext *ctx = type.getContext();
  SmallVector<Attribute, 3> parts = {packElementCodes(type, q.elements)};
  if (type.hasBlockScales())
    parts.push_back(writeCodes(type.getScalesType(), q.scales));
  if (type.hasTensorScale())
    parts.push_back(FloatAttr::get(Float32Type::get(ctx), q.tensorDecodeScale));
  return ArrayAttr::get(ctx, parts);
}

/// The logical elements (`tensor<shape x elementType>`) of a folded
/// constant of `type`; a splat stays a splat.
static DenseElementsAttr unpackedElements(BlockScaledTensorType type,
                                          DenseElementsAttr packed) {
  if (std::optional<uint8_t> code = getSplatCode(type, packed))
    return writeCodes(type.getElementsType(), ArrayRef<uint8_t>(*code));
  return writeCodes(type.getElementsType(),
                    mxref::unpackElements(type.getFormat().getFormat().elem,
                                          getPackedBytes(packed),
                                          type.getNumElements()));
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

/// The folded constant of `type` whose every element quantizes `value`,
/// built without expanding the tensor: one block (the whole tensor of a
/// per-tensor format shrunk to one element; its amax is the same) is
/// quantized, and since every block of a splat quantizes alike (RNE), its
/// code and scale repeat. Null when the block's codes differ or
/// quantization fails.
static ArrayAttr foldSplat(BlockScaledTensorType type, float value,
                           const mxref::QuantOptions &opts) {
  mxref::Format format = type.getFormat().getFormat();
  SmallVector<int64_t, 4> rep(type.getRank(), 1);
  if (type.hasBlockScales())
    rep.assign(type.getBlock().begin(), type.getBlock().end());
  int64_t repCount = 1;
  for (int64_t d : rep)
    repCount *= d;
  std::vector<float> values(repCount, value);
  llvm::Expected<mxref::QuantizedTensor> q =
      mxref::quantize(values, rep, rep, format, opts);
  if (!q) {
    llvm::consumeError(q.takeError());
    return {};
  }
  if (!llvm::all_equal(q->elements))
    return {};
  DenseElementsAttr packed = getSplatPacked(type, q->elements[0]);
  MLIRContext *ctx = type.getContext();
  SmallVector<Attribute, 3> parts = {packed};
  if (type.hasBlockScales())
    parts.push_back(
        writeCodes(type.getScalesType(), ArrayRef<uint8_t>(q->scales[0])));
  if (type.hasTensorScale())
    parts.push_back(
        FloatAttr::get(Float32Type::get(ctx), q->tensorDecodeScale));
  return ArrayAttr::get(ctx, parts);
}

/// The byte of a splat constant of one-byte elements, or nullopt.
static std::optional<uint8_t> getSplatByte(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat() ||
      dense.getElementType().getIntOrFloatBitWidth() != 8)
    return std::nullopt;
  return uint8_t(dense.getRawData()[0]);
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  BlockScaledTensorType type = getType();
  // A splat folds to a splat (or a repeated byte pattern) without expanding
  // the values (issue: a 20000x20000 splat used to take gigabytes).
  auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (dense && dense.isSplat() && dense.getElementType().isF32()) {
    // (Stochastic rounding takes the general path.)
    if (!getRandomBits()) {
      std::vector<uint8_t> unused;
      std::optional<mxref::QuantOptions> opts =
          getOptions(getScaleMode(), getRounding(), bool(getTensorScale()),
                     adaptor.getTensorScale(), /*hasBits=*/false, {}, unused);
      if (!opts)
        return {};
      if (ArrayAttr folded =
              foldSplat(type, dense.getSplatValue<float>(), *opts))
        return folded;
    }
  }
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
  llvm::Expected<mxref::QuantizedTensor> q =
      mxref::quantize(*values, type.getShape(), type.getBlock(),
                      type.getFormat().getFormat(), *opts);
  if (!q) { // e.g. a calibrated tensor scale that is not positive
    llvm::consumeError(q.takeError());
    return {};
  }
  return fromReference(type, *q);
}

/// A one-element tensor standing for every element of a folded constant of
/// `type` whose codes and scales are splats, or nullopt.
static std::optional<mxref::QuantizedTensor>
getSplatTensor(BlockScaledTensorType type, Attribute value) {
  if (!isConstantValue(type, value))
    return std::nullopt;
  auto parts = cast<ArrayAttr>(value);
  std::optional<uint8_t> code =
      getSplatCode(type, cast<DenseElementsAttr>(parts[0]));
  if (!code)
    return std::nullopt;
  mxref::QuantizedTensor q;
  q.format = type.getFormat().getFormat();
  q.shape.assign(type.getRank(), 1);
  q.block.assign(type.getRank(), 1);
  q.elements = {*code};
  if (type.hasBlockScales()) {
    std::optional<uint8_t> scale = getSplatByte(parts[1]);
    if (!scale)
      return std::nullopt;
    q.scales = {*scale};
  }
  if (type.hasTensorScale())
    q.tensorDecodeScale =
        cast<FloatAttr>(parts.getValue().back()).getValue().convertToFloat();
  return q;
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
    BlockScaledTensorType producerType;
    if (auto q = dyn_cast_or_null<QuantizeOp>(def)) {
      producerMode = q.getScaleMode();
      producerType = q.getType();
    } else if (auto c = dyn_cast_or_null<ConvertOp>(def)) {
      producerMode = c.getScaleMode();
      producerType = c.getType();
    }
    if (producerType) {
      mxref::ScaleMode pm = toReference(
          producerMode.value_or(fromReference(format.defaultScaleMode())));
      if (mxref::isRequantizationIdentity(format, pm, mode))
        return getInput();
    }
  }
  // convert = quantize(dequantize(x)): a splat requantizes as a splat.
  if (std::optional<mxref::QuantizedTensor> one =
          getSplatTensor(getInput().getType(), adaptor.getInput())) {
    if (!getRandomBits()) {
      std::vector<uint8_t> unused;
      std::optional<mxref::QuantOptions> opts =
          getOptions(getScaleMode(), getRounding(), bool(getTensorScale()),
                     adaptor.getTensorScale(), /*hasBits=*/false, {}, unused);
      if (!opts)
        return {};
      // The f32 dequantized value, as mxref::convert computes it.
      if (ArrayAttr folded = foldSplat(type, mxref::dequantize(*one)[0], *opts))
        return folded;
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
  RankedTensorType type = getType();
  const llvm::fltSemantics &sem =
      cast<FloatType>(type.getElementType()).getFloatSemantics();
  // A splat constant dequantizes to a splat: the exact value rounded once.
  if (std::optional<mxref::QuantizedTensor> one =
          getSplatTensor(getInput().getType(), adaptor.getInput())) {
    if (type.getElementType().isF32())
      return DenseElementsAttr::get(type, mxref::dequantize(*one)[0]);
    APFloat f(mxref::dequantizeExact(*one)[0]);
    bool lost;
    f.convert(sem, APFloat::rmNearestTiesToEven, &lost);
    return DenseElementsAttr::get(type, ArrayRef<APFloat>(f));
  }
  FailureOr<mxref::QuantizedTensor> q =
      toReference(getInput().getType(), adaptor.getInput());
  if (failed(q))
    return {};
  if (type.getElementType().isF32())
    return DenseElementsAttr::get(type, ArrayRef(mxref::dequantize(*q)));
  // f16/bf16: round the exact value (a double holds it exactly) to nearest
  // even, once.
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
  SmallVector<Attribute, 3> parts = {getPacked()};
  if (ElementsAttr scales = getScalesAttr())
    parts.push_back(scales);
  if (FloatAttr ts = getTensorScaleAttr())
    parts.push_back(ts);
  return ArrayAttr::get(getContext(), parts);
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValueAttr(); }

std::vector<uint8_t> ConstantOp::getPackedBytes() {
  return mx::getPackedBytes(cast<DenseElementsAttr>(getPacked()));
}

std::vector<uint8_t> ConstantOp::getElementCodes() {
  BlockScaledTensorType type = getType();
  return mxref::unpackElements(type.getFormat().getFormat().elem,
                               getPackedBytes(), type.getNumElements());
}

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
  if (!isConstantValue(type, adaptor.getInput()))
    return failure();
  auto parts = cast<ArrayAttr>(adaptor.getInput());
  results.push_back(unpackedElements(type, cast<DenseElementsAttr>(parts[0])));
  if (type.hasBlockScales()) {
    if (getLayout() == ScaleLayout::row_major) {
      results.push_back(parts[1]);
    } else {
      FailureOr<mxref::QuantizedTensor> q =
          toReference(type, adaptor.getInput());
      if (failed(q))
        return failure();
      results.push_back(scalesInLayout(
          *q, getLayout(), cast<RankedTensorType>(getScales().getType())));
    }
  }
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
  FailureOr<std::vector<uint8_t>> codes = readCodes(adaptor.getElements());
  if (failed(codes))
    return {};
  DenseElementsAttr packed = packElementCodes(type, *codes);
  // A constant's tensor scale must be finite and positive (rule K4).
  if (getTensorScale()) {
    auto ts = dyn_cast<FloatAttr>(adaptor.getTensorScale());
    if (!ts || !ts.getValue().isFiniteNonZero() || ts.getValue().isNegative())
      return {};
  }
  if (!type.hasBlockScales()) {
    SmallVector<Attribute, 2> parts = {packed};
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
  SmallVector<Attribute, 3> parts = {packed,
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
