//===- Dialects.h - C API for the MX dialect ----------------------*- C -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Registration, attributes and types of the MX dialect. Constructors never
// abort: on invalid input they emit an error diagnostic in the given context
// (at an unknown location) and return a null attribute or type; check with
// mlirAttributeIsNull / mlirTypeIsNull. Accessors return null, -1, false or
// an empty string when given an object of the wrong kind. Constructors load
// the MX dialect into the context if it is not loaded yet.
//
//===----------------------------------------------------------------------===//

#ifndef MX_C_DIALECTS_H
#define MX_C_DIALECTS_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(MX, mx);

/// Inserts the MX dialect and the upstream dialects MX programs and pipelines
/// use (the set mx-opt registers), with their interface extensions.
MLIR_CAPI_EXPORTED void mlirMXRegisterAllDialects(MlirDialectRegistry registry);

//===----------------------------------------------------------------------===//
// FormatAttr (#mx.format)
//===----------------------------------------------------------------------===//

MLIR_CAPI_EXPORTED bool mlirAttributeIsAMXFormat(MlirAttribute attr);

/// The preset `name` (mxfp8_e4m3, mxfp8_e5m2, mxfp6_e2m3, mxfp6_e3m2, mxfp4,
/// mxint8, nvfp4); null with a diagnostic for an unknown name.
MLIR_CAPI_EXPORTED MlirAttribute mlirMXFormatAttrGetPreset(MlirContext ctx,
                                                           MlirStringRef name);

/// A format from its parts; null with a diagnostic when the combination is
/// not in the validity table.
MLIR_CAPI_EXPORTED MlirAttribute mlirMXFormatAttrGet(MlirContext ctx,
                                                     MlirType elementType,
                                                     MlirType scaleType,
                                                     int64_t blockSize,
                                                     bool tensorScale);

MLIR_CAPI_EXPORTED MlirType mlirMXFormatAttrGetElementType(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirType mlirMXFormatAttrGetScaleType(MlirAttribute attr);
MLIR_CAPI_EXPORTED int64_t mlirMXFormatAttrGetBlockSize(MlirAttribute attr);
MLIR_CAPI_EXPORTED bool mlirMXFormatAttrGetTensorScale(MlirAttribute attr);
/// The preset name, or an empty string when the format is not a preset. The
/// string is static.
MLIR_CAPI_EXPORTED MlirStringRef
mlirMXFormatAttrGetPresetName(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirTypeID mlirMXFormatAttrGetTypeID(void);

/// The number of presets, and the name of preset `pos` (empty when out of
/// range). The strings are static; an empty one still has a non-null data
/// pointer.
MLIR_CAPI_EXPORTED intptr_t mlirMXGetNumFormatPresets(void);
MLIR_CAPI_EXPORTED MlirStringRef mlirMXGetFormatPresetName(intptr_t pos);

//===----------------------------------------------------------------------===//
// Enum attributes (#mx<scale_mode ...>, #mx<rounding ...>,
// #mx<scale_layout ...>)
//===----------------------------------------------------------------------===//

/// The enum attribute for keyword `name` (e.g. "rceil", "stochastic",
/// "blackwell_128x4"); null with a diagnostic for an unknown keyword.
MLIR_CAPI_EXPORTED MlirAttribute mlirMXScaleModeAttrGet(MlirContext ctx,
                                                        MlirStringRef name);
MLIR_CAPI_EXPORTED MlirAttribute mlirMXRoundingAttrGet(MlirContext ctx,
                                                       MlirStringRef name);
MLIR_CAPI_EXPORTED MlirAttribute mlirMXScaleLayoutAttrGet(MlirContext ctx,
                                                          MlirStringRef name);

MLIR_CAPI_EXPORTED bool mlirAttributeIsAMXScaleMode(MlirAttribute attr);
MLIR_CAPI_EXPORTED bool mlirAttributeIsAMXRounding(MlirAttribute attr);
MLIR_CAPI_EXPORTED bool mlirAttributeIsAMXScaleLayout(MlirAttribute attr);

/// The keyword of an enum attribute (static string).
MLIR_CAPI_EXPORTED MlirStringRef
mlirMXScaleModeAttrGetValue(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirStringRef mlirMXRoundingAttrGetValue(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirStringRef
mlirMXScaleLayoutAttrGetValue(MlirAttribute attr);

//===----------------------------------------------------------------------===//
// PolicyAttr (#mx.policy)
//===----------------------------------------------------------------------===//

MLIR_CAPI_EXPORTED bool mlirAttributeIsAMXPolicy(MlirAttribute attr);

/// A policy; every field may be null (unset). The formats must be
/// #mx.format attributes, `scaleMode` a scale mode and `rounding` a rounding
/// attribute. Null with a diagnostic otherwise, or when the scale mode is not
/// allowed for one of the formats.
MLIR_CAPI_EXPORTED MlirAttribute mlirMXPolicyAttrGet(
    MlirContext ctx, MlirAttribute weights, MlirAttribute activations,
    MlirAttribute outputs, MlirAttribute scaleMode, MlirAttribute rounding);

/// The fields of a policy; null when unset.
MLIR_CAPI_EXPORTED MlirAttribute mlirMXPolicyAttrGetWeights(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirAttribute
mlirMXPolicyAttrGetActivations(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirAttribute mlirMXPolicyAttrGetOutputs(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirAttribute
mlirMXPolicyAttrGetScaleMode(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirAttribute
mlirMXPolicyAttrGetRounding(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirTypeID mlirMXPolicyAttrGetTypeID(void);

//===----------------------------------------------------------------------===//
// BlockScaledTensorType (!mx.tensor)
//===----------------------------------------------------------------------===//

MLIR_CAPI_EXPORTED bool mlirTypeIsAMXBlockScaledTensor(MlirType type);

/// A block-scaled tensor of shape `shape[0..rank)` in `format`, with block
/// shape `block[0..blockRank)`, or the format's default block (1 x ... x 1 x
/// blockSize) when `blockRank` is 0. Null with a diagnostic when the format
/// is not an #mx.format, a dimension is not static and positive, or the block
/// does not divide the shape.
MLIR_CAPI_EXPORTED MlirType mlirMXBlockScaledTensorTypeGet(
    MlirContext ctx, intptr_t rank, const int64_t *shape, MlirAttribute format,
    intptr_t blockRank, const int64_t *block);

MLIR_CAPI_EXPORTED intptr_t mlirMXBlockScaledTensorTypeGetRank(MlirType type);
/// Size of dimension `pos`; -1 when out of range.
MLIR_CAPI_EXPORTED int64_t mlirMXBlockScaledTensorTypeGetDimSize(MlirType type,
                                                                 intptr_t pos);
/// Block size along dimension `pos`; -1 when out of range.
MLIR_CAPI_EXPORTED int64_t
mlirMXBlockScaledTensorTypeGetBlockSize(MlirType type, intptr_t pos);
MLIR_CAPI_EXPORTED bool
mlirMXBlockScaledTensorTypeHasDefaultBlock(MlirType type);
MLIR_CAPI_EXPORTED int64_t
mlirMXBlockScaledTensorTypeGetNumElements(MlirType type);
MLIR_CAPI_EXPORTED MlirAttribute
mlirMXBlockScaledTensorTypeGetFormat(MlirType type);
/// tensor<shape x elementType>.
MLIR_CAPI_EXPORTED MlirType
mlirMXBlockScaledTensorTypeGetElementsType(MlirType type);
/// The scales tensor in `layout` (a scale layout attribute; null means
/// row_major). Null when the layout is not a scale layout, or is
/// blackwell_128x4 for a tensor of rank < 2, or the format is per-tensor
/// (fp8_e4m3_tensor: no scales).
MLIR_CAPI_EXPORTED MlirType
mlirMXBlockScaledTensorTypeGetScalesType(MlirType type, MlirAttribute layout);
MLIR_CAPI_EXPORTED MlirTypeID mlirMXBlockScaledTensorTypeGetTypeID(void);

#ifdef __cplusplus
}
#endif

#endif // MX_C_DIALECTS_H
