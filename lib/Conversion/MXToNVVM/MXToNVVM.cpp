//===- MXToNVVM.cpp - convert-mx-to-gpu -----------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Chooses a path per op from the chip's capability table, builds the kernels
// into one gpu.module before any rewriting (so every diagnostic comes first
// and nothing the chip lacks is ever emitted), then converts: the planned
// ops become gpu.launch_func on their component buffers, every other MX op
// is lowered on the host by the CPU patterns.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToNVVM/MXToNVVM.h"

#include "Kernels.h"
#include "Tcgen05Kernel.h"

#include "mx/Conversion/MXCommon/BlockEmitter.h"
#include "mx/Conversion/MXCommon/Components.h"
#include "mx/Conversion/MXToLinalg/MXToLinalg.h"
#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MX/MXOps.h"
#include "mx/Target/NVVM/Capabilities.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_CONVERTMXTOGPUPASS
#include "mx/Conversion/Passes.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::gpukernels;
using mxnvvm::Capability;

const char *mx::stringifyGPUMatmulPath(GPUMatmulPath path) {
  switch (path) {
  case GPUMatmulPath::Auto:
    return "auto";
  case GPUMatmulPath::Native:
    return "native";
  case GPUMatmulPath::FP8:
    return "fp8";
  case GPUMatmulPath::BF16:
    return "bf16";
  case GPUMatmulPath::GEMV:
    return "gemv";
  }
  return "?";
}

std::optional<std::string>
mx::checkBlockScaleSelectors(BlockScaleFlavour flavour, int64_t byteIdA,
                             int64_t threadIdA, int64_t byteIdB,
                             int64_t threadIdB) {
  // PTX ISA Table 37: byte-id ranges per scale_vec; thread-id-a in {0, 1},
  // thread-id-b in {0, 1, 2, 3} for every flavour.
  auto byteOk = [&](int64_t v) {
    switch (flavour) {
    case BlockScaleFlavour::Mxf8f6f4X1:
      return v >= 0 && v <= 3;
    case BlockScaleFlavour::Mxf4X2:
      return v == 0 || v == 2;
    case BlockScaleFlavour::Mxf4nvf4X4:
      return v == 0;
    }
    return false;
  };
  const char *bytes = flavour == BlockScaleFlavour::Mxf8f6f4X1 ? "0..3"
                      : flavour == BlockScaleFlavour::Mxf4X2   ? "0 or 2"
                                                               : "0";
  if (!byteOk(byteIdA))
    return "byte-id-a " + std::to_string(byteIdA) + " is not " + bytes;
  if (!byteOk(byteIdB))
    return "byte-id-b " + std::to_string(byteIdB) + " is not " + bytes;
  if (threadIdA < 0 || threadIdA > 1)
    return "thread-id-a " + std::to_string(threadIdA) + " is not 0..1";
  if (threadIdB < 0 || threadIdB > 3)
    return "thread-id-b " + std::to_string(threadIdB) + " is not 0..3";
  return std::nullopt;
}

namespace {

/// A per-tensor format (`fp8_e4m3_tensor`) has no block scales; the GPU
/// kernels assume them, so such values stay on the host.
bool isPerTensor(Type type) {
  auto t = dyn_cast<BlockScaledTensorType>(type);
  return t && t.getFormat().getFormat().scale == mxref::ScaleKind::None;
}

struct KernelLaunch {
  gpu::GPUFuncOp func;
  LaunchDims dims;
};
/// The kernels of one planned op, in launch order.
using PlanMap = llvm::DenseMap<Operation *, SmallVector<KernelLaunch, 2>>;

/// The inputs of a kernel builder (Kernels.h: a spec, an operand, a mode),
/// as a key: ops with equal keys get equal kernels, so only the first op of
/// each key builds them (building every op's kernels and letting
/// KernelTable erase the copies cost 79 s and heap churn for 100,000 ops in
/// one function, docs/Benchmarks.md). Types are uniqued, so their pointers
/// stand for them.
class SpecKey {
public:
  explicit SpecKey(StringRef kind) : os(key) { os << kind; }
  SpecKey &add(int64_t v) {
    os << '|' << v;
    return *this;
  }
  SpecKey &add(Type t) {
    os << '|' << t.getAsOpaquePointer();
    return *this;
  }
  SpecKey &add(const OperandInfo &info) {
    add(int64_t(info.format.elem)).add(int64_t(info.format.scale));
    add(info.format.tensorScale).add(info.format.defaultBlock);
    add(int64_t(info.shape.size()));
    for (int64_t d : info.shape)
      add(d);
    add(int64_t(info.block.size()));
    for (int64_t d : info.block)
      add(d);
    return add(info.elemsType).add(info.scalesType);
  }
  SpecKey &add(const MatmulSpec &spec) {
    add(int64_t(spec.path)).add(int64_t(spec.flavour));
    add(spec.lhs).add(spec.rhs).add(spec.m).add(spec.n).add(spec.k);
    return add(spec.kBlock).add(spec.tensorScale);
  }
  StringRef str() const { return key; }

private:
  std::string key;
  llvm::raw_string_ostream os;
};

/// Keeps one kernel per distinct body: ops with equal specs (a model's
/// repeated layers) get kernels equal up to their names and locations, and
/// NVPTX compiles every kernel of the module, so each is built once. Only
/// kernels of the same role share, so a kernel's name keeps saying what it
/// does (mx_repack_lhs_<n> repacks an lhs; the launch lowering and
/// mx-warp-sim read the role from it).
class KernelTable {
public:
  /// `k`, or an earlier kernel of `role` equal to it (then `k.func` is
  /// erased).
  KernelLaunch intern(KernelLaunch k, StringRef role) {
    llvm::hash_code h = llvm::hash_combine(role, k.func.getFunctionType(),
                                           llvm::ArrayRef(k.dims.grid),
                                           llvm::ArrayRef(k.dims.block));
    k.func.getBody().walk([&](Operation *op) {
      h = llvm::hash_combine(h, OperationEquivalence::computeHash(
                                    op, OperationEquivalence::ignoreHashValue,
                                    OperationEquivalence::ignoreHashValue,
                                    OperationEquivalence::IgnoreLocations));
    });
    SmallVector<std::pair<StringRef, KernelLaunch>, 1> &bucket = table[h];
    for (const auto &[seenRole, seen] : bucket)
      if (seenRole == role && equal(k, seen)) {
        k.func.erase();
        return seen;
      }
    bucket.push_back({role, k});
    return k;
  }

private:
  static bool equal(KernelLaunch a, KernelLaunch b) {
    if (!llvm::equal(a.dims.grid, b.dims.grid) ||
        !llvm::equal(a.dims.block, b.dims.block))
      return false;
    // Compared under one name: the symbol is the only attribute that may
    // differ.
    StringAttr name = SymbolTable::getSymbolName(a.func);
    SymbolTable::setSymbolName(a.func, SymbolTable::getSymbolName(b.func));
    bool same = OperationEquivalence::isEquivalentTo(
        a.func, b.func, OperationEquivalence::IgnoreLocations);
    SymbolTable::setSymbolName(a.func, name);
    return same;
  }

  llvm::DenseMap<llvm::hash_code,
                 SmallVector<std::pair<StringRef, KernelLaunch>, 1>>
      table;
};

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

bool isFloat8Exact(mxref::ElemKind k) {
  // E2M1, E2M3 and E3M2 values are exact in E4M3; E4M3 and E5M2 go to the
  // FP8 MMA as they are. INT8 (k * 2^-6, |k| <= 128) does not fit E4M3.
  return k != mxref::ElemKind::INT8;
}

/// What a matmul path needs, or why it cannot serve an op.
struct PathCheck {
  std::optional<Capability> cap; ///< capability the chip must have
  std::string why;               ///< empty when the op fits the path
  BlockScaleFlavour flavour = BlockScaleFlavour::Mxf8f6f4X1;
  const char *what = "";
};

PathCheck checkNative(const MatmulSpec &s) {
  PathCheck c;
  mxref::Format fa = s.lhs.format, fb = s.rhs.format;
  bool e8m0 = fa.scale == mxref::ScaleKind::E8M0 &&
              fb.scale == mxref::ScaleKind::E8M0 && s.kBlock == 32;
  bool fp4 =
      fa.elem == mxref::ElemKind::E2M1 && fb.elem == mxref::ElemKind::E2M1;
  int64_t mmaK = 32;
  if (fp4 && e8m0 && s.k % 64 == 0) {
    c.flavour = BlockScaleFlavour::Mxf4X2;
    c.cap = Capability::MmaMxf4X2Ue8m0;
    c.what = "block-scaled mma.sync m16n8k64 kind::mxf4 scale_vec::2X ue8m0";
    mmaK = 64;
  } else if (fp4 && fa.scale == mxref::ScaleKind::UE4M3 &&
             fb.scale == mxref::ScaleKind::UE4M3 && s.kBlock == 16) {
    c.flavour = BlockScaleFlavour::Mxf4nvf4X4;
    c.cap = Capability::MmaMxf4nvf4X4Ue4m3;
    c.what = "block-scaled mma.sync m16n8k64 kind::mxf4nvf4 scale_vec::4X "
             "ue4m3";
    mmaK = 64;
  } else if (e8m0 && isFloat8Exact(fa.elem) && isFloat8Exact(fb.elem)) {
    c.flavour = BlockScaleFlavour::Mxf8f6f4X1;
    c.cap = Capability::MmaMxf8f6f4X1Ue8m0;
    c.what = "block-scaled mma.sync m16n8k32 kind::mxf8f6f4 scale_vec::1X "
             "ue8m0";
  } else {
    c.why = "no block-scaled mma.sync kind takes " + fa.str() + " x " +
            fb.str() + " with K blocks of " + std::to_string(s.kBlock) +
            " (mxf4: E2M1/E8M0/32, mxf4nvf4 4X: E2M1/UE4M3/16, mxf8f6f4: "
            "FP4/FP6/FP8 with E8M0/32)";
    return c;
  }
  if (s.m % 16 || s.n % 8 || s.k % mmaK)
    c.why = "the " + std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
            std::to_string(s.k) + " matmul does not tile into m16n8k" +
            std::to_string(mmaK) + " MMAs";
  return c;
}

PathCheck checkFP8(const MatmulSpec &s) {
  PathCheck c;
  c.cap = Capability::MmaFp8M16n8k32;
  c.what = "FP8 mma.sync m16n8k32 per 32-element K block, block scales in f32";
  if (!isFloat8Exact(s.lhs.format.elem) || !isFloat8Exact(s.rhs.format.elem))
    c.why = "INT8 elements are not exact in FP8";
  else if (s.kBlock != 32)
    c.why =
        "the FP8 path needs K blocks of 32, not " + std::to_string(s.kBlock);
  else if (s.m % 16 || s.n % 8)
    c.why = "M must be a multiple of 16 and N of 8";
  return c;
}

PathCheck checkBF16(const MatmulSpec &s) {
  PathCheck c;
  c.cap = Capability::MmaBf16;
  c.what = "BF16 mma.sync m16n8k16, block scales in f32";
  if (s.kBlock % 16)
    c.why = "the BF16 path needs K blocks that are a multiple of 16, not " +
            std::to_string(s.kBlock);
  else if (s.m % 16 || s.n % 8)
    c.why = "M must be a multiple of 16 and N of 8";
  return c;
}

PathCheck checkPath(GPUMatmulPath p, const MatmulSpec &s) {
  switch (p) {
  case GPUMatmulPath::Native:
    return checkNative(s);
  case GPUMatmulPath::FP8:
    return checkFP8(s);
  case GPUMatmulPath::BF16:
    return checkBF16(s);
  default: {
    PathCheck c;
    c.what = "K blocks over the lanes and warps of a thread block, no tensor "
             "cores";
    return c;
  }
  }
}

//===----------------------------------------------------------------------===//
// Host side
//===----------------------------------------------------------------------===//

Value toBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  return bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(t.getShape(), t.getElementType()), tensor,
      /*read_only=*/true);
}

Value toTensor(OpBuilder &b, Location loc, Value buffer) {
  auto m = cast<MemRefType>(buffer.getType());
  return bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get(m.getShape(), m.getElementType()), buffer,
      /*restrict=*/true, /*writable=*/true);
}

void launch(OpBuilder &b, Location loc, const KernelLaunch &k,
            ValueRange args) {
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  gpu::KernelDim3 grid{c(k.dims.grid[0]), c(k.dims.grid[1]), c(k.dims.grid[2])};
  gpu::KernelDim3 block{c(k.dims.block[0]), c(k.dims.block[1]),
                        c(k.dims.block[2])};
  gpu::LaunchFuncOp::create(b, loc, k.func, grid, block, Value(), args);
}

template <typename OpTy> struct GPUPattern : OpConversionPattern<OpTy> {
  GPUPattern(const TypeConverter &tc, MLIRContext *ctx, const PlanMap &plans)
      : OpConversionPattern<OpTy>(tc, ctx, /*benefit=*/10), plans(plans) {}
  const SmallVector<KernelLaunch, 2> *find(Operation *op) const {
    auto it = plans.find(op);
    return it == plans.end() ? nullptr : &it->second;
  }
  const PlanMap &plans;
};

struct GPUMatmulLowering : GPUPattern<MatmulOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const auto *kernels = find(op);
    if (!kernels)
      return failure();
    Location loc = op.getLoc();
    ValueRange l = adaptor.getLhs(), r = adaptor.getRhs();
    Value lhsElems = toBuffer(rewriter, loc, l[0]);
    Value rhsElems = toBuffer(rewriter, loc, r[0]);
    // Repacked copies of the operand codes the MMA kernel reads
    // (Repack.cpp), into scratch memory, before it.
    for (const KernelLaunch &repack : ArrayRef(*kernels).drop_back()) {
      gpu::GPUFuncOp func = repack.func;
      bool lhs = func.getName().starts_with("mx_repack_lhs");
      Value copy = memref::AllocOp::create(
          rewriter, loc, cast<MemRefType>(func.getArgumentTypes()[1]));
      launch(rewriter, loc, repack, {lhs ? lhsElems : rhsElems, copy});
      (lhs ? lhsElems : rhsElems) = copy;
    }
    SmallVector<Value> args = {lhsElems, toBuffer(rewriter, loc, l[1]),
                               rhsElems, toBuffer(rewriter, loc, r[1])};
    auto outType = op.getType();
    Value out = memref::AllocOp::create(
        rewriter, loc,
        MemRefType::get(outType.getShape(), outType.getElementType()));
    args.push_back(out);
    // g = f32(S_decA * S_decB), or the one there is (docs/Numerics.md §6).
    Value g = l.size() > 2 ? l[2] : Value();
    if (r.size() > 2)
      g = g ? Value(arith::MulFOp::create(rewriter, loc, g, r[2])) : r[2];
    if (g)
      args.push_back(g);
    launch(rewriter, loc, kernels->back(), args);
    rewriter.replaceOp(op, toTensor(rewriter, loc, out));
    return success();
  }
};

struct GPUDequantizeLowering : GPUPattern<DequantizeOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const auto *kernels = find(op);
    if (!kernels)
      return failure();
    Location loc = op.getLoc();
    ValueRange in = adaptor.getInput();
    SmallVector<Value> args = {toBuffer(rewriter, loc, in[0]),
                               toBuffer(rewriter, loc, in[1])};
    if (in.size() > 2)
      args.push_back(in[2]);
    auto outType = cast<RankedTensorType>(op.getType());
    Value out = memref::AllocOp::create(
        rewriter, loc,
        MemRefType::get(outType.getShape(), outType.getElementType()));
    args.push_back(out);
    launch(rewriter, loc, kernels->front(), args);
    rewriter.replaceOp(op, toTensor(rewriter, loc, out));
    return success();
  }
};

struct GPUQuantizeLowering : GPUPattern<QuantizeOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const auto *kernels = find(op);
    if (!kernels)
      return failure();
    Location loc = op.getLoc();
    OperandInfo info = OperandInfo::get(op.getType());
    SmallVector<Value> args = {
        toBuffer(rewriter, loc, adaptor.getInput().front())};
    Value scales = memref::AllocOp::create(rewriter, loc, info.scalesType);
    Value elems = memref::AllocOp::create(rewriter, loc, info.elemsType);
    args.push_back(scales);
    Value decodeScale;
    if (info.format.tensorScale) {
      // The calibrated S_dec and f32(S_enc * f32(1/6)), on the host.
      BlockEmitter top(rewriter, loc, info.format);
      auto [encTimesInvMax, dec] =
          top.nvfp4TensorScales(adaptor.getTensorScale().front(), Value());
      decodeScale = dec;
      args.append({encTimesInvMax, dec});
    }
    launch(rewriter, loc, (*kernels)[0], args);
    args.push_back(elems);
    launch(rewriter, loc, (*kernels)[1], args);
    SmallVector<Value> comps = {toTensor(rewriter, loc, elems),
                                toTensor(rewriter, loc, scales)};
    if (decodeScale)
      comps.push_back(decodeScale);
    rewriter.replaceOpWithMultiple(op, {comps});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// "+ptx88" -> 8.8 (the first +ptxNN in a feature string).
std::optional<mxnvvm::PtxVersion> parsePtxFeature(StringRef features) {
  size_t pos = features.find("+ptx");
  if (pos == StringRef::npos)
    return std::nullopt;
  unsigned v;
  StringRef digits = features.substr(pos + 4).take_while(llvm::isDigit);
  if (digits.getAsInteger(10, v))
    return std::nullopt;
  return mxnvvm::PtxVersion{v / 10, v % 10};
}

struct ConvertMXToGPUPass
    : ::mlir::mx::impl::ConvertMXToGPUPassBase<ConvertMXToGPUPass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    registerLaunchFuncMemoryEffects(registry);
    // What gpu-module-to-binary needs for the #nvvm.target this pass
    // attaches: the target's serializer and the LLVM IR translations.
    NVVM::registerNVVMTargetInterfaceExternalModels(registry);
    registerBuiltinDialectTranslation(registry);
    registerGPUDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    registerNVVMDialectTranslation(registry);
  }

  /// A path the chip has: none of its capabilities is missing.
  bool chipHas(const PathCheck &c) const {
    return !c.cap || mxnvvm::supports(*chipInfo, *c.cap).has_value();
  }
  std::string missing(const PathCheck &c) const {
    return chip + " lacks " + c.what + " (capability '" +
           mxnvvm::stringifyCapability(*c.cap).str() +
           "', docs/TargetCapabilities.md)";
  }
  void use(const PathCheck &c) {
    if (!c.cap)
      return;
    mxnvvm::PtxVersion v = *mxnvvm::supports(*chipInfo, *c.cap);
    if (!neededPtx || *neededPtx < v)
      neededPtx = v;
  }

  /// Chooses the path of one matmul: a spec for the GPU, nullopt to keep it
  /// on the host, failure after an error.
  FailureOr<std::optional<MatmulSpec>> planMatmul(MatmulOp op) {
    auto lt = dyn_cast<BlockScaledTensorType>(op.getLhs().getType());
    auto rt = dyn_cast<BlockScaledTensorType>(op.getRhs().getType());
    auto keep = [&](const Twine &why) -> FailureOr<std::optional<MatmulSpec>> {
      if (path != GPUMatmulPath::Auto) {
        op.emitError() << "path=" << stringifyGPUMatmulPath(path)
                       << " cannot serve this matmul: " << why;
        return failure();
      }
      emitRemark(op.getLoc()) << "mx.matmul stays on the host: " << why;
      return std::optional<MatmulSpec>();
    };
    if (!lt || !rt)
      return keep("the GPU kernels need both operands block-scaled");
    if (isPerTensor(lt) || isPerTensor(rt))
      return keep("per-tensor formats (no block scales) have no GPU kernel "
                  "yet");
    if (lt.getRank() != 2)
      return keep("the GPU kernels take rank-2 matmuls");
    MatmulSpec s;
    s.lhs = OperandInfo::get(lt);
    s.rhs = OperandInfo::get(rt);
    s.m = lt.getShape()[0];
    s.k = lt.getShape()[1];
    s.n = rt.getShape()[1];
    s.kBlock = lt.getBlock()[1];
    s.tensorScale = s.lhs.format.tensorScale || s.rhs.format.tensorScale;

    // On chips with block-scaled tcgen05.mma (datacenter Blackwell), the
    // native path is the tcgen05 kernel; elsewhere block-scaled mma.sync.
    std::optional<Tcgen05Plan> tc;
    auto checkPath = [&](GPUMatmulPath p, const MatmulSpec &spec) {
      if (p != GPUMatmulPath::Native ||
          !mxnvvm::supports(*chipInfo, Capability::Tcgen05MmaBlockScale))
        return ::checkPath(p, spec);
      PathCheck c;
      c.cap = Capability::Tcgen05MmaBlockScale;
      c.what = "tcgen05.mma block_scale";
      llvm::Expected<Tcgen05Plan> plan = planTcgen05Matmul(spec);
      if (!plan) {
        c.why = llvm::toString(plan.takeError());
        return c;
      }
      tc = std::move(*plan);
      c.what = tc->what.c_str();
      return c;
    };
    auto record = [&](GPUMatmulPath p) {
      if (p == GPUMatmulPath::Native && tc)
        tcgen05Plans[op] = *tc;
    };

    if (path != GPUMatmulPath::Auto) {
      PathCheck c = checkPath(path, s);
      if (!chipHas(c)) {
        op.emitError() << "path=" << stringifyGPUMatmulPath(path) << ": "
                       << missing(c);
        return failure();
      }
      if (!c.why.empty()) {
        op.emitError() << "path=" << stringifyGPUMatmulPath(path) << ": "
                       << c.why;
        return failure();
      }
      s.path = path;
      s.flavour = c.flavour;
      use(c);
      record(path);
      emitRemark(op.getLoc()) << "mx.matmul on " << chip << ": path "
                              << stringifyGPUMatmulPath(path) << " (" << c.what
                              << "), as requested";
      return std::optional<MatmulSpec>(s);
    }

    // Auto: small M is bandwidth-bound; else the fastest MMA the chip has
    // (native block-scaled, then FP8 at twice the BF16 rate, then BF16).
    std::string why;
    auto choose = [&](GPUMatmulPath p, const PathCheck &c,
                      const Twine &because) {
      s.path = p;
      s.flavour = c.flavour;
      use(c);
      record(p);
      emitRemark(op.getLoc())
          << "mx.matmul on " << chip << ": path " << stringifyGPUMatmulPath(p)
          << " (" << c.what << "): " << because;
      return std::optional<MatmulSpec>(s);
    };
    if (s.m <= gemvMaxM)
      return choose(GPUMatmulPath::GEMV, checkPath(GPUMatmulPath::GEMV, s),
                    "M = " + std::to_string(s.m) +
                        " <= gemv-max-m, the "
                        "matmul is bandwidth-bound");
    for (GPUMatmulPath p :
         {GPUMatmulPath::Native, GPUMatmulPath::FP8, GPUMatmulPath::BF16}) {
      PathCheck c = checkPath(p, s);
      if (!chipHas(c)) {
        why += std::string(why.empty() ? "" : "; ") +
               stringifyGPUMatmulPath(p) + ": " + missing(c);
        continue;
      }
      if (!c.why.empty()) {
        why += std::string(why.empty() ? "" : "; ") +
               stringifyGPUMatmulPath(p) + ": " + c.why;
        continue;
      }
      return choose(p, c,
                    why.empty() ? std::string("the fastest legal path")
                                : "not faster paths because " + why);
    }
    return choose(GPUMatmulPath::GEMV, checkPath(GPUMatmulPath::GEMV, s),
                  "no MMA path fits: " + why);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    llvm::Expected<const mxnvvm::ChipInfo &> info = mxnvvm::lookupChip(chip);
    if (!info) {
      module.emitError() << "convert-mx-to-gpu: "
                         << llvm::toString(info.takeError());
      return signalPassFailure();
    }
    chipInfo = &*info;

    // Types without a component form are diagnosed first, as on the CPU.
    bool bad = false;
    module.walk([&](Operation *op) {
      for (Type t :
           llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
        if (auto bs = dyn_cast<BlockScaledTensorType>(t))
          if (std::optional<std::string> why = checkMXComponentSupport(bs)) {
            op->emitOpError() << "cannot be lowered: " << t << ": " << *why;
            bad = true;
            return;
          }
    });
    // mx.kernel_layout is the CPU integer dot's layout; the GPU kernels read
    // packed rows (docs/Lowering.md, "Weights re-laid at load time").
    module.walk([&](FunctionOpInterface func) {
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
        if (func.getArgAttr(i, MXDialect::getKernelLayoutAttrName())) {
          func.emitError() << "argument #" << i
                           << " is in the CPU kernel layout "
                              "(mx.kernel_layout); convert-mx-to-gpu reads "
                              "weights as packed rows";
          bad = true;
        }
    });
    if (bad)
      return signalPassFailure();

    // Plan every op before building anything.
    SmallVector<std::pair<Operation *, MatmulSpec>, 4> matmuls;
    SmallVector<Operation *> gpuOps;
    module.walk([&](Operation *op) {
      if (auto mm = dyn_cast<MatmulOp>(op)) {
        FailureOr<std::optional<MatmulSpec>> spec = planMatmul(mm);
        if (failed(spec)) {
          bad = true;
          return;
        }
        if (*spec)
          matmuls.push_back({op, **spec});
      } else if (auto q = dyn_cast<QuantizeOp>(op)) {
        if (isPerTensor(q.getType())) {
          emitRemark(q.getLoc()) << "mx.quantize stays on the host: per-tensor "
                                    "formats have no GPU kernel yet";
        } else if (q.getRounding() == Rounding::stochastic) {
          emitRemark(q.getLoc()) << "mx.quantize stays on the host: stochastic "
                                    "rounding has no GPU kernel yet";
        } else if (q.getType().getFormat().getFormat().tensorScale &&
                   !q.getTensorScale()) {
          emitRemark(q.getLoc())
              << "mx.quantize stays on the host: the NVFP4 tensor "
                 "scale needs the whole tensor's amax (give "
                 "tensor_scale to quantize on the GPU)";
        } else {
          emitRemark(q.getLoc())
              << "mx.quantize on " << chip
              << ": block scales (one thread per block), then "
                 "codes (one thread per packing group), integer "
                 "codecs, bit-exact";
          gpuOps.push_back(op);
        }
      } else if (auto d = dyn_cast<DequantizeOp>(op)) {
        if (isPerTensor(d.getInput().getType())) {
          emitRemark(d.getLoc())
              << "mx.dequantize stays on the host: per-tensor "
                 "formats have no GPU kernel yet";
          return;
        }
        emitRemark(d.getLoc()) << "mx.dequantize on " << chip
                               << ": one thread per element, integer codecs, "
                                  "bit-exact";
        gpuOps.push_back(op);
      }
    });
    if (bad)
      return signalPassFailure();

    // Native selectors are constants; check them as ptxas no longer can.
    for (auto &[op, spec] : matmuls)
      if (spec.path == GPUMatmulPath::Native && !tcgen05Plans.count(op))
        if (std::optional<std::string> why =
                checkBlockScaleSelectors(spec.flavour, 0, 0, 0, 0)) {
          op->emitError() << "illegal block-scale selectors: " << *why;
          return signalPassFailure();
        }

    std::string targetFeatures = features;
    if (neededPtx) {
      if (targetFeatures.empty()) {
        targetFeatures = neededPtx->featureString();
      } else if (std::optional<mxnvvm::PtxVersion> given =
                     parsePtxFeature(targetFeatures);
                 given && *given < *neededPtx) {
        module.emitError() << "convert-mx-to-gpu: features '" << features
                           << "' select PTX " << given->str()
                           << ", but the chosen instructions need PTX "
                           << neededPtx->str() << " on " << chip;
        return signalPassFailure();
      }
    }

    PlanMap plans;
    if (!matmuls.empty() || !gpuOps.empty()) {
      OpBuilder b(ctx);
      // The kernels' module goes first: the gpu.container_module verifier,
      // run after every pass, looks each launch's kernel up by scanning the
      // module from its start (SymbolTable::lookupSymbolIn), so at the end
      // it would cost O(launches x functions) per pass (docs/Robustness.md).
      b.setInsertionPointToStart(module.getBody());
      // MLIR 22 marks tcgen05.alloc/cp/ld/commit/fence/... NVVMRequiresSMa<
      // [100, 101]>, so its target check rejects them on sm_100f, sm_103a
      // and sm_110a, where llc 22 and ptxas 13.0 accept the very same
      // intrinsics (docs/Lowering.md, "Datacenter Blackwell: tcgen05"). The
      // capability table already gated every op, so the check is skipped
      // there; everywhere else it stays on.
      bool mlirTcgen05Chip = chipInfo->sm == 100 && chipInfo->suffix == 'a';
      auto target = NVVM::NVVMTargetAttr::get(
          ctx, /*optLevel=*/2, "nvptx64-nvidia-cuda", chip, targetFeatures,
          /*targetFlags=*/nullptr, /*linkFiles=*/nullptr,
          /*verifyTarget=*/tcgen05Plans.empty() || mlirTcgen05Chip);
      auto gpuModule = gpu::GPUModuleOp::create(
          b, module.getLoc(), "mx_kernels", b.getArrayAttr({target}));
      module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                      b.getUnitAttr());
      b.setInsertionPointToEnd(gpuModule.getBody());
      unsigned counter = 0;
      KernelTable kernels;
      llvm::StringMap<SmallVector<KernelLaunch, 2>> built;
      for (auto &[op, spec] : matmuls) {
        KernelLaunch k;
        auto tc = tcgen05Plans.find(op);
        // tcgen05 kernels also depend on their plan: always built.
        SpecKey key("matmul");
        if (tc == tcgen05Plans.end()) {
          key.add(spec);
          auto it = built.find(key.str());
          if (it != built.end()) {
            plans[op] = it->second;
            ++counter; // the names of later kernels stay as they were
            continue;
          }
        }
        // Launched first: the repacked operands the MMA kernel reads.
        for (bool lhs : {true, false}) {
          if (tc != tcgen05Plans.end() || !repacksOperand(spec, lhs))
            continue;
          KernelLaunch r;
          r.func = buildRepackKernel(
              b, op->getLoc(),
              std::string(lhs ? "mx_repack_lhs_" : "mx_repack_rhs_") +
                  std::to_string(counter),
              spec, lhs, r.dims);
          plans[op].push_back(
              kernels.intern(r, lhs ? "repack_lhs" : "repack_rhs"));
        }
        std::string name =
            "mx_matmul_" +
            std::string(tc != tcgen05Plans.end()
                            ? "tcgen05"
                            : stringifyGPUMatmulPath(spec.path)) +
            "_" + std::to_string(counter++);
        k.func = tc != tcgen05Plans.end()
                     ? buildTcgen05MatmulKernel(b, op->getLoc(), name, spec,
                                                tc->second, k.dims)
                     : buildMatmulKernel(b, op->getLoc(), name, spec, k.dims);
        plans[op].push_back(kernels.intern(k, "matmul"));
        if (tc == tcgen05Plans.end())
          built[key.str()] = plans[op];
      }
      for (Operation *op : gpuOps) {
        std::string n = std::to_string(counter++);
        if (auto d = dyn_cast<DequantizeOp>(op)) {
          OperandInfo info = OperandInfo::get(d.getInput().getType());
          Type outElem = cast<RankedTensorType>(d.getType()).getElementType();
          SpecKey key("dequantize");
          key.add(info).add(outElem);
          auto [it, inserted] = built.try_emplace(key.str());
          if (inserted) {
            KernelLaunch k;
            k.func = buildDequantizeKernel(
                b, op->getLoc(), "mx_dequantize_" + n, info, outElem, k.dims);
            it->second.push_back(kernels.intern(k, "dequantize"));
          }
          plans[op] = it->second;
          continue;
        }
        auto q = cast<QuantizeOp>(op);
        mxref::Format format = q.getType().getFormat().getFormat();
        mxref::ScaleMode mode =
            q.getScaleMode() ? static_cast<mxref::ScaleMode>(*q.getScaleMode())
                             : format.defaultScaleMode();
        OperandInfo info = OperandInfo::get(q.getType());
        SpecKey key("quantize");
        key.add(info).add(int64_t(mode));
        auto [it, inserted] = built.try_emplace(key.str());
        if (inserted) {
          KernelLaunch s, c;
          buildQuantizeKernels(b, op->getLoc(), "mx_quantize_" + n, info, mode,
                               s.func, s.dims, c.func, c.dims);
          it->second.push_back(kernels.intern(s, "quantize_scales"));
          it->second.push_back(kernels.intern(c, "quantize_codes"));
        }
        plans[op] = it->second;
      }
      unrollMarkedLoops(gpuModule);
      // convert-gpu-to-nvvm turns arith.minnumf/maxnumf into libdevice calls
      // (__nv_fminf), which need libdevice at link time; llvm.intr.minnum is
      // what arith-to-llvm makes of them on the CPU, and NVPTX selects it as
      // min.f32 itself.
      gpuModule.walk([](Operation *op) {
        OpBuilder ob(op);
        Value r;
        if (auto mn = dyn_cast<arith::MinNumFOp>(op))
          r = LLVM::MinNumOp::create(ob, op->getLoc(), mn.getLhs(),
                                     mn.getRhs());
        else if (auto mx = dyn_cast<arith::MaxNumFOp>(op))
          r = LLVM::MaxNumOp::create(ob, op->getLoc(), mx.getLhs(),
                                     mx.getRhs());
        if (!r)
          return;
        op->getResult(0).replaceAllUsesWith(r);
        op->erase();
      });
    }

    TypeConverter converter;
    populateMXComponentTypeConversion(converter);
    RewritePatternSet patterns(ctx);
    patterns.add<GPUMatmulLowering, GPUDequantizeLowering, GPUQuantizeLowering>(
        converter, ctx, plans);
    // Everything left runs on the host, lowered as on the CPU.
    populateMXToLinalgConversionPatterns(converter, patterns);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<MXDialect>();
    target.addLegalDialect<
        arith::ArithDialect, bufferization::BufferizationDialect,
        gpu::GPUDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
        math::MathDialect, memref::MemRefDialect, NVVM::NVVMDialect,
        tensor::TensorDialect, vector::VectorDialect>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateBranchOpInterfaceTypeConversionPattern(patterns, converter);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }

  const mxnvvm::ChipInfo *chipInfo = nullptr;
  std::optional<mxnvvm::PtxVersion> neededPtx;
  /// The matmuls on the tcgen05 path, with their plans.
  llvm::DenseMap<Operation *, Tcgen05Plan> tcgen05Plans;
};

} // namespace
