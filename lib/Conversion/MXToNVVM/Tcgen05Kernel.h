//===- Tcgen05Kernel.h - block-scaled tcgen05.mma matmul kernel -*- C++ -*-===//
//
// Part of the MX project. Private to lib/Conversion/MXToNVVM.
//
//===----------------------------------------------------------------------===//
//
// The datacenter-Blackwell matmul kernel (sm_100a/100f/103a/110a): operands
// staged in shared memory, scales in the 128x4 layout copied to tensor
// memory, nvvm.tcgen05.mma.block_scale, accumulator read back with
// tcgen05.ld (docs/Lowering.md, "Datacenter Blackwell: tcgen05").
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTONVVM_TCGEN05KERNEL_H
#define MX_LIB_CONVERSION_MXTONVVM_TCGEN05KERNEL_H

#include "Kernels.h"

#include "mx/Target/NVVM/Tcgen05Descriptors.h"

#include <optional>
#include <string>

namespace mlir {
namespace mx {
namespace gpukernels {

/// The tcgen05 form of one matmul: the kind, the output tile and the idesc
/// of each MMA of a K chunk.
struct Tcgen05Plan {
  mxnvvm::Tcgen05Kind kind = mxnvvm::Tcgen05Kind::Mxf8f6f4;
  unsigned blockSize = 32;
  int64_t tileM = 128, tileN = 128;
  /// Elements of K per chunk: one 128x4 scale atom, i.e. 4 scale blocks.
  int64_t chunkK = 128;
  /// MMAs per chunk and their instruction descriptors (scale-factor id i,
  /// 2i or 0 by kind).
  SmallVector<uint32_t, 4> idescs;
  /// "tcgen05.mma block_scale kind=mxf4 .block32 ue8m0, tile 128x128".
  std::string what;
};

/// The tcgen05 plan of `spec`, or why no block-scaled tcgen05.mma kind or
/// supported tile serves it (the caller turns that into a remark or error).
/// Descriptor errors from the encoder come back as the reason too, so no
/// illegal combination reaches LLVM.
llvm::Expected<Tcgen05Plan> planTcgen05Matmul(const MatmulSpec &spec);

/// The kernel, with buildMatmulKernel's arguments (lhs elements, lhs scales,
/// rhs elements, rhs scales, out, [g]). One 128-thread CTA per output tile.
gpu::GPUFuncOp buildTcgen05MatmulKernel(OpBuilder &b, Location loc,
                                        StringRef name, const MatmulSpec &spec,
                                        const Tcgen05Plan &plan,
                                        LaunchDims &dims);

} // namespace gpukernels
} // namespace mx
} // namespace mlir

#endif // MX_LIB_CONVERSION_MXTONVVM_TCGEN05KERNEL_H
