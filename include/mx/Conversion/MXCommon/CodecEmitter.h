//===- CodecEmitter.h - Bit-exact MX codecs as arith IR ---------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Emits the element and scale conversions of the reference library
// (lib/Numerics/Codec.cpp, Quantize.cpp) as `arith`/`math` operations on the
// f32 bit pattern, so every lowering (CPU emulation here, GPU emulation
// later) computes exactly what the reference does. Everything is integer
// arithmetic on i32 (i64 for stochastic rounding) except where the reference
// itself rounds in f32 (NVFP4's scale chain, RCEIL's descale product).
//
// Upstream's arith-expand f4/E8M0 expansions and arith.truncf to small floats
// are deliberately not used: they round ties away from zero or decode E8M0
// 0x00 as 0 (docs/Numerics.md §9).
//
// Values may be scalars or vectors: constants take the shape of the `like`
// type given to the emitter, so the same code serves scalar loop bodies and
// vectorized ones. Part of the lowering core (docs/Lowering.md): the block
// compositions built on it are BlockEmitter.h's, the packing Packing.h's.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXCOMMON_CODECEMITTER_H
#define MX_CONVERSION_MXCOMMON_CODECEMITTER_H

#include "mx/Numerics/Format.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include <utility>

namespace mlir {
namespace mx {

/// Builds bit-exact codec sequences at an insertion point. Every integer
/// operand and result is i32 (or a vector of i32 shaped like `like`), every
/// float one f32.
class CodecEmitter {
public:
  /// `like` is a scalar type or a vector type; only its shape matters.
  CodecEmitter(OpBuilder &builder, Location loc, Type like = {});

  OpBuilder &getBuilder() { return b; }
  Location getLoc() const { return loc; }
  Type getI32Type() const { return i32Ty; }
  Type getF32Type() const { return f32Ty; }
  /// `elem` shaped like the emitter's operands (a vector of it, or itself).
  Type shaped(Type elem) const;

  /// A scalar `v` splat to the emitter's shape (itself for scalars).
  Value broadcast(Value v);
  /// An integer or index value (scalar or vector) as i32, zero-extended or
  /// truncated, in its own shape.
  Value toI32(Value v);

  // Constants shaped like the emitter's operands.
  Value i32(int64_t v);
  Value f32(float v);
  Value f32Bits(uint32_t bits);
  Value i64(int64_t v);

  /// The element code (in the low bits of an i32) of `v * 2^-shiftExp`:
  /// reference `encodeElem` (RNE, satfinite, sign of zero kept, NaN to the
  /// canonical code), or `encodeElemStochastic` when `randomByte` (an i32
  /// in [0, 255]) is given.
  Value encodeElem(mxref::ElemKind kind, Value v, Value shiftExp,
                   Value randomByte = {});
  /// Reference `decodeElem` of an i32 code (only its low bits are read).
  Value decodeElem(mxref::ElemKind kind, Value code);
  /// decodeElem of E4M3 or E5M2 codes given as bytes (i8, shaped like the
  /// emitter's operands), through f16: each byte moved into an f16 pattern
  /// (16-bit integer operations), then one exact `arith.extf` to f32 (E4M3
  /// times 2^8 to rebias), NaN codes made the reference's canonical NaN.
  /// Fewer instructions than decodeElem where the target converts f16
  /// vectors in hardware (x86 F16C: vcvtph2ps); elsewhere LLVM calls a
  /// library routine per element.
  /// Without `rebias`, E4M3 values come out times 2^-8 (exact): a kernel
  /// that multiplies its other operand by 2^8 instead saves a multiply per
  /// vector (halfRebiasLog2).
  Value decodeFP8ViaHalf(mxref::ElemKind kind, Value bytes,
                         bool rebias = true);
  /// decodeElem of E2M3 or E3M2 codes (i32, low 6 bits) through f16, as
  /// decodeFP8ViaHalf: the code's fields moved into an f16 pattern, one
  /// exact `arith.extf`, one exact multiply to rebias (FP6 has no NaN or
  /// Inf), which `rebias` = false leaves out (the values times
  /// 2^-halfRebiasLog2).
  Value decodeFP6ViaHalf(mxref::ElemKind kind, Value code, bool rebias = true);
  /// The FP6 values of f16 patterns (i16, as decodeFP6ViaHalf builds them,
  /// shaped like the emitter's operands): one extf, one rebias multiply
  /// (left out without `rebias`).
  Value fp6FromHalfPattern(mxref::ElemKind kind, Value pattern,
                           bool rebias = true);
  /// The power of two the f16 route's value of a `kind` code is multiplied
  /// by to rebias: 2^(15 - bias), 8 for E4M3, 14 for E2M3, 12 for E3M2, 0
  /// for E5M2 (f16's own bias).
  static int64_t halfRebiasLog2(mxref::ElemKind kind);

  /// Reference `selectE8M0Scale` for a finite, non-negative `amax` (f32):
  /// the E8M0 code as an i32 in [0, 254].
  Value selectE8M0Scale(mxref::ElemKind elem, mxref::ScaleMode mode,
                        Value amax);
  /// Reference `encodeE8M0RoundUp` (cvt.rp.satfinite.ue8m0).
  Value encodeE8M0RoundUp(Value v);
  /// 2^(code - 127) as an f32 (exact; code 0 is the subnormal 2^-127).
  /// Meaningless for the NaN code 0xff, which callers test first.
  Value decodeE8M0(Value code);
  /// True when the scale byte is the NaN code of `kind`.
  Value isNaNScale(mxref::ScaleKind kind, Value code);

  /// Reference `encodeUE4M3`: E4M3 RNE satfinite of |v|, sign bit clear.
  Value encodeUE4M3(Value v);
  /// Reference `decodeScale(UE4M3, code)`: the sign bit is ignored.
  Value decodeUE4M3(Value code);

  /// Rounds an f32 to `outElem` (f32, f16 or bf16; scalar element type) to
  /// nearest even, keeping subnormals. bf16 is converted with integer
  /// arithmetic: LLVM selects x86's vcvtneps2bf16 for `fptrunc` to bfloat,
  /// which flushes subnormal inputs and results to zero.
  Value truncF32(Value v, Type outElem);

  /// std::ldexp(v, e) for an i32 `e`: an exact exponent add on the bit
  /// pattern, rounding (to nearest even) only into the subnormal range, to
  /// +-Inf on overflow. 2^e is never materialized as a float.
  Value ldexp(Value v, Value e);

  /// Tensor scales (reference `computeTensorScales`) from the tensor amax
  /// (NaN already ignored) and the target magnitude (448 * 6 for NVFP4, 448
  /// for per-tensor FP8): {S_enc, S_dec}.
  std::pair<Value, Value> tensorScalesFromAmax(Value amax, float target);
  /// Reference `computeNVFP4TensorScales`.
  std::pair<Value, Value> nvfp4TensorScalesFromAmax(Value gamax);
  /// Reference `tensorScalesFromDecode` for a calibrated S_dec (NVFP4 and
  /// per-tensor alike).
  std::pair<Value, Value> nvfp4TensorScalesFromDecode(Value decode);
  /// The UE4M3 code of an NVFP4 block whose (non-NaN) amax is `bamax`,
  /// given f32(S_enc * f32(1/6)).
  Value nvfp4BlockScale(Value bamax, Value encTimesInvMax);
  /// S_encb = min(1 / (decode(code) * S_dec), FLT_MAX).
  Value nvfp4BlockEncodeScale(Value code, Value decode);

  // Small arithmetic helpers on i32 (public for the lowerings' glue code).
  Value add(Value a, Value c);
  Value sub(Value a, Value c);
  Value andI(Value a, Value c);
  Value orI(Value a, Value c);
  Value shl(Value a, Value c);
  Value lshr(Value a, Value c);
  Value select(Value cond, Value t, Value f);
  Value eq(Value a, Value c);
  Value ne(Value a, Value c);
  Value ult(Value a, Value c);
  Value ugt(Value a, Value c);
  Value sgt(Value a, Value c);
  Value sle(Value a, Value c);
  Value bitsOf(Value f);  ///< f32 -> i32 bit pattern
  Value floatOf(Value i); ///< i32 bit pattern -> f32

private:
  Value encodeMagnitude(const mxref::ElemInfo &info, Value absBits, Value shift,
                        Value randomByte);
  /// floor(log2(x)) of a positive finite f32 given its bits.
  Value floorLog2Bits(Value absBits);
  Value splat(Type scalarType, Attribute value);

  OpBuilder &b;
  Location loc;
  Type i1Ty, i32Ty, i64Ty, f32Ty;
};

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXCOMMON_CODECEMITTER_H
