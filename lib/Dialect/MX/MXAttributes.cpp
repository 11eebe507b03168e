//===- MXAttributes.cpp - MX attributes -----------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXAttributes.h"
#include "mx/Dialect/MX/MXDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::mx;

#include "mx/Dialect/MX/MXEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "mx/Dialect/MX/MXAttributes.cpp.inc"

void MXDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "mx/Dialect/MX/MXAttributes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Kind <-> type mapping
//===----------------------------------------------------------------------===//

std::optional<mxref::ElemKind> mlir::mx::getElemKind(Type type) {
  if (isa<Float4E2M1FNType>(type))
    return mxref::ElemKind::E2M1;
  if (isa<Float6E2M3FNType>(type))
    return mxref::ElemKind::E2M3;
  if (isa<Float6E3M2FNType>(type))
    return mxref::ElemKind::E3M2;
  if (isa<Float8E4M3FNType>(type))
    return mxref::ElemKind::E4M3;
  if (isa<Float8E5M2Type>(type))
    return mxref::ElemKind::E5M2;
  if (type.isSignlessInteger(8))
    return mxref::ElemKind::INT8;
  return std::nullopt;
}

std::optional<mxref::ScaleKind> mlir::mx::getScaleKind(Type type) {
  if (isa<Float8E8M0FNUType>(type))
    return mxref::ScaleKind::E8M0;
  if (isa<Float8E4M3FNType>(type))
    return mxref::ScaleKind::UE4M3;
  return std::nullopt;
}

Type mlir::mx::elemTypeFor(MLIRContext *ctx, mxref::ElemKind kind) {
  switch (kind) {
  case mxref::ElemKind::E2M1:
    return Float4E2M1FNType::get(ctx);
  case mxref::ElemKind::E2M3:
    return Float6E2M3FNType::get(ctx);
  case mxref::ElemKind::E3M2:
    return Float6E3M2FNType::get(ctx);
  case mxref::ElemKind::E4M3:
    return Float8E4M3FNType::get(ctx);
  case mxref::ElemKind::E5M2:
    return Float8E5M2Type::get(ctx);
  case mxref::ElemKind::INT8:
    return IntegerType::get(ctx, 8);
  }
  llvm_unreachable("covered switch");
}

Type mlir::mx::scaleTypeFor(MLIRContext *ctx, mxref::ScaleKind kind) {
  if (kind == mxref::ScaleKind::E8M0)
    return Float8E8M0FNUType::get(ctx);
  return Float8E4M3FNType::get(ctx);
}

// The reference library's enums are the one definition of scale modes,
// roundings and scale layouts; the ODS enums (MXEnums.td) must list the same
// cases with the same values, so converting is a cast. These checks fail the
// build when either side changes alone (the spellings are compared by
// unittests/Dialect/MX/EnumsTest.cpp, as ODS's stringify is not constexpr).
#define MX_SAME_CASE(Dialect, Reference)                                       \
  static_assert(static_cast<unsigned>(Dialect) ==                              \
                    static_cast<unsigned>(Reference),                          \
                #Dialect " and " #Reference " differ")
MX_SAME_CASE(ScaleMode::floor, mxref::ScaleMode::Floor);
MX_SAME_CASE(ScaleMode::rceil, mxref::ScaleMode::RCeil);
MX_SAME_CASE(ScaleMode::ceil, mxref::ScaleMode::Ceil);
MX_SAME_CASE(ScaleMode::even, mxref::ScaleMode::Even);
MX_SAME_CASE(ScaleMode::nvfp4, mxref::ScaleMode::NVFP4);
static_assert(getMaxEnumValForScaleMode() + 1 == mxref::kNumScaleModes,
              "scale modes differ in number");
MX_SAME_CASE(Rounding::rne, mxref::Rounding::RNE);
MX_SAME_CASE(Rounding::stochastic, mxref::Rounding::Stochastic);
static_assert(getMaxEnumValForRounding() + 1 == mxref::kNumRoundings,
              "roundings differ in number");
MX_SAME_CASE(ScaleLayout::row_major, mxref::ScaleLayout::RowMajor);
MX_SAME_CASE(ScaleLayout::blackwell_128x4, mxref::ScaleLayout::Blackwell128x4);
static_assert(getMaxEnumValForScaleLayout() + 1 == mxref::kNumScaleLayouts,
              "scale layouts differ in number");
#undef MX_SAME_CASE

mxref::ScaleMode mlir::mx::toReference(ScaleMode mode) {
  return static_cast<mxref::ScaleMode>(mode);
}
mxref::Rounding mlir::mx::toReference(Rounding rounding) {
  return static_cast<mxref::Rounding>(rounding);
}
mxref::ScaleLayout mlir::mx::toReference(ScaleLayout layout) {
  return static_cast<mxref::ScaleLayout>(layout);
}
ScaleMode mlir::mx::fromReference(mxref::ScaleMode mode) {
  return static_cast<ScaleMode>(mode);
}
Rounding mlir::mx::fromReference(mxref::Rounding rounding) {
  return static_cast<Rounding>(rounding);
}
ScaleLayout mlir::mx::fromReference(mxref::ScaleLayout layout) {
  return static_cast<ScaleLayout>(layout);
}

//===----------------------------------------------------------------------===//
// FormatAttr
//===----------------------------------------------------------------------===//

// Rule F1-F3 (docs/Dialect.md).
LogicalResult FormatAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Type elementType, Type scaleType,
                                 int64_t blockSize, bool tensorScale) {
  std::optional<mxref::ElemKind> elem = getElemKind(elementType);
  if (!elem) // F1
    return emitError() << "element type must be one of f4E2M1FN, f6E2M3FN, "
                          "f6E3M2FN, f8E4M3FN, f8E5M2, i8; got "
                       << elementType;
  std::optional<mxref::ScaleKind> scale = getScaleKind(scaleType);
  if (!scale) // F2
    return emitError() << "scale type must be f8E8M0FNU or f8E4M3FN (read as "
                          "UE4M3); got "
                       << scaleType;
  mxref::Format f{*elem, *scale, tensorScale, blockSize};
  if (std::optional<std::string> err = mxref::checkFormat(f)) // F3
    return emitError() << "invalid format: " << *err;
  return success();
}

FormatAttr FormatAttr::get(MLIRContext *context, const mxref::Format &format) {
  return Base::get(context, elemTypeFor(context, format.elem),
                   scaleTypeFor(context, format.scale), format.defaultBlock,
                   format.tensorScale);
}

mxref::Format FormatAttr::getFormat() const {
  return mxref::Format{*getElemKind(getElementType()),
                       *getScaleKind(getScaleType()), getTensorScale(),
                       getBlockSize()};
}

StringRef FormatAttr::getPresetName() const {
  return mxref::getPresetName(getFormat());
}

FailureOr<FormatAttr> FormatAttr::parseRef(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef name;
  if (succeeded(parser.parseOptionalKeyword(&name))) {
    std::optional<mxref::Format> preset = mxref::lookupPreset(name);
    if (!preset) {
      parser.emitError(loc) << "unknown format preset '" << name
                            << "' (expected one of mxfp8_e4m3, mxfp8_e5m2, "
                               "mxfp6_e2m3, mxfp6_e3m2, mxfp4, mxint8, nvfp4, "
                               "or #mx.format<...>)";
      return failure();
    }
    return FormatAttr::get(parser.getContext(), *preset);
  }
  Attribute attr;
  if (parser.parseAttribute(attr))
    return failure();
  auto format = dyn_cast<FormatAttr>(attr);
  if (!format) {
    parser.emitError(loc) << "expected a format preset or #mx.format<...>";
    return failure();
  }
  return format;
}

void FormatAttr::printRef(AsmPrinter &printer) const {
  StringRef preset = getPresetName();
  if (!preset.empty())
    printer << preset;
  else
    printer.printAttribute(*this);
}

// #mx.format<mxfp4> | #mx.format<elemType, scaleType, block = N
//                                [, tensor_scale]>
Attribute FormatAttr::parse(AsmParser &parser, Type) {
  if (parser.parseLess())
    return {};
  SMLoc loc = parser.getCurrentLocation();
  Type elementType;
  OptionalParseResult hasType = parser.parseOptionalType(elementType);
  if (!hasType.has_value()) {
    StringRef name;
    if (parser.parseKeyword(&name))
      return {};
    std::optional<mxref::Format> preset = mxref::lookupPreset(name);
    if (!preset) {
      parser.emitError(loc) << "unknown format preset '" << name << "'";
      return {};
    }
    if (parser.parseGreater())
      return {};
    return FormatAttr::get(parser.getContext(), *preset);
  }
  if (failed(*hasType))
    return {};
  Type scaleType;
  int64_t block;
  if (parser.parseComma() || parser.parseType(scaleType) ||
      parser.parseComma() || parser.parseKeyword("block") ||
      parser.parseEqual() || parser.parseInteger(block))
    return {};
  bool tensorScale = false;
  if (succeeded(parser.parseOptionalComma())) {
    if (parser.parseKeyword("tensor_scale"))
      return {};
    tensorScale = true;
  }
  if (parser.parseGreater())
    return {};
  return FormatAttr::getChecked([&] { return parser.emitError(loc); },
                                parser.getContext(), elementType, scaleType,
                                block, tensorScale);
}

void FormatAttr::print(AsmPrinter &printer) const {
  printer << "<";
  StringRef preset = getPresetName();
  if (!preset.empty()) {
    printer << preset << ">";
    return;
  }
  printer << getElementType() << ", " << getScaleType()
          << ", block = " << getBlockSize();
  if (getTensorScale())
    printer << ", tensor_scale";
  printer << ">";
}

//===----------------------------------------------------------------------===//
// PolicyAttr
//===----------------------------------------------------------------------===//

FailureOr<Attribute> mlir::mx::parseFormatChoice(AsmParser &parser) {
  MLIRContext *ctx = parser.getContext();
  if (succeeded(parser.parseOptionalKeyword("none")))
    return Attribute(PlainFormatAttr::get(ctx, PlainFormat::none));
  if (succeeded(parser.parseOptionalKeyword("bf16")))
    return Attribute(PlainFormatAttr::get(ctx, PlainFormat::bf16));
  FailureOr<FormatAttr> format = FormatAttr::parseRef(parser);
  if (failed(format))
    return failure();
  return Attribute(*format);
}

void mlir::mx::printFormatChoice(AsmPrinter &printer, Attribute choice) {
  if (auto plain = dyn_cast<PlainFormatAttr>(choice))
    printer << stringifyPlainFormat(plain.getValue());
  else if (auto format = dyn_cast<FormatAttr>(choice))
    format.printRef(printer);
  else
    printer.printAttribute(choice);
}

FailureOr<SmallVector<int64_t>> mlir::mx::parseWeightBlock(AsmParser &parser) {
  SmallVector<int64_t> block;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        return parser.parseInteger(block.emplace_back());
      }))
    return failure();
  return block;
}

void mlir::mx::printWeightBlock(AsmPrinter &printer, ArrayRef<int64_t> block) {
  printer << "[";
  llvm::interleaveComma(block, printer);
  printer << "]";
}

bool mlir::mx::isNoneChoice(Attribute choice) {
  auto plain = dyn_cast_or_null<PlainFormatAttr>(choice);
  return plain && plain.getValue() == PlainFormat::none;
}

bool mlir::mx::isBF16Choice(Attribute choice) {
  auto plain = dyn_cast_or_null<PlainFormatAttr>(choice);
  return plain && plain.getValue() == PlainFormat::bf16;
}

// Rules A3, A5-A7 (docs/Dialect.md, docs/Policies.md).
LogicalResult PolicyAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Attribute weights, Attribute activations,
                                 Attribute outputs, ScaleModeAttr scaleMode,
                                 RoundingAttr rounding,
                                 ArrayRef<int64_t> weightBlock, Attribute lhs,
                                 Attribute rhs, int64_t hadamard) {
  std::pair<StringRef, Attribute> choices[] = {{"weights", weights},
                                               {"activations", activations},
                                               {"outputs", outputs},
                                               {"lhs", lhs},
                                               {"rhs", rhs}};
  // A5: only reachable through builders, as the parser makes these kinds.
  for (auto [name, choice] : choices)
    if (choice && !isa<FormatAttr, PlainFormatAttr>(choice))
      return emitError() << "policy " << name
                         << " must be a format, 'none' or 'bf16'; got "
                         << choice;
  // A6: a block shape of a 2-D [K, N] weight.
  if (!weightBlock.empty() &&
      (weightBlock.size() != 2 ||
       llvm::any_of(weightBlock, [](int64_t s) { return s <= 0; })))
    return emitError() << "policy weight_block must be two positive sizes "
                          "[BK, BN]; got ["
                       << weightBlock << "]";
  // A7: the sizes mx.hadamard implements (0 = no rotation).
  if (hadamard != 0 && !llvm::is_contained({16, 32, 64, 128}, hadamard))
    return emitError() << "policy hadamard must be a power of two among 16, "
                          "32, 64, 128; got "
                       << hadamard;
  // A8: outputs are stored in a block-scaled format; `none` is the default
  // and `bf16` is an operand choice.
  if (outputs && !isa<FormatAttr>(outputs))
    return emitError() << "policy outputs must be a block-scaled format; got '"
                       << stringifyPlainFormat(
                              cast<PlainFormatAttr>(outputs).getValue())
                       << "'";
  // A3: a policy's scale mode applies to its E8M0-scaled formats (UE4M3
  // formats always use NVFP4's rule), so it must be an E8M0 mode that each of
  // them allows.
  if (!scaleMode)
    return success();
  if (scaleMode.getValue() == ScaleMode::nvfp4)
    return emitError() << "a policy's scale_mode applies to E8M0-scaled "
                          "formats; 'nvfp4' is implied for UE4M3 formats";
  for (auto [name, choice] : choices) {
    auto format = dyn_cast_or_null<FormatAttr>(choice);
    if (!format || format.getFormat().scale != mxref::ScaleKind::E8M0)
      continue;
    if (std::optional<std::string> err = mxref::checkScaleMode(
            format.getFormat(), toReference(scaleMode.getValue())))
      return emitError() << "policy " << name << ": " << *err;
  }
  return success();
}

PolicyAttr PolicyAttr::mergedWith(PolicyAttr inner) const {
  if (!inner)
    return *this;
  auto pick = [](auto in, auto out) { return in ? in : out; };
  ArrayRef<int64_t> block = inner.getWeightBlock().empty()
                                ? getWeightBlock()
                                : inner.getWeightBlock();
  return PolicyAttr::get(getContext(), pick(inner.getWeights(), getWeights()),
                         pick(inner.getActivations(), getActivations()),
                         pick(inner.getOutputs(), getOutputs()),
                         pick(inner.getScaleMode(), getScaleMode()),
                         pick(inner.getRounding(), getRounding()), block,
                         pick(inner.getLhs(), getLhs()),
                         pick(inner.getRhs(), getRhs()),
                         pick(inner.getHadamard(), getHadamard()));
}

Attribute PolicyAttr::getOperandChoice(bool isLhs, bool isWeight) const {
  if (Attribute side = isLhs ? getLhs() : getRhs())
    return side;
  return isWeight ? getWeights() : getActivations();
}

PolicyAttr mlir::mx::getEffectivePolicy(Operation *op) {
  SmallVector<PolicyAttr> chain; // innermost first
  for (Operation *cur = op; cur; cur = cur->getParentOp())
    if (auto p = cur->getAttrOfType<PolicyAttr>(MXDialect::getPolicyAttrName()))
      chain.push_back(p);
  PolicyAttr result;
  for (PolicyAttr p : llvm::reverse(chain))
    result = result ? result.mergedWith(p) : p;
  return result;
}

bool mlir::mx::isWeight(Value value) {
  if (Operation *def = value.getDefiningOp())
    return def->hasTrait<OpTrait::ConstantLike>();
  auto arg = cast<BlockArgument>(value);
  auto fn = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
  if (!fn || arg.getOwner() != &fn.getFunctionBody().front())
    return false;
  return bool(
      fn.getArgAttr(arg.getArgNumber(), MXDialect::getWeightAttrName()));
}
