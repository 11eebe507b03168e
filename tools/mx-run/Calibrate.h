//===- Calibrate.h - mx-run --calibrate -------------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_TOOLS_MXRUN_CALIBRATE_H
#define MX_TOOLS_MXRUN_CALIBRATE_H

#include "mx/ExecutionEngine/CompiledModule.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mxrun {

/// Runs the f32 form of `module` (unchanged) on one sample and adds the
/// statistics of every activation operand of the entry's contractions to
/// the calibration file `file`, creating it when missing. Errors are
/// diagnostics (or one line on stderr for the file).
mlir::LogicalResult calibrate(mlir::ModuleOp module, llvm::StringRef entry,
                              llvm::ArrayRef<mlir::mx::BufferRef> inputs,
                              llvm::ArrayRef<std::string> inputFiles,
                              llvm::StringRef moduleFile, llvm::StringRef file);

} // namespace mxrun

#endif // MX_TOOLS_MXRUN_CALIBRATE_H
