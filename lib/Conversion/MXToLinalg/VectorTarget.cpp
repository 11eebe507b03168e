//===- VectorTarget.cpp - CPU vector targets of the MX lowering -----------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The target descriptions and the FP4 product-table lookups. A new target
// adds a VectorTargetKind, its lanes and a lookup strategy here; every
// lowering reads only the VectorTarget.
//
//===----------------------------------------------------------------------===//

#include "Vectorize.h"

#include "mx/Conversion/MXCommon/CodecEmitter.h"
#include "mx/Dialect/MXX86/MXX86.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;

VectorTargetKind VectorTarget::detectHost() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f")) {
    if (!features.lookup("avx512vnni") || !features.lookup("avx512vl"))
      return VectorTargetKind::AVX512;
    return features.lookup("avx512vbmi") ? VectorTargetKind::AVX512VBMI
                                         : VectorTargetKind::AVX512VNNI;
  }
  if (features.lookup("avx2"))
    return features.lookup("avxvnni") ? VectorTargetKind::AVX2VNNI
                                      : VectorTargetKind::AVX2;
  return VectorTargetKind::Generic;
}

bool VectorTarget::hostHasFastSubnormalInputs() {
  // Measured on Zen 1 (no slowdown) and on Intel Xeons (about 150 cycles
  // per instruction); other CPUs are assumed to be slow, which costs the
  // bit decode's speed-up, not a cliff.
  return llvm::sys::getHostCPUName().starts_with("znver");
}

VectorTarget VectorTarget::get(VectorTargetKind kind) {
  switch (kind) {
  case VectorTargetKind::Host: {
    VectorTarget t = get(detectHost());
    t.fastSubnormalInputs = hostHasFastSubnormalInputs();
    return t;
  }
  case VectorTargetKind::AVX512:
    return {16,
            FP4LookupStrategy::DynamicExtract,
            32,
            /*byteDot=*/true,
            /*dotAccumulate=*/false,
            /*halfConvert=*/true};
  case VectorTargetKind::AVX512VNNI: {
    VectorTarget t = get(VectorTargetKind::AVX512);
    t.dotAccumulate = true;
    return t;
  }
  case VectorTargetKind::AVX512VBMI: {
    VectorTarget t = get(VectorTargetKind::AVX512VNNI);
    t.byteTable64 = true;
    return t;
  }
  case VectorTargetKind::AVX2:
    return {8,
            FP4LookupStrategy::HalfTables,
            16,
            /*byteDot=*/true,
            /*dotAccumulate=*/false,
            /*halfConvert=*/true};
  case VectorTargetKind::AVX2VNNI: {
    VectorTarget t = get(VectorTargetKind::AVX2);
    t.dotAccumulate = true;
    return t;
  }
  case VectorTargetKind::Generic:
    return {4,
            FP4LookupStrategy::None,
            16,
            /*byteDot=*/false,
            /*dotAccumulate=*/false,
            /*halfConvert=*/false};
  }
  llvm_unreachable("unknown vector target");
}

//===----------------------------------------------------------------------===//
// FP4 product tables
//===----------------------------------------------------------------------===//

FP4Table vec::buildFP4ValueTable(OpBuilder &b, Location loc,
                                 mxref::ElemKind kind,
                                 FP4LookupStrategy strategy) {
  // Decoded by the reference's bit arithmetic (folded to constants).
  int32_t parts = strategy == FP4LookupStrategy::HalfTables ? 2 : 1;
  int32_t size = 16 / parts;
  FP4Table table{strategy, {}};
  for (int32_t p = 0; p < parts; ++p) {
    SmallVector<int32_t> codes;
    for (int32_t c = 0; c < size; ++c)
      codes.push_back(p * size + c);
    CodecEmitter e(b, loc, VectorType::get({size}, b.getI32Type()));
    table.parts.push_back(e.decodeElem(kind, intVector(b, loc, codes)));
  }
  return table;
}

FP4Table vec::multiplyTable(OpBuilder &b, Location loc, const FP4Table &values,
                            Value a) {
  FP4Table table{values.strategy, {}};
  for (Value part : values.parts) {
    Value av = vector::BroadcastOp::create(b, loc, part.getType(), a);
    table.parts.push_back(arith::MulFOp::create(b, loc, av, part));
  }
  return table;
}

/// One dynamic extract per lane: x86 selects the pattern as a single
/// variable permute (vpermps) when the table fills one register (16 f32
/// with AVX-512, 8 with AVX2); other targets get correct scalar code. The
/// IR is portable: no intrinsic, no memory effect.
static Value lookupByExtracts(OpBuilder &b, Location loc, Value table,
                              Value idx) {
  auto idxType = cast<VectorType>(idx.getType());
  SmallVector<Value> elems;
  for (int64_t l = 0, e = idxType.getNumElements(); l < e; ++l) {
    Value i = vector::ExtractOp::create(b, loc, idx, l);
    Value pos = arith::IndexCastOp::create(b, loc, b.getIndexType(), i);
    elems.push_back(
        vector::ExtractOp::create(b, loc, table, OpFoldResult(pos)));
  }
  return vector::FromElementsOp::create(b, loc, idxType.clone(b.getF32Type()),
                                        elems);
}

/// A 16-entry table in an 8-lane register file: read both 8-entry halves
/// at the code's low three bits and pick by bit 3. Values are moved, never
/// recomputed, so every bit (NaN signs included) is the table's.
static Value lookupInHalves(OpBuilder &b, Location loc, const FP4Table &table,
                            Value idx) {
  CodecEmitter e(b, loc, idx.getType());
  Value low3 = e.andI(idx, e.i32(7));
  Value high = e.ne(e.andI(idx, e.i32(8)), e.i32(0));
  Value fromLow = lookupByExtracts(b, loc, table.parts[0], low3);
  Value fromHigh = lookupByExtracts(b, loc, table.parts[1], low3);
  return e.select(high, fromHigh, fromLow);
}

Value vec::lookup(OpBuilder &b, Location loc, const FP4Table &table,
                  Value idx) {
  if (table.strategy == FP4LookupStrategy::HalfTables)
    return lookupInHalves(b, loc, table, idx);
  return lookupByExtracts(b, loc, table.parts[0], idx);
}

//===----------------------------------------------------------------------===//
// x86 byte dot products
//===----------------------------------------------------------------------===//

// Upstream's x86vector dialect has no byte shuffle or byte multiply-add, and
// LLVM forms neither from generic IR (vpmaddubsw saturates), nor VBMI's
// bit-field extraction or table lookup: MX's mx_x86 ops, which
// convert-mx-x86-to-llvm turns into the intrinsics after bufferization.
// Only emitted for VectorTarget::byteDot (the VBMI ones for byteTable64).

Value vec::x86ShuffleBytes(OpBuilder &b, Location loc, Value table, Value idx) {
  return x86::ShuffleBytesOp::create(b, loc, idx.getType(), table, idx);
}

Value vec::x86MulAddBytes(OpBuilder &b, Location loc, Value u8, Value s8) {
  return x86::MulAddBytesOp::create(
      b, loc, VectorType::get({16}, b.getI16Type()), u8, s8);
}

Value vec::x86MulAddWords(OpBuilder &b, Location loc, Value a, Value c) {
  return x86::MulAddWordsOp::create(b, loc,
                                    VectorType::get({8}, b.getI32Type()), a, c);
}

Value vec::x86DotBytesAccumulate(OpBuilder &b, Location loc, Value acc,
                                 Value u8, Value s8) {
  return x86::DotBytesAccumulateOp::create(b, loc, acc.getType(), acc, u8, s8);
}

Value vec::x86MultiShiftBytes(OpBuilder &b, Location loc, Value control,
                              Value data) {
  return x86::MultiShiftBytesOp::create(b, loc, data.getType(), control, data);
}

Value vec::x86PermuteBytes2(OpBuilder &b, Location loc, Value low, Value idx,
                            Value high) {
  return x86::PermuteBytes2Op::create(b, loc, idx.getType(), low, idx, high);
}

Value vec::x86PermuteBytes2x128(OpBuilder &b, Location loc, Value low,
                                Value idx, Value high) {
  return x86::PermuteBytes2x128Op::create(b, loc, idx.getType(), low, idx,
                                          high);
}

Value vec::x86PermuteWords2x64(OpBuilder &b, Location loc, Value low, Value idx,
                               Value high) {
  return x86::PermuteWords2x64Op::create(b, loc, idx.getType(), low, idx, high);
}

Value vec::x86DotWordsAccumulate512(OpBuilder &b, Location loc, Value acc,
                                    Value a, Value c) {
  return x86::DotWordsAccumulate512Op::create(b, loc, acc.getType(), acc, a, c);
}
