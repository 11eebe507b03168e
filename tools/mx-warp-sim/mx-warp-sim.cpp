//===- mx-warp-sim.cpp - Run MX's GPU kernels on a simulated warp ---------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx-warp-sim prog.mlir --chip=sm_120a --path=native [--perturb=lane-xor-1]
//
// Lowers the first mx.matmul (or mx.dequantize) of prog.mlir with
// convert-mx-to-gpu, runs its kernel on the CPU warp simulator
// (docs/WarpSimulator.md) on quantized random and edge-case inputs, and
// compares every output with the reference library: within twice
// mxref::matmulErrorBound for a matmul, bit for bit for a dequantization.
// Prints PASS or FAIL; exits 1 on FAIL or error.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToNVVM/MXToNVVM.h"
#include "mx/Dialect/MX/MXOps.h"
#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/InitAllDialects.h"
#include "mx/Numerics/Matmul.h"
#include "mx/Numerics/Packing.h"
#include "mx/Support/Nesting.h"
#include "mx/Target/NVVM/WarpSim.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <random>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input>"),
                                      cl::init("-"));
static cl::opt<std::string> chip("chip", cl::desc("The NVIDIA chip"),
                                 cl::init("sm_120a"));
static cl::opt<std::string>
    pathOpt("path",
            cl::desc("convert-mx-to-gpu's path: auto, native, fp8, "
                     "bf16 or gemv"),
            cl::init("auto"));
static cl::opt<std::string> perturb(
    "perturb",
    cl::desc("Break a lane mapping: none or [WHAT:]lane-xor-N, WHAT one of "
             "kernel (default), a, b, scale-a, scale-b, smem: that "
             "computation uses threadIdx.x ^ N; or break a tcgen05.mma: "
             "desc-swizzle, scale-a-column, scale-b-column"),
    cl::init("none"));
static cl::opt<std::string>
    kernelOpt("kernel",
              cl::desc("Run this gpu.func of the input (block size from its "
                       "known_block_size, grid 1x1x1) on the first "
                       "mx.matmul's inputs instead of lowering the matmul"),
              cl::init(""));
static cl::opt<unsigned> seed("seed", cl::desc("Input generator seed"),
                              cl::init(1));

namespace {

/// Random values of a few magnitudes, with zeros, negative zeros and
/// whole blocks much larger or smaller than their neighbours.
std::vector<float> makeInput(int64_t count, int64_t rowLen, std::mt19937 &rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (int64_t i = 0; i < count; ++i) {
    int64_t chunk = i / 16 + i / rowLen;
    float x = std::ldexp(u(rng), int(chunk * 7 % 13) - 6);
    if (i % 37 == 0)
      x = 0.0f;
    else if (i % 41 == 0)
      x = -0.0f;
    else if (i % 53 == 0)
      x *= 64.0f; // an outlier sets its block's scale
    v[i] = x;
  }
  return v;
}

int fail(const llvm::Twine &msg) {
  llvm::outs() << "FAIL: " << msg << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "MX warp simulator\n");
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  mx::ConvertMXToGPUPassOptions passOptions;
  passOptions.chip = chip;
  std::optional<mx::GPUMatmulPath> path =
      llvm::StringSwitch<std::optional<mx::GPUMatmulPath>>(pathOpt)
          .Case("auto", mx::GPUMatmulPath::Auto)
          .Case("native", mx::GPUMatmulPath::Native)
          .Case("fp8", mx::GPUMatmulPath::FP8)
          .Case("bf16", mx::GPUMatmulPath::BF16)
          .Case("gemv", mx::GPUMatmulPath::GEMV)
          .Default(std::nullopt);
  if (!path) {
    llvm::errs() << "mx-warp-sim: error: unknown --path '" << pathOpt << "'\n";
    return 1;
  }
  passOptions.path = *path;
  mx::warpsim::KernelToHostOptions simOptions;
  using Break = mx::warpsim::KernelToHostOptions::Tcgen05Break;
  std::optional<Break> tcBreak =
      llvm::StringSwitch<std::optional<Break>>(perturb)
          .Case("desc-swizzle", Break::DescSwizzle)
          .Case("scale-a-column", Break::ScaleAColumn)
          .Case("scale-b-column", Break::ScaleBColumn)
          .Default(std::nullopt);
  if (tcBreak) {
    simOptions.tcgen05Break = *tcBreak;
  } else if (perturb != "none") {
    StringRef rest = perturb;
    using Target = mx::warpsim::KernelToHostOptions::Target;
    std::optional<Target> target = Target::Kernel;
    if (rest.contains(':')) {
      auto [what, tail] = rest.split(':');
      rest = tail;
      target = llvm::StringSwitch<std::optional<Target>>(what)
                   .Case("kernel", Target::Kernel)
                   .Case("a", Target::A)
                   .Case("b", Target::B)
                   .Case("scale-a", Target::ScaleA)
                   .Case("scale-b", Target::ScaleB)
                   .Case("smem", Target::SharedStores)
                   .Default(std::nullopt);
    }
    if (target)
      simOptions.target = *target;
    if (!target || !rest.consume_front("lane-xor-") ||
        rest.getAsInteger(10, simOptions.laneXor) || simOptions.laneXor <= 0 ||
        simOptions.laneXor >= 32) {
      llvm::errs() << "mx-warp-sim: error: --perturb must be none, "
                      "[kernel|a|b|scale-a|scale-b|smem:]lane-xor-N with "
                      "0 < N < 32, desc-swizzle, scale-a-column or "
                      "scale-b-column\n";
      return 1;
    }
  }

  DialectRegistry registry;
  mx::registerAllDialects(registry);
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();
  ctx.printOpOnDiagnostic(false);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input = openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << "mx-warp-sim: error: " << error << "\n";
    return 1;
  }
  if (mxsupport::reportDeepNesting(*input, llvm::errs()))
    return 1;
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &ctx);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
  if (!module)
    return 1;

  // The op and its operands, read before the lowering replaces it.
  mx::MatmulOp matmul;
  mx::DequantizeOp dequantize;
  module->walk([&](Operation *op) {
    if (matmul || dequantize)
      return;
    if (auto m = dyn_cast<mx::MatmulOp>(op))
      matmul = m;
    else if (auto d = dyn_cast<mx::DequantizeOp>(op))
      dequantize = d;
  });
  if (!matmul && !dequantize) {
    emitError(module->getLoc(),
              "mx-warp-sim: the input has no mx.matmul or mx.dequantize");
    return 1;
  }
  mx::BlockScaledTensorType lhsType, rhsType;
  if (matmul) {
    lhsType = dyn_cast<mx::BlockScaledTensorType>(matmul.getLhs().getType());
    rhsType = dyn_cast<mx::BlockScaledTensorType>(matmul.getRhs().getType());
    if (!lhsType || !rhsType || lhsType.getRank() != 2 ||
        rhsType.getRank() != 2) {
      matmul.emitError("mx-warp-sim: both operands must be rank-2 "
                       "block-scaled tensors");
      return 1;
    }
  } else {
    lhsType = cast<mx::BlockScaledTensorType>(dequantize.getInput().getType());
    if (!dequantize.getType().getElementType().isF32()) {
      dequantize.emitError("mx-warp-sim: only dequantization to f32 is "
                           "checked");
      return 1;
    }
  }
  StringRef opName = matmul ? "matmul" : "dequantize";
  std::string lhsName, rhsName;
  llvm::raw_string_ostream(lhsName) << lhsType;
  if (rhsType)
    llvm::raw_string_ostream(rhsName) << rhsType;

  std::array<int64_t, 3> grid = {1, 1, 1}, block;
  std::string kernelName;
  gpu::GPUModuleOp gpuModule;
  // Launches before the matmul's that repack the lhs (0) or rhs (1) codes
  // (the emulated MMA paths, docs/Lowering.md "Repacked operands"): they run
  // first, and the matmul kernel reads their output instead of the codes.
  struct Repack {
    std::string name;
    std::array<int64_t, 3> grid = {1, 1, 1}, block = {1, 1, 1};
    MemRefType in, out;
    std::vector<uint8_t> data;
  } repacks[2];
  if (!kernelOpt.empty()) {
    // A hand-written kernel in the matmul's component convention.
    gpu::GPUFuncOp func;
    module->walk([&](gpu::GPUFuncOp f) {
      if (!func && f.getName() == kernelOpt)
        func = f;
    });
    if (!func) {
      emitError(module->getLoc(),
                "mx-warp-sim: no gpu.func named '" + kernelOpt + "'");
      return 1;
    }
    std::optional<ArrayRef<int32_t>> known = func.getKnownBlockSize();
    if (!known || known->size() != 3) {
      func.emitError("mx-warp-sim: --kernel needs known_block_size on the "
                     "gpu.func");
      return 1;
    }
    for (int i = 0; i < 3; ++i)
      block[i] = (*known)[i];
    kernelName = kernelOpt;
    gpuModule = func->getParentOfType<gpu::GPUModuleOp>();
  } else {
    PassManager pm(&ctx);
    pm.addPass(mx::createConvertMXToGPUPass(passOptions));
    if (failed(pm.run(*module)))
      return 1;

    gpu::LaunchFuncOp launch;
    module->walk([&](gpu::LaunchFuncOp op) {
      if (!launch && op.getKernelName().getValue().contains(opName))
        launch = op;
    });
    if (!launch) {
      emitError(module->getLoc(), "mx-warp-sim: the " + opName +
                                      " was not lowered to a GPU kernel");
      return 1;
    }
    auto dimsOf = [](gpu::LaunchFuncOp l, std::array<int64_t, 3> &g,
                     std::array<int64_t, 3> &bl) {
      Value sizes[6] = {l.getGridSizeX(),  l.getGridSizeY(),
                        l.getGridSizeZ(),  l.getBlockSizeX(),
                        l.getBlockSizeY(), l.getBlockSizeZ()};
      for (int i = 0; i < 6; ++i) {
        std::optional<int64_t> c = getConstantIntValue(sizes[i]);
        if (!c) {
          l.emitError("mx-warp-sim: launch sizes must be constants");
          return false;
        }
        (i < 3 ? g[i] : bl[i - 3]) = *c;
      }
      return true;
    };
    if (!dimsOf(launch, grid, block))
      return 1;
    // mx_matmul_<path>_<n> reads the output of mx_repack_{lhs,rhs}_<n>.
    StringRef number = launch.getKernelName().getValue().rsplit('_').second;
    for (int side = 0; side < 2; ++side) {
      std::string name =
          (Twine(side ? "mx_repack_rhs_" : "mx_repack_lhs_") + number).str();
      gpu::LaunchFuncOp repack;
      module->walk([&](gpu::LaunchFuncOp op) {
        if (op.getKernelName().getValue() == name)
          repack = op;
      });
      if (!repack)
        continue;
      if (!dimsOf(repack, repacks[side].grid, repacks[side].block))
        return 1;
      repacks[side].name = name;
    }
    kernelName = launch.getKernelName().getValue().str();
    gpuModule =
        module->lookupSymbol<gpu::GPUModuleOp>(launch.getKernelModuleName());
  }
  FailureOr<OwningOpRef<ModuleOp>> host =
      mx::warpsim::convertKernelsToHost(gpuModule, simOptions);
  if (failed(host))
    return 1;
  auto kernel = (**host).lookupSymbol<func::FuncOp>(kernelName);
  SmallVector<MemRefType> argTypes;
  for (Type t : kernel.getArgumentTypes().drop_front(mx::warpsim::kNumIdArgs))
    if (auto m = dyn_cast<MemRefType>(t))
      argTypes.push_back(m);
  bool tensorScale =
      kernel.getNumArguments() == mx::warpsim::kNumIdArgs + (matmul ? 6 : 4);
  if (argTypes.size() != (matmul ? 5u : 3u)) {
    kernel.emitError("mx-warp-sim: unexpected kernel signature");
    return 1;
  }

  // A repack kernel's arguments: the codes, the copy (written).
  for (Repack &r : repacks) {
    if (r.name.empty())
      continue;
    auto repackFn = (**host).lookupSymbol<func::FuncOp>(r.name);
    // The launch names a kernel the host conversion must have produced; a
    // hand-written module may not have it.
    if (!repackFn ||
        repackFn.getNumArguments() <= mx::warpsim::kNumIdArgs + 1 ||
        !isa<MemRefType>(
            repackFn.getArgumentTypes()[mx::warpsim::kNumIdArgs]) ||
        !isa<MemRefType>(repackFn.getArgumentTypes().back())) {
      kernel.emitError("mx-warp-sim: repack kernel @")
          << r.name << " is missing or has an unexpected signature";
      return 1;
    }
    r.in =
        cast<MemRefType>(repackFn.getArgumentTypes()[mx::warpsim::kNumIdArgs]);
    r.out = cast<MemRefType>(repackFn.getArgumentTypes().back());
  }

  mx::CompileOptions compileOptions;
  compileOptions.symbols = mx::warpsim::getRuntimeSymbols();
  auto compiled = mx::CompiledModule::compile(**host, compileOptions);
  if (failed(compiled))
    return 1;
  auto fn = (*compiled)->lookupPacked("_mlir_ciface_" + kernelName);
  if (!fn) {
    llvm::errs() << "mx-warp-sim: error: " << llvm::toString(fn.takeError())
                 << "\n";
    return 1;
  }

  // Inputs quantized by the reference library, in component form.
  std::mt19937 rng(seed);
  auto quantizeOperand = [&](mx::BlockScaledTensorType type)
      -> llvm::Expected<mxref::QuantizedTensor> {
    SmallVector<int64_t> shape(type.getShape()), blk(type.getBlock());
    int64_t count = 1;
    for (int64_t d : shape)
      count *= d;
    std::vector<float> values = makeInput(count, shape.back(), rng);
    return mxref::quantize(values, shape, blk, type.getFormat().getFormat());
  };
  if (dequantize) {
    auto q = quantizeOperand(lhsType);
    if (!q)
      return fail(llvm::toString(q.takeError()));
    std::vector<uint8_t> elems =
        mxref::packElements(q->format.elem, q->elements);
    std::vector<float> out(q->getNumElements(), NAN);
    void *data[3] = {elems.data(), q->scales.data(), out.data()};
    int64_t sizes[3] = {int64_t(elems.size()), int64_t(q->scales.size()),
                        int64_t(out.size())};
    SmallVector<mx::MemRefDescriptor> descs;
    for (int i = 0; i < 3; ++i) {
      if (sizes[i] != argTypes[i].getNumElements())
        return fail(llvm::formatv("buffer {0} has {1} elements, the kernel "
                                  "takes {2}",
                                  i, sizes[i], argTypes[i].getNumElements()));
      descs.emplace_back(data[i], argTypes[i].getShape());
    }
    SmallVector<void *> descPtrs, args;
    for (auto &d : descs)
      descPtrs.push_back(d.get());
    float g = q->tensorDecodeScale;
    args = {&descPtrs[0], &descPtrs[1]};
    if (tensorScale)
      args.push_back(&g);
    args.push_back(&descPtrs[2]);
    llvm::outs() << llvm::formatv(
        "mx-warp-sim: dequantize {0} on {1}: kernel {2}, grid ({3}, {4}, {5}), "
        "block ({6}, {7}, {8})\n",
        lhsName, chip, kernelName, grid[0], grid[1], grid[2], block[0],
        block[1], block[2]);
    if (llvm::Error e = mx::warpsim::runGrid(*fn, args, grid, block))
      return fail(llvm::toString(std::move(e)));
    std::vector<float> ref = mxref::dequantize(*q);
    int64_t bad = 0, firstBad = -1;
    for (size_t i = 0; i < ref.size(); ++i)
      if (std::memcmp(&ref[i], &out[i], sizeof(float)) != 0 &&
          !(std::isnan(ref[i]) && std::isnan(out[i])) && !bad++)
        firstBad = i;
    if (bad)
      return fail(llvm::formatv("{0} of {1} outputs differ from the reference "
                                "bit for bit; first at flat index {2}: got "
                                "{3:e}, expected {4:e}",
                                bad, ref.size(), firstBad, out[firstBad],
                                ref[firstBad]));
    llvm::outs() << llvm::formatv(
        "PASS: {0} of {0} outputs bit-exact with the reference\n", ref.size());
    return 0;
  }
  auto qa = quantizeOperand(lhsType);
  if (!qa)
    return fail(llvm::toString(qa.takeError()));
  auto qb = quantizeOperand(rhsType);
  if (!qb)
    return fail(llvm::toString(qb.takeError()));
  int64_t m = lhsType.getShape()[0], n = rhsType.getShape()[1],
          k = lhsType.getShape()[1];
  std::vector<uint8_t> buffers[4] = {
      mxref::packElements(qa->format.elem, qa->elements), qa->scales,
      mxref::packElements(qb->format.elem, qb->elements), qb->scales};
  std::vector<float> out(m * n, NAN);
  SmallVector<mx::MemRefDescriptor> descs;
  for (int i = 0; i < 4; ++i) {
    if (int64_t(buffers[i].size()) != argTypes[i].getNumElements())
      return fail(llvm::formatv("component {0} has {1} bytes, the kernel "
                                "takes {2}",
                                i, buffers[i].size(),
                                argTypes[i].getNumElements()));
    descs.emplace_back(buffers[i].data(), argTypes[i].getShape());
  }
  descs.emplace_back(out.data(), argTypes[4].getShape());
  float g = qa->tensorDecodeScale * qb->tensorDecodeScale;
  SmallVector<void *> descPtrs, args;
  for (auto &d : descs)
    descPtrs.push_back(d.get());
  for (void *&p : descPtrs)
    args.push_back(&p);
  if (tensorScale)
    args.push_back(&g);
  std::string after;
  for (int side = 0; side < 2; ++side) {
    Repack &r = repacks[side];
    if (r.name.empty())
      continue;
    auto repack = (*compiled)->lookupPacked("_mlir_ciface_" + r.name);
    if (!repack)
      return fail(llvm::toString(repack.takeError()));
    std::vector<uint8_t> &codes = buffers[side ? 2 : 0];
    r.data.assign(r.out.getNumElements(), 0);
    mx::MemRefDescriptor in(codes.data(), r.in.getShape());
    mx::MemRefDescriptor copy(r.data.data(), r.out.getShape());
    void *inPtr = in.get(), *copyPtr = copy.get();
    SmallVector<void *> repackArgs = {&inPtr, &copyPtr};
    if (llvm::Error e =
            mx::warpsim::runGrid(*repack, repackArgs, r.grid, r.block))
      return fail(llvm::toString(std::move(e)));
    int arg = side ? 2 : 0;
    descs[arg] = mx::MemRefDescriptor(r.data.data(), r.out.getShape());
    descPtrs[arg] = descs[arg].get();
    after += ", after " + r.name;
  }

  llvm::outs() << llvm::formatv(
      "mx-warp-sim: {0}x{1}x{2} {3} x {4} {5}: kernel {6}, grid ({7}, "
      "{8}, {9}), block ({10}, {11}, {12}){13}{14}\n",
      m, n, k, lhsName, rhsName,
      kernelOpt.empty() ? "on " + chip : std::string("(hand-written)"),
      kernelName, grid[0], grid[1], grid[2], block[0], block[1], block[2],
      perturb != "none" ? ", perturbed: " + perturb : std::string(), after);
  if (llvm::Error e = mx::warpsim::runGrid(*fn, args, grid, block))
    return fail(llvm::toString(std::move(e)));

  auto ref = mxref::matmul(*qa, *qb);
  if (!ref)
    return fail(llvm::toString(ref.takeError()));
  auto bound = mxref::matmulErrorBound(*qa, *qb);
  if (!bound)
    return fail(llvm::toString(bound.takeError()));
  int64_t bad = 0, exact = 0, firstBad = -1;
  double worst = 0;
  for (int64_t i = 0; i < m * n; ++i) {
    float want = ref->values[i], got = out[i];
    double limit = 2 * (*bound)[i];
    bool ok;
    if (std::isnan(want) || std::isnan(limit))
      ok = std::isnan(got);
    else
      ok = std::fabs(double(got) - double(want)) <= limit;
    if (std::memcmp(&want, &got, sizeof(float)) == 0)
      ++exact;
    if (!ok) {
      ++bad;
      if (firstBad < 0)
        firstBad = i;
    } else if (limit > 0) {
      worst = std::max(worst, std::fabs(double(got) - double(want)) / limit);
    }
  }
  if (bad) {
    int64_t i = firstBad;
    return fail(llvm::formatv(
        "{0} of {1} outputs outside twice the reference error bound; first "
        "at [{2}, {3}]: got {4:e}, expected {5:e} (bound {6:e})",
        bad, m * n, i / n, i % n, out[i], ref->values[i], 2 * (*bound)[i]));
  }
  llvm::outs() << llvm::formatv(
      "PASS: {0} of {0} outputs within twice the reference error bound "
      "({1} bit-exact, max |error| / bound {2:F3})\n",
      m * n, exact, worst);
  return 0;
}
