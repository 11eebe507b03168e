//===- MXPasses.h - MX dialect passes ---------------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXPASSES_H
#define MX_DIALECT_MX_MXPASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
namespace mx {

#define GEN_PASS_DECL
#include "mx/Dialect/MX/MXPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "mx/Dialect/MX/MXPasses.h.inc"

} // namespace mx
} // namespace mlir

#endif // MX_DIALECT_MX_MXPASSES_H
