//===- ErrorMetrics.cpp - Quantization error of a tensor ------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/ErrorMetrics.h"

#include <cmath>

using namespace mxref;

ErrorStats mxref::computeErrorStats(llvm::ArrayRef<float> source,
                                    llvm::ArrayRef<float> decoded) {
  ErrorStats s;
  double sumSq = 0, sumErrSq = 0;
  for (size_t i = 0, e = std::min(source.size(), decoded.size()); i < e; ++i) {
    if (!std::isfinite(source[i]))
      continue;
    double x = source[i];
    double err = x - double(decoded[i]);
    sumSq += x * x;
    sumErrSq += err * err;
    // A NaN error (a finite value in a NaN-scale block) must show.
    if (std::isnan(err))
      s.maxAbs = NAN;
    else if (std::fabs(err) > s.maxAbs) // false once maxAbs is NaN
      s.maxAbs = std::fabs(err);
    ++s.count;
  }
  s.mse = sumErrSq / double(s.count);
  s.relMse = sumErrSq / sumSq;
  s.sqnrDb = -10.0 * std::log10(s.relMse);
  return s;
}

double mxref::getBitsPerElement(const QuantizedTensor &q) {
  double n = double(q.getNumElements());
  double bits = n * getElemInfo(q.format.elem).bits +
                8.0 * double(q.getNumScales()) +
                (q.format.tensorScale ? 32.0 : 0.0);
  return bits / n;
}

ErrorStats mxref::computeErrorStats(llvm::ArrayRef<float> source,
                                    const QuantizedTensor &q) {
  ErrorStats s = computeErrorStats(source, dequantize(q));
  s.bitsPerElement = getBitsPerElement(q);
  return s;
}
