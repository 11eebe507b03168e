//===- Kernels.cpp - GPU kernel bodies of the MX to NVVM lowering ---------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mx/Conversion/MXCommon/BlockEmitter.h"
#include "mx/Conversion/MXCommon/Components.h"
#include "mx/Conversion/MXCommon/Packing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::gpukernels;

OperandInfo OperandInfo::get(BlockScaledTensorType type) {
  OperandInfo info;
  info.format = type.getFormat().getFormat();
  info.shape.assign(type.getShape().begin(), type.getShape().end());
  info.block.assign(type.getBlock().begin(), type.getBlock().end());
  SmallVector<Type> comps;
  (void)getMXComponentTypes(type, comps);
  auto memrefOf = [](Type t) {
    auto rt = cast<RankedTensorType>(t);
    return MemRefType::get(rt.getShape(), rt.getElementType());
  };
  info.elemsType = memrefOf(comps[0]);
  info.scalesType = memrefOf(comps[1]);
  return info;
}

namespace {

/// Index and i32 glue shared by the kernel builders.
struct Emit {
  OpBuilder &b;
  Location loc;

  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value add(Value x, int64_t y) { return y ? add(x, c(y)) : x; }
  Value mul(Value x, int64_t y) {
    return y == 1 ? x : Value(arith::MulIOp::create(b, loc, x, c(y)));
  }
  Value div(Value x, int64_t y) {
    return y == 1 ? x : Value(arith::DivUIOp::create(b, loc, x, c(y)));
  }
  Value rem(Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, c(y));
  }
  Value i16(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI16Type(), v);
  }
  Value f32Zero() {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  }
  Value threadX() { return gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x); }
  Value blockId(gpu::Dimension d) { return gpu::BlockIdOp::create(b, loc, d); }
  /// The row-major multi-index of `flat` in `shape`.
  SmallVector<Value> delinearize(Value flat, ArrayRef<int64_t> shape) {
    SmallVector<Value> idx(shape.size());
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      idx[d] = d == 0 ? flat : rem(flat, shape[d]);
      flat = div(flat, shape[d]);
    }
    return idx;
  }
  Value loadI32(Value memref, ArrayRef<Value> idx) {
    Value v = memref::LoadOp::create(b, loc, memref, idx);
    return arith::ExtUIOp::create(b, loc, b.getI32Type(), v);
  }
  void storeI8(Value v, Value memref, ArrayRef<Value> idx) {
    Value byte = arith::TruncIOp::create(b, loc, b.getI8Type(), v);
    memref::StoreOp::create(b, loc, byte, memref, idx);
  }
};

/// The element code (i32) at `index` of a packed elements buffer.
Value loadCode(Emit &x, const OperandInfo &info, Value elems,
               ArrayRef<Value> index) {
  CodecEmitter e(x.b, x.loc);
  mxref::ElemKind kind = info.format.elem;
  PackingGroup g = getPackingGroup(kind);
  SmallVector<Value> at(index.begin(), index.end());
  if (g.codes == 1)
    return x.loadI32(elems, at);
  Value last = index.back();
  Value grp = x.div(last, g.codes), pos = x.rem(last, g.codes);
  SmallVector<Value> bytes;
  for (int64_t j = 0; j < g.bytes; ++j) {
    at.back() = x.add(x.mul(grp, g.bytes), j);
    bytes.push_back(x.loadI32(elems, at));
  }
  Value word = packedGroupWord(e, bytes);
  int64_t bits = g.bytes * 8 / g.codes;
  return codeOfGroupWord(e, kind, word, e.toI32(x.mul(pos, bits)));
}

/// The scale byte (i32) of the block holding `index`.
Value loadScale(Emit &x, const OperandInfo &info, Value scales,
                ArrayRef<Value> index) {
  SmallVector<Value> at;
  for (auto [i, v] : llvm::enumerate(index))
    at.push_back(x.div(v, info.block[i]));
  return x.loadI32(scales, at);
}

gpu::GPUFuncOp createKernel(OpBuilder &b, Location loc, StringRef name,
                            ArrayRef<Type> args) {
  auto func = gpu::GPUFuncOp::create(
      b, loc, name, FunctionType::get(b.getContext(), args, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  return func;
}

void setDims(LaunchDims &dims, std::array<int64_t, 3> grid,
             std::array<int64_t, 3> block) {
  for (int i = 0; i < 3; ++i) {
    dims.grid[i] = grid[i];
    dims.block[i] = block[i];
  }
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

NVVM::MMATypes mmaTypeOf(mxref::ElemKind kind) {
  switch (kind) {
  case mxref::ElemKind::E2M1:
    return NVVM::MMATypes::e2m1;
  case mxref::ElemKind::E2M3:
    return NVVM::MMATypes::e2m3;
  case mxref::ElemKind::E3M2:
    return NVVM::MMATypes::e3m2;
  case mxref::ElemKind::E5M2:
    return NVVM::MMATypes::e5m2;
  default:
    return NVVM::MMATypes::e4m3;
  }
}

/// One warp computes a 16x8 output tile with mma.sync fragments loaded
/// straight from global memory (NVVM-FACTS §1.4 layouts: g = lane / 4,
/// t = lane % 4; accumulator i holds (g + 8 * (i / 2), 2t + i % 2)).
struct MmaMatmul {
  MmaMatmul(Emit &x, const MatmulSpec &spec, ValueRange args)
      : x(x), spec(spec), lhsElems(args[0]), lhsScales(args[1]),
        rhsElems(args[2]), rhsScales(args[3]) {
    lane = x.threadX();
    g = x.div(lane, 4);
    t = x.rem(lane, 4);
    m0 = x.mul(x.blockId(gpu::Dimension::y), 16);
    n0 = x.mul(x.blockId(gpu::Dimension::x), 8);
    MLIRContext *ctx = x.b.getContext();
    Type f32 = x.b.getF32Type();
    structTy = LLVM::LLVMStructType::getLiteral(ctx, {f32, f32, f32, f32});
  }

  /// The K extent of one mma.
  int64_t mmaK() const {
    switch (spec.path) {
    case GPUMatmulPath::Native:
      return spec.flavour == BlockScaleFlavour::Mxf8f6f4X1 ? 32 : 64;
    case GPUMatmulPath::FP8:
      return 32;
    default:
      return 16;
    }
  }
  /// The register piece of one element code of an operand of `kind`.
  Value piece(mxref::ElemKind kind, Value code) {
    CodecEmitter e(x.b, x.loc);
    switch (spec.path) {
    case GPUMatmulPath::Native:
      // mxf8f6f4 holds FP4 in bits [5:2] of its byte (NVVM-FACTS §1.4).
      if (spec.flavour == BlockScaleFlavour::Mxf8f6f4X1 &&
          kind == mxref::ElemKind::E2M1)
        return e.shl(code, e.i32(2));
      return code;
    case GPUMatmulPath::FP8:
      // Every E2M1/E2M3/E3M2 value is exact in E4M3; E4M3 and E5M2 codes
      // go to the MMA as they are.
      if (kind == mxref::ElemKind::E4M3 || kind == mxref::ElemKind::E5M2)
        return code;
      return e.encodeElem(mxref::ElemKind::E4M3, e.decodeElem(kind, code),
                          e.i32(0));
    default:
      // Every element value is exact in BF16 (at most 8 significant bits,
      // exponents within range): the top half of its f32 pattern.
      return e.lshr(e.bitsOf(e.decodeElem(kind, code)), e.i32(16));
    }
  }

  /// One 32-bit fragment register: `n` consecutive K elements from `k`
  /// of lhs row `row` (lhs) or of rhs column `col` (rhs).
  Value reg(bool lhs, Value rowOrCol, Value k, int64_t n) {
    CodecEmitter e(x.b, x.loc);
    const OperandInfo &info = lhs ? spec.lhs : spec.rhs;
    int64_t width = 32 / n;
    Value r;
    for (int64_t j = 0; j < n; ++j) {
      Value kj = x.add(k, j);
      SmallVector<Value> at = lhs ? SmallVector<Value>{rowOrCol, kj}
                                  : SmallVector<Value>{kj, rowOrCol};
      Value p = piece(info.format.elem,
                      loadCode(x, info, lhs ? lhsElems : rhsElems, at));
      if (j)
        p = e.shl(p, e.i32(width * j));
      r = r ? e.orI(r, p) : p;
    }
    return r;
  }

  /// The A (4) and B (2) registers of the mma at K offset `k0`.
  void fragments(Value k0, SmallVector<Value> &a, SmallVector<Value> &bRegs) {
    int64_t n = pieceCount(), half = mmaK() / 2;
    Value kBase = x.add(k0, x.mul(t, n));
    Value rowLo = x.add(m0, g), rowHi = x.add(rowLo, 8);
    Value col = x.add(n0, g);
    a = {reg(true, rowLo, kBase, n), reg(true, rowHi, kBase, n),
         reg(true, rowLo, x.add(kBase, half), n),
         reg(true, rowHi, x.add(kBase, half), n)};
    bRegs = {reg(false, col, kBase, n), reg(false, col, x.add(kBase, half), n)};
  }
  int64_t pieceCount() const {
    if (spec.path == GPUMatmulPath::Native &&
        spec.flavour != BlockScaleFlavour::Mxf8f6f4X1)
      return 8; // packed FP4
    return spec.path == GPUMatmulPath::BF16 ? 2 : 4;
  }

  SmallVector<Value> results(Value s) {
    SmallVector<Value> r;
    for (int64_t i = 0; i < 4; ++i)
      r.push_back(LLVM::ExtractValueOp::create(x.b, x.loc, s, i));
    return r;
  }

  /// The scale register of one native mma (NVVM-FACTS §1.5): lane l holds
  /// A row g + 8 * (l % 2) (right for either thread-id-a) and B column g,
  /// its K blocks in consecutive bytes, lowest K first.
  Value scaleReg(bool lhs, Value k0, int64_t blocks, int64_t blockK) {
    CodecEmitter e(x.b, x.loc);
    Value rc =
        lhs ? x.add(x.add(m0, g), x.mul(x.rem(lane, 2), 8)) : x.add(n0, g);
    Value r;
    for (int64_t j = 0; j < blocks; ++j) {
      Value kj = x.add(k0, j * blockK);
      Value s = lhs ? loadScale(x, spec.lhs, lhsScales, {rc, kj})
                    : loadScale(x, spec.rhs, rhsScales, {kj, rc});
      if (j)
        s = e.shl(s, e.i32(8 * j));
      r = r ? e.orI(r, s) : s;
    }
    return r;
  }

  SmallVector<Value> nativeStep(Value k0, ValueRange acc) {
    SmallVector<Value> a, bRegs;
    fragments(k0, a, bRegs);
    NVVM::ScaleVecSize vec;
    NVVM::BlockScaleFormat fmt = NVVM::BlockScaleFormat::UE8M0;
    NVVM::MMABlockScaleKind kind;
    int64_t blocks, blockK;
    switch (spec.flavour) {
    case BlockScaleFlavour::Mxf4X2:
      vec = NVVM::ScaleVecSize::X2;
      kind = NVVM::MMABlockScaleKind::MXF4;
      blocks = 2, blockK = 32;
      break;
    case BlockScaleFlavour::Mxf4nvf4X4:
      vec = NVVM::ScaleVecSize::X4;
      fmt = NVVM::BlockScaleFormat::UE4M3;
      kind = NVVM::MMABlockScaleKind::MXF4NVF4;
      blocks = 4, blockK = 16;
      break;
    case BlockScaleFlavour::Mxf8f6f4X1:
      vec = NVVM::ScaleVecSize::X1;
      kind = NVVM::MMABlockScaleKind::MXF8F6F4;
      blocks = 1, blockK = 32;
      break;
    }
    Value sa = scaleReg(true, k0, blocks, blockK);
    Value sb = scaleReg(false, k0, blocks, blockK);
    // Selectors are compile-time constants, checked against PTX Table 37
    // by the pass before any kernel is built (checkBlockScaleSelectors).
    Value zero = x.i16(0);
    std::array<NVVM::MMATypes, 2> types = {mmaTypeOf(spec.lhs.format.elem),
                                           mmaTypeOf(spec.rhs.format.elem)};
    Value d = NVVM::MmaBlockScaleOp::create(
        x.b, x.loc, structTy, a, bRegs, acc, sa, zero, zero, sb, zero, zero,
        {16, 8, mmaK()}, types, vec, fmt, kind);
    return results(d);
  }

  /// One MMA from zero over the K range [k0, k0 + mmaK()).
  SmallVector<Value> emulatedMma(Value k0, ValueRange c) {
    SmallVector<Value> a, bRegs;
    fragments(k0, a, bRegs);
    Value d;
    if (spec.path == GPUMatmulPath::FP8) {
      auto name = [](mxref::ElemKind k) {
        return k == mxref::ElemKind::E5M2 ? "e5m2" : "e4m3";
      };
      std::string intr = std::string("llvm.nvvm.mma.m16n8k32.row.col.f32.") +
                         name(spec.lhs.format.elem) + "." +
                         name(spec.rhs.format.elem) + ".f32";
      SmallVector<Value> ops(a);
      ops.append(bRegs);
      ops.append(c.begin(), c.end());
      d = LLVM::CallIntrinsicOp::create(x.b, x.loc, structTy,
                                        x.b.getStringAttr(intr), ops)
              .getResult(0);
    } else {
      d = NVVM::MmaOp::create(x.b, x.loc, structTy, a, bRegs, c, {16, 8, 16},
                              std::nullopt, std::nullopt,
                              std::array<NVVM::MMATypes, 2>{
                                  NVVM::MMATypes::bf16, NVVM::MMATypes::bf16},
                              std::array<NVVM::MMALayout, 2>{
                                  NVVM::MMALayout::row, NVVM::MMALayout::col});
    }
    return results(d);
  }

  /// Output coordinates of accumulator i.
  Value rowOf(int64_t i) { return x.add(x.add(m0, g), 8 * (i / 2)); }
  Value colOf(int64_t i) { return x.add(x.add(n0, x.mul(t, 2)), i % 2); }

  /// One K block on the emulated paths: its partial sums by MMA, then each
  /// with its block scales applied in f32 (applyMatmulBlockScales, as the
  /// reference does) and accumulated.
  SmallVector<Value> emulatedStep(Value k0, ValueRange acc) {
    Value zero = x.f32Zero();
    SmallVector<Value> part = {zero, zero, zero, zero};
    for (int64_t kk = 0; kk < spec.kBlock; kk += mmaK())
      part = emulatedMma(x.add(k0, kk), part);
    SmallVector<Value> out;
    CodecEmitter e(x.b, x.loc);
    for (int64_t i = 0; i < 4; ++i) {
      Value sa = loadScale(x, spec.lhs, lhsScales, {rowOf(i), k0});
      Value sb = loadScale(x, spec.rhs, rhsScales, {k0, colOf(i)});
      Value v = applyMatmulBlockScales(
          e, part[i],
          {{sa, spec.lhs.format.scale}, {sb, spec.rhs.format.scale}});
      out.push_back(arith::AddFOp::create(x.b, x.loc, acc[i], v));
    }
    return out;
  }

  Emit &x;
  const MatmulSpec &spec;
  Value lhsElems, lhsScales, rhsElems, rhsScales;
  Value lane, g, t, m0, n0;
  Type structTy;
};

void buildMmaBody(Emit &x, const MatmulSpec &spec, ValueRange args) {
  MmaMatmul mm(x, spec, args);
  Value zero = x.f32Zero();
  bool native = spec.path == GPUMatmulPath::Native;
  int64_t step = native ? mm.mmaK() : spec.kBlock;
  auto loop = scf::ForOp::create(
      x.b, x.loc, x.c(0), x.c(spec.k), x.c(step),
      ValueRange{zero, zero, zero, zero},
      [&](OpBuilder &nb, Location nl, Value k0, ValueRange acc) {
        SmallVector<Value> next =
            native ? mm.nativeStep(k0, acc) : mm.emulatedStep(k0, acc);
        scf::YieldOp::create(nb, nl, next);
      });
  for (int64_t i = 0; i < 4; ++i) {
    Value v = loop.getResult(i);
    if (spec.tensorScale)
      v = arith::MulFOp::create(x.b, x.loc, v, args[5]);
    memref::StoreOp::create(x.b, x.loc, v, args[4],
                            ValueRange{mm.rowOf(i), mm.colOf(i)});
  }
}

/// One thread per output in the reference order (docs/Numerics.md §6):
/// bit-exact, no tensor cores.
void buildGemvBody(Emit &x, const MatmulSpec &spec, ValueRange args) {
  Value n =
      x.add(x.mul(x.blockId(gpu::Dimension::x), kThreadsPerBlock), x.threadX());
  Value m = x.blockId(gpu::Dimension::y);
  Value inRange = arith::CmpIOp::create(x.b, x.loc, arith::CmpIPredicate::ult,
                                        n, x.c(spec.n));
  auto ifOp = scf::IfOp::create(x.b, x.loc, inRange, /*withElse=*/false);
  OpBuilder::InsertionGuard guard(x.b);
  x.b.setInsertionPointToStart(ifOp.thenBlock());
  Value zero = x.f32Zero();
  auto blocks = scf::ForOp::create(
      x.b, x.loc, x.c(0), x.c(spec.k), x.c(spec.kBlock), ValueRange{zero},
      [&](OpBuilder &nb, Location nl, Value k0, ValueRange acc) {
        Emit y{nb, nl};
        auto inner = scf::ForOp::create(
            nb, nl, y.c(0), y.c(spec.kBlock), y.c(1), ValueRange{y.f32Zero()},
            [&](OpBuilder &ib, Location il, Value kk, ValueRange part) {
              Emit z{ib, il};
              CodecEmitter e(ib, il);
              Value k = z.add(k0, kk);
              Value ea = e.decodeElem(spec.lhs.format.elem,
                                      loadCode(z, spec.lhs, args[0], {m, k}));
              Value eb = e.decodeElem(spec.rhs.format.elem,
                                      loadCode(z, spec.rhs, args[2], {k, n}));
              // f32(partial + f32(ea * eb)): two roundings, never fused.
              Value p = arith::MulFOp::create(ib, il, ea, eb);
              scf::YieldOp::create(
                  ib, il, Value(arith::AddFOp::create(ib, il, part[0], p)));
            });
        CodecEmitter e(nb, nl);
        Value sa = loadScale(y, spec.lhs, args[1], {m, k0});
        Value sb = loadScale(y, spec.rhs, args[3], {k0, n});
        Value v = applyMatmulBlockScales(
            e, inner.getResult(0),
            {{sa, spec.lhs.format.scale}, {sb, spec.rhs.format.scale}});
        scf::YieldOp::create(nb, nl,
                             Value(arith::AddFOp::create(nb, nl, acc[0], v)));
      });
  Value v = blocks.getResult(0);
  if (spec.tensorScale)
    v = arith::MulFOp::create(x.b, x.loc, v, args[5]);
  memref::StoreOp::create(x.b, x.loc, v, args[4], ValueRange{m, n});
}

} // namespace

gpu::GPUFuncOp gpukernels::buildMatmulKernel(OpBuilder &b, Location loc,
                                             StringRef name,
                                             const MatmulSpec &spec,
                                             LaunchDims &dims) {
  SmallVector<Type> args = {spec.lhs.elemsType, spec.lhs.scalesType,
                            spec.rhs.elemsType, spec.rhs.scalesType,
                            MemRefType::get({spec.m, spec.n}, b.getF32Type())};
  if (spec.tensorScale)
    args.push_back(b.getF32Type());
  gpu::GPUFuncOp func = createKernel(b, loc, name, args);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  Emit x{b, loc};
  ValueRange fargs = func.getArguments();
  if (spec.path == GPUMatmulPath::GEMV) {
    setDims(dims, {ceilDiv(spec.n, kThreadsPerBlock), spec.m, 1},
            {kThreadsPerBlock, 1, 1});
    buildGemvBody(x, spec, fargs);
  } else {
    setDims(dims, {spec.n / 8, spec.m / 16, 1}, {32, 1, 1});
    buildMmaBody(x, spec, fargs);
  }
  gpu::ReturnOp::create(b, loc);
  return func;
}

//===----------------------------------------------------------------------===//
// Dequantize and quantize
//===----------------------------------------------------------------------===//

namespace {

/// Runs `body` for flat indices below `total`, one per thread.
void forEachThread(Emit &x, int64_t total,
                   function_ref<void(Emit &, Value)> body) {
  Value flat =
      x.add(x.mul(x.blockId(gpu::Dimension::x), kThreadsPerBlock), x.threadX());
  Value inRange = arith::CmpIOp::create(x.b, x.loc, arith::CmpIPredicate::ult,
                                        flat, x.c(total));
  auto ifOp = scf::IfOp::create(x.b, x.loc, inRange, /*withElse=*/false);
  OpBuilder::InsertionGuard guard(x.b);
  x.b.setInsertionPointToStart(ifOp.thenBlock());
  body(x, flat);
}

int64_t product(ArrayRef<int64_t> v) {
  int64_t p = 1;
  for (int64_t d : v)
    p *= d;
  return p;
}

} // namespace

gpu::GPUFuncOp gpukernels::buildDequantizeKernel(OpBuilder &b, Location loc,
                                                 StringRef name,
                                                 const OperandInfo &info,
                                                 Type outElem,
                                                 LaunchDims &dims) {
  SmallVector<Type> args = {info.elemsType, info.scalesType};
  if (info.format.tensorScale)
    args.push_back(b.getF32Type());
  args.push_back(MemRefType::get(info.shape, outElem));
  gpu::GPUFuncOp func = createKernel(b, loc, name, args);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  Emit x{b, loc};
  int64_t total = product(info.shape);
  setDims(dims, {ceilDiv(total, kThreadsPerBlock), 1, 1},
          {kThreadsPerBlock, 1, 1});
  forEachThread(x, total, [&](Emit &y, Value flat) {
    SmallVector<Value> idx = y.delinearize(flat, info.shape);
    Value code = loadCode(y, info, func.getArgument(0), idx);
    Value scale = loadScale(y, info, func.getArgument(1), idx);
    BlockEmitter e(y.b, y.loc, info.format);
    Value ts = info.format.tensorScale ? func.getArgument(2) : Value();
    Value v = e.dequantize(code, scale, ts, outElem);
    memref::StoreOp::create(y.b, y.loc, v, func.getArguments().back(), idx);
  });
  gpu::ReturnOp::create(b, loc);
  return func;
}

void gpukernels::buildQuantizeKernels(
    OpBuilder &b, Location loc, StringRef name, const OperandInfo &info,
    mxref::ScaleMode mode, gpu::GPUFuncOp &scalesKernel, LaunchDims &scalesDims,
    gpu::GPUFuncOp &codesKernel, LaunchDims &codesDims) {
  bool nvfp4 = mode == mxref::ScaleMode::NVFP4;
  Type f32 = b.getF32Type();
  MemRefType inType = MemRefType::get(info.shape, f32);
  SmallVector<Type> args = {inType, info.scalesType};
  if (nvfp4)
    args.append({f32, f32});
  SmallVector<int64_t> grid(info.scalesType.getShape());
  int64_t blockVolume = product(info.block);

  // Scales: one thread per block, the block's amax then its scale.
  scalesKernel = createKernel(b, loc, (name + "_scales").str(), args);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&scalesKernel.getBody().front());
    Emit x{b, loc};
    int64_t total = product(grid);
    setDims(scalesDims, {ceilDiv(total, kThreadsPerBlock), 1, 1},
            {kThreadsPerBlock, 1, 1});
    forEachThread(x, total, [&](Emit &y, Value flat) {
      SmallVector<Value> blk = y.delinearize(flat, grid);
      CodecEmitter ce(y.b, y.loc);
      auto loop = scf::ForOp::create(
          y.b, y.loc, y.c(0), y.c(blockVolume), y.c(1), ValueRange{ce.i32(0)},
          [&](OpBuilder &nb, Location nl, Value i, ValueRange acc) {
            Emit z{nb, nl};
            SmallVector<Value> off = z.delinearize(i, info.block);
            SmallVector<Value> at;
            for (auto [d, o] : llvm::enumerate(off))
              at.push_back(z.add(z.mul(blk[d], info.block[d]), o));
            Value v =
                memref::LoadOp::create(nb, nl, scalesKernel.getArgument(0), at);
            BlockEmitter e(nb, nl, info.format);
            scf::YieldOp::create(nb, nl, e.accumulateMaxBits(acc[0], v));
          });
      BlockEmitter e(y.b, y.loc, info.format);
      BlockScale s =
          e.blockScale(mode, loop.getResult(0),
                       nvfp4 ? scalesKernel.getArgument(2) : Value(),
                       nvfp4 ? scalesKernel.getArgument(3) : Value());
      y.storeI8(s.code, scalesKernel.getArgument(1), blk);
    });
    gpu::ReturnOp::create(b, loc);
  }

  // Codes: one thread per packing group (no two threads share a byte).
  args.push_back(info.elemsType);
  codesKernel = createKernel(b, loc, (name + "_codes").str(), args);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&codesKernel.getBody().front());
    Emit x{b, loc};
    PackingGroup pg = getPackingGroup(info.format.elem);
    SmallVector<int64_t> groups(info.shape);
    groups.back() /= pg.codes;
    int64_t total = product(groups);
    setDims(codesDims, {ceilDiv(total, kThreadsPerBlock), 1, 1},
            {kThreadsPerBlock, 1, 1});
    forEachThread(x, total, [&](Emit &y, Value flat) {
      SmallVector<Value> at = y.delinearize(flat, groups);
      Value grp = at.back();
      BlockEmitter e(y.b, y.loc, info.format);
      SmallVector<Value> codes;
      for (int64_t i = 0; i < pg.codes; ++i) {
        at.back() = y.add(y.mul(grp, pg.codes), i);
        Value v =
            memref::LoadOp::create(y.b, y.loc, codesKernel.getArgument(0), at);
        Value sc = loadScale(y, info, codesKernel.getArgument(1), at);
        BlockScale s = {
            sc, nvfp4 ? e.nvfp4BlockEncodeScale(sc, codesKernel.getArgument(3))
                      : Value()};
        codes.push_back(e.encodeInBlock(v, s));
      }
      Value word = groupWordOfCodes(e, info.format.elem, codes);
      for (int64_t j = 0; j < pg.bytes; ++j) {
        at.back() = y.add(y.mul(grp, pg.bytes), j);
        y.storeI8(byteOfGroupWord(e, word, e.i32(j)),
                  codesKernel.getArguments().back(), at);
      }
    });
    gpu::ReturnOp::create(b, loc);
  }
}
