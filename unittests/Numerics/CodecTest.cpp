//===- CodecTest.cpp - Element and scale codec tests ----------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Decode tables (all codes of every kind), encode against the brute-force
// oracle of Oracle.h over large f32 sweeps, the fast encodeElems path against
// encodeElem, stochastic rounding, E8M0/UE4M3 scale codecs and floor/ceil
// log2 (docs/Numerics.md §1-§4).
//
//===----------------------------------------------------------------------===//

#include "Oracle.h"

#include "mx/Numerics/Codec.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <vector>

using namespace mxref;

namespace {

/// Compares a float with an expected double bit for bit (NaN: any NaN).
::testing::AssertionResult sameFloat(float got, double want) {
  if (std::isnan(want)) {
    if (std::isnan(got))
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got " << got << ", want NaN";
  }
  float w = float(want);
  if (double(w) != want)
    return ::testing::AssertionFailure() << "expected value not exact in f32";
  if (floatBits(got) == floatBits(w))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got " << got << " (0x" << std::hex << floatBits(got) << "), want "
         << w << " (0x" << floatBits(w) << ")";
}

std::string kindName(ElemKind k) {
  return std::string(stringifyElemKind(k).str());
}

//===----------------------------------------------------------------------===//
// Decode tables
//===----------------------------------------------------------------------===//

TEST(CodecTest, E2M1DecodeTable) {
  const float expected[16] = {0,     0.5f,  1,  1.5f,  2,  3,  4,  6,
                              -0.0f, -0.5f, -1, -1.5f, -2, -3, -4, -6};
  for (unsigned c = 0; c < 16; ++c)
    EXPECT_EQ(floatBits(decodeElem(ElemKind::E2M1, c)), floatBits(expected[c]))
        << "code " << c;
}

// Positive E2M3 values, written out from the formula (bias 1, 3 mantissa
// bits): subnormals m/8 for e=0; (1+m/8)*2^(e-1) otherwise.
TEST(CodecTest, E2M3DecodeTable) {
  const float pos[32] = {0, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f, 0.75f, 0.875f,
                         1, 1.125f, 1.25f, 1.375f, 1.5f, 1.625f, 1.75f, 1.875f,
                         2, 2.25f,  2.5f,  2.75f,  3,    3.25f,  3.5f,  3.75f,
                         4, 4.5f,   5,     5.5f,   6,    6.5f,   7,     7.5f};
  for (unsigned c = 0; c < 32; ++c) {
    EXPECT_EQ(floatBits(decodeElem(ElemKind::E2M3, c)), floatBits(pos[c]))
        << "code " << c;
    EXPECT_EQ(floatBits(decodeElem(ElemKind::E2M3, c | 0x20)),
              floatBits(-pos[c]))
        << "code " << (c | 0x20);
  }
}

// Positive E3M2 values (bias 3, 2 mantissa bits): subnormals m/16; normals
// (1+m/4)*2^(e-3).
TEST(CodecTest, E3M2DecodeTable) {
  const float pos[32] = {
      0,    0.0625f, 0.125f, 0.1875f, 0.25f, 0.3125f, 0.375f, 0.4375f,
      0.5f, 0.625f,  0.75f,  0.875f,  1,     1.25f,   1.5f,   1.75f,
      2,    2.5f,    3,      3.5f,    4,     5,       6,      7,
      8,    10,      12,     14,      16,    20,      24,     28};
  for (unsigned c = 0; c < 32; ++c) {
    EXPECT_EQ(floatBits(decodeElem(ElemKind::E3M2, c)), floatBits(pos[c]))
        << "code " << c;
    EXPECT_EQ(floatBits(decodeElem(ElemKind::E3M2, c | 0x20)),
              floatBits(-pos[c]))
        << "code " << (c | 0x20);
  }
}

// Every code of every kind against the formula of Oracle.h.
TEST(CodecTest, AllKindsDecodeExhaustive) {
  for (ElemKind k : oracle::kAllKinds) {
    unsigned n = 1u << oracle::spec(k).bits;
    for (unsigned c = 0; c < n; ++c)
      EXPECT_TRUE(sameFloat(decodeElem(k, uint8_t(c)), oracle::decode(k, c)))
          << kindName(k) << " code " << c;
  }
}

TEST(CodecTest, DecodeSpotValues) {
  // E4M3: 0x7e = S.1111.110 = 1.75*2^8 = 448; 0x01 = 2^-9 (min subnormal);
  // 0x08 = 2^-6 (min normal); 0x07 = 7*2^-9; 0x7f/0xff NaN; 0x80 = -0.
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E4M3, 0x7e), 448));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E4M3, 0xfe), -448));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E4M3, 0x01), std::ldexp(1, -9)));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E4M3, 0x08), std::ldexp(1, -6)));
  EXPECT_TRUE(
      sameFloat(decodeElem(ElemKind::E4M3, 0x07), 7 * std::ldexp(1, -9)));
  EXPECT_TRUE(std::isnan(decodeElem(ElemKind::E4M3, 0x7f)));
  EXPECT_TRUE(std::isnan(decodeElem(ElemKind::E4M3, 0xff)));
  EXPECT_EQ(floatBits(decodeElem(ElemKind::E4M3, 0x80)), 0x80000000u);
  // E4M3 0x78 = S.1111.000 = 256 (a normal number, not Inf as in IEEE).
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E4M3, 0x78), 256));
  // E5M2: 0x7b = S.11110.11 = 1.75*2^15 = 57344; 0x7c Inf, 0x7d..0x7f NaN;
  // 0x01 = 2^-16; 0x04 = 2^-14.
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E5M2, 0x7b), 57344));
  EXPECT_EQ(floatBits(decodeElem(ElemKind::E5M2, 0x7c)), 0x7f800000u);
  EXPECT_EQ(floatBits(decodeElem(ElemKind::E5M2, 0xfc)), 0xff800000u);
  for (unsigned c : {0x7du, 0x7eu, 0x7fu, 0xfdu, 0xfeu, 0xffu})
    EXPECT_TRUE(std::isnan(decodeElem(ElemKind::E5M2, c))) << c;
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E5M2, 0x01), std::ldexp(1, -16)));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E5M2, 0x04), std::ldexp(1, -14)));
  // INT8: two's complement / 64; 0x80 = -128/64 = -2.0.
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::INT8, 0x80), -2.0));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::INT8, 0x7f), 1.984375));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::INT8, 0xff), -1.0 / 64));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::INT8, 0x40), 1.0));
  EXPECT_EQ(floatBits(decodeElem(ElemKind::INT8, 0x00)), 0u);
  // FP6 -0 codes.
  EXPECT_EQ(floatBits(decodeElem(ElemKind::E2M3, 0x20)), 0x80000000u);
  EXPECT_EQ(floatBits(decodeElem(ElemKind::E3M2, 0x20)), 0x80000000u);
}

// Kinds narrower than a byte use only the low bits of the code.
TEST(CodecTest, DecodeIgnoresHighBits) {
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E2M1, 0xf7), 6));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E2M1, 0x3f), -6));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E2M3, 0xdf), 7.5));
  EXPECT_TRUE(sameFloat(decodeElem(ElemKind::E3M2, 0xff), -28));
}

//===----------------------------------------------------------------------===//
// Scale decode
//===----------------------------------------------------------------------===//

TEST(CodecTest, E8M0DecodeAll256) {
  for (unsigned c = 0; c < 256; ++c) {
    float v = decodeScale(ScaleKind::E8M0, uint8_t(c));
    if (c == 0xff) {
      EXPECT_TRUE(std::isnan(v));
      EXPECT_TRUE(isNaNScale(ScaleKind::E8M0, uint8_t(c)));
      continue;
    }
    EXPECT_FALSE(isNaNScale(ScaleKind::E8M0, uint8_t(c))) << c;
    // 2^(c-127): for c >= 1 the f32 biased exponent is c, the mantissa 0;
    // c = 0 is the subnormal 2^-127 = 0x00400000.
    uint32_t want = c == 0 ? 0x00400000u : uint32_t(c) << 23;
    EXPECT_EQ(floatBits(v), want) << "code " << c;
  }
}

TEST(CodecTest, UE4M3DecodeAll256) {
  for (unsigned c = 0; c < 256; ++c) {
    float v = decodeScale(ScaleKind::UE4M3, uint8_t(c));
    unsigned low = c & 0x7f; // sign bit ignored
    EXPECT_EQ(isNaNScale(ScaleKind::UE4M3, uint8_t(c)), low == 0x7f) << c;
    if (low == 0x7f) {
      EXPECT_TRUE(std::isnan(v)) << c;
      continue;
    }
    unsigned e = low >> 3, m = low & 7;
    double want = e == 0 ? std::ldexp(double(m), -9)
                         : std::ldexp(1 + m / 8.0, int(e) - 7);
    EXPECT_TRUE(sameFloat(v, want)) << "code " << c;
  }
  // Hand values: 0x7e = 448, 0x40 = 2^(8-7) = 2, 0x3d = 1.625, 0x01 = 2^-9,
  // 0xc0 (sign set) = 2, 0x00 = 0.
  EXPECT_TRUE(sameFloat(decodeScale(ScaleKind::UE4M3, 0x7e), 448));
  EXPECT_TRUE(sameFloat(decodeScale(ScaleKind::UE4M3, 0x40), 2));
  EXPECT_TRUE(sameFloat(decodeScale(ScaleKind::UE4M3, 0x3d), 1.625));
  EXPECT_TRUE(sameFloat(decodeScale(ScaleKind::UE4M3, 0xc0), 2));
  EXPECT_TRUE(sameFloat(decodeScale(ScaleKind::UE4M3, 0x01), 1.0 / 512));
  EXPECT_EQ(floatBits(decodeScale(ScaleKind::UE4M3, 0x80)), 0u);
}

//===----------------------------------------------------------------------===//
// Scale encode
//===----------------------------------------------------------------------===//

TEST(CodecTest, E8M0RoundDownAndUp) {
  // Powers of two are exact both ways: 1 = 2^0 -> 127.
  EXPECT_EQ(encodeE8M0RoundDown(1.0f), 127);
  EXPECT_EQ(encodeE8M0RoundUp(1.0f), 127);
  // 3 = 1.5*2^1: down 2^1 (128), up 2^2 (129).
  EXPECT_EQ(encodeE8M0RoundDown(3.0f), 128);
  EXPECT_EQ(encodeE8M0RoundUp(3.0f), 129);
  // One ulp below 2: down 2^0, up 2^1.
  EXPECT_EQ(encodeE8M0RoundDown(bitsToFloat(0x3fffffff)), 127);
  EXPECT_EQ(encodeE8M0RoundUp(bitsToFloat(0x3fffffff)), 128);
  // 2^127 = 0xfe; FLT_MAX rounds down to 0xfe, and up to 2^128, which
  // saturates (satfinite) to 0xfe.
  EXPECT_EQ(encodeE8M0RoundDown(std::ldexp(1.0f, 127)), 0xfe);
  EXPECT_EQ(encodeE8M0RoundUp(std::ldexp(1.0f, 127)), 0xfe);
  EXPECT_EQ(encodeE8M0RoundDown(FLT_MAX), 0xfe);
  EXPECT_EQ(encodeE8M0RoundUp(FLT_MAX), 0xfe);
  // NaN and Inf give 0xff.
  EXPECT_EQ(encodeE8M0RoundDown(NAN), 0xff);
  EXPECT_EQ(encodeE8M0RoundUp(NAN), 0xff);
  EXPECT_EQ(encodeE8M0RoundDown(INFINITY), 0xff);
  EXPECT_EQ(encodeE8M0RoundUp(INFINITY), 0xff);
  // f32 subnormals: 2^-127 (0x00400000) is code 0 both ways; one ulp above
  // it rounds up to 2^-126 (code 1); below it, up gives 2^-127 (code 0).
  EXPECT_EQ(encodeE8M0RoundDown(bitsToFloat(0x00400000)), 0);
  EXPECT_EQ(encodeE8M0RoundUp(bitsToFloat(0x00400000)), 0);
  EXPECT_EQ(encodeE8M0RoundUp(bitsToFloat(0x00400001)), 1);
  EXPECT_EQ(encodeE8M0RoundDown(bitsToFloat(0x00400001)), 0);
  EXPECT_EQ(encodeE8M0RoundUp(bitsToFloat(0x003fffff)), 0);
  EXPECT_EQ(encodeE8M0RoundUp(bitsToFloat(0x00000001)), 0);
  EXPECT_EQ(encodeE8M0RoundDown(bitsToFloat(0x00000001)), 0);
  // 0 -> 0x00 (the smallest code, as APFloat does).
  EXPECT_EQ(encodeE8M0RoundDown(0.0f), 0);
  EXPECT_EQ(encodeE8M0RoundUp(0.0f), 0);
  // 2^-126 (min normal) = code 1; one ulp above rounds up to code 2.
  EXPECT_EQ(encodeE8M0RoundUp(bitsToFloat(0x00800000)), 1);
  EXPECT_EQ(encodeE8M0RoundUp(bitsToFloat(0x00800001)), 2);
}

TEST(CodecTest, E8M0RoundDownUpSweep) {
  // Against exact floor/ceil of log2 derived from the bits, for normal
  // positive f32 every 997th pattern.
  for (uint32_t b = 0x00800000; b < 0x7f800000; b += 997) {
    float v = bitsToFloat(b);
    int e = int(b >> 23) - 127;
    bool pow2 = (b & 0x7fffff) == 0;
    int up = pow2 ? e : e + 1;
    ASSERT_EQ(encodeE8M0RoundDown(v), uint8_t(e + 127)) << std::hex << b;
    ASSERT_EQ(encodeE8M0RoundUp(v), uint8_t(std::min(up + 127, 254)))
        << std::hex << b;
  }
}

TEST(CodecTest, UE4M3Encode) {
  // E4M3 RNE satfinite of |v|, sign clear.
  EXPECT_EQ(encodeUE4M3(448.0f), 0x7e);
  EXPECT_EQ(encodeUE4M3(-448.0f), 0x7e);
  EXPECT_EQ(encodeUE4M3(1e9f), 0x7e);     // saturates
  EXPECT_EQ(encodeUE4M3(INFINITY), 0x7e); // satfinite
  EXPECT_EQ(encodeUE4M3(NAN), 0x7f);
  EXPECT_EQ(encodeUE4M3(0.0f), 0x00);
  EXPECT_EQ(encodeUE4M3(-0.0f), 0x00);
  // 1.6666666 = 13.33 eighths in [1,2) -> 13 -> 1.625 = 0x38|5 = 0x3d.
  EXPECT_EQ(encodeUE4M3(10.0f / 6.0f), 0x3d);
  // 2^-10 is half the min subnormal 2^-9: tie to 0 (even).
  EXPECT_EQ(encodeUE4M3(std::ldexp(1.0f, -10)), 0x00);
  // 3*2^-10 = 1.5 subnormal quanta: tie to 2 quanta (even) = 0x02.
  EXPECT_EQ(encodeUE4M3(3 * std::ldexp(1.0f, -10)), 0x02);
  // 464 = midpoint of 448 and 480 (not representable): satfinite 448.
  EXPECT_EQ(encodeUE4M3(464.0f), 0x7e);
  for (uint32_t b = 0; b < 0x7f800000; b += 4093) {
    float v = bitsToFloat(b);
    ASSERT_EQ(encodeUE4M3(v), oracle::encode(ElemKind::E4M3, v, 0))
        << std::hex << b;
  }
}

//===----------------------------------------------------------------------===//
// floorLog2 / ceilLog2
//===----------------------------------------------------------------------===//

TEST(CodecTest, FloorCeilLog2) {
  // 7.9999995 = 0x40ffffff = (2 - 2^-23)*2^2: floor 2 (not 3), ceil 3.
  EXPECT_EQ(floorLog2(bitsToFloat(0x40ffffff)), 2);
  EXPECT_EQ(ceilLog2(bitsToFloat(0x40ffffff)), 3);
  EXPECT_EQ(floorLog2(8.0f), 3);
  EXPECT_EQ(ceilLog2(8.0f), 3);
  EXPECT_EQ(floorLog2(-8.0f), 3); // |x|
  // 0.24999999 = 0x3e7fffff: floor -3; 255.99998 = 0x437fffff: floor 7.
  EXPECT_EQ(floorLog2(bitsToFloat(0x3e7fffff)), -3);
  EXPECT_EQ(floorLog2(bitsToFloat(0x437fffff)), 7);
  EXPECT_EQ(floorLog2(FLT_MAX), 127);
  EXPECT_EQ(ceilLog2(FLT_MAX), 128);
  // Subnormals: 2^-149 (0x1), 2^-127 (0x400000), 0x7fffff < 2^-126.
  EXPECT_EQ(floorLog2(bitsToFloat(0x1)), -149);
  EXPECT_EQ(ceilLog2(bitsToFloat(0x1)), -149);
  EXPECT_EQ(floorLog2(bitsToFloat(0x3)), -148);
  EXPECT_EQ(ceilLog2(bitsToFloat(0x3)), -147);
  EXPECT_EQ(floorLog2(bitsToFloat(0x400000)), -127);
  EXPECT_EQ(floorLog2(bitsToFloat(0x7fffff)), -127);
  EXPECT_EQ(ceilLog2(bitsToFloat(0x7fffff)), -126);
  EXPECT_EQ(floorLog2(bitsToFloat(0x800000)), -126);
  // Sweep: exact against frexp in double.
  for (uint32_t b = 1; b < 0x7f800000; b += 7919) {
    float v = bitsToFloat(b);
    int ex;
    double fr = std::frexp(double(v), &ex); // v = fr * 2^ex, fr in [0.5,1)
    ASSERT_EQ(floorLog2(v), ex - 1) << std::hex << b;
    ASSERT_EQ(ceilLog2(v), fr == 0.5 ? ex - 1 : ex) << std::hex << b;
  }
}

//===----------------------------------------------------------------------===//
// Element encode: hand cases
//===----------------------------------------------------------------------===//

TEST(CodecTest, E2M1EncodeTiesAndNeighbours) {
  auto enc = [](float v) { return encodeElem(ElemKind::E2M1, v, 0); };
  auto up = [](float v) { return bitsToFloat(floatBits(v) + 1); };
  auto down = [](float v) { return bitsToFloat(floatBits(v) - 1); };
  // Midpoints and the even neighbour: 0.25 between 0 (c0) and 0.5 (c1) -> 0.
  EXPECT_EQ(enc(0.25f), 0x0);
  EXPECT_EQ(enc(up(0.25f)), 0x1);
  EXPECT_EQ(enc(down(0.25f)), 0x0);
  // 0.75 between 0.5 (c1, odd) and 1 (c2) -> c2.
  EXPECT_EQ(enc(0.75f), 0x2);
  EXPECT_EQ(enc(down(0.75f)), 0x1);
  // 1.25 between 1 (c2) and 1.5 (c3) -> c2; 1.75 between 1.5 and 2 -> c4.
  EXPECT_EQ(enc(1.25f), 0x2);
  EXPECT_EQ(enc(up(1.25f)), 0x3);
  EXPECT_EQ(enc(1.75f), 0x4);
  EXPECT_EQ(enc(down(1.75f)), 0x3);
  // 2.5 -> 2 (c4); 3.5 -> 4 (c6); 5 -> 4 (c6); 5+ulp -> 6 (c7).
  EXPECT_EQ(enc(2.5f), 0x4);
  EXPECT_EQ(enc(up(2.5f)), 0x5);
  EXPECT_EQ(enc(3.5f), 0x6);
  EXPECT_EQ(enc(down(3.5f)), 0x5);
  EXPECT_EQ(enc(5.0f), 0x6);
  EXPECT_EQ(enc(up(5.0f)), 0x7);
  // Above max saturates; Inf saturates; NaN is code 0 (no NaN in E2M1).
  EXPECT_EQ(enc(7.0f), 0x7);
  EXPECT_EQ(enc(1e30f), 0x7);
  EXPECT_EQ(enc(INFINITY), 0x7);
  EXPECT_EQ(enc(-INFINITY), 0xf);
  EXPECT_EQ(enc(NAN), 0x0);
  // Signs: -0 -> 0x8; -0.2 rounds to -0 -> 0x8; -2.5 -> -2 = 0xc.
  EXPECT_EQ(enc(-0.0f), 0x8);
  EXPECT_EQ(enc(-0.2f), 0x8);
  EXPECT_EQ(enc(-2.5f), 0xc);
  // shiftExp: 1792 * 2^-8 = 7 -> clips to 6.
  EXPECT_EQ(encodeElem(ElemKind::E2M1, 1792.0f, 8), 0x7);
  // 3 * 2^-200 with shift -127 is still far below 0.25 -> 0.
  EXPECT_EQ(encodeElem(ElemKind::E2M1, bitsToFloat(3), -127), 0x0);
  // 2^-149 * 2^150 would need shift -150; with shift -127: 2^-22 -> 0.
  EXPECT_EQ(encodeElem(ElemKind::E2M1, bitsToFloat(1), -127), 0x0);
  // FLT_MAX with shift 127: 1.99999988 -> nearest 2 (c4).
  EXPECT_EQ(encodeElem(ElemKind::E2M1, FLT_MAX, 127), 0x4);
}

TEST(CodecTest, E4M3E5M2EncodeSpecials) {
  // NaN gives the canonical NaN 0x7f for both FP8 kinds.
  EXPECT_EQ(encodeElem(ElemKind::E4M3, NAN), 0x7f);
  EXPECT_EQ(encodeElem(ElemKind::E5M2, NAN), 0x7f);
  EXPECT_EQ(encodeElem(ElemKind::E4M3, -NAN), 0x7f);
  // satfinite: Inf and overflow give +-max (never NaN/Inf).
  EXPECT_EQ(encodeElem(ElemKind::E4M3, INFINITY), 0x7e);
  EXPECT_EQ(encodeElem(ElemKind::E4M3, -INFINITY), 0xfe);
  EXPECT_EQ(encodeElem(ElemKind::E5M2, INFINITY), 0x7b);
  EXPECT_EQ(encodeElem(ElemKind::E5M2, -INFINITY), 0xfb);
  // 480 (would be 0x7f = NaN in E4M3) saturates to 448.
  EXPECT_EQ(encodeElem(ElemKind::E4M3, 480.0f), 0x7e);
  // 61440 = 1.875*2^15 > 57344 -> 0x7b.
  EXPECT_EQ(encodeElem(ElemKind::E5M2, 61440.0f), 0x7b);
  // E4M3 3.3 -> quanta 0.25 in [2,4): 13.2 -> 13 -> 3.25 = e8 m5 = 0x45.
  EXPECT_EQ(encodeElem(ElemKind::E4M3, 3.3f), 0x45);
  // E4M3 subnormal: 3*2^-10 = 1.5 quanta of 2^-9 -> tie -> 2 = 0x02.
  EXPECT_EQ(encodeElem(ElemKind::E4M3, 3 * std::ldexp(1.0f, -10)), 0x02);
  // E5M2 -0 -> 0x80.
  EXPECT_EQ(encodeElem(ElemKind::E5M2, -0.0f), 0x80);
}

TEST(CodecTest, Int8EncodeHandCases) {
  auto enc = [](float v) { return encodeElem(ElemKind::INT8, v, 0); };
  // v*64 RNE, clamp to [-127,127]; no -0.
  EXPECT_EQ(enc(1.0f), 0x40);
  EXPECT_EQ(enc(-1.0f), 0xc0);
  EXPECT_EQ(enc(0.5078125f), 0x20);  // 32.5 -> 32 (even)
  EXPECT_EQ(enc(0.5234375f), 0x22);  // 33.5 -> 34 (even)
  EXPECT_EQ(enc(-0.5234375f), 0xde); // -34 = 0xde
  EXPECT_EQ(enc(1.9921875f), 0x7f);  // 127.5 -> 128 -> clamp 127
  EXPECT_EQ(enc(-2.0f), 0x81);       // symmetric clamp: -127, not 0x80
  EXPECT_EQ(enc(-100.0f), 0x81);
  EXPECT_EQ(enc(-0.0f), 0x00);
  EXPECT_EQ(enc(-1.0f / 128), 0x00); // -0.5 -> 0, no -0
  EXPECT_EQ(enc(-3.0f / 128), 0xfe); // -1.5 -> -2
  EXPECT_EQ(enc(INFINITY), 0x7f);
  EXPECT_EQ(enc(-INFINITY), 0x81);
  EXPECT_EQ(enc(NAN), 0x00);
}

TEST(CodecTest, FP6EncodeSpecials) {
  EXPECT_EQ(encodeElem(ElemKind::E2M3, NAN), 0x00);
  EXPECT_EQ(encodeElem(ElemKind::E3M2, NAN), 0x00);
  EXPECT_EQ(encodeElem(ElemKind::E2M3, -INFINITY), 0x3f);
  EXPECT_EQ(encodeElem(ElemKind::E3M2, INFINITY), 0x1f);
  EXPECT_EQ(encodeElem(ElemKind::E2M3, -0.0f), 0x20);
  EXPECT_EQ(encodeElem(ElemKind::E3M2, -0.0f), 0x20);
  // E2M3: 7.75 = midpoint of 7.5 and 8 -> saturate 7.5 (0x1f).
  EXPECT_EQ(encodeElem(ElemKind::E2M3, 7.75f), 0x1f);
  // E2M3: 0.0625 = half of 0.125: tie -> 0.
  EXPECT_EQ(encodeElem(ElemKind::E2M3, 0.0625f), 0x00);
  // E3M2: 30 > 28 -> 0x1f; 0.09375 = 1.5 * 2^-4 -> tie -> 2*2^-4 = 0x02.
  EXPECT_EQ(encodeElem(ElemKind::E3M2, 30.0f), 0x1f);
  EXPECT_EQ(encodeElem(ElemKind::E3M2, 0.09375f), 0x02);
}

//===----------------------------------------------------------------------===//
// Element encode: oracle sweeps
//===----------------------------------------------------------------------===//

const int kSweepShifts[] = {0,   1,   -1,   5,   -9,   30,
                            -30, 100, -100, 126, -127, 127};

// encodeElem against the brute-force oracle: every 4093rd f32 pattern (both
// signs, NaN excluded) and every critical input, at several shifts.
TEST(CodecTest, EncodeMatchesOracleSweep) {
  for (ElemKind k : oracle::kAllKinds) {
    for (int shift : kSweepShifts) {
      unsigned failures = 0;
      auto check = [&](float v) {
        uint8_t got = encodeElem(k, v, shift);
        uint8_t want = oracle::encode(k, v, shift);
        if (got != want && failures++ < 10)
          ADD_FAILURE() << kindName(k) << " shift " << shift << " v=" << v
                        << " (0x" << std::hex << floatBits(v) << ") got 0x"
                        << unsigned(got) << " want 0x" << unsigned(want);
      };
      for (uint64_t b = 0; b < 0x100000000ull; b += 4093) {
        float v = bitsToFloat(uint32_t(b));
        if (!std::isnan(v))
          check(v);
      }
      for (float v : oracle::criticalInputs(k, shift))
        check(v);
      check(INFINITY);
      check(-INFINITY);
      check(FLT_MAX);
      check(-FLT_MAX);
      EXPECT_EQ(failures, 0u) << kindName(k) << " shift " << shift;
    }
  }
}

// Same, at every power-of-two pattern stride (low mantissa bits clear).
TEST(CodecTest, EncodeMatchesOraclePow2Stride) {
  for (ElemKind k : oracle::kAllKinds) {
    unsigned failures = 0;
    for (uint64_t b = 0; b < 0x100000000ull; b += 1u << 12) {
      float v = bitsToFloat(uint32_t(b));
      if (std::isnan(v))
        continue;
      for (int shift : {0, 3, -3}) {
        uint8_t got = encodeElem(k, v, shift);
        uint8_t want = oracle::encode(k, v, shift);
        if (got != want && failures++ < 10)
          ADD_FAILURE() << kindName(k) << " shift " << shift << " bits 0x"
                        << std::hex << b << " got 0x" << unsigned(got)
                        << " want 0x" << unsigned(want);
      }
    }
    EXPECT_EQ(failures, 0u) << kindName(k);
  }
}

// The fast path of encodeElems against encodeElem for every shift in
// [-127, 127], NaN included.
TEST(CodecTest, EncodeElemsMatchesEncodeElem) {
  for (ElemKind k : oracle::kAllKinds) {
    unsigned failures = 0;
    for (int shift = -127; shift <= 127; ++shift) {
      std::vector<float> in;
      for (uint64_t b = 0; b < 0x100000000ull; b += 65521)
        in.push_back(bitsToFloat(uint32_t(b)));
      for (float v : oracle::criticalInputs(k, shift))
        in.push_back(v);
      for (float v :
           {0.0f, -0.0f, INFINITY, -INFINITY, NAN, -NAN, FLT_MAX, -FLT_MAX,
            bitsToFloat(1), bitsToFloat(0x80000001), FLT_MIN, -FLT_MIN})
        in.push_back(v);
      std::vector<uint8_t> out(in.size());
      encodeElems(k, in.data(), out.data(), int64_t(in.size()), 1, shift,
                  nullptr);
      for (size_t i = 0; i < in.size(); ++i) {
        uint8_t want = encodeElem(k, in[i], shift);
        if (out[i] != want && failures++ < 10)
          ADD_FAILURE() << kindName(k) << " shift " << shift << " bits 0x"
                        << std::hex << floatBits(in[i]) << " fast 0x"
                        << unsigned(out[i]) << " ref 0x" << unsigned(want);
      }
    }
    EXPECT_EQ(failures, 0u) << kindName(k);
  }
}

TEST(CodecTest, EncodeElemsStrideAndRandomBytes) {
  // Stride 3: only every third slot is read and written.
  const float in[9] = {1.0f, 99, 99, 2.5f, 99, 99, -0.2f, 99, 99};
  uint8_t out[9];
  std::fill(out, out + 9, 0xaa);
  encodeElems(ElemKind::E2M1, in, out, 3, 3, 0, nullptr);
  EXPECT_EQ(out[0], 0x2);
  EXPECT_EQ(out[3], 0x4);
  EXPECT_EQ(out[6], 0x8);
  for (int i : {1, 2, 4, 5, 7, 8})
    EXPECT_EQ(out[i], 0xaa) << i;
  // With random bytes (read at the same stride): equals encodeElemStochastic.
  const uint8_t rnd[9] = {0, 0, 0, 255, 0, 0, 200, 0, 0};
  encodeElems(ElemKind::E2M1, in, out, 3, 3, 0, rnd);
  EXPECT_EQ(out[0], 0x2); // exact
  EXPECT_EQ(out[3], 0x5); // 2.5: frac 0.5 + 255/256 >= 1 -> 3
  // -0.2 is 0.4 subnormal quanta (0.5); 0.4 + 200/256 = 1.18 >= 1 -> -0.5.
  EXPECT_EQ(out[6], 0x9);
}

//===----------------------------------------------------------------------===//
// Stochastic rounding
//===----------------------------------------------------------------------===//

TEST(CodecTest, StochasticZeroByteTruncates) {
  // With r = 0 the rule floor(|x|/q + 0) is truncation toward zero.
  for (ElemKind k : oracle::kAllKinds) {
    const std::vector<oracle::GridPoint> &g = oracle::grid(k);
    for (int shift : {0, -4, 7}) {
      for (float v : oracle::criticalInputs(k, shift)) {
        double x = std::ldexp(std::fabs(double(v)), -shift);
        unsigned mag;
        if (x >= g.back().value)
          mag = g.back().code;
        else
          mag = g[oracle::bracket(g, x)].code;
        uint8_t want = oracle::withSign(k, mag, std::signbit(v));
        ASSERT_EQ(encodeElemStochastic(k, v, shift, 0), want)
            << kindName(k) << " v=" << v << " shift " << shift;
      }
    }
  }
}

TEST(CodecTest, StochasticMatchesRule) {
  for (ElemKind k : oracle::kAllKinds) {
    unsigned failures = 0;
    for (int shift : {0, 2, -5}) {
      std::vector<float> in = oracle::criticalInputs(k, shift);
      for (uint64_t b = 0; b < 0x100000000ull; b += 1048573)
        if (!std::isnan(bitsToFloat(uint32_t(b))))
          in.push_back(bitsToFloat(uint32_t(b)));
      // Quarter points between grid values: frac exactly 0.25 and 0.75.
      const std::vector<oracle::GridPoint> &g = oracle::grid(k);
      for (size_t i = 0; i + 1 < g.size(); ++i)
        for (double f : {0.25, 0.75, 0.125}) {
          double p = g[i].value + f * (g[i + 1].value - g[i].value);
          in.push_back(float(std::ldexp(p, shift)));
        }
      for (float v : in)
        for (unsigned r = 0; r < 256; ++r) {
          uint8_t got = encodeElemStochastic(k, v, shift, uint8_t(r));
          uint8_t want = oracle::encodeStochastic(k, v, shift, r);
          if (got != want && failures++ < 10)
            ADD_FAILURE() << kindName(k) << " v=" << v << " shift " << shift
                          << " r=" << r << " got 0x" << std::hex
                          << unsigned(got) << " want 0x" << unsigned(want);
        }
    }
    EXPECT_EQ(failures, 0u) << kindName(k);
  }
}

TEST(CodecTest, StochasticQuarterRoundsUpForBytesFrom192) {
  // A fraction of 0.25 of a quantum rounds up iff 0.25 + r/256 >= 1, i.e.
  // exactly for r >= 192.
  struct Case {
    ElemKind kind;
    float v;
    uint8_t down, up;
  } cases[] = {
      // E2M1: 1.125 = 1 + 0.25*0.5 -> 1.0 (c2) or 1.5 (c3).
      {ElemKind::E2M1, 1.125f, 0x2, 0x3},
      {ElemKind::E2M1, -1.125f, 0xa, 0xb},
      // E2M1 subnormal: 0.125 = 0.25 * 0.5 -> 0 or 0.5.
      {ElemKind::E2M1, 0.125f, 0x0, 0x1},
      // E4M3: 1 + 2^-5 = 1 + 0.25*2^-3 -> 0x38 or 0x39.
      {ElemKind::E4M3, 1.03125f, 0x38, 0x39},
      // E5M2: 1 + 2^-4 = 1 + 0.25*2^-2 -> 0x3c or 0x3d.
      {ElemKind::E5M2, 1.0625f, 0x3c, 0x3d},
      // E2M3: 1 + 2^-5 -> 0x08 or 0x09; E3M2: 1 + 2^-4 -> 0x0c or 0x0d.
      {ElemKind::E2M3, 1.03125f, 0x08, 0x09},
      {ElemKind::E3M2, 1.0625f, 0x0c, 0x0d},
      // INT8: 10.25/64 -> 10 or 11; negative -> -10 (0xf6) or -11 (0xf5).
      {ElemKind::INT8, 10.25f / 64, 0x0a, 0x0b},
      {ElemKind::INT8, -10.25f / 64, 0xf6, 0xf5},
  };
  for (const Case &c : cases)
    for (unsigned r = 0; r < 256; ++r)
      EXPECT_EQ(encodeElemStochastic(c.kind, c.v, 0, uint8_t(r)),
                r >= 192 ? c.up : c.down)
          << kindName(c.kind) << " v=" << c.v << " r=" << r;
}

TEST(CodecTest, StochasticSaturatesAndSpecials) {
  for (unsigned r : {0u, 128u, 255u}) {
    // E2M1 5.9 is in [4,6) with quantum 2: up gives 6 = max.
    EXPECT_EQ(encodeElemStochastic(ElemKind::E2M1, 5.9f, 0, r),
              r == 0 ? 0x6 : 0x7);
    // 6.5 > max: saturates whatever r is.
    EXPECT_EQ(encodeElemStochastic(ElemKind::E2M1, 6.5f, 0, r), 0x7);
    EXPECT_EQ(encodeElemStochastic(ElemKind::E2M1, -INFINITY, 0, r), 0xf);
    // E4M3 447 = 416 + 31/32 of the quantum 32: up iff r >= 8.
    EXPECT_EQ(encodeElemStochastic(ElemKind::E4M3, 447.0f, 0, r),
              r >= 8 ? 0x7e : 0x7d);
    // INT8: 127.5/64 with any r >= 128 gives 128 -> clamp 127.
    EXPECT_EQ(encodeElemStochastic(ElemKind::INT8, 127.5f / 64, 0, r), 0x7f);
    // Exact values never move.
    EXPECT_EQ(encodeElemStochastic(ElemKind::E2M1, 3.0f, 0, r), 0x5);
    EXPECT_EQ(encodeElemStochastic(ElemKind::E2M1, -0.0f, 0, r), 0x8);
    EXPECT_EQ(encodeElemStochastic(ElemKind::INT8, -0.0f, 0, r), 0x00);
    EXPECT_EQ(encodeElemStochastic(ElemKind::E4M3, NAN, 0, r), 0x7f);
  }
  // Determinism: the same inputs give the same code.
  for (unsigned r = 0; r < 256; ++r)
    EXPECT_EQ(encodeElemStochastic(ElemKind::E2M3, 1.3f, 1, r),
              encodeElemStochastic(ElemKind::E2M3, 1.3f, 1, r));
}

} // namespace
