//===- Kernels.cpp - GPU kernel bodies of the MX to NVVM lowering ---------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "KernelEmit.h"

#include "mx/Conversion/MXCommon/BlockEmitter.h"
#include "mx/Conversion/MXCommon/Components.h"
#include "mx/Conversion/MXCommon/Packing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::gpukernels;
using mlir::mx::kernel_detail::Emit;

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

/// A packed byte buffer of `bytes` bytes (bytes % 4 == 0) seen as i32 words,
/// so a run of 8 E2M1 codes is one load.
Value asWords(Emit &x, Value packed, int64_t bytes) {
  Value flat = memref::ReinterpretCastOp::create(
      x.b, x.loc, MemRefType::get({bytes}, x.b.getI8Type()), packed,
      /*offset=*/0, /*sizes=*/ArrayRef<int64_t>{bytes},
      /*strides=*/ArrayRef<int64_t>{1});
  Value zero = x.c(0);
  return memref::ViewOp::create(x.b, x.loc,
                                MemRefType::get({bytes / 4}, x.b.getI32Type()),
                                flat, zero, ValueRange{});
}

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
    if (repacksOperand(spec, /*lhs=*/true)) {
      // The repacked rows as one i32 buffer (K % 32 == 0, so a row is whole
      // words and every lane run starts on a word).
      lhsWords = asWords(x, lhsElems, spec.m * spec.k / 2);
    }
    if (repacksOperand(spec, /*lhs=*/false)) {
      // The repacked rhs (Repack.cpp): column n's words from n * K / 8.
      rhsWords = asWords(x, rhsElems, spec.n * spec.k / 2);
    }
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
      {
        // One op per statement (argument evaluation order is the compiler's).
        Value value = e.decodeElem(kind, code);
        return e.encodeElem(mxref::ElemKind::E4M3, value, e.i32(0));
      }
    default:
      // Every element value is exact in BF16 (at most 8 significant bits,
      // exponents within range): the top half of its f32 pattern.
      {
        Value bits = e.bitsOf(e.decodeElem(kind, code));
        return e.lshr(bits, e.i32(16));
      }
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
    // Mxf8f6f4X1 unless the switch says otherwise (initialized: GCC cannot
    // see that the switch covers every flavour).
    NVVM::ScaleVecSize vec = NVVM::ScaleVecSize::X1;
    NVVM::BlockScaleFormat fmt = NVVM::BlockScaleFormat::UE8M0;
    NVVM::MMABlockScaleKind kind = NVVM::MMABlockScaleKind::MXF8F6F4;
    int64_t blocks = 1, blockK = 32;
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

  /// One MMA from zero (or `c`) on the fragment registers `a` and `bRegs`.
  SmallVector<Value> emulatedMma(ArrayRef<Value> a, ArrayRef<Value> bRegs,
                                 ValueRange c) {
    Value d;
    if (spec.path == GPUMatmulPath::FP8) {
      auto name = [](mxref::ElemKind k) {
        return k == mxref::ElemKind::E5M2 ? "e5m2" : "e4m3";
      };
      std::string intr = std::string("llvm.nvvm.mma.m16n8k32.row.col.f32.") +
                         name(spec.lhs.format.elem) + "." +
                         name(spec.rhs.format.elem) + ".f32";
      SmallVector<Value> ops(a);
      ops.append(bRegs.begin(), bRegs.end());
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

  //===--------------------------------------------------------------------===//
  // Packed FP4 decode on the emulated paths (docs/Lowering.md, "Packed FP4
  // decode"). Inside one K block the MMAs only form the block's partial sum,
  // so which K element sits in which fragment slot is free as long as A and
  // B agree: lane (g, t) takes the run of R = kBlock / 4 consecutive K from
  // k0 + R t, which for E2M1 rows of A is whole 32-bit words of codes, and
  // places it so that each register is a few shifts and masks of a word.
  //===--------------------------------------------------------------------===//

  /// E2M1 operands decoded from packed words: whole words per lane run.
  bool packedFP4(const OperandInfo &info) const {
    return info.format.elem == mxref::ElemKind::E2M1 && spec.kBlock % 32 == 0;
  }
  bool permuted() const { return packedFP4(spec.lhs) || packedFP4(spec.rhs); }
  int64_t run() const { return spec.kBlock / 4; }
  int64_t mmasPerBlock() const { return spec.kBlock / mmaK(); }

  /// The run offset of element `e` of register half `h` (0: a0/a1/b0, 1:
  /// a2/a3/b1) of MMA `j` of a block.
  /// BF16: register rho = 2j + h of word rho / 4 holds nibbles s = rho % 4
  /// and s + 4 of that word (bits [3:0] and [19:16] after a shift by 4s).
  /// FP8: register h holds the low (h = 0) or high (h = 1) nibbles of the
  /// word's four bytes.
  int64_t runOffset(int64_t j, int64_t h, int64_t e) const {
    if (spec.path == GPUMatmulPath::FP8)
      return 8 * j + 2 * e + h;
    int64_t rho = 2 * j + h;
    return 8 * (rho / 4) + rho % 4 + 4 * e;
  }

  /// Register `reg` of a repacked word `w` (Repack.cpp, repackLayout): the
  /// OR of its groups' masks of `w` shifted. FP8: four E4M3 bytes of value
  /// * 2^-6 (0.5 the subnormal 2^-7). BF16: a pair of value * 2^-126 (0.5 a
  /// BF16 subnormal; PTX's mul.bf16x2 keeps subnormals), made exact by one
  /// bf16x2 multiply by 2^126.
  Value decodeRepacked(Value w, int64_t reg) {
    CodecEmitter e(x.b, x.loc);
    Value r;
    for (const RepackGroup &grp : repackLayout(spec.path)[reg].groups) {
      Value v = grp.shift > 0   ? e.shl(w, e.i32(grp.shift))
                : grp.shift < 0 ? e.lshr(w, e.i32(-grp.shift))
                                : w;
      v = e.andI(v, e.i32(int32_t(grp.mask)));
      r = r ? e.orI(r, v) : v;
    }
    if (spec.path == GPUMatmulPath::FP8)
      return r;
    auto pairTy = VectorType::get({2}, x.b.getBF16Type());
    Value pair = LLVM::BitcastOp::create(x.b, x.loc, pairTy, r);
    // 2^126: exponent field 253.
    Value fix = arith::ConstantOp::create(
        x.b, x.loc,
        DenseElementsAttr::get(pairTy,
                               APFloat(APFloat::BFloat(), APInt(16, 0x7E80))));
    pair = arith::MulFOp::create(x.b, x.loc, pair, fix);
    return LLVM::BitcastOp::create(x.b, x.loc, x.b.getI32Type(), pair);
  }

  /// The registers of one operand for every MMA of the block at `k0`:
  /// regs[j][h] for A row `rowOrCol` (lhs) or B column `rowOrCol` (rhs).
  SmallVector<std::array<Value, 2>> runRegisters(bool lhs, Value rowOrCol,
                                                 Value k0) {
    CodecEmitter e(x.b, x.loc);
    const OperandInfo &info = lhs ? spec.lhs : spec.rhs;
    Value elems = lhs ? lhsElems : rhsElems;
    Value kb = x.add(k0, x.mul(t, run()));
    int64_t perReg = spec.path == GPUMatmulPath::FP8 ? 4 : 2;
    int64_t width = 32 / perReg;
    int64_t nMma = mmasPerBlock();
    SmallVector<std::array<Value, 2>> regs(nMma);
    auto at = [&](int64_t off) {
      Value k = x.add(kb, off);
      return lhs ? SmallVector<Value>{rowOrCol, k}
                 : SmallVector<Value>{k, rowOrCol};
    };
    if (!packedFP4(info)) {
      for (int64_t j = 0; j < nMma; ++j)
        for (int64_t h = 0; h < 2; ++h) {
          Value r;
          for (int64_t el = 0; el < perReg; ++el) {
            Value p = piece(info.format.elem,
                            loadCode(x, info, elems, at(runOffset(j, h, el))));
            if (el)
              p = e.shl(p, e.i32(width * el));
            r = r ? e.orI(r, p) : p;
          }
          regs[j][h] = r;
        }
      return regs;
    }
    // A packed E2M1 operand is read from its repacked copy (repacksOperand
    // holds for it on the emulated paths): the run is whole 32-bit words,
    // one load per 8 codes.
    int64_t wordsPerRow = spec.k / 8;
    SmallVector<Value> words;
    for (int64_t w = 0; w < run() / 8; ++w) {
      Value rowBase = x.mul(rowOrCol, wordsPerRow);
      Value kWord = x.div(kb, 8);
      Value idx = x.add(x.add(rowBase, kWord), w);
      words.push_back(
          memref::LoadOp::create(x.b, x.loc, lhs ? lhsWords : rhsWords, idx));
    }
    for (int64_t j = 0; j < nMma; ++j)
      for (int64_t h = 0; h < 2; ++h) {
        if (spec.path == GPUMatmulPath::FP8) {
          regs[j][h] = decodeRepacked(words[j], h);
          continue;
        }
        int64_t rho = 2 * j + h;
        regs[j][h] = decodeRepacked(words[rho / 4], rho % 4);
      }
    return regs;
  }

  /// The power of two the decoded values of an operand carry (E4M3 bytes of
  /// packed E2M1 codes: 2^-6).
  int64_t decodeExponent(const OperandInfo &info) const {
    return spec.path == GPUMatmulPath::FP8 && packedFP4(info) ? -6 : 0;
  }

  /// The partial sums of the block at `k0` by MMA, from zero.
  SmallVector<Value> blockPartials(Value k0) {
    Value zero = x.f32Zero();
    SmallVector<Value> part = {zero, zero, zero, zero};
    if (!permuted()) {
      for (int64_t kk = 0; kk < spec.kBlock; kk += mmaK()) {
        SmallVector<Value> a, bRegs;
        fragments(x.add(k0, kk), a, bRegs);
        part = emulatedMma(a, bRegs, part);
      }
      return part;
    }
    Value rowLo = x.add(m0, g), rowHi = x.add(rowLo, 8);
    auto lo = runRegisters(true, rowLo, k0);
    auto hi = runRegisters(true, rowHi, k0);
    auto col = runRegisters(false, x.add(n0, g), k0);
    for (int64_t j = 0; j < mmasPerBlock(); ++j)
      part = emulatedMma({lo[j][0], hi[j][0], lo[j][1], hi[j][1]},
                         {col[j][0], col[j][1]}, part);
    int64_t exp = decodeExponent(spec.lhs) + decodeExponent(spec.rhs);
    if (exp && !e8m0Pair()) {
      // Exact: the partial sums of the scaled values are far from f32's
      // range limits (|partial| <= 32 * 448^2 * 2^-12).
      Value f = arith::ConstantOp::create(
          x.b, x.loc, x.b.getF32FloatAttr(std::ldexp(1.0f, -exp)));
      for (Value &v : part)
        v = arith::MulFOp::create(x.b, x.loc, v, f);
    }
    return part;
  }

  /// Both operands with E8M0 block scales (no UE4M3, no tensor-scale
  /// factor in the block term).
  bool e8m0Pair() const {
    return spec.lhs.format.scale == mxref::ScaleKind::E8M0 &&
           spec.rhs.format.scale == mxref::ScaleKind::E8M0;
  }

  /// Output coordinates of accumulator i.
  Value rowOf(int64_t i) { return x.add(x.add(m0, g), 8 * (i / 2)); }
  Value colOf(int64_t i) { return x.add(x.add(n0, x.mul(t, 2)), i % 2); }

  /// One K block on the emulated paths: its partial sums by MMA, then each
  /// with its block scales applied in f32 and accumulated: two E8M0 scales
  /// by scaleByE8M0Pair (two exact power-of-two multiplies, no f64), any
  /// other pair by applyMatmulBlockScales, as the reference does.
  SmallVector<Value> emulatedStep(Value k0, ValueRange acc) {
    SmallVector<Value> part = blockPartials(k0);
    SmallVector<Value> out;
    CodecEmitter e(x.b, x.loc);
    int64_t exp = decodeExponent(spec.lhs) + decodeExponent(spec.rhs);
    // Accumulator i has row i / 2 (g or g + 8) and column i % 2 (2t or
    // 2t + 1): two scale bytes of each operand per block.
    Value sa[2], sb[2], nanA[2], nanB[2], sa23[2], sb23[2];
    for (int64_t r = 0; r < 2; ++r) {
      sa[r] = loadScale(x, spec.lhs, lhsScales, {rowOf(2 * r), k0});
      sb[r] = loadScale(x, spec.rhs, rhsScales, {k0, colOf(r)});
      if (e8m0Pair()) {
        nanA[r] = e.eq(sa[r], e.i32(255));
        nanB[r] = e.eq(sb[r], e.i32(255));
        sa23[r] = e.shl(sa[r], e.i32(23));
        sb23[r] = e.shl(sb[r], e.i32(23));
      }
    }
    for (int64_t i = 0; i < 4; ++i) {
      int64_t r = i / 2, c = i % 2;
      Value v =
          e8m0Pair()
              ? scaleByE8M0Pair(
                    e, part[i], sa23[r], sb23[c],
                    arith::OrIOp::create(x.b, x.loc, nanA[r], nanB[c]), -exp)
              : applyMatmulBlockScales(e, part[i],
                                       {{sa[r], spec.lhs.format.scale},
                                        {sb[c], spec.rhs.format.scale}});
      out.push_back(arith::AddFOp::create(x.b, x.loc, acc[i], v));
    }
    return out;
  }

  Emit &x;
  const MatmulSpec &spec;
  Value lhsElems, lhsScales, rhsElems, rhsScales;
  /// The repacked lhs as 32-bit words (repacksOperand), else null.
  Value lhsWords;
  /// The repacked rhs as 32-bit words (repacksOperand), else null.
  Value rhsWords;
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

/// Columns one gemv thread owns: a 32-bit word of E2M1 codes (or eight
/// codes of another kind) when N allows, else one.
int64_t gemvColumns(const MatmulSpec &spec) {
  return spec.n % kGemvColumns == 0 ? kGemvColumns : 1;
}

/// The f32 value of the E2M1 code in nibble `i` of `word`: sign to bit 31
/// and magnitude to bits [24:22] give value * 2^-126 exactly (0.5 as an f32
/// subnormal; PTX mul.rn.f32 without .ftz keeps subnormals), one multiply by
/// 2^126 the value.
Value e2m1F32OfNibble(CodecEmitter &e, Value word, int64_t i) {
  auto shifted = [&](int64_t left) {
    return left >= 0 ? e.shl(word, e.i32(left)) : e.lshr(word, e.i32(-left));
  };
  Value mag = e.andI(shifted(22 - 4 * i), e.i32(0x01C00000));
  Value sign = e.andI(shifted(28 - 4 * i), e.i32(int32_t(0x80000000u)));
  Value scaled = e.floatOf(e.orI(mag, sign));
  return arith::MulFOp::create(e.getBuilder(), e.getLoc(), scaled,
                               e.f32(std::ldexp(1.0f, 126)));
}

/// Lanes of a gemv warp that read one row side by side, each its own group
/// of columns: 8 lanes read 8 neighbouring 32-bit words of E2M1 codes, one
/// whole 32-byte sector, where lanes on different rows use 4 bytes of each.
/// Fewer lanes per row is more K slots, so fewer K blocks per thread. Chosen
/// by measurement on an H200 (docs/Benchmarks.md, "On an H200"): with
/// 32-row blocks 8 lanes per row ran 1.5x faster than 4; with 16-row blocks
/// (NVFP4) 2 lanes ran faster than 4, and 4 than 8.
int64_t gemvLanesPerRow(const MatmulSpec &spec) {
  int64_t groups = spec.n / gemvColumns(spec);
  int64_t lanes = spec.kBlock >= 32 ? kGemvMaxLanesPerRow : 2;
  while (lanes > 1 && groups % lanes != 0)
    lanes /= 2;
  return lanes;
}

/// Warps of a gemv thread block (one block per G column groups of a row):
/// enough that each thread takes about two K blocks or more, at most
/// kGemvMaxWarps, a power of two. More warps is more loads in flight per
/// output: with one warp per group an H200 reached 2-5% of its read
/// bandwidth (docs/Benchmarks.md).
int64_t gemvWarps(const MatmulSpec &spec) {
  int64_t nBlocks = spec.k / spec.kBlock;
  int64_t slotsPerWarp = 32 / gemvLanesPerRow(spec);
  int64_t warps = 1;
  while (warps < kGemvMaxWarps && 2 * slotsPerWarp * warps * 2 <= nBlocks)
    warps *= 2;
  return warps;
}

/// The gemv (docs/Lowering.md, "gemv"): a thread block of W warps per G
/// groups of C columns of one output row. Lane l of warp w owns group
/// G * blockIdx.x + l % G and takes the K blocks s, s + S, ... (slot
/// s = l / G + w * 32 / G, S = 32 W / G slots) in turn. Inside a block the
/// reference order (product, then add, k increasing;
/// applyMatmulBlockScales); each thread adds its blocks in increasing
/// order, a butterfly of shuffles (offsets G to 16) adds a warp's slots of
/// one group (the same on each of its lanes: f32 addition commutes), and
/// thread g < G adds the W warp sums of group g in warp order from shared
/// memory. The result is deterministic and within mxref::matmulErrorBound.
void buildGemvBody(Emit &x, const MatmulSpec &spec, ValueRange args,
                   Value warpSums) {
  int64_t cols = gemvColumns(spec);
  int64_t warps = gemvWarps(spec);
  int64_t lanesPerRow = gemvLanesPerRow(spec);
  int64_t slotsPerWarp = 32 / lanesPerRow;
  int64_t nBlocks = spec.k / spec.kBlock;
  Value tid = x.threadX();
  Value lane = x.rem(tid, 32);
  Value warp = x.div(tid, 32);
  Value colSlot = x.rem(lane, lanesPerRow);
  Value kSlot = x.add(x.div(lane, lanesPerRow), x.mul(warp, slotsPerWarp));
  Value group =
      x.add(x.mul(x.blockId(gpu::Dimension::x), lanesPerRow), colSlot);
  Value m = x.blockId(gpu::Dimension::y);
  Value n0 = x.mul(group, cols);
  bool words = cols == 8 && spec.rhs.format.elem == mxref::ElemKind::E2M1;
  Value rhsWords;
  if (words) {
    // Row k's codes of columns [n0, n0 + 8) are one aligned 32-bit word.
    rhsWords = asWords(x, args[2], spec.k * spec.n / 2);
  }
  SmallVector<Value> zeros(cols, x.f32Zero());
  scf::ForOp innerLoop;
  auto blocks = scf::ForOp::create(
      x.b, x.loc, kSlot, x.c(nBlocks), x.c(slotsPerWarp * warps), zeros,
      [&](OpBuilder &nb, Location nl, Value blk, ValueRange acc) {
        Emit y{nb, nl};
        Value k0 = y.mul(blk, spec.kBlock);
        SmallVector<Value> pzero(cols, y.f32Zero());
        auto inner = scf::ForOp::create(
            nb, nl, y.c(0), y.c(spec.kBlock), y.c(1), pzero,
            [&](OpBuilder &ib, Location il, Value kk, ValueRange part) {
              Emit z{ib, il};
              CodecEmitter e(ib, il);
              Value k = z.add(k0, kk);
              Value ea = e.decodeElem(spec.lhs.format.elem,
                                      loadCode(z, spec.lhs, args[0], {m, k}));
              Value word;
              if (words)
                word = memref::LoadOp::create(
                    ib, il, rhsWords,
                    ValueRange{z.add(z.mul(k, spec.n / 8), z.div(n0, 8))});
              SmallVector<Value> next;
              for (int64_t c = 0; c < cols; ++c) {
                Value eb = words ? e2m1F32OfNibble(e, word, c)
                                 : e.decodeElem(spec.rhs.format.elem,
                                                loadCode(z, spec.rhs, args[2],
                                                         {k, z.add(n0, c)}));
                // f32(partial + f32(ea * eb)): two roundings, never fused.
                Value p = arith::MulFOp::create(ib, il, ea, eb);
                next.push_back(arith::AddFOp::create(ib, il, part[c], p));
              }
              scf::YieldOp::create(ib, il, next);
            });
        innerLoop = inner;
        CodecEmitter e(nb, nl);
        Value sa = loadScale(y, spec.lhs, args[1], {m, k0});
        SmallVector<Value> next;
        for (int64_t c = 0; c < cols; ++c) {
          Value sb = loadScale(y, spec.rhs, args[3], {k0, y.add(n0, c)});
          Value v = applyMatmulBlockScales(
              e, inner.getResult(c),
              {{sa, spec.lhs.format.scale}, {sb, spec.rhs.format.scale}});
          next.push_back(arith::AddFOp::create(nb, nl, acc[c], v));
        }
        scf::YieldOp::create(nb, nl, next);
      });
  // The block's rows straight-line, so that their loads are in flight
  // together; unrolled once the kernel is known to be new
  // (unrollMarkedLoops). The order of the products and adds is unchanged.
  innerLoop->setAttr(kUnrollFullAttrName, x.b.getUnitAttr());
  ValueRange threadSums = blocks.getResults();

  Value firstSlot = arith::CmpIOp::create(x.b, x.loc, arith::CmpIPredicate::ult,
                                          lane, x.c(lanesPerRow));
  Value firstThreads = arith::CmpIOp::create(
      x.b, x.loc, arith::CmpIPredicate::ult, tid, x.c(lanesPerRow));
  SmallVector<Value> sums;
  for (int64_t c = 0; c < cols; ++c) {
    Value v = threadSums[c];
    for (int32_t off = lanesPerRow; off < 32; off *= 2) {
      Value other =
          gpu::ShuffleOp::create(x.b, x.loc, v, off, 32, gpu::ShuffleMode::XOR)
              .getShuffleResult();
      v = arith::AddFOp::create(x.b, x.loc, v, other);
    }
    sums.push_back(v);
  }
  // warpSums[(w * G + g) * C + c]: warp w's sum of column c of group g.
  auto parked = [&](Value w, int64_t c) {
    return x.add(x.mul(x.add(x.mul(w, lanesPerRow), colSlot), cols), x.c(c));
  };
  if (warps > 1) {
    // The first G lanes of each warp park their sums; thread g < G adds
    // group g's in warp order.
    auto park = scf::IfOp::create(x.b, x.loc, firstSlot, /*withElse=*/false);
    {
      OpBuilder::InsertionGuard g(x.b);
      x.b.setInsertionPointToStart(park.thenBlock());
      for (int64_t c = 0; c < cols; ++c)
        memref::StoreOp::create(x.b, x.loc, sums[c], warpSums,
                                ValueRange{parked(warp, c)});
    }
    gpu::BarrierOp::create(x.b, x.loc);
  }
  auto store = scf::IfOp::create(x.b, x.loc, firstThreads, /*withElse=*/false);
  OpBuilder::InsertionGuard g(x.b);
  x.b.setInsertionPointToStart(store.thenBlock());
  for (int64_t c = 0; c < cols; ++c) {
    Value v = sums[c];
    if (warps > 1) {
      v = memref::LoadOp::create(x.b, x.loc, warpSums,
                                 ValueRange{parked(x.c(0), c)});
      for (int64_t w = 1; w < warps; ++w)
        v = arith::AddFOp::create(
            x.b, x.loc, v,
            memref::LoadOp::create(x.b, x.loc, warpSums,
                                   ValueRange{parked(x.c(w), c)}));
    }
    if (spec.tensorScale)
      v = arith::MulFOp::create(x.b, x.loc, v, args[5]);
    memref::StoreOp::create(x.b, x.loc, v, args[4],
                            ValueRange{m, x.add(n0, c)});
  }
}

} // namespace

void gpukernels::unrollMarkedLoops(Operation *root) {
  SmallVector<scf::ForOp> marked;
  root->walk([&](scf::ForOp loop) {
    if (loop->hasAttr(kUnrollFullAttrName))
      marked.push_back(loop);
  });
  for (scf::ForOp loop : marked) {
    loop->removeAttr(kUnrollFullAttrName);
    // A failure leaves the loop rolled: slower, the same result.
    (void)loopUnrollFull(loop);
  }
}

gpu::GPUFuncOp gpukernels::buildMatmulKernel(OpBuilder &b, Location loc,
                                             StringRef name,
                                             const MatmulSpec &spec,
                                             LaunchDims &dims) {
  SmallVector<Type> args = {
      spec.lhs.elemsType, spec.lhs.scalesType,
      repacksOperand(spec, false) ? repackedType(spec, false)
                                  : spec.rhs.elemsType,
      spec.rhs.scalesType, MemRefType::get({spec.m, spec.n}, b.getF32Type())};
  if (spec.tensorScale)
    args.push_back(b.getF32Type());
  bool gemv = spec.path == GPUMatmulPath::GEMV;
  int64_t cols = gemv ? gemvColumns(spec) : 0;
  int64_t warps = gemv ? gemvWarps(spec) : 0;
  gpu::GPUFuncOp func = createKernel(b, loc, name, args);
  int64_t lanesPerRow = gemv ? gemvLanesPerRow(spec) : 0;
  if (gemv && warps > 1)
    func.addWorkgroupAttribution(
        MemRefType::get({warps * lanesPerRow * cols}, b.getF32Type(),
                        MemRefLayoutAttrInterface(),
                        gpu::AddressSpaceAttr::get(
                            b.getContext(), gpu::AddressSpace::Workgroup)),
        loc);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  Emit x{b, loc};
  ValueRange fargs = func.getArguments();
  if (gemv) {
    setDims(dims, {spec.n / cols / lanesPerRow, spec.m, 1}, {32 * warps, 1, 1});
    // The block size bounds ptxas's register allocation, so the launch
    // never asks for more registers than a multiprocessor has.
    func->setAttr(NVVM::NVVMDialect::getMaxntidAttrName(),
                  b.getDenseI32ArrayAttr({int32_t(32 * warps), 1, 1}));
    buildGemvBody(x, spec, fargs,
                  warps > 1 ? Value(func.getWorkgroupAttributions()[0])
                            : Value());
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
  Value blockBase = x.mul(x.blockId(gpu::Dimension::x), kThreadsPerBlock);
  Value flat = x.add(blockBase, x.threadX());
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
