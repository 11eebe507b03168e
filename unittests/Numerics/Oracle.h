//===- Oracle.h - Independent numerics oracles for the unit tests -*- C++
//-*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Brute-force reimplementations of the element codecs of docs/Numerics.md §1
// and §2.3, written from the spec text only: they share no code and no table
// with lib/Numerics (not even getElemInfo). Decoding uses the textbook formula
// in double; encoding enumerates every finite code and picks the nearest value
// with exact double arithmetic.
//
//===----------------------------------------------------------------------===//

#ifndef MX_UNITTESTS_NUMERICS_ORACLE_H
#define MX_UNITTESTS_NUMERICS_ORACLE_H

#include "mx/Numerics/Format.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace mxref {
namespace oracle {

/// The element formats of docs/Numerics.md §1, typed in from the table.
struct KindSpec {
  ElemKind kind;
  unsigned bits; // storage bits
  unsigned ebits;
  unsigned mbits;
  int bias;
  bool isInt;
};

inline KindSpec spec(ElemKind kind) {
  switch (kind) {
  case ElemKind::E2M1:
    return {kind, 4, 2, 1, 1, false};
  case ElemKind::E2M3:
    return {kind, 6, 2, 3, 1, false};
  case ElemKind::E3M2:
    return {kind, 6, 3, 2, 3, false};
  case ElemKind::E4M3:
    return {kind, 8, 4, 3, 7, false};
  case ElemKind::E5M2:
    return {kind, 8, 5, 2, 15, false};
  case ElemKind::INT8:
    return {kind, 8, 0, 6, 0, true};
  }
  return {kind, 0, 0, 0, 0, false};
}

inline const ElemKind kAllKinds[] = {ElemKind::E2M1, ElemKind::E2M3,
                                     ElemKind::E3M2, ElemKind::E4M3,
                                     ElemKind::E5M2, ElemKind::INT8};

inline uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float fromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// sign * 2^(e-bias) * (1 + m/2^mbits), subnormals m * 2^(1-bias-mbits),
/// E4M3 S.1111.111 NaN, E5M2 S.11111.00 Inf / S.11111.xx NaN, INT8 two's
/// complement / 64.
inline double decode(ElemKind kind, unsigned code) {
  KindSpec s = spec(kind);
  if (s.isInt) {
    int v = code & 0xff;
    if (v >= 128)
      v -= 256;
    return v / 64.0;
  }
  code &= (1u << s.bits) - 1;
  bool neg = (code >> (s.bits - 1)) & 1;
  unsigned e = (code >> s.mbits) & ((1u << s.ebits) - 1);
  unsigned m = code & ((1u << s.mbits) - 1);
  double mag;
  if (kind == ElemKind::E4M3 && e == 15 && m == 7)
    mag = std::numeric_limits<double>::quiet_NaN();
  else if (kind == ElemKind::E5M2 && e == 31)
    mag = m == 0 ? std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::quiet_NaN();
  else if (e == 0)
    mag = std::ldexp(double(m), 1 - s.bias - int(s.mbits));
  else
    mag = std::ldexp(1.0 + double(m) / double(1u << s.mbits), int(e) - s.bias);
  return neg ? -mag : mag;
}

/// The finite non-negative values of `kind`, ascending, with their codes.
struct GridPoint {
  double value;
  unsigned code;
};
inline const std::vector<GridPoint> &grid(ElemKind kind) {
  static std::vector<GridPoint> grids[6];
  std::vector<GridPoint> &g = grids[unsigned(kind)];
  if (!g.empty())
    return g;
  KindSpec s = spec(kind);
  unsigned numMag = s.isInt ? 128 : (1u << (s.bits - 1));
  for (unsigned c = 0; c < numMag; ++c) {
    double v = decode(kind, c);
    if (std::isfinite(v))
      g.push_back({v, c});
  }
  std::sort(g.begin(), g.end(), [](const GridPoint &a, const GridPoint &b) {
    return a.value < b.value;
  });
  return g;
}

inline double maxValue(ElemKind kind) { return grid(kind).back().value; }

/// Applies the sign to a magnitude code.
inline uint8_t withSign(ElemKind kind, unsigned mag, bool neg) {
  KindSpec s = spec(kind);
  if (s.isInt)
    return uint8_t(neg ? (256 - mag) & 0xff : mag);
  return uint8_t(neg ? mag | (1u << (s.bits - 1)) : mag);
}

/// Index i of the grid with g[i] <= x < g[i+1] (x finite, 0 <= x < max).
inline size_t bracket(const std::vector<GridPoint> &g, double x) {
  size_t lo = 0, hi = g.size() - 1; // g[lo] <= x < g[hi]
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (g[mid].value <= x)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/// RNE satfinite of v * 2^-shift (v not NaN). Nearest finite code, ties to
/// the code with an even LSB (the mantissa LSB, or the even integer for
/// INT8), saturation to +-max, sign of zero kept (INT8: no -0).
inline uint8_t encode(ElemKind kind, float v, int shift) {
  const std::vector<GridPoint> &g = grid(kind);
  bool neg = std::signbit(v);
  double x = std::fabs(double(v));
  if (std::isfinite(x))
    x = std::ldexp(x, -shift); // exact in double for |shift| <= 127
  unsigned mag;
  if (x >= g.back().value) {
    mag = g.back().code;
  } else {
    size_t i = bracket(g, x);
    double d1 = x - g[i].value, d2 = g[i + 1].value - x; // both exact
    if (d1 < d2)
      mag = g[i].code;
    else if (d2 < d1)
      mag = g[i + 1].code;
    else
      mag = (g[i].code & 1) == 0 ? g[i].code : g[i + 1].code;
  }
  return withSign(kind, mag, neg);
}

/// Stochastic rounding as documented: |x| in units of the quantum of its
/// binade, plus r/256, truncated; saturating at max.
inline uint8_t encodeStochastic(ElemKind kind, float v, int shift, unsigned r) {
  const std::vector<GridPoint> &g = grid(kind);
  bool neg = std::signbit(v);
  double x = std::fabs(double(v));
  if (std::isfinite(x))
    x = std::ldexp(x, -shift);
  unsigned mag;
  if (x >= g.back().value) {
    mag = g.back().code;
  } else {
    size_t i = bracket(g, x);
    double lo = g[i].value, q = g[i + 1].value - lo;
    // frac + r/256 >= 1  <=>  (x - lo) * 256 >= (256 - r) * q; exact.
    mag = (x - lo) * 256.0 >= double(256 - r) * q ? g[i + 1].code : g[i].code;
  }
  return withSign(kind, mag, neg);
}

/// f32 inputs around every rounding decision of `kind` at `shift`: every
/// representable value and every midpoint between adjacent ones (and between
/// max and the next power of two), scaled by 2^shift, with the f32
/// neighbours up to 2 ulps away, both signs. Values not exact in f32 are
/// skipped.
inline std::vector<float> criticalInputs(ElemKind kind, int shift) {
  const std::vector<GridPoint> &g = grid(kind);
  std::vector<double> points;
  for (size_t i = 0; i < g.size(); ++i) {
    points.push_back(g[i].value);
    if (i + 1 < g.size())
      points.push_back((g[i].value + g[i + 1].value) / 2);
  }
  double top = std::ldexp(1.0, int(std::floor(std::log2(g.back().value))) + 1);
  points.push_back((g.back().value + top) / 2);
  points.push_back(top);
  std::vector<float> out;
  for (double p : points) {
    double scaled = std::ldexp(p, shift);
    float f = float(scaled);
    if (double(f) != scaled || !std::isfinite(f))
      continue;
    uint32_t b = bitsOf(f);
    for (int d = -2; d <= 2; ++d) {
      int64_t nb = int64_t(b) + d;
      if (nb < 0 || nb >= 0x7f800000)
        continue;
      out.push_back(fromBits(uint32_t(nb)));
      out.push_back(-fromBits(uint32_t(nb)));
    }
  }
  return out;
}

} // namespace oracle
} // namespace mxref

#endif // MX_UNITTESTS_NUMERICS_ORACLE_H
