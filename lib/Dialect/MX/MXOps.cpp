//===- MXOps.cpp - MX operations ------------------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Verifiers and type inference. Each check cites its rule from
// docs/Dialect.md; folders live in MXFolds.cpp.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXOps.h"
#include "mx/Numerics/Packing.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::mx;

#define GET_OP_CLASSES
#include "mx/Dialect/MX/MXOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Quantization options (mx.quantize, mx.convert)
//===----------------------------------------------------------------------===//

// Rules Q1-Q4, shared by quantize (input is an f32 tensor) and convert.
static LogicalResult verifyQuantizing(Operation *op, ArrayRef<int64_t> shape,
                                      BlockScaledTensorType result,
                                      Value tensorScale, Value randomBits,
                                      std::optional<ScaleMode> scaleMode,
                                      Rounding rounding) {
  if (shape != result.getShape()) // Q1
    return op->emitOpError()
           << "result shape [" << result.getShape()
           << "] does not match the input shape [" << shape << "]";
  mxref::Format format = result.getFormat().getFormat();
  if (scaleMode) // Q2
    if (std::optional<std::string> err =
            mxref::checkScaleMode(format, toReference(*scaleMode)))
      return op->emitOpError() << *err;
  bool stochastic = rounding == Rounding::stochastic;
  if (stochastic && !randomBits) // Q3
    return op->emitOpError()
           << "stochastic rounding needs a random_bits operand";
  if (!stochastic && randomBits) // Q3
    return op->emitOpError() << "random_bits given without stochastic rounding";
  if (randomBits &&
      cast<RankedTensorType>(randomBits.getType()).getShape() != shape) // Q3
    return op->emitOpError() << "random_bits must have the input's shape ["
                             << shape << "], one byte per element";
  if (tensorScale && !format.tensorScale) // Q4
    return op->emitOpError()
           << "format " << format.str() << " has no tensor scale";
  return success();
}

LogicalResult QuantizeOp::verify() {
  return verifyQuantizing(*this, getInput().getType().getShape(), getType(),
                          getTensorScale(), getRandomBits(), getScaleMode(),
                          getRounding());
}

LogicalResult ConvertOp::verify() {
  return verifyQuantizing(*this, getInput().getType().getShape(), getType(),
                          getTensorScale(), getRandomBits(), getScaleMode(),
                          getRounding());
}

LogicalResult DequantizeOp::verify() {
  if (getInput().getType().getShape() != getType().getShape()) // D1
    return emitOpError() << "result shape [" << getType().getShape()
                         << "] does not match the input shape ["
                         << getInput().getType().getShape() << "]";
  return success();
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  BlockScaledTensorType type = getType();
  // K5: the components must be dense (their bytes are read by folders and
  // lowerings).
  auto packed = dyn_cast<DenseElementsAttr>(getPacked());
  auto scales = dyn_cast_or_null<DenseElementsAttr>(getScalesAttr());
  if (!packed || (getScalesAttr() && !scales))
    return emitOpError() << "elements and scales must be dense constants";
  mxref::Format format = type.getFormat().getFormat();
  RankedTensorType packedType = getPackedElementsType(type);
  if (packed.getType() != packedType) // K1
    return emitOpError() << "packed elements must have type " << packedType
                         << " (" << type.getNumElements() << " "
                         << mxref::getElemInfo(format.elem).name
                         << " codes packed), got " << packed.getType();
  // K7: the zero bits that pad the last byte are zero, so equal constants
  // have equal bytes.
  int64_t usedBits =
      type.getNumElements() * int64_t(mxref::getElemInfo(format.elem).bits) % 8;
  if (usedBits != 0 && packedType.getNumElements() > 0) {
    ArrayRef<char> raw = packed.getRawData();
    uint8_t last = uint8_t(raw[packed.isSplat() ? 0 : raw.size() - 1]);
    if (last >> usedBits)
      return emitOpError() << "the " << (8 - usedBits)
                           << " padding bits after the last element must be "
                              "zero";
  }
  if (!type.hasBlockScales()) {
    if (scales) // K2
      return emitOpError() << "a per-tensor format has no scales";
  } else if (!scales) { // K2
    return emitOpError() << "scales of type " << type.getScalesType()
                         << " are missing";
  } else if (scales.getType() != type.getScalesType()) { // K2
    return emitOpError() << "scales must have type " << type.getScalesType()
                         << " (row-major over the block grid), got "
                         << scales.getType();
  }
  if (type.hasTensorScale() != bool(getTensorScaleAttr())) // K3
    return emitOpError() << (type.hasTensorScale()
                                 ? "format needs a tensor_scale"
                                 : "format has no tensor scale");
  if (FloatAttr ts = getTensorScaleAttr()) {
    APFloat v = ts.getValue();
    if (!v.isFinite() || v.isNegative() || v.isZero()) // K4
      return emitOpError() << "tensor_scale must be finite and positive";
  }
  if (scales && format.scale == mxref::ScaleKind::UE4M3) {
    // K6: UE4M3 scale bytes are unsigned: the sign bit must be clear.
    for (char s : scales.getRawData())
      if (uint8_t(s) & 0x80)
        return emitOpError() << "UE4M3 scale constants must have the sign "
                                "bit clear";
  }
  return success();
}

// The custom form (MXOps.td): `packed(...)` or the one-code-per-element
// `elements(...)`, which needs the result type to be packed.
ParseResult ConstantOp::parse(OpAsmParser &parser, OperationState &result) {
  SMLoc elementsLoc = parser.getCurrentLocation();
  bool isPacked = succeeded(parser.parseOptionalKeyword("packed"));
  if (!isPacked && parser.parseKeyword("elements", " or 'packed'"))
    return failure();
  Attribute elements;
  if (parser.parseLParen() || parser.parseAttribute(elements) ||
      parser.parseRParen())
    return failure();
  MLIRContext *ctx = parser.getContext();
  if (succeeded(parser.parseOptionalKeyword("scales"))) {
    SMLoc loc = parser.getCurrentLocation();
    Attribute scales;
    if (parser.parseLParen() || parser.parseAttribute(scales) ||
        parser.parseRParen())
      return failure();
    if (!isa<ElementsAttr>(scales))
      return parser.emitError(loc, "scales must be an elements attribute");
    result.addAttribute(getScalesAttrName(result.name), scales);
  }
  if (succeeded(parser.parseOptionalKeyword("tensor_scale"))) {
    Attribute ts;
    if (parser.parseLParen() ||
        parser.parseAttribute(ts, Float32Type::get(ctx)) ||
        parser.parseRParen())
      return failure();
    result.addAttribute(getTensorScaleAttrName(result.name), ts);
  }
  BlockScaledTensorType type;
  if (parser.parseOptionalAttrDict(result.attributes) || parser.parseColon() ||
      parser.parseType(type))
    return failure();
  result.addTypes(type);
  if (isPacked) {
    if (!isa<ElementsAttr>(elements))
      return parser.emitError(elementsLoc,
                              "packed elements must be an elements attribute");
    result.addAttribute(getPackedAttrName(result.name), elements);
    return success();
  }
  // The old form: one code per element, with the type's elements type (K1).
  auto dense = dyn_cast<DenseElementsAttr>(elements);
  if (!dense) // K5
    return parser.emitError(elementsLoc,
                            "elements and scales must be dense constants");
  if (dense.getType() != type.getElementsType()) // K1
    return parser.emitError(elementsLoc, "elements must have type ")
           << type.getElementsType() << ", got " << dense.getType();
  unsigned width = dense.getElementType().getIntOrFloatBitWidth();
  ArrayRef<char> raw = dense.getRawData();
  uint8_t mask = uint8_t((1u << width) - 1);
  if (dense.isSplat()) {
    result.addAttribute(getPackedAttrName(result.name),
                        getSplatPacked(type, uint8_t(raw[0]) & mask));
    return success();
  }
  std::vector<uint8_t> codes(type.getNumElements());
  for (size_t i = 0; i < codes.size(); ++i)
    codes[i] = uint8_t(raw[i]) & mask;
  result.addAttribute(getPackedAttrName(result.name),
                      packElementCodes(type, codes));
  return success();
}

void ConstantOp::print(OpAsmPrinter &p) {
  p << " packed(";
  // Hex shows the bytes as they sit in memory; streamed in pieces so a huge
  // constant is not copied into one string first.
  auto packed = dyn_cast<DenseElementsAttr>(getPacked());
  if (packed && packed.getElementType().isInteger(8)) {
    ArrayRef<char> raw = packed.getRawData();
    p << "dense<\"0x";
    for (size_t i = 0; i < raw.size(); i += 4096)
      p << llvm::toHex(
          StringRef(raw.data() + i, std::min<size_t>(4096, raw.size() - i)));
    p << "\"> : ";
    p.printType(packed.getType());
  } else {
    p.printAttribute(getPacked());
  }
  p << ")";
  if (ElementsAttr scales = getScalesAttr()) {
    p << " scales(";
    p.printAttribute(scales);
    p << ")";
  }
  if (FloatAttr ts = getTensorScaleAttr()) {
    p << " tensor_scale(";
    p.printAttributeWithoutType(ts);
    p << ")";
  }
  p.printOptionalAttrDict(
      (*this)->getAttrs(),
      {getPackedAttrName(), getScalesAttrName(), getTensorScaleAttrName()});
  p << " : ";
  p.printType(getType());
}

//===----------------------------------------------------------------------===//
// UnpackOp / PackOp
//===----------------------------------------------------------------------===//

LogicalResult
UnpackOp::inferComponentTypes(BlockScaledTensorType type, ScaleLayout layout,
                              function_ref<InFlightDiagnostic()> emitError,
                              SmallVectorImpl<Type> &types) {
  // Without `emitError` (builders), fails silently.
  auto fail = [&](StringRef msg) -> LogicalResult {
    if (emitError)
      return emitError() << msg;
    return failure();
  };
  types.push_back(type.getElementsType());
  if (type.hasBlockScales()) {
    RankedTensorType scales = type.getScalesType(layout);
    if (!scales) // U1
      return fail("the blackwell_128x4 scale layout needs a tensor of rank "
                  ">= 2");
    types.push_back(scales);
  } else if (layout != ScaleLayout::row_major) { // U2
    return fail("a per-tensor format has no scales to lay out");
  }
  if (type.hasTensorScale())
    types.push_back(Float32Type::get(type.getContext()));
  return success();
}

/// Sets the result segment sizes of an unpack of `type` (scales absent per
/// tensor, tensor scale when present).
static void setUnpackSegments(UnpackOp::Properties &props,
                              BlockScaledTensorType type) {
  props.resultSegmentSizes = {1, type.hasBlockScales() ? 1 : 0,
                              type.hasTensorScale() ? 1 : 0};
}

void UnpackOp::build(OpBuilder &builder, OperationState &state, Value input,
                     ScaleLayout layout) {
  auto type = cast<BlockScaledTensorType>(input.getType());
  SmallVector<Type> types;
  // An invalid layout is reported by the verifier; build the row-major
  // types then.
  if (failed(inferComponentTypes(type, layout, nullptr, types))) {
    types.clear();
    (void)inferComponentTypes(type, ScaleLayout::row_major, nullptr, types);
  }
  state.addOperands(input);
  state.addTypes(types);
  Properties &props = state.getOrAddProperties<Properties>();
  props.layout = ScaleLayoutAttr::get(builder.getContext(), layout);
  setUnpackSegments(props, type);
}

// $input (`layout` `=` $layout)? attr-dict `:` type($input)
ParseResult UnpackOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::UnresolvedOperand input;
  ScaleLayout layout = ScaleLayout::row_major;
  if (parser.parseOperand(input))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("layout"))) {
    StringRef name;
    SMLoc loc = parser.getCurrentLocation();
    if (parser.parseEqual() || parser.parseKeyword(&name))
      return failure();
    std::optional<ScaleLayout> parsed = symbolizeScaleLayout(name);
    if (!parsed)
      return parser.emitError(loc) << "unknown scale layout '" << name << "'";
    layout = *parsed;
  }
  SMLoc typeLoc;
  Type type;
  if (parser.parseOptionalAttrDict(result.attributes) || parser.parseColon() ||
      parser.getCurrentLocation(&typeLoc) || parser.parseType(type))
    return failure();
  auto bsType = dyn_cast<BlockScaledTensorType>(type);
  if (!bsType)
    return parser.emitError(typeLoc) << "expected a block-scaled tensor type";
  SmallVector<Type> types;
  if (failed(inferComponentTypes(
          bsType, layout, [&] { return parser.emitError(typeLoc); }, types)))
    return failure();
  if (parser.resolveOperand(input, type, result.operands))
    return failure();
  result.addTypes(types);
  Properties &props = result.getOrAddProperties<Properties>();
  props.layout = ScaleLayoutAttr::get(parser.getContext(), layout);
  setUnpackSegments(props, bsType);
  return success();
}

void UnpackOp::print(OpAsmPrinter &p) {
  p << ' ' << getInput();
  if (getLayout() != ScaleLayout::row_major)
    p << " layout = " << stringifyScaleLayout(getLayout());
  p.printOptionalAttrDict((*this)->getAttrs(),
                          {getLayoutAttrName(), "resultSegmentSizes"});
  p << " : " << getInput().getType();
}

LogicalResult UnpackOp::verify() {
  SmallVector<Type> types;
  if (failed(inferComponentTypes(
          getInput().getType(), getLayout(), [&] { return emitOpError(); },
          types)))
    return failure();
  if (TypeRange(getResultTypes()) != TypeRange(types))
    return emitOpError() << "results must be the components of the input";
  return success();
}

LogicalResult PackOp::verify() {
  BlockScaledTensorType type = getType();
  if (getElements().getType() != type.getElementsType()) // P1
    return emitOpError() << "elements must have type " << type.getElementsType()
                         << ", got " << getElements().getType();
  if (!type.hasBlockScales()) {
    if (getLayout() != ScaleLayout::row_major) // U2
      return emitOpError() << "a per-tensor format has no scales to lay out";
    if (getScales()) // P2
      return emitOpError() << "a per-tensor format takes no scales operand";
  } else {
    RankedTensorType scales = type.getScalesType(getLayout());
    if (!scales) // U1
      return emitOpError() << "the blackwell_128x4 scale layout needs a "
                              "tensor of rank >= 2";
    if (!getScales()) // P2
      return emitOpError() << "a scales operand of type " << scales
                           << " is missing";
    if (getScales().getType() != scales) // P2
      return emitOpError() << "scales must have type " << scales
                           << " for layout "
                           << stringifyScaleLayout(getLayout()) << ", got "
                           << getScales().getType();
  }
  if (type.hasTensorScale() != bool(getTensorScale())) // P3
    return emitOpError() << (type.hasTensorScale()
                                 ? "format needs a tensor scale operand"
                                 : "format has no tensor scale");
  return success();
}

// $elements (`,` $scales)? (`,` $tensor_scale)? (`layout` `=` $layout)?
// attr-dict `:` type($elements) (`,` type($scales))? `->` type($result)
ParseResult PackOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<OpAsmParser::UnresolvedOperand, 3> operands;
  if (parser.parseOperandList(operands))
    return failure();
  ScaleLayout layout = ScaleLayout::row_major;
  if (succeeded(parser.parseOptionalKeyword("layout"))) {
    StringRef name;
    SMLoc loc = parser.getCurrentLocation();
    if (parser.parseEqual() || parser.parseKeyword(&name))
      return failure();
    std::optional<ScaleLayout> parsed = symbolizeScaleLayout(name);
    if (!parsed)
      return parser.emitError(loc) << "unknown scale layout '" << name << "'";
    layout = *parsed;
  }
  SmallVector<Type, 2> types;
  Type resultType;
  SMLoc typesLoc;
  if (parser.parseOptionalAttrDict(result.attributes) || parser.parseColon() ||
      parser.getCurrentLocation(&typesLoc) || parser.parseTypeList(types) ||
      parser.parseArrow() || parser.parseType(resultType))
    return failure();
  // One type for the elements and one for the scales when present; a
  // remaining operand is the f32 tensor scale.
  if (types.empty() || types.size() > 2 || operands.size() < types.size() ||
      operands.size() > types.size() + 1)
    return parser.emitError(typesLoc)
           << "expected the elements type and, with a scales operand, the "
              "scales type for "
           << operands.size() << " operands";
  bool hasScale = operands.size() > types.size();
  types.push_back(parser.getBuilder().getF32Type());
  SmallVector<Type, 3> operandTypes(types.begin(), types.end() - !hasScale);
  if (parser.resolveOperands(operands, operandTypes, typesLoc, result.operands))
    return failure();
  result.addTypes(resultType);
  Properties &props = result.getOrAddProperties<Properties>();
  props.layout = ScaleLayoutAttr::get(parser.getContext(), layout);
  props.operandSegmentSizes = {1, types.size() > 2 ? 1 : 0, hasScale ? 1 : 0};
  return success();
}

void PackOp::print(OpAsmPrinter &p) {
  p << ' ' << getElements();
  if (getScales())
    p << ", " << getScales();
  if (getTensorScale())
    p << ", " << getTensorScale();
  if (getLayout() != ScaleLayout::row_major)
    p << " layout = " << stringifyScaleLayout(getLayout());
  p.printOptionalAttrDict((*this)->getAttrs(),
                          {getLayoutAttrName(), "operandSegmentSizes"});
  p << " : " << getElements().getType();
  if (getScales())
    p << ", " << getScales().getType();
  p << " -> " << getType();
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

namespace {
/// Shape and block shape of a matmul operand (block all ones when plain or
/// per-tensor: a per-tensor operand has no block scales and does not split
/// K, docs/Numerics.md §6).
struct OperandInfo {
  ArrayRef<int64_t> shape;
  SmallVector<int64_t> block;
  bool blockScaled;
};
} // namespace

static OperandInfo getOperandInfo(Type type) {
  if (auto bs = dyn_cast<BlockScaledTensorType>(type)) {
    if (!bs.hasBlockScales())
      return {bs.getShape(), SmallVector<int64_t>(bs.getRank(), 1), false};
    return {bs.getShape(), SmallVector<int64_t>(bs.getBlock()), true};
  }
  auto t = cast<RankedTensorType>(type);
  return {t.getShape(), SmallVector<int64_t>(t.getRank(), 1), false};
}

LogicalResult MatmulOp::verify() {
  OperandInfo lhs = getOperandInfo(getLhs().getType());
  OperandInfo rhs = getOperandInfo(getRhs().getType());
  ArrayRef<int64_t> res = getType().getShape();
  size_t rank = lhs.shape.size();
  if (rank < 2 || rhs.shape.size() != rank || res.size() != rank) // M1
    return emitOpError() << "operands and result must have the same rank "
                            ">= 2, got "
                         << rank << ", " << rhs.shape.size() << " and "
                         << res.size();
  size_t b = rank - 2;
  if (lhs.shape.take_front(b) != rhs.shape.take_front(b) ||
      res.take_front(b) != lhs.shape.take_front(b)) // M2
    return emitOpError() << "batch dimensions must match";
  int64_t m = lhs.shape[b], k = lhs.shape[b + 1], n = rhs.shape[b + 1];
  if (rhs.shape[b] != k) // M3
    return emitOpError() << "contraction sizes differ: lhs K = " << k
                         << ", rhs K = " << rhs.shape[b];
  if (res[b] != m || res[b + 1] != n) // M4
    return emitOpError() << "result must be " << m << "x" << n << ", got "
                         << res[b] << "x" << res[b + 1];
  for (auto [name, info] :
       {std::pair<StringRef, OperandInfo *>{"lhs", &lhs}, {"rhs", &rhs}})
    for (size_t i = 0; i < b; ++i)
      if (info->block[i] != 1) // M5
        return emitOpError() << name << " block size along batch dimension "
                             << i << " must be 1, got " << info->block[i];
  int64_t kLhs = lhs.block[b + 1], kRhs = rhs.block[b];
  if (lhs.blockScaled && rhs.blockScaled && kLhs != kRhs) // M6
    return emitOpError() << "block sizes along K must match: lhs " << kLhs
                         << ", rhs " << kRhs;
  return success();
}

//===----------------------------------------------------------------------===//
// HadamardOp
//===----------------------------------------------------------------------===//

LogicalResult HadamardOp::verify() {
  ArrayRef<int64_t> shape = getType().getShape();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= int64_t(shape.size())) // H1
    return emitOpError() << "axis " << axis << " is out of range for rank "
                         << shape.size();
  if (shape[axis] % int64_t(getSize()) != 0) // H2
    return emitOpError() << "size " << getSize()
                         << " does not divide dimension " << axis << " of size "
                         << shape[axis];
  return success();
}
