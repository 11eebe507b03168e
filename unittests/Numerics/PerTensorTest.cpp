//===- PerTensorTest.cpp - Per-tensor FP8 E4M3 tests ----------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// fp8_e4m3_tensor per docs/Numerics.md §3: hand-computed tensors and edge
// cases (all zero, amax a power of two, FLT_MAX, a subnormal amax, NaN, Inf,
// -0, ties, saturation under a calibrated scale), an independent f32
// reimplementation with the oracle's E4M3 rounding over random tensors, the
// error metrics' bits, and the matmul with every partner kind.
//
//===----------------------------------------------------------------------===//

#include "Oracle.h"

#include "mx/Numerics/Codec.h"
#include "mx/Numerics/ErrorMetrics.h"
#include "mx/Numerics/Matmul.h"
#include "mx/Numerics/Quantize.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <random>
#include <vector>

using namespace mxref;

namespace {

Format fp8t() { return *lookupPreset("fp8_e4m3_tensor"); }
uint32_t fb(float f) { return floatBits(f); }

template <typename T> T unwrap(llvm::Expected<T> v) {
  if (!v) {
    ADD_FAILURE() << llvm::toString(v.takeError());
    return T{};
  }
  return std::move(*v);
}

QuantizedTensor quant(llvm::ArrayRef<float> v, llvm::ArrayRef<int64_t> shape,
                      const QuantOptions &opts = {}) {
  return unwrap(
      quantize(v, shape, getDefaultBlockShape(fp8t(), shape), fp8t(), opts));
}

TEST(PerTensorTest, Catalog) {
  Format f = fp8t();
  EXPECT_EQ(f.elem, ElemKind::E4M3);
  EXPECT_EQ(f.scale, ScaleKind::None);
  EXPECT_TRUE(f.tensorScale);
  EXPECT_EQ(f.defaultBlock, 0);
  EXPECT_TRUE(f.isPerTensor());
  EXPECT_FALSE(f.hasBlockScales());
  EXPECT_EQ(f.defaultScaleMode(), ScaleMode::Tensor);
  EXPECT_EQ(f.str(), "fp8_e4m3_tensor");
  // The default block is the whole tensor.
  EXPECT_EQ(getDefaultBlockShape(f, {3, 8, 4}),
            (llvm::SmallVector<int64_t, 4>{3, 8, 4}));
}

TEST(PerTensorTest, HandComputedWithTie) {
  // amax = 4: S_enc = 448/4 = 112 (exact). 1, 2, 3, 4 scale to 112, 224,
  // 336, 448; 336 = 1.3125 * 2^8 lies halfway between 320 (mantissa 2) and
  // 352 (mantissa 3) and rounds to the even mantissa, 320.
  QuantizedTensor q = quant({1.0f, 2.0f, 3.0f, 4.0f}, {2, 2});
  EXPECT_EQ(q.elements, (std::vector<uint8_t>{0x6e, 0x76, 0x7a, 0x7e}));
  EXPECT_TRUE(q.scales.empty());
  EXPECT_EQ(q.getNumScales(), 0);
  EXPECT_EQ(q.block, (llvm::SmallVector<int64_t, 4>{2, 2}));
  // S_dec = f32(1/112) = 0x3c124925.
  EXPECT_EQ(fb(q.tensorDecodeScale), 0x3c124925u);
  // Decode: one f32 multiply, f32(112 * S_dec) = 1 etc.; 320 * S_dec is
  // 2.857142..., rounded once.
  std::vector<float> d = dequantize(q);
  EXPECT_EQ(fb(d[0]), 0x3f800000u);
  EXPECT_EQ(fb(d[1]), 0x40000000u);
  EXPECT_EQ(fb(d[2]), 0x4036db6eu);
  EXPECT_EQ(fb(d[3]), 0x40800000u);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(fb(dequantizeElement(q, i)), fb(d[i]));
  // The exact value is the code's value times S_dec in double.
  std::vector<double> x = dequantizeExact(q);
  EXPECT_EQ(x[2], 320.0 * double(q.tensorDecodeScale));
}

TEST(PerTensorTest, AmaxPowerOfTwo) {
  // amax = 0.5: S_enc = 896 (exact), S_dec = f32(1/896) = 0x3a924925.
  QuantizedTensor q = quant({0.5f, -0.25f, 0.125f, 0.0f}, {1, 4});
  // 448, -224, 112, 0.
  EXPECT_EQ(q.elements, (std::vector<uint8_t>{0x7e, 0xf6, 0x6e, 0x00}));
  EXPECT_EQ(fb(q.tensorDecodeScale), 0x3a924925u);
}

TEST(PerTensorTest, AllZeroAndNegativeZero) {
  // amax = 0: S_enc = S_dec = 1; -0 keeps its sign (code 0x80).
  QuantizedTensor q = quant({0.0f, -0.0f, 0.0f, -0.0f}, {4, 1});
  EXPECT_EQ(q.elements, (std::vector<uint8_t>{0x00, 0x80, 0x00, 0x80}));
  EXPECT_EQ(q.tensorDecodeScale, 1.0f);
  std::vector<float> d = dequantize(q);
  EXPECT_EQ(fb(d[1]), 0x80000000u);
  // -0 next to other values keeps its sign too.
  QuantizedTensor r = quant({-0.0f, 4.0f}, {1, 2});
  EXPECT_EQ(r.elements[0], 0x80);
}

TEST(PerTensorTest, FltMaxAndSubnormalAmax) {
  // amax = FLT_MAX: S_enc = f32(448 / FLT_MAX) = 0x1.c00002p-120 (normal),
  // and FLT_MAX * S_enc rounds to 448.
  QuantizedTensor q = quant({FLT_MAX, -FLT_MAX, 1.0f, 0.0f}, {1, 4});
  EXPECT_EQ(q.elements[0], 0x7e);
  EXPECT_EQ(q.elements[1], 0xfe);
  EXPECT_EQ(q.elements[2], 0x00); // 1 * 2^-120 is far below 2^-9
  EXPECT_EQ(q.tensorDecodeScale, 1.0f / std::ldexp(0x1.c00002p0f, -120));
  EXPECT_TRUE(std::isfinite(dequantize(q)[0]));
  // amax = 2^-149: 448 / amax overflows to Inf, fminf clamps to FLT_MAX, and
  // 2^-149 * FLT_MAX (about 2^-21) is below E4M3's smallest subnormal.
  float tiny = std::ldexp(1.0f, -149);
  QuantizedTensor t = quant({tiny, -tiny}, {1, 2});
  EXPECT_EQ(fb(t.tensorDecodeScale), fb(1.0f / FLT_MAX));
  EXPECT_EQ(t.elements, (std::vector<uint8_t>{0x00, 0x80}));
}

TEST(PerTensorTest, NaNIgnoredByAmaxAndKept) {
  // amax = 2 (NaN ignored): S_enc = 224; 1 -> 224, -2 -> -448; NaN of either
  // sign gives the canonical NaN code 0x7f, which decodes to NaN.
  float nan = std::nanf("");
  QuantizedTensor q = quant({nan, 1.0f, -2.0f, -nan}, {1, 4});
  EXPECT_EQ(q.elements, (std::vector<uint8_t>{0x7f, 0x76, 0xfe, 0x7f}));
  EXPECT_EQ(q.tensorDecodeScale, 1.0f / 224.0f);
  std::vector<float> d = dequantize(q);
  EXPECT_TRUE(std::isnan(d[0]));
  EXPECT_TRUE(std::isnan(d[3]));
  EXPECT_EQ(d[1], 224.0f * (1.0f / 224.0f));
  // All NaN: amax 0, S_enc 1.
  QuantizedTensor n = quant({nan, nan}, {2, 1});
  EXPECT_EQ(n.tensorDecodeScale, 1.0f);
  EXPECT_EQ(n.elements, (std::vector<uint8_t>{0x7f, 0x7f}));
}

TEST(PerTensorTest, InfinityFollowsTheFormula) {
  // amax = Inf: 448 / Inf = 0, so S_enc = 1; Inf saturates to 448 and the
  // finite values are encoded unscaled.
  float inf = INFINITY;
  QuantizedTensor q = quant({inf, 1.0f, -3.5f, -inf}, {1, 4});
  EXPECT_EQ(q.tensorDecodeScale, 1.0f);
  EXPECT_EQ(q.elements, (std::vector<uint8_t>{0x7e, 0x38, 0xc6, 0xfe}));
}

TEST(PerTensorTest, CalibratedScaleSaturates) {
  // S_dec = 0.5: S_enc = 2; 300 -> 600 saturates to 448; 3 -> 6 exact.
  QuantOptions o;
  o.tensorDecodeScale = 0.5f;
  QuantizedTensor q = quant({300.0f, -3.0f, -1000.0f, 0.0f}, {1, 4}, o);
  EXPECT_EQ(q.tensorDecodeScale, 0.5f);
  EXPECT_EQ(q.elements, (std::vector<uint8_t>{0x7e, 0xcc, 0xfe, 0x00}));
  EXPECT_EQ(dequantize(q)[0], 224.0f);
  // A tiny calibrated S_dec clamps S_enc to FLT_MAX, as NVFP4.
  o.tensorDecodeScale = std::ldexp(1.0f, -140);
  QuantizedTensor t = quant({1.0f}, {1, 1}, o);
  EXPECT_EQ(t.elements[0], 0x7e);
  // Non-finite or non-positive scales are errors.
  for (float bad : {0.0f, -1.0f, INFINITY, std::nanf("")}) {
    o.tensorDecodeScale = bad;
    auto r = quantize({1.0f}, {1, 1}, {1, 1}, fp8t(), o);
    EXPECT_FALSE(bool(r));
    llvm::consumeError(r.takeError());
  }
}

TEST(PerTensorTest, OptionErrors) {
  // The block must be the whole tensor; only the tensor rule applies.
  auto r = quantize({1, 2, 3, 4}, {2, 2}, {1, 2}, fp8t());
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("whole tensor"),
            std::string::npos);
  QuantOptions o;
  o.scaleMode = ScaleMode::Floor;
  auto m = quantize({1, 2}, {1, 2}, {1, 2}, fp8t(), o);
  ASSERT_FALSE(bool(m));
  EXPECT_NE(llvm::toString(m.takeError()).find("allowed: tensor"),
            std::string::npos);
  // The tensor rule is not valid for block-scaled formats.
  auto b = quantize({1, 2}, {1, 2}, {1, 2},
                    {ElemKind::E4M3, ScaleKind::E8M0, false, 2}, o = {});
  EXPECT_TRUE(bool(b));
  if (!b)
    llvm::consumeError(b.takeError());
  o.scaleMode = ScaleMode::Tensor;
  auto c = quantize({1, 2}, {1, 2}, {1, 2},
                    {ElemKind::E4M3, ScaleKind::E8M0, false, 2}, o);
  EXPECT_FALSE(bool(c));
  llvm::consumeError(c.takeError());
}

TEST(PerTensorTest, StochasticRounding) {
  // amax = 448: S_enc = 1. 1.03125 is a quarter of the way from 1 to 1.125
  // (quantum 1/8): bytes >= 192 round up.
  QuantOptions o;
  o.rounding = Rounding::Stochastic;
  std::vector<uint8_t> bytes = {0, 191, 192, 255};
  o.randomBits = bytes;
  QuantizedTensor q = quant({1.03125f, 1.03125f, 1.03125f, 448.0f}, {1, 4}, o);
  EXPECT_EQ(q.elements, (std::vector<uint8_t>{0x38, 0x38, 0x39, 0x7e}));
}

TEST(PerTensorTest, RandomMatchesIndependentFormula) {
  std::mt19937 rng(7);
  std::lognormal_distribution<float> mag(0.0f, 4.0f);
  for (int trial = 0; trial < 200; ++trial) {
    int64_t n = 1 + int64_t(rng() % 64);
    std::vector<float> v(n);
    for (float &x : v)
      x = (rng() & 1 ? -1.0f : 1.0f) * mag(rng);
    QuantizedTensor q = quant(v, {1, n});
    float amax = 0;
    for (float x : v)
      amax = std::max(amax, std::fabs(x));
    volatile float enc = 448.0f / amax;
    float e = std::fmin(enc, FLT_MAX);
    ASSERT_EQ(fb(q.tensorDecodeScale), fb(1.0f / e));
    for (int64_t i = 0; i < n; ++i) {
      volatile float scaled = v[i] * e;
      ASSERT_EQ(q.elements[i], oracle::encode(ElemKind::E4M3, scaled, 0))
          << v[i];
    }
  }
}

TEST(PerTensorTest, BitsAndErrorMetrics) {
  QuantizedTensor q = quant({1.0f, 2.0f, 3.0f, 4.0f}, {2, 2});
  // 8 bits per element plus one f32 over 4 elements.
  EXPECT_EQ(getBitsPerElement(q), 8.0 + 32.0 / 4.0);
  ErrorStats s = computeErrorStats({1.0f, 2.0f, 3.0f, 4.0f}, q);
  double e = 3.0 - double(dequantize(q)[2]);
  double e0 = 1.0 - double(dequantize(q)[0]);
  double e1 = 2.0 - double(dequantize(q)[1]);
  double e3 = 4.0 - double(dequantize(q)[3]);
  EXPECT_EQ(s.relMse, (e0 * e0 + e1 * e1 + e * e + e3 * e3) / 30.0);
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

TEST(PerTensorTest, MatmulTimesPlainAppliesSdecAfterTheSum) {
  // A = [[1, 2, 3, 4]] per tensor (codes 112, 224, 320, 448; S_dec =
  // f32(1/112)), B = plain [[1], [1], [1], [0.5]]: one block along K.
  QuantizedTensor a = quant({1.0f, 2.0f, 3.0f, 4.0f}, {1, 4});
  std::vector<float> bv = {1.0f, 1.0f, 1.0f, 0.5f};
  int64_t shapeB[] = {4, 1};
  MatmulResult r = unwrap(matmul(MatmulOperand(a), MatmulOperand(bv, shapeB)));
  ASSERT_EQ(r.values.size(), 1u);
  // (112 + 224 + 320 + 224) * S_dec = 880 * S_dec, one rounding.
  EXPECT_EQ(fb(r.values[0]), fb(880.0f * a.tensorDecodeScale));
  EXPECT_EQ(
      unwrap(getMatmulKBlock(MatmulOperand(a), MatmulOperand(bv, shapeB))), 4);
}

TEST(PerTensorTest, MatmulWithBlockScaledPartner) {
  // K = 64: the MXFP8 partner's 32-element blocks split K; A contributes no
  // block scale, only g = its S_dec after the sum.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  std::vector<float> av(2 * 64), bv(64 * 3);
  for (float &x : av)
    x = dist(rng);
  for (float &x : bv)
    x = dist(rng);
  QuantizedTensor a = quant(av, {2, 64});
  QuantizedTensor b =
      unwrap(quantize(bv, {64, 3}, {32, 1}, *lookupPreset("mxfp8_e4m3")));
  EXPECT_EQ(unwrap(getMatmulKBlock(MatmulOperand(a), MatmulOperand(b))), 32);
  MatmulResult r = unwrap(matmul(MatmulOperand(a), MatmulOperand(b)));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      float acc = 0;
      for (int64_t k0 = 0; k0 < 64; k0 += 32) {
        float partial = 0;
        for (int64_t k = k0; k < k0 + 32; ++k) {
          volatile float p =
              decodeElem(ElemKind::E4M3, a.elements[i * 64 + k]) *
              decodeElem(ElemKind::E4M3, b.elements[k * 3 + j]);
          partial = partial + p;
        }
        volatile float s =
            std::ldexp(partial, int(b.scales[(k0 / 32) * 3 + j]) - 127);
        acc = acc + s;
      }
      EXPECT_EQ(fb(r.values[i * 3 + j]), fb(acc * a.tensorDecodeScale))
          << i << "," << j;
    }
  // The operands swapped (B per tensor, A block-scaled along K).
  QuantizedTensor a2 =
      unwrap(quantize(av, {2, 64}, {1, 32}, *lookupPreset("mxfp8_e4m3")));
  QuantizedTensor b2 = quant(bv, {64, 3});
  EXPECT_EQ(unwrap(getMatmulKBlock(MatmulOperand(a2), MatmulOperand(b2))), 32);
  EXPECT_TRUE(bool(matmul(MatmulOperand(a2), MatmulOperand(b2))));
}

TEST(PerTensorTest, MatmulTensorScalesMultiply) {
  // Per tensor x NVFP4 and per tensor x per tensor: g = f32(S_decA * S_decB).
  std::vector<float> av = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f,
                           1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f};
  QuantizedTensor a = quant(av, {1, 16});
  QuantizedTensor b = quant(av, {16, 1});
  MatmulResult r = unwrap(matmul(MatmulOperand(a), MatmulOperand(b)));
  float partial = 0;
  for (int k = 0; k < 16; ++k) {
    volatile float p = decodeElem(ElemKind::E4M3, a.elements[k]) *
                       decodeElem(ElemKind::E4M3, b.elements[k]);
    partial = partial + p;
  }
  volatile float g = a.tensorDecodeScale * b.tensorDecodeScale;
  EXPECT_EQ(fb(r.values[0]), fb(partial * g));

  QuantizedTensor nv =
      unwrap(quantize(av, {16, 1}, {16, 1}, *lookupPreset("nvfp4")));
  MatmulResult rn = unwrap(matmul(MatmulOperand(a), MatmulOperand(nv)));
  partial = 0;
  for (int k = 0; k < 16; ++k) {
    volatile float p = decodeElem(ElemKind::E4M3, a.elements[k]) *
                       decodeElem(ElemKind::E2M1, nv.elements[k]);
    partial = partial + p;
  }
  volatile float scaled = partial * decodeScale(ScaleKind::UE4M3, nv.scales[0]);
  volatile float g2 = a.tensorDecodeScale * nv.tensorDecodeScale;
  EXPECT_EQ(fb(rn.values[0]), fb(scaled * g2));
}

TEST(PerTensorTest, MatmulBatchedAndNaN) {
  // A batched per-tensor operand has one scale over all batches (its block
  // is the whole tensor), which the matmul accepts.
  std::vector<float> av = {1.0f, 2.0f, 3.0f, 4.0f, std::nanf(""), 1.0f};
  QuantizedTensor a = quant(av, {3, 1, 2});
  std::vector<float> bv = {1.0f, 1.0f, 2.0f, 2.0f, 1.0f, 1.0f};
  int64_t shapeB[] = {3, 2, 1};
  MatmulResult r = unwrap(matmul(MatmulOperand(a), MatmulOperand(bv, shapeB)));
  ASSERT_EQ(r.values.size(), 3u);
  // amax = 4: codes 112, 224 | 320, 448 | NaN, 112.
  EXPECT_EQ(fb(r.values[0]), fb(336.0f * a.tensorDecodeScale));
  EXPECT_EQ(fb(r.values[1]), fb(1536.0f * a.tensorDecodeScale));
  EXPECT_TRUE(std::isnan(r.values[2]));
  // A per-tensor operand whose block is not the whole tensor is rejected.
  QuantizedTensor bad = a;
  bad.block = {1, 1, 2};
  auto e = matmul(MatmulOperand(bad), MatmulOperand(bv, shapeB));
  ASSERT_FALSE(bool(e));
  EXPECT_NE(llvm::toString(e.takeError()).find("whole tensor"),
            std::string::npos);
}

} // namespace
