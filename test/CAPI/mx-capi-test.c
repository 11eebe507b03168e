//===- mx-capi-test.c - Test of the MX C API ------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

// Every line the program prints is checked, in order.
// RUN: mx-capi-test 2>&1 | FileCheck %s --match-full-lines --strict-whitespace

#include "mx-c/Dialects.h"
#include "mx-c/Passes.h"

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void printString(MlirStringRef str, void *userData) {
  (void)userData;
  fwrite(str.data, 1, str.length, stdout);
}

static void printStringRef(MlirStringRef str) { printString(str, NULL); }

static void printAttr(const char *label, MlirAttribute attr) {
  printf("%s: ", label);
  if (mlirAttributeIsNull(attr))
    printf("<null>");
  else
    mlirAttributePrint(attr, printString, NULL);
  printf("\n");
}

static void printType(const char *label, MlirType type) {
  printf("%s: ", label);
  if (mlirTypeIsNull(type))
    printf("<null>");
  else
    mlirTypePrint(type, printString, NULL);
  printf("\n");
}

// Diagnostics go to stdout so that they interleave with the checked output.
static MlirLogicalResult printDiagnostic(MlirDiagnostic diag, void *userData) {
  (void)userData;
  printf("diagnostic: ");
  mlirLocationPrint(mlirDiagnosticGetLocation(diag), printString, NULL);
  printf(": ");
  mlirDiagnosticPrint(diag, printString, NULL);
  printf("\n");
  return mlirLogicalResultSuccess();
}

static MlirType nullType(void) {
  MlirType type = {NULL};
  return type;
}

static MlirStringRef str(const char *s) {
  return mlirStringRefCreateFromCString(s);
}

// CHECK:@registration
static void testRegistration(void) {
  printf("@registration\n");
  // The dialect handle alone registers and loads MX.
  MlirContext ctx = mlirContextCreateWithThreading(false);
  MlirDialectHandle handle = mlirGetDialectHandle__mx__();
  printf("namespace: ");
  printStringRef(mlirDialectHandleGetNamespace(handle));
  printf("\n");
  // CHECK-NEXT:namespace: mx
  mlirDialectHandleRegisterDialect(handle, ctx);
  MlirDialect mx = mlirDialectHandleLoadDialect(handle, ctx);
  printf("loaded: ");
  printStringRef(mlirDialectGetNamespace(mx));
  printf("\n");
  // CHECK-NEXT:loaded: mx
  mlirContextDestroy(ctx);

  // The registry holds MX and the upstream dialects mx-opt registers.
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirMXRegisterAllDialects(registry);
  ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  const char *names[] = {"mx", "arith", "func", "tensor", "linalg", "nvvm"};
  for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); ++i)
    printf("%s: %s\n", names[i],
           mlirDialectIsNull(mlirContextGetOrLoadDialect(ctx, str(names[i])))
               ? "missing"
               : "loaded");
  // CHECK-NEXT:mx: loaded
  // CHECK-NEXT:arith: loaded
  // CHECK-NEXT:func: loaded
  // CHECK-NEXT:tensor: loaded
  // CHECK-NEXT:linalg: loaded
  // CHECK-NEXT:nvvm: loaded
  mlirContextDestroy(ctx);
}

static void printFormat(MlirAttribute format) {
  mlirAttributePrint(format, printString, NULL);
  printf(" elem=");
  mlirTypePrint(mlirMXFormatAttrGetElementType(format), printString, NULL);
  printf(" scale=");
  mlirTypePrint(mlirMXFormatAttrGetScaleType(format), printString, NULL);
  printf(" block=%lld tensor_scale=%d preset='",
         (long long)mlirMXFormatAttrGetBlockSize(format),
         (int)mlirMXFormatAttrGetTensorScale(format));
  printStringRef(mlirMXFormatAttrGetPresetName(format));
  printf("'\n");
}

// CHECK-NEXT:@formats
static void testFormats(MlirContext ctx) {
  printf("@formats\n");
  intptr_t n = mlirMXGetNumFormatPresets();
  for (intptr_t i = 0; i < n; ++i) {
    MlirAttribute preset =
        mlirMXFormatAttrGetPreset(ctx, mlirMXGetFormatPresetName(i));
    printFormat(preset);
  }
  // CHECK-NEXT:#mx.format<mxfp8_e4m3> elem=f8E4M3FN scale=f8E8M0FNU block=32 tensor_scale=0 preset='mxfp8_e4m3'
  // CHECK-NEXT:#mx.format<mxfp8_e5m2> elem=f8E5M2 scale=f8E8M0FNU block=32 tensor_scale=0 preset='mxfp8_e5m2'
  // CHECK-NEXT:#mx.format<mxfp6_e2m3> elem=f6E2M3FN scale=f8E8M0FNU block=32 tensor_scale=0 preset='mxfp6_e2m3'
  // CHECK-NEXT:#mx.format<mxfp6_e3m2> elem=f6E3M2FN scale=f8E8M0FNU block=32 tensor_scale=0 preset='mxfp6_e3m2'
  // CHECK-NEXT:#mx.format<mxfp4> elem=f4E2M1FN scale=f8E8M0FNU block=32 tensor_scale=0 preset='mxfp4'
  // CHECK-NEXT:#mx.format<mxint8> elem=i8 scale=f8E8M0FNU block=32 tensor_scale=0 preset='mxint8'
  // CHECK-NEXT:#mx.format<nvfp4> elem=f4E2M1FN scale=f8E4M3FN block=16 tensor_scale=1 preset='nvfp4'
  // CHECK-NEXT:#mx.format<fp8_e4m3_tensor> elem=f8E4M3FN scale=none block=0 tensor_scale=1 preset='fp8_e4m3_tensor'
  // CHECK-NEXT:#mx.format<mxfp4_b16> elem=f4E2M1FN scale=f8E8M0FNU block=16 tensor_scale=0 preset='mxfp4_b16'
  // Empty, with a non-null pointer: printString hands it to fwrite, where
  // NULL is undefined even for zero bytes (UBSan, utils/sanitize.sh).
  MlirStringRef pastEnd = mlirMXGetFormatPresetName(n);
  printf("past the end: '");
  printStringRef(pastEnd);
  printf("' data=%s\n", pastEnd.data ? "non-null" : "null");
  // CHECK-NEXT:past the end: '' data=non-null

  MlirType e8m0 = mlirFloat8E8M0FNUTypeGet(ctx);
  MlirType e4m3 = mlirFloat8E4M3FNTypeGet(ctx);
  MlirType e2m1 = mlirFloat4E2M1FNTypeGet(ctx);
  MlirAttribute custom = mlirMXFormatAttrGet(ctx, e4m3, e8m0, 64, false);
  printFormat(custom);
  // CHECK-NEXT:#mx.format<f8E4M3FN, f8E8M0FNU, block = 64> elem=f8E4M3FN scale=f8E8M0FNU block=64 tensor_scale=0 preset=''
  // Spelled out, a preset is the preset.
  MlirAttribute spelled = mlirMXFormatAttrGet(ctx, e2m1, e4m3, 16, true);
  printFormat(spelled);
  // CHECK-NEXT:#mx.format<nvfp4> elem=f4E2M1FN scale=f8E4M3FN block=16 tensor_scale=1 preset='nvfp4'
  printf("spelled == nvfp4: %d\n",
         (int)mlirAttributeEqual(spelled,
                                 mlirMXFormatAttrGetPreset(ctx, str("nvfp4"))));
  // CHECK-NEXT:spelled == nvfp4: 1
  printf("isa: %d %d %d\n", (int)mlirAttributeIsAMXFormat(custom),
         (int)mlirAttributeIsAMXFormat(mlirUnitAttrGet(ctx)),
         (int)mlirAttributeIsAMXFormat(mlirAttributeGetNull()));
  // CHECK-NEXT:isa: 1 0 0

  // Invalid formats: null and a diagnostic, never a crash.
  printAttr("unknown preset", mlirMXFormatAttrGetPreset(ctx, str("mxfp3")));
  // CHECK-NEXT:diagnostic: loc(unknown): unknown format preset 'mxfp3' (expected one of mxfp8_e4m3, mxfp8_e5m2, mxfp6_e2m3, mxfp6_e3m2, mxfp4, mxint8, nvfp4, fp8_e4m3_tensor, mxfp4_b16)
  // CHECK-NEXT:unknown preset: <null>
  printAttr("f32 elements",
            mlirMXFormatAttrGet(ctx, mlirF32TypeGet(ctx), e8m0, 32, false));
  // CHECK-NEXT:diagnostic: loc(unknown): element type must be one of f4E2M1FN, f6E2M3FN, f6E3M2FN, f8E4M3FN, f8E5M2, i8; got 'f32'
  // CHECK-NEXT:f32 elements: <null>
  printAttr("f16 scales",
            mlirMXFormatAttrGet(ctx, e2m1, mlirF16TypeGet(ctx), 32, false));
  // CHECK-NEXT:diagnostic: loc(unknown): scale type must be f8E8M0FNU, f8E4M3FN (read as UE4M3) or none (per-tensor); got 'f16'
  // CHECK-NEXT:f16 scales: <null>
  printAttr("block 0", mlirMXFormatAttrGet(ctx, e2m1, e8m0, 0, false));
  // CHECK-NEXT:diagnostic: loc(unknown): invalid format: block size must be positive, got 0
  // CHECK-NEXT:block 0: <null>
  printAttr("e8m0 + tensor scale",
            mlirMXFormatAttrGet(ctx, e2m1, e8m0, 32, true));
  // CHECK-NEXT:diagnostic: loc(unknown): invalid format: an E8M0 block scale takes no tensor scale (tensor scales are defined for UE4M3 block scales and per-tensor formats only)
  // CHECK-NEXT:e8m0 + tensor scale: <null>
  printAttr("ue4m3 without tensor scale",
            mlirMXFormatAttrGet(ctx, e2m1, e4m3, 16, false));
  // CHECK-NEXT:diagnostic: loc(unknown): invalid format: UE4M3 block scales need an FP32 tensor scale (NVFP4's two-level rule)
  // CHECK-NEXT:ue4m3 without tensor scale: <null>
  printAttr("e4m3 + ue4m3", mlirMXFormatAttrGet(ctx, e4m3, e4m3, 16, true));
  // CHECK-NEXT:diagnostic: loc(unknown): invalid format: element kind e4m3 cannot take UE4M3 block scales (only e2m1, as NVFP4)
  // CHECK-NEXT:e4m3 + ue4m3: <null>
  printAttr("null type", mlirMXFormatAttrGet(ctx, nullType(), e8m0, 32, false));
  // CHECK-NEXT:diagnostic: loc(unknown): format element and scale types must not be null
  // CHECK-NEXT:null type: <null>

  // Accessors on another kind of attribute.
  MlirAttribute unit = mlirUnitAttrGet(ctx);
  printf("wrong kind: %d %d %lld %d '",
         (int)mlirTypeIsNull(mlirMXFormatAttrGetElementType(unit)),
         (int)mlirTypeIsNull(mlirMXFormatAttrGetScaleType(unit)),
         (long long)mlirMXFormatAttrGetBlockSize(unit),
         (int)mlirMXFormatAttrGetTensorScale(unit));
  printStringRef(mlirMXFormatAttrGetPresetName(unit));
  printf("'\n");
  // CHECK-NEXT:wrong kind: 1 1 -1 0 ''
}

static void printEnum(MlirAttribute attr, MlirStringRef value) {
  mlirAttributePrint(attr, printString, NULL);
  printf(" value=");
  printStringRef(value);
  printf("\n");
}

// CHECK-NEXT:@enums
static void testEnums(MlirContext ctx) {
  printf("@enums\n");
  MlirAttribute mode = mlirMXScaleModeAttrGet(ctx, str("rceil"));
  printEnum(mode, mlirMXScaleModeAttrGetValue(mode));
  // CHECK-NEXT:#mx<scale_mode rceil> value=rceil
  MlirAttribute rounding = mlirMXRoundingAttrGet(ctx, str("stochastic"));
  printEnum(rounding, mlirMXRoundingAttrGetValue(rounding));
  // CHECK-NEXT:#mx<rounding stochastic> value=stochastic
  MlirAttribute layout = mlirMXScaleLayoutAttrGet(ctx, str("blackwell_128x4"));
  printEnum(layout, mlirMXScaleLayoutAttrGetValue(layout));
  // CHECK-NEXT:#mx<scale_layout blackwell_128x4> value=blackwell_128x4
  printf("isa: %d %d %d %d %d %d\n", (int)mlirAttributeIsAMXScaleMode(mode),
         (int)mlirAttributeIsAMXScaleMode(rounding),
         (int)mlirAttributeIsAMXRounding(rounding),
         (int)mlirAttributeIsAMXRounding(layout),
         (int)mlirAttributeIsAMXScaleLayout(layout),
         (int)mlirAttributeIsAMXScaleLayout(mlirAttributeGetNull()));
  // CHECK-NEXT:isa: 1 0 1 0 1 0
  printf("wrong kind: '");
  printStringRef(mlirMXScaleModeAttrGetValue(rounding));
  printf("'\n");
  // CHECK-NEXT:wrong kind: ''

  printAttr("scale mode", mlirMXScaleModeAttrGet(ctx, str("round")));
  // CHECK-NEXT:diagnostic: loc(unknown): unknown scale mode 'round' (expected one of floor, rceil, ceil, even, nvfp4, tensor)
  // CHECK-NEXT:scale mode: <null>
  printAttr("rounding", mlirMXRoundingAttrGet(ctx, str("RNE")));
  // CHECK-NEXT:diagnostic: loc(unknown): unknown rounding 'RNE' (expected one of rne, stochastic)
  // CHECK-NEXT:rounding: <null>
  printAttr("layout", mlirMXScaleLayoutAttrGet(ctx, str("")));
  // CHECK-NEXT:diagnostic: loc(unknown): unknown scale layout '' (expected one of row_major, blackwell_128x4)
  // CHECK-NEXT:layout: <null>
}

// CHECK-NEXT:@policies
static void testPolicies(MlirContext ctx) {
  printf("@policies\n");
  MlirAttribute null = mlirAttributeGetNull();
  MlirAttribute mxfp4 = mlirMXFormatAttrGetPreset(ctx, str("mxfp4"));
  MlirAttribute mxfp8 = mlirMXFormatAttrGetPreset(ctx, str("mxfp8_e4m3"));
  MlirAttribute mxint8 = mlirMXFormatAttrGetPreset(ctx, str("mxint8"));
  MlirAttribute nvfp4 = mlirMXFormatAttrGetPreset(ctx, str("nvfp4"));
  MlirAttribute rceil = mlirMXScaleModeAttrGet(ctx, str("rceil"));
  MlirAttribute even = mlirMXScaleModeAttrGet(ctx, str("even"));
  MlirAttribute stochastic = mlirMXRoundingAttrGet(ctx, str("stochastic"));

  MlirAttribute partial =
      mlirMXPolicyAttrGet(ctx, mxfp4, mxfp8, null, null, null);
  printAttr("partial", partial);
  // CHECK-NEXT:partial: #mx.policy<weights = mxfp4, activations = mxfp8_e4m3>
  printAttr("  weights", mlirMXPolicyAttrGetWeights(partial));
  printAttr("  activations", mlirMXPolicyAttrGetActivations(partial));
  printAttr("  outputs", mlirMXPolicyAttrGetOutputs(partial));
  printAttr("  scale_mode", mlirMXPolicyAttrGetScaleMode(partial));
  printAttr("  rounding", mlirMXPolicyAttrGetRounding(partial));
  // CHECK-NEXT:  weights: #mx.format<mxfp4>
  // CHECK-NEXT:  activations: #mx.format<mxfp8_e4m3>
  // CHECK-NEXT:  outputs: <null>
  // CHECK-NEXT:  scale_mode: <null>
  // CHECK-NEXT:  rounding: <null>
  MlirAttribute full =
      mlirMXPolicyAttrGet(ctx, nvfp4, mxfp8, mxfp4, rceil, stochastic);
  printAttr("full", full);
  // CHECK-NEXT:full: #mx.policy<weights = nvfp4, activations = mxfp8_e4m3, outputs = mxfp4, scale_mode = rceil, rounding = stochastic>
  printAttr("  scale_mode", mlirMXPolicyAttrGetScaleMode(full));
  printAttr("  rounding", mlirMXPolicyAttrGetRounding(full));
  // CHECK-NEXT:  scale_mode: #mx<scale_mode rceil>
  // CHECK-NEXT:  rounding: #mx<rounding stochastic>
  printAttr("empty", mlirMXPolicyAttrGet(ctx, null, null, null, null, null));
  // CHECK-NEXT:empty: #mx.policy<>
  printf("isa: %d %d %d\n", (int)mlirAttributeIsAMXPolicy(full),
         (int)mlirAttributeIsAMXPolicy(mxfp4),
         (int)mlirAttributeIsAMXPolicy(null));
  // CHECK-NEXT:isa: 1 0 0
  printAttr("wrong kind", mlirMXPolicyAttrGetWeights(mxfp4));
  // CHECK-NEXT:wrong kind: <null>

  printAttr("nvfp4 mode", mlirMXPolicyAttrGet(
                              ctx, mxfp4, null, null,
                              mlirMXScaleModeAttrGet(ctx, str("nvfp4")), null));
  // CHECK-NEXT:diagnostic: loc(unknown): a policy's scale_mode applies to E8M0-scaled formats; 'nvfp4' is implied for UE4M3 formats
  // CHECK-NEXT:nvfp4 mode: <null>
  printAttr("even for mxint8",
            mlirMXPolicyAttrGet(ctx, null, mxfp4, mxint8, even, null));
  // CHECK-NEXT:diagnostic: loc(unknown): policy outputs: scale mode 'even' is not valid for mxint8 (allowed: floor, rceil, ceil)
  // CHECK-NEXT:even for mxint8: <null>
  printAttr("unit weights", mlirMXPolicyAttrGet(ctx, mlirUnitAttrGet(ctx), null,
                                                null, null, null));
  // Rule A5.
  // CHECK-NEXT:diagnostic: loc(unknown): policy weights must be a format, 'none' or 'bf16'; got unit
  // CHECK-NEXT:unit weights: <null>
  printAttr("swapped enums",
            mlirMXPolicyAttrGet(ctx, null, null, null, stochastic, rceil));
  // CHECK-NEXT:diagnostic: loc(unknown): policy scale_mode must be an #mx<scale_mode>, got #mx<rounding stochastic>
  // CHECK-NEXT:swapped enums: <null>
}

static void printTensorType(MlirType type) {
  mlirTypePrint(type, printString, NULL);
  intptr_t rank = mlirMXBlockScaledTensorTypeGetRank(type);
  printf(" rank=%lld shape=[", (long long)rank);
  for (intptr_t i = 0; i < rank; ++i)
    printf("%s%lld", i ? ", " : "",
           (long long)mlirMXBlockScaledTensorTypeGetDimSize(type, i));
  printf("] block=[");
  for (intptr_t i = 0; i < rank; ++i)
    printf("%s%lld", i ? ", " : "",
           (long long)mlirMXBlockScaledTensorTypeGetBlockSize(type, i));
  printf("] default=%d n=%lld\n",
         (int)mlirMXBlockScaledTensorTypeHasDefaultBlock(type),
         (long long)mlirMXBlockScaledTensorTypeGetNumElements(type));
  printAttr("  format", mlirMXBlockScaledTensorTypeGetFormat(type));
  printType("  elements", mlirMXBlockScaledTensorTypeGetElementsType(type));
  printType("  scales", mlirMXBlockScaledTensorTypeGetScalesType(
                            type, mlirAttributeGetNull()));
}

// CHECK-NEXT:@types
static void testTypes(MlirContext ctx) {
  printf("@types\n");
  MlirAttribute mxfp4 = mlirMXFormatAttrGetPreset(ctx, str("mxfp4"));
  MlirAttribute nvfp4 = mlirMXFormatAttrGetPreset(ctx, str("nvfp4"));
  MlirAttribute custom =
      mlirMXFormatAttrGet(ctx, mlirFloat8E4M3FNTypeGet(ctx),
                          mlirFloat8E8M0FNUTypeGet(ctx), 64, false);

  int64_t shape4x64[] = {4, 64};
  MlirType t =
      mlirMXBlockScaledTensorTypeGet(ctx, 2, shape4x64, mxfp4, 0, NULL);
  printTensorType(t);
  // CHECK-NEXT:!mx.tensor<4x64xmxfp4> rank=2 shape=[4, 64] block=[1, 32] default=1 n=256
  // CHECK-NEXT:  format: #mx.format<mxfp4>
  // CHECK-NEXT:  elements: tensor<4x64xf4E2M1FN>
  // CHECK-NEXT:  scales: tensor<4x2xf8E8M0FNU>
  // The default block, given explicitly, is the same type.
  int64_t block1x32[] = {1, 32};
  printf("explicit default == default: %d\n",
         (int)mlirTypeEqual(t, mlirMXBlockScaledTensorTypeGet(
                                   ctx, 2, shape4x64, mxfp4, 2, block1x32)));
  // CHECK-NEXT:explicit default == default: 1

  int64_t shape64x32[] = {64, 32};
  int64_t block32x1[] = {32, 1};
  printTensorType(
      mlirMXBlockScaledTensorTypeGet(ctx, 2, shape64x32, mxfp4, 2, block32x1));
  // CHECK-NEXT:!mx.tensor<64x32xmxfp4, block = [32, 1]> rank=2 shape=[64, 32] block=[32, 1] default=0 n=2048
  // CHECK-NEXT:  format: #mx.format<mxfp4>
  // CHECK-NEXT:  elements: tensor<64x32xf4E2M1FN>
  // CHECK-NEXT:  scales: tensor<2x32xf8E8M0FNU>

  int64_t shape2x32x32[] = {2, 32, 32};
  int64_t block1x16x16[] = {1, 16, 16};
  MlirType tiles = mlirMXBlockScaledTensorTypeGet(ctx, 3, shape2x32x32, nvfp4,
                                                  3, block1x16x16);
  printTensorType(tiles);
  // CHECK-NEXT:!mx.tensor<2x32x32xnvfp4, block = [1, 16, 16]> rank=3 shape=[2, 32, 32] block=[1, 16, 16] default=0 n=2048
  // CHECK-NEXT:  format: #mx.format<nvfp4>
  // CHECK-NEXT:  elements: tensor<2x32x32xf4E2M1FN>
  // CHECK-NEXT:  scales: tensor<2x2x2xf8E4M3FN>

  int64_t shape8x64[] = {8, 64};
  printTensorType(
      mlirMXBlockScaledTensorTypeGet(ctx, 2, shape8x64, custom, 0, NULL));
  // CHECK-NEXT:!mx.tensor<8x64x#mx.format<f8E4M3FN, f8E8M0FNU, block = 64>> rank=2 shape=[8, 64] block=[1, 64] default=1 n=512
  // CHECK-NEXT:  format: #mx.format<f8E4M3FN, f8E8M0FNU, block = 64>
  // CHECK-NEXT:  elements: tensor<8x64xf8E4M3FN>
  // CHECK-NEXT:  scales: tensor<8x1xf8E8M0FNU>

  // Scale layouts: row-major explicitly, and the Blackwell 128x4 atoms.
  MlirAttribute rowMajor = mlirMXScaleLayoutAttrGet(ctx, str("row_major"));
  MlirAttribute atoms = mlirMXScaleLayoutAttrGet(ctx, str("blackwell_128x4"));
  int64_t shape256x64[] = {256, 64};
  MlirType big =
      mlirMXBlockScaledTensorTypeGet(ctx, 2, shape256x64, mxfp4, 0, NULL);
  printType("row_major",
            mlirMXBlockScaledTensorTypeGetScalesType(big, rowMajor));
  printType("128x4", mlirMXBlockScaledTensorTypeGetScalesType(big, atoms));
  // CHECK-NEXT:row_major: tensor<256x2xf8E8M0FNU>
  // CHECK-NEXT:128x4: tensor<2x1x32x4x4xf8E8M0FNU>
  int64_t shape64[] = {64};
  MlirType vec =
      mlirMXBlockScaledTensorTypeGet(ctx, 1, shape64, mxfp4, 0, NULL);
  printType("rank-1 128x4",
            mlirMXBlockScaledTensorTypeGetScalesType(vec, atoms));
  printType("not a layout",
            mlirMXBlockScaledTensorTypeGetScalesType(vec, mxfp4));
  // CHECK-NEXT:rank-1 128x4: <null>
  // CHECK-NEXT:not a layout: <null>

  printf("isa: %d %d %d\n", (int)mlirTypeIsAMXBlockScaledTensor(t),
         (int)mlirTypeIsAMXBlockScaledTensor(mlirF32TypeGet(ctx)),
         (int)mlirTypeIsAMXBlockScaledTensor(nullType()));
  // CHECK-NEXT:isa: 1 0 0
  printf("out of range: %lld %lld %lld %lld\n",
         (long long)mlirMXBlockScaledTensorTypeGetDimSize(t, 2),
         (long long)mlirMXBlockScaledTensorTypeGetDimSize(t, -1),
         (long long)mlirMXBlockScaledTensorTypeGetBlockSize(t, 2),
         (long long)mlirMXBlockScaledTensorTypeGetRank(mlirF32TypeGet(ctx)));
  // CHECK-NEXT:out of range: -1 -1 -1 -1

  // Invalid types: null and a diagnostic, never a crash.
  int64_t shape4x48[] = {4, 48};
  printType("block does not divide",
            mlirMXBlockScaledTensorTypeGet(ctx, 2, shape4x48, mxfp4, 0, NULL));
  // CHECK-NEXT:diagnostic: loc(unknown): block size 32 does not divide dimension 1 of size 48
  // CHECK-NEXT:block does not divide: <null>
  int64_t block16[] = {16};
  printType("block rank", mlirMXBlockScaledTensorTypeGet(ctx, 2, shape4x64,
                                                         mxfp4, 1, block16));
  // CHECK-NEXT:diagnostic: loc(unknown): block shape has rank 1 but the tensor has rank 2
  // CHECK-NEXT:block rank: <null>
  int64_t block0x32[] = {0, 32};
  printType("zero block", mlirMXBlockScaledTensorTypeGet(ctx, 2, shape4x64,
                                                         mxfp4, 2, block0x32));
  // CHECK-NEXT:diagnostic: loc(unknown): block size along dimension 0 must be positive, got 0
  // CHECK-NEXT:zero block: <null>
  int64_t shapeNeg[] = {-4, 64};
  printType("negative dim",
            mlirMXBlockScaledTensorTypeGet(ctx, 2, shapeNeg, mxfp4, 0, NULL));
  // CHECK-NEXT:diagnostic: loc(unknown): dimensions must be static and positive, got -4
  // CHECK-NEXT:negative dim: <null>
  printType("rank 0",
            mlirMXBlockScaledTensorTypeGet(ctx, 0, NULL, mxfp4, 0, NULL));
  // CHECK-NEXT:diagnostic: loc(unknown): a block-scaled tensor needs rank >= 1
  // CHECK-NEXT:rank 0: <null>
  printType("null shape",
            mlirMXBlockScaledTensorTypeGet(ctx, 2, NULL, mxfp4, 0, NULL));
  // CHECK-NEXT:diagnostic: loc(unknown): invalid shape or block array (rank 2, block rank 0)
  // CHECK-NEXT:null shape: <null>
  printType("null format",
            mlirMXBlockScaledTensorTypeGet(ctx, 2, shape4x64,
                                           mlirAttributeGetNull(), 0, NULL));
  // CHECK-NEXT:diagnostic: loc(unknown): block-scaled tensor format must be an #mx.format
  // CHECK-NEXT:null format: <null>
  printType("unit format",
            mlirMXBlockScaledTensorTypeGet(ctx, 2, shape4x64,
                                           mlirUnitAttrGet(ctx), 0, NULL));
  // CHECK-NEXT:diagnostic: loc(unknown): block-scaled tensor format must be an #mx.format
  // CHECK-NEXT:unit format: <null>
}

// CHECK-NEXT:@module
static void testModule(MlirContext ctx) {
  printf("@module\n");
  const char *source =
      "module attributes {mx.policy = #mx.policy<weights = nvfp4>} {\n"
      "  func.func @q() -> !mx.tensor<4x64xmxfp4> {\n"
      "    %c = arith.constant dense<1.0> : tensor<4x64xf32>\n"
      "    %q = mx.quantize %c : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>\n"
      "    return %q : !mx.tensor<4x64xmxfp4>\n"
      "  }\n"
      "}\n";
  MlirModule module = mlirModuleCreateParse(ctx, str(source));
  if (mlirModuleIsNull(module)) {
    printf("parse failed\n");
    return;
  }
  MlirOperation moduleOp = mlirModuleGetOperation(module);
  mlirOperationPrint(moduleOp, printString, NULL);
  // CHECK-NEXT:module attributes {mx.policy = #mx.policy<weights = nvfp4>} {
  // CHECK-NEXT:  func.func @q() -> !mx.tensor<4x64xmxfp4> {
  // CHECK-NEXT:    %cst = arith.constant dense<1.000000e+00> : tensor<4x64xf32>
  // CHECK-NEXT:    %0 = mx.quantize %cst : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  // CHECK-NEXT:    return %0 : !mx.tensor<4x64xmxfp4>
  // CHECK-NEXT:  }
  // CHECK-NEXT:}
  printf("verifies: %d\n", (int)mlirOperationVerify(moduleOp));
  // CHECK-NEXT:verifies: 1

  MlirAttribute policy =
      mlirOperationGetAttributeByName(moduleOp, str("mx.policy"));
  printf("policy: %d weights='", (int)mlirAttributeIsAMXPolicy(policy));
  printStringRef(
      mlirMXFormatAttrGetPresetName(mlirMXPolicyAttrGetWeights(policy)));
  printf("'\n");
  // CHECK-NEXT:policy: 1 weights='nvfp4'

  // module > func > entry block > (constant, quantize, return).
  MlirOperation func = mlirBlockGetFirstOperation(mlirModuleGetBody(module));
  MlirBlock entry = mlirRegionGetFirstBlock(mlirOperationGetRegion(func, 0));
  MlirOperation quantize =
      mlirOperationGetNextInBlock(mlirBlockGetFirstOperation(entry));
  MlirIdentifier name = mlirOperationGetName(quantize);
  printf("op: ");
  printStringRef(mlirIdentifierStr(name));
  printf("\n");
  // CHECK-NEXT:op: mx.quantize
  MlirType result = mlirValueGetType(mlirOperationGetResult(quantize, 0));
  printf("result: %d rank=%lld ", (int)mlirTypeIsAMXBlockScaledTensor(result),
         (long long)mlirMXBlockScaledTensorTypeGetRank(result));
  printAttr("format", mlirMXBlockScaledTensorTypeGetFormat(result));
  // CHECK-NEXT:result: 1 rank=2 format: #mx.format<mxfp4>
  mlirModuleDestroy(module);

  // An invalid type in the source: a null module and the parser's diagnostic.
  MlirModule bad = mlirModuleCreateParse(
      ctx, str("func.func private @f(!mx.tensor<4x48xmxfp4>)\n"));
  printf("bad module: %s\n", mlirModuleIsNull(bad) ? "<null>" : "parsed");
  // CHECK-NEXT:diagnostic: loc("-":1:32): block size 32 does not divide dimension 1 of size 48
  // CHECK-NEXT:bad module: <null>
}

// The pipeline parser reports in pieces; the first line of the message is
// printed once the parse returns.
static char pipelineError[4096];
static void collectPipelineError(MlirStringRef message, void *userData) {
  (void)userData;
  size_t used = strlen(pipelineError);
  size_t n = message.length;
  if (n > sizeof(pipelineError) - 1 - used)
    n = sizeof(pipelineError) - 1 - used;
  memcpy(pipelineError + used, message.data, n);
  pipelineError[used + n] = 0;
}

static MlirLogicalResult parsePipeline(MlirPassManager pm, const char *text) {
  pipelineError[0] = 0;
  MlirLogicalResult result =
      mlirParsePassPipeline(mlirPassManagerGetAsOpPassManager(pm), str(text),
                            collectPipelineError, NULL);
  const char *error = strstr(pipelineError, "error: ");
  if (error)
    printf("pipeline error: %.*s\n", (int)strcspn(error, "\n"), error);
  return result;
}

// CHECK-NEXT:@passes
static void testPasses(MlirContext ctx) {
  printf("@passes\n");
  mlirRegisterMXPasses();
  mlirRegisterMXPasses(); // idempotent
  const char *source =
      "func.func @f(%x: tensor<1x32xf32>) -> tensor<1x32xf32> {\n"
      "  %q = mx.quantize %x : tensor<1x32xf32> -> !mx.tensor<1x32xmxfp4>\n"
      "  %d = mx.dequantize %q : !mx.tensor<1x32xmxfp4> -> tensor<1x32xf32>\n"
      "  return %d : tensor<1x32xf32>\n"
      "}\n";
  MlirModule module = mlirModuleCreateParse(ctx, str(source));
  MlirOperation moduleOp = mlirModuleGetOperation(module);

  // An MX pass by name, then run: the f32 program MX's is compared against.
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirLogicalResult parsed =
      parsePipeline(pm, "builtin.module(mx-strip-quantization)");
  printf("parsed: %d\n", (int)mlirLogicalResultIsSuccess(parsed));
  // CHECK-NEXT:parsed: 1
  MlirLogicalResult ran = mlirPassManagerRunOnOp(pm, moduleOp);
  printf("ran: %d\n", (int)mlirLogicalResultIsSuccess(ran));
  // CHECK-NEXT:ran: 1
  mlirOperationPrint(moduleOp, printString, NULL);
  // CHECK-NEXT:module {
  // CHECK-NEXT:  func.func @f(%arg0: tensor<1x32xf32>) -> tensor<1x32xf32> {
  // CHECK-NEXT:    return %arg0 : tensor<1x32xf32>
  // CHECK-NEXT:  }
  // CHECK-NEXT:}
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);

  // The conversion, on a fresh copy of the module: MX types become their
  // components (packed elements and scales).
  module = mlirModuleCreateParse(
      ctx, str("func.func @g(%q: !mx.tensor<2x32xnvfp4>)\n"
               "    -> !mx.tensor<2x32xnvfp4> {\n"
               "  return %q : !mx.tensor<2x32xnvfp4>\n"
               "}\n"));
  moduleOp = mlirModuleGetOperation(module);
  pm = mlirPassManagerCreate(ctx);
  parsed = parsePipeline(
      pm, "builtin.module(convert-mx-to-linalg{vectorize=false})");
  printf("parsed: %d\n", (int)mlirLogicalResultIsSuccess(parsed));
  // CHECK-NEXT:parsed: 1
  ran = mlirPassManagerRunOnOp(pm, moduleOp);
  printf("ran: %d\n", (int)mlirLogicalResultIsSuccess(ran));
  // CHECK-NEXT:ran: 1
  mlirOperationPrint(moduleOp, printString, NULL);
  // CHECK-NEXT:module {
  // CHECK-NEXT:  func.func @g(%arg0: tensor<2x16xi8>, %arg1: tensor<2x2xi8>, %arg2: f32) -> (tensor<2x16xi8>, tensor<2x2xi8>, f32) {
  // CHECK-NEXT:    return %arg0, %arg1, %arg2 : tensor<2x16xi8>, tensor<2x2xi8>, f32
  // CHECK-NEXT:  }
  // CHECK-NEXT:}
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);

  // The pipeline and its options parse; a misspelt name is an error.
  pm = mlirPassManagerCreate(ctx);
  parsed =
      parsePipeline(pm, "builtin.module(mx-cpu-pipeline{vectorize=false})");
  printf("pipeline parsed: %d\n", (int)mlirLogicalResultIsSuccess(parsed));
  // CHECK-NEXT:pipeline parsed: 1
  mlirPassManagerDestroy(pm);
  pm = mlirPassManagerCreate(ctx);
  parsed = parsePipeline(pm, "builtin.module(mx-cpu-pipline)");
  printf("misspelt parsed: %d\n", (int)mlirLogicalResultIsSuccess(parsed));
  // CHECK-NEXT:pipeline error: error: 'mx-cpu-pipline' does not refer to a registered pass or pass pipeline
  // CHECK-NEXT:misspelt parsed: 0
  mlirPassManagerDestroy(pm);
}

int main(void) {
  testRegistration();

  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirMXRegisterAllDialects(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  mlirContextAttachDiagnosticHandler(ctx, printDiagnostic, NULL, NULL);

  testFormats(ctx);
  testEnums(ctx);
  testPolicies(ctx);
  testTypes(ctx);
  testModule(ctx);
  testPasses(ctx);

  mlirContextDestroy(ctx);
  printf("@done\n");
  // CHECK-NEXT:@done
  return 0;
}
