//===- side-by-side.cpp - MX against ggml in one process ------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Times MX's compiled block-scaled matmul (mx-cpu-pipeline through the JIT
// host, mx::CompiledModule, threads inside the compiled code) against ggml's
// CPU backend on the same logical weights, in one process, in interleaved
// (ABAB) rounds, each contender started on an idle machine (--settle-ms),
// next to the read bandwidth measured with the same threads
// (../MemoryBandwidth.h). Built and run by run.sh (docs/Benchmarks.md, "MX
// against ggml"); ggml is never a dependency of MX.
//
// Contenders, all on [M, K] activations times [K, N] weights:
//   MX    mxfp4 weights x f32 activations; x mxint8 activations (quantized
//         inside the kernel), the weights passed in packed rows, as
//         constants of the module, or passed in re-laid once by the layout
//         function (mx.kernel_layout); nvfp4 [16x1] likewise (tensor
//         scale 1.0).
//   ggml  mxfp4 in the CPU_REPACK extra buffer type (8-row interleave, the
//         layout llama.cpp picks on AVX2/AVX-512), mxfp4 in a plain CPU
//         buffer (vec_dot), nvfp4 plain (ggml has no nvfp4 repack); ggml
//         quantizes the activations to q8_0 itself. For M > 1 also f32 and
//         bf16 weights of the same values.
//
// Checks before timing: every MX kernel bit for bit against mxref::matmul
// (first and last row); every ggml result against an exact (double)
// reference within a bound derived from its activation rounding, so that a
// broken setup (wrong layout, wrong path) stops the run.
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
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include "ggml-alloc.h"
#include "ggml-backend.h"
#include "ggml-cpu.h"
#include "ggml.h"

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
  int rounds = 7;
  int64_t k = 4096, n = 14336, cacheN = 1024;
  std::vector<int> threads = {1, 2};
  std::vector<int64_t> batches = {8, 64, 512};
  bool avx2 = false; ///< MX: target=avx2 and no AVX-512 in LLVM
  /// Idle time before each contender's round and each bandwidth probe, so
  /// that the previous one's threads have stopped spinning: ggml's OpenMP
  /// workers spin some milliseconds after a graph (MX's pool 0.2 ms), and
  /// on 2 vCPUs a spinning thread takes half the machine from whatever
  /// runs next.
  int settleMs = 50;
};

using mxbench::now;
using mxbench::Rng;

/// A scale byte that keeps every product finite and normal: E8M0 2^-8..2^8,
/// UE4M3 0x28..0x57 (positive, not NaN; ggml reads 0x7F as 0, MX as NaN).
uint8_t randomScale(Rng &r, ScaleKind kind) {
  uint64_t v = r.next() >> 32;
  return kind == ScaleKind::E8M0 ? uint8_t(119 + v % 17)
                                 : uint8_t(0x28 + v % 0x30);
}

//===----------------------------------------------------------------------===//
// Weights: one logical matrix, in MX's and in ggml's layout
//===----------------------------------------------------------------------===//

/// The FP4 weight formats compared: MX preset, block along K, ggml type.
struct FP4Kind {
  const char *preset;
  int64_t kb;
  ggml_type type;
  int64_t ggmlBlock;     ///< elements per ggml block (32 or 64)
  size_t ggmlBlockBytes; ///< its bytes
};
const FP4Kind kMXFP4 = {"mxfp4", 32, GGML_TYPE_MXFP4, 32, 17};
const FP4Kind kNVFP4 = {"nvfp4", 16, GGML_TYPE_NVFP4, 64, 36};

/// E2M1 code (sign in bit 3) to its value.
float e2m1(uint8_t c) {
  static const float v[8] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
  return (c & 8) ? -v[c & 7] : v[c & 7];
}

/// A [K, N] FP4 matrix as logical codes and scales (scales [K / kb, N]).
struct Logical {
  std::vector<uint8_t> codes, scales;
};

Logical randomLogical(const FP4Kind &w, int64_t k, int64_t n, uint64_t seed) {
  Format f = *lookupPreset(w.preset);
  Logical l;
  l.codes.resize(k * n);
  l.scales.resize((k / w.kb) * n);
  Rng r(seed);
  r.fill(l.codes.data(), l.codes.size());
  for (uint8_t &c : l.codes)
    c &= 15;
  for (uint8_t &s : l.scales)
    s = randomScale(r, f.scale);
  return l;
}

/// MX's components: packed codes [K, N / 2] (row-major over [K, N]) and
/// scales [K / kb, N].
struct MXMatrix {
  mxbench::AlignedVector<uint8_t> packed, scales;
  size_t bytes() const { return packed.size() + scales.size(); }
};

MXMatrix toMX(const FP4Kind &w, const Logical &l) {
  std::vector<uint8_t> packed =
      packElements(lookupPreset(w.preset)->elem, l.codes);
  MXMatrix m;
  m.packed.assign(packed.begin(), packed.end());
  m.scales.assign(l.scales.begin(), l.scales.end());
  return m;
}

MXMatrix randomMX(const FP4Kind &w, int64_t k, int64_t n, uint64_t seed) {
  MXMatrix m;
  m.packed.resize(k * n / 2);
  m.scales.resize((k / w.kb) * n);
  Rng r(seed);
  r.fill(m.packed.data(), m.packed.size());
  for (uint8_t &s : m.scales)
    s = randomScale(r, lookupPreset(w.preset)->scale);
  return m;
}

double scaleValue(const FP4Kind &w, uint8_t s) {
  if (w.type == GGML_TYPE_MXFP4)
    return std::ldexp(1.0, int(s) - 127);
  int e = (s >> 3) & 15, m = s & 7;
  return e ? std::ldexp(1.0 + m / 8.0, e - 7) : std::ldexp(double(m), -9);
}

/// ggml's rows are the N columns, blocks along K. MXFP4: {e, qs[16]}, qs[j]
/// holds elements j (low nibble) and j + 16; NVFP4: {d[4], qs[32]}, sub-block
/// s of 16 in qs[8s .. 8s + 7], element j low, j + 8 high.
std::vector<uint8_t> toGGML(const FP4Kind &w, const Logical &l, int64_t k,
                            int64_t n) {
  int64_t nb = k / w.ggmlBlock;
  std::vector<uint8_t> out(n * nb * w.ggmlBlockBytes);
  auto code = [&](int64_t kk, int64_t col) { return l.codes[kk * n + col]; };
  auto scale = [&](int64_t kk, int64_t col) {
    return l.scales[(kk / w.kb) * n + col];
  };
  for (int64_t col = 0; col < n; ++col)
    for (int64_t b = 0; b < nb; ++b) {
      uint8_t *blk = &out[(col * nb + b) * w.ggmlBlockBytes];
      int64_t k0 = b * w.ggmlBlock;
      if (w.type == GGML_TYPE_MXFP4) {
        blk[0] = scale(k0, col);
        for (int j = 0; j < 16; ++j)
          blk[1 + j] = code(k0 + j, col) | code(k0 + j + 16, col) << 4;
      } else {
        for (int s = 0; s < 4; ++s) {
          int64_t ks = k0 + 16 * s;
          blk[s] = scale(ks, col);
          for (int j = 0; j < 8; ++j)
            blk[4 + 8 * s + j] = code(ks + j, col) | code(ks + j + 8, col) << 4;
        }
      }
    }
  return out;
}

std::vector<uint8_t> randomGGML(const FP4Kind &w, int64_t k, int64_t n,
                                uint64_t seed) {
  std::vector<uint8_t> out(n * (k / w.ggmlBlock) * w.ggmlBlockBytes);
  Rng r(seed);
  r.fill(out.data(), out.size());
  ScaleKind sk = lookupPreset(w.preset)->scale;
  int scalesPerBlock = w.type == GGML_TYPE_MXFP4 ? 1 : 4;
  for (size_t i = 0; i < out.size(); i += w.ggmlBlockBytes)
    for (int s = 0; s < scalesPerBlock; ++s)
      out[i + s] = randomScale(r, sk);
  return out;
}

/// The reference QuantizedTensor of the logical matrix.
QuantizedTensor toQuantized(const FP4Kind &w, const Logical &l, int64_t k,
                            int64_t n) {
  QuantizedTensor q;
  q.format = *lookupPreset(w.preset);
  q.shape = {k, n};
  q.block = {w.kb, 1};
  q.elements = l.codes;
  q.scales = l.scales;
  q.tensorDecodeScale = 1.0f;
  return q;
}

//===----------------------------------------------------------------------===//
// MX: JIT-compiled kernels
//===----------------------------------------------------------------------===//

template <typename T>
StridedMemRefType<T, 2> view2D(T *data, int64_t rows, int64_t cols) {
  return mlir::detail::makeStridedMemRefDescriptor<2>(data, data, {rows, cols},
                                                      {rows, cols});
}

using MatmulFn = void (*)(StridedMemRefType<float, 2> *,
                          StridedMemRefType<float, 2> *,
                          StridedMemRefType<int8_t, 2> *,
                          StridedMemRefType<int8_t, 2> *);
using MatmulFnTS = void (*)(StridedMemRefType<float, 2> *,
                            StridedMemRefType<float, 2> *,
                            StridedMemRefType<int8_t, 2> *,
                            StridedMemRefType<int8_t, 2> *, float);

/// `@mm(a: [M, K] f32, w) -> [M, N] f32`, activations quantized to `acts`
/// inside the kernel when given.
struct MXKernel {
  std::unique_ptr<mlir::mx::CompiledModule> compiled;
  void *fn = nullptr;
  bool tensorScale = false;
  /// The weights are an mx.constant in the module: @mm takes `a` only.
  bool constantWeights = false;
  /// The weights argument is marked mx.kernel_layout = @relayout: the
  /// layout function the lowering defined (relayout() calls it).
  void *relayoutFn = nullptr;
  int64_t m, k, n, kb;

  /// `w` re-laid for this kernel by @relayout (as at load time).
  MXMatrix relayout(const MXMatrix &w) const {
    MXMatrix laid;
    laid.packed.resize(w.packed.size());
    laid.scales.resize(w.scales.size());
    mxbench::relayoutWeights(
        relayoutFn, w.packed.data(), k, n / 2, w.scales.data(), k / kb, n,
        tensorScale ? std::optional<float>(1.0f) : std::nullopt,
        laid.packed.data(), laid.scales.data());
    return laid;
  }

  /// out may be null; the result the compiled code allocates is freed.
  void call(const float *act, const MXMatrix &w, float *out) const {
    auto a = view2D(const_cast<float *>(act), m, k);
    if (constantWeights) {
      StridedMemRefType<float, 2> res;
      using ConstFn = void (*)(StridedMemRefType<float, 2> *,
                               StridedMemRefType<float, 2> *);
      reinterpret_cast<ConstFn>(fn)(&res, &a);
      if (out)
        std::memcpy(out, res.data, m * n * sizeof(float));
      std::free(res.basePtr);
      return;
    }
    auto pk = view2D(
        reinterpret_cast<int8_t *>(const_cast<uint8_t *>(w.packed.data())), k,
        n / 2);
    auto sc = view2D(
        reinterpret_cast<int8_t *>(const_cast<uint8_t *>(w.scales.data())),
        k / kb, n);
    StridedMemRefType<float, 2> res;
    if (tensorScale)
      reinterpret_cast<MatmulFnTS>(fn)(&res, &a, &pk, &sc, 1.0f);
    else
      reinterpret_cast<MatmulFn>(fn)(&res, &a, &pk, &sc);
    if (out)
      std::memcpy(out, res.data, m * n * sizeof(float));
    std::free(res.basePtr);
  }
};

/// With `constW`, the weights are that matrix as an mx.constant (as a
/// model's are after mx-apply-policy), which the integer dot reads re-laid
/// at compile time (docs/Lowering.md, "Constant weights in the integer
/// dot"), and @mm takes the activations only. With `kernelLayout`, the
/// weights argument is in the layout of @relayout (docs/Lowering.md,
/// "Weights re-laid at load time").
std::optional<MXKernel> compileMX(mlir::MLIRContext &ctx,
                                  llvm::TargetMachine *tm, const Options &o,
                                  const FP4Kind &w, const char *acts, int64_t m,
                                  int64_t n, unsigned threads,
                                  const MXMatrix *constW = nullptr,
                                  bool kernelLayout = false) {
  using namespace mlir;
  int64_t k = o.k;
  Location loc = UnknownLoc::get(&ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder b = OpBuilder::atBlockEnd(module->getBody());
  auto wTy = mx::BlockScaledTensorType::get(
      &ctx, {k, n}, mx::FormatAttr::get(&ctx, *lookupPreset(w.preset)),
      {w.kb, 1});
  auto aTy = RankedTensorType::get({m, k}, Float32Type::get(&ctx));
  auto rTy = RankedTensorType::get({m, n}, Float32Type::get(&ctx));
  SmallVector<Type> argTypes = {aTy};
  if (!constW)
    argTypes.push_back(wTy);
  auto fn =
      func::FuncOp::create(b, loc, "mm", b.getFunctionType(argTypes, rTy));
  fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), b.getUnitAttr());
  if (kernelLayout)
    fn.setArgAttr(1, mx::MXDialect::getKernelLayoutAttrName(),
                  FlatSymbolRefAttr::get(&ctx, "relayout"));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value lhs = entry->getArgument(0);
  Value weights;
  if (constW) {
    weights = mxbench::constantWeights(b, loc, wTy, constW->packed,
                                       constW->scales, 1.0f);
  } else {
    weights = entry->getArgument(1);
  }
  if (acts)
    lhs = mx::QuantizeOp::create(
        b, loc,
        // K blocks of the weights' size (mx.matmul requires it): 16 for
        // NVFP4.
        mx::BlockScaledTensorType::get(
            &ctx, {m, k}, mx::FormatAttr::get(&ctx, *lookupPreset(acts)),
            {1, w.kb}),
        lhs, /*tensor_scale=*/Value(), /*random_bits=*/Value(),
        mx::ScaleModeAttr());
  func::ReturnOp::create(
      b, loc,
      ValueRange{mx::MatmulOp::create(b, loc, rTy, lhs, weights).getResult()});

  mx::MXCPUPipelineOptions pipeline;
  pipeline.threads = threads;
  if (o.avx2)
    pipeline.target = mx::VectorTargetKind::AVX2;
  mx::CompileOptions opts;
  opts.pipeline = &pipeline;
  opts.optLevel = 3;
  opts.targetMachine = tm;
  auto compiled = mx::CompiledModule::compile(*module, opts);
  if (failed(compiled))
    return std::nullopt;
  MXKernel kernel;
  kernel.compiled = std::move(*compiled);
  auto sym = kernel.compiled->lookup("_mlir_ciface_mm");
  if (!sym) {
    llvm::errs() << "lookup: " << llvm::toString(sym.takeError()) << "\n";
    return std::nullopt;
  }
  kernel.fn = *sym;
  if (kernelLayout) {
    auto relayout = kernel.compiled->lookup("_mlir_ciface_relayout");
    if (!relayout) {
      llvm::errs() << "lookup: " << llvm::toString(relayout.takeError())
                   << "\n";
      return std::nullopt;
    }
    kernel.relayoutFn = *relayout;
  }
  kernel.tensorScale = lookupPreset(w.preset)->tensorScale;
  kernel.constantWeights = constW != nullptr;
  kernel.m = m;
  kernel.k = k;
  kernel.n = n;
  kernel.kb = w.kb;
  return kernel;
}

/// Rows 0 and M - 1 of the kernel's result against mxref::matmul, bit for
/// bit (rows are independent: activation blocks lie along K).
bool checkMX(const MXKernel &kernel, const char *name, const char *acts,
             const std::vector<float> &act, const MXMatrix &w,
             const QuantizedTensor &qw) {
  int64_t m = kernel.m, k = kernel.k, n = kernel.n;
  std::vector<float> got(m * n);
  kernel.call(act.data(), w, got.data());
  std::vector<int64_t> rows = {0};
  if (m > 1)
    rows.push_back(m - 1);
  for (int64_t row : rows) {
    std::vector<float> a(act.begin() + row * k, act.begin() + (row + 1) * k);
    int64_t shape[2] = {1, k};
    std::optional<QuantizedTensor> qa;
    if (acts) {
      std::vector<int64_t> block = {1, kernel.kb};
      auto q = quantize(a, shape, block, *lookupPreset(acts));
      if (!q) {
        llvm::errs() << llvm::toString(q.takeError()) << "\n";
        return false;
      }
      qa = std::move(*q);
    }
    MatmulOperand lhs = qa ? MatmulOperand(*qa) : MatmulOperand(a, shape);
    auto ref = matmul(lhs, MatmulOperand(qw));
    if (!ref) {
      llvm::errs() << llvm::toString(ref.takeError()) << "\n";
      return false;
    }
    for (int64_t i = 0; i < n; ++i) {
      float g = got[row * n + i], e = ref->values[i];
      uint32_t gb, eb;
      std::memcpy(&gb, &g, 4);
      std::memcpy(&eb, &e, 4);
      if (gb != eb && !(std::isnan(g) && std::isnan(e))) {
        llvm::errs() << llvm::format("MISMATCH against mxref::matmul: %s, row "
                                     "%lld column %lld: 0x%08x, reference "
                                     "0x%08x\n",
                                     name, (long long)row, (long long)i, gb,
                                     eb);
        return false;
      }
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// ggml
//===----------------------------------------------------------------------===//

/// ggml's log without its debug lines (one per repacked tensor); the last
/// repack line is kept to be reported once per weight set.
std::string lastRepackLine;
void ggmlLog(ggml_log_level level, const char *text, void *) {
  static bool dropping = false;
  if (level != GGML_LOG_LEVEL_CONT)
    dropping = level == GGML_LOG_LEVEL_DEBUG;
  if (dropping) {
    if (llvm::StringRef(text).contains("repack tensor"))
      lastRepackLine = llvm::StringRef(text).trim().str();
    return;
  }
  fputs(text, stderr);
}

/// ggml's CPU backend with the extra buffer type llama.cpp would pick for
/// weights ("CPU_REPACK"), found as llama.cpp finds it: through the device's
/// "ggml_backend_dev_get_extra_bufts" procedure.
struct GGML {
  ggml_backend_t backend = nullptr;
  ggml_backend_dev_t dev = nullptr;
  ggml_backend_buffer_type_t repack = nullptr;

  bool init() {
    ggml_log_set(ggmlLog, nullptr);
    backend = ggml_backend_cpu_init();
    if (!backend)
      return false;
    dev = ggml_backend_get_device(backend);
    ggml_backend_reg_t reg = ggml_backend_dev_backend_reg(dev);
    auto getExtra =
        (ggml_backend_dev_get_extra_bufts_t)ggml_backend_reg_get_proc_address(
            reg, "ggml_backend_dev_get_extra_bufts");
    if (getExtra)
      for (ggml_backend_buffer_type_t *b = getExtra(dev); b && *b; ++b)
        if (!std::strcmp(ggml_backend_buft_name(*b), "CPU_REPACK"))
          repack = *b;
    return true;
  }
  ~GGML() {
    if (backend)
      ggml_backend_free(backend);
  }
};

/// `count` weight tensors [K, N] (ggml: ne0 = K, ne1 = N) of one type in one
/// buffer of `buft`.
struct GGMLWeights {
  ggml_context *ctx = nullptr;
  ggml_backend_buffer_t buf = nullptr;
  std::vector<ggml_tensor *> w;
  size_t bytesEach = 0;

  bool alloc(ggml_type type, int64_t k, int64_t n, size_t count,
             ggml_backend_buffer_type_t buft) {
    ggml_init_params p = {ggml_tensor_overhead() * (count + 1), nullptr,
                          /*no_alloc=*/true};
    ctx = ggml_init(p);
    for (size_t i = 0; i < count; ++i)
      w.push_back(
          ggml_format_name(ggml_new_tensor_2d(ctx, type, k, n), "w%zu", i));
    buf = ggml_backend_alloc_ctx_tensors_from_buft(ctx, buft);
    if (!buf)
      return false;
    ggml_backend_buffer_set_usage(buf, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
    bytesEach = ggml_nbytes(w[0]);
    return true;
  }
  ~GGMLWeights() {
    if (buf)
      ggml_backend_buffer_free(buf);
    if (ctx)
      ggml_free(ctx);
  }
};

/// One graph: y_i = mul_mat(W_{i mod |W|}, x) for `nodes` nodes, x [K, M] f32
/// (ggml: ne0 = K, ne1 = M). One compute call is a round of the rotation,
/// as a model's graph is one call.
struct GGMLGraph {
  ggml_context *ctx = nullptr;
  ggml_backend_buffer_t buf = nullptr;
  ggml_cgraph *graph = nullptr;
  ggml_tensor *x = nullptr;
  std::vector<ggml_tensor *> y;

  bool build(GGML &g, const GGMLWeights &ws, size_t nodes, int64_t k,
             int64_t m) {
    size_t size = std::max<size_t>(nodes + 1, GGML_DEFAULT_GRAPH_SIZE);
    ggml_init_params p = {ggml_tensor_overhead() * (nodes + 2) +
                              ggml_graph_overhead_custom(size, false),
                          nullptr, /*no_alloc=*/true};
    ctx = ggml_init(p);
    x = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, k, m);
    graph = ggml_new_graph_custom(ctx, size, false);
    for (size_t i = 0; i < nodes; ++i) {
      y.push_back(ggml_mul_mat(ctx, ws.w[i % ws.w.size()], x));
      ggml_build_forward_expand(graph, y.back());
    }
    buf = ggml_backend_alloc_ctx_tensors(ctx, g.backend);
    if (!buf)
      return false;
    // The device must accept the product with these weights (for CPU_REPACK
    // its extra buffer type decides), as llama.cpp checks before placing.
    return ggml_backend_dev_supports_op(g.dev, y[0]);
  }
  bool compute(GGML &g) {
    return ggml_backend_graph_compute(g.backend, graph) == GGML_STATUS_SUCCESS;
  }
  ~GGMLGraph() {
    if (buf)
      ggml_backend_buffer_free(buf);
    if (ctx)
      ggml_free(ctx);
  }
};

/// ggml's result y_0 (rows 0 and M - 1) against the exact product of the
/// activations and the logical weights `deq` ([K, N], double). ggml rounds
/// the activations (q8_0: a step of amax/127 per 32, an f16 scale; bf16:
/// 2^-8 relative), so the bound per output is
///   sum over K blocks of step(block) * sum |w| + rel * sum |a w|.
bool checkGGML(const char *name, GGMLGraph &gr, ggml_type wType,
               const std::vector<float> &act, const std::vector<float> &deq,
               int64_t m, int64_t k, int64_t n) {
  std::vector<float> got(m * n);
  ggml_backend_tensor_get(gr.y[0], got.data(), 0, got.size() * sizeof(float));
  std::vector<int64_t> rows = {0};
  if (m > 1)
    rows.push_back(m - 1);
  double worst = 0;
  for (int64_t row : rows) {
    const float *a = &act[row * k];
    std::vector<double> exact(n, 0), absSum(n, 0), bound(n, 0);
    for (int64_t b = 0; b < k; b += 32) {
      double amax = 0;
      for (int64_t kk = b; kk < b + 32; ++kk)
        amax = std::max(amax, std::fabs(double(a[kk])));
      double step = wType == GGML_TYPE_F32    ? 0
                    : wType == GGML_TYPE_BF16 ? 0
                                              : amax / 127.0 * 1.001;
      for (int64_t kk = b; kk < b + 32; ++kk) {
        const float *wr = &deq[kk * n];
        for (int64_t i = 0; i < n; ++i) {
          double p = double(a[kk]) * wr[i];
          exact[i] += p;
          absSum[i] += std::fabs(p);
          bound[i] += step * std::fabs(wr[i]);
        }
      }
    }
    // f32: the accumulation alone (K roundings); q8_0: its f32 block sums.
    double rel = wType == GGML_TYPE_F32    ? double(k) * std::ldexp(1.0, -24)
                 : wType == GGML_TYPE_BF16 ? 1.0 / 128
                                           : 1e-3;
    for (int64_t i = 0; i < n; ++i) {
      double err = std::fabs(double(got[row * n + i]) - exact[i]);
      double tol = bound[i] + rel * absSum[i] + 1e-30;
      worst = std::max(worst, err / tol);
      if (!(err <= tol)) {
        llvm::errs() << llvm::format(
            "MISMATCH ggml %s against the exact product: row %lld column "
            "%lld: %g, exact %g, bound %g\n",
            name, (long long)row, (long long)i, got[row * n + i], exact[i],
            tol);
        return false;
      }
    }
  }
  llvm::outs() << llvm::format("  check ggml %-34s within bound (worst "
                               "error %.2f of it)\n",
                               name, worst);
  return true;
}

//===----------------------------------------------------------------------===//
// Rounds and the report
//===----------------------------------------------------------------------===//

struct Contender {
  std::string name;
  bool isMX;
  double bytes;                ///< weight bytes one product reads
  double flops;                ///< 2 M K N when reported (batched), else 0
  std::function<bool()> round; ///< one round: `calls` products
  std::vector<double> times;   ///< seconds per product, one per round
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

/// Rounds: bandwidth, then each contender once (A B C A B C ...), so drift
/// hits all alike. `calls` products per round. `warm`: each contender's
/// timed round follows an untimed one, after the idle time, so that a
/// round of one product is not its threads' wake-up (the batched rounds).
bool runRounds(const Options &o, const std::string &title, int threads,
               size_t calls, std::vector<Contender> &cs,
               const std::vector<float> *bwBuf, bool warm = false) {
  for (Contender &c : cs) // warm-up (pages, caches, clocks)
    if (!c.round())
      return llvm::errs() << "ggml compute failed: " << c.name << "\n", false;
  double bw = 0;
  auto settle = [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(o.settleMs));
  };
  for (int r = 0; r < o.rounds; ++r) {
    if (bwBuf) {
      settle();
      bw = std::max(bw, mxbench::measureReadBandwidth(
                            bwBuf->data(), bwBuf->size(), threads, 1));
    }
    for (Contender &c : cs) {
      settle();
      if (warm && !c.round())
        return llvm::errs() << "compute failed: " << c.name << "\n", false;
      double t0 = now();
      if (!c.round())
        return llvm::errs() << "compute failed: " << c.name << "\n", false;
      c.times.push_back((now() - t0) / double(calls));
    }
  }
  llvm::outs() << title << ", " << threads << " thread(s), " << o.rounds
               << " rounds";
  if (bwBuf)
    llvm::outs() << llvm::format(", read bandwidth %.1f GB/s (best of the "
                                 "rounds)",
                                 bw / 1.0);
  llvm::outs() << "\n";
  bool flops = cs.front().flops != 0;
  llvm::outs() << llvm::format("  %-44s %10s %10s %8s %8s\n", "", "median ms",
                               "min ms", "GB/s",
                               bwBuf   ? "of bw"
                               : flops ? "GFLOP/s"
                                       : "");
  for (Contender &c : cs) {
    double md = median(c.times),
           mn = *std::min_element(c.times.begin(), c.times.end());
    llvm::outs() << llvm::format("  %-44s %10.3f %10.3f %8.2f", c.name.c_str(),
                                 md * 1e3, mn * 1e3, c.bytes / md / 1e9);
    if (c.flops)
      llvm::outs() << llvm::format(" %8.1f", c.flops / md / 1e9);
    if (bwBuf)
      llvm::outs() << llvm::format(" %6.1f%%", 100.0 * c.bytes / md / 1e9 / bw);
    llvm::outs() << "\n";
  }
  // Ratios: ggml time / MX time, > 1 when MX is faster.
  for (Contender &a : cs)
    for (Contender &g : cs)
      if (a.isMX && !g.isMX)
        llvm::outs() << llvm::format(
            "  speed %-30s / %-32s x%.3f median, x%.3f min\n", a.name.c_str(),
            g.name.c_str(), median(g.times) / median(a.times),
            *std::min_element(g.times.begin(), g.times.end()) /
                *std::min_element(a.times.begin(), a.times.end()));
  return true;
}

struct Harness {
  const Options &o;
  mlir::MLIRContext &ctx;
  llvm::TargetMachine *tm;
  GGML &g;
  std::vector<float> bwBuf;

  std::vector<float> activations(int64_t m, uint64_t seed) {
    std::vector<float> a(m * o.k);
    Rng r(seed);
    for (float &v : a)
      v = (r.uniform() + r.uniform() + r.uniform() - 1.5f) * 2.0f;
    return a;
  }

  std::vector<float> dequantize(const FP4Kind &w, const Logical &l, int64_t n) {
    std::vector<float> d(o.k * n);
    for (int64_t kk = 0; kk < o.k; ++kk)
      for (int64_t i = 0; i < n; ++i)
        d[kk * n + i] = float(e2m1(l.codes[kk * n + i]) *
                              scaleValue(w, l.scales[(kk / w.kb) * n + i]));
    return d;
  }

  /// GEMV (M = 1) of one FP4 kind: DRAM-fed over a rotation of >= --gib of
  /// distinct matrices per contender, and cache-fed on one [K, cacheN].
  bool gemv(const FP4Kind &w) {
    int64_t k = o.k;
    for (bool dram : {true, false}) {
      int64_t n = dram ? o.n : o.cacheN;
      Logical l0 = randomLogical(w, k, n, 1);
      QuantizedTensor q0 = toQuantized(w, l0, k, n);
      std::vector<float> deq = dequantize(w, l0, n);
      double bytes = double(k) * n / 2 + double(k / w.kb) * n;
      size_t count = 1, calls;
      if (dram) {
        count = std::max<size_t>(
            2, size_t(std::ceil(o.gib * double(1ull << 30) / bytes)));
        calls = count;
      } else {
        // About the work of a DRAM round, at least 16 products.
        calls = std::max<size_t>(
            16, size_t(std::ceil(o.gib * double(1ull << 30) / bytes / 8)));
        calls = std::min<size_t>(calls, 4096);
      }
      std::vector<MXMatrix> mx;
      mx.push_back(toMX(w, l0));
      for (size_t i = 1; i < count; ++i)
        mx.push_back(randomMX(w, k, n, 100 + i));
      // The same matrices re-laid for the kernel (once, for every thread
      // count: the layout does not depend on it).
      std::vector<MXMatrix> laid;
      bool repack = w.type == GGML_TYPE_MXFP4 && g.repack;
      GGMLWeights plainW, repackW;
      if (!plainW.alloc(w.type, k, n, count, ggml_backend_cpu_buffer_type()) ||
          (repack && !repackW.alloc(w.type, k, n, count, g.repack)))
        return llvm::errs() << "ggml: cannot allocate the weights\n", false;
      if (repack && !repackW.w[0]->extra)
        return llvm::errs() << "ggml: CPU_REPACK has no layout for " << w.preset
                            << " [" << k << "x" << n << "]\n",
               false;
      for (size_t i = 0; i < count; ++i) {
        std::vector<uint8_t> bytesG =
            i ? randomGGML(w, k, n, 200 + i) : toGGML(w, l0, k, n);
        ggml_backend_tensor_set(plainW.w[i], bytesG.data(), 0, bytesG.size());
        if (repack) // CPU_REPACK interleaves the rows as it stores them
          ggml_backend_tensor_set(repackW.w[i], bytesG.data(), 0,
                                  bytesG.size());
      }
      if (repack)
        llvm::outs() << "ggml (" << lastRepackLine << ")\n";
      std::string title =
          llvm::formatv("GEMV {0} [{1}x1 blocks] {2}x{3}, batch 1, ", w.preset,
                        w.kb, k, n)
              .str() +
          (dram ? llvm::formatv("DRAM-fed: {0} distinct matrices of {1:F1} MB "
                                "per contender ({2:F2} GiB) rotated",
                                count, bytes / 1e6,
                                count * bytes / double(1ull << 30))
                      .str()
                : llvm::formatv("cache-fed: one matrix of {0:F2} MB, {1} "
                                "products per round",
                                bytes / 1e6, calls)
                      .str());
      std::vector<float> act = activations(1, 7);
      GGMLGraph plainG, repackG;
      if (!plainG.build(g, plainW, calls, k, 1) ||
          (repack && !repackG.build(g, repackW, calls, k, 1)))
        return llvm::errs() << "ggml: cannot build the graph\n", false;
      ggml_backend_tensor_set(plainG.x, act.data(), 0, act.size() * 4);
      if (repack)
        ggml_backend_tensor_set(repackG.x, act.data(), 0, act.size() * 4);
      for (int t : o.threads) {
        ggml_backend_cpu_set_n_threads(g.backend, t);
        std::vector<const char *> actKinds = {nullptr};
        actKinds.push_back("mxint8");
        std::vector<MXKernel> kernels;
        std::vector<Contender> cs;
        for (const char *acts : actKinds) {
          std::optional<MXKernel> kern =
              compileMX(ctx, tm, o, w, acts, 1, n, t);
          std::string name = std::string("MX ") + w.preset + " x " +
                             (acts ? acts : "f32") + " acts";
          if (!kern || !checkMX(*kern, name.c_str(), acts, act, mx[0], q0))
            return false;
          kernels.push_back(std::move(*kern));
        }
        // MXINT8 activations against each matrix as a constant of its own
        // module (a model's weights after mx-apply-policy), which the
        // integer dot reads re-laid at compile time.
        std::vector<MXKernel> constKernels;
        for (const MXMatrix &mat : mx) {
          std::optional<MXKernel> kern =
              compileMX(ctx, tm, o, w, "mxint8", 1, n, t, &mat);
          if (!kern)
            return false;
          constKernels.push_back(std::move(*kern));
        }
        std::string constName =
            std::string("MX ") + w.preset + " x mxint8 acts, constant weights";
        if (!checkMX(constKernels[0], constName.c_str(), "mxint8", act, mx[0],
                     q0))
          return false;
        // MXINT8 activations against the weights passed in, re-laid once
        // (untimed, as at load time) by the layout function.
        std::optional<MXKernel> laidKernel =
            compileMX(ctx, tm, o, w, "mxint8", 1, n, t, nullptr, true);
        if (!laidKernel)
          return false;
        if (laid.empty())
          for (const MXMatrix &mat : mx)
            laid.push_back(laidKernel->relayout(mat));
        std::string laidName =
            std::string("MX ") + w.preset + " x mxint8 acts, re-laid at load";
        if (!checkMX(*laidKernel, laidName.c_str(), "mxint8", act, laid[0], q0))
          return false;
        for (size_t i = 0; i < kernels.size(); ++i) {
          const MXKernel *kp = &kernels[i];
          cs.push_back({kp == &kernels[0]
                            ? std::string("MX ") + w.preset + " x f32 acts"
                            : std::string("MX ") + w.preset + " x mxint8 acts" +
                                  (w.kb == 16 ? " [1x16]" : ""),
                        true,
                        bytes,
                        0,
                        [&, kp] {
                          for (size_t c = 0; c < calls; ++c)
                            kp->call(act.data(), mx[c % mx.size()], nullptr);
                          return true;
                        },
                        {}});
        }
        cs.push_back({constName,
                      true,
                      bytes,
                      0,
                      [&] {
                        for (size_t c = 0; c < calls; ++c)
                          constKernels[c % constKernels.size()].call(
                              act.data(), mx[0], nullptr);
                        return true;
                      },
                      {}});
        cs.push_back({laidName,
                      true,
                      bytes,
                      0,
                      [&] {
                        for (size_t c = 0; c < calls; ++c)
                          laidKernel->call(act.data(), laid[c % laid.size()],
                                           nullptr);
                        return true;
                      },
                      {}});
        if (repack) {
          if (!repackG.compute(g) || !checkGGML("mxfp4 CPU_REPACK", repackG,
                                                w.type, act, deq, 1, k, n))
            return false;
          cs.push_back({"ggml mxfp4 CPU_REPACK (q8_0 acts)",
                        false,
                        double(repackW.bytesEach),
                        0,
                        [&] { return repackG.compute(g); },
                        {}});
        }
        std::string plainName =
            std::string("ggml ") + w.preset + " plain vec_dot (q8_0 acts)";
        if (!plainG.compute(g) ||
            !checkGGML((std::string(w.preset) + " plain").c_str(), plainG,
                       w.type, act, deq, 1, k, n))
          return false;
        cs.push_back({plainName,
                      false,
                      double(plainW.bytesEach),
                      0,
                      [&] { return plainG.compute(g); },
                      {}});
        if (!runRounds(o, title, t, calls, cs, dram ? &bwBuf : nullptr))
          return false;
      }
    }
    return true;
  }

  /// Batched M x K times K x N MXFP4: MX (f32 and mxint8 activations) against
  /// ggml's repacked and plain mxfp4 and its f32 and bf16 weights holding the
  /// same values. One matrix per contender (each weight byte serves M rows).
  bool batched() {
    const FP4Kind &w = kMXFP4;
    int64_t k = o.k, n = o.n;
    Logical l0 = randomLogical(w, k, n, 3);
    QuantizedTensor q0 = toQuantized(w, l0, k, n);
    std::vector<float> deq = dequantize(w, l0, n);
    MXMatrix mx = toMX(w, l0);
    std::vector<uint8_t> bytesG = toGGML(w, l0, k, n);
    GGMLWeights plainW, repackW, f32W, bf16W;
    bool repack = g.repack;
    if (!plainW.alloc(w.type, k, n, 1, ggml_backend_cpu_buffer_type()) ||
        (repack && !repackW.alloc(w.type, k, n, 1, g.repack)) ||
        !f32W.alloc(GGML_TYPE_F32, k, n, 1, ggml_backend_cpu_buffer_type()) ||
        !bf16W.alloc(GGML_TYPE_BF16, k, n, 1, ggml_backend_cpu_buffer_type()))
      return llvm::errs() << "ggml: cannot allocate the weights\n", false;
    ggml_backend_tensor_set(plainW.w[0], bytesG.data(), 0, bytesG.size());
    if (repack)
      ggml_backend_tensor_set(repackW.w[0], bytesG.data(), 0, bytesG.size());
    {
      // ggml rows are the N columns: transpose the dequantized values (exact
      // in bf16: an E2M1 value times 2^-8..2^8).
      std::vector<float> t(k * n);
      for (int64_t kk = 0; kk < k; ++kk)
        for (int64_t i = 0; i < n; ++i)
          t[i * k + kk] = deq[kk * n + i];
      ggml_backend_tensor_set(f32W.w[0], t.data(), 0, t.size() * 4);
      std::vector<ggml_bf16_t> tb(k * n);
      ggml_fp32_to_bf16_row(t.data(), tb.data(), int64_t(t.size()));
      ggml_backend_tensor_set(bf16W.w[0], tb.data(), 0, tb.size() * 2);
    }
    double mxBytes = double(mx.bytes());
    // `mx` re-laid for the integer dot (the same for every M and thread
    // count).
    MXMatrix laid;
    for (int64_t m : o.batches) {
      std::vector<float> act = activations(m, 11 + m);
      GGMLGraph plainG, repackG, f32G, bf16G;
      if (!plainG.build(g, plainW, 1, k, m) ||
          (repack && !repackG.build(g, repackW, 1, k, m)) ||
          !f32G.build(g, f32W, 1, k, m) || !bf16G.build(g, bf16W, 1, k, m))
        return llvm::errs() << "ggml: cannot build the graph\n", false;
      for (GGMLGraph *gr : {&plainG, &repackG, &f32G, &bf16G})
        if (gr->x)
          ggml_backend_tensor_set(gr->x, act.data(), 0, act.size() * 4);
      for (int t : o.threads) {
        ggml_backend_cpu_set_n_threads(g.backend, t);
        std::vector<MXKernel> kernels;
        const char *mxNames[4] = {"MX mxfp4 x f32 acts",
                                  "MX mxfp4 x mxint8 acts",
                                  "MX mxfp4 x mxint8 acts, constant weights",
                                  "MX mxfp4 x mxint8 acts, re-laid at load"};
        for (int i = 0; i < 4; ++i) {
          const char *acts = i ? "mxint8" : nullptr;
          // The third: the weights a constant of the module (re-laid for
          // the integer dot at compile time); the fourth: passed in, re-laid
          // once by the layout function.
          std::optional<MXKernel> kern = compileMX(
              ctx, tm, o, w, acts, m, n, t, i == 2 ? &mx : nullptr, i == 3);
          if (!kern)
            return false;
          if (i == 3 && laid.packed.empty())
            laid = kern->relayout(mx);
          if (!checkMX(*kern, mxNames[i], acts, act, i == 3 ? laid : mx, q0))
            return false;
          kernels.push_back(std::move(*kern));
        }
        std::vector<Contender> cs;
        double flops = 2.0 * double(m) * double(k) * double(n);
        for (int i = 0; i < 4; ++i) {
          const MXKernel *kp = &kernels[i];
          const MXMatrix *wp = i == 3 ? &laid : &mx;
          cs.push_back({mxNames[i],
                        true,
                        mxBytes,
                        flops,
                        [&, kp, wp] {
                          kp->call(act.data(), *wp, nullptr);
                          return true;
                        },
                        {}});
        }
        struct G {
          const char *name, *check;
          GGMLGraph *gr;
          const GGMLWeights *ws;
          ggml_type type;
        };
        std::vector<G> gs;
        if (repack)
          gs.push_back({"ggml mxfp4 CPU_REPACK (q8_0 acts)", "mxfp4 CPU_REPACK",
                        &repackG, &repackW, w.type});
        gs.push_back({"ggml mxfp4 plain (q8_0 acts)", "mxfp4 plain", &plainG,
                      &plainW, w.type});
        gs.push_back({"ggml f32 weights (f32 acts)", "f32", &f32G, &f32W,
                      GGML_TYPE_F32});
        gs.push_back({"ggml bf16 weights (bf16 acts)", "bf16", &bf16G, &bf16W,
                      GGML_TYPE_BF16});
        for (G &x : gs) {
          if (!x.gr->compute(g) ||
              !checkGGML(x.check, *x.gr, x.type, act, deq, m, k, n))
            return false;
          GGMLGraph *gr = x.gr;
          cs.push_back({x.name,
                        false,
                        double(x.ws->bytesEach),
                        flops,
                        [&, gr] { return gr->compute(g); },
                        {}});
        }
        std::string title =
            llvm::formatv("batched M = {0}: [{0}x{1}] x mxfp4 [{1}x{2}], one "
                          "weight matrix per contender",
                          m, k, n)
                .str();
        if (!runRounds(o, title, t, 1, cs, nullptr, /*warm=*/true))
          return false;
      }
    }
    return true;
  }
};

bool parseList(llvm::StringRef s, std::vector<int64_t> &out) {
  out.clear();
  llvm::SmallVector<llvm::StringRef> parts;
  s.split(parts, ',');
  for (llvm::StringRef p : parts) {
    int64_t v;
    if (p.getAsInteger(10, v) || v <= 0)
      return false;
    out.push_back(v);
  }
  return !out.empty();
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  bool doGemv = true, doBatched = true, doNvfp4 = true;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef a(argv[i]);
    std::vector<int64_t> list;
    if (a.consume_front("--gib=")) {
      if (a.getAsDouble(o.gib) || o.gib <= 0)
        return llvm::errs() << "bad --gib\n", 1;
    } else if (a.consume_front("--rounds=")) {
      if (a.getAsInteger(10, o.rounds) || o.rounds <= 0)
        return llvm::errs() << "bad --rounds\n", 1;
    } else if (a.consume_front("--settle-ms=")) {
      if (a.getAsInteger(10, o.settleMs) || o.settleMs < 0)
        return llvm::errs() << "bad --settle-ms\n", 1;
    } else if (a.consume_front("--k=")) {
      if (a.getAsInteger(10, o.k) || o.k <= 0 || o.k % 64)
        return llvm::errs() << "bad --k (a multiple of 64)\n", 1;
    } else if (a.consume_front("--n=")) {
      if (a.getAsInteger(10, o.n) || o.n <= 0 || o.n % 64)
        return llvm::errs() << "bad --n (a multiple of 64)\n", 1;
    } else if (a.consume_front("--cache-n=")) {
      if (a.getAsInteger(10, o.cacheN) || o.cacheN <= 0 || o.cacheN % 64)
        return llvm::errs() << "bad --cache-n (a multiple of 64)\n", 1;
    } else if (a.consume_front("--threads=")) {
      if (!parseList(a, list) ||
          llvm::any_of(list, [](int64_t t) { return t > 512; }))
        return llvm::errs() << "bad --threads\n", 1;
      o.threads.assign(list.begin(), list.end());
    } else if (a.consume_front("--batches=")) {
      if (a == "none")
        doBatched = false;
      else if (!parseList(a, o.batches))
        return llvm::errs() << "bad --batches\n", 1;
    } else if (a == "--isa=avx2") {
      o.avx2 = true;
    } else if (a == "--isa=native") {
      o.avx2 = false;
    } else if (a == "--no-gemv") {
      doGemv = false;
    } else if (a == "--no-nvfp4") {
      doNvfp4 = false;
    } else {
      llvm::errs()
          << "usage: mx-ggml-side-by-side [--gib=G] [--rounds=R] [--k=K] "
             "[--n=N] [--cache-n=N] [--threads=1,2] [--batches=8,64,512|none] "
             "[--isa=native|avx2] [--no-gemv] [--no-nvfp4] [--settle-ms=50]\n";
      return 1;
    }
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
  if (o.avx2) // LLVM clears every feature that implies AVX-512F too
    jtmb->getFeatures().AddFeature("avx512f", false);
  auto tmOr = jtmb->createTargetMachine();
  if (!tmOr)
    return llvm::errs() << llvm::toString(tmOr.takeError()) << "\n", 1;
  std::unique_ptr<llvm::TargetMachine> tm = std::move(*tmOr);

  mlir::DialectRegistry registry;
  mlir::mx::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry, mlir::MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();

  GGML g;
  if (!g.init())
    return llvm::errs() << "ggml: no CPU backend\n", 1;
  std::time_t t0 = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&t0));
  llvm::outs() << "mx-ggml-side-by-side " << date << ", CPU "
               << llvm::sys::getHostCPUName() << ", ISA "
               << (o.avx2 ? "avx2 (MX target=avx2, LLVM without AVX-512)"
                          : "native")
               << "\nggml: " << ggml_backend_dev_description(g.dev) << ", AVX2 "
               << ggml_cpu_has_avx2() << ", AVX-512 " << ggml_cpu_has_avx512()
               << ", extra buffer type "
               << (g.repack ? "CPU_REPACK" : "none (no repacked path)")
               << "\nMX: mx-cpu-pipeline at -O3, threads=N in the compiled "
                  "code; ggml: its CPU backend, n_threads=N; "
               << o.settleMs
               << " ms idle before each contender's round and bandwidth "
                  "probe\n";

  Harness h{o, ctx, tm.get(), g, {}};
  h.bwBuf.assign(size_t(o.gib * double(1ull << 30)) / sizeof(float), 1.0f);
  bool ok = true;
  if (doGemv) {
    ok = ok && h.gemv(kMXFP4);
    if (doNvfp4)
      ok = ok && h.gemv(kNVFP4);
  }
  h.bwBuf.clear();
  h.bwBuf.shrink_to_fit();
  if (doBatched)
    ok = ok && h.batched();
  return ok ? 0 : 1;
}
