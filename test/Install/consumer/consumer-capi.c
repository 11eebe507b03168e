//===- consumer-capi.c - A C program on the installed MX C API ------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Parses a module with an MX op through libMXCAPI.so, runs an MX pass
// pipeline on it and prints the result and the format presets.
//
//===----------------------------------------------------------------------===//

#include "mx-c/Dialects.h"
#include "mx-c/Passes.h"

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <stdio.h>
#include <string.h>

static void print(MlirStringRef str, void *userData) {
  (void)userData;
  fwrite(str.data, 1, str.length, stdout);
}

static MlirStringRef ref(const char *s) {
  return mlirStringRefCreate(s, strlen(s));
}

int main(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirMXRegisterAllDialects(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  mlirRegisterMXPasses();

  for (intptr_t i = 0, e = mlirMXGetNumFormatPresets(); i < e; ++i) {
    printf("preset: ");
    print(mlirMXGetFormatPresetName(i), NULL);
    printf("\n");
  }

  const char *source =
      "func.func @f(%x: tensor<2x32xf32>) -> tensor<2x32xf32> {\n"
      "  %q = mx.quantize %x : tensor<2x32xf32> -> "
      "!mx.tensor<2x32xmxfp8_e4m3>\n"
      "  %d = mx.dequantize %q : !mx.tensor<2x32xmxfp8_e4m3> -> "
      "tensor<2x32xf32>\n"
      "  return %d : tensor<2x32xf32>\n"
      "}\n";
  MlirModule module = mlirModuleCreateParse(ctx, ref(source));
  if (mlirModuleIsNull(module)) {
    printf("parse failed\n");
    return 1;
  }
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirLogicalResult parsed = mlirParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      ref("builtin.module(mx-strip-quantization)"), print, NULL);
  if (mlirLogicalResultIsFailure(parsed)) {
    printf("\npipeline parse failed\n");
    return 1;
  }
  MlirLogicalResult ran =
      mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module));
  printf("ran: %s\n", mlirLogicalResultIsSuccess(ran) ? "success" : "failure");
  mlirOperationPrint(mlirModuleGetOperation(module), print, NULL);
  printf("\n");

  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}
