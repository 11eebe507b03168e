//===- QuantizeTest.cpp - OCP MX block quantization tests -----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Hand-computed OCP MX cases (docs/Numerics.md §2) for every E8M0 format
// and scale mode, every edge category, round-trip and monotonicity
// properties, and convert == quantize(dequantize(x)).
//
//===----------------------------------------------------------------------===//

#include "Oracle.h"

#include "mx/Numerics/Codec.h"
#include "mx/Numerics/Quantize.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <random>
#include <vector>

using namespace mxref;

namespace {

Format preset(const char *name) {
  std::optional<Format> f = lookupPreset(name);
  EXPECT_TRUE(f.has_value()) << name;
  return f.value_or(Format());
}

/// Quantizes one 32-element block: `head` followed by zeros.
QuantizedTensor quantizeBlock(const char *fmt, ScaleMode mode,
                              std::vector<float> head) {
  head.resize(32, 0.0f);
  QuantOptions opts;
  opts.scaleMode = mode;
  llvm::Expected<QuantizedTensor> q =
      quantize(head, {32}, {32}, preset(fmt), opts);
  if (!q) {
    ADD_FAILURE() << llvm::toString(q.takeError());
    return QuantizedTensor();
  }
  return std::move(*q);
}

struct Expect {
  unsigned elem;    // index in the block
  uint8_t code;     // element code
  uint32_t decoded; // f32 bits of the decoded value
};

void checkBlock(const char *fmt, ScaleMode mode, std::vector<float> head,
                uint8_t scale, std::vector<Expect> expects) {
  SCOPED_TRACE(std::string(fmt) + " " + stringifyScaleMode(mode).str());
  QuantizedTensor q = quantizeBlock(fmt, mode, head);
  ASSERT_EQ(q.scales.size(), 1u);
  EXPECT_EQ(q.scales[0], scale);
  std::vector<float> d = dequantize(q);
  for (const Expect &e : expects) {
    EXPECT_EQ(q.elements[e.elem], e.code) << "element " << e.elem;
    EXPECT_EQ(floatBits(d[e.elem]), e.decoded) << "element " << e.elem;
    EXPECT_EQ(floatBits(dequantizeElement(q, e.elem)), e.decoded);
  }
}

uint32_t fb(float f) { return floatBits(f); }

//===----------------------------------------------------------------------===//
// Hand-computed cases, format by format
//===----------------------------------------------------------------------===//

TEST(QuantizeTest, Mxfp4AllModes) {
  // floor: amax 1792 = 1.75*2^10 -> X = 10 - 2 = 8 -> code 127+8 = 0x87;
  // 1792/256 = 7 clips to 6 (c7) -> 1536. 100/256 = 0.390625 -> nearest 0.5
  // (c1) -> 128.
  checkBlock("mxfp4", ScaleMode::Floor, {1792, 100}, 0x87,
             {{0, 0x7, fb(1536)}, {1, 0x1, fb(128)}});
  // ceil: ceil(log2 1792) = 11 -> X = 9 -> 0x88; 1792/512 = 3.5 ties between
  // 3 (c5, odd) and 4 (c6) -> 4 -> 2048. 100/512 = 0.195 -> 0.
  checkBlock("mxfp4", ScaleMode::Ceil, {1792, 100}, 0x88,
             {{0, 0x6, fb(2048)}, {1, 0x0, fb(0)}});
  // even: mantissa 1.75 rounds up at 1 mantissa bit (+0.25 carries) ->
  // exponent 11 -> X = 9 -> same as ceil.
  checkBlock("mxfp4", ScaleMode::Even, {1792, 100}, 0x88, {{0, 0x6, fb(2048)}});
  // even: 1664 = 1.625*2^10 does not carry -> X = 8; 1664/256 = 6.5 -> 6.
  checkBlock("mxfp4", ScaleMode::Even, {1664}, 0x87, {{0, 0x7, fb(1536)}});
  // rceil: descale = f32(1792 * f32(1/6)) ~ 298.67 -> up to 512 = 2^9 ->
  // 0x88.
  checkBlock("mxfp4", ScaleMode::RCeil, {1792}, 0x88, {{0, 0x6, fb(2048)}});
  // rceil: amax 6: f32(1/6) = 11184811*2^-26, 6*that = 1 + 2^-25 -> f32 1.0
  // exactly (below half an ulp) -> X = 0 -> 0x7f; 6 -> c7.
  checkBlock("mxfp4", ScaleMode::RCeil, {6, -1.5f}, 0x7f,
             {{0, 0x7, fb(6)}, {1, 0xb, fb(-1.5f)}});
  // rceil: amax 7 -> descale 1.1667 -> 2 -> X = 1 -> 0x80; 7/2 = 3.5 ->
  // 4 (c6) -> 8. floor on the same block: X = 0, 7 clips to 6.
  checkBlock("mxfp4", ScaleMode::RCeil, {7}, 0x80, {{0, 0x6, fb(8)}});
  checkBlock("mxfp4", ScaleMode::Floor, {7}, 0x7f, {{0, 0x7, fb(6)}});
}

TEST(QuantizeTest, Mxfp8E4M3AllModes) {
  // floor: amax 500 in [256,512) -> X = 8 - 8 = 0 -> 0x7f; 500 > 448 ->
  // 0x7e (448). 3.3: quantum 0.25 in [2,4): 13.2 -> 13 -> 3.25, code
  // e=1+7=8, m=5 -> 0x45. -0.001: 2^-10 < 0.001 < 2^-9 (0.00195): nearest
  // 2^-9 (0x81) since 0.001 > 2^-10 -> -0.001953125.
  checkBlock(
      "mxfp8_e4m3", ScaleMode::Floor, {500, 3.3f, -0.001f}, 0x7f,
      {{0, 0x7e, fb(448)}, {1, 0x45, fb(3.25f)}, {2, 0x81, fb(-0.001953125f)}});
  // ceil: ceil(log2 500) = 9 -> X = 1 -> 0x80; 250: quantum 16 in
  // [128,256): 15.625 -> 16 -> 256 = e15 m0 = 0x78 -> 512. 3.3/2 = 1.65:
  // quantum 1/8: 13.2 -> 13 -> 1.625 = 0x3d -> 3.25.
  checkBlock("mxfp8_e4m3", ScaleMode::Ceil, {500, 3.3f}, 0x80,
             {{0, 0x78, fb(512)}, {1, 0x3d, fb(3.25f)}});
  // even: 500 = 1.953125*2^8 >= 1.9375 -> carries -> X = 1.
  checkBlock("mxfp8_e4m3", ScaleMode::Even, {500}, 0x80, {{0, 0x78, fb(512)}});
  // even: 480 = 1.875*2^8 -> no carry -> X = 0; 480 -> 448.
  checkBlock("mxfp8_e4m3", ScaleMode::Even, {480}, 0x7f, {{0, 0x7e, fb(448)}});
  // rceil: 500/448 > 1 -> 2 -> X = 1.
  checkBlock("mxfp8_e4m3", ScaleMode::RCeil, {500}, 0x80, {{0, 0x78, fb(512)}});
  // amax 300: floor X = 0 (0x7f); ceil 9 - 8 = 1 (0x80); rceil 300/448 =
  // 0.67 -> 1 -> X = 0 (0x7f); even 1.171875 no carry -> 0x7f.
  // 300 at X = 0: quantum 32 in [256,512): 9.375 -> 9 -> 288 = e15 m1 = 0x79.
  checkBlock("mxfp8_e4m3", ScaleMode::Floor, {300}, 0x7f, {{0, 0x79, fb(288)}});
  checkBlock("mxfp8_e4m3", ScaleMode::RCeil, {300}, 0x7f, {{0, 0x79, fb(288)}});
  checkBlock("mxfp8_e4m3", ScaleMode::Even, {300}, 0x7f, {{0, 0x79, fb(288)}});
  // ceil: 150 at quantum 16: 9.375 -> 9 -> 144 = e14 m1 = 0x71 -> 288.
  checkBlock("mxfp8_e4m3", ScaleMode::Ceil, {300}, 0x80, {{0, 0x71, fb(288)}});
}

TEST(QuantizeTest, Mxfp8E5M2AllModes) {
  // floor: 61440 = 1.875*2^15 -> X = 15 - 15 = 0 -> 0x7f; > 57344 -> 0x7b.
  checkBlock("mxfp8_e5m2", ScaleMode::Floor, {61440, -3}, 0x7f,
             {{0, 0x7b, fb(57344)}, {1, 0xc2, fb(-3)}});
  // ceil: X = 1 -> 0x80; 30720 = 1.875*2^14, quantum 2^12: 7.5 -> tie 7
  // (odd) / 8 -> 32768 = e30 m0 = 0x78 -> 65536. -3/2 = -1.5 = e15 m2 =
  // 0xbe -> -3.
  checkBlock("mxfp8_e5m2", ScaleMode::Ceil, {61440, -3}, 0x80,
             {{0, 0x78, fb(65536)}, {1, 0xbe, fb(-3)}});
  // even: 0.875 + 0.125 carries -> X = 1; 57344 (1.75) does not -> X = 0.
  checkBlock("mxfp8_e5m2", ScaleMode::Even, {61440}, 0x80,
             {{0, 0x78, fb(65536)}});
  checkBlock("mxfp8_e5m2", ScaleMode::Even, {57344}, 0x7f,
             {{0, 0x7b, fb(57344)}});
  // rceil: 61440/57344 > 1 -> 2 -> 0x80. 40000: rceil 0.698 -> 1 -> 0x7f;
  // ceil: 2^15 < 40000 < 2^16 -> X = 1 -> 0x80; floor 0x7f.
  checkBlock("mxfp8_e5m2", ScaleMode::RCeil, {61440}, 0x80,
             {{0, 0x78, fb(65536)}});
  // 40000 at X = 0: quantum 8192 in [32768,65536): 4.88 -> 5 -> 40960 =
  // e30 m1 = 0x79.
  checkBlock("mxfp8_e5m2", ScaleMode::RCeil, {40000}, 0x7f,
             {{0, 0x79, fb(40960)}});
  // ceil: 20000 at quantum 4096: 4.88 -> 5 -> 20480 = e29 m1 = 0x75 ->
  // 40960.
  checkBlock("mxfp8_e5m2", ScaleMode::Ceil, {40000}, 0x80,
             {{0, 0x75, fb(40960)}});
}

TEST(QuantizeTest, Mxfp6E2M3AllModes) {
  // floor: 7.75 = 1.9375*2^2 -> X = 0 -> 0x7f; > 7.5 -> 0x1f. 0.3: quantum
  // 1/8 (subnormal): 2.4 -> 2 -> 0.25 = 0x02.
  checkBlock("mxfp6_e2m3", ScaleMode::Floor, {7.75f, 0.3f}, 0x7f,
             {{0, 0x1f, fb(7.5f)}, {1, 0x02, fb(0.25f)}});
  // ceil: X = 1; 3.875 at quantum 0.25: 15.5 -> tie 15 (odd) / 16 -> 4 =
  // e3 m0 = 0x18 -> 8. 0.15 at quantum 1/8: 1.2 -> 1 -> 0x01 -> 0.25.
  checkBlock("mxfp6_e2m3", ScaleMode::Ceil, {7.75f, 0.3f}, 0x80,
             {{0, 0x18, fb(8)}, {1, 0x01, fb(0.25f)}});
  // even: 0.9375 + 0.0625 carries -> X = 1; 7.5 (1.875) does not.
  checkBlock("mxfp6_e2m3", ScaleMode::Even, {7.75f}, 0x80, {{0, 0x18, fb(8)}});
  checkBlock("mxfp6_e2m3", ScaleMode::Even, {7.5f}, 0x7f,
             {{0, 0x1f, fb(7.5f)}});
  // rceil: 7.75 * f32(1/7.5) > 1 -> X = 1.
  checkBlock("mxfp6_e2m3", ScaleMode::RCeil, {7.75f}, 0x80, {{0, 0x18, fb(8)}});
  // rceil: 7.5 * f32(1/7.5): f32(2/15) = 0x3e088889 = 8947849*2^-26;
  // 7.5*8947849 = 67108867.5 -> *2^-26 = 1 + 3.5*2^-26 -> f32 1.0 -> X = 0.
  checkBlock("mxfp6_e2m3", ScaleMode::RCeil, {7.5f}, 0x7f,
             {{0, 0x1f, fb(7.5f)}});
}

TEST(QuantizeTest, Mxfp6E3M2AllModes) {
  // floor: 30 = 1.875*2^4 -> X = 0 -> 0x7f; > 28 -> 0x1f. -0.1: quantum
  // 1/16 (subnormal): 1.6 -> 2 -> -0.125 = 0x22.
  checkBlock("mxfp6_e3m2", ScaleMode::Floor, {30, -0.1f}, 0x7f,
             {{0, 0x1f, fb(28)}, {1, 0x22, fb(-0.125f)}});
  // ceil: X = 1; 15 at quantum 2: 7.5 -> tie -> 8 -> 16 = e7 m0 = 0x1c ->
  // 32. -0.05 at quantum 1/16: 0.8 -> 1 -> 0x21 -> -0.125.
  checkBlock("mxfp6_e3m2", ScaleMode::Ceil, {30, -0.1f}, 0x80,
             {{0, 0x1c, fb(32)}, {1, 0x21, fb(-0.125f)}});
  checkBlock("mxfp6_e3m2", ScaleMode::Even, {30}, 0x80, {{0, 0x1c, fb(32)}});
  checkBlock("mxfp6_e3m2", ScaleMode::Even, {28}, 0x7f, {{0, 0x1f, fb(28)}});
  checkBlock("mxfp6_e3m2", ScaleMode::RCeil, {30}, 0x80, {{0, 0x1c, fb(32)}});
  // 20 = 1.25*2^4: floor/even X = 0 (20 = e7 m1 = 0x1d); rceil 20/28 -> 1
  // -> X = 0; ceil log2 20 = 5 -> X = 1 -> 10 = e6 m1 = 0x19 -> 20.
  checkBlock("mxfp6_e3m2", ScaleMode::Floor, {20}, 0x7f, {{0, 0x1d, fb(20)}});
  checkBlock("mxfp6_e3m2", ScaleMode::RCeil, {20}, 0x7f, {{0, 0x1d, fb(20)}});
  checkBlock("mxfp6_e3m2", ScaleMode::Ceil, {20}, 0x80, {{0, 0x19, fb(20)}});
}

TEST(QuantizeTest, MxInt8Modes) {
  // floor: 1.9921875 = 255/128 -> floor log2 = 0 -> X = 0 -> 0x7f; *64 =
  // 127.5 -> 128 -> clamp 127 -> 1.984375. 0.5078125*64 = 32.5 -> 32 ->
  // 0x20 -> 0.5. -0.5234375*64 = -33.5 -> -34 = 0xde -> -0.53125.
  checkBlock("mxint8", ScaleMode::Floor, {1.9921875f, 0.5078125f, -0.5234375f},
             0x7f,
             {{0, 0x7f, fb(1.984375f)},
              {1, 0x20, fb(0.5f)},
              {2, 0xde, fb(-0.53125f)}});
  // ceil: X = 1 -> 0x80; 0.99609375*64 = 63.75 -> 64 -> 0x40 -> 2.0.
  // 0.25390625*64 = 16.25 -> 16 -> 0x10 -> 0.5.
  checkBlock("mxint8", ScaleMode::Ceil, {1.9921875f, 0.5078125f}, 0x80,
             {{0, 0x40, fb(2.0f)}, {1, 0x10, fb(0.5f)}});
  // rceil: 1.9921875 * f32(64/127) > 1 -> X = 1.
  checkBlock("mxint8", ScaleMode::RCeil, {1.9921875f}, 0x80,
             {{0, 0x40, fb(2.0f)}});
  // -2.0: floor X = 1 -> -1 * 64 = -64 = 0xc0 -> -2.
  checkBlock("mxint8", ScaleMode::Floor, {-2.0f}, 0x80, {{0, 0xc0, fb(-2.0f)}});
  // amax 100 = 1.5625*2^6: floor X = 6 -> 0x85; 100/64*64 = 100 = 0x64.
  // -0.25 at X = 6: -0.25/64 * 64 = -0.25 quanta -> 0 (no -0) -> +0.
  checkBlock("mxint8", ScaleMode::Floor, {100, -0.25f}, 0x85,
             {{0, 0x64, fb(100)}, {1, 0x00, fb(0)}});
}

//===----------------------------------------------------------------------===//
// Edge categories
//===----------------------------------------------------------------------===//

const ScaleMode kOcpModes[] = {ScaleMode::Floor, ScaleMode::Ceil,
                               ScaleMode::Even, ScaleMode::RCeil};
const char *const kMxPresets[] = {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e2m3",
                                  "mxfp6_e3m2", "mxfp4",      "mxint8"};

bool modeAllowed(const char *fmt, ScaleMode m) {
  return !checkScaleMode(preset(fmt), m).has_value();
}

TEST(QuantizeTest, AllZeroBlock) {
  // amax 0: X = -127 -> code 0x00 in every mode (rceil: descale 0 -> 0x00;
  // even: 0 + half-ulp has exponent field 0 -> clamps to -127).
  for (const char *fmt : kMxPresets)
    for (ScaleMode m : kOcpModes) {
      if (!modeAllowed(fmt, m))
        continue;
      SCOPED_TRACE(std::string(fmt) + " " + stringifyScaleMode(m).str());
      QuantizedTensor q = quantizeBlock(fmt, m, {});
      EXPECT_EQ(q.scales[0], 0x00);
      for (uint8_t c : q.elements)
        EXPECT_EQ(c, 0x00);
      for (float v : dequantize(q))
        EXPECT_EQ(floatBits(v), 0u);
      // All -0: codes keep the sign (INT8 has no -0), decodes to -0.
      std::vector<float> negZero(32, -0.0f);
      QuantizedTensor qn = quantizeBlock(fmt, m, negZero);
      EXPECT_EQ(qn.scales[0], 0x00);
      bool isInt = std::string(fmt) == "mxint8";
      uint8_t want = isInt                                     ? 0x00
                     : std::string(fmt) == "mxfp4"             ? 0x08
                     : std::string(fmt).rfind("mxfp6", 0) == 0 ? 0x20
                                                               : 0x80;
      for (uint8_t c : qn.elements)
        EXPECT_EQ(c, want);
      for (float v : dequantize(qn))
        EXPECT_EQ(floatBits(v), isInt ? 0u : 0x80000000u);
    }
}

TEST(QuantizeTest, NegativeZeroAndNegativeUnderflow) {
  // E2M1 at X = 0 (amax 6): -0 -> 0x8; -0.25 ties to -0 -> 0x8; -0.2 ->
  // 0x8; -0.26 -> -0.5 = 0x9. Decoded -0 keeps its sign.
  checkBlock("mxfp4", ScaleMode::Floor, {6, -0.0f, -0.25f, -0.2f, -0.26f}, 0x7f,
             {{1, 0x8, 0x80000000u},
              {2, 0x8, 0x80000000u},
              {3, 0x8, 0x80000000u},
              {4, 0x9, fb(-0.5f)}});
  // INT8: -0 -> 0x00; -1/128 = -0.5 quanta -> 0 -> 0x00 -> +0.
  checkBlock("mxint8", ScaleMode::Floor, {1, -0.0f, -1.0f / 128}, 0x7f,
             {{1, 0x00, 0u}, {2, 0x00, 0u}});
  // E4M3 at X = 0 (amax 448): -2^-10 ties to -0 -> 0x80.
  checkBlock("mxfp8_e4m3", ScaleMode::Floor, {448, -std::ldexp(1.0f, -10)},
             0x7f, {{1, 0x80, 0x80000000u}});
}

TEST(QuantizeTest, TiesAndNeighbours) {
  auto up = [](float v) { return bitsToFloat(floatBits(v) + 1); };
  auto down = [](float v) { return bitsToFloat(floatBits(v) - 1); };
  // mxfp4 block with amax 6 (X = 0): ties to even and their neighbours.
  checkBlock("mxfp4", ScaleMode::Floor,
             {6, 0.25f, up(0.25f), 0.75f, down(0.75f), 2.5f, up(2.5f), 5.0f,
              up(5.0f), down(5.0f)},
             0x7f,
             {{1, 0x0, 0u},
              {2, 0x1, fb(0.5f)},
              {3, 0x2, fb(1)},
              {4, 0x1, fb(0.5f)},
              {5, 0x4, fb(2)},
              {6, 0x5, fb(3)},
              {7, 0x6, fb(4)},
              {8, 0x7, fb(6)},
              {9, 0x6, fb(4)}});
  // Scaled ties: amax 24 (X = 2): 10 -> 2.5 -> 2 -> 8; 10+ulp -> 3 -> 12.
  checkBlock("mxfp4", ScaleMode::Floor, {24, 10, up(10)}, 0x81,
             {{1, 0x4, fb(8)}, {2, 0x5, fb(12)}});
  // E4M3 X = 0: 17 is the midpoint of 16 and 18 (quantum 2) -> 16 (even
  // mantissa 0x58? 16 = e11 m0 = 0x58); 19 -> 20 (m2 = 0x5a).
  checkBlock("mxfp8_e4m3", ScaleMode::Floor, {448, 17, 19, up(17)}, 0x7f,
             {{1, 0x58, fb(16)}, {2, 0x5a, fb(20)}, {3, 0x59, fb(18)}});
}

TEST(QuantizeTest, AmaxPowerOfTwoAndUlpBelow) {
  float below8 = bitsToFloat(0x40ffffff); // 7.9999995
  float above8 = bitsToFloat(0x41000001);
  // floor: 8 -> X = 3 - 2 = 1 -> 0x80, 8/2 = 4 -> c6. 7.9999995: exact
  // floor(log2) = 2 (not 3) -> X = 0 -> 0x7f, clips to 6.
  checkBlock("mxfp4", ScaleMode::Floor, {8}, 0x80, {{0, 0x6, fb(8)}});
  checkBlock("mxfp4", ScaleMode::Floor, {below8}, 0x7f, {{0, 0x7, fb(6)}});
  // ceil: 8 -> 3 -> X = 1; 8+ulp -> 4 -> X = 2 -> 0x81; 8.0000005/4 =
  // 2.0000001 -> 2 -> 8.
  checkBlock("mxfp4", ScaleMode::Ceil, {8}, 0x80, {{0, 0x6, fb(8)}});
  checkBlock("mxfp4", ScaleMode::Ceil, {above8}, 0x81, {{0, 0x4, fb(8)}});
  // ceil: 7.9999995 -> 3 -> X = 1 -> 3.99999976 -> 4 -> 8.
  checkBlock("mxfp4", ScaleMode::Ceil, {below8}, 0x80, {{0, 0x6, fb(8)}});
  // even: 7.9999995 = 1.99999994*2^2 carries -> X = 1.
  checkBlock("mxfp4", ScaleMode::Even, {below8}, 0x80, {{0, 0x6, fb(8)}});
  checkBlock("mxfp4", ScaleMode::Even, {8}, 0x80, {{0, 0x6, fb(8)}});
  // rceil: 8*f32(1/6) = 1.33 -> 2 -> X = 1.
  checkBlock("mxfp4", ScaleMode::RCeil, {8}, 0x80, {{0, 0x6, fb(8)}});
  // E4M3 floor 256 -> X = 0; 255.99998 (0x437fffff) -> floor 7 -> X = -1 ->
  // 0x7e; 511.99997 rounds at quantum 32 to 512 -> clips 448 -> 224.
  checkBlock("mxfp8_e4m3", ScaleMode::Floor, {256}, 0x7f, {{0, 0x78, fb(256)}});
  checkBlock("mxfp8_e4m3", ScaleMode::Floor, {bitsToFloat(0x437fffff)}, 0x7e,
             {{0, 0x7e, fb(224)}});
  // INT8 floor: amax 1 -> X = 0; 0.99999994 -> X = -1 -> 0x7e;
  // 1.9999999*64 = 127.99999 -> 128 -> clamp 127 -> 127/128.
  checkBlock("mxint8", ScaleMode::Floor, {1}, 0x7f, {{0, 0x40, fb(1)}});
  checkBlock("mxint8", ScaleMode::Floor, {bitsToFloat(0x3f7fffff)}, 0x7e,
             {{0, 0x7f, fb(127.0f / 128)}});
}

TEST(QuantizeTest, NaNAndInfInBlock) {
  for (const char *fmt : kMxPresets)
    for (ScaleMode m : kOcpModes) {
      if (!modeAllowed(fmt, m))
        continue;
      SCOPED_TRACE(std::string(fmt) + " " + stringifyScaleMode(m).str());
      for (float special : {NAN, INFINITY, -INFINITY}) {
        // Two blocks: the special only in the second one.
        std::vector<float> v(64, 1.0f);
        v[40] = special;
        QuantOptions opts;
        opts.scaleMode = m;
        auto q = quantize(v, {64}, {32}, preset(fmt), opts);
        ASSERT_TRUE(bool(q));
        EXPECT_NE(q->scales[0], 0xff);
        EXPECT_EQ(q->scales[1], 0xff);
        std::vector<float> d = dequantize(*q);
        for (int i = 0; i < 32; ++i)
          EXPECT_EQ(floatBits(d[i]), fb(1.0f)) << i;
        for (int i = 32; i < 64; ++i) {
          EXPECT_TRUE(std::isnan(d[i])) << i;
          EXPECT_TRUE(std::isnan(dequantizeElement(*q, i))) << i;
        }
      }
    }
}

TEST(QuantizeTest, F32SubnormalInputsAndAmax) {
  // E4M3 floor, amax 2^-118 -> X = -118 - 8 = -126 -> code 1; amax itself
  // becomes 2^8 = e15 m0 = 0x78. The f32
  // subnormal 2^-130 becomes 2^-4 = e3 m0 = 0x18 and decodes back exactly.
  // 3*2^-149 becomes 3*2^-23: below 2^-10 -> 0.
  float sub = std::ldexp(1.0f, -130);
  checkBlock("mxfp8_e4m3", ScaleMode::Floor,
             {std::ldexp(1.0f, -118), sub, bitsToFloat(3)}, 0x01,
             {{0, 0x78, fb(std::ldexp(1.0f, -118))},
              {1, 0x18, fb(sub)},
              {2, 0x00, 0u}});
  // Subnormal amax: E5M2 floor, amax 2^-130 -> X = -145 clamps to -127 ->
  // code 0; element 2^-3 = e12 m0 = 0x30 -> decodes to 2^-130 exactly.
  // -2^-140 -> -2^-13 = -e2 m0 = 0x88 -> -2^-140.
  for (ScaleMode m :
       {ScaleMode::Floor, ScaleMode::Ceil, ScaleMode::Even, ScaleMode::RCeil})
    checkBlock("mxfp8_e5m2", m, {sub, -std::ldexp(1.0f, -140)}, 0x00,
               {{0, 0x30, fb(sub)}, {1, 0x88, fb(-std::ldexp(1.0f, -140))}});
  // Smallest subnormal 2^-149 as amax: mxint8 X = -127, element 2^-22*64 ->
  // 0; mxfp4 likewise.
  checkBlock("mxint8", ScaleMode::Floor, {bitsToFloat(1)}, 0x00, {{0, 0, 0u}});
  checkBlock("mxfp4", ScaleMode::Floor, {bitsToFloat(1)}, 0x00, {{0, 0, 0u}});
  // rceil with a subnormal descale: E2M1 amax 2^-124: descale =
  // 11184811*2^-150 -> f32 subnormal 5592406*2^-149 (mantissa 0x555556 >
  // 0x400000) -> rounds up to 2^-126 -> code 1. 2^-124/2^-126 = 4 -> c6.
  checkBlock("mxfp4", ScaleMode::RCeil, {std::ldexp(1.0f, -124)}, 0x01,
             {{0, 0x6, fb(std::ldexp(1.0f, -124))}});
  // amax 6*2^-127 = 1.5*2^-125: descale 67108866*2^-153 -> 4194304.125 ulps
  // of 2^-149 -> 0x400000 = 2^-127 exactly -> code 0; element 6 -> c7.
  checkBlock("mxfp4", ScaleMode::RCeil, {std::ldexp(1.5f, -125)}, 0x00,
             {{0, 0x7, fb(std::ldexp(1.5f, -125))}});
  // floor on the same: floor(log2) = -125 -> X = -127 -> code 0.
  checkBlock("mxfp4", ScaleMode::Floor, {std::ldexp(1.5f, -125)}, 0x00,
             {{0, 0x7, fb(std::ldexp(1.5f, -125))}});
}

TEST(QuantizeTest, RCeilMultipliesByReciprocal) {
  // rceil computes descale = f32(amax * f32(1/max)), not f32(amax / max).
  // INT8, amax = 0x007f0001 = 8323073 * 2^-149 (an f32 subnormal):
  // f32(64/127) = 8454660 * 2^-24 (2^30/127 = 8454660.03 rounds down), so
  // descale = 8323073 * 8454660 * 2^-24 ulps = 4194304.488 ulps of 2^-149
  // -> 0x400000 = 2^-127 exactly -> code 0x00. (Dividing would give
  // 8323073 * 64/127 = 4194304.504 -> 0x400001 > 2^-127 -> code 0x01.)
  // Element: 8323073 * 2^-22 * 64 = 127.0000153 -> 127 -> 127 * 2^-133.
  checkBlock("mxint8", ScaleMode::RCeil, {bitsToFloat(0x007f0001)}, 0x00,
             {{0, 0x7f, fb(std::ldexp(127.0f, -133))}});
}

TEST(QuantizeTest, FltMax) {
  // floor E2M1: floor(log2 FLT_MAX) = 127 -> X = 125 -> 0xfc; FLT_MAX*2^-125
  // = 7.99999952 -> 6 -> 1.5*2^127.
  checkBlock("mxfp4", ScaleMode::Floor, {FLT_MAX}, 0xfc,
             {{0, 0x7, fb(std::ldexp(1.5f, 127))}});
  // floor INT8: X = 127 -> 0xfe; 1.99999988*64 -> 128 -> 127 -> 127*2^121.
  checkBlock("mxint8", ScaleMode::Floor, {FLT_MAX}, 0xfe,
             {{0, 0x7f, fb(std::ldexp(127.0f, 121))}});
  // rceil INT8: descale = FLT_MAX * f32(64/127) ~ 1.008*2^127 -> 2^128 ->
  // saturates to 0xfe (X = 127).
  checkBlock("mxint8", ScaleMode::RCeil, {-FLT_MAX}, 0xfe,
             {{0, 0x81, fb(-std::ldexp(127.0f, 121))}});
  // ceil INT8: ceil(log2 FLT_MAX) = 128 -> clamps to 127 -> 0xfe.
  checkBlock("mxint8", ScaleMode::Ceil, {FLT_MAX}, 0xfe,
             {{0, 0x7f, fb(std::ldexp(127.0f, 121))}});
  // rceil E4M3: descale = FLT_MAX * f32(1/448) ~ 1.14*2^119 -> 2^120 ->
  // 0xf7; element FLT_MAX*2^-120 = 256 - 2^-16 rounds to 256 (0x78) and
  // decodes to 2^128 = +Inf (the documented RCEIL overflow).
  checkBlock("mxfp8_e4m3", ScaleMode::RCeil, {FLT_MAX}, 0xf7,
             {{0, 0x78, 0x7f800000u}});
  // floor E4M3: X = 119 (0xf6); 511.99997 -> clips 448 -> 448*2^119.
  checkBlock("mxfp8_e4m3", ScaleMode::Floor, {FLT_MAX}, 0xf6,
             {{0, 0x7e, fb(std::ldexp(448.0f, 119))}});
  // even E2M1: adding the half-ulp overflows the exponent field to 255 ->
  // X = 255 - 127 - 2 = 126 -> 0xfd; FLT_MAX*2^-126 = 3.99999976 -> 4 -> c6
  // -> 2^128 = Inf.
  checkBlock("mxfp4", ScaleMode::Even, {FLT_MAX}, 0xfd,
             {{0, 0x6, 0x7f800000u}});
}

//===----------------------------------------------------------------------===//
// Blocks, shapes and options
//===----------------------------------------------------------------------===//

TEST(QuantizeTest, TwoDimensionalBlocks) {
  // 4 x 64 tensor, 2 x 32 blocks: grid 2 x 2, blocks row-major over the grid.
  std::vector<float> v(4 * 64, 0.5f);
  v[1 * 64 + 5] = 6;    // block (0,0) via row 1
  v[0 * 64 + 40] = 12;  // block (0,1)
  v[3 * 64 + 0] = 24;   // block (1,0)
  v[2 * 64 + 63] = 0.5; // block (1,1): amax 0.5
  QuantOptions opts;
  auto q = quantize(v, {4, 64}, {2, 32}, preset("mxfp4"), opts);
  ASSERT_TRUE(bool(q));
  ASSERT_EQ(q->scales.size(), 4u);
  // floor: 6 -> X = 0; 12 -> 1; 24 -> 2; 0.5 -> -3.
  EXPECT_EQ(q->scales[0], 0x7f);
  EXPECT_EQ(q->scales[1], 0x80);
  EXPECT_EQ(q->scales[2], 0x81);
  EXPECT_EQ(q->scales[3], 0x7c);
  std::vector<float> d = dequantize(*q);
  for (int64_t i = 0; i < 4 * 64; ++i)
    EXPECT_EQ(floatBits(d[i]), floatBits(dequantizeElement(*q, i))) << i;
  // 0.5 in block (1,0) with X = 2: 0.125 -> 0 (tie to even).
  EXPECT_EQ(floatBits(d[2 * 64 + 1]), 0u);
  // 0.5 in block (0,1) with X = 1: 0.25 -> 0.
  EXPECT_EQ(floatBits(d[0 * 64 + 41]), 0u);
  // 0.5 in block (0,0) with X = 0 stays 0.5.
  EXPECT_EQ(floatBits(d[0]), fb(0.5f));
  EXPECT_EQ(floatBits(d[3 * 64 + 0]), fb(24));
}

TEST(QuantizeTest, ForEachBlockOrder) {
  std::vector<std::vector<int64_t>> seen;
  forEachBlock({2, 4}, {1, 2}, [&](int64_t b, llvm::ArrayRef<int64_t> idx) {
    EXPECT_EQ(b, int64_t(seen.size()));
    seen.emplace_back(idx.begin(), idx.end());
  });
  std::vector<std::vector<int64_t>> want = {{0, 1}, {2, 3}, {4, 5}, {6, 7}};
  EXPECT_EQ(seen, want);
  seen.clear();
  forEachBlock({4, 4}, {2, 2}, [&](int64_t, llvm::ArrayRef<int64_t> idx) {
    seen.emplace_back(idx.begin(), idx.end());
  });
  want = {{0, 1, 4, 5}, {2, 3, 6, 7}, {8, 9, 12, 13}, {10, 11, 14, 15}};
  EXPECT_EQ(seen, want);
}

TEST(QuantizeTest, BlockShapeChecksAndErrors) {
  EXPECT_FALSE(checkBlockShape({4, 64}, {1, 32}).has_value());
  EXPECT_TRUE(checkBlockShape({4, 64}, {32}).has_value());
  EXPECT_TRUE(checkBlockShape({4, 64}, {1, 48}).has_value());
  EXPECT_TRUE(checkBlockShape({4, 64}, {0, 32}).has_value());
  EXPECT_TRUE(checkBlockShape({0, 64}, {1, 32}).has_value());
  EXPECT_EQ(getDefaultBlockShape(preset("mxfp4"), {3, 5, 64}),
            (llvm::SmallVector<int64_t, 4>{1, 1, 32}));
  EXPECT_EQ(getDefaultBlockShape(preset("nvfp4"), {64}),
            (llvm::SmallVector<int64_t, 4>{16}));
  std::vector<float> v(64, 1.0f);
  auto expectError = [](llvm::Expected<QuantizedTensor> q) {
    EXPECT_FALSE(bool(q));
    if (!q)
      llvm::consumeError(q.takeError());
  };
  // Wrong value count, bad block, invalid format, invalid mode.
  expectError(quantize(v, {32}, {32}, preset("mxfp4")));
  expectError(quantize(v, {64}, {48}, preset("mxfp4")));
  expectError(quantize(v, {64}, {32},
                       Format{ElemKind::E4M3, ScaleKind::UE4M3, true, 16}));
  QuantOptions even;
  even.scaleMode = ScaleMode::Even;
  expectError(quantize(v, {64}, {32}, preset("mxint8"), even));
  QuantOptions nv;
  nv.scaleMode = ScaleMode::NVFP4;
  expectError(quantize(v, {64}, {32}, preset("mxfp4"), nv));
  // Stochastic rounding needs one byte per element.
  QuantOptions sr;
  sr.rounding = Rounding::Stochastic;
  std::vector<uint8_t> bytes(63, 0);
  sr.randomBits = bytes;
  expectError(quantize(v, {64}, {32}, preset("mxfp4"), sr));
  // A tensor scale is only for formats that have one.
  QuantOptions ts;
  ts.tensorDecodeScale = 1.0f;
  expectError(quantize(v, {64}, {32}, preset("mxfp4"), ts));
}

TEST(QuantizeTest, DefaultModeIsFloor) {
  // 1792 -> floor 0x87, not ceil/rceil 0x88.
  std::vector<float> v(32, 0.0f);
  v[0] = 1792;
  auto q = quantize(v, {32}, {32}, preset("mxfp4"));
  ASSERT_TRUE(bool(q));
  EXPECT_EQ(q->scales[0], 0x87);
}

TEST(QuantizeTest, StochasticQuantize) {
  // mxfp4, amax 6 (X = 0); element 1.125 = 1 + 0.25 quantum: up iff r >=
  // 192. Deterministic given the bytes.
  std::vector<float> v(32, 1.125f);
  v[0] = 6;
  std::vector<uint8_t> r(32);
  for (int i = 0; i < 32; ++i)
    r[i] = uint8_t(i * 8);
  QuantOptions opts;
  opts.rounding = Rounding::Stochastic;
  opts.randomBits = r;
  auto q = quantize(v, {32}, {32}, preset("mxfp4"), opts);
  ASSERT_TRUE(bool(q));
  EXPECT_EQ(q->scales[0], 0x7f);
  EXPECT_EQ(q->elements[0], 0x7);
  for (int i = 1; i < 32; ++i)
    EXPECT_EQ(q->elements[i], r[i] >= 192 ? 0x3 : 0x2) << i;
  auto q2 = quantize(v, {32}, {32}, preset("mxfp4"), opts);
  ASSERT_TRUE(bool(q2));
  EXPECT_EQ(q->elements, q2->elements);
}

//===----------------------------------------------------------------------===//
// Properties
//===----------------------------------------------------------------------===//

std::vector<float> randomTensor(std::mt19937 &rng, int64_t n) {
  std::vector<float> v(n);
  std::uniform_real_distribution<float> mant(-1.0f, 1.0f);
  std::uniform_int_distribution<int> blockExp(-20, 20), spread(-12, 0);
  for (int64_t b = 0; b < n; b += 32) {
    int e = blockExp(rng);
    for (int64_t i = b; i < std::min(n, b + 32); ++i)
      v[i] = std::ldexp(mant(rng), e + spread(rng));
  }
  return v;
}

TEST(QuantizeTest, RoundTripIdempotentFloor) {
  std::mt19937 rng(1234);
  for (const char *fmt : kMxPresets) {
    SCOPED_TRACE(fmt);
    for (int iter = 0; iter < 20; ++iter) {
      std::vector<float> v = randomTensor(rng, 8 * 64);
      QuantOptions opts;
      opts.scaleMode = ScaleMode::Floor;
      auto q = quantize(v, {8, 64}, {1, 32}, preset(fmt), opts);
      ASSERT_TRUE(bool(q));
      auto q2 = quantize(dequantize(*q), {8, 64}, {1, 32}, preset(fmt), opts);
      ASSERT_TRUE(bool(q2));
      EXPECT_EQ(q->scales, q2->scales);
      EXPECT_EQ(q->elements, q2->elements);
    }
  }
}

TEST(QuantizeTest, MonotoneWithinBlock) {
  // Sorted inputs under a fixed scale decode to a non-decreasing sequence
  // (-0 and +0 compare equal).
  for (ElemKind k : oracle::kAllKinds)
    for (int shift : {0, -3, 4, -127, 100}) {
      std::vector<float> in = oracle::criticalInputs(k, shift);
      for (uint32_t b = 0; b < 0x7f800000u; b += 65537) {
        in.push_back(bitsToFloat(b));
        in.push_back(-bitsToFloat(b));
      }
      std::sort(in.begin(), in.end());
      double prev = -INFINITY;
      for (float v : in) {
        double d =
            std::ldexp(double(decodeElem(k, encodeElem(k, v, shift))), shift);
        ASSERT_GE(d, prev) << stringifyElemKind(k).str() << " v=" << v;
        prev = d;
      }
    }
  // Through quantize: one sorted mxfp8 block with amax 448 (X = 0).
  std::vector<float> v(32);
  for (int i = 0; i < 32; ++i)
    v[i] = -448.0f + 28.9f * i;
  v[31] = 448;
  auto q = quantize(v, {32}, {32}, preset("mxfp8_e4m3"));
  ASSERT_TRUE(bool(q));
  std::vector<float> d = dequantize(*q);
  for (int i = 1; i < 32; ++i)
    EXPECT_LE(d[i - 1], d[i]) << i;
}

TEST(QuantizeTest, ConvertIsQuantizeOfDequantize) {
  std::mt19937 rng(99);
  std::vector<float> v = randomTensor(rng, 4 * 64);
  auto src = quantize(v, {4, 64}, {1, 32}, preset("mxfp8_e4m3"));
  ASSERT_TRUE(bool(src));
  struct Target {
    const char *fmt;
    llvm::SmallVector<int64_t, 4> block;
    std::optional<ScaleMode> mode;
  } targets[] = {{"mxfp4", {1, 32}, ScaleMode::Floor},
                 {"mxfp4", {2, 32}, ScaleMode::RCeil},
                 {"mxint8", {1, 64}, ScaleMode::Ceil},
                 {"mxfp6_e3m2", {4, 16}, ScaleMode::Even},
                 {"nvfp4", {1, 16}, std::nullopt}};
  for (const Target &t : targets) {
    SCOPED_TRACE(t.fmt);
    QuantOptions opts;
    opts.scaleMode = t.mode;
    auto c = convert(*src, t.block, preset(t.fmt), opts);
    ASSERT_TRUE(bool(c));
    auto r = quantize(dequantize(*src), {4, 64}, t.block, preset(t.fmt), opts);
    ASSERT_TRUE(bool(r));
    EXPECT_EQ(c->scales, r->scales);
    EXPECT_EQ(c->elements, r->elements);
    EXPECT_EQ(floatBits(c->tensorDecodeScale), floatBits(r->tensorDecodeScale));
    EXPECT_EQ(c->format, preset(t.fmt));
  }
}

// Every element of a random quantized tensor matches the spec's pseudo-code
// of §2.3 evaluated with the oracle: X from exact floor(log2 amax), elements
// the oracle's RNE satfinite of V * 2^-X.
TEST(QuantizeTest, FloorMatchesPseudoCode) {
  std::mt19937 rng(7);
  const int emax[] = {8, 15, 2, 4, 2, 0}; // in kMxPresets order
  const ElemKind kinds[] = {ElemKind::E4M3, ElemKind::E5M2, ElemKind::E2M3,
                            ElemKind::E3M2, ElemKind::E2M1, ElemKind::INT8};
  for (int p = 0; p < 6; ++p) {
    std::vector<float> v = randomTensor(rng, 32 * 32);
    auto q = quantize(v, {32 * 32}, {32}, preset(kMxPresets[p]));
    ASSERT_TRUE(bool(q));
    for (int b = 0; b < 32; ++b) {
      double amax = 0;
      for (int i = 0; i < 32; ++i)
        amax = std::max(amax, std::fabs(double(v[b * 32 + i])));
      int x = -127;
      if (amax != 0) {
        int ex;
        std::frexp(amax, &ex);
        x = std::clamp(ex - 1 - emax[p], -127, 127);
      }
      ASSERT_EQ(q->scales[b], uint8_t(x + 127)) << kMxPresets[p] << " " << b;
      for (int i = 0; i < 32; ++i)
        ASSERT_EQ(q->elements[b * 32 + i],
                  oracle::encode(kinds[p], v[b * 32 + i], x))
            << kMxPresets[p] << " " << b << " " << i;
    }
  }
}

} // namespace
