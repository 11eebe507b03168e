//===- Passes.h - C API for the MX passes and pipelines -----------*- C -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Registers the MX passes and pipelines with the global pass registry, so
// that mlirParsePassPipeline and mlirOpPassManagerAddPipeline accept them by
// name (the names mx-opt accepts; docs/Lowering.md).
//
//===----------------------------------------------------------------------===//

#ifndef MX_C_PASSES_H
#define MX_C_PASSES_H

#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Registers every MX pass (convert-mx-to-linalg, mx-strip-quantization)
/// and pipeline (mx-cpu-pipeline). Idempotent.
MLIR_CAPI_EXPORTED void mlirRegisterMXPasses(void);

#ifdef __cplusplus
}
#endif

#endif // MX_C_PASSES_H
