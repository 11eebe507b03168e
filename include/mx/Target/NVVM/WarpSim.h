//===- WarpSim.h - CPU warp simulator for MX's GPU kernels ------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Runs the kernels of convert-mx-to-gpu on the CPU (docs/WarpSimulator.md).
// The kernels' own index arithmetic runs unchanged: each gpu.func becomes a
// host func.func taking its thread and block ids as leading arguments, and
// every warp-collective NVVM op becomes a call into a runtime that runs one
// std::thread per GPU thread, gathers the 32 lanes' registers at each MMA and
// computes the MMA from the PTX ISA fragment tables, which are written here
// independently of the lowering. A wrong lane mapping in a kernel therefore
// gives wrong results.
//
//===----------------------------------------------------------------------===//

#ifndef MX_TARGET_NVVM_WARPSIM_H
#define MX_TARGET_NVVM_WARPSIM_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>

namespace mlir {
namespace gpu {
class GPUModuleOp;
} // namespace gpu

namespace mx {
namespace warpsim {

/// Number of leading index arguments of a converted kernel: threadIdx.xyz,
/// blockIdx.xyz, blockDim.xyz, gridDim.xyz, in that order.
constexpr unsigned kNumIdArgs = 12;

/// The MMA instruction an `mxws_mma` call stands for, as one i64 operand.
struct MmaDesc {
  enum Shape : uint8_t {
    BF16m16n8k16 = 1, ///< mma.sync m16n8k16 bf16 x bf16 -> f32
    FP8m16n8k32 = 2,  ///< mma.sync m16n8k32 e4m3/e5m2 -> f32
    BlockScale = 3,   ///< mma.sync ... block_scale (m16n8k64 or m16n8k32)
  };
  enum Kind : uint8_t { Mxf8f6f4 = 0, Mxf4 = 1, Mxf4nvf4 = 2 };
  Shape shape = BF16m16n8k16;
  /// mxref::ElemKind of A and B (ignored for BF16).
  uint8_t typeA = 0, typeB = 0;
  Kind kind = Mxf8f6f4;
  uint8_t scaleVec = 1; ///< 1, 2 or 4 scale bytes per row/column
  bool ue4m3 = false;   ///< scale format UE4M3 (else UE8M0)

  int64_t encode() const;
  static MmaDesc decode(int64_t bits);
  /// The K extent of one instruction.
  int64_t getK() const;
};

/// How to convert (and deliberately break) kernels.
struct KernelToHostOptions {
  /// Which computation a perturbation breaks: the whole kernel, or only the
  /// values feeding one MMA operand (its A or B registers, or its A or B
  /// scale register).
  enum class Target { Kernel, A, B, ScaleA, ScaleB, SharedStores };
  /// When nonzero, the target computes with threadIdx.x ^ laneXor instead of
  /// threadIdx.x, while the simulator keeps the real lane: a broken lane
  /// mapping that the MMA check must catch.
  int64_t laneXor = 0;
  Target target = Target::Kernel;
  /// Deliberate breaks of a tcgen05.mma's operands, for tests that show the
  /// model catches them: flip swizzle bit 62 of the A and B shared-memory
  /// descriptors, or move the A or B scale address one column right.
  enum class Tcgen05Break { None, DescSwizzle, ScaleAColumn, ScaleBColumn };
  Tcgen05Break tcgen05Break = Tcgen05Break::None;
};

/// Makes a host module from `gpuModule`: one func.func per gpu.func (same
/// name, llvm.emit_c_interface) with kNumIdArgs index arguments before the
/// kernel's, and the runtime's functions declared. Workgroup memory (the
/// kernel's workgroup attributions and the module's workgroup
/// memref.globals) becomes views of one shared-memory window per kernel,
/// whose offsets are the kernel's shared addresses. Fails, with a diagnostic
/// at the op, on an op the simulator does not model.
FailureOr<OwningOpRef<ModuleOp>>
convertKernelsToHost(gpu::GPUModuleOp gpuModule,
                     const KernelToHostOptions &options = {});

/// The runtime's symbols (`mxws_*`), for CompileOptions::symbols.
llvm::StringMap<void *> getRuntimeSymbols();

/// A converted kernel through its packed interface (lookupPacked of
/// "_mlir_ciface_<name>").
using PackedKernel = void (*)(void **);

/// Runs `kernel` over the grid, a block at a time, one std::thread per GPU
/// thread. `args` points to the storage of each kernel argument (a memref
/// argument's storage holds a pointer to its descriptor). Fails when a
/// collective is reached by only part of a warp or with operands that differ
/// between lanes where they must be warp-uniform.
llvm::Error runGrid(PackedKernel kernel, llvm::ArrayRef<void *> args,
                    std::array<int64_t, 3> grid, std::array<int64_t, 3> block);

/// The registers one lane passes to an MMA.
struct LaneOperands {
  uint32_t a[4] = {0, 0, 0, 0};
  uint32_t b[2] = {0, 0};
  float c[4] = {0, 0, 0, 0};
  uint32_t scaleA = 0, scaleB = 0;
  uint32_t selA = 0, selB = 0; ///< byte-id | thread-id << 8
};

/// One warp's MMA computed from the PTX fragment tables: `d[lane]` are the
/// lane's result registers. Products are exact; each output is C plus the
/// sum, per scale chunk, of exact products times the chunk's two scales,
/// accumulated in double and rounded once to f32.
llvm::Error simulateMma(const MmaDesc &desc, llvm::ArrayRef<LaneOperands> lanes,
                        std::array<float, 4> *d);

} // namespace warpsim
} // namespace mx
} // namespace mlir

#endif // MX_TARGET_NVVM_WARPSIM_H
