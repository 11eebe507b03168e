//===- MXToLinalg.h - MX to tensor/linalg emulation -------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The CPU emulation lowering: MX ops to tensor/linalg/arith/math on tensors,
// bit-exact with the reference numerics library. See the description of
// `convert-mx-to-linalg` in Conversion/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXTOLINALG_MXTOLINALG_H
#define MX_CONVERSION_MXTOLINALG_MXTOLINALG_H

#include "mx/Conversion/MXCommon/Components.h"
#include "mx/Conversion/MXToLinalg/VectorTarget.h"
#include "mx/Dialect/MX/MXTypes.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>
#include <string>

namespace mlir {
namespace arith {
class ArithDialect;
} // namespace arith
namespace bufferization {
class BufferizationDialect;
} // namespace bufferization
namespace linalg {
class LinalgDialect;
} // namespace linalg
namespace LLVM {
class LLVMDialect;
} // namespace LLVM
namespace math {
class MathDialect;
} // namespace math
namespace memref {
class MemRefDialect;
} // namespace memref
namespace scf {
class SCFDialect;
} // namespace scf
namespace tensor {
class TensorDialect;
} // namespace tensor
namespace vector {
class VectorDialect;
} // namespace vector

namespace mx {

#define GEN_PASS_DECL_CONVERTMXTOLINALGPASS
#include "mx/Conversion/Passes.h.inc"

/// Adds the patterns lowering every MX op (quantize, dequantize, convert,
/// constant, pack, unpack, matmul, hadamard) to tensor/linalg/arith/math,
/// using a converter set up by populateMXComponentTypeConversion.
void populateMXToLinalgConversionPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns);

/// Adds the vectorized lowerings of mx.matmul (block-scaled rhs),
/// mx.dequantize, mx.quantize and mx.convert (scf.for + vector ops on
/// tensors, bit-exact), with a higher benefit than the linalg patterns,
/// which remain the fallback for shapes they do not cover. `target`: lanes
/// and FP4 lookup strategy; `prefetchDistance`: see `prefetch-distance`;
/// `panels`: see `panels` (1: no scf.forall); `tileConstantWeights`: see
/// `tile-constant-weights`.
void populateMXToVectorConversionPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns,
                                          const VectorTarget &target,
                                          int64_t prefetchDistance = 4,
                                          int64_t panels = 1,
                                          bool tileConstantWeights = true);

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXTOLINALG_MXTOLINALG_H
