//===- CodecEmitter.cpp - Bit-exact MX codecs as arith IR -----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Each function mirrors one reference function step by step; the comments
// name the reference line a step reproduces.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXCommon/CodecEmitter.h"
#include "mx/Numerics/Codec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace mlir::mx;

static Type shapedLike(Type like, Type elem) {
  if (auto vec = dyn_cast_or_null<VectorType>(like))
    return vec.clone(elem);
  return elem;
}

CodecEmitter::CodecEmitter(OpBuilder &builder, Location loc, Type like)
    : b(builder), loc(loc) {
  MLIRContext *ctx = builder.getContext();
  i1Ty = shapedLike(like, IntegerType::get(ctx, 1));
  i32Ty = shapedLike(like, IntegerType::get(ctx, 32));
  i64Ty = shapedLike(like, IntegerType::get(ctx, 64));
  f32Ty = shapedLike(like, Float32Type::get(ctx));
}

Value CodecEmitter::splat(Type type, Attribute value) {
  if (auto vec = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(b, loc, vec,
                                     DenseElementsAttr::get(vec, value));
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(value));
}

Type CodecEmitter::shaped(Type elem) const { return shapedLike(i32Ty, elem); }

Value CodecEmitter::broadcast(Value v) {
  auto vec = dyn_cast<VectorType>(i32Ty);
  if (!vec || isa<VectorType>(v.getType()))
    return v;
  return vector::BroadcastOp::create(b, loc, vec.clone(v.getType()), v);
}

Value CodecEmitter::toI32(Value v) {
  Type elem = getElementTypeOrSelf(v.getType());
  if (elem.isInteger(32))
    return v;
  // Keeps the shape of `v` (a scalar stays a scalar).
  Type to = shapedLike(v.getType(), b.getI32Type());
  if (isa<IndexType>(elem))
    return arith::IndexCastUIOp::create(b, loc, to, v);
  if (elem.getIntOrFloatBitWidth() > 32)
    return arith::TruncIOp::create(b, loc, to, v);
  return arith::ExtUIOp::create(b, loc, to, v);
}

Value CodecEmitter::i64(int64_t v) {
  return splat(i64Ty, b.getI64IntegerAttr(v));
}

Value CodecEmitter::i32(int64_t v) {
  return splat(i32Ty, b.getI32IntegerAttr(int32_t(v)));
}
Value CodecEmitter::f32(float v) { return splat(f32Ty, b.getF32FloatAttr(v)); }
Value CodecEmitter::f32Bits(uint32_t bits) {
  return f32(mxref::bitsToFloat(bits));
}

Value CodecEmitter::add(Value a, Value c) {
  return arith::AddIOp::create(b, loc, a, c);
}
Value CodecEmitter::sub(Value a, Value c) {
  return arith::SubIOp::create(b, loc, a, c);
}
Value CodecEmitter::andI(Value a, Value c) {
  return arith::AndIOp::create(b, loc, a, c);
}
Value CodecEmitter::orI(Value a, Value c) {
  return arith::OrIOp::create(b, loc, a, c);
}
Value CodecEmitter::shl(Value a, Value c) {
  return arith::ShLIOp::create(b, loc, a, c);
}
Value CodecEmitter::lshr(Value a, Value c) {
  return arith::ShRUIOp::create(b, loc, a, c);
}
Value CodecEmitter::select(Value cond, Value t, Value f) {
  return arith::SelectOp::create(b, loc, cond, t, f);
}
Value CodecEmitter::eq(Value a, Value c) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, c);
}
Value CodecEmitter::ne(Value a, Value c) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, a, c);
}
Value CodecEmitter::ult(Value a, Value c) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, a, c);
}
Value CodecEmitter::ugt(Value a, Value c) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, a, c);
}
Value CodecEmitter::sgt(Value a, Value c) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, a, c);
}
Value CodecEmitter::sle(Value a, Value c) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, a, c);
}
Value CodecEmitter::bitsOf(Value f) {
  return arith::BitcastOp::create(b, loc, i32Ty, f);
}
Value CodecEmitter::floatOf(Value i) {
  return arith::BitcastOp::create(b, loc, f32Ty, i);
}

Value CodecEmitter::truncF32(Value v, Type outElem) {
  if (outElem.isF32())
    return v;
  Type shaped = shapedLike(f32Ty, outElem);
  if (!outElem.isBF16())
    return arith::TruncFOp::create(b, loc, shaped, v);
  // RNE on the bit pattern: add 0x7fff plus the lowest kept bit, keep the top
  // 16 bits (carries into the exponent give the next binade or Inf). A NaN
  // keeps its sign and top payload bits and is made quiet.
  Value bits = bitsOf(v);
  Value lsb = andI(lshr(bits, i32(16)), i32(1));
  Value rounded = lshr(add(add(bits, i32(0x7fff)), lsb), i32(16));
  Value quiet = orI(lshr(bits, i32(16)), i32(0x40));
  Value isNaN = ugt(andI(bits, i32(0x7fffffff)), i32(0x7f800000));
  Value r16 =
      arith::TruncIOp::create(b, loc, shapedLike(f32Ty, b.getIntegerType(16)),
                              select(isNaN, quiet, rounded));
  return arith::BitcastOp::create(b, loc, shaped, r16);
}

/// Clamps a signed i32 to [lo, hi].
static Value clampSI(CodecEmitter &e, Value v, int64_t lo, int64_t hi) {
  OpBuilder &b = e.getBuilder();
  Value r = arith::MaxSIOp::create(b, e.getLoc(), v, e.i32(lo));
  return arith::MinSIOp::create(b, e.getLoc(), r, e.i32(hi));
}

/// Index of the most significant set bit (-1 for 0).
static Value msbIndex(CodecEmitter &e, Value v) {
  Value lz = math::CountLeadingZerosOp::create(e.getBuilder(), e.getLoc(), v);
  return e.sub(e.i32(31), lz);
}

//===----------------------------------------------------------------------===//
// Elements
//===----------------------------------------------------------------------===//

// Reference `encodeMagnitude`: rounds |v| * 2^-shift at the target quantum.
Value CodecEmitter::encodeMagnitude(const mxref::ElemInfo &info, Value absBits,
                                    Value shift, Value randomByte) {
  bool isInt = info.kind == mxref::ElemKind::INT8;
  int mbits = int(info.mbits);
  // decompose(): sig * 2^exp with sig < 2^24.
  Value e = lshr(absBits, i32(23));
  Value m = andI(absBits, i32(0x7fffff));
  Value isSub = eq(e, i32(0));
  Value sig = select(isSub, m, orI(m, i32(0x800000)));
  Value exp = sub(select(isSub, i32(1), e), i32(150));
  exp = sub(exp, shift);
  Value l2 = add(msbIndex(*this, sig), exp);
  Value saturates = sgt(l2, i32(info.emax));
  int emin = 1 - info.bias;
  Value te =
      isInt ? i32(0) : Value(arith::MaxSIOp::create(b, loc, l2, i32(emin)));
  Value qe = isInt ? i32(-mbits) : sub(te, i32(mbits));
  Value drop = sub(qe, exp);

  // drop <= 0: exact left shift (small unless the value saturates).
  Value left = shl(sig, clampSI(*this, sub(i32(0), drop), 0, 31));
  Value right;
  if (!randomByte) {
    // Round to nearest even. A drop above 25 leaves n = 0 and rem < half,
    // exactly as the reference's wider arithmetic does.
    Value d = clampSI(*this, drop, 1, 25);
    Value n = lshr(sig, d);
    Value one = shl(i32(1), d);
    Value rem = andI(sig, sub(one, i32(1)));
    Value half = lshr(one, i32(1));
    Value odd = ne(andI(n, i32(1)), i32(0));
    Value up =
        arith::OrIOp::create(b, loc, ugt(rem, half),
                             arith::AndIOp::create(b, loc, eq(rem, half), odd));
    right = add(n, arith::ExtUIOp::create(b, loc, i32Ty, up));
  } else {
    // Stochastic: round up iff rem / 2^drop + rbyte / 256 >= 1, compared as
    // (rem << 8) + (rbyte << drop) >= 2^(drop + 8) in 64 bits. A drop above
    // 40 gives n = 0 in both the reference and here.
    auto c64 = [&](int64_t v) { return splat(i64Ty, b.getI64IntegerAttr(v)); };
    Value d =
        arith::ExtUIOp::create(b, loc, i64Ty, clampSI(*this, drop, 1, 40));
    Value sig64 = arith::ExtUIOp::create(b, loc, i64Ty, sig);
    Value r64 = arith::ExtUIOp::create(b, loc, i64Ty, randomByte);
    Value n = arith::ShRUIOp::create(b, loc, sig64, d);
    Value one = arith::ShLIOp::create(b, loc, c64(1), d);
    Value rem = arith::AndIOp::create(
        b, loc, sig64, arith::SubIOp::create(b, loc, one, c64(1)));
    Value lhs = arith::AddIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, rem, c64(8)),
        arith::ShLIOp::create(b, loc, r64, d));
    Value rhs = arith::ShLIOp::create(b, loc, one, c64(8));
    Value up =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, lhs, rhs);
    Value n32 = arith::TruncIOp::create(b, loc, i32Ty, n);
    right = add(n32, arith::ExtUIOp::create(b, loc, i32Ty, up));
  }
  Value n = select(sle(drop, i32(0)), left, right);

  Value maxCode = i32(info.maxCode);
  Value mag;
  if (isInt) {
    mag = arith::MinUIOp::create(b, loc, n, maxCode);
  } else {
    int64_t implicit = int64_t(1) << mbits;
    // Rounded up into the next binade: renormalize.
    Value carry = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, n,
                                        i32(2 * implicit));
    Value n2 = select(carry, lshr(n, i32(1)), n);
    Value te2 = select(carry, add(te, i32(1)), te);
    Value normal =
        orI(shl(add(te2, i32(info.bias)), i32(mbits)), sub(n2, i32(implicit)));
    Value code = select(ult(n, i32(implicit)), n, normal); // subnormal or 0
    mag = arith::MinUIOp::create(b, loc, code, maxCode);
  }
  mag = select(saturates, maxCode, mag);
  return select(eq(absBits, i32(0)), i32(0), mag);
}

// Reference `encodeImpl`.
Value CodecEmitter::encodeElem(mxref::ElemKind kind, Value v, Value shiftExp,
                               Value randomByte) {
  const mxref::ElemInfo &info = mxref::getElemInfo(kind);
  Value bits = bitsOf(v);
  Value absBits = andI(bits, i32(0x7fffffff));
  Value neg = ne(lshr(bits, i32(31)), i32(0));
  Value isNaN = ugt(absBits, i32(0x7f800000));
  Value isInf = eq(absBits, i32(0x7f800000));
  Value mag = encodeMagnitude(info, absBits, shiftExp, randomByte);
  mag = select(isInf, i32(info.maxCode), mag);
  Value code;
  if (kind == mxref::ElemKind::INT8)
    code = select(neg, andI(sub(i32(0), mag), i32(0xff)), mag);
  else
    code = select(neg, orI(mag, i32(1 << (info.bits - 1))), mag);
  bool hasNaN = kind == mxref::ElemKind::E4M3 || kind == mxref::ElemKind::E5M2;
  return select(isNaN, i32(hasNaN ? 0x7f : 0), code);
}

// Reference `decodeElem`.
Value CodecEmitter::decodeElem(mxref::ElemKind kind, Value code) {
  const mxref::ElemInfo &info = mxref::getElemInfo(kind);
  if (kind == mxref::ElemKind::INT8) {
    // Sign-extend the byte; int8 * 2^-6 is exact.
    Value s = arith::ShRSIOp::create(b, loc, shl(code, i32(24)), i32(24));
    Value f = arith::SIToFPOp::create(b, loc, f32Ty, s);
    return arith::MulFOp::create(b, loc, f, f32(1.0f / 64.0f));
  }
  int mbits = int(info.mbits);
  Value c = andI(code, i32((1 << info.bits) - 1));
  Value sign = shl(lshr(c, i32(info.bits - 1)), i32(31));
  Value e = andI(lshr(c, i32(mbits)), i32((1 << info.ebits) - 1));
  Value m = andI(c, i32((1 << mbits) - 1));
  // Normal: rebias the exponent and left-align the mantissa.
  Value normal =
      orI(shl(add(e, i32(127 - info.bias)), i32(23)), shl(m, i32(23 - mbits)));
  // Subnormal: m * 2^(1 - bias - mbits), exact.
  Value subnormal = bitsOf(
      arith::MulFOp::create(b, loc, arith::UIToFPOp::create(b, loc, f32Ty, m),
                            f32(std::ldexp(1.0f, 1 - info.bias - mbits))));
  Value mag = select(eq(e, i32(0)), subnormal, normal);
  if (kind == mxref::ElemKind::E4M3)
    mag = select(eq(andI(c, i32(0x7f)), i32(0x7f)), i32(0x7fc00000), mag);
  if (kind == mxref::ElemKind::E5M2)
    mag = select(eq(e, i32(31)),
                 select(eq(m, i32(0)), i32(0x7f800000), i32(0x7fc00000)), mag);
  return floatOf(orI(mag, sign));
}

int64_t CodecEmitter::halfRebiasLog2(mxref::ElemKind kind) {
  return 15 - mxref::getElemInfo(kind).bias;
}

Value CodecEmitter::decodeFP8ViaHalf(mxref::ElemKind kind, Value bytes,
                                     bool rebias) {
  Type i16Ty = shaped(b.getI16Type());
  auto c16 = [&](int64_t v) {
    return splat(i16Ty, b.getIntegerAttr(b.getI16Type(), v));
  };
  Value y;
  if (kind == mxref::ElemKind::E5M2) {
    // E5M2 is the upper byte of an f16 (same exponent bias); NaN payloads
    // become the canonical 0x7e00, the sign kept.
    y = shl(arith::ExtUIOp::create(b, loc, i16Ty, bytes), c16(8));
    y = select(ugt(andI(y, c16(0x7fff)), c16(0x7c00)),
               orI(andI(y, c16(0x8000)), c16(0x7e00)), y);
  } else {
    // S.EEEE.MMM sign-extended, << 7: E and M land in f16's exponent and
    // mantissa fields (the f16 value is the E4M3 one times 2^-8, subnormals
    // included) and bit 15 is S; bit 14, a copy of S, is cleared.
    y = andI(shl(arith::ExtSIOp::create(b, loc, i16Ty, bytes), c16(7)),
             c16(0xbfff));
    // The NaN code (magnitude 0x7f, here 0x3f80) becomes f16 0x7e00.
    y = select(eq(andI(y, c16(0x3f80)), c16(0x3f80)),
               arith::XOrIOp::create(b, loc, y, c16(0x3f80 ^ 0x7e00)), y);
  }
  Value half = arith::BitcastOp::create(b, loc, shaped(b.getF16Type()), y);
  Value f = arith::ExtFOp::create(b, loc, f32Ty, half);
  if (kind == mxref::ElemKind::E4M3 && rebias)
    f = arith::MulFOp::create(b, loc, f, f32(256.0f)); // exact: a power of two
  return f;
}

Value CodecEmitter::decodeFP6ViaHalf(mxref::ElemKind kind, Value code,
                                     bool rebias) {
  // S.E..E.M..M: E lands in the low bits of f16's exponent field and M at
  // the top of its mantissa, so the f16 value is the FP6 one times
  // 2^(bias - 15), subnormals included (an FP6 subnormal, E = 0, is an f16
  // subnormal with the same mantissa); S goes to bit 15.
  // One op-creating call per statement: the IR must not depend on the
  // compiler's argument evaluation order.
  Value c31 = i32(0x1f);
  Value magnitude = andI(code, c31);
  Value t = i32(10 - mxref::getElemInfo(kind).mbits);
  magnitude = shl(magnitude, t);
  Value c32 = i32(0x20);
  Value sign = andI(code, c32);
  Value c10 = i32(10);
  sign = shl(sign, c10);
  Value y = orI(sign, magnitude);
  Value pattern = arith::TruncIOp::create(b, loc, shaped(b.getI16Type()), y);
  return fp6FromHalfPattern(kind, pattern, rebias);
}

Value CodecEmitter::fp6FromHalfPattern(mxref::ElemKind kind, Value pattern,
                                       bool rebias) {
  Value half =
      arith::BitcastOp::create(b, loc, shaped(b.getF16Type()), pattern);
  Value f = arith::ExtFOp::create(b, loc, f32Ty, half);
  if (!rebias)
    return f;
  // Exact: a power of two times a value at most 28.
  Value factor = f32(std::ldexp(1.0f, halfRebiasLog2(kind)));
  return arith::MulFOp::create(b, loc, f, factor);
}

//===----------------------------------------------------------------------===//
// Scales
//===----------------------------------------------------------------------===//

Value CodecEmitter::floorLog2Bits(Value absBits) {
  Value e = lshr(absBits, i32(23));
  Value m = andI(absBits, i32(0x7fffff));
  Value subnormal = sub(msbIndex(*this, m), i32(149));
  return select(eq(e, i32(0)), subnormal, sub(e, i32(127)));
}

// Reference `selectE8M0Scale`.
Value CodecEmitter::selectE8M0Scale(mxref::ElemKind elem, mxref::ScaleMode mode,
                                    Value amax) {
  const mxref::ElemInfo &info = mxref::getElemInfo(elem);
  if (mode == mxref::ScaleMode::RCeil) {
    // descale = f32(amax * f32(1/max)), rounded up to a power of two.
    Value descale =
        arith::MulFOp::create(b, loc, amax, f32(1.0f / info.maxNorm));
    return encodeE8M0RoundUp(descale);
  }
  Value bits = bitsOf(amax);
  Value isZero = eq(bits, i32(0));
  Value x;
  switch (mode) {
  case mxref::ScaleMode::Even: {
    Value rounded = add(bits, i32(1 << (23 - info.mbits - 1)));
    x = sub(andI(lshr(rounded, i32(23)), i32(0xff)), i32(127 + info.emax));
    break;
  }
  case mxref::ScaleMode::Ceil: {
    Value e = lshr(bits, i32(23));
    Value m = andI(bits, i32(0x7fffff));
    Value sig = select(eq(e, i32(0)), m, orI(m, i32(0x800000)));
    Value notPow2 = ne(andI(sig, sub(sig, i32(1))), i32(0));
    Value cl = add(floorLog2Bits(bits),
                   arith::ExtUIOp::create(b, loc, i32Ty, notPow2));
    x = select(isZero, i32(-127), sub(cl, i32(info.emax)));
    break;
  }
  default: // Floor (NVFP4 never reaches an E8M0 rule)
    x = select(isZero, i32(-127), sub(floorLog2Bits(bits), i32(info.emax)));
    break;
  }
  return add(clampSI(*this, x, -127, 127), i32(127));
}

// Reference `encodeE8M0RoundUp`.
Value CodecEmitter::encodeE8M0RoundUp(Value v) {
  Value bits = andI(bitsOf(v), i32(0x7fffffff));
  Value e = lshr(bits, i32(23));
  Value m = andI(bits, i32(0x7fffff));
  Value subCode = arith::ExtUIOp::create(b, loc, i32Ty, ugt(m, i32(0x400000)));
  Value normCode = arith::MinUIOp::create(
      b, loc, add(e, arith::ExtUIOp::create(b, loc, i32Ty, ne(m, i32(0)))),
      i32(0xfe));
  Value code = select(eq(e, i32(0)), subCode, normCode);
  return select(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, bits,
                                      i32(0x7f800000)),
                i32(0xff), code);
}

Value CodecEmitter::decodeE8M0(Value code) {
  Value c = andI(code, i32(0xff));
  return floatOf(select(eq(c, i32(0)), i32(0x00400000), shl(c, i32(23))));
}

Value CodecEmitter::isNaNScale(mxref::ScaleKind kind, Value code) {
  if (kind == mxref::ScaleKind::E8M0)
    return eq(andI(code, i32(0xff)), i32(0xff));
  return eq(andI(code, i32(0x7f)), i32(0x7f));
}

Value CodecEmitter::encodeUE4M3(Value v) {
  Value absV = floatOf(andI(bitsOf(v), i32(0x7fffffff)));
  return andI(encodeElem(mxref::ElemKind::E4M3, absV, i32(0)), i32(0x7f));
}

Value CodecEmitter::decodeUE4M3(Value code) {
  return decodeElem(mxref::ElemKind::E4M3, andI(code, i32(0x7f)));
}

// std::ldexp on the bit pattern.
Value CodecEmitter::ldexp(Value v, Value e) {
  Value bits = bitsOf(v);
  Value sign = andI(bits, i32(int32_t(0x80000000u)));
  Value a = andI(bits, i32(0x7fffffff));
  Value E = lshr(a, i32(23));
  Value m = andI(a, i32(0x7fffff));
  Value isSub = eq(E, i32(0));
  // Normalize to sig in [2^23, 2^24): v = sig * 2^(en - 150).
  Value lz = sub(math::CountLeadingZerosOp::create(b, loc, m), i32(8));
  Value sig =
      select(isSub, shl(m, clampSI(*this, lz, 0, 31)), orI(m, i32(0x800000)));
  Value en = select(isSub, sub(i32(1), lz), E);
  Value ne_ = add(en, clampSI(*this, e, -1000, 1000));
  Value normal =
      orI(shl(clampSI(*this, ne_, 0, 255), i32(23)), andI(sig, i32(0x7fffff)));
  // Subnormal result: shift right by 1 - ne with round to nearest even; a
  // carry into bit 23 correctly yields the smallest normal.
  Value s = clampSI(*this, sub(i32(1), ne_), 1, 25);
  Value n = lshr(sig, s);
  Value one = shl(i32(1), s);
  Value rem = andI(sig, sub(one, i32(1)));
  Value half = lshr(one, i32(1));
  Value up =
      arith::OrIOp::create(b, loc, ugt(rem, half),
                           arith::AndIOp::create(b, loc, eq(rem, half),
                                                 ne(andI(n, i32(1)), i32(0))));
  Value subnormal = add(n, arith::ExtUIOp::create(b, loc, i32Ty, up));
  Value mag = select(sgt(ne_, i32(0)), normal, subnormal);
  mag = select(sgt(ne_, i32(254)), i32(0x7f800000), mag);
  Value special = arith::OrIOp::create(b, loc, eq(E, i32(255)), eq(a, i32(0)));
  return select(special, v, floatOf(orI(sign, mag)));
}

//===----------------------------------------------------------------------===//
// NVFP4
//===----------------------------------------------------------------------===//

static Value fminFltMax(CodecEmitter &e, Value v) {
  // std::fmin(v, FLT_MAX): a NaN operand yields FLT_MAX, as minnum does.
  return arith::MinNumFOp::create(e.getBuilder(), e.getLoc(), v,
                                  e.f32(FLT_MAX));
}

std::pair<Value, Value> CodecEmitter::nvfp4TensorScalesFromAmax(Value gamax) {
  return tensorScalesFromAmax(gamax, 448.0f * 6.0f);
}

std::pair<Value, Value> CodecEmitter::tensorScalesFromAmax(Value gamax,
                                                           float target) {
  Value enc =
      fminFltMax(*this, arith::DivFOp::create(b, loc, f32(target), gamax));
  Value zero = f32(0.0f);
  Value useOne = arith::OrIOp::create(
      b, loc,
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, gamax, zero),
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, enc, zero));
  enc = select(useOne, f32(1.0f), enc);
  Value dec = arith::DivFOp::create(b, loc, f32(1.0f), enc);
  return {enc, dec};
}

std::pair<Value, Value>
CodecEmitter::nvfp4TensorScalesFromDecode(Value decode) {
  Value enc =
      fminFltMax(*this, arith::DivFOp::create(b, loc, f32(1.0f), decode));
  return {enc, decode};
}

Value CodecEmitter::nvfp4BlockScale(Value bamax, Value encTimesInvMax) {
  Value sdb = arith::MulFOp::create(b, loc, bamax, encTimesInvMax);
  return encodeUE4M3(fminFltMax(*this, sdb));
}

Value CodecEmitter::nvfp4BlockEncodeScale(Value code, Value decode) {
  Value denom = arith::MulFOp::create(b, loc, decodeUE4M3(code), decode);
  return fminFltMax(*this, arith::DivFOp::create(b, loc, f32(1.0f), denom));
}
