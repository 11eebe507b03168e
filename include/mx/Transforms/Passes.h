//===- Passes.h - MX passes on upstream dialects ----------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Passes that work on upstream dialects only (no MX op), which MX's
// pipelines need and upstream lacks.
//
//===----------------------------------------------------------------------===//

#ifndef MX_TRANSFORMS_PASSES_H
#define MX_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
namespace mx {

#define GEN_PASS_DECL
#include "mx/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mx/Transforms/Passes.h.inc"

} // namespace mx
} // namespace mlir

#endif // MX_TRANSFORMS_PASSES_H
