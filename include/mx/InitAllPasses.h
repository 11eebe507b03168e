//===- InitAllPasses.h - Passes an MX tool registers ------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_INITALLPASSES_H
#define MX_INITALLPASSES_H

#include "mx/Conversion/Passes.h"
#include "mx/Dialect/MX/MXPasses.h"
#include "mx/Pipelines/Pipelines.h"
#include "mx/Transforms/Passes.h"

namespace mlir {
namespace mx {

/// Registers every MX pass and pipeline; the single place tools call.
inline void registerAllPasses() {
  registerMXConversionPasses();
  registerMXPasses();
  registerMXTransformsPasses();
  registerMXPipelines();
  registerMXNVVMPipeline();
}

} // namespace mx
} // namespace mlir

#endif // MX_INITALLPASSES_H
