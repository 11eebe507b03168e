//===- MXToNVVM.h - MX to GPU kernels for NVIDIA chips ----------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// `convert-mx-to-gpu`: mx.matmul, mx.quantize and mx.dequantize become
// gpu.launch_func of kernels in a gpu.module carrying an #nvvm.target, on
// the component buffers of the CPU lowering (docs/Lowering.md, "GPU").
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXTONVVM_MXTONVVM_H
#define MX_CONVERSION_MXTONVVM_MXTONVVM_H

#include "mlir/Pass/Pass.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
class DialectRegistry;
namespace arith {
class ArithDialect;
} // namespace arith
namespace bufferization {
class BufferizationDialect;
} // namespace bufferization
namespace gpu {
class GPUDialect;
} // namespace gpu
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
namespace NVVM {
class NVVMDialect;
} // namespace NVVM
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

/// How an mx.matmul is computed on the GPU (docs/Lowering.md, "GPU").
enum class GPUMatmulPath {
  Auto,   ///< the cheapest legal path for the chip, format and shape
  Native, ///< block-scaled mma.sync (nvvm.mma.block_scale)
  FP8,    ///< elements re-encoded as FP8, mma.sync m16n8k32, scales in f32
  BF16,   ///< elements decoded to BF16, mma.sync m16n8k16, scales in f32
  GEMV,   ///< one thread per output, no tensor cores, reference order
};

/// The PTX name of a GPUMatmulPath ("native", "fp8", ...).
const char *stringifyGPUMatmulPath(GPUMatmulPath path);

/// The block-scaled mma.sync flavours MX emits (NVVM-FACTS Table 37).
enum class BlockScaleFlavour { Mxf8f6f4X1, Mxf4X2, Mxf4nvf4X4 };

/// Why the selectors (byte-id and thread-id of A and B) are illegal for
/// `flavour` (PTX ISA Table 37), or nullopt when they are legal. LLVM 22
/// passes them in registers, so ptxas cannot catch an illegal one: MX checks
/// every selector it emits here.
std::optional<std::string>
checkBlockScaleSelectors(BlockScaleFlavour flavour, int64_t byteIdA,
                         int64_t threadIdA, int64_t byteIdB, int64_t threadIdB);

/// Declares that a gpu.launch_func reads and writes every memref it passes
/// (upstream declares nothing, which ownership-based buffer deallocation
/// rejects). convert-mx-to-gpu adds it to the context it runs in.
void registerLaunchFuncMemoryEffects(DialectRegistry &registry);

#define GEN_PASS_DECL_CONVERTMXTOGPUPASS
#include "mx/Conversion/Passes.h.inc"

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXTONVVM_MXTONVVM_H
