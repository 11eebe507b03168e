//===- CPUPipeline.cpp - mx-cpu-pipeline ----------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/Passes.h"
#include "mx/Dialect/MX/MXPasses.h"
#include "mx/Pipelines/Pipelines.h"
#include "mx/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/AsyncToLLVM/AsyncToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Async/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/Threading.h"

using namespace mlir;

unsigned mlir::mx::resolveThreads(unsigned threads) {
  if (threads != 0)
    return threads;
  return llvm::hardware_concurrency().compute_thread_count();
}

void mlir::mx::buildMXHostBufferizationPipeline(OpPassManager &pm,
                                                unsigned threads) {
  // The passes that work within one function run on each function (and GPU
  // module) of the module: MLIR runs them on its threads when there are
  // many. The others create or look up symbols, so they stay on the module.
  {
    OpPassManager &fn = pm.nestAny();
    // Elementwise arith on tensors (e.g. bitcasts of unpacked components).
    fn.addPass(createConvertElementwiseToLinalgPass());
    fn.addPass(createCanonicalizerPass());
    // A constant per use: one-shot bufferization's conflict analysis is
    // quadratic in the uses of one tensor (docs/Robustness.md).
    fn.addPass(createRematerializeConstantsPass());
  }
  bufferization::OneShotBufferizePassOptions bufOpts;
  bufOpts.bufferizeFunctionBoundaries = true;
  bufOpts.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufOpts));
  // Ownership-based deallocation: every buffer a call allocates is freed
  // before it returns, except the results it hands to its caller. Upstream's
  // buffer-deallocation-pipeline with mx-simplify-deallocations before the
  // upstream simplification, which is quadratic in a block's buffers: a
  // buffer that provably aliases nothing else is freed on its own, after its
  // last use (docs/Lowering.md, "Deallocation"). The deallocation runs on
  // the module, not nested per function: it then looks callees up in one
  // symbol table, not one built per function (docs/Robustness.md).
  {
    OpPassManager &fn = pm.nest<func::FuncOp>();
    fn.addPass(memref::createExpandReallocPass(
        memref::ExpandReallocPassOptions{/*emitDeallocs=*/false}));
    fn.addPass(createCanonicalizerPass());
  }
  pm.addPass(bufferization::createOwnershipBasedBufferDeallocationPass());
  pm.addPass(createSimplifyDeallocationsPass());
  {
    OpPassManager &fn = pm.nest<func::FuncOp>();
    fn.addPass(createCanonicalizerPass());
    fn.addPass(bufferization::createBufferDeallocationSimplificationPass());
  }
  pm.addPass(bufferization::createLowerDeallocationsPass());
  {
    OpPassManager &fn = pm.nest<func::FuncOp>();
    fn.addPass(createCSEPass());
    fn.addPass(createCanonicalizerPass());
  }
  pm.addPass(createConvertBufferizationToMemRefPass());
  if (threads > 1) {
    // Each scf.forall iteration (a matmul's column panel) becomes one task:
    // min-task-size 1 and `threads` workers give one block per iteration.
    // The caller runs the first, the runtime's pool the others.
    pm.addPass(createForallToParallelLoopPass());
    AsyncParallelForPassOptions asyncOpts;
    asyncOpts.asyncDispatch = true;
    asyncOpts.numWorkerThreads = threads;
    asyncOpts.minTaskSize = 1;
    pm.addPass(createAsyncParallelForPass(asyncOpts));
    pm.addPass(createAsyncToAsyncRuntimePass());
    pm.addPass(createAsyncRuntimeRefCountingPass());
    pm.addPass(createAsyncRuntimeRefCountingOptPass());
  }
  OpPassManager &fn = pm.nestAny();
  fn.addPass(createConvertLinalgToLoopsPass());
  // Transfers of more than one dimension to loops; 1-D ones (all the MX
  // lowering emits) become (masked) vector loads and stores in
  // convert-vector-to-llvm.
  fn.addPass(createConvertVectorToSCFPass());
  fn.addPass(memref::createExpandStridedMetadataPass());
  fn.addPass(createLowerAffinePass());
  fn.addPass(createSCFToControlFlowPass());
}

void mlir::mx::buildMXCPUConversionStage(OpPassManager &pm,
                                         const MXCPUPipelineOptions &options) {
  ConvertMXToLinalgPassOptions mxOpts;
  mxOpts.vectorize = options.vectorize;
  mxOpts.tableLookup = options.tableLookup;
  mxOpts.integerDot = options.integerDot;
  mxOpts.fastSubnormals = options.fastSubnormals;
  mxOpts.tileConstantWeights = options.tileConstantWeights;
  mxOpts.prefetchDistance = options.prefetchDistance;
  mxOpts.target = options.target;
  unsigned threads = resolveThreads(options.threads);
  mxOpts.panels = threads;
  // Equal MX ops share one lowered kernel (a private function each).
  if (options.outlineKernels)
    pm.addPass(createOutlineKernelsPass());
  pm.addPass(createConvertMXToLinalgPass(mxOpts));
}

void mlir::mx::buildMXCPULLVMStage(OpPassManager &pm,
                                   const MXCPUPipelineOptions &options) {
  unsigned threads = resolveThreads(options.threads);
  buildMXHostBufferizationPipeline(pm, threads);
  // The async runtime ops to calls; before arith-to-llvm, since it emits
  // arith constants.
  if (threads > 1)
    pm.addPass(createConvertAsyncToLLVMPass());
  // bf16 arithmetic in f32 and every bf16 conversion as integer operations,
  // so no target instruction rounds them (mx-expand-bf16-conversions).
  arith::ArithEmulateUnsupportedFloatsOptions bf16;
  bf16.sourceTypeStrs = {"bf16"};
  bf16.targetTypeStr = "f32";
  pm.addPass(arith::createArithEmulateUnsupportedFloats(bf16));
  pm.addPass(createExpandBF16ConversionsPass());
  pm.addPass(createConvertMXX86ToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  // What LLVM has no intrinsic for (math.erf of GELU, ...) becomes a libm
  // call, which the JIT resolves in the host process. After math-to-llvm:
  // libm has no rsqrtf, so math.rsqrt must take the LLVM path.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::mx::buildMXCPUPipeline(OpPassManager &pm,
                                  const MXCPUPipelineOptions &options) {
  buildMXCPUConversionStage(pm, options);
  buildMXCPULLVMStage(pm, options);
}

void mlir::mx::registerMXPipelines() {
  PassPipelineRegistration<MXCPUPipelineOptions>(
      "mx-cpu-pipeline",
      "Lower MX and linalg on tensors to the LLVM dialect for CPU execution "
      "(bit-exact emulation, vectorized unless vectorize=false; see "
      "mx::buildMXCPUPipeline)",
      [](OpPassManager &pm, const MXCPUPipelineOptions &options) {
        buildMXCPUPipeline(pm, options);
      });
}
