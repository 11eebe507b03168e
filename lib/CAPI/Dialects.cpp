//===- Dialects.cpp - C API for the MX dialect ----------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx-c/Dialects.h"

#include "mx/Dialect/MX/MXAttributes.h"
#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MX/MXTypes.h"
#include "mx/InitAllDialects.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::mx;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(MX, mx, mlir::mx::MXDialect)

void mlirMXRegisterAllDialects(MlirDialectRegistry registry) {
  mlir::mx::registerAllDialects(*unwrap(registry));
}

/// The context, with MX loaded: creating an attribute of an unloaded dialect
/// is a fatal error, and C callers may have registered nothing.
static MLIRContext *getMXContext(MlirContext ctx) {
  if (mlirContextIsNull(ctx))
    return nullptr;
  MLIRContext *context = unwrap(ctx);
  context->getOrLoadDialect<MXDialect>();
  return context;
}

static InFlightDiagnostic emitCAPIError(MLIRContext *context) {
  return emitError(UnknownLoc::get(context));
}

// Null-safe casts: the accessors accept any (even null) handle.
template <typename T> static T dynCastAttr(MlirAttribute attr) {
  return llvm::dyn_cast_if_present<T>(unwrap(attr));
}
template <typename T> static T dynCastType(MlirType type) {
  return llvm::dyn_cast_if_present<T>(unwrap(type));
}

//===----------------------------------------------------------------------===//
// FormatAttr
//===----------------------------------------------------------------------===//

bool mlirAttributeIsAMXFormat(MlirAttribute attr) {
  return bool(dynCastAttr<FormatAttr>(attr));
}

MlirAttribute mlirMXFormatAttrGetPreset(MlirContext ctx, MlirStringRef name) {
  MLIRContext *context = getMXContext(ctx);
  if (!context)
    return {};
  std::optional<mxref::Format> preset = mxref::lookupPreset(unwrap(name));
  if (!preset) {
    InFlightDiagnostic diag = emitCAPIError(context);
    diag << "unknown format preset '" << unwrap(name) << "' (expected one of ";
    llvm::interleaveComma(mxref::getPresets(), diag,
                          [&](const mxref::Preset &p) { diag << p.name; });
    diag << ")";
    return {};
  }
  return wrap(FormatAttr::get(context, *preset));
}

MlirAttribute mlirMXFormatAttrGet(MlirContext ctx, MlirType elementType,
                                  MlirType scaleType, int64_t blockSize,
                                  bool tensorScale) {
  MLIRContext *context = getMXContext(ctx);
  if (!context)
    return {};
  // The verifier inspects the types, so null ones are rejected first.
  if (mlirTypeIsNull(elementType) || mlirTypeIsNull(scaleType)) {
    emitCAPIError(context) << "format element and scale types must not be null";
    return {};
  }
  return wrap(FormatAttr::getChecked(
      [&] { return emitCAPIError(context); }, context, unwrap(elementType),
      unwrap(scaleType), blockSize, tensorScale));
}

MlirType mlirMXFormatAttrGetElementType(MlirAttribute attr) {
  auto format = dynCastAttr<FormatAttr>(attr);
  return format ? wrap(format.getElementType()) : MlirType{nullptr};
}

MlirType mlirMXFormatAttrGetScaleType(MlirAttribute attr) {
  auto format = dynCastAttr<FormatAttr>(attr);
  return format ? wrap(format.getScaleType()) : MlirType{nullptr};
}

int64_t mlirMXFormatAttrGetBlockSize(MlirAttribute attr) {
  auto format = dynCastAttr<FormatAttr>(attr);
  return format ? format.getBlockSize() : -1;
}

bool mlirMXFormatAttrGetTensorScale(MlirAttribute attr) {
  auto format = dynCastAttr<FormatAttr>(attr);
  return format && format.getTensorScale();
}

/// `name`, or "" where it is empty: never a null pointer, which C callers
/// would pass on to fwrite or memcpy (undefined even for zero bytes).
static MlirStringRef wrapName(StringRef name) {
  return wrap(name.empty() ? StringRef("") : name);
}

MlirStringRef mlirMXFormatAttrGetPresetName(MlirAttribute attr) {
  auto format = dynCastAttr<FormatAttr>(attr);
  return wrapName(format ? format.getPresetName() : StringRef());
}

MlirTypeID mlirMXFormatAttrGetTypeID(void) {
  return wrap(TypeID::get<FormatAttr>());
}

intptr_t mlirMXGetNumFormatPresets(void) { return mxref::getPresets().size(); }

MlirStringRef mlirMXGetFormatPresetName(intptr_t pos) {
  llvm::ArrayRef<mxref::Preset> presets = mxref::getPresets();
  if (pos < 0 || pos >= static_cast<intptr_t>(presets.size()))
    return wrapName(StringRef());
  return wrapName(presets[pos].name);
}

//===----------------------------------------------------------------------===//
// Enum attributes
//===----------------------------------------------------------------------===//

/// The enum attribute `AttrT` for keyword `name`, or null with a diagnostic
/// listing the keywords.
template <typename AttrT, typename EnumT>
static MlirAttribute getEnumAttr(MlirContext ctx, MlirStringRef name,
                                 StringRef what, unsigned maxValue) {
  MLIRContext *context = getMXContext(ctx);
  if (!context)
    return {};
  if (std::optional<EnumT> value = symbolizeEnum<EnumT>(unwrap(name)))
    return wrap(AttrT::get(context, *value));
  InFlightDiagnostic diag = emitCAPIError(context);
  diag << "unknown " << what << " '" << unwrap(name) << "' (expected one of ";
  llvm::interleaveComma(
      llvm::seq_inclusive(0u, maxValue), diag,
      [&](unsigned v) { diag << stringifyEnum(static_cast<EnumT>(v)); });
  diag << ")";
  return {};
}

MlirAttribute mlirMXScaleModeAttrGet(MlirContext ctx, MlirStringRef name) {
  return getEnumAttr<ScaleModeAttr, ScaleMode>(ctx, name, "scale mode",
                                               getMaxEnumValForScaleMode());
}

MlirAttribute mlirMXRoundingAttrGet(MlirContext ctx, MlirStringRef name) {
  return getEnumAttr<RoundingAttr, Rounding>(ctx, name, "rounding",
                                             getMaxEnumValForRounding());
}

MlirAttribute mlirMXScaleLayoutAttrGet(MlirContext ctx, MlirStringRef name) {
  return getEnumAttr<ScaleLayoutAttr, ScaleLayout>(
      ctx, name, "scale layout", getMaxEnumValForScaleLayout());
}

bool mlirAttributeIsAMXScaleMode(MlirAttribute attr) {
  return bool(dynCastAttr<ScaleModeAttr>(attr));
}

bool mlirAttributeIsAMXRounding(MlirAttribute attr) {
  return bool(dynCastAttr<RoundingAttr>(attr));
}

bool mlirAttributeIsAMXScaleLayout(MlirAttribute attr) {
  return bool(dynCastAttr<ScaleLayoutAttr>(attr));
}

MlirStringRef mlirMXScaleModeAttrGetValue(MlirAttribute attr) {
  auto a = dynCastAttr<ScaleModeAttr>(attr);
  return wrap(a ? stringifyScaleMode(a.getValue()) : StringRef());
}

MlirStringRef mlirMXRoundingAttrGetValue(MlirAttribute attr) {
  auto a = dynCastAttr<RoundingAttr>(attr);
  return wrap(a ? stringifyRounding(a.getValue()) : StringRef());
}

MlirStringRef mlirMXScaleLayoutAttrGetValue(MlirAttribute attr) {
  auto a = dynCastAttr<ScaleLayoutAttr>(attr);
  return wrap(a ? stringifyScaleLayout(a.getValue()) : StringRef());
}

//===----------------------------------------------------------------------===//
// PolicyAttr
//===----------------------------------------------------------------------===//

bool mlirAttributeIsAMXPolicy(MlirAttribute attr) {
  return bool(dynCastAttr<PolicyAttr>(attr));
}

/// `attr` as an optional policy field of kind T: null stays null, and an
/// attribute of another kind fails with a diagnostic.
template <typename T>
static FailureOr<T> getPolicyField(MLIRContext *context, MlirAttribute attr,
                                   StringRef field, StringRef expected) {
  if (mlirAttributeIsNull(attr))
    return T();
  if (auto typed = dynCastAttr<T>(attr))
    return typed;
  emitCAPIError(context) << "policy " << field << " must be " << expected
                         << ", got " << unwrap(attr);
  return failure();
}

MlirAttribute mlirMXPolicyAttrGet(MlirContext ctx, MlirAttribute weights,
                                  MlirAttribute activations,
                                  MlirAttribute outputs,
                                  MlirAttribute scaleMode,
                                  MlirAttribute rounding) {
  MLIRContext *context = getMXContext(ctx);
  if (!context)
    return {};
  // Format choices are checked by the policy's verifier (rule A5).
  FailureOr<Attribute> w =
      getPolicyField<Attribute>(context, weights, "weights", "a format");
  if (failed(w))
    return {};
  FailureOr<Attribute> a = getPolicyField<Attribute>(context, activations,
                                                     "activations", "a format");
  if (failed(a))
    return {};
  FailureOr<Attribute> o =
      getPolicyField<Attribute>(context, outputs, "outputs", "a format");
  if (failed(o))
    return {};
  FailureOr<ScaleModeAttr> s = getPolicyField<ScaleModeAttr>(
      context, scaleMode, "scale_mode", "an #mx<scale_mode>");
  if (failed(s))
    return {};
  FailureOr<RoundingAttr> r = getPolicyField<RoundingAttr>(
      context, rounding, "rounding", "an #mx<rounding>");
  if (failed(r))
    return {};
  return wrap(PolicyAttr::getChecked([&] { return emitCAPIError(context); },
                                     context, *w, *a, *o, *s, *r,
                                     /*weight_block=*/ArrayRef<int64_t>(),
                                     /*lhs=*/Attribute(), /*rhs=*/Attribute(),
                                     /*hadamard=*/int64_t(0)));
}

MlirAttribute mlirMXPolicyAttrGetWeights(MlirAttribute attr) {
  auto policy = dynCastAttr<PolicyAttr>(attr);
  return wrap(policy ? Attribute(policy.getWeights()) : Attribute());
}

MlirAttribute mlirMXPolicyAttrGetActivations(MlirAttribute attr) {
  auto policy = dynCastAttr<PolicyAttr>(attr);
  return wrap(policy ? Attribute(policy.getActivations()) : Attribute());
}

MlirAttribute mlirMXPolicyAttrGetOutputs(MlirAttribute attr) {
  auto policy = dynCastAttr<PolicyAttr>(attr);
  return wrap(policy ? Attribute(policy.getOutputs()) : Attribute());
}

MlirAttribute mlirMXPolicyAttrGetScaleMode(MlirAttribute attr) {
  auto policy = dynCastAttr<PolicyAttr>(attr);
  return wrap(policy ? Attribute(policy.getScaleMode()) : Attribute());
}

MlirAttribute mlirMXPolicyAttrGetRounding(MlirAttribute attr) {
  auto policy = dynCastAttr<PolicyAttr>(attr);
  return wrap(policy ? Attribute(policy.getRounding()) : Attribute());
}

MlirTypeID mlirMXPolicyAttrGetTypeID(void) {
  return wrap(TypeID::get<PolicyAttr>());
}

//===----------------------------------------------------------------------===//
// BlockScaledTensorType
//===----------------------------------------------------------------------===//

bool mlirTypeIsAMXBlockScaledTensor(MlirType type) {
  return bool(dynCastType<BlockScaledTensorType>(type));
}

MlirType mlirMXBlockScaledTensorTypeGet(MlirContext ctx, intptr_t rank,
                                        const int64_t *shape,
                                        MlirAttribute format,
                                        intptr_t blockRank,
                                        const int64_t *block) {
  MLIRContext *context = getMXContext(ctx);
  if (!context)
    return {};
  auto emit = [&] { return emitCAPIError(context); };
  if (rank < 0 || blockRank < 0 || (rank > 0 && !shape) ||
      (blockRank > 0 && !block)) {
    emit() << "invalid shape or block array (rank " << rank << ", block rank "
           << blockRank << ")";
    return {};
  }
  auto formatAttr = dynCastAttr<FormatAttr>(format);
  if (!formatAttr) {
    emit() << "block-scaled tensor format must be an #mx.format";
    return {};
  }
  ArrayRef<int64_t> shapeRef(shape, rank);
  SmallVector<int64_t> blockVec(block, block + blockRank);
  // The type stores its block explicitly; 0 means the format's default,
  // exactly as the parser fills it in.
  if (blockRank == 0) {
    blockVec.assign(rank, 1);
    if (rank > 0)
      blockVec.back() = formatAttr.getBlockSize();
  }
  return wrap(BlockScaledTensorType::getChecked(
      emit, context, shapeRef, formatAttr, ArrayRef(blockVec)));
}

intptr_t mlirMXBlockScaledTensorTypeGetRank(MlirType type) {
  auto t = dynCastType<BlockScaledTensorType>(type);
  return t ? t.getRank() : -1;
}

int64_t mlirMXBlockScaledTensorTypeGetDimSize(MlirType type, intptr_t pos) {
  auto t = dynCastType<BlockScaledTensorType>(type);
  if (!t || pos < 0 || pos >= t.getRank())
    return -1;
  return t.getShape()[pos];
}

int64_t mlirMXBlockScaledTensorTypeGetBlockSize(MlirType type, intptr_t pos) {
  auto t = dynCastType<BlockScaledTensorType>(type);
  if (!t || pos < 0 || pos >= t.getRank())
    return -1;
  return t.getBlock()[pos];
}

bool mlirMXBlockScaledTensorTypeHasDefaultBlock(MlirType type) {
  auto t = dynCastType<BlockScaledTensorType>(type);
  return t && t.hasDefaultBlock();
}

int64_t mlirMXBlockScaledTensorTypeGetNumElements(MlirType type) {
  auto t = dynCastType<BlockScaledTensorType>(type);
  return t ? t.getNumElements() : -1;
}

MlirAttribute mlirMXBlockScaledTensorTypeGetFormat(MlirType type) {
  auto t = dynCastType<BlockScaledTensorType>(type);
  return wrap(t ? Attribute(t.getFormat()) : Attribute());
}

MlirType mlirMXBlockScaledTensorTypeGetElementsType(MlirType type) {
  auto t = dynCastType<BlockScaledTensorType>(type);
  return wrap(t ? Type(t.getElementsType()) : Type());
}

MlirType mlirMXBlockScaledTensorTypeGetScalesType(MlirType type,
                                                  MlirAttribute layout) {
  auto t = dynCastType<BlockScaledTensorType>(type);
  if (!t)
    return {};
  ScaleLayout scaleLayout = ScaleLayout::row_major;
  if (!mlirAttributeIsNull(layout)) {
    auto layoutAttr = dynCastAttr<ScaleLayoutAttr>(layout);
    if (!layoutAttr)
      return {};
    scaleLayout = layoutAttr.getValue();
  }
  // getScalesType returns null for the 128x4 layout below rank 2 and for a
  // per-tensor format.
  return wrap(Type(t.getScalesType(scaleLayout)));
}

MlirTypeID mlirMXBlockScaledTensorTypeGetTypeID(void) {
  return wrap(TypeID::get<BlockScaledTensorType>());
}
