//===- matmul-bench.cpp - Compiled MX batched matmul (prefill) ------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Compiles mx.matmul [M, K] x [K, N] with block-scaled weights (MXFP4,
// NVFP4, MXFP8 E4M3, MXFP6; f32 or MXINT8 activations, quantized inside the
// kernel) through mx-cpu-pipeline and the ExecutionEngine at O3 for M = 8, 64,
// 512 (the prompt-processing shapes; M >= 4 takes the register-blocked kernel,
// docs/Lowering.md, "Batched matmul"), and the same shape as a plain f32 and
// a bf16 linalg.matmul through the same pipeline for comparison. Reports the
// best time of --passes calls, GFLOP/s (2 M N K) and GB/s of weight traffic
// (packed elements + scales, or the f32/bf16 matrix).
//
// Before timing, every block-scaled configuration is checked bit for bit
// against mxref::matmul on its first and last --check-cols columns (all M
// rows, all of K: each output column depends on its own weight column only,
// so a column slice of the reference is exact).
//
// Usage: mx-bench-matmul [--m=8,64,512] [--k=4096] [--n=14336]
//                        [--passes=P] [--threads=T] [--check-cols=C]
//                        [--target=host|avx512|avx512-vnni|avx512-vbmi|avx2|avx2-vnni|generic]
//                        [--plain-n=4096] [--weights=PRESET] [--no-plain]
//                        [--no-integer-dot] [--constant-weights]
//
// --target=avx2 and avx2-vnni also take AVX-512 out of LLVM's target
// machine, so an AVX-512 host runs the AVX2-only code.
// --constant-weights compiles the weights into the module as an
// mx.constant, as a model's are after mx-apply-policy: the integer dot then
// reads them re-laid at compile time (docs/Lowering.md, "Constant weights
// in the integer dot").
//
// --weights=PRESET runs only the cases with those weights (e.g. mxfp8_e4m3);
// --no-plain skips the plain f32 and bf16 baselines; --no-integer-dot
// compiles with mx-cpu-pipeline{integer-dot=false}.
//
// The plain baselines lower to scalar loops (MX vectorizes only its own
// ops), so they run at N = min(--plain-n, N), once without warm-up above
// 4 GFLOP per call.
//
// --threads=T compiles with mx-cpu-pipeline{threads=T} (0: all hardware
// threads): the compiled code splits N itself.
//
//===----------------------------------------------------------------------===//

#include "BenchCommon.h"
#include "ConstantWeights.h"

#include "mx/Dialect/MX/MXOps.h"
#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/InitAllDialects.h"
#include "mx/Numerics/Format.h"
#include "mx/Numerics/Matmul.h"
#include "mx/Numerics/Packing.h"
#include "mx/Numerics/Quantize.h"
#include "mx/Pipelines/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
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
#include <malloc.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace mxref;

namespace {

struct Options {
  std::vector<int64_t> ms = {8, 64, 512};
  int64_t k = 4096, n = 14336, checkCols = 128;
  /// N of the plain f32/bf16 baselines (their lowering is a scalar loop
  /// nest: at the full N, M = 512 would take many minutes per call).
  int64_t plainN = 4096;
  int passes = 3;
  mlir::mx::MXCPUPipelineOptions pipeline;
  std::string weights; ///< only the cases with these weights; empty: all
  bool plain = true;   ///< run the plain f32/bf16 baselines
  bool constantWeights = false; ///< the weights an mx.constant of the module
};

using mxbench::now;
using mxbench::Rng;

struct Kernel {
  std::unique_ptr<mlir::mx::CompiledModule> compiled;
  void *fn = nullptr;
};

/// `func.func @mm(args) -> result` with the C interface, its body built by
/// `body`.
mlir::OwningOpRef<mlir::ModuleOp>
buildKernel(mlir::MLIRContext &ctx, mlir::TypeRange args, mlir::Type result,
            llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                           mlir::ValueRange)>
                body) {
  mlir::Location loc = mlir::UnknownLoc::get(&ctx);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::ModuleOp::create(loc);
  mlir::OpBuilder b = mlir::OpBuilder::atBlockEnd(module->getBody());
  auto fn =
      mlir::func::FuncOp::create(b, loc, "mm", b.getFunctionType(args, result));
  fn->setAttr(mlir::LLVM::LLVMDialect::getEmitCWrapperAttrName(),
              b.getUnitAttr());
  mlir::Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  mlir::func::ReturnOp::create(b, loc, body(b, loc, entry->getArguments()));
  return module;
}

std::optional<Kernel> compile(mlir::ModuleOp module, llvm::TargetMachine *tm,
                              const mlir::mx::MXCPUPipelineOptions &pipeline) {
  mlir::mx::CompileOptions opts;
  opts.pipeline = &pipeline;
  opts.optLevel = 3;
  opts.targetMachine = tm;
  auto compiled = mlir::mx::CompiledModule::compile(module, opts);
  if (mlir::failed(compiled))
    return std::nullopt;
  Kernel k;
  k.compiled = std::move(*compiled);
  auto fn = k.compiled->lookup("_mlir_ciface_mm");
  if (!fn) {
    llvm::errs() << "lookup: " << llvm::toString(fn.takeError()) << "\n";
    return std::nullopt;
  }
  k.fn = *fn;
  return k;
}

template <typename T>
StridedMemRefType<T, 2> view2D(T *data, int64_t rows, int64_t cols) {
  return mlir::detail::makeStridedMemRefDescriptor<2>(data, data, {rows, cols},
                                                      {rows, cols});
}

/// The best of `passes` timed calls of `fn`, after one warm-up call; 0:
/// one timed call without warm-up.
template <typename Fn> double best(int passes, Fn fn) {
  if (passes == 0) {
    double t0 = now();
    fn();
    return now() - t0;
  }
  fn();
  double t = 1e30;
  for (int r = 0; r < passes; ++r) {
    double t0 = now();
    fn();
    t = std::min(t, now() - t0);
  }
  return t;
}

void report(const std::string &name, int64_t m, int64_t n, const Options &o,
            double t, double weightBytes) {
  double flops = 2.0 * double(m) * double(o.k) * double(n);
  llvm::outs() << llvm::format(
      "  %-34s M=%-4lld N=%-6lld %10.3f ms %8.2f GFLOP/s %7.2f GB/s weights\n",
      name.c_str(), (long long)m, (long long)n, t * 1e3, flops / t / 1e9,
      weightBytes / t / 1e9);
}

//===----------------------------------------------------------------------===//
// Block-scaled weights
//===----------------------------------------------------------------------===//

struct Case {
  const char *weights; ///< preset
  int64_t kb, bn;      ///< weight block
  const char *acts;    ///< nullptr: f32; else a preset (its K block = kb)
};

struct Weights {
  Format f;
  mxbench::AlignedVector<uint8_t> packed, scales;
  float tensorScale = 0.0123f;
};

/// Random codes; scales that keep products finite.
Weights makeWeights(const Case &c, int64_t k, int64_t n) {
  Weights w;
  w.f = *lookupPreset(c.weights);
  unsigned bits = getElemInfo(w.f.elem).bits;
  w.packed.resize(k * n * bits / 8);
  w.scales.resize((k / c.kb) * (n / c.bn));
  Rng r(1);
  for (uint8_t &p : w.packed)
    p = uint8_t(r.next() >> 56);
  for (uint8_t &s : w.scales) {
    uint64_t v = r.next() >> 32;
    s = w.f.scale == ScaleKind::E8M0 ? uint8_t(119 + v % 17)
                                     : uint8_t(0x28 + v % 0x30);
  }
  return w;
}

/// Columns [c0, c0 + cols) of the weights as a reference tensor.
QuantizedTensor columnSlice(const Weights &w, const Case &c, int64_t k,
                            int64_t n, int64_t c0, int64_t cols) {
  std::vector<uint8_t> all = unpackElements(w.f.elem, w.packed, k * n);
  QuantizedTensor q;
  q.format = w.f;
  q.shape = {k, cols};
  q.block = {c.kb, c.bn};
  for (int64_t i = 0; i < k; ++i)
    q.elements.insert(q.elements.end(), all.begin() + i * n + c0,
                      all.begin() + i * n + c0 + cols);
  int64_t sn = n / c.bn;
  for (int64_t i = 0; i < k / c.kb; ++i)
    q.scales.insert(q.scales.end(), w.scales.begin() + i * sn + c0 / c.bn,
                    w.scales.begin() + i * sn + (c0 + cols) / c.bn);
  q.tensorDecodeScale = w.f.tensorScale ? w.tensorScale : 1.0f;
  return q;
}

bool benchBlockScaled(mlir::MLIRContext &ctx, llvm::TargetMachine *tm,
                      const Options &o, const Case &c, const Weights &w,
                      int64_t m, const std::vector<float> &act) {
  using namespace mlir;
  int64_t k = o.k, n = o.n;
  std::optional<Format> af;
  if (c.acts) {
    af = *lookupPreset(c.acts);
    af->defaultBlock = c.kb;
  }
  std::string name = std::string(c.weights) + " [" + std::to_string(c.kb) +
                     "x" + std::to_string(c.bn) + "], acts " +
                     (c.acts ? af->str() : std::string("f32"));
  auto wType = mx::BlockScaledTensorType::get(
      &ctx, {k, n}, mx::FormatAttr::get(&ctx, w.f), {c.kb, c.bn});
  Type f32 = Float32Type::get(&ctx);
  auto aType = RankedTensorType::get({m, k}, f32);
  auto result = RankedTensorType::get({m, n}, f32);
  SmallVector<Type> argTypes = {aType};
  if (!o.constantWeights)
    argTypes.push_back(wType);
  OwningOpRef<ModuleOp> module =
      buildKernel(ctx, argTypes, result,
                  [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                    Value lhs = args[0];
                    Value weights =
                        o.constantWeights
                            ? mxbench::constantWeights(b, loc, wType, w.packed,
                                                       w.scales, w.tensorScale)
                            : args[1];
                    if (af)
                      lhs = mx::QuantizeOp::create(
                          b, loc,
                          mx::BlockScaledTensorType::get(
                              {m, k}, mx::FormatAttr::get(&ctx, *af)),
                          lhs, Value(), Value(), mx::ScaleModeAttr());
                    return mx::MatmulOp::create(b, loc, result, lhs, weights);
                  });
  std::optional<Kernel> kernel = compile(*module, tm, o.pipeline);
  if (!kernel)
    return false;

  using Fn =
      void (*)(StridedMemRefType<float, 2> *, StridedMemRefType<float, 2> *,
               StridedMemRefType<int8_t, 2> *, StridedMemRefType<int8_t, 2> *);
  using FnTS = void (*)(
      StridedMemRefType<float, 2> *, StridedMemRefType<float, 2> *,
      StridedMemRefType<int8_t, 2> *, StridedMemRefType<int8_t, 2> *, float);
  unsigned bits = getElemInfo(w.f.elem).bits;
  auto call = [&](std::vector<float> *out) {
    auto a = view2D(const_cast<float *>(act.data()), m, k);
    auto pk = view2D(
        reinterpret_cast<int8_t *>(const_cast<uint8_t *>(w.packed.data())), k,
        n * bits / 8);
    auto sc = view2D(
        reinterpret_cast<int8_t *>(const_cast<uint8_t *>(w.scales.data())),
        k / c.kb, n / c.bn);
    StridedMemRefType<float, 2> res;
    using ConstFn =
        void (*)(StridedMemRefType<float, 2> *, StridedMemRefType<float, 2> *);
    if (o.constantWeights)
      reinterpret_cast<ConstFn>(kernel->fn)(&res, &a);
    else if (w.f.tensorScale)
      reinterpret_cast<FnTS>(kernel->fn)(&res, &a, &pk, &sc, w.tensorScale);
    else
      reinterpret_cast<Fn>(kernel->fn)(&res, &a, &pk, &sc);
    if (out)
      out->assign(res.data, res.data + m * n);
    std::free(res.basePtr);
  };

  // Bit-exact check of the first and last columns against mxref::matmul.
  std::vector<float> got;
  call(&got);
  int64_t aShape[2] = {m, k};
  std::optional<QuantizedTensor> qa;
  if (af) {
    auto q = quantize(act, aShape, getDefaultBlockShape(*af, aShape), *af);
    if (!q) {
      llvm::errs() << llvm::toString(q.takeError()) << "\n";
      return false;
    }
    qa = std::move(*q);
  }
  int64_t cols = std::min(o.checkCols, n);
  for (int64_t c0 : {int64_t(0), n - cols}) {
    QuantizedTensor qb = columnSlice(w, c, k, n, c0, cols);
    MatmulOperand lhs = qa ? MatmulOperand(*qa) : MatmulOperand(act, aShape);
    auto ref = matmul(lhs, MatmulOperand(qb));
    if (!ref) {
      llvm::errs() << llvm::toString(ref.takeError()) << "\n";
      return false;
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        float g = got[i * n + c0 + j], e = ref->values[i * cols + j];
        uint32_t gb, eb;
        std::memcpy(&gb, &g, 4);
        std::memcpy(&eb, &e, 4);
        // NaN sign and payload are not part of the contract
        // (docs/Numerics.md §6).
        if (gb != eb && !(std::isnan(g) && std::isnan(e))) {
          llvm::errs() << llvm::format(
              "MISMATCH against mxref::matmul: %s, M=%lld, [%lld, %lld]: "
              "0x%08x, reference 0x%08x\n",
              name.c_str(), (long long)m, (long long)i, (long long)(c0 + j), gb,
              eb);
          return false;
        }
      }
  }
  double t = best(o.passes, [&] { call(nullptr); });
  report(name, m, n, o, t, double(w.packed.size() + w.scales.size()));
  return true;
}

//===----------------------------------------------------------------------===//
// Plain f32 and bf16 linalg.matmul
//===----------------------------------------------------------------------===//

bool benchPlain(mlir::MLIRContext &ctx, llvm::TargetMachine *tm,
                const Options &o, int64_t m, bool bf16,
                const std::vector<float> &act, const std::vector<float> &wf) {
  using namespace mlir;
  int64_t k = o.k, n = std::min(o.plainN, o.n);
  Type f32 = Float32Type::get(&ctx);
  Type elem = bf16 ? Type(BFloat16Type::get(&ctx)) : f32;
  auto aType = RankedTensorType::get({m, k}, elem);
  auto bType = RankedTensorType::get({k, n}, elem);
  auto result = RankedTensorType::get({m, n}, f32);
  OwningOpRef<ModuleOp> module = buildKernel(
      ctx, {aType, bType}, result,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value init = tensor::EmptyOp::create(b, loc, result.getShape(), f32);
        Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
        Value acc = linalg::FillOp::create(b, loc, zero, init).getResult(0);
        return linalg::MatmulOp::create(b, loc, ValueRange{args[0], args[1]},
                                        ValueRange{acc})
            .getResult(0);
      });
  const char *name =
      bf16 ? "bf16 linalg.matmul (f32 acc)" : "f32 linalg.matmul";
  std::optional<Kernel> kernel = compile(*module, tm, o.pipeline);
  if (!kernel) {
    llvm::outs() << "  " << name << ": not compiled by mx-cpu-pipeline\n";
    return true;
  }
  // Above 4 GFLOP one timed call, no warm-up: the scalar loops are slow.
  int passes = 2.0 * double(m) * double(k) * double(n) > 4e9 ? 0 : o.passes;
  double t;
  if (!bf16) {
    using Fn =
        void (*)(StridedMemRefType<float, 2> *, StridedMemRefType<float, 2> *,
                 StridedMemRefType<float, 2> *);
    t = best(passes, [&] {
      auto a = view2D(const_cast<float *>(act.data()), m, k);
      auto bw = view2D(const_cast<float *>(wf.data()), k, n);
      StridedMemRefType<float, 2> res;
      reinterpret_cast<Fn>(kernel->fn)(&res, &a, &bw);
      std::free(res.basePtr);
    });
    report(name, m, n, o, t, double(k) * double(n) * 4);
    return true;
  }
  // bf16 bits: the high half of the f32 (truncation; values are random).
  auto toBf16 = [](const std::vector<float> &v) {
    std::vector<uint16_t> out(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
      uint32_t u;
      std::memcpy(&u, &v[i], 4);
      out[i] = uint16_t(u >> 16);
    }
    return out;
  };
  std::vector<uint16_t> a16 = toBf16(act), w16 = toBf16(wf);
  using Fn =
      void (*)(StridedMemRefType<float, 2> *, StridedMemRefType<uint16_t, 2> *,
               StridedMemRefType<uint16_t, 2> *);
  t = best(passes, [&] {
    auto a = view2D(a16.data(), m, k);
    auto bw = view2D(w16.data(), k, n);
    StridedMemRefType<float, 2> res;
    reinterpret_cast<Fn>(kernel->fn)(&res, &a, &bw);
    std::free(res.basePtr);
  });
  report(name, m, n, o, t, double(k) * double(n) * 2);
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef a(argv[i]);
    if (a.consume_front("--m=")) {
      o.ms.clear();
      llvm::SmallVector<llvm::StringRef> parts;
      a.split(parts, ',');
      for (llvm::StringRef p : parts) {
        int64_t m;
        if (p.getAsInteger(10, m) || m <= 0)
          return llvm::errs() << "bad --m\n", 1;
        o.ms.push_back(m);
      }
    } else if (a.consume_front("--k=")) {
      if (a.getAsInteger(10, o.k) || o.k <= 0 || o.k % 32)
        return llvm::errs() << "bad --k (a multiple of 32)\n", 1;
    } else if (a.consume_front("--n=")) {
      if (a.getAsInteger(10, o.n) || o.n <= 0 || o.n % 64)
        return llvm::errs() << "bad --n (a multiple of 64)\n", 1;
    } else if (a.consume_front("--plain-n=")) {
      if (a.getAsInteger(10, o.plainN) || o.plainN <= 0)
        return llvm::errs() << "bad --plain-n\n", 1;
    } else if (a.consume_front("--passes=")) {
      if (a.getAsInteger(10, o.passes) || o.passes <= 0)
        return llvm::errs() << "bad --passes\n", 1;
    } else if (a.consume_front("--check-cols=")) {
      if (a.getAsInteger(10, o.checkCols) || o.checkCols <= 0 ||
          o.checkCols % 16)
        return llvm::errs() << "bad --check-cols (a multiple of 16)\n", 1;
    } else if (a.consume_front("--threads=")) {
      unsigned t;
      if (a.getAsInteger(10, t))
        return llvm::errs() << "bad --threads\n", 1;
      o.pipeline.threads = t;
    } else if (a.consume_front("--target=")) {
      std::optional<mlir::mx::VectorTargetKind> t =
          mxbench::parseVectorTarget(a);
      if (!t)
        return llvm::errs() << "bad --target (mx-cpu-pipeline's target "
                               "values: mx-opt --help)\n",
               1;
      o.pipeline.target = *t;
    } else if (a.consume_front("--weights=")) {
      if (a != "mxfp4" && a != "nvfp4" && a != "mxfp8_e4m3" &&
          a != "mxfp6_e2m3" && a != "mxfp6_e3m2")
        return llvm::errs() << "bad --weights (the cases' weights: mxfp4, "
                               "nvfp4, mxfp8_e4m3, mxfp6_e2m3, mxfp6_e3m2)\n",
               1;
      o.weights = a.str();
    } else if (a == "--no-plain") {
      o.plain = false;
    } else if (a.consume_front("--prefetch-distance=")) {
      int64_t d;
      if (a.getAsInteger(10, d) || d < 0)
        return llvm::errs() << "bad --prefetch-distance\n", 1;
      o.pipeline.prefetchDistance = d;
    } else if (a == "--no-integer-dot") {
      o.pipeline.integerDot = false;
    } else if (a == "--constant-weights") {
      o.constantWeights = true;
    } else {
      llvm::errs()
          << "usage: mx-bench-matmul [--m=8,64,512] [--k=K] [--n=N] "
             "[--passes=P] [--threads=T] [--check-cols=C] "
             "[--target=host|avx512|avx512-vnni|avx512-vbmi|avx2|avx2-vnni|"
             "generic] [--plain-n=N] [--weights=PRESET] [--no-plain] "
             "[--no-integer-dot] [--constant-weights]\n";
      return 1;
    }
  }
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
  llvm::outs() << "mx-bench-matmul " << date << ", CPU "
               << llvm::sys::getHostCPUName() << ", K " << o.k << ", N " << o.n
               << ", threads " << o.pipeline.threads << ", best of " << o.passes
               << "\n";

  const Case cases[] = {
      {"mxfp4", 32, 1, nullptr},      {"mxfp4", 32, 1, "mxint8"},
      {"nvfp4", 16, 1, nullptr},      {"nvfp4", 16, 1, "mxint8"},
      {"nvfp4", 16, 16, nullptr},     {"nvfp4", 16, 16, "mxint8"},
      {"mxfp8_e4m3", 32, 1, nullptr}, {"mxfp8_e4m3", 32, 1, "mxint8"},
      {"mxfp6_e2m3", 32, 1, nullptr}, {"mxfp6_e2m3", 32, 1, "mxint8"},
      {"mxfp6_e3m2", 32, 1, nullptr}, {"mxfp6_e3m2", 32, 1, "mxint8"}};
  int64_t maxM = *std::max_element(o.ms.begin(), o.ms.end());
  std::vector<float> act(maxM * o.k);
  Rng r(7);
  for (float &v : act)
    v = (r.uniform() + r.uniform() + r.uniform() - 1.5f) * 2.0f;
  bool ok = true;
  for (const Case &c : cases) {
    if (!o.weights.empty() && o.weights != c.weights)
      continue;
    Weights w = makeWeights(c, o.k, o.n);
    for (int64_t m : o.ms) {
      std::vector<float> a(act.begin(), act.begin() + m * o.k);
      ok &= benchBlockScaled(ctx, tm.get(), o, c, w, m, a);
    }
  }
  // The plain baselines: the same shapes, weights as f32 / bf16.
  std::vector<float> wf(o.k * std::min(o.plainN, o.n));
  for (float &v : wf)
    v = (r.uniform() - 0.5f) * 0.1f;
  for (bool bf16 : {false, true})
    for (int64_t m : o.plain ? o.ms : std::vector<int64_t>()) {
      std::vector<float> a(act.begin(), act.begin() + m * o.k);
      ok &= benchPlain(ctx, tm.get(), o, m, bf16, a, wf);
    }
  return ok ? 0 : 1;
}
