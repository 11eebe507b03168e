//===- CompiledEngine.h - mx-quant's compiled engine ------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// `mx-quant --engine=compiled`: the same quantization as the reference
// engine, computed by MX's compiler instead: an mx.quantize/mx.dequantize
// module is lowered with mx-cpu-pipeline and run by MLIR's ExecutionEngine.
// Kept apart from mx-quant.cpp so the reference engine's code stays free of
// MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef MX_TOOLS_MX_QUANT_COMPILEDENGINE_H
#define MX_TOOLS_MX_QUANT_COMPILEDENGINE_H

#include "mx/Numerics/Quantize.h"

#include <optional>
#include <string>
#include <vector>

namespace mxref {

/// Quantizes `values` (row-major rows x cols) with `block` (tileRows x
/// tileCols) into `q` (element codes one per byte, scales row-major, tensor
/// decode scale) and dequantizes the result to `decoded`, both with compiled
/// code. Returns a one-line error when the compiler rejects the problem.
std::optional<std::string>
quantizeCompiled(llvm::ArrayRef<float> values, int64_t rows, int64_t cols,
                 int64_t tileRows, int64_t tileCols, const Format &format,
                 std::optional<ScaleMode> mode, QuantizedTensor &q,
                 std::vector<float> &decoded);

} // namespace mxref

#endif // MX_TOOLS_MX_QUANT_COMPILEDENGINE_H
