//===- ErrorMetricsTest.cpp - Quantization error statistics ---------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/ErrorMetrics.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace mxref;

namespace {

TEST(ErrorMetricsTest, HandComputed) {
  // Errors x - x_hat: 0, -0.5, 0, 1 -> sum e^2 = 1.25; sum x^2 = 1+4+9+16 =
  // 30. mse = 1.25/4 = 0.3125; relMse = 1.25/30 = 1/24; sqnr = 10 log10(24)
  // = 13.8021 dB; maxAbs = 1. The Inf and NaN sources are skipped.
  std::vector<float> src = {1, 2, 3, 4, INFINITY, NAN};
  std::vector<float> dec = {1, 2.5f, 3, 3, 6, 0};
  ErrorStats s = computeErrorStats(src, dec);
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.mse, 0.3125);
  EXPECT_EQ(s.relMse, 1.25 / 30.0);
  EXPECT_EQ(s.maxAbs, 1.0);
  EXPECT_NEAR(s.sqnrDb, 13.80211241711606, 1e-12);
  EXPECT_EQ(s.bitsPerElement, 0.0);
}

TEST(ErrorMetricsTest, NaNDecodedShows) {
  // A finite source decoded as NaN (a NaN-scale block) makes maxAbs NaN.
  std::vector<float> src = {1, 2};
  std::vector<float> dec = {NAN, 2};
  ErrorStats s = computeErrorStats(src, dec);
  EXPECT_TRUE(std::isnan(s.maxAbs));
  EXPECT_TRUE(std::isnan(s.mse));
  std::vector<float> dec2 = {1, NAN};
  EXPECT_TRUE(std::isnan(computeErrorStats(src, dec2).maxAbs));
}

TEST(ErrorMetricsTest, ExactIsZeroError) {
  std::vector<float> src = {0.5f, -1.5f, 6};
  ErrorStats s = computeErrorStats(src, src);
  EXPECT_EQ(s.mse, 0.0);
  EXPECT_EQ(s.relMse, 0.0);
  EXPECT_EQ(s.maxAbs, 0.0);
  EXPECT_TRUE(std::isinf(s.sqnrDb));
}

TEST(ErrorMetricsTest, BitsPerElementAndQuantized) {
  // mxfp4 over 64 values: (64*4 + 2*8)/64 = 4.25; mxfp8: (64*8+16)/64 =
  // 8.25; mxfp6: 6.25; nvfp4 over 32: (32*4 + 2*8 + 32)/32 = 5.5.
  std::vector<float> v(64);
  for (int i = 0; i < 64; ++i)
    v[i] = float(i) / 8; // 0 .. 7.875
  struct C {
    const char *fmt;
    double bpe;
  } cases[] = {{"mxfp4", 4.25},
               {"mxfp8_e4m3", 8.25},
               {"mxfp6_e2m3", 6.25},
               {"mxint8", 8.25}};
  for (const C &c : cases) {
    auto q = quantize(v, {64}, {32}, *lookupPreset(c.fmt));
    ASSERT_TRUE(bool(q));
    EXPECT_EQ(getBitsPerElement(*q), c.bpe) << c.fmt;
    ErrorStats s = computeErrorStats(v, *q);
    EXPECT_EQ(s.bitsPerElement, c.bpe) << c.fmt;
    EXPECT_EQ(s.count, 64);
  }
  std::vector<float> w(v.begin(), v.begin() + 32);
  auto q = quantize(w, {32}, {16}, *lookupPreset("nvfp4"));
  ASSERT_TRUE(bool(q));
  EXPECT_EQ(getBitsPerElement(*q), 5.5);
  // A hand-checked quantized error: mxfp4, one block 0, 0.125 .. 3.875
  // (amax 3.875 -> X = 1 - 2 = -1, grid step 0.25 up to 0.75 ...). Check
  // against the decoded values instead of recomputing.
  auto q4 = quantize(v, {64}, {32}, *lookupPreset("mxfp4"));
  ASSERT_TRUE(bool(q4));
  ErrorStats a = computeErrorStats(v, *q4);
  ErrorStats b = computeErrorStats(v, dequantize(*q4));
  EXPECT_EQ(a.mse, b.mse);
  EXPECT_EQ(a.maxAbs, b.maxAbs);
  EXPECT_GT(a.mse, 0.0);
}

TEST(ErrorMetricsTest, QuantizedHandExample) {
  // mxfp4 block {6, 5, 2.5, 0.25, 0...}: X = 0; 5 -> 4, 2.5 -> 2, 0.25 -> 0.
  // Errors 0, 1, 0.5, 0.25 -> sum e^2 = 1.3125 over 32 -> mse 0.041015625;
  // maxAbs 1; sum x^2 = 36 + 25 + 6.25 + 0.0625 = 67.3125.
  std::vector<float> v(32, 0.0f);
  v[0] = 6;
  v[1] = 5;
  v[2] = 2.5f;
  v[3] = 0.25f;
  auto q = quantize(v, {32}, {32}, *lookupPreset("mxfp4"));
  ASSERT_TRUE(bool(q));
  ErrorStats s = computeErrorStats(v, *q);
  EXPECT_EQ(s.mse, 1.3125 / 32);
  EXPECT_EQ(s.relMse, 1.3125 / 67.3125);
  EXPECT_EQ(s.maxAbs, 1.0);
  EXPECT_EQ(s.bitsPerElement, 4.25);
}

} // namespace
