//===- ErrorMetrics.h - Quantization error of a tensor ----------*- C++ -*-===//
//
// Part of the MX project. The reference numerics layer: no MLIR IR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef MX_NUMERICS_ERRORMETRICS_H
#define MX_NUMERICS_ERRORMETRICS_H

#include "mx/Numerics/Quantize.h"

#include "llvm/ADT/ArrayRef.h"

namespace mxref {

/// Error of a quantized tensor against its source, over the finite source
/// values (pairs whose source is Inf or NaN are skipped). Each error
/// e = x - x_hat is formed and summed in double, in index order.
struct ErrorStats {
  double mse = 0;            ///< sum(e^2) / count
  double relMse = 0;         ///< sum(e^2) / sum(x^2)
  double sqnrDb = 0;         ///< -10 log10(relMse)
  double maxAbs = 0;         ///< max |e|
  double bitsPerElement = 0; ///< storage bits per element, scales included
  int64_t count = 0;         ///< finite source values
};

ErrorStats computeErrorStats(llvm::ArrayRef<float> source,
                             llvm::ArrayRef<float> decoded);
/// Storage bits per element of `q`: (N * element bits + 8 * blocks
/// + 32 if the format has a tensor scale) / N.
double getBitsPerElement(const QuantizedTensor &q);
/// Quantization error of `q` against `source` (decodes `q`).
ErrorStats computeErrorStats(llvm::ArrayRef<float> source,
                             const QuantizedTensor &q);

} // namespace mxref

#endif // MX_NUMERICS_ERRORMETRICS_H
