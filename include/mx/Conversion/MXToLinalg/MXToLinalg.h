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

#include "llvm/ADT/MapVector.h"

#include <functional>
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

/// Weights that the caller re-lays for the CPU's integer-dot kernel: the
/// `!mx.tensor` function arguments marked `mx.kernel_layout = @f`
/// (docs/Lowering.md, "Weights re-laid at load time"). Collected and checked
/// before the conversion (collectKernelLayouts), completed by the matmul
/// lowering, which reads such weights in the layout of constant weights and
/// says how to make it (record), and turned into the definitions of the
/// layout functions after it (emitKernelLayoutFunctions).
struct KernelLayouts {
  /// Builds the body of a layout function: from the converted components of
  /// the weights to the same components in the kernel's layout.
  using BodyBuilder =
      std::function<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;
  struct Use {
    FlatSymbolRefAttr symbol;
    Location loc;
    bool lowered = false;
  };
  struct Layout {
    BlockScaledTensorType weights;
    Location loc;
    BodyBuilder build;
  };
  /// The matmuls whose rhs is an argument in a kernel layout.
  llvm::MapVector<Operation *, Use> matmuls;
  /// The layout functions to define, by symbol.
  llvm::MapVector<StringAttr, Layout> layouts;
  /// Whether record reported an error.
  bool failed = false;

  /// The use of `op`'s rhs, or null.
  Use *lookup(Operation *op) {
    auto it = matmuls.find(op);
    return it == matmuls.end() ? nullptr : &it->second;
  }
  /// Records that `use`'s weights of `type` are read in the layout that
  /// `build` makes; an error on `loc` (failure) if its symbol already names
  /// a layout of other weights.
  LogicalResult record(Use &use, BlockScaledTensorType type, Location loc,
                       BodyBuilder build);
};

/// Checks the module's `mx.kernel_layout` arguments and collects the
/// matmuls that read them (errors on each misuse; failure if any):
/// such an argument may only be the rhs of `mx.matmul` or passed on to an
/// argument of the same layout, and a call's operand for one must be a
/// result of its layout function or an argument of the same layout.
/// `vectorize` false: any use is an error (only the vectorized matmul reads
/// the layout).
LogicalResult collectKernelLayouts(ModuleOp module, bool vectorize,
                                   KernelLayouts &layouts);

/// After the conversion: an error for each collected matmul that the
/// integer-dot kernel did not lower, and the definition of each layout
/// function (a declaration of that symbol takes its body; otherwise a public
/// function is created).
LogicalResult emitKernelLayoutFunctions(ModuleOp module,
                                        const TypeConverter &converter,
                                        KernelLayouts &layouts);

/// Adds the vectorized lowerings of mx.matmul (block-scaled rhs),
/// mx.dequantize, mx.quantize and mx.convert (scf.for + vector ops on
/// tensors, bit-exact), with a higher benefit than the linalg patterns,
/// which remain the fallback for shapes they do not cover. `target`: lanes
/// and FP4 lookup strategy; `prefetchDistance`: see `prefetch-distance`;
/// `panels`: see `panels` (1: no scf.forall); `tileConstantWeights`: see
/// `tile-constant-weights`; `layouts`: the weights in a kernel layout
/// (collectKernelLayouts, then emitKernelLayoutFunctions after the
/// conversion; null: none). A module with `mx.kernel_layout` arguments needs
/// it: without it the matmuls would read such weights as packed rows.
void populateMXToVectorConversionPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns,
                                          const VectorTarget &target,
                                          int64_t prefetchDistance = 4,
                                          int64_t panels = 1,
                                          bool tileConstantWeights = true,
                                          KernelLayouts *layouts = nullptr);

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXTOLINALG_MXTOLINALG_H
