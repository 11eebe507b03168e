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

/// Why `type` has no component form in this lowering (a last dimension that
/// does not fill whole bytes), or nullopt when it has one.
std::optional<std::string> checkMXToLinalgSupport(BlockScaledTensorType type);

/// The component types of `type`, in order: packed elements
/// `tensor<d0 x ... x (dn * bits / 8) x i8>`, row-major scale bytes
/// `tensor<(shape / block) x i8>`, and `f32` when the format has a tensor
/// scale. Fails when checkMXToLinalgSupport does.
LogicalResult getMXComponentTypes(BlockScaledTensorType type,
                                  SmallVectorImpl<Type> &types);

/// Adds the 1:N conversion of `!mx.tensor` into its components (every other
/// type is kept) to `converter`.
void populateMXToLinalgTypeConversion(TypeConverter &converter);

/// Adds the patterns lowering every MX op (quantize, dequantize, convert,
/// constant, pack, unpack, matmul, hadamard) to tensor/linalg/arith/math,
/// using a converter set up by populateMXToLinalgTypeConversion.
void populateMXToLinalgConversionPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns);

/// Adds the vectorized lowerings of mx.matmul (block-scaled rhs),
/// mx.dequantize and mx.quantize (scf.for + vector ops on tensors,
/// bit-exact), with a higher
/// benefit than the linalg patterns, which remain the fallback for shapes
/// they do not cover. `tableLookup`: decode FP4 matmul operands with a
/// per-row product table (see the pass's `table-lookup` option);
/// `prefetchDistance`: see `prefetch-distance`.
void populateMXToVectorConversionPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns,
                                          bool tableLookup = true,
                                          int64_t prefetchDistance = 4);

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXTOLINALG_MXTOLINALG_H
