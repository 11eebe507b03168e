//===- Pipelines.h - Registered MX pipelines --------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_PIPELINES_PIPELINES_H
#define MX_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace mlir {
namespace mx {

/// `mx-cpu-pipeline`: MX and linalg on tensors to the LLVM dialect, for
/// mlir-runner or the ExecutionEngine:
///   convert-mx-to-linalg, convert-elementwise-to-linalg, one-shot
///   bufferization across function boundaries (identity layouts),
///   linalg to loops, then arith/math/index/memref/scf/cf/func to LLVM and
///   reconcile-unrealized-casts.
/// The loops keep the order the MX lowering relies on for bit-exactness
/// (reductions innermost and increasing); no pass in it reassociates float
/// arithmetic.
void buildMXCPUPipeline(OpPassManager &pm);

/// Registers every MX pipeline with the pass registry.
void registerMXPipelines();

} // namespace mx
} // namespace mlir

#endif // MX_PIPELINES_PIPELINES_H
