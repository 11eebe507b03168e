//===- Pipelines.h - Registered MX pipelines --------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_PIPELINES_PIPELINES_H
#define MX_PIPELINES_PIPELINES_H

#include "mx/Conversion/MXToLinalg/VectorTarget.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
namespace mx {

/// Options of `mx-cpu-pipeline`.
struct MXCPUPipelineOptions : public PassPipelineOptions<MXCPUPipelineOptions> {
  Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Vectorized lowering of mx.matmul, mx.dequantize and "
                     "mx.quantize (convert-mx-to-linalg{vectorize})"),
      llvm::cl::init(true)};
  Option<bool> tableLookup{
      *this, "table-lookup",
      llvm::cl::desc("With vectorize: FP4 matmul operands through a per-row "
                     "product table (AVX2 GEMV: byte tables)"),
      llvm::cl::init(true)};
  Option<bool> integerDot{
      *this, "integer-dot",
      llvm::cl::desc("With vectorize on an x86 target: MXINT8 x FP4 and "
                     "FP6 matmuls through the integer-dot kernel"),
      llvm::cl::init(true)};
  Option<bool> fastSubnormals{
      *this, "fast-subnormals",
      llvm::cl::desc("With vectorize: the CPU's f32 multiplies take "
                     "subnormal inputs at full speed (AMD Zen; target=host "
                     "sets it there), so AVX2's f32 GEMV decodes E4M3 "
                     "weights by bits (convert-mx-to-linalg{fast-subnormals})"),
      llvm::cl::init(false)};
  Option<bool> tileConstantWeights{
      *this, "tile-constant-weights",
      llvm::cl::desc("With vectorize: the integer-dot kernel reads constant "
                     "weights re-laid at compile time, each 64-column "
                     "chunk's K rows contiguous "
                     "(convert-mx-to-linalg{tile-constant-weights})"),
      llvm::cl::init(true)};
  Option<VectorTargetKind> target{
      *this, "target",
      llvm::cl::desc("With vectorize: the CPU vector target "
                     "(convert-mx-to-linalg{target})"),
      llvm::cl::init(VectorTargetKind::Host),
      llvm::cl::values(
          clEnumValN(VectorTargetKind::Host, "host", "the host CPU"),
          clEnumValN(VectorTargetKind::AVX512, "avx512", "16 lanes"),
          clEnumValN(VectorTargetKind::AVX512VNNI, "avx512-vnni",
                     "avx512 and vpdpbusd in the integer dot"),
          clEnumValN(VectorTargetKind::AVX512VBMI, "avx512-vbmi",
                     "avx512-vnni and E2M3 weights in the integer dot"),
          clEnumValN(VectorTargetKind::AVX2, "avx2",
                     "8 lanes, FP4 table in two halves"),
          clEnumValN(VectorTargetKind::AVX2VNNI, "avx2-vnni",
                     "avx2 and VEX vpdpbusd in the integer dot"),
          clEnumValN(VectorTargetKind::Generic, "generic", "4 lanes"))};
  Option<int64_t> prefetchDistance{
      *this, "prefetch-distance",
      llvm::cl::desc("With vectorize: prefetch weight rows this many column "
                     "chunks ahead in the GEMV kernel, 64 K rows ahead in "
                     "the batched kernel's first row tile, and tiled "
                     "constant FP4 codes 8 times this many K rows ahead in "
                     "the integer dot's word steps (0: none)"),
      llvm::cl::init(8)};
  Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("With vectorize: split each vector matmul's columns "
                     "over this many threads through MLIR's async runtime "
                     "(1: serial code; 0: the host's hardware threads)"),
      llvm::cl::init(1)};
  Option<bool> outlineKernels{
      *this, "outline-kernels",
      llvm::cl::desc("First outline each MX compute op into a private "
                     "function shared by the equal ops (mx-outline-kernels): "
                     "each distinct kernel is lowered once"),
      llvm::cl::init(true)};
};

/// The thread count `threads` stands for: the host's hardware threads for
/// 0, else itself.
unsigned resolveThreads(unsigned threads);

/// `mx-cpu-pipeline`: MX and linalg on tensors to the LLVM dialect, for
/// mlir-runner or the ExecutionEngine:
///   mx-outline-kernels (unless outline-kernels=false), convert-mx-to-linalg
///   (vectorized by default), convert-elementwise-to-linalg, one-shot
///   bufferization across function boundaries (identity layouts),
///   ownership-based buffer deallocation (a call frees every buffer it
///   allocates but its results), linalg to loops, vector to SCF/LLVM, then
///   arith/math/index/memref/scf/cf/func to LLVM and
///   reconcile-unrealized-casts. With threads != 1, the vector matmuls'
///   column panels are an scf.forall, lowered after bufferization through
///   scf-forall-to-parallel, async-parallel-for (one task per panel) and
///   the async runtime passes; the code then calls MLIR's async runtime
///   library (libmlir_async_runtime), which mx::CompiledModule loads.
/// The loops keep the order the MX lowering relies on for bit-exactness
/// (reductions in increasing order per output; vector lanes are distinct
/// outputs); no pass in it reassociates or contracts float arithmetic.
/// The host half shared by mx-cpu-pipeline and mx-nvvm-pipeline, after the
/// MX conversion: elementwise ops to linalg, one-shot bufferization with
/// ownership-based deallocation, then linalg/vector/affine/scf down to the
/// cf dialect on memrefs.
/// With `threads` > 1, scf.forall loops become async tasks there.
void buildMXHostBufferizationPipeline(OpPassManager &pm, unsigned threads = 1);

void buildMXCPUPipeline(OpPassManager &pm,
                        const MXCPUPipelineOptions &options = {});
/// mx-cpu-pipeline's two stages, which buildMXCPUPipeline runs one after
/// the other: mx-outline-kernels and convert-mx-to-linalg, after which every
/// function takes and returns the components of its `!mx.tensor` values
/// (docs/Lowering.md, "Stages"); then the rest, to the LLVM dialect.
/// mx::CompiledModule adds its buffer wrappers between them.
void buildMXCPUConversionStage(OpPassManager &pm,
                               const MXCPUPipelineOptions &options = {});
void buildMXCPULLVMStage(OpPassManager &pm,
                         const MXCPUPipelineOptions &options = {});

/// Options of `mx-nvvm-pipeline`.
struct MXNVVMPipelineOptions
    : public PassPipelineOptions<MXNVVMPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("The NVIDIA chip (sm_80, sm_89, "
                                          "sm_90a, sm_120a, ...)"),
                           llvm::cl::init("sm_90a")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features of the #nvvm.target (e.g. +ptx88); empty: "
                     "the lowest PTX version the kernels need"),
      llvm::cl::init("")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What the gpu.binary holds: ptx, cubin (needs ptxas) or "
                     "fatbin (needs ptxas and fatbinary)"),
      llvm::cl::init("ptx")};
  Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("The CUDA toolkit directory whose bin/ holds ptxas; "
                     "empty: ptxas on PATH, else /usr/local/cuda"),
      llvm::cl::init("")};
  Option<std::string> path{
      *this, "path",
      llvm::cl::desc("The mx.matmul path (convert-mx-to-gpu{path}): auto, "
                     "native, fp8, bf16 or gemv"),
      llvm::cl::init("auto")};
};

/// `mx-nvvm-pipeline`: MX and linalg on tensors to the LLVM dialect with the
/// kernels in a gpu.binary: convert-mx-to-gpu, the host side as in
/// mx-cpu-pipeline (bufferization, deallocation, loops), the kernels through
/// convert-gpu-to-nvvm with bare-pointer arguments, gpu-to-llvm, and
/// gpu-module-to-binary in `format`. Fails with a message when `format`
/// needs ptxas and findCudaToolkit(toolkit) finds none, or when an option
/// has no meaning.
LogicalResult buildMXNVVMPipeline(
    OpPassManager &pm, const MXNVVMPipelineOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler = {});

/// The directory of the CUDA toolkit holding bin/ptxas: `given` when it has
/// one, else the parent of the ptxas on PATH, else /usr/local/cuda when it
/// has one; "" when none is found.
std::string findCudaToolkit(StringRef given = "");

/// Registers `mx-nvvm-pipeline`.
void registerMXNVVMPipeline();

/// Registers every MX pipeline with the pass registry.
void registerMXPipelines();

} // namespace mx
} // namespace mlir

#endif // MX_PIPELINES_PIPELINES_H
