//===- Kernels.h - GPU kernel bodies of the MX to NVVM lowering -*- C++ -*-===//
//
// Part of the MX project. Private to lib/Conversion/MXToNVVM.
//
//===----------------------------------------------------------------------===//
//
// Builders of the gpu.func kernels that convert-mx-to-gpu launches. Every
// kernel works on component buffers (packed element bytes, scale bytes,
// f32 tensor scales) and is made of gpu.thread_id/block_id, memref
// load/store, arith, scf and the NVVM MMA ops (plus llvm.call_intrinsic for
// the FP8 mma.sync, which has no NVVM op), so a CPU warp simulator can run
// the same index arithmetic later. Numerics come from MXCommon.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTONVVM_KERNELS_H
#define MX_LIB_CONVERSION_MXTONVVM_KERNELS_H

#include "mx/Conversion/MXToNVVM/MXToNVVM.h"
#include "mx/Dialect/MX/MXTypes.h"
#include "mx/Numerics/Format.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace mx {
namespace gpukernels {

/// Threads per block of the elementwise and gemv kernels.
constexpr int64_t kThreadsPerBlock = 128;
/// Output columns one gemv thread block computes (one 32-bit word of E2M1
/// codes).
constexpr int64_t kGemvColumns = 8;
/// The most lanes of a gemv warp that read one row side by side.
constexpr int64_t kGemvMaxLanesPerRow = 8;
/// The most warps of a gemv thread block (512 threads).
constexpr int64_t kGemvMaxWarps = 16;

/// Marks an scf.for of a kernel body to be unrolled fully once the kernel
/// is kept: convert-mx-to-gpu erases a built kernel equal to an earlier one
/// (ops of different specs may build equal kernels), so unrolling only the
/// kept ones saves building and comparing large bodies many times.
constexpr llvm::StringLiteral kUnrollFullAttrName = "mx.unroll_full";

/// Unrolls every loop under `root` marked with kUnrollFullAttrName.
void unrollMarkedLoops(Operation *root);

/// One block-scaled operand as a kernel sees it.
struct OperandInfo {
  mxref::Format format;
  SmallVector<int64_t> shape, block;
  MemRefType elemsType, scalesType;

  static OperandInfo get(BlockScaledTensorType type);
};

/// Everything a matmul kernel depends on.
struct MatmulSpec {
  GPUMatmulPath path = GPUMatmulPath::GEMV;
  BlockScaleFlavour flavour = BlockScaleFlavour::Mxf8f6f4X1; ///< native only
  OperandInfo lhs, rhs;
  int64_t m = 0, n = 0, k = 0, kBlock = 0;
  bool tensorScale = false; ///< an f32 output scale argument follows `out`
};

/// Launch geometry of a kernel: grid and block sizes.
struct LaunchDims {
  int64_t grid[3] = {1, 1, 1};
  int64_t block[3] = {1, 1, 1};
};

/// Kernel arguments: lhs elements, lhs scales, rhs elements, rhs scales,
/// out (memref<MxNxf32>), then g (f32) with a tensor scale.
gpu::GPUFuncOp buildMatmulKernel(OpBuilder &b, Location loc, StringRef name,
                                 const MatmulSpec &spec, LaunchDims &dims);

/// Whether the matmul's MMA kernel reads a repacked copy of the lhs (true)
/// or rhs codes (an E2M1 operand on the fp8 and bf16 paths, K blocks a
/// multiple of 32) made by buildRepackKernel before it; its elements
/// argument is then repackedType(spec, lhs).
bool repacksOperand(const MatmulSpec &spec, bool lhs);
/// A repacked operand: M (lhs) or N (rhs) rows of K / 2 bytes, 8 codes of
/// a row or column per 32-bit word (docs/Lowering.md, "Repacked operands").
MemRefType repackedType(const MatmulSpec &spec, bool lhs);
/// Arguments: the operand's elements, the repacked copy (written). One
/// thread per 32-bit word of the copy (Repack.cpp).
gpu::GPUFuncOp buildRepackKernel(OpBuilder &b, Location loc, StringRef name,
                                 const MatmulSpec &spec, bool lhs,
                                 LaunchDims &dims);

/// Register `reg` of a repacked word w is the OR over its groups of
/// (w << shift) & mask (a negative shift shifts right).
struct RepackGroup {
  uint32_t mask;
  int32_t shift;
};
struct RepackRegister {
  SmallVector<RepackGroup, 2> groups;
};
/// The registers of a repacked word: BF16 (4: register i the bf16x2 of run
/// offsets i and i + 4, value * 2^-126) or FP8 (2: register h the E4M3
/// bytes of offsets 2e + h, value * 2^-6).
ArrayRef<RepackRegister> repackLayout(GPUMatmulPath path);

/// Arguments: elements, scales, [tensor scale f32], out (memref<shape x
/// outElem>). One thread per output element.
gpu::GPUFuncOp buildDequantizeKernel(OpBuilder &b, Location loc, StringRef name,
                                     const OperandInfo &info, Type outElem,
                                     LaunchDims &dims);

/// The two quantization kernels: `scales` (one thread per block: amax,
/// block scale) with arguments input, scales, [encTimesInvMax, S_dec], and
/// `codes` (one thread per packing group: encode and pack) with arguments
/// input, scales, [encTimesInvMax, S_dec], elements.
void buildQuantizeKernels(OpBuilder &b, Location loc, StringRef name,
                          const OperandInfo &info, mxref::ScaleMode mode,
                          gpu::GPUFuncOp &scalesKernel, LaunchDims &scalesDims,
                          gpu::GPUFuncOp &codesKernel, LaunchDims &codesDims);

} // namespace gpukernels
} // namespace mx
} // namespace mlir

#endif // MX_LIB_CONVERSION_MXTONVVM_KERNELS_H
