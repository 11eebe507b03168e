//===- NVVMPipeline.cpp - mx-nvvm-pipeline --------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/Passes.h"
#include "mx/Pipelines/Pipelines.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace mlir;

std::string mlir::mx::findCudaToolkit(StringRef given) {
  auto hasPtxas = [](StringRef dir) {
    SmallString<128> p(dir);
    llvm::sys::path::append(p, "bin", "ptxas");
    return llvm::sys::fs::can_execute(p);
  };
  if (!given.empty())
    return hasPtxas(given) ? given.str() : std::string();
  if (llvm::ErrorOr<std::string> ptxas = llvm::sys::findProgramByName("ptxas"))
    return llvm::sys::path::parent_path(llvm::sys::path::parent_path(*ptxas))
        .str();
  return hasPtxas("/usr/local/cuda") ? "/usr/local/cuda" : "";
}

LogicalResult mlir::mx::buildMXNVVMPipeline(
    OpPassManager &pm, const MXNVVMPipelineOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  auto fail = [&](const Twine &msg) {
    return errorHandler ? errorHandler("mx-nvvm-pipeline: " + msg) : failure();
  };
  std::optional<GPUMatmulPath> path =
      llvm::StringSwitch<std::optional<GPUMatmulPath>>(options.path)
          .Case("auto", GPUMatmulPath::Auto)
          .Case("native", GPUMatmulPath::Native)
          .Case("fp8", GPUMatmulPath::FP8)
          .Case("bf16", GPUMatmulPath::BF16)
          .Case("gemv", GPUMatmulPath::GEMV)
          .Default(std::nullopt);
  if (!path)
    return fail("path='" + options.path +
                "' is not one of auto, native, fp8, bf16, gemv");
  std::optional<StringRef> target =
      llvm::StringSwitch<std::optional<StringRef>>(options.format)
          .Case("ptx", StringRef("isa"))
          .Case("cubin", StringRef("bin"))
          .Case("fatbin", StringRef("fatbin"))
          .Default(std::nullopt);
  if (!target)
    return fail("format='" + options.format +
                "' is not one of ptx, cubin, fatbin");
  std::string toolkit;
  if (*target != "isa") {
    toolkit = findCudaToolkit(options.toolkit);
    if (toolkit.empty())
      return fail("format=" + options.format + " needs ptxas, which is not " +
                  (options.toolkit.empty()
                       ? Twine("on PATH or in /usr/local/cuda/bin")
                       : "in " + options.toolkit + "/bin") +
                  "; use format=ptx or install the CUDA toolkit");
  }

  ConvertMXToGPUPassOptions mxOpts;
  mxOpts.chip = options.chip;
  mxOpts.features = options.features;
  mxOpts.path = *path;
  pm.addPass(createConvertMXToGPUPass(mxOpts));

  // Host side, as in mx-cpu-pipeline.
  buildMXHostBufferizationPipeline(pm);

  // Kernels: bare pointers (static identity-layout memrefs), so a launcher
  // passes one device pointer per buffer (docs/Lowering.md, "Kernel ABI").
  ConvertGpuOpsToNVVMOpsOptions nvvmOpts;
  nvvmOpts.useBarePtrCallConv = true;
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps(nvvmOpts));
  pm.addNestedPass<gpu::GPUModuleOp>(createCanonicalizerPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());

  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  GpuToLLVMConversionPassOptions gpuOpts;
  gpuOpts.kernelBarePtrCallConv = true;
  pm.addPass(createGpuToLLVMConversionPass(gpuOpts));
  pm.addPass(createReconcileUnrealizedCastsPass());

  GpuModuleToBinaryPassOptions binOpts;
  binOpts.compilationTarget = target->str();
  binOpts.toolkitPath = toolkit;
  pm.addPass(createGpuModuleToBinaryPass(binOpts));
  return success();
}

void mlir::mx::registerMXNVVMPipeline() {
  registerPassPipeline(
      "mx-nvvm-pipeline",
      "Lower MX and linalg on tensors to the LLVM dialect with NVIDIA GPU "
      "kernels in a gpu.binary (see mx::buildMXNVVMPipeline)",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        std::unique_ptr<MXNVVMPipelineOptions> options =
            MXNVVMPipelineOptions::createFromString(text);
        if (!options)
          return failure();
        return buildMXNVVMPipeline(pm, *options, errorHandler);
      },
      [](function_ref<void(const ::mlir::detail::PassOptions &)> optHandler) {
        optHandler(MXNVVMPipelineOptions());
      });
}
