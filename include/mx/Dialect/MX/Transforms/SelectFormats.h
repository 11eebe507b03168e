//===- SelectFormats.h - Hooks of mx-select-formats -------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// `objective=sensitivity` runs the program, which the dialect transforms
// cannot (the execution engine sits above them): a tool that links the
// execution engine registers a measurer (docs/FormatSelection.md,
// "Sensitivity").
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_TRANSFORMS_SELECTFORMATS_H
#define MX_DIALECT_MX_TRANSFORMS_SELECTFORMATS_H

#include "mx/Dialect/MX/Transforms/Calibration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <vector>

namespace mlir {
namespace mx {

/// One operand to probe: the contraction and which side.
struct SensitivityProbe {
  Operation *op;
  bool isLhs;
};

/// Returns, per probe, the relative MSE of the program's outputs (summed
/// over results and samples: sum(e^2) / sum(y^2)) when only that operand is
/// quantized with `format`, against the f32 program, on the calibration
/// samples. Errors are diagnostics.
using SensitivityMeasurer = std::function<FailureOr<std::vector<double>>(
    ModuleOp module, ArrayRef<SensitivityProbe> probes,
    const mxsel::CalibrationData &calibration, StringRef format)>;

void registerSensitivityMeasurer(SensitivityMeasurer measurer);

} // namespace mx
} // namespace mlir

#endif // MX_DIALECT_MX_TRANSFORMS_SELECTFORMATS_H
