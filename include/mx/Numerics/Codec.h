//===- Codec.h - Element and scale encode/decode ----------------*- C++ -*-===//
//
// Part of the MX project. The reference numerics layer: no MLIR IR dependency.
//
//===----------------------------------------------------------------------===//
//
// Bit-exact conversions between f32 and every element and scale kind
// (docs/Numerics.md §1, §2, §4). All rounding is done on integers taken
// from the f32 bit pattern, never with log2f or the FP environment.
//
//===----------------------------------------------------------------------===//

#ifndef MX_NUMERICS_CODEC_H
#define MX_NUMERICS_CODEC_H

#include "mx/Numerics/Format.h"

#include <cstdint>
#include <cstring>

namespace mxref {

/// f32 <-> bit pattern.
inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}
inline float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

/// Exact floor(log2(|x|)) for finite non-zero x, f32 subnormals included.
int floorLog2(float x);
/// Exact ceil(log2(|x|)) for finite non-zero x.
int ceilLog2(float x);

/// Decodes an element code (low `bits` bits used). Exact in f32.
/// E4M3 0x7f/0xff and E5M2 NaN codes give NaN; E5M2 Inf codes give Inf;
/// INT8 0x80 gives -2.0.
float decodeElem(ElemKind kind, uint8_t code);

/// Encodes `v * 2^-shiftExp` with round-to-nearest-even and saturation to
/// +-maxNorm (`satfinite`). The scaling is exact (done on the integer
/// significand), so no double rounding can happen. The sign of a zero result
/// is kept (INT8 has no -0 and gives 0x00). Infinities saturate. A NaN gives
/// the canonical NaN code of E4M3/E5M2 (0x7f) and code 0 for kinds without NaN.
uint8_t encodeElem(ElemKind kind, float v, int shiftExp = 0);

/// As encodeElem, but rounds stochastically: the magnitude, in units of the
/// target quantum, is increased by randomByte/256 and then truncated
/// (docs/Numerics.md "Stochastic rounding").
uint8_t encodeElemStochastic(ElemKind kind, float v, int shiftExp,
                             uint8_t randomByte);

/// Encodes `n` values with encodeElem (or encodeElemStochastic when
/// `randomBytes` is non-null), reading `in[i * stride]`, writing `out[i *
/// stride]` and `randomBytes[i * stride]`. The hot loop of quantization.
void encodeElems(ElemKind kind, const float *in, uint8_t *out, int64_t n,
                 int64_t stride, int shiftExp, const uint8_t *randomBytes);

/// Decodes a scale byte. E8M0: 2^(c-127), 0xff is NaN (0x00 is the f32
/// subnormal 2^-127). UE4M3: the sign bit is ignored; 0x7f is NaN.
float decodeScale(ScaleKind kind, uint8_t code);
/// True when the scale byte encodes NaN.
bool isNaNScale(ScaleKind kind, uint8_t code);

/// E8M0 conversions of a positive f32: round down (`cvt.rz`) and round up
/// (`cvt.rp.satfinite`), saturating to 0xfe; NaN/Inf give 0xff.
uint8_t encodeE8M0RoundDown(float v);
uint8_t encodeE8M0RoundUp(float v);

/// The UE4M3 byte of an NVFP4 block scale: E4M3 RNE satfinite of |v|, sign
/// bit clear; NaN gives 0x7f.
uint8_t encodeUE4M3(float v);

} // namespace mxref

#endif // MX_NUMERICS_CODEC_H
