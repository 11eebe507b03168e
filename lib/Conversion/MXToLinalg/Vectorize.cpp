//===- Vectorize.cpp - Shared pieces of the vector lowerings --------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "Vectorize.h"

#include "mx/Conversion/MXCommon/Components.h"
#include "mx/Conversion/MXCommon/Packing.h"
#include "mx/Numerics/Codec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/bit.h"

#include <cmath>

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;

SubChunk vec::getSubChunk(mxref::ElemKind kind, int64_t lanes) {
  switch (mxref::getElemInfo(kind).bits) {
  case 4:
    return {2, 2 * lanes, lanes, lanes};
  case 6:
    return {1, lanes, lanes * 3 / 4, lanes};
  default:
    return {1, lanes, lanes, lanes};
  }
}

int64_t SubChunk::column(int64_t p, int64_t l) const {
  switch (order) {
  case LaneOrder::Interleaved:
    return l * interleave + p;
  case LaneOrder::ByteUnpacks:
    // Byte unpacks take bytes [0, 8) ([8, 16)) of each 16-byte lane to its
    // words; the word unpacks take words [0, 4) ([4, 8)) of those to dwords.
    return 16 * (l / 4) + 4 * p + l % 4;
  case LaneOrder::WordUnpacks:
    return 32 * (p / 2) + 8 * (l / 4) + 4 * (p % 2) + l % 4;
  case LaneOrder::NibbleShuffles:
    // Byte j of the row holds columns 2j (low nibble) and 2j + 1; the
    // unpack's half hb takes bytes [8 hb, 8 hb + 8) of each 16-byte lane,
    // and dword l holds words 2l (e = 0) and 2l + 1 (e = 1) of those.
    return 32 * (l / 4) + 16 * (p / 4) + 4 * (l % 4) + p % 4;
  }
  return l * interleave + p;
}

SubChunk vec::getByteTableSubChunk(mxref::ElemKind kind) {
  bool fp6 = mxref::getElemInfo(kind).bits == 6;
  return {4, 64, fp6 ? 48 : 64, 16,
          fp6 ? LaneOrder::WordUnpacks : LaneOrder::ByteUnpacks};
}

SubChunk vec::getBitDecodeSubChunk() {
  return {4, 32, 32, 8, LaneOrder::ByteUnpacks};
}

SubChunk vec::getNibbleShuffleSubChunk() {
  return {8, 64, 32, 8, LaneOrder::NibbleShuffles};
}

bool vec::supportsLanes(BlockScaledTensorType type, int64_t lanes) {
  SmallVector<Type> components;
  if (lanes < 1 || failed(getMXComponentTypes(type, components)))
    return false;
  unsigned bits = mxref::getElemInfo(type.getFormat().getFormat().elem).bits;
  return (lanes * bits) % 8 == 0 && (bits != 6 || lanes % 4 == 0);
}

Value vec::indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

SmallVector<Value> vec::emitPanels(
    OpBuilder &b, Location loc, int64_t count, ValueRange outputs,
    function_ref<SmallVector<PanelSlice>(OpBuilder &, Value)> slices,
    function_ref<SmallVector<Value>(OpBuilder &, ValueRange)> body) {
  auto forall = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(count)}, outputs,
      std::nullopt);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(forall.getTerminator());
  SmallVector<PanelSlice> parts = slices(b, forall.getInductionVars()[0]);
  SmallVector<OpFoldResult> strides;
  SmallVector<Value> views;
  for (auto [shared, part] : llvm::zip(forall.getRegionIterArgs(), parts)) {
    strides.assign(part.offsets.size(), b.getIndexAttr(1));
    views.push_back(tensor::ExtractSliceOp::create(b, loc, shared, part.offsets,
                                                   part.sizes, strides));
  }
  SmallVector<Value> written = body(b, views);
  b.setInsertionPointToStart(&forall.getTerminator().getRegion().front());
  for (auto [panel, shared, part] :
       llvm::zip(written, forall.getRegionIterArgs(), parts)) {
    strides.assign(part.offsets.size(), b.getIndexAttr(1));
    tensor::ParallelInsertSliceOp::create(b, loc, panel, shared, part.offsets,
                                          part.sizes, strides);
  }
  return SmallVector<Value>(forall.getResults());
}

Value vec::mulIdx(OpBuilder &b, Location loc, Value v, int64_t c) {
  return arith::MulIOp::create(b, loc, v, indexConst(b, loc, c));
}

Value vec::addIdx(OpBuilder &b, Location loc, Value v, int64_t c) {
  return c == 0 ? v : arith::AddIOp::create(b, loc, v, indexConst(b, loc, c));
}

Value vec::divIdx(OpBuilder &b, Location loc, Value v, int64_t c) {
  return c == 1 ? v : arith::DivUIOp::create(b, loc, v, indexConst(b, loc, c));
}

Value vec::remIdx(OpBuilder &b, Location loc, Value v, int64_t c) {
  return arith::RemUIOp::create(b, loc, v, indexConst(b, loc, c));
}

Value vec::intVector(OpBuilder &b, Location loc, ArrayRef<int32_t> values) {
  auto type = VectorType::get({int64_t(values.size())}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, values));
}

Value vec::intSplat(OpBuilder &b, Location loc, VectorType type,
                    uint64_t bits) {
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(
          type, b.getIntegerAttr(type.getElementType(),
                                 APInt(type.getElementTypeBitWidth(), bits))));
}

/// The reassociation between [batch..., R, C] (rank `rank`) and
/// [prod(batch), R, C].
static SmallVector<ReassociationIndices> reassociation3D(int64_t rank) {
  if (rank == 1)
    return {ReassociationIndices{0, 1, 2}};
  if (rank == 2)
    return {ReassociationIndices{0, 1}, {2}};
  ReassociationIndices batch;
  for (int64_t i = 0; i < rank - 2; ++i)
    batch.push_back(i);
  return {batch, {rank - 2}, {rank - 1}};
}

Value vec::to3D(OpBuilder &b, Location loc, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  int64_t rank = type.getRank();
  if (rank == 3)
    return t;
  if (rank > 3)
    return tensor::CollapseShapeOp::create(b, loc, t, reassociation3D(rank));
  auto out =
      RankedTensorType::get(shape3D(type.getShape()), type.getElementType());
  return tensor::ExpandShapeOp::create(b, loc, out, t, reassociation3D(rank));
}

Value vec::from3D(OpBuilder &b, Location loc, Value t, RankedTensorType type) {
  int64_t rank = type.getRank();
  if (rank == 3)
    return t;
  if (rank > 3)
    return tensor::ExpandShapeOp::create(b, loc, type, t,
                                         reassociation3D(rank));
  return tensor::CollapseShapeOp::create(b, loc, type, t,
                                         reassociation3D(rank));
}

std::array<int64_t, 3> vec::shape3D(ArrayRef<int64_t> shape) {
  int64_t rank = shape.size();
  int64_t batch = 1;
  for (int64_t d : shape.drop_back(std::min<int64_t>(rank, 2)))
    batch *= d;
  return {batch, rank > 1 ? shape[rank - 2] : 1, shape[rank - 1]};
}

Value vec::readVector(OpBuilder &b, Location loc, VectorType type, Value source,
                      ValueRange indices, bool inBounds) {
  Type elem = type.getElementType();
  Value pad = isa<FloatType>(elem)
                  ? arith::ConstantOp::create(b, loc, b.getFloatAttr(elem, 0))
                  : arith::ConstantOp::create(b, loc, b.getIntegerAttr(elem, 0))
                        .getResult();
  return vector::TransferReadOp::create(b, loc, type, source, indices, pad,
                                        ArrayRef<bool>{inBounds});
}

Value vec::writeVector(OpBuilder &b, Location loc, Value v, Value dest,
                       ValueRange indices, bool inBounds) {
  return vector::TransferWriteOp::create(b, loc, v, dest, indices,
                                         ArrayRef<bool>{inBounds})
      .getResult();
}

/// Lane l of the result is lane mask[l] of `v`.
static Value gather(OpBuilder &b, Location loc, Value v,
                    ArrayRef<int64_t> mask) {
  return vector::ShuffleOp::create(b, loc, v, v, mask);
}

SmallVector<int64_t> vec::fp6WindowMask(int64_t n, int64_t first,
                                        int64_t numBytes) {
  SmallVector<int64_t> mask;
  for (int64_t l = 0; l < n; ++l) {
    int64_t w = first + 6 * l / 8;
    mask.append({w, std::min(w + 1, numBytes - 1)});
  }
  return mask;
}

SmallVector<int64_t> vec::unpackMask(int64_t n, int64_t perLane, bool high) {
  SmallVector<int64_t> mask;
  for (int64_t lane = 0; lane < n / perLane; ++lane)
    for (int64_t i = 0; i < perLane / 2; ++i) {
      int64_t src = lane * perLane + i + (high ? perLane / 2 : 0);
      mask.append({src, n + src});
    }
  return mask;
}

SmallVector<Value> vec::decodeFP8ByByteTables(OpBuilder &b, Location loc,
                                              mxref::ElemKind kind,
                                              Value codes) {
  // Every E4M3 and E5M2 value is exact in bf16: its f32 is bytes 3 and 2
  // (sign, exponent and mantissa's top 7 bits) over zero. The tables hold
  // those two bytes of the reference's value of each magnitude (NaN and Inf
  // included); the code's sign is bit 7 of byte 3.
  SmallVector<int8_t> top(128), second(128);
  for (uint32_t c = 0; c < 128; ++c) {
    uint32_t bits = llvm::bit_cast<uint32_t>(mxref::decodeElem(kind, c));
    top[c] = int8_t(bits >> 24);
    second[c] = int8_t(bits >> 16);
  }
  auto i8v = VectorType::get({64}, b.getI8Type());
  auto half = [&](ArrayRef<int8_t> table, int64_t h) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(i8v, table.slice(64 * h, 64)));
  };
  Value topLow = half(top, 0);
  Value topHigh = half(top, 1);
  Value hi = x86PermuteBytes2x128(b, loc, topLow, codes, topHigh);
  Value signBit = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(i8v, b.getI8IntegerAttr(-128)));
  Value sign = arith::AndIOp::create(b, loc, codes, signBit);
  hi = arith::OrIOp::create(b, loc, hi, sign);
  Value secondLow = half(second, 0);
  Value secondHigh = half(second, 1);
  Value lo = x86PermuteBytes2x128(b, loc, secondLow, codes, secondHigh);
  auto i16v = VectorType::get({32}, b.getI16Type());
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(i16v, b.getI16IntegerAttr(0)));
  auto f32v = VectorType::get({16}, b.getF32Type());
  SmallVector<Value> values;
  for (int64_t hb = 0; hb < 2; ++hb) {
    // Words lo | hi << 8 (vpunpcklbw / vpunpckhbw zmm).
    Value pairs =
        vector::ShuffleOp::create(b, loc, lo, hi, unpackMask(64, 16, hb));
    Value words = vector::BitCastOp::create(b, loc, i16v, pairs);
    for (int64_t hw = 0; hw < 2; ++hw) {
      // Dwords word << 16 (vpunpcklwd / vpunpckhwd zmm with zero).
      Value dwords =
          vector::ShuffleOp::create(b, loc, zero, words, unpackMask(32, 8, hw));
      values.push_back(vector::BitCastOp::create(b, loc, f32v, dwords));
    }
  }
  return values;
}

SmallVector<Value> vec::decodeE4M3ByBits(OpBuilder &b, Location loc,
                                         Value codes) {
  auto bytesType = cast<VectorType>(codes.getType());
  int64_t n = bytesType.getNumElements();
  auto i16v = VectorType::get({n / 2}, b.getI16Type());
  auto f32v = VectorType::get({n / 4}, b.getF32Type());
  auto splat = [&](VectorType t, uint64_t v) { return intSplat(b, loc, t, v); };
  Value zeroBytes = splat(bytesType, 0);
  Value zeroWords = splat(i16v, 0);
  Value four = splat(i16v, 4);
  // sign << 15 | magnitude << 4: the arithmetic shift copies the sign into
  // bits 14-11, which the mask clears.
  Value fields = splat(i16v, 0x87f0);
  SmallVector<Value> values;
  for (int64_t hb = 0; hb < 2; ++hb) {
    // Words code << 8 (vpunpcklbw / vpunpckhbw with zero).
    Value pairs = vector::ShuffleOp::create(b, loc, zeroBytes, codes,
                                            unpackMask(n, 16, hb));
    Value words = vector::BitCastOp::create(b, loc, i16v, pairs);
    words = arith::ShRSIOp::create(b, loc, words, four);
    words = arith::AndIOp::create(b, loc, words, fields);
    for (int64_t hw = 0; hw < 2; ++hw) {
      // Dwords word << 16 (vpunpcklwd / vpunpckhwd with zero).
      Value dwords = vector::ShuffleOp::create(b, loc, zeroWords, words,
                                               unpackMask(n / 2, 8, hw));
      values.push_back(vector::BitCastOp::create(b, loc, f32v, dwords));
    }
  }
  return values;
}

SmallVector<Value> vec::decodeFP4ByShuffles(OpBuilder &b, Location loc,
                                            mxref::ElemKind kind, Value bytes) {
  auto v32 = VectorType::get({32}, b.getI8Type());
  auto i32v = VectorType::get({8}, b.getI32Type());
  auto f32v = VectorType::get({8}, b.getF32Type());
  auto splat = [&](VectorType t, uint64_t v) { return intSplat(b, loc, t, v); };
  // Bytes 2 and 3 of each code's f32, in both 16-byte lanes (vpshufb reads
  // each lane's own copy).
  SmallVector<int8_t> low, high;
  for (int64_t l = 0; l < 32; ++l) {
    auto bits = llvm::bit_cast<uint32_t>(mxref::decodeElem(kind, l % 16));
    low.push_back(static_cast<int8_t>(bits >> 16));
    high.push_back(static_cast<int8_t>(bits >> 24));
  }
  auto table = [&](ArrayRef<int8_t> entries) -> Value {
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(v32, entries));
  };
  Value lowTable = table(low), highTable = table(high);
  // Low nibbles masked (vpshufb zeroes a byte whose index has bit 7 set),
  // high ones shifted down.
  Value nibbles[2] = {arith::AndIOp::create(b, loc, bytes, splat(v32, 0x0f)),
                      arith::ShRUIOp::create(b, loc, bytes, splat(v32, 4))};
  Value sixteen = splat(i32v, 16);
  Value upperHalf = splat(i32v, 0xffff0000);
  SmallVector<Value> values(8);
  for (int64_t h = 0; h < 2; ++h) {
    Value lo = x86ShuffleBytes(b, loc, lowTable, nibbles[h]);
    Value hi = x86ShuffleBytes(b, loc, highTable, nibbles[h]);
    for (int64_t hb = 0; hb < 2; ++hb) {
      // Words lo | hi << 8 (vpunpcklbw / vpunpckhbw).
      Value pairs =
          vector::ShuffleOp::create(b, loc, lo, hi, unpackMask(32, 16, hb));
      Value dwords = vector::BitCastOp::create(b, loc, i32v, pairs);
      Value even = arith::ShLIOp::create(b, loc, dwords, sixteen);
      Value odd = arith::AndIOp::create(b, loc, dwords, upperHalf);
      values[4 * hb + h] = vector::BitCastOp::create(b, loc, f32v, even);
      values[4 * hb + 2 + h] = vector::BitCastOp::create(b, loc, f32v, odd);
    }
  }
  return values;
}

SmallVector<Value> vec::decodeByTables(OpBuilder &b, Location loc,
                                       mxref::ElemKind kind, Value packed,
                                       ValueRange rowIdx, Value col,
                                       bool inBounds) {
  auto at = [&](Value byteOff) {
    SmallVector<Value> idx(rowIdx);
    idx.push_back(byteOff);
    return idx;
  };
  if (mxref::getElemInfo(kind).bits == 4) {
    auto v32 = VectorType::get({32}, b.getI8Type());
    Value codes =
        readVector(b, loc, v32, packed, at(divIdx(b, loc, col, 2)), inBounds);
    return decodeFP4ByShuffles(b, loc, kind, codes);
  }
  if (mxref::getElemInfo(kind).bits == 8) {
    auto v64 = VectorType::get({64}, b.getI8Type());
    Value codes = readVector(b, loc, v64, packed, at(col), inBounds);
    return decodeFP8ByByteTables(b, loc, kind, codes);
  }
  // FP6: the sub-chunk's 48 packed bytes as two 32-byte reads, at 0 and
  // 16 (inside the sub-chunk).
  auto v32 = VectorType::get({32}, b.getI8Type());
  Value col3 = mulIdx(b, loc, col, 3);
  Value off = divIdx(b, loc, col3, 4);
  Value low = readVector(b, loc, v32, packed, at(off), inBounds);
  Value off16 = addIdx(b, loc, off, 16);
  Value high = readVector(b, loc, v32, packed, at(off16), inBounds);
  return decodeFP6ByWordTable(b, loc, kind, low, high);
}

Value vec::shortPairRange(OpBuilder &b, Location loc, ArrayRef<Value> aCodes,
                          ArrayRef<Value> bCodes) {
  // One op-creating call per statement (argument evaluation order).
  Value bMin = bCodes.front(), bMax = bCodes.front();
  for (Value c : bCodes.drop_front()) {
    bMin = arith::MinUIOp::create(b, loc, bMin, c);
    bMax = arith::MaxUIOp::create(b, loc, bMax, c);
  }
  Value bLo =
      vector::ReductionOp::create(b, loc, vector::CombiningKind::MINUI, bMin);
  Value bHi =
      vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXUI, bMax);
  Value aLo = aCodes.front(), aHi = aCodes.front();
  for (Value c : aCodes.drop_front()) {
    aLo = arith::MinUIOp::create(b, loc, aLo, c);
    aHi = arith::MaxUIOp::create(b, loc, aHi, c);
  }
  auto cst = [&](int32_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  auto cmp = [&](arith::CmpIPredicate p, Value x, int32_t v) -> Value {
    Value c = cst(v);
    return arith::CmpIOp::create(b, loc, p, x, c);
  };
  Value lo = arith::AddIOp::create(b, loc, aLo, bLo);
  Value hi = arith::AddIOp::create(b, loc, aHi, bHi);
  Value ok = cmp(arith::CmpIPredicate::uge, lo, 128);
  Value hiOk = cmp(arith::CmpIPredicate::ule, hi, 381);
  ok = arith::AndIOp::create(b, loc, ok, hiOk);
  Value aOk = cmp(arith::CmpIPredicate::ult, aHi, 255);
  ok = arith::AndIOp::create(b, loc, ok, aOk);
  Value bOk = cmp(arith::CmpIPredicate::ult, bHi, 255);
  return arith::AndIOp::create(b, loc, ok, bOk);
}

Value vec::scaleShortPair(CodecEmitter &e, Value partial, Value ca, Value cb) {
  // Wrapping i32 arithmetic: the sum is (ca + cb - 127) << 23, a normal
  // f32's exponent field in the short range.
  Value a23 = e.shl(ca, e.i32(23));
  Value b23 = e.shl(cb, e.i32(23));
  Value bits = e.sub(e.add(a23, b23), e.i32(127 << 23));
  return arith::MulFOp::create(e.getBuilder(), e.getLoc(), partial,
                               e.floatOf(bits));
}

std::pair<Value, Value> vec::wordTable(OpBuilder &b, Location loc,
                                       ArrayRef<int16_t> entries) {
  auto i16v = VectorType::get({32}, b.getI16Type());
  Value low = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(i16v, entries.take_front(32)));
  Value high = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(i16v, entries.slice(32, 32)));
  return {low, high};
}

Value vec::lookupFP6Words(OpBuilder &b, Location loc, Value src, int64_t first,
                          std::pair<Value, Value> table) {
  auto i16v = VectorType::get({32}, b.getI16Type());
  SmallVector<int16_t> shifts;
  for (int64_t i = 0; i < 32; ++i)
    shifts.push_back(int16_t(6 * i % 8));
  Value shiftV = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(i16v, ArrayRef<int16_t>(shifts)));
  SmallVector<int64_t> spread = fp6WindowMask(32, first, 32);
  Value windows = vector::ShuffleOp::create(b, loc, src, src, spread);
  Value words = vector::BitCastOp::create(b, loc, i16v, windows);
  Value idx = arith::ShRUIOp::create(b, loc, words, shiftV);
  return x86PermuteWords2x64(b, loc, table.first, idx, table.second);
}

SmallVector<Value> vec::decodeFP6ByWordTable(OpBuilder &b, Location loc,
                                             mxref::ElemKind kind, Value low,
                                             Value high) {
  // Every E2M3 and E3M2 value is exact in bf16: the table holds the upper
  // half of the f32 of each of the 64 codes, sign included.
  SmallVector<int16_t> entries(64);
  for (uint32_t c = 0; c < 64; ++c)
    entries[c] =
        int16_t(llvm::bit_cast<uint32_t>(mxref::decodeElem(kind, c)) >> 16);
  std::pair<Value, Value> table = wordTable(b, loc, entries);
  auto i16v = VectorType::get({32}, b.getI16Type());
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(i16v, b.getI16IntegerAttr(0)));
  auto f32v = VectorType::get({16}, b.getF32Type());
  SmallVector<Value> values;
  // The second 32 codes are bytes [24, 48), bytes [8, 32) of `high`.
  for (int64_t h = 0; h < 2; ++h) {
    Value upper = lookupFP6Words(b, loc, h ? high : low, 8 * h, table);
    for (int64_t hw = 0; hw < 2; ++hw) {
      // Dwords word << 16 (vpunpcklwd / vpunpckhwd zmm with zero).
      Value dwords =
          vector::ShuffleOp::create(b, loc, zero, upper, unpackMask(32, 8, hw));
      values.push_back(vector::BitCastOp::create(b, loc, f32v, dwords));
    }
  }
  return values;
}

/// Lane l is code l % perGroup of packing group l / perGroup of `bytes`.
static Value unpackContiguous(CodecEmitter &e, mxref::ElemKind kind,
                              Value bytes, int64_t lanes) {
  OpBuilder &b = e.getBuilder();
  Location loc = e.getLoc();
  auto [perGroup, groupBytes] = getPackingGroup(kind);
  unsigned bits = mxref::getElemInfo(kind).bits;
  SmallVector<Value> words;
  for (int64_t i = 0; i < groupBytes; ++i) {
    SmallVector<int64_t> mask;
    for (int64_t l = 0; l < lanes; ++l)
      mask.push_back(groupBytes * (l / perGroup) + i);
    words.push_back(e.toI32(gather(b, loc, bytes, mask)));
  }
  SmallVector<int32_t> shifts;
  for (int64_t l = 0; l < lanes; ++l)
    shifts.push_back(int32_t(bits * (l % perGroup)));
  return codeOfGroupWord(e, kind, packedGroupWord(e, words),
                         intVector(b, loc, shifts));
}

Value vec::readContiguousCodes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                               int64_t lanes, Value packed, ValueRange rowIdx,
                               Value byteOff) {
  unsigned bits = mxref::getElemInfo(kind).bits;
  SmallVector<Value> idx(rowIdx);
  idx.push_back(byteOff);
  Value bytes =
      readVector(b, loc, VectorType::get({lanes * bits / 8}, b.getI8Type()),
                 packed, idx, /*inBounds=*/true);
  CodecEmitter e(b, loc, VectorType::get({lanes}, b.getI32Type()));
  if (bits == 8)
    return e.toI32(bytes);
  return unpackContiguous(e, kind, bytes, lanes);
}

SmallVector<Value> vec::readCodes(OpBuilder &b, Location loc,
                                  mxref::ElemKind kind, SubChunk sc,
                                  Value packed, ValueRange rowIdx,
                                  Value byteOff, bool inBounds) {
  SmallVector<Value> idx(rowIdx);
  idx.push_back(byteOff);
  Value bytes = readVector(b, loc, VectorType::get({sc.bytes}, b.getI8Type()),
                           packed, idx, inBounds);
  VectorType i32v = VectorType::get({sc.lanes}, b.getI32Type());
  CodecEmitter e(b, loc, i32v);
  switch (mxref::getElemInfo(kind).bits) {
  case 4: {
    // Byte l holds column 2l in its low nibble and 2l + 1 in its high one.
    Value w = e.toI32(bytes);
    return {codeOfGroupWord(e, kind, w, e.i32(0)),
            codeOfGroupWord(e, kind, w, e.i32(4))};
  }
  case 6:
    return {unpackContiguous(e, kind, bytes, sc.lanes)};
  default:
    return {e.toI32(bytes)};
  }
}

bool vec::isFP8(mxref::ElemKind kind) {
  return kind == mxref::ElemKind::E4M3 || kind == mxref::ElemKind::E5M2;
}

Value vec::decodeCodes(CodecEmitter &e, mxref::ElemKind kind, Value code,
                       bool viaHalf, bool rebias) {
  // readCodes zero-extends the packed bytes; the f16 route starts from them.
  if (auto ext = code.getDefiningOp<arith::ExtUIOp>();
      viaHalf && isFP8(kind) && ext &&
      getElementTypeOrSelf(ext.getIn()).isInteger(8))
    return e.decodeFP8ViaHalf(kind, ext.getIn(), rebias);
  bool fp6 = mxref::getElemInfo(kind).bits == 6;
  if (viaHalf && fp6)
    return e.decodeFP6ViaHalf(kind, code, rebias);
  Value v = e.decodeElem(kind, code);
  if ((kind == mxref::ElemKind::E4M3 || fp6) && !rebias) {
    Value unscale =
        e.f32(std::ldexp(1.0f, -CodecEmitter::halfRebiasLog2(kind)));
    v = arith::MulFOp::create(e.getBuilder(), e.getLoc(), v, unscale);
  }
  return v;
}

Value vec::packLanes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                     Value codes) {
  auto type = cast<VectorType>(codes.getType());
  int64_t lanes = type.getNumElements();
  auto toBytes = [&](Value v) -> Value {
    auto vt = cast<VectorType>(v.getType());
    return arith::TruncIOp::create(b, loc, vt.clone(b.getI8Type()), v);
  };
  unsigned bits = mxref::getElemInfo(kind).bits;
  if (bits == 8)
    return toBytes(codes);
  auto [perGroup, groupBytes] = getPackingGroup(kind);
  int64_t groups = lanes / perGroup;
  // Code i of each group, as a vector over the groups.
  SmallVector<Value> codeVectors;
  for (int64_t i = 0; i < perGroup; ++i) {
    SmallVector<int64_t> mask;
    for (int64_t g = 0; g < groups; ++g)
      mask.push_back(g * perGroup + i);
    codeVectors.push_back(gather(b, loc, codes, mask));
  }
  CodecEmitter e(b, loc, codeVectors[0].getType());
  Value word = groupWordOfCodes(e, kind, codeVectors);
  if (groupBytes == 1)
    return toBytes(word);
  // FP6: bytes 3g, 3g + 1, 3g + 2 are bytes 0, 1, 2 of word g. LLVM's
  // shufflevector takes equal operand types, so byte 2 is padded first.
  Value b1 = byteOfGroupWord(e, word, e.i32(1));
  Value b2 = byteOfGroupWord(e, word, e.i32(2));
  SmallVector<int64_t> pairMask, padMask, outMask;
  for (int64_t g = 0; g < groups; ++g) {
    pairMask.append({g, groups + g});
    outMask.append({2 * g, 2 * g + 1, 2 * groups + g});
  }
  for (int64_t i = 0; i < 2 * groups; ++i)
    padMask.push_back(i < groups ? i : 0);
  Value pairs = vector::ShuffleOp::create(b, loc, word, b1, pairMask);
  Value b2x = gather(b, loc, b2, padMask);
  return toBytes(vector::ShuffleOp::create(b, loc, pairs, b2x, outMask));
}

SmallVector<Value> vec::readScaleCodes(OpBuilder &b, Location loc, Value scales,
                                       Value i0, Value i1, Value col,
                                       int64_t bn, SubChunk sc, bool inBounds) {
  VectorType i32v = VectorType::get({sc.lanes}, b.getI32Type());
  CodecEmitter e(b, loc, i32v);
  SmallVector<Value> codes;
  if (bn >= sc.cols) { // one block holds the whole sub-chunk
    Value s = tensor::ExtractOp::create(
        b, loc, scales, ValueRange{i0, i1, divIdx(b, loc, col, bn)});
    codes.assign(sc.interleave, e.broadcast(arith::ExtUIOp::create(
                                    b, loc, b.getI32Type(), s)));
    return codes;
  }
  int64_t n = sc.cols / bn;
  Value bytes =
      readVector(b, loc, VectorType::get({n}, b.getI8Type()), scales,
                 ValueRange{i0, i1, divIdx(b, loc, col, bn)}, inBounds);
  for (int64_t p = 0; p < sc.interleave; ++p) {
    SmallVector<int64_t> mask;
    for (int64_t l = 0; l < sc.lanes; ++l)
      mask.push_back(sc.column(p, l) / bn);
    codes.push_back(e.toI32(gather(b, loc, bytes, mask)));
  }
  return codes;
}
