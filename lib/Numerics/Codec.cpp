//===- Codec.cpp - Element and scale encode/decode ------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Codec.h"

#include "llvm/ADT/bit.h"

#include <cmath>
#include <cstring>

using namespace mxref;

namespace {
/// A positive finite f32 as sig * 2^exp with sig < 2^24.
struct Decomposed {
  uint32_t sig;
  int exp;
};
} // namespace

static Decomposed decompose(uint32_t absBits) {
  uint32_t e = absBits >> 23, m = absBits & 0x7fffff;
  if (e == 0)
    return {m, -149};
  return {m | 0x800000u, int(e) - 150};
}

static int msbIndex(uint32_t v) { return 31 - llvm::countl_zero(v); }

int mxref::floorLog2(float x) {
  Decomposed d = decompose(floatBits(x) & 0x7fffffffu);
  return msbIndex(d.sig) + d.exp;
}

int mxref::ceilLog2(float x) {
  Decomposed d = decompose(floatBits(x) & 0x7fffffffu);
  int fl = msbIndex(d.sig) + d.exp;
  bool isPow2 = (d.sig & (d.sig - 1)) == 0;
  return isPow2 ? fl : fl + 1;
}

//===----------------------------------------------------------------------===//
// Elements
//===----------------------------------------------------------------------===//

float mxref::decodeElem(ElemKind kind, uint8_t code) {
  const ElemInfo &info = getElemInfo(kind);
  if (kind == ElemKind::INT8)
    return float(int8_t(code)) * (1.0f / 64.0f);
  code &= uint8_t((1u << info.bits) - 1);
  bool neg = (code >> (info.bits - 1)) & 1;
  unsigned e = (code >> info.mbits) & ((1u << info.ebits) - 1);
  unsigned m = code & ((1u << info.mbits) - 1);
  float mag;
  if (kind == ElemKind::E4M3 && e == 15 && m == 7)
    mag = NAN;
  else if (kind == ElemKind::E5M2 && e == 31)
    mag = m == 0 ? INFINITY : NAN;
  else if (e == 0)
    mag = std::ldexp(float(m), 1 - info.bias - int(info.mbits));
  else
    mag = std::ldexp(float((1u << info.mbits) | m),
                     int(e) - info.bias - int(info.mbits));
  return neg ? -mag : mag;
}

namespace {
enum class RoundKind { NearestEven, Stochastic };
} // namespace

/// Rounds |v| * 2^-shift (v finite, bits without sign in `absBits`) to the
/// magnitude code of `info`, saturating at maxCode.
static inline uint8_t encodeMagnitude(const ElemInfo &info, uint32_t absBits,
                                      int shift, RoundKind round,
                                      uint8_t rbyte) {
  if (absBits == 0)
    return 0;
  Decomposed d = decompose(absBits);
  int exp = d.exp - shift;
  int l2 = msbIndex(d.sig) + exp;
  // Anything at or above 2^(emax+1) saturates (and exceeds maxNorm).
  if (l2 > info.emax)
    return info.maxCode;
  bool isInt = info.kind == ElemKind::INT8;
  int emin = 1 - info.bias;
  int te = isInt ? 0 : std::max(l2, emin);
  // Exponent of the target quantum (one unit in the last place).
  int qe = isInt ? -int(info.mbits) : te - int(info.mbits);
  int drop = qe - exp;
  uint64_t n;
  if (drop <= 0) {
    n = uint64_t(d.sig) << -drop; // exact; small because l2 <= emax
  } else if (drop > 40) {
    n = 0; // far below half a quantum, for both rounding kinds
  } else {
    uint64_t sig = d.sig;
    n = sig >> drop;
    uint64_t rem = sig & ((uint64_t(1) << drop) - 1);
    if (round == RoundKind::NearestEven) {
      uint64_t half = uint64_t(1) << (drop - 1);
      if (rem > half || (rem == half && (n & 1)))
        ++n;
    } else {
      // Round up iff frac + rbyte/256 >= 1, frac = rem / 2^drop.
      if ((rem << 8) + (uint64_t(rbyte) << drop) >= (uint64_t(1) << (drop + 8)))
        ++n;
    }
  }
  if (isInt)
    return uint8_t(std::min<uint64_t>(n, info.maxCode));
  if (n == 0)
    return 0;
  uint64_t implicit = uint64_t(1) << info.mbits;
  uint64_t code;
  if (n < implicit) {
    code = n; // subnormal (only reachable with te == emin)
  } else {
    if (n >= 2 * implicit) { // rounded up into the next binade
      n >>= 1;
      ++te;
    }
    code = (uint64_t(te + info.bias) << info.mbits) | (n - implicit);
  }
  return uint8_t(std::min<uint64_t>(code, info.maxCode));
}

static inline uint8_t encodeImpl(const ElemInfo &info, float v, int shiftExp,
                                 RoundKind round, uint8_t rbyte) {
  ElemKind kind = info.kind;
  uint32_t bits = floatBits(v);
  bool neg = bits >> 31;
  uint32_t absBits = bits & 0x7fffffffu;
  if (absBits > 0x7f800000u) // NaN
    return (kind == ElemKind::E4M3 || kind == ElemKind::E5M2) ? 0x7f : 0;
  uint8_t mag = absBits == 0x7f800000u
                    ? info.maxCode
                    : encodeMagnitude(info, absBits, shiftExp, round, rbyte);
  if (kind == ElemKind::INT8)
    return neg ? uint8_t(-int(mag)) : mag;
  return neg ? uint8_t(mag | (1u << (info.bits - 1))) : mag;
}

uint8_t mxref::encodeElem(ElemKind kind, float v, int shiftExp) {
  return encodeImpl(getElemInfo(kind), v, shiftExp, RoundKind::NearestEven, 0);
}

uint8_t mxref::encodeElemStochastic(ElemKind kind, float v, int shiftExp,
                                    uint8_t randomByte) {
  return encodeImpl(getElemInfo(kind), v, shiftExp, RoundKind::Stochastic,
                    randomByte);
}

/// RNE satfinite of |v| * scale with the FP unit: adding C = 2^(te - mbits +
/// 23) makes the f32 addition round exactly at the target quantum 2^(te -
/// mbits). Equal to encodeMagnitude (unit tests compare the two); it only
/// trades branches for arithmetic, since quantizing weights at compile time is
/// throughput bound. Needs the default rounding mode and no fast-math.
static inline uint8_t encodeFast(const ElemInfo &info, float v, float scale) {
  uint32_t bits = floatBits(v);
  uint32_t sign = bits >> 31;
  float a = bitsToFloat(bits & 0x7fffffffu) * scale;
  uint32_t mag;
  if (info.kind == ElemKind::INT8) {
    const float magic = 12582912.0f; // 1.5 * 2^23
    float r = a >= info.maxNorm ? 127.0f : (a * 64.0f + magic) - magic;
    mag = uint32_t(r);
    return sign ? uint8_t(-int(mag)) : uint8_t(mag);
  }
  int eminBiased = 128 - info.bias; // biased f32 exponent of 2^emin
  if (a >= info.maxNorm) {
    mag = info.maxCode;
  } else {
    int e = int(floatBits(a) >> 23);
    int te = e > eminBiased ? e : eminBiased;
    float c = bitsToFloat(uint32_t(te - int(info.mbits) + 23) << 23);
    float r = (a + c) - c;
    uint32_t rb = floatBits(r);
    int re = int(rb >> 23);
    if (re >= eminBiased)
      mag = (uint32_t(re - 127 + info.bias) << info.mbits) |
            ((rb & 0x7fffffu) >> (23 - info.mbits));
    else // subnormal or zero: r = n * 2^(emin - mbits)
      mag = uint32_t(
          r * bitsToFloat(uint32_t(127 + int(info.mbits) - (eminBiased - 127))
                          << 23));
  }
  return uint8_t(mag | (sign << (info.bits - 1)));
}

void mxref::encodeElems(ElemKind kind, const float *in, uint8_t *out, int64_t n,
                        int64_t stride, int shiftExp,
                        const uint8_t *randomBytes) {
  const ElemInfo &info = getElemInfo(kind);
  if (randomBytes) {
    for (int64_t i = 0; i < n; ++i)
      out[i * stride] =
          encodeImpl(info, in[i * stride], shiftExp, RoundKind::Stochastic,
                     randomBytes[i * stride]);
    return;
  }
  int scaleExp = 127 - shiftExp;
  if (scaleExp < 1 || scaleExp > 254) { // 2^-shift is no normal f32
    for (int64_t i = 0; i < n; ++i)
      out[i * stride] =
          encodeImpl(info, in[i * stride], shiftExp, RoundKind::NearestEven, 0);
    return;
  }
  float scale = bitsToFloat(uint32_t(scaleExp) << 23);
  for (int64_t i = 0; i < n; ++i) {
    float v = in[i * stride];
    out[i * stride] =
        (floatBits(v) & 0x7f800000u) == 0x7f800000u
            ? encodeImpl(info, v, shiftExp, RoundKind::NearestEven, 0)
            : encodeFast(info, v, scale);
  }
}

//===----------------------------------------------------------------------===//
// Scales
//===----------------------------------------------------------------------===//

bool mxref::isNaNScale(ScaleKind kind, uint8_t code) {
  return kind == ScaleKind::E8M0 ? code == 0xff : (code & 0x7f) == 0x7f;
}

float mxref::decodeScale(ScaleKind kind, uint8_t code) {
  if (kind == ScaleKind::E8M0)
    return code == 0xff ? NAN : std::ldexp(1.0f, int(code) - 127);
  return decodeElem(ElemKind::E4M3, code & 0x7f);
}

uint8_t mxref::encodeE8M0RoundDown(float v) {
  uint32_t bits = floatBits(v) & 0x7fffffffu;
  if (bits >= 0x7f800000u)
    return 0xff;
  uint32_t e = bits >> 23;
  // An f32 subnormal or zero is below 2^-126: the smallest code (2^-127)
  // is the saturated result.
  return uint8_t(std::min<uint32_t>(e, 0xfe));
}

uint8_t mxref::encodeE8M0RoundUp(float v) {
  uint32_t bits = floatBits(v) & 0x7fffffffu;
  if (bits >= 0x7f800000u)
    return 0xff;
  uint32_t e = bits >> 23, m = bits & 0x7fffff;
  if (e == 0)
    return m > 0x400000u ? 1 : 0; // above 2^-127 rounds up to 2^-126
  return uint8_t(std::min<uint32_t>(e + (m != 0), 0xfe));
}

uint8_t mxref::encodeUE4M3(float v) {
  return encodeElem(ElemKind::E4M3, std::fabs(v)) & 0x7f;
}
