//===- Repack.cpp - K-major copy of a packed E2M1 rhs for the MMA kernels -===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The rhs (the weight) of mx.matmul is packed along N (docs/Lowering.md,
// component layouts), so an MMA lane that needs 8 consecutive K codes of one
// column would assemble them from 8 bytes of 8 rows; and the natural nibble
// order of either operand costs shifts and masks per register. The emulated
// MMA kernels instead read copies: word (r, w) holds the 8 codes of row r
// (lhs) or column r (rhs) at K = 8w .. 8w + 7, their bits placed so that
// each fragment register is one or two masks of the word shifted
// (docs/Lowering.md, "Repacked operands"). These kernels make the copies,
// one thread per word, once per call.
//
//===----------------------------------------------------------------------===//

#include "KernelEmit.h"
#include "Kernels.h"

#include "mx/Conversion/MXCommon/CodecEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::gpukernels;
using mlir::mx::kernel_detail::Emit;

bool gpukernels::repacksOperand(const MatmulSpec &spec, bool lhs) {
  const OperandInfo &info = lhs ? spec.lhs : spec.rhs;
  return (spec.path == GPUMatmulPath::FP8 ||
          spec.path == GPUMatmulPath::BF16) &&
         info.format.elem == mxref::ElemKind::E2M1 && spec.kBlock % 32 == 0;
}

MemRefType gpukernels::repackedType(const MatmulSpec &spec, bool lhs) {
  return MemRefType::get({lhs ? spec.m : spec.n, spec.k / 2},
                         IntegerType::get(spec.rhs.elemsType.getContext(), 8));
}

ArrayRef<RepackRegister> gpukernels::repackLayout(GPUMatmulPath path) {
  // Found by exhaustive search over shifts and masks (docs/Lowering.md,
  // "Repacked operands"): every register a mask of the word shifted.
  static const RepackRegister bf16[] = {
      {{{0x81C081C0u, 0}}},
      {{{0x81C081C0u, 3}}},
      {{{0x00800080u, -4}, {0x81408140u, 6}}},
      {{{0x01800180u, -6}, {0x80408040u, 5}}},
  };
  static const RepackRegister fp8[] = {
      {{{0x9C9C9C9Cu, 0}}},
      {{{0x8C8C8C8Cu, 2}, {0x10101010u, -2}}},
  };
  if (path == GPUMatmulPath::FP8)
    return fp8;
  return bf16;
}

/// The code (run offset in the word, 0..7) and its bit (0..3: m, e0, e1,
/// sign) that output bit `p` of register `reg` holds: BF16 pair halves of
/// offsets reg and reg + 4 (sign bit 15, magnitude bits 8..6 of a half);
/// FP8 byte e of offset 2e + reg (sign bit 7, magnitude bits 4..2).
static std::pair<int64_t, int64_t> codeBitOf(GPUMatmulPath path, int64_t reg,
                                             int64_t p) {
  if (path == GPUMatmulPath::FP8) {
    int64_t inByte = p % 8;
    return {2 * (p / 8) + reg, inByte == 7 ? 3 : inByte - 2};
  }
  int64_t inHalf = p % 16;
  return {p < 16 ? reg : reg + 4, inHalf == 15 ? 3 : inHalf - 6};
}

/// The repacked word of the 8 codes c[0..7] (K increasing): each bit of
/// each code at the source position of its register's group.
static Value repackedWord(CodecEmitter &e, GPUMatmulPath path,
                          ArrayRef<Value> c) {
  Value w;
  ArrayRef<RepackRegister> layout = repackLayout(path);
  for (auto [reg, r] : llvm::enumerate(layout))
    for (const RepackGroup &grp : r.groups)
      for (int64_t p = 0; p < 32; ++p) {
        if (!(grp.mask >> p & 1))
          continue;
        auto [code, bit] = codeBitOf(path, reg, p);
        Value v = e.andI(c[code], e.i32(1 << bit));
        int64_t to = p - grp.shift - bit;
        v = to > 0 ? e.shl(v, e.i32(to)) : to < 0 ? e.lshr(v, e.i32(-to)) : v;
        w = w ? e.orI(w, v) : v;
      }
  return w;
}

gpu::GPUFuncOp gpukernels::buildRepackKernel(OpBuilder &b, Location loc,
                                             StringRef name,
                                             const MatmulSpec &spec, bool lhs,
                                             LaunchDims &dims) {
  MemRefType inType = lhs ? spec.lhs.elemsType : spec.rhs.elemsType;
  MemRefType outType = repackedType(spec, lhs);
  auto func = gpu::GPUFuncOp::create(
      b, loc, name, FunctionType::get(b.getContext(), {inType, outType}, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  Emit x{b, loc};
  int64_t rows = outType.getShape()[0];
  int64_t wordsPerRow = spec.k / 8, total = rows * wordsPerRow;
  dims = LaunchDims();
  dims.grid[0] = (total + kThreadsPerBlock - 1) / kThreadsPerBlock;
  dims.block[0] = kThreadsPerBlock;
  // One op-creating call per statement here and below: the emitted IR must
  // not depend on the compiler's argument evaluation order.
  Value blockBase = x.mul(x.blockId(gpu::Dimension::x), kThreadsPerBlock);
  Value flat = x.add(blockBase, x.threadX());
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, flat,
                                        x.c(total));
  auto ifOp = scf::IfOp::create(b, loc, inRange, /*withElse=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value row = x.div(flat, wordsPerRow), w = x.rem(flat, wordsPerRow);
  CodecEmitter e(b, loc);
  SmallVector<Value> codes;
  if (lhs) {
    // A row's codes are already K-major: the word's 4 bytes, low nibble
    // first.
    for (int64_t j = 0; j < 4; ++j) {
      Value byte = x.loadI32(func.getArgument(0), {row, x.add(x.mul(w, 4), j)});
      codes.push_back(e.andI(byte, e.i32(0xf)));
      codes.push_back(e.lshr(byte, e.i32(4)));
    }
  } else {
    // Column n of the rhs: 8 rows of its byte column, its nibble.
    Value byteCol = x.div(row, 2);
    Value shift = e.toI32(x.mul(x.rem(row, 2), 4));
    for (int64_t i = 0; i < 8; ++i) {
      Value byte =
          x.loadI32(func.getArgument(0), {x.add(x.mul(w, 8), i), byteCol});
      Value nibble = e.lshr(byte, shift);
      codes.push_back(e.andI(nibble, e.i32(0xf)));
    }
  }
  Value word = repackedWord(e, spec.path, codes);
  for (int64_t j = 0; j < 4; ++j) {
    Value byte = j ? e.lshr(word, e.i32(8 * j)) : word;
    Value col = x.add(x.mul(w, 4), j);
    x.storeI8(byte, func.getArgument(1), {row, col});
  }
  b.setInsertionPointAfter(ifOp);
  gpu::ReturnOp::create(b, loc);
  return func;
}
