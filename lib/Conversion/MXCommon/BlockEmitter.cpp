//===- BlockEmitter.cpp - Block-level MX compositions as arith IR ---------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXCommon/BlockEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::mx;

BlockEmitter::BlockEmitter(OpBuilder &builder, Location loc,
                           const mxref::Format &format, Type like)
    : CodecEmitter(builder, loc, like), format(format) {}

Value BlockEmitter::magnitudeBits(Value x) {
  return andI(bitsOf(x), i32(0x7fffffff));
}

Value BlockEmitter::magnitudeBitsIgnoringNaN(Value x) {
  Value abs = magnitudeBits(x);
  return select(ugt(abs, i32(0x7f800000)), i32(0), abs);
}

Value BlockEmitter::accumulateMaxBits(Value acc, Value x, bool ignoreNaN) {
  Value bits = ignoreNaN ? magnitudeBitsIgnoringNaN(x) : magnitudeBits(x);
  return arith::MaxSIOp::create(getBuilder(), getLoc(), bits, acc);
}

std::pair<Value, Value> BlockEmitter::nvfp4TensorScales(Value calibratedDecode,
                                                        Value gamaxBits) {
  auto [enc, dec] = calibratedDecode
                        ? nvfp4TensorScalesFromDecode(calibratedDecode)
                        : nvfp4TensorScalesFromAmax(floatOf(gamaxBits));
  Value encTimesInvMax =
      arith::MulFOp::create(getBuilder(), getLoc(), enc, f32(1.0f / 6.0f));
  return {encTimesInvMax, dec};
}

std::pair<Value, Value> BlockEmitter::perTensorScales(Value calibratedDecode,
                                                      Value amaxBits) {
  if (calibratedDecode)
    return nvfp4TensorScalesFromDecode(calibratedDecode);
  return tensorScalesFromAmax(floatOf(amaxBits),
                              mxref::getElemInfo(format.elem).maxNorm);
}

Value BlockEmitter::encodePerTensor(Value x, Value encodeScale,
                                    Value randomByte) {
  Value scaled =
      arith::MulFOp::create(getBuilder(), getLoc(), x, broadcast(encodeScale));
  return encodeElem(format.elem, scaled, i32(0), randomByte);
}

BlockScale BlockEmitter::blockScale(mxref::ScaleMode mode, Value amaxBits,
                                    Value encTimesInvMax, Value decodeScale) {
  if (mode != mxref::ScaleMode::NVFP4) {
    // NaN or Inf anywhere in the block: the NaN scale (docs/Numerics.md §2).
    Value special =
        arith::CmpIOp::create(getBuilder(), getLoc(), arith::CmpIPredicate::sge,
                              amaxBits, i32(0x7f800000));
    Value code = selectE8M0Scale(format.elem, mode, floatOf(amaxBits));
    return {select(special, i32(0xff), code), Value()};
  }
  // NVFP4 (docs/Numerics.md §3): a block holding NaN gets 0x7f.
  Value hasNaN = ugt(amaxBits, i32(0x7f800000));
  Value code = nvfp4BlockScale(floatOf(amaxBits), broadcast(encTimesInvMax));
  code = select(hasNaN, i32(0x7f), code);
  return {code, nvfp4BlockEncodeScale(code, broadcast(decodeScale))};
}

Value BlockEmitter::encodeInBlock(Value x, const BlockScale &scale,
                                  Value randomByte) {
  Value code;
  if (scale.encodeScale) {
    // q = cvt.rn.satfinite.e2m1(f32(x * S_encb)).
    Value scaled =
        arith::MulFOp::create(getBuilder(), getLoc(), x, scale.encodeScale);
    code = encodeElem(format.elem, scaled, i32(0), randomByte);
  } else {
    code = encodeElem(format.elem, x, sub(scale.code, i32(127)), randomByte);
  }
  // Codes of a NaN-scale block stay 0.
  return select(isNaNScale(format.scale, scale.code), i32(0), code);
}

Value BlockEmitter::dequantize(Value code, Value scaleCode, Value tensorScale,
                               Type outElem) {
  OpBuilder &b = getBuilder();
  Location loc = getLoc();
  Value p = decodeElem(format.elem, code);
  Value v;
  if (format.isPerTensor()) {
    // One f32 multiply (a NaN code stays NaN); narrower results round the
    // exact product once.
    Value g = broadcast(tensorScale);
    if (outElem.isF32())
      return arith::MulFOp::create(b, loc, p, g);
    return roundExactProduct(p, g, outElem);
  }
  if (format.scale == mxref::ScaleKind::E8M0) {
    // P * 2^X: exact (or +-Inf), as ldexp; 2^X is an f32 here.
    v = truncF32(arith::MulFOp::create(b, loc, p, decodeE8M0(scaleCode)),
                 outElem);
  } else {
    Value ps = arith::MulFOp::create(b, loc, p, decodeUE4M3(scaleCode));
    Value g = tensorScale ? broadcast(tensorScale) : Value();
    if (outElem.isF32())
      v = g ? Value(arith::MulFOp::create(b, loc, ps, g)) : ps;
    else
      v = g ? roundExactProduct(ps, g, outElem) : truncF32(ps, outElem);
  }
  Value nan = truncF32(f32Bits(0x7fc00000), outElem);
  return select(isNaNScale(format.scale, scaleCode), nan, v);
}

/// Round to odd into f32 (exact, or with a sticky last bit), then RNE: the
/// second rounding is correct since f32 has at least two more significand
/// bits than f16/bf16.
Value BlockEmitter::roundExactProduct(Value a, Value g, Type outElem) {
  OpBuilder &b = getBuilder();
  Location loc = getLoc();
  Type f64 = shaped(b.getF64Type());
  Value exact =
      arith::MulFOp::create(b, loc, arith::ExtFOp::create(b, loc, f64, a),
                            arith::ExtFOp::create(b, loc, f64, g));
  Value t = arith::TruncFOp::create(b, loc, getF32Type(), exact);
  Value back = arith::ExtFOp::create(b, loc, f64, t);
  Value inexact =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, back, exact);
  Value tooBig = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                       math::AbsFOp::create(b, loc, back),
                                       math::AbsFOp::create(b, loc, exact));
  Value bits = bitsOf(t);
  bits = select(tooBig, sub(bits, i32(1)), bits);
  bits = select(inexact, orI(bits, i32(1)), bits);
  return truncF32(floatOf(bits), outElem);
}

//===----------------------------------------------------------------------===//
// Matmul block scales
//===----------------------------------------------------------------------===//

/// A non-NaN UE4M3 code's 7 bits placed at f32 bit 20 form an f32 (normal
/// for e > 0, subnormal for e = 0) equal to value * 2^-120, so one exact
/// multiply by 2^(120 + log2Factor) decodes both cases (the value times
/// 2^log2Factor lies in [2^-9, 448] * 2^log2Factor: normal f32s).
Value mlir::mx::decodeUE4M3Scale(CodecEmitter &e, Value code,
                                 int64_t log2Factor) {
  // One op-creating call per statement (argument evaluation order).
  Value low7 = e.andI(code, e.i32(0x7f));
  Value bits = e.shl(low7, e.i32(20));
  Value scaled = e.floatOf(bits);
  Value factor = e.f32(std::ldexp(1.0f, 120 + int(log2Factor)));
  return arith::MulFOp::create(e.getBuilder(), e.getLoc(), scaled, factor);
}

/// ldexp(v, c0 + c1 - 254) for two E8M0 codes: the exponent sum lies in
/// [-254, 254], beyond 2^x as an f32, but v * 2^x is exact in f64 (no
/// overflow, no subnormal), so rounding it to f32 once is the ldexp (also
/// its Inf on overflow).
static Value scaleByTwoE8M0(CodecEmitter &e, Value v, Value c0, Value c1) {
  OpBuilder &b = e.getBuilder();
  Location loc = e.getLoc();
  Type i64 = e.shaped(b.getI64Type()), f64 = e.shaped(b.getF64Type());
  // The f64 exponent field of 2^(x - 254): x - 254 + 1023.
  Value x = arith::ExtUIOp::create(b, loc, i64, e.add(c0, c1));
  Value bits = arith::ShLIOp::create(
      b, loc, arith::AddIOp::create(b, loc, x, e.i64(1023 - 254)), e.i64(52));
  Value pow2 = arith::BitcastOp::create(b, loc, f64, bits);
  Value wide = arith::MulFOp::create(
      b, loc, arith::ExtFOp::create(b, loc, f64, v), pow2);
  return arith::TruncFOp::create(b, loc, e.getF32Type(), wide);
}

Value mlir::mx::applyMatmulBlockScales(CodecEmitter &e, Value partial,
                                       ArrayRef<ScaleCode> scales) {
  OpBuilder &b = e.getBuilder();
  Location loc = e.getLoc();
  Value isNaN, u;
  SmallVector<Value> e8m0;
  for (const ScaleCode &s : scales) {
    Value nan = e.isNaNScale(s.kind, s.code);
    isNaN = isNaN ? Value(arith::OrIOp::create(b, loc, isNaN, nan)) : nan;
    if (s.kind == mxref::ScaleKind::E8M0) {
      e8m0.push_back(s.code);
      continue;
    }
    // A product of two UE4M3 values is exact in f32. NaN codes decode to
    // garbage here and are selected away below.
    Value f = decodeUE4M3Scale(e, s.code);
    u = u ? Value(arith::MulFOp::create(b, loc, u, f)) : f;
  }
  Value v = partial;
  if (u)
    v = arith::MulFOp::create(b, loc, v, u);
  if (e8m0.size() == 1) {
    // ldexp(v, c - 127) with c - 127 in [-127, 127]: 2^(c-127) is an f32
    // (subnormal for c = 0), and one IEEE multiply rounds the exact product
    // once, exactly as ldexp rounds (only below 2^-126).
    v = arith::MulFOp::create(b, loc, v, e.decodeE8M0(e8m0[0]));
  } else if (e8m0.size() == 2) {
    v = scaleByTwoE8M0(e, v, e8m0[0], e8m0[1]);
  }
  return isNaN ? e.select(isNaN, e.f32Bits(0x7fc00000), v) : v;
}

/// ldexp(v, ca + cb - 254 + d) for E8M0 codes ca, cb, given as ca << 23
/// and cb << 23 (once per row and column, not per output) and whether
/// either is 255 (a NaN block term, 0x7FC00000 as applyMatmulBlockScales;
/// the f32 accumulation may change the payload, docs/Numerics.md §6).
/// Bit-exact with ldexp(v * 2^d, ...) through applyMatmulBlockScales
/// without its f64 product. With s = ca + cb + d, c2 = clamp(s - 127, 1,
/// 254) and c1 = s - c2 (clamped to [1, 254]) the result is
/// (v * 2^(c1-127)) * 2^(c2-127), both factors normal f32 powers of two
/// (c << 23 is the bit pattern of 2^(c-127)). The second multiply rounds
/// once; the first never rounds where that could matter:
/// * s in [128, 381]: c1 = 127, a multiply by 1.
/// * s in [2, 127]: c2 = 1 (2^-126), c1 = s - 1. If v * 2^(c1-127) is
///   below 2^-126 (it may round), the exact result is below 2^-252 and the
///   computed one too: both are a zero of v's sign. Otherwise it is exact.
/// * s > 381: c2 = 254, c1 = s - 254 > 127. Scaling up is exact (subnormal
///   v too) unless it overflows, and then the exact result, larger still,
///   overflows to the same infinity.
/// * Clamped c1 (each clamp is emitted only where it can bind): s <= 1
///   (d <= 1): c1 = 1 gives v * 2^-252 for v * 2^(s-254), s <= 1, the
///   exact value at most v * 2^-253; both are a
///   zero of v's sign as |v| < 2^101 (a partial sum of at most kBlock
///   products below 2^32 each: E5M2's 57344² is the largest). s > 508 (d
///   >= 1, E2M1 operands): c1 = 254 gives v * 2^254 for more; both
///   overflow as any nonzero |v| >= 2^-23 (a multiple of the smallest
///   product of two decoded elements: E2M1 0.5 * 2^-6 times E5M2 2^-16).
/// NaN and infinite v pass through both multiplies.
/// In 32 bits: s23 = (ca << 23) + (cb << 23) <= 0xFF000000 (unsigned),
/// t23 = s clamped to [128 - d, 381 - d], shifted; c2 << 23 = t23 + ((d -
/// 127) << 23); c1 << 23 = s23 - t23 + (127 << 23), s23 - t23 in
/// [d - 128, 127 + d].
Value mlir::mx::scaleByE8M0Pair(CodecEmitter &e, Value v, Value ca23,
                                Value cb23, Value nan, int64_t d) {
  OpBuilder &b = e.getBuilder();
  Location loc = e.getLoc();
  auto sh = [&](int64_t c) { return e.i32(int32_t(uint32_t(c) << 23)); };
  Value s23 = e.add(ca23, cb23);
  // One op-creating call per statement (argument evaluation order is the
  // compiler's; the IR must not depend on it).
  Value lo = sh(128 - d);
  Value t23 = arith::MaxUIOp::create(b, loc, s23, lo);
  Value hi = sh(381 - d);
  t23 = arith::MinUIOp::create(b, loc, t23, hi);
  Value c2 = e.add(t23, e.i32(int32_t((d - 127) * (1 << 23))));
  Value c1 = e.sub(s23, t23);
  c1 = e.add(c1, sh(127));
  // The lower clamp can bind only for d <= 1, the upper one for d >= 1.
  if (d <= 1)
    c1 = arith::MaxSIOp::create(b, loc, c1, sh(1));
  if (d >= 1)
    c1 = arith::MinUIOp::create(b, loc, c1, sh(254));
  Value r = arith::MulFOp::create(b, loc, v, e.floatOf(c1));
  r = arith::MulFOp::create(b, loc, r, e.floatOf(c2));
  return e.select(nan, e.f32Bits(0x7fc00000), r);
}
