//===- NVFP4Test.cpp - NVFP4 two-level quantization tests -----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// NVFP4 per docs/Numerics.md §3 (TransformerEngine convention) and MX's
// contract for NaN/Inf: hand-computed 1x16 blocks and 16x16 tiles, tensor
// scales, a calibrated tensorDecodeScale, and an independent f32
// reimplementation of the formula (with the oracle's E4M3/E2M1 rounding) over
// random tensors.
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

Format nvfp4() { return *lookupPreset("nvfp4"); }
uint32_t fb(float f) { return floatBits(f); }

QuantizedTensor mustQuantize(llvm::ArrayRef<float> v,
                             llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<int64_t> block,
                             const QuantOptions &opts = {}) {
  auto q = quantize(v, shape, block, nvfp4(), opts);
  if (!q) {
    ADD_FAILURE() << llvm::toString(q.takeError());
    return QuantizedTensor();
  }
  return std::move(*q);
}

//===----------------------------------------------------------------------===//
// Tensor scales
//===----------------------------------------------------------------------===//

TEST(NVFP4Test, TensorScales) {
  // gamax = 448*6 = 2688 -> S_enc = 1, S_dec = 1.
  NVFP4TensorScales s = computeNVFP4TensorScales(2688.0f);
  EXPECT_EQ(fb(s.encode), fb(1.0f));
  EXPECT_EQ(fb(s.decode), fb(1.0f));
  // gamax = 0 -> S_enc = 1.
  s = computeNVFP4TensorScales(0.0f);
  EXPECT_EQ(fb(s.encode), fb(1.0f));
  EXPECT_EQ(fb(s.decode), fb(1.0f));
  // gamax = Inf -> 2688/Inf = 0 -> S_enc = 1.
  s = computeNVFP4TensorScales(INFINITY);
  EXPECT_EQ(fb(s.encode), fb(1.0f));
  EXPECT_EQ(fb(s.decode), fb(1.0f));
  // gamax = 5376 -> S_enc = 0.5, S_dec = 2.
  s = computeNVFP4TensorScales(5376.0f);
  EXPECT_EQ(fb(s.encode), fb(0.5f));
  EXPECT_EQ(fb(s.decode), fb(2.0f));
  // gamax = 2^-149: 2688 * 2^149 overflows -> Inf -> fminf -> FLT_MAX;
  // S_dec = f32(1/FLT_MAX) = f32(2^-128 * (1 + 2^-24 + ...)) = 2^-128, the
  // f32 subnormal 0x00200000.
  s = computeNVFP4TensorScales(bitsToFloat(1));
  EXPECT_EQ(fb(s.encode), fb(FLT_MAX));
  EXPECT_EQ(fb(s.decode), 0x00200000u);
  // From a calibrated S_dec: S_enc = f32(1/S_dec).
  s = nvfp4ScalesFromDecode(2.0f);
  EXPECT_EQ(fb(s.encode), fb(0.5f));
  EXPECT_EQ(fb(s.decode), fb(2.0f));
  s = nvfp4ScalesFromDecode(bitsToFloat(1)); // 1/2^-149 = Inf -> FLT_MAX
  EXPECT_EQ(fb(s.encode), fb(FLT_MAX));
}

//===----------------------------------------------------------------------===//
// Hand-computed 1x16 blocks
//===----------------------------------------------------------------------===//

TEST(NVFP4Test, HandComputedBlocks) {
  // Block 0: gamax 2688 -> S_enc = 1, S_dec = 1.
  //   sdb = 2688 * f32(1/6) = 2688 * 11184811 * 2^-26 = 448 + 7*2^-19, below
  //   half an ulp of 448 (2^-16) -> 448 -> UE4M3 0x7e. S_encb = f32(1/448)
  //   = (8/7 + (3/7)*2^-23) * 2^-9.
  //   2688 * S_encb = 6 + 2.25*2^-23 -> f32 6 + 2^-21 -> satfinite 6 (c7)
  //   -> 6*448 = 2688. -1000 * S_encb = -2.23 -> -2 (0xc) -> -896.
  // Block 1: bamax 12: sdb = 12 * 11184811 * 2^-26 = 2 + 2^-24 -> f32 2 ->
  //   0x40 (e8 m0). S_encb = 1/2 = 0.5.
  //   12 -> 6 (c7) -> 12; 5 -> 2.5 tie -> 2 (c4) -> 4; 1 -> 0.5 (c1) -> 1;
  //   0.5 -> 0.25 tie -> 0 (c0) -> 0; -0.5 -> -0.25 -> -0 (0x8) -> -0;
  //   -0 -> 0x8 -> -0; -7 -> -3.5 tie -> -4 (0xe) -> -8.
  // Block 2: bamax 10: sdb = 10*f32(1/6) = 1.6666667 -> E4M3 quantum 1/8:
  //   13.33 -> 13 -> 1.625 = 0x3d. S_encb = f32(1/1.625) = 0.61538464.
  //   10 -> 6.15 -> 6 (c7) -> 6*1.625 = 9.75; 3 -> 1.846 -> 2 (c4) -> 3.25;
  //   1 -> 0.615 -> 0.5 (c1) -> 0.8125.
  std::vector<float> v(48, 0.0f);
  v[0] = 2688;
  v[1] = -1000;
  const float b1[] = {12, 5, 1, 0.5f, -0.5f, -0.0f, -7};
  std::copy(std::begin(b1), std::end(b1), v.begin() + 16);
  v[32] = 10;
  v[33] = 3;
  v[34] = 1;
  QuantizedTensor q = mustQuantize(v, {48}, {16});
  ASSERT_EQ(q.scales.size(), 3u);
  EXPECT_EQ(fb(q.tensorDecodeScale), fb(1.0f));
  EXPECT_EQ(q.scales[0], 0x7e);
  EXPECT_EQ(q.scales[1], 0x40);
  EXPECT_EQ(q.scales[2], 0x3d);
  struct E {
    int i;
    uint8_t code;
    uint32_t dec;
  } exp[] = {
      {0, 0x7, fb(2688)},    {1, 0xc, fb(-896)},     {2, 0x0, 0u},
      {16, 0x7, fb(12)},     {17, 0x4, fb(4)},       {18, 0x1, fb(1)},
      {19, 0x0, 0u},         {20, 0x8, 0x80000000u}, {21, 0x8, 0x80000000u},
      {22, 0xe, fb(-8)},     {32, 0x7, fb(9.75f)},   {33, 0x4, fb(3.25f)},
      {34, 0x1, fb(0.8125f)}};
  std::vector<float> d = dequantize(q);
  for (const E &e : exp) {
    EXPECT_EQ(q.elements[e.i], e.code) << e.i;
    EXPECT_EQ(fb(d[e.i]), e.dec) << e.i;
    EXPECT_EQ(fb(dequantizeElement(q, e.i)), e.dec) << e.i;
  }
}

TEST(NVFP4Test, BlockScaleUsesEncTimesSixthReciprocal) {
  // sdb = bamax * f32(S_enc * f32(1/6)), not bamax * f32(S_enc / 6).
  // gamax = 0x45308b4b (2824.7058): S_enc = f32(2688 / gamax); for bamax =
  // 428.75 the product lands one ulp above the E4M3 midpoint 68 (between 64
  // = 0x68 and 72 = 0x69), so RNE gives 72 (0x69); the S_enc / 6 variant
  // gives exactly 68, a tie that goes to 64 (0x68).
  float gamax = bitsToFloat(0x45308b4b);
  float senc = 2688.0f / gamax;
  float k = senc * (1.0f / 6.0f);
  float sdb = 428.75f * k;
  float sdbDiv = 428.75f * (senc / 6.0f);
  ASSERT_GT(sdb, 68.0f);
  ASSERT_EQ(sdbDiv, 68.0f);
  std::vector<float> v(32, 0.0f);
  v[0] = gamax;
  v[16] = 428.75f;
  QuantizedTensor q = mustQuantize(v, {32}, {16});
  EXPECT_EQ(q.scales[1], 0x69);
  // 428.75 / (72 * S_dec) = 5.95 -> 6 (c7).
  EXPECT_EQ(q.elements[16], 0x7);
}

TEST(NVFP4Test, AllZeroTensor) {
  // gamax 0 -> S_enc = S_dec = 1; sdb = 0 -> scale 0x00; S_encb =
  // fminf(1/0, FLT_MAX) = FLT_MAX; 0 * FLT_MAX = 0 -> c0; -0 -> 0x8.
  std::vector<float> v(32, 0.0f);
  for (int i = 16; i < 32; ++i)
    v[i] = -0.0f;
  QuantizedTensor q = mustQuantize(v, {32}, {16});
  EXPECT_EQ(fb(q.tensorDecodeScale), fb(1.0f));
  EXPECT_EQ(q.scales[0], 0x00);
  EXPECT_EQ(q.scales[1], 0x00);
  std::vector<float> d = dequantize(q);
  for (int i = 0; i < 32; ++i) {
    EXPECT_EQ(q.elements[i], i < 16 ? 0x0 : 0x8) << i;
    EXPECT_EQ(fb(d[i]), i < 16 ? 0u : 0x80000000u) << i;
  }
}

TEST(NVFP4Test, NaNBlock) {
  // gamax ignores NaN: 2688 -> S_enc = 1. The NaN block gets 0x7f and
  // decodes NaN throughout; the other block is as in HandComputedBlocks.
  std::vector<float> v(32, 1.0f);
  v[3] = NAN;
  v[16] = 2688;
  QuantizedTensor q = mustQuantize(v, {32}, {16});
  EXPECT_EQ(fb(q.tensorDecodeScale), fb(1.0f));
  EXPECT_EQ(q.scales[0], 0x7f);
  EXPECT_EQ(q.scales[1], 0x7e);
  std::vector<float> d = dequantize(q);
  for (int i = 0; i < 16; ++i)
    EXPECT_TRUE(std::isnan(d[i])) << i;
  EXPECT_EQ(fb(d[16]), fb(2688));
  // 1 * f32(1/448) = 0.0022 -> 0.
  EXPECT_EQ(fb(d[17]), 0u);
}

TEST(NVFP4Test, InfFollowsFormula) {
  // gamax = Inf -> 2688/Inf = 0 -> S_enc = 1 = S_dec.
  // Block 0 (Inf, -Inf, 100): sdb = Inf -> fminf FLT_MAX -> satfinite 448
  // (0x7e); S_encb = f32(1/448); Inf -> Inf -> 6 (c7) -> 2688; -Inf ->
  // 0xf -> -2688; 100 -> 0.223 -> 0.
  // Block 1 (3): sdb = 3 * 11184811 * 2^-26 = 0.5 + 2^-26 -> 0.5 = e6 m0 =
  // 0x30; S_encb = 2; 3 -> 6 (c7) -> 3.
  std::vector<float> v(32, 0.0f);
  v[0] = INFINITY;
  v[1] = -INFINITY;
  v[2] = 100;
  v[16] = 3;
  QuantizedTensor q = mustQuantize(v, {32}, {16});
  EXPECT_EQ(fb(q.tensorDecodeScale), fb(1.0f));
  EXPECT_EQ(q.scales[0], 0x7e);
  EXPECT_EQ(q.scales[1], 0x30);
  EXPECT_EQ(q.elements[0], 0x7);
  EXPECT_EQ(q.elements[1], 0xf);
  EXPECT_EQ(q.elements[2], 0x0);
  EXPECT_EQ(q.elements[16], 0x7);
  std::vector<float> d = dequantize(q);
  EXPECT_EQ(fb(d[0]), fb(2688));
  EXPECT_EQ(fb(d[1]), fb(-2688));
  EXPECT_EQ(fb(d[2]), 0u);
  EXPECT_EQ(fb(d[16]), fb(3));
}

//===----------------------------------------------------------------------===//
// 16x16 tiles
//===----------------------------------------------------------------------===//

TEST(NVFP4Test, TileVersusRowBlocks) {
  // 16 x 32 tensor. Tile 0 (cols 0-15) holds 2688 at (3,2) and 1000 at
  // (10,5); tile 1 (cols 16-31) holds 12 at (15,31) and 5 at (0,16).
  // gamax 2688 -> S_enc = 1.
  std::vector<float> v(16 * 32, 0.0f);
  v[3 * 32 + 2] = 2688;
  v[10 * 32 + 5] = 1000;
  v[15 * 32 + 31] = 12;
  v[0 * 32 + 16] = 5;
  // 16x16 tiles: tile 0 sdb 448 (0x7e); tile 1 sdb 2 (0x40), S_encb 0.5:
  // 5 -> 2.5 -> 2 (c4) -> 4; 1000 -> 2.23 -> 2 -> 896.
  QuantizedTensor t = mustQuantize(v, {16, 32}, {16, 16});
  ASSERT_EQ(t.scales.size(), 2u);
  EXPECT_EQ(t.scales[0], 0x7e);
  EXPECT_EQ(t.scales[1], 0x40);
  std::vector<float> dt = dequantize(t);
  EXPECT_EQ(fb(dt[0 * 32 + 16]), fb(4));
  EXPECT_EQ(fb(dt[10 * 32 + 5]), fb(896));
  EXPECT_EQ(fb(dt[15 * 32 + 31]), fb(12));
  // 1x16 blocks: 32 scales (16 rows x 2). Row 0 block 1 has bamax 5: sdb =
  // 5*f32(1/6) = 0.8333334 -> quantum 1/16: 13.33 -> 13 -> 0.8125 = e6 m5 =
  // 0x35; S_encb = f32(16/13) = 1.2307693; 5 -> 6.15 -> 6 (c7) -> 4.875.
  // Row 10 block 0: bamax 1000: sdb = 166.66667 -> quantum 16: 10.4 -> 10 ->
  // 160 = e14 m2 = 0x72; 1000/160 = 6.25 -> 6 -> 960.
  QuantizedTensor r = mustQuantize(v, {16, 32}, {1, 16});
  ASSERT_EQ(r.scales.size(), 32u);
  EXPECT_EQ(r.scales[0 * 2 + 1], 0x35);
  EXPECT_EQ(r.scales[10 * 2 + 0], 0x72);
  EXPECT_EQ(r.scales[1 * 2 + 0], 0x00); // an all-zero row block
  std::vector<float> dr = dequantize(r);
  EXPECT_EQ(fb(dr[0 * 32 + 16]), fb(4.875f));
  EXPECT_EQ(fb(dr[10 * 32 + 5]), fb(960));
}

TEST(NVFP4Test, TileTransposeIsBitIdentical) {
  // The point of 2-D scaling: the transposed tensor quantizes to the
  // transposed codes with the transposed scale grid.
  std::mt19937 rng(5);
  std::normal_distribution<float> nd(0.0f, 3.0f);
  const int R = 32, C = 48;
  std::vector<float> v(R * C), vt(R * C);
  for (float &x : v)
    x = nd(rng);
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j)
      vt[j * R + i] = v[i * C + j];
  QuantizedTensor a = mustQuantize(v, {R, C}, {16, 16});
  QuantizedTensor b = mustQuantize(vt, {C, R}, {16, 16});
  ASSERT_EQ(a.scales.size(), 6u);
  ASSERT_EQ(b.scales.size(), 6u);
  EXPECT_EQ(fb(a.tensorDecodeScale), fb(b.tensorDecodeScale));
  for (int bi = 0; bi < 2; ++bi)
    for (int bj = 0; bj < 3; ++bj)
      EXPECT_EQ(a.scales[bi * 3 + bj], b.scales[bj * 2 + bi]);
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j)
      EXPECT_EQ(a.elements[i * C + j], b.elements[j * R + i]);
}

//===----------------------------------------------------------------------===//
// Calibrated tensor scale
//===----------------------------------------------------------------------===//

TEST(NVFP4Test, CalibratedTensorDecodeScale) {
  // S_dec = 2 -> S_enc = 0.5. Block 0 bamax 24: sdb = 24 * (0.5 *
  // f32(1/6)) = 24 * 11184811 * 2^-27 = 2 + 2^-24 -> 2 (0x40); S_encb =
  // 1/(2*2) = 0.25; 24 -> 6 (c7) -> f32(6*2)*2 = 24; 10 -> 2.5 -> 2 (c4) ->
  // 8. Block 1 bamax 100: sdb = 8.333 -> quantum 1 -> 8 = e10 m0 = 0x50;
  // S_encb = 1/16; 100 -> 6.25 -> 6 -> 96. (The tensor amax 100 is not
  // used.)
  std::vector<float> v(32, 0.0f);
  v[0] = 24;
  v[1] = 10;
  v[16] = 100;
  QuantOptions opts;
  opts.tensorDecodeScale = 2.0f;
  QuantizedTensor q = mustQuantize(v, {32}, {16}, opts);
  EXPECT_EQ(fb(q.tensorDecodeScale), fb(2.0f));
  EXPECT_EQ(q.scales[0], 0x40);
  EXPECT_EQ(q.scales[1], 0x50);
  std::vector<float> d = dequantize(q);
  EXPECT_EQ(fb(d[0]), fb(24));
  EXPECT_EQ(fb(d[1]), fb(8));
  EXPECT_EQ(fb(d[16]), fb(96));
  // A scale too small for the data: S_dec = 1/64 -> S_enc = 64; bamax 100:
  // sdb = 1066.7 -> satfinite 448 (0x7e); S_encb = 1/(448/64) = 1/7 ->
  // 100/7 = 14.3 -> 6 (c7) -> f32(6*448)/64 = 42.
  opts.tensorDecodeScale = 1.0f / 64;
  q = mustQuantize(v, {32}, {16}, opts);
  EXPECT_EQ(q.scales[1], 0x7e);
  EXPECT_EQ(q.elements[16], 0x7);
  EXPECT_EQ(fb(dequantize(q)[16]), fb(42));
  // Invalid calibrated scales are rejected.
  for (float bad : {0.0f, -1.0f, NAN, INFINITY, -0.0f}) {
    opts.tensorDecodeScale = bad;
    auto e = quantize(v, {32}, {16}, nvfp4(), opts);
    EXPECT_FALSE(bool(e)) << bad;
    if (!e)
      llvm::consumeError(e.takeError());
  }
}

//===----------------------------------------------------------------------===//
// Independent f32 reference over random tensors
//===----------------------------------------------------------------------===//

struct Ref {
  std::vector<uint8_t> elements, scales;
  std::vector<float> decoded;
  float sdec;
};

/// docs/Numerics.md §3 transcribed, in f32, with the oracle's E4M3/E2M1 RNE
/// satfinite rounding (and its stochastic rule when `rnd` is given).
Ref reference(const std::vector<float> &v, int rows, int cols, int br, int bc,
              std::optional<float> calib, const uint8_t *rnd) {
  Ref r;
  float senc;
  if (calib) {
    r.sdec = *calib;
    senc = std::fmin(1.0f / r.sdec, FLT_MAX);
  } else {
    float gamax = 0;
    for (float x : v)
      if (!std::isnan(x))
        gamax = std::fmax(gamax, std::fabs(x));
    senc = (448.0f * 6.0f) / gamax;
    senc = std::fmin(senc, FLT_MAX);
    if (gamax == 0 || senc == 0)
      senc = 1;
    r.sdec = 1.0f / senc;
  }
  r.elements.assign(v.size(), 0);
  r.decoded.assign(v.size(), 0);
  const float sixth = 1.0f / 6.0f;
  for (int bi = 0; bi < rows / br; ++bi)
    for (int bj = 0; bj < cols / bc; ++bj) {
      float bamax = 0;
      bool nan = false;
      for (int i = bi * br; i < (bi + 1) * br; ++i)
        for (int j = bj * bc; j < (bj + 1) * bc; ++j) {
          nan |= std::isnan(v[i * cols + j]);
          bamax = std::fmax(bamax, std::fabs(v[i * cols + j]));
        }
      if (nan) {
        r.scales.push_back(0x7f);
        for (int i = bi * br; i < (bi + 1) * br; ++i)
          for (int j = bj * bc; j < (bj + 1) * bc; ++j)
            r.decoded[i * cols + j] = NAN;
        continue;
      }
      float encSixth = senc * sixth;
      float sdb = bamax * encSixth;
      uint8_t sc = oracle::encode(ElemKind::E4M3, std::fmin(sdb, FLT_MAX), 0);
      r.scales.push_back(sc);
      float scale = float(oracle::decode(ElemKind::E4M3, sc));
      float denom = scale * r.sdec;
      float sencb = std::fmin(1.0f / denom, FLT_MAX);
      for (int i = bi * br; i < (bi + 1) * br; ++i)
        for (int j = bj * bc; j < (bj + 1) * bc; ++j) {
          int k = i * cols + j;
          float x = v[k] * sencb;
          uint8_t c =
              rnd ? oracle::encodeStochastic(ElemKind::E2M1, x, 0, rnd[k])
                  : oracle::encode(ElemKind::E2M1, x, 0);
          r.elements[k] = c;
          float a = float(oracle::decode(ElemKind::E2M1, c)) * scale;
          r.decoded[k] = a * r.sdec;
        }
    }
  return r;
}

std::vector<float> randomData(std::mt19937 &rng, int n, int gexp) {
  std::uniform_real_distribution<float> mant(-1.0f, 1.0f);
  std::uniform_int_distribution<int> bexp(-14, 0), spread(-8, 0);
  std::vector<float> v(n);
  for (int b = 0; b < n; b += 16) {
    int e = gexp + bexp(rng);
    for (int i = b; i < b + 16; ++i)
      v[i] = std::ldexp(mant(rng), e + spread(rng));
  }
  return v;
}

TEST(NVFP4Test, MatchesIndependentReference) {
  std::mt19937 rng(2024);
  const int R = 32, C = 64;
  struct Shape {
    int br, bc;
  } shapes[] = {{1, 16}, {16, 16}, {2, 32}};
  unsigned checked = 0;
  for (int iter = 0; iter < 60; ++iter) {
    // Tensor amax from 2^-130 (subnormal block scales, S_enc clamped) up to
    // 2^127.
    int gexp = std::vector<int>{-130, -60, -20, -3, 0, 5, 40, 127}[iter % 8];
    std::vector<float> v = randomData(rng, R * C, gexp);
    if (iter % 5 == 1)
      v[rng() % (R * C)] = NAN;
    if (iter % 7 == 2)
      v[rng() % (R * C)] = (iter & 1) ? INFINITY : -INFINITY;
    if (iter % 6 == 3)
      for (int i = 0; i < 16; ++i)
        v[i] = 0.0f; // a zero block
    std::vector<uint8_t> bytes(R * C);
    for (uint8_t &b : bytes)
      b = uint8_t(rng());
    for (const Shape &s : shapes)
      for (int variant = 0; variant < 3; ++variant) {
        SCOPED_TRACE(::testing::Message()
                     << "iter " << iter << " block " << s.br << "x" << s.bc
                     << " variant " << variant);
        QuantOptions opts;
        std::optional<float> calib;
        if (variant == 1) {
          // A calibrated S_dec near, but not at, gamax/2688.
          calib = std::ldexp(1.3f, gexp - 11);
          opts.tensorDecodeScale = calib;
        }
        const uint8_t *rnd = nullptr;
        if (variant == 2) {
          opts.rounding = Rounding::Stochastic;
          opts.randomBits = bytes;
          rnd = bytes.data();
        }
        QuantizedTensor q = mustQuantize(v, {R, C}, {s.br, s.bc}, opts);
        Ref ref = reference(v, R, C, s.br, s.bc, calib, rnd);
        ASSERT_EQ(fb(q.tensorDecodeScale), fb(ref.sdec));
        ASSERT_EQ(q.scales, ref.scales);
        std::vector<float> d = dequantize(q);
        for (int k = 0; k < R * C; ++k) {
          if (std::isnan(ref.decoded[k])) {
            ASSERT_TRUE(std::isnan(d[k])) << k;
            continue;
          }
          ASSERT_EQ(q.elements[k], ref.elements[k]) << k << " v=" << v[k];
          ASSERT_EQ(fb(d[k]), fb(ref.decoded[k])) << k;
          ++checked;
        }
      }
  }
  EXPECT_GT(checked, 100000u);
}

TEST(NVFP4Test, RejectsOtherModes) {
  std::vector<float> v(16, 1.0f);
  for (ScaleMode m :
       {ScaleMode::Floor, ScaleMode::RCeil, ScaleMode::Ceil, ScaleMode::Even}) {
    QuantOptions opts;
    opts.scaleMode = m;
    auto q = quantize(v, {16}, {16}, nvfp4(), opts);
    EXPECT_FALSE(bool(q));
    if (!q)
      llvm::consumeError(q.takeError());
  }
  EXPECT_EQ(nvfp4().defaultScaleMode(), ScaleMode::NVFP4);
}

// dequantizeExact is the value f16/bf16 results round from: for NVFP4 the
// product e2m1 * scale * S_dec before any f32 rounding.
TEST(NVFP4Test, DequantizeExactIsTheUnroundedProduct) {
  QuantizedTensor q;
  q.format = nvfp4();
  q.shape = {1, 16};
  q.block = {1, 16};
  q.elements.assign(16, 0x7);                    // +6
  q.elements[1] = 0xd;                           // -3
  q.scales = {0x7e};                             // 448
  q.tensorDecodeScale = bitsToFloat(0x3eaaaaab); // f32(1/3)
  std::vector<double> exact = dequantizeExact(q);
  std::vector<float> f32 = dequantize(q);
  long double s = bitsToFloat(0x3eaaaaab);
  // 6 * 448 * f32(1/3) = 2688 * 0x3eaaaaab: 36 significant bits, not an f32.
  EXPECT_EQ(exact[0], double(6.0L * 448.0L * s));
  EXPECT_EQ(exact[1], double(-3.0L * 448.0L * s));
  EXPECT_NE(exact[0], double(f32[0]));
  // The f32 decode is that value rounded once (e2m1 * scale is exact).
  EXPECT_EQ(floatBits(float(exact[0])), floatBits(f32[0]));
  // A NaN scale gives NaN.
  q.scales = {0x7f};
  EXPECT_TRUE(std::isnan(dequantizeExact(q)[0]));
}

TEST(NVFP4Test, DequantizeExactEqualsDequantizeForE8M0) {
  // E8M0 decodes are exact in f32 (or overflow to Inf), so both agree.
  std::vector<float> x = {1.5f,  -0.375f, 1792.0f, 3.0e-39f,
                          -0.0f, 7.0f,    0.1f,    448.0f};
  int64_t shape[2] = {1, 8}, block[2] = {1, 8};
  for (const Preset &p : getPresets()) {
    if (p.format.scale != ScaleKind::E8M0)
      continue;
    auto q = quantize(x, shape, block, p.format);
    ASSERT_TRUE(bool(q)) << llvm::toString(q.takeError());
    std::vector<double> exact = dequantizeExact(*q);
    std::vector<float> f = dequantize(*q);
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(exact[i], double(f[i])) << p.name << " element " << i;
  }
}

} // namespace
