//===- gemv-bench.cpp - Compiled MX GEMV and quantization throughput ------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Compiles mx.matmul GEMV kernels (f32 or quantized activations [1, K] times
// block-scaled weights [K, N]) and mx.quantize kernels through
// mx-cpu-pipeline and the ExecutionEngine at O3, runs them on 1 and 2
// threads and reports ns/element, GB/s of weight traffic (packed elements +
// scales) and that traffic as a fraction of the read bandwidth measured in
// the same run with the same number of threads (MemoryBandwidth.h; its
// passes alternate with the kernel's, best of each).
//
// Threads split N: each thread owns a column panel of every weight matrix,
// stored contiguously (a load-time layout choice), and calls the kernel
// compiled for [K, N / threads] on it; no synchronisation inside a pass.
// Weights come from DRAM: enough random matrices are rotated that the
// working set is at least --gib GiB (default 2, >= 4x the 480 MiB L3 that
// lscpu reports here); the cache-resident figure repeats one matrix.
// Each configuration is checked once against the reference mxref::matmul /
// mxref::quantize bit for bit before it is timed.
//
// --in-code-threads=T instead compiles the GEMVs with mx-cpu-pipeline
// {threads=T} (0: all hardware threads) and calls them from one harness
// thread on the whole [K, N] matrix: the compiled code splits N itself
// (docs/Lowering.md, "Threads"); bandwidth is then measured with T threads.
//
// Usage: mx-bench-gemv [--gib=G] [--passes=P] [--k=K] [--n=N]
//                      [--no-quantize] [--dump-object=FILE]
//                      [--prefetch-distance=D] [--no-table-lookup]
//                      [--no-integer-dot]
//                      [--no-vectorize]   (mx-cpu-pipeline options)
//                      [--in-code-threads=T] [--weights=PRESET]
//                      [--huge-activation] [--constant-weights]
//                      [--kernel-layout]
//                      [--target=host|avx512|avx512-vnni|avx512-vbmi|avx2|
//                                avx2-vnni|generic] [--fast-subnormals]
//
// --target picks mx-cpu-pipeline's vector target; avx2 and avx2-vnni also
// take AVX-512 out of LLVM's target machine, so that an AVX-512 host runs
// the AVX2-only path's code (docs/Benchmarks.md, "FP8 weights by bits on
// Intel"); --fast-subnormals is mx-cpu-pipeline's fast-subnormals (AVX2's
// bit decode of E4M3 weights, which target=host picks on AMD Zen only).
// --constant-weights compiles each matrix (each panel) into its own module
// with the weights as an mx.constant, as a model's weights are after
// mx-apply-policy: the integer dot then reads them re-laid at compile time
// (docs/Lowering.md, "Constant weights in the integer dot"). Compiling
// takes some seconds per matrix; use --gib=1.
// --kernel-layout passes the weights in marked mx.kernel_layout: each matrix
// (each panel) is re-laid once, untimed, by the layout function the lowering
// defines, as a program would at load time (docs/Lowering.md, "Weights
// re-laid at load time"); the GEMV then reads the layout of constant weights.
// --weights=PRESET runs only the cases with those weights (e.g. mxfp8_e4m3,
// mxfp6_e2m3).
// --huge-activation makes the last f32 activation 2^121: E4M3 weights then
// take the GEMV nest without the fold of 2^8 into the activations
// (docs/Lowering.md, "FP8 weights"), the same binary's "before".
//
//===----------------------------------------------------------------------===//

#include "BenchCommon.h"
#include "ConstantWeights.h"
#include "MemoryBandwidth.h"

#include "mx/Dialect/MX/MXOps.h"
#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/InitAllDialects.h"
#include "mx/Numerics/Format.h"
#include "mx/Numerics/Matmul.h"
#include "mx/Numerics/Packing.h"
#include "mx/Numerics/Quantize.h"
#include "mx/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/MemRefUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <malloc.h>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace mxref;

namespace {

struct Options {
  double gib = 2.0;
  int passes = 3;
  int64_t k = 4096, n = 14336;
  bool quantize = true;
  std::string dumpObject;
  mlir::mx::MXCPUPipelineOptions pipeline;
  bool inCodeThreads = false;  ///< pipeline.threads splits N, not the harness
  std::string weights;         ///< only these weights' cases; empty: all
  bool hugeActivation = false; ///< the last f32 activation 2^121
  /// Each matrix (panel) compiled into its own module as an mx.constant,
  /// which the integer dot reads re-laid (docs/Lowering.md, "Constant
  /// weights in the integer dot"); the entry takes the activations only.
  bool constantWeights = false;
  bool kernelLayout = false;
  std::string target = "host"; ///< --target, as given
};

using mxbench::now;
using mxbench::Rng;

/// A JIT-compiled module and its one entry point.
struct Kernel {
  std::unique_ptr<mlir::mx::CompiledModule> compiled;
  void *fn = nullptr;
};

/// `func.func @name(args) -> result attributes {llvm.emit_c_interface}`,
/// its body built by `body` from the arguments.
mlir::OwningOpRef<mlir::ModuleOp>
buildKernel(mlir::MLIRContext &ctx, llvm::StringRef name, mlir::TypeRange args,
            mlir::Type result,
            llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                           mlir::ValueRange)>
                body) {
  mlir::Location loc = mlir::UnknownLoc::get(&ctx);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::ModuleOp::create(loc);
  mlir::OpBuilder b = mlir::OpBuilder::atBlockEnd(module->getBody());
  auto fn =
      mlir::func::FuncOp::create(b, loc, name, b.getFunctionType(args, result));
  fn->setAttr(mlir::LLVM::LLVMDialect::getEmitCWrapperAttrName(),
              b.getUnitAttr());
  mlir::Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  mlir::func::ReturnOp::create(b, loc, body(b, loc, entry->getArguments()));
  return module;
}

std::optional<Kernel> compile(mlir::ModuleOp module, llvm::StringRef name,
                              llvm::TargetMachine *tm,
                              const std::string &dumpObject,
                              const mlir::mx::MXCPUPipelineOptions &pipeline) {
  mlir::mx::CompileOptions opts;
  opts.pipeline = &pipeline;
  opts.optLevel = 3;
  opts.targetMachine = tm;
  opts.enableObjectDump = !dumpObject.empty();
  auto compiled = mlir::mx::CompiledModule::compile(module, opts);
  if (mlir::failed(compiled))
    return std::nullopt;
  Kernel k;
  k.compiled = std::move(*compiled);
  if (!dumpObject.empty())
    k.compiled->dumpToObjectFile(dumpObject);
  auto fn = k.compiled->lookup(("_mlir_ciface_" + name).str());
  if (!fn) {
    llvm::errs() << "lookup: " << llvm::toString(fn.takeError()) << "\n";
    return std::nullopt;
  }
  k.fn = *fn;
  return k;
}

/// A row-major rows x cols descriptor over caller-owned data (upstream's
/// MemRefUtils builds the strides).
template <typename T>
StridedMemRefType<T, 2> view2D(T *data, int64_t rows, int64_t cols) {
  return mlir::detail::makeStridedMemRefDescriptor<2>(data, data, {rows, cols},
                                                      {rows, cols});
}

//===----------------------------------------------------------------------===//
// GEMV
//===----------------------------------------------------------------------===//

struct GemvCase {
  const char *weights; ///< preset name
  int64_t kb, bn;      ///< weight block [kb, bn]
  const char *acts;    ///< nullptr: f32 activations; else a preset
};

/// Weight storage of one matrix: `threads` column panels, each contiguous.
struct Matrix {
  mxbench::AlignedVector<uint8_t> packed, scales;
};

using GemvFn = void (*)(StridedMemRefType<float, 2> *,
                        StridedMemRefType<float, 2> *,
                        StridedMemRefType<int8_t, 2> *,
                        StridedMemRefType<int8_t, 2> *);
using GemvFnTS = void (*)(StridedMemRefType<float, 2> *,
                          StridedMemRefType<float, 2> *,
                          StridedMemRefType<int8_t, 2> *,
                          StridedMemRefType<int8_t, 2> *, float);

/// `@gemv(a: [1, K] f32[, w]) -> [1, N]`: the activations quantized to
/// c.acts inside (when given), times the weights, an argument (in the layout
/// of `@relayout` with `kernelLayout`) or, when `packed` is given, an
/// mx.constant of those bytes and `scales`.
mlir::OwningOpRef<mlir::ModuleOp>
gemvModule(mlir::MLIRContext &ctx, const GemvCase &c, int64_t k, int64_t n,
           std::optional<llvm::ArrayRef<uint8_t>> packed = std::nullopt,
           llvm::ArrayRef<uint8_t> scales = {}, float tensorScale = 1.0f,
           bool kernelLayout = false) {
  using namespace mlir;
  Format f = *lookupPreset(c.weights);
  auto w = mx::BlockScaledTensorType::get(
      &ctx, {k, n}, mx::FormatAttr::get(&ctx, f), {c.kb, c.bn});
  auto a = RankedTensorType::get({1, k}, Float32Type::get(&ctx));
  auto result = RankedTensorType::get({1, n}, Float32Type::get(&ctx));
  SmallVector<Type> args = {a};
  if (!packed)
    args.push_back(w);
  auto module = buildKernel(
      ctx, "gemv", args, result,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value weights = packed ? mxbench::constantWeights(b, loc, w, *packed,
                                                          scales, tensorScale)
                               : args[1];
        Value lhs = args[0];
        if (c.acts)
          lhs = mx::QuantizeOp::create(
              b, loc,
              // K blocks of the weights' size (mx.matmul requires it).
              mx::BlockScaledTensorType::get(
                  &ctx, {1, k},
                  mx::FormatAttr::get(&ctx, *lookupPreset(c.acts)), {1, c.kb}),
              lhs, /*tensor_scale=*/Value(), /*random_bits=*/Value(),
              mx::ScaleModeAttr());
        return mx::MatmulOp::create(b, loc, result, lhs, weights);
      });
  if (kernelLayout)
    (*module).lookupSymbol<func::FuncOp>("gemv").setArgAttr(
        1, mx::MXDialect::getKernelLayoutAttrName(),
        FlatSymbolRefAttr::get(&ctx, "relayout"));
  return module;
}

/// Random weight bytes: any element code but FP8's NaN and Inf ones, which
/// no quantizer writes for finite weights (the E4M3 bit decode would
/// take its rare NaN path in every block); scales in a range that keeps
/// products finite (E8M0 2^-8..2^8, UE4M3 positive non-NaN).
void fillMatrix(Matrix &m, const Format &f, int64_t k, int64_t n, int64_t kb,
                int64_t bn, uint64_t seed) {
  unsigned bits = getElemInfo(f.elem).bits;
  m.packed.resize(k * n * bits / 8);
  m.scales.resize((k / kb) * (n / bn));
  Rng r(seed);
  size_t i = 0;
  for (; i + 8 <= m.packed.size(); i += 8) {
    uint64_t v = r.next();
    std::memcpy(&m.packed[i], &v, 8);
  }
  for (; i < m.packed.size(); ++i)
    m.packed[i] = uint8_t(r.next());
  // The largest finite magnitude instead (its exponent, E5M2's below Inf).
  if (f.elem == ElemKind::E4M3)
    for (uint8_t &c : m.packed)
      c = (c & 0x7f) == 0x7f ? c ^ 0x01 : c;
  if (f.elem == ElemKind::E5M2)
    for (uint8_t &c : m.packed)
      c = (c & 0x7c) == 0x7c ? c ^ 0x04 : c;
  for (uint8_t &s : m.scales) {
    uint64_t v = r.next() >> 32;
    s = f.scale == ScaleKind::E8M0 ? uint8_t(119 + v % 17)
                                   : uint8_t(0x28 + v % 0x30);
  }
}

/// The reference QuantizedTensor of column panel `p` of `threads` panels.
QuantizedTensor panelTensor(const Matrix &m, const Format &f, int64_t k,
                            int64_t n, int64_t kb, int64_t bn, int threads,
                            int p, float tensorScale) {
  int64_t pn = n / threads;
  unsigned bits = getElemInfo(f.elem).bits;
  size_t pBytes = k * pn * bits / 8, sBytes = (k / kb) * (pn / bn);
  QuantizedTensor q;
  q.format = f;
  q.shape = {k, pn};
  q.block = {kb, bn};
  q.elements = unpackElements(
      f.elem, llvm::ArrayRef<uint8_t>(m.packed.data() + p * pBytes, pBytes),
      k * pn);
  q.scales.assign(m.scales.begin() + p * sBytes,
                  m.scales.begin() + (p + 1) * sBytes);
  q.tensorDecodeScale = f.tensorScale ? tensorScale : 1.0f;
  return q;
}

struct GemvRunner {
  const Kernel &kernel;
  bool hasTS;
  float tensorScale;
  int64_t k, pn, kb, bn;
  size_t pBytes, sBytes;
  const std::vector<float> &act;

  /// With constant weights: kernel i * threads + p holds panel p of
  /// matrix i.
  const std::vector<Kernel> *constKernels = nullptr;
  const Matrix *mat0 = nullptr;
  int threads = 1;

  void call(const Matrix &m, int p, float *out) const {
    auto a = view2D(const_cast<float *>(act.data()), 1, k);
    if (constKernels) {
      size_t i = size_t(&m - mat0) * threads + p;
      StridedMemRefType<float, 2> res;
      using ConstFn = void (*)(StridedMemRefType<float, 2> *,
                               StridedMemRefType<float, 2> *);
      reinterpret_cast<ConstFn>((*constKernels)[i].fn)(&res, &a);
      if (out)
        std::memcpy(out, res.data, pn * sizeof(float));
      std::free(res.basePtr);
      return;
    }
    auto pk = view2D(reinterpret_cast<int8_t *>(
                         const_cast<uint8_t *>(m.packed.data() + p * pBytes)),
                     k, int64_t(pBytes) / k);
    auto sc = view2D(reinterpret_cast<int8_t *>(
                         const_cast<uint8_t *>(m.scales.data() + p * sBytes)),
                     k / kb, pn / bn);
    StridedMemRefType<float, 2> res;
    if (hasTS)
      reinterpret_cast<GemvFnTS>(kernel.fn)(&res, &a, &pk, &sc, tensorScale);
    else
      reinterpret_cast<GemvFn>(kernel.fn)(&res, &a, &pk, &sc);
    if (out)
      std::memcpy(out, res.data, pn * sizeof(float));
    std::free(res.basePtr);
  }
};

double runPasses(int threads, int passes,
                 const std::function<void(int)> &perThread) {
  double best = 1e30;
  for (int r = 0; r < passes; ++r) {
    std::vector<std::thread> pool;
    double t0 = now();
    for (int t = 0; t < threads; ++t)
      pool.emplace_back(perThread, t);
    for (std::thread &th : pool)
      th.join();
    best = std::min(best, now() - t0);
  }
  return best;
}

bool benchGemv(mlir::MLIRContext &ctx, llvm::TargetMachine *tm,
               const Options &o, const GemvCase &c, int threads,
               const std::vector<float> &bwBuf, std::vector<Matrix> &mats,
               bool &dumped) {
  Format f = *lookupPreset(c.weights);
  int64_t k = o.k, n = o.n, pn = n / threads;
  std::string name = std::string(c.weights) + " [" + std::to_string(c.kb) +
                     "x" + std::to_string(c.bn) + "], acts " +
                     (c.acts ? c.acts : "f32");
  std::optional<Kernel> kernel = compile(
      *gemvModule(ctx, c, k, pn, std::nullopt, {}, 1.0f, o.kernelLayout),
      "gemv", tm, dumped ? std::string() : o.dumpObject, o.pipeline);
  dumped = true;
  if (!kernel)
    return false;
  unsigned bits = getElemInfo(f.elem).bits;
  size_t pBytes = k * pn * bits / 8, sBytes = (k / c.kb) * (pn / c.bn);
  float tensorScale = 0.0123f;
  std::vector<float> act(k);
  Rng r(7);
  for (float &v : act)
    v = (r.uniform() + r.uniform() + r.uniform() - 1.5f) * 2.0f;
  if (o.hugeActivation && !c.acts) {
    act[k - 1] = std::ldexp(1.0f, 121);
    name += " (one 2^121)";
  }
  GemvRunner run{*kernel, f.tensorScale, tensorScale, k,      pn,
                 c.kb,    c.bn,          pBytes,      sBytes, act};
  std::vector<Kernel> constKernels;
  if (o.constantWeights) {
    // One module per matrix and panel; matrices are contiguous in `mats`.
    for (const Matrix &m : mats)
      for (int p = 0; p < threads; ++p) {
        std::optional<Kernel> ck = compile(
            *gemvModule(
                ctx, c, k, pn,
                llvm::ArrayRef<uint8_t>(m.packed.data() + p * pBytes, pBytes),
                llvm::ArrayRef<uint8_t>(m.scales.data() + p * sBytes, sBytes),
                tensorScale),
            "gemv", tm, std::string(), o.pipeline);
        if (!ck)
          return false;
        constKernels.push_back(std::move(*ck));
      }
    run.constKernels = &constKernels;
    run.mat0 = mats.data();
    run.threads = threads;
    name += " (constant)";
  }
  // Weights in the kernel's layout: each panel of each matrix re-laid once
  // by @relayout into a copy (the originals stay for the reference and the
  // other cases).
  std::vector<Matrix> laid;
  if (o.kernelLayout) {
    auto relayout = kernel->compiled->lookup("_mlir_ciface_relayout");
    if (!relayout) {
      llvm::errs() << "lookup: " << llvm::toString(relayout.takeError())
                   << "\n";
      return false;
    }
    laid.resize(mats.size());
    double t0 = now();
    for (size_t i = 0; i < mats.size(); ++i) {
      laid[i].packed.resize(mats[i].packed.size());
      laid[i].scales.resize(mats[i].scales.size());
      for (int p = 0; p < threads; ++p)
        mxbench::relayoutWeights(
            *relayout, mats[i].packed.data() + p * pBytes, k,
            int64_t(pBytes) / k, mats[i].scales.data() + p * sBytes, k / c.kb,
            pn / c.bn,
            f.tensorScale ? std::optional<float>(tensorScale) : std::nullopt,
            laid[i].packed.data() + p * pBytes,
            laid[i].scales.data() + p * sBytes);
    }
    double t = now() - t0, bytes = double(mats.size()) * (pBytes + sBytes);
    // With --in-code-threads the layout function copies in panels itself.
    llvm::outs() << llvm::format(
        "  re-laid %zu matrices (%d panel(s) each) in %.3f s, %.2f GB/s, "
        "%u thread(s)\n",
        mats.size(), threads, t, bytes * threads / t / 1e9,
        o.inCodeThreads ? mlir::mx::resolveThreads(o.pipeline.threads) : 1u);
    name += " (kernel layout)";
  }
  // The matrices the GEMV reads.
  std::vector<Matrix> &read = o.kernelLayout ? laid : mats;

  // Bit-exact check of every panel of matrix 0 against mxref::matmul.
  std::optional<QuantizedTensor> qa;
  if (c.acts) {
    int64_t shape[2] = {1, k};
    std::vector<int64_t> block = {1, c.kb};
    auto q = quantize(act, shape, block, *lookupPreset(c.acts));
    if (!q) {
      llvm::errs() << llvm::toString(q.takeError()) << "\n";
      return false;
    }
    qa = std::move(*q);
  }
  int64_t aShape[2] = {1, k};
  for (int p = 0; p < threads; ++p) {
    QuantizedTensor qb =
        panelTensor(mats[0], f, k, n, c.kb, c.bn, threads, p, tensorScale);
    MatmulOperand lhs = qa ? MatmulOperand(*qa) : MatmulOperand(act, aShape);
    auto ref = matmul(lhs, MatmulOperand(qb));
    if (!ref) {
      llvm::errs() << llvm::toString(ref.takeError()) << "\n";
      return false;
    }
    std::vector<float> got(pn);
    run.call(read[0], p, got.data());
    for (int64_t i = 0; i < pn; ++i) {
      uint32_t g, e;
      std::memcpy(&g, &got[i], 4);
      std::memcpy(&e, &ref->values[i], 4);
      // NaN sign and payload are not part of the contract (x86 returns
      // either operand's NaN and LLVM may commute an add): NaN == NaN.
      if (g != e && !(std::isnan(got[i]) && std::isnan(ref->values[i]))) {
        llvm::errs() << llvm::format(
            "MISMATCH against mxref::matmul: %s, panel %d column %lld: "
            "0x%08x, reference 0x%08x\n",
            name.c_str(), p, (long long)i, g, e);
        return false;
      }
    }
  }

  auto dram = [&](int t) {
    for (const Matrix &m : read)
      run.call(m, t, nullptr);
  };
  auto cached = [&](int t) {
    for (size_t i = 0; i < read.size(); ++i)
      run.call(read[0], t, nullptr);
  };
  runPasses(threads, 1, cached); // warm up (pages, caches, clocks)
  // Bandwidth and kernel passes alternate (ABAB), so drift hits both.
  double tD = 1e30, bw = 0;
  int bwThreads = o.inCodeThreads
                      ? int(mlir::mx::resolveThreads(o.pipeline.threads))
                      : threads;
  for (int r = 0; r < o.passes; ++r) {
    bw = std::max(bw, mxbench::measureReadBandwidth(bwBuf.data(), bwBuf.size(),
                                                    bwThreads, 1));
    tD = std::min(tD, runPasses(threads, 1, dram) / double(mats.size()));
  }
  double tC = runPasses(threads, o.passes, cached) / double(mats.size());
  double bytes = double(mats[0].packed.size() + mats[0].scales.size());
  double elems = double(k) * double(n);
  auto line = [&](const char *where, double t, bool frac) {
    llvm::outs() << llvm::format(
        "  %-38s %d thr%s %-6s %8.3f ms %7.4f ns/elem %6.2f GB/s", name.c_str(),
        bwThreads, o.inCodeThreads ? " (in code)" : "", where, t * 1e3,
        t * 1e9 / elems, bytes / t / 1e9);
    if (frac)
      llvm::outs() << llvm::format("  %5.1f%% of %.1f GB/s",
                                   100.0 * bytes / t / 1e9 / bw, bw);
    llvm::outs() << "\n";
  };
  line("DRAM", tD, true);
  line("cache", tC, false);
  return true;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

struct QuantResult {
  StridedMemRefType<int8_t, 2> packed, scales;
  float tensorScale;
};
using QuantFn = void (*)(QuantResult *, StridedMemRefType<float, 2> *);
using QuantFnTS = void (*)(QuantResult *, StridedMemRefType<float, 2> *, float);

bool benchQuantize(mlir::MLIRContext &ctx, llvm::TargetMachine *tm,
                   const Options &o, const char *preset, int threads,
                   const std::vector<std::vector<float>> &inputs) {
  Format f = *lookupPreset(preset);
  int64_t rows = o.k, cols = o.n, pr = rows / threads;
  // NVFP4 with a calibrated tensor scale, so that row panels quantize
  // exactly as the whole matrix does.
  using namespace mlir;
  auto ty =
      mx::BlockScaledTensorType::get({pr, cols}, mx::FormatAttr::get(&ctx, f));
  Type f32 = Float32Type::get(&ctx);
  SmallVector<Type> args = {RankedTensorType::get({pr, cols}, f32)};
  if (f.tensorScale)
    args.push_back(f32);
  OwningOpRef<ModuleOp> module =
      buildKernel(ctx, "quant", args, ty,
                  [&](OpBuilder &b, Location loc, ValueRange in) -> Value {
                    return mx::QuantizeOp::create(
                        b, loc, ty, in[0], f.tensorScale ? in[1] : Value(),
                        /*random_bits=*/Value(), mx::ScaleModeAttr());
                  });
  std::optional<Kernel> kernel = compile(*module, "quant", tm, "", o.pipeline);
  if (!kernel)
    return false;
  float dec = 0.0123f;
  auto call = [&](const float *x, QuantResult &res) {
    auto xin = view2D(const_cast<float *>(x), pr, cols);
    if (f.tensorScale)
      reinterpret_cast<QuantFnTS>(kernel->fn)(&res, &xin, dec);
    else
      reinterpret_cast<QuantFn>(kernel->fn)(&res, &xin);
  };
  // Check panel by panel against the reference on the whole matrix.
  QuantOptions qo;
  if (f.tensorScale)
    qo.tensorDecodeScale = dec;
  int64_t shape[2] = {rows, cols};
  auto ref = quantize(inputs[0], shape, getDefaultBlockShape(f, shape), f, qo);
  if (!ref) {
    llvm::errs() << llvm::toString(ref.takeError()) << "\n";
    return false;
  }
  std::vector<uint8_t> refPacked = packElements(f.elem, ref->elements);
  size_t pBytes = refPacked.size() / threads,
         sBytes = ref->scales.size() / threads;
  for (int p = 0; p < threads; ++p) {
    QuantResult res;
    call(inputs[0].data() + p * pr * cols, res);
    bool same =
        !std::memcmp(res.packed.data, refPacked.data() + p * pBytes, pBytes) &&
        !std::memcmp(res.scales.data, ref->scales.data() + p * sBytes,
                     sBytes) &&
        (!f.tensorScale || res.tensorScale == ref->tensorDecodeScale);
    std::free(res.packed.basePtr);
    std::free(res.scales.basePtr);
    if (!same) {
      llvm::errs() << "MISMATCH against mxref::quantize: " << preset << "\n";
      return false;
    }
  }
  auto body = [&](int t) {
    for (const std::vector<float> &x : inputs) {
      QuantResult res;
      call(x.data() + t * pr * cols, res);
      std::free(res.packed.basePtr);
      std::free(res.scales.basePtr);
    }
  };
  runPasses(threads, 1, body);
  double t = runPasses(threads, o.passes, body) / double(inputs.size());
  double elems = double(rows) * double(cols);
  llvm::outs() << llvm::format(
      "  %-11s %d thr %8.1f ms/matrix %7.3f ns/elem %6.2f GB/s read\n", preset,
      threads, t * 1e3, t * 1e9 / elems, elems * 4 / t / 1e9);
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef a(argv[i]);
    if (a.consume_front("--gib=")) {
      if (a.getAsDouble(o.gib) || o.gib <= 0)
        return llvm::errs() << "bad --gib\n", 1;
    } else if (a.consume_front("--passes=")) {
      if (a.getAsInteger(10, o.passes) || o.passes <= 0)
        return llvm::errs() << "bad --passes\n", 1;
    } else if (a.consume_front("--k=")) {
      if (a.getAsInteger(10, o.k) || o.k <= 0 || o.k % 32)
        return llvm::errs() << "bad --k (a multiple of 32)\n", 1;
    } else if (a.consume_front("--n=")) {
      if (a.getAsInteger(10, o.n) || o.n <= 0 || o.n % 64)
        return llvm::errs() << "bad --n (a multiple of 64)\n", 1;
    } else if (a.consume_front("--prefetch-distance=")) {
      int64_t d;
      if (a.getAsInteger(10, d) || d < 0)
        return llvm::errs() << "bad --prefetch-distance\n", 1;
      o.pipeline.prefetchDistance = d;
    } else if (a.consume_front("--in-code-threads=")) {
      unsigned t;
      if (a.getAsInteger(10, t))
        return llvm::errs() << "bad --in-code-threads\n", 1;
      o.pipeline.threads = t;
      o.inCodeThreads = true;
    } else if (a == "--no-table-lookup") {
      o.pipeline.tableLookup = false;
    } else if (a == "--no-integer-dot") {
      o.pipeline.integerDot = false;
    } else if (a == "--fast-subnormals") {
      o.pipeline.fastSubnormals = true;
    } else if (a == "--no-vectorize") {
      o.pipeline.vectorize = false;
    } else if (a == "--no-quantize") {
      o.quantize = false;
    } else if (a.consume_front("--dump-object=")) {
      o.dumpObject = a.str();
    } else if (a == "--huge-activation") {
      o.hugeActivation = true;
    } else if (a == "--constant-weights") {
      o.constantWeights = true;
    } else if (a == "--kernel-layout") {
      o.kernelLayout = true;
    } else if (a.consume_front("--target=")) {
      std::optional<mlir::mx::VectorTargetKind> t =
          mxbench::parseVectorTarget(a);
      if (!t)
        return llvm::errs() << "bad --target (mx-cpu-pipeline's target "
                               "values: mx-opt --help)\n",
               1;
      o.pipeline.target = *t;
      o.target = a.str();
    } else if (a.consume_front("--weights=")) {
      if (a != "mxfp4" && a != "nvfp4" && a != "mxfp8_e4m3" &&
          a != "mxfp8_e5m2" && a != "mxfp6_e2m3" && a != "mxfp6_e3m2")
        return llvm::errs() << "bad --weights (the GEMV cases' weights: mxfp4, "
                               "nvfp4, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e2m3, "
                               "mxfp6_e3m2)\n",
               1;
      o.weights = a.str();
    } else {
      llvm::errs() << "usage: mx-bench-gemv [--gib=G] [--passes=P] [--k=K] "
                      "[--n=N] [--no-quantize] [--dump-object=FILE] "
                      "[--prefetch-distance=D] [--no-table-lookup] "
                      "[--no-integer-dot] "
                      "[--no-vectorize] [--in-code-threads=T] "
                      "[--weights=PRESET] [--huge-activation] "
                      "[--constant-weights | --kernel-layout] [--target=T] "
                      "[--fast-subnormals]\n";
      return 1;
    }
  }
  if (o.constantWeights && o.kernelLayout) {
    llvm::errs() << "mx-bench-gemv: --constant-weights and --kernel-layout "
                    "exclude each other (weights compiled in, or passed in "
                    "re-laid)\n";
    return 1;
  }
  // Results are malloc'ed by the compiled code and freed here: keep freed
  // memory in the heap so repeated calls do not page-fault fresh mappings.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb)
    return llvm::errs() << llvm::toString(jtmb.takeError()) << "\n", 1;
  jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  if (mxbench::isAVX2Only(o.pipeline.target))
    jtmb->getFeatures().AddFeature("avx512f", false);
  auto tmOr = jtmb->createTargetMachine();
  if (!tmOr)
    return llvm::errs() << llvm::toString(tmOr.takeError()) << "\n", 1;
  std::unique_ptr<llvm::TargetMachine> tm = std::move(*tmOr);

  mlir::DialectRegistry registry;
  mlir::mx::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry, mlir::MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();

  std::time_t t0 = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&t0));
  llvm::outs() << "mx-bench-gemv " << date << ", CPU "
               << llvm::sys::getHostCPUName() << ", target " << o.target << ", "
               << o.k << "x" << o.n
               << " weights, batch 1, working set >= " << o.gib
               << " GiB, best of " << o.passes << "\n";

  size_t bwBytes = size_t(o.gib * (1ull << 30));
  std::vector<float> bwBuf(bwBytes / sizeof(float), 1.0f);
  for (int t = 1; t <= 2; ++t)
    llvm::outs() << llvm::format(
        "read bandwidth, %d thread(s): %.1f GB/s (re-measured next to each "
        "DRAM figure below)\n",
        t, mxbench::measureReadBandwidth(bwBuf.data(), bwBuf.size(), t));

  const GemvCase cases[] = {
      {"mxfp4", 32, 1, nullptr},           {"mxfp4", 32, 1, "mxfp8_e4m3"},
      {"mxfp4", 32, 1, "mxint8"},          {"nvfp4", 16, 1, nullptr},
      {"nvfp4", 16, 1, "mxint8"},          {"nvfp4", 16, 16, nullptr},
      {"nvfp4", 16, 16, "mxint8"},         {"mxfp8_e4m3", 32, 1, nullptr},
      {"mxfp8_e4m3", 32, 1, "mxfp8_e4m3"}, {"mxfp8_e4m3", 32, 1, "mxint8"},
      {"mxfp8_e5m2", 32, 1, nullptr},      {"mxfp6_e2m3", 32, 1, nullptr},
      {"mxfp6_e2m3", 32, 1, "mxint8"},     {"mxfp6_e3m2", 32, 1, nullptr},
      {"mxfp6_e3m2", 32, 1, "mxint8"},
  };
  bool ok = true, dumped = false;
  const char *lastFormat = "";
  int64_t lastKb = 0, lastBn = 0;
  std::vector<Matrix> mats;
  for (const GemvCase &c : cases) {
    if (!o.weights.empty() && o.weights != c.weights)
      continue;
    // Only the integer dot (MXINT8 activations) reads the kernel's layout.
    if (o.kernelLayout && (!c.acts || std::strcmp(c.acts, "mxint8")))
      continue;
    Format f = *lookupPreset(c.weights);
    if (std::strcmp(lastFormat, c.weights) || lastKb != c.kb ||
        lastBn != c.bn) {
      // Fresh random matrices filling the working set.
      mats.clear();
      Matrix one;
      fillMatrix(one, f, o.k, o.n, c.kb, c.bn, 1);
      double bytes = double(one.packed.size() + one.scales.size());
      size_t count =
          std::max<size_t>(1, size_t(std::ceil(double(bwBytes) / bytes)));
      mats.push_back(std::move(one));
      for (size_t i = 1; i < count; ++i) {
        Matrix m;
        fillMatrix(m, f, o.k, o.n, c.kb, c.bn, i + 1);
        mats.push_back(std::move(m));
      }
      llvm::outs() << llvm::format(
          "GEMV %s [%lldx%lld blocks]: %zu matrices of %.1f MB\n", c.weights,
          (long long)c.kb, (long long)c.bn, count, bytes / 1e6);
      lastFormat = c.weights;
      lastKb = c.kb;
      lastBn = c.bn;
    }
    for (int t = 1; t <= (o.inCodeThreads ? 1 : 2); ++t)
      ok &= benchGemv(ctx, tm.get(), o, c, t, bwBuf, mats, dumped);
  }
  mats.clear();
  mats.shrink_to_fit();
  bwBuf.clear();
  bwBuf.shrink_to_fit();

  if (o.quantize) {
    // Two rotated inputs (2 x 235 MB at the default shape).
    std::vector<std::vector<float>> inputs(2, std::vector<float>(o.k * o.n));
    Rng r(11);
    for (std::vector<float> &x : inputs)
      for (float &v : x)
        v = (r.uniform() + r.uniform() + r.uniform() - 1.5f) * 0.05f *
            (r.uniform() < 0.001f ? 30.0f : 1.0f);
    llvm::outs() << "compiled quantization, f32 " << o.k << "x" << o.n
                 << " (row panels per thread):\n";
    for (const char *p : {"mxfp4", "nvfp4"})
      for (int t = 1; t <= 2; ++t)
        ok &= benchQuantize(ctx, tm.get(), o, p, t, inputs);
  }
  return ok ? 0 : 1;
}
