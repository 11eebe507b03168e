//===- MatmulTest.cpp - Reference block-scaled matmul tests ---------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Matmul.h"
#include "mx/Numerics/Codec.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>

using namespace mxref;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// A tensor of `preset` with all element codes 0 and all scales `scale`.
QuantizedTensor makeQ(const char *preset, llvm::ArrayRef<int64_t> shape,
                      llvm::ArrayRef<int64_t> block, uint8_t scale,
                      float tensorDecodeScale = 1.0f) {
  QuantizedTensor q;
  q.format = *lookupPreset(preset);
  q.shape.assign(shape.begin(), shape.end());
  q.block.assign(block.begin(), block.end());
  q.elements.assign(q.getNumElements(), 0);
  q.scales.assign(q.getNumBlocks(), scale);
  q.tensorDecodeScale = tensorDecodeScale;
  return q;
}

/// Row-major offset of `idx` in `shape`.
int64_t offset(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> idx) {
  int64_t off = 0;
  for (auto [s, i] : llvm::zip_equal(shape, idx))
    off = off * s + i;
  return off;
}

/// Element and scale decoding typed in from docs/Numerics.md §1, independent of
/// lib/Numerics, in long double (64-bit significand, 15-bit exponent).
long double refE4M3(uint8_t c) {
  int e = (c >> 3) & 15, m = c & 7;
  long double mag = e == 0 ? std::ldexp((long double)m, -9)
                           : std::ldexp((long double)(8 + m), e - 10);
  return (c & 0x80) ? -mag : mag;
}
long double refElem(ElemKind kind, uint8_t c) {
  static const long double e2m1[8] = {0, 0.5L, 1, 1.5L, 2, 3, 4, 6};
  switch (kind) {
  case ElemKind::E2M1:
    return (c & 8) ? -e2m1[c & 7] : e2m1[c & 7];
  case ElemKind::E4M3:
    return refE4M3(c);
  case ElemKind::INT8:
    return (long double)int8_t(c) / 64;
  default:
    ADD_FAILURE() << "no reference decoder for this kind";
    return 0;
  }
}
long double refScale(ScaleKind kind, uint8_t c) {
  return kind == ScaleKind::E8M0 ? std::ldexp(1.0L, int(c) - 127)
                                 : refE4M3(c & 0x7f);
}
/// The value of element `idx` of `q`, exactly (no tensor scale).
long double refValue(const QuantizedTensor &q, llvm::ArrayRef<int64_t> idx) {
  llvm::SmallVector<int64_t, 4> grid, bidx;
  for (auto [s, b, i] : llvm::zip_equal(q.shape, q.block, idx)) {
    grid.push_back(s / b);
    bidx.push_back(i / b);
  }
  return refElem(q.format.elem, q.elements[offset(q.shape, idx)]) *
         refScale(q.format.scale, q.scales[offset(grid, bidx)]);
}

/// The exact matmul of two rank-3 block-scaled tensors [B, M, K] x [B, K, N]
/// (rank-2 tensors get a batch of 1), times g, in long double. Exact while
/// the inputs keep every partial sum within 64 significant bits, which the
/// tests below do by a wide margin.
std::vector<long double> exactMatmul(const QuantizedTensor &a,
                                     const QuantizedTensor &b) {
  bool batched = a.shape.size() == 3;
  int64_t nb = batched ? a.shape[0] : 1;
  int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back();
  int64_t n = b.shape.back();
  long double g = 1;
  if (a.format.tensorScale && b.format.tensorScale)
    g = a.tensorDecodeScale * b.tensorDecodeScale; // f32(SdecA * SdecB)
  else if (a.format.tensorScale)
    g = a.tensorDecodeScale;
  else if (b.format.tensorScale)
    g = b.tensorDecodeScale;
  std::vector<long double> out;
  auto idx = [&](int64_t bt, int64_t r, int64_t c) {
    return batched ? llvm::SmallVector<int64_t, 4>{bt, r, c}
                   : llvm::SmallVector<int64_t, 4>{r, c};
  };
  for (int64_t bt = 0; bt < nb; ++bt)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        long double sum = 0;
        for (int64_t kk = 0; kk < k; ++kk)
          sum += refValue(a, idx(bt, i, kk)) * refValue(b, idx(bt, kk, j));
        out.push_back(sum * g);
      }
  return out;
}

MatmulResult unwrap(llvm::Expected<MatmulResult> r) {
  if (!r) {
    ADD_FAILURE() << llvm::toString(r.takeError());
    return {};
  }
  return std::move(*r);
}

std::string errorOf(llvm::Expected<MatmulResult> r) {
  if (r) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return llvm::toString(r.takeError());
}

#define EXPECT_BITS(actual, expected)                                          \
  EXPECT_EQ(floatBits(actual), floatBits(expected))

/// A small deterministic generator (a 32-bit LCG).
struct Lcg {
  uint32_t s;
  uint32_t next(uint32_t bound) {
    s = s * 1664525u + 1013904223u;
    return (s >> 8) % bound;
  }
};

/// Runs matmul and checks every output is bit-identical to the exact result,
/// after first checking the exact result is representable in f32 (the
/// precondition under which the documented f32 order is exact too).
void expectExact(const QuantizedTensor &a, const QuantizedTensor &b) {
  MatmulResult r = unwrap(matmul(a, b));
  std::vector<long double> exact = exactMatmul(a, b);
  ASSERT_EQ(r.values.size(), exact.size());
  for (size_t i = 0; i < exact.size(); ++i) {
    ASSERT_EQ((long double)(float)exact[i], exact[i])
        << "test inputs not exact at " << i;
    EXPECT_BITS(r.values[i], (float)exact[i]) << "output " << i;
  }
}

//===----------------------------------------------------------------------===//
// Hand-computed cases
//===----------------------------------------------------------------------===//

TEST(MatmulTest, Mxfp4TwoBlocksHandComputed) {
  // A [2, 64] with 1x32 blocks, B [64, 2] with 32x1 blocks (a [K, N] weight
  // quantized along K); two K blocks with distinct scales everywhere.
  QuantizedTensor a = makeQ("mxfp4", {2, 64}, {1, 32}, 0x7f);
  QuantizedTensor b = makeQ("mxfp4", {64, 2}, {32, 1}, 0x7f);
  auto setA = [&](int64_t m, int64_t k, uint8_t c) {
    a.elements[m * 64 + k] = c;
  };
  auto setB = [&](int64_t k, int64_t n, uint8_t c) {
    b.elements[k * 2 + n] = c;
  };
  setA(0, 0, 0x3);                     // 1.5
  setA(0, 1, 0xc);                     // -2
  setA(0, 33, 0x7);                    // 6
  setA(1, 5, 0x1);                     // 0.5
  setA(1, 40, 0xe);                    // -4
  setB(0, 0, 0x6);                     // 4
  setB(1, 0, 0x1);                     // 0.5
  setB(33, 0, 0xd);                    // -3
  setB(40, 0, 0x2);                    // 1
  setB(1, 1, 0x2);                     // 1
  setB(5, 1, 0x7);                     // 6
  setB(40, 1, 0x3);                    // 1.5
  a.scales = {0x80, 0x7d, 0x7f, 0x81}; // row 0: 2^1, 2^-2; row 1: 2^0, 2^2
  b.scales = {0x82, 0x7e, 0x7f, 0x84}; // block 0: 2^3, 2^-1; block 1: 1, 2^5
  MatmulResult r = unwrap(matmul(a, b));
  ASSERT_EQ(r.shape, (llvm::SmallVector<int64_t, 4>{2, 2}));
  ASSERT_EQ(r.values.size(), 4u);
  // (0,0): (1.5*4 - 2*0.5) * 2^(1+3) + (6*-3) * 2^(-2+0) = 80 - 4.5
  EXPECT_BITS(r.values[0], 75.5f);
  // (0,1): (-2*1) * 2^(1-1) + 0 = -2
  EXPECT_BITS(r.values[1], -2.0f);
  // (1,0): 0 + (-4*1) * 2^(2+0) = -16
  EXPECT_BITS(r.values[2], -16.0f);
  // (1,1): (0.5*6) * 2^(0-1) + (-4*1.5) * 2^(2+5) = 1.5 - 768
  EXPECT_BITS(r.values[3], -766.5f);
  expectExact(a, b);
}

TEST(MatmulTest, MixedE4M3TimesE2M1HandComputed) {
  QuantizedTensor a = makeQ("mxfp8_e4m3", {1, 64}, {1, 32}, 0x7f);
  QuantizedTensor b = makeQ("mxfp4", {64, 1}, {32, 1}, 0x7f);
  a.elements[0] = 0x7e;    // 448
  a.elements[32] = 0x01;   // 2^-9 (subnormal)
  a.elements[63] = 0xcf;   // -7.5
  b.elements[0] = 0x7;     // 6
  b.elements[32] = 0x1;    // 0.5
  b.elements[63] = 0x6;    // 4
  a.scales = {0x7f, 0x90}; // 1, 2^17
  b.scales = {0x7e, 0x70}; // 2^-1, 2^-15
  MatmulResult r = unwrap(matmul(a, b));
  ASSERT_EQ(r.values.size(), 1u);
  // block 0: 448*6 * 2^-1 = 1344
  // block 1: (2^-10 - 30) * 2^2 = -119.99609375 (partial exact in f32)
  EXPECT_BITS(r.values[0], 1224.00390625f);
  expectExact(a, b);
}

TEST(MatmulTest, Nvfp4TensorScalesHandComputed) {
  // Two 16-blocks with UE4M3 scales; g = f32(SdecA * SdecB) applied once at
  // the end.
  const float third = bitsToFloat(0x3eaaaaabu); // f32(1/3)
  QuantizedTensor a = makeQ("nvfp4", {1, 32}, {1, 16}, 0x38, third);
  QuantizedTensor b = makeQ("nvfp4", {32, 1}, {16, 1}, 0x38, third);
  a.elements[0] = 0x7;     // 6
  a.elements[16] = 0xb;    // -1.5
  b.elements[0] = 0x6;     // 4
  b.elements[16] = 0x5;    // 3
  a.scales = {0x3c, 0x41}; // 1.5, 2.25
  b.scales = {0x44, 0x30}; // 3, 0.5
  MatmulResult r = unwrap(matmul(a, b));
  ASSERT_EQ(r.values.size(), 1u);
  // acc = 24 * (1.5*3) + (-4.5) * (2.25*0.5) = 108 - 5.0625 = 102.9375
  // g = f32(third * third) = 0x3de38e3a; out = f32(102.9375 * g)
  // = 0x41370001 (11.4375010), whereas f32(f32(acc * third) * third) would
  // give 0x41370000.
  EXPECT_EQ(floatBits(r.values[0]), 0x41370001u);

  // Exact tensor scales: g = 0.5 * 0.25.
  a.tensorDecodeScale = 0.5f;
  b.tensorDecodeScale = 0.25f;
  r = unwrap(matmul(a, b));
  EXPECT_BITS(r.values[0], 12.8671875f); // 102.9375 / 8
  expectExact(a, b);
}

TEST(MatmulTest, PlainTimesMxfp4RoundsProducts) {
  // A is plain f32, so kb comes from B (32) and each product rounds once.
  const float tenth = bitsToFloat(0x3dcccccdu); // f32(0.1)
  std::vector<float> av(64, 0.0f);
  av[0] = av[1] = av[40] = tenth;
  QuantizedTensor b = makeQ("mxfp4", {64, 2}, {32, 1}, 0x7f);
  b.elements[0 * 2 + 0] = 0x1;  // 0.5
  b.elements[1 * 2 + 0] = 0x1;  // 0.5
  b.elements[40 * 2 + 0] = 0x5; // 3
  b.elements[0 * 2 + 1] = 0x1;  // 0.5
  b.elements[1 * 2 + 1] = 0x5;  // 3
  b.scales = {0x80, 0x7f,       // block 0: 2, 1
              0x7e, 0x7f};      // block 1: 0.5, 1
  int64_t shapeA[] = {1, 64};
  MatmulResult r = unwrap(matmul(MatmulOperand(av, shapeA), b));
  ASSERT_EQ(r.values.size(), 2u);
  // Column 0:
  // block 0: (0.05 + 0.05) * 2 = f32(0.1) * 2 = 0x3e4ccccd (exact steps)
  // block 1: f32(0x3dcccccd * 3) = 0x3e99999a (rounded up) * 0.5
  //          = 0x3e19999a
  // out = f32(0x3e4ccccd + 0x3e19999a) = 0x3eb33334; the exactly rounded
  // sum would be 0x3eb33333.
  EXPECT_EQ(floatBits(r.values[0]), 0x3eb33334u);
  // Column 1, both products in block 0: partial = f32(0x3d4ccccd +
  // f32(0.1f * 3) = 0x3e99999a) = 0x3eb33334; adding the unrounded product
  // (one rounding) would give 0x3eb33333.
  EXPECT_EQ(floatBits(r.values[1]), 0x3eb33334u);
}

TEST(MatmulTest, E8M0ExponentSumsBeyondF32Range) {
  QuantizedTensor a = makeQ("mxfp4", {1, 64}, {1, 32}, 0x7f);
  QuantizedTensor b = makeQ("mxfp4", {64, 2}, {32, 1}, 0x7f);
  a.elements[0] = 0x7;          // 6
  a.elements[32] = 0x3;         // 1.5
  b.elements[0 * 2 + 0] = 0x7;  // 6
  b.elements[32 * 2 + 0] = 0xe; // -4
  b.elements[0 * 2 + 1] = 0x1;  // 0.5
  b.elements[32 * 2 + 1] = 0xe; // -4
  a.scales = {0xfe, 0x10};      // 2^127, 2^-111
  b.scales = {0x01, 0xfe,       // block 0: 2^-126, 2^127
              0xf0, 0x00};      // block 1: 2^113, 2^-127
  MatmulResult r = unwrap(matmul(a, b));
  ASSERT_EQ(r.values.size(), 2u);
  // (0,0): 36 * 2^(127-126) + (-6) * 2^(-111+113) = 72 - 24. Forming
  // f32(36 * 2^127) first would overflow.
  EXPECT_BITS(r.values[0], 48.0f);
  // (0,1): 3 * 2^254 = +Inf; -6 * 2^-238 underflows to -0; Inf + -0 = Inf.
  EXPECT_BITS(r.values[1], INFINITY);

  // Rounding into the subnormal range happens once per block, at ldexp:
  // block 0: ldexp(0.5*3, -127-22) = 1.5 * 2^-149, a tie -> 2^-148;
  // block 1: ldexp(0.5*-1, -149) = -2^-150, a tie -> -0.
  // acc = 2^-148 (0x00000002); the exactly rounded sum 2^-149 would be 0x1.
  QuantizedTensor c = makeQ("mxfp4", {1, 64}, {1, 32}, 0x00);
  QuantizedTensor d = makeQ("mxfp4", {64, 1}, {32, 1}, 0x69);
  c.elements[0] = 0x1;  // 0.5
  c.elements[32] = 0x1; // 0.5
  d.elements[0] = 0x5;  // 3
  d.elements[32] = 0xa; // -1
  r = unwrap(matmul(c, d));
  ASSERT_EQ(r.values.size(), 1u);
  EXPECT_EQ(floatBits(r.values[0]), 0x00000002u);
}

TEST(MatmulTest, NaNScaleGivesNaN) {
  QuantizedTensor a = makeQ("mxfp4", {2, 64}, {1, 32}, 0x7f);
  QuantizedTensor b = makeQ("mxfp4", {64, 2}, {32, 1}, 0x7f);
  a.elements[0] = 0x2; // 1 (row 0; row 1 stays 0)
  b.elements[0] = 0x2; // 1
  a.scales[1] = 0xff;  // row 0, block 1: NaN, although its elements are 0
  MatmulResult r = unwrap(matmul(a, b));
  ASSERT_EQ(r.values.size(), 4u);
  EXPECT_TRUE(std::isnan(r.values[0]));
  EXPECT_TRUE(std::isnan(r.values[1]));
  EXPECT_BITS(r.values[2], 0.0f);
  EXPECT_BITS(r.values[3], 0.0f);

  // UE4M3: 0x7f and, the sign bit being ignored, 0xff are NaN.
  for (uint8_t nan : {uint8_t(0x7f), uint8_t(0xff)}) {
    QuantizedTensor c = makeQ("nvfp4", {1, 32}, {1, 16}, 0x38);
    QuantizedTensor d = makeQ("nvfp4", {32, 2}, {16, 1}, 0x38);
    d.scales[3] = nan; // block 1, column 1
    r = unwrap(matmul(c, d));
    ASSERT_EQ(r.values.size(), 2u);
    EXPECT_BITS(r.values[0], 0.0f);
    EXPECT_TRUE(std::isnan(r.values[1])) << int(nan);
  }
}

//===----------------------------------------------------------------------===//
// Generated cases against the exact long double result
//===----------------------------------------------------------------------===//

// Each generator keeps the exact result within 24 significant bits, so the
// f32 reference order must reproduce it bit for bit.

TEST(MatmulTest, RandomMxfp4MatchesExact) {
  Lcg rng{1};
  // Sums of 32 E2M1 products: multiples of 0.25 below 2^11; 3 blocks with
  // exponent sums spread over 8 binades stay within 22 bits.
  QuantizedTensor a = makeQ("mxfp4", {3, 96}, {1, 32}, 0);
  QuantizedTensor b = makeQ("mxfp4", {96, 4}, {32, 1}, 0);
  for (uint8_t &c : a.elements)
    c = rng.next(16);
  for (uint8_t &c : b.elements)
    c = rng.next(16);
  for (uint8_t &s : a.scales)
    s = 0x8e + rng.next(5); // 2^15 .. 2^19
  for (uint8_t &s : b.scales)
    s = 0x5e + rng.next(5); // 2^-33 .. 2^-29
  expectExact(a, b);
}

TEST(MatmulTest, RandomMixedE4M3TimesE2M1MatchesExact) {
  Lcg rng{2};
  // E4M3 in [2^-2, 30): products are multiples of 2^-6 below 180.
  QuantizedTensor a = makeQ("mxfp8_e4m3", {3, 64}, {1, 32}, 0);
  QuantizedTensor b = makeQ("mxfp4", {64, 4}, {32, 1}, 0);
  for (uint8_t &c : a.elements)
    c = uint8_t((rng.next(2) << 7) | ((5 + rng.next(7)) << 3) | rng.next(8));
  for (uint8_t &c : b.elements)
    c = rng.next(16);
  for (uint8_t &s : a.scales)
    s = 0x7e + rng.next(3);
  for (uint8_t &s : b.scales)
    s = 0x7e + rng.next(3);
  expectExact(a, b);
}

TEST(MatmulTest, RandomMxint8MatchesExact) {
  Lcg rng{3};
  // Products are multiples of 2^-12 with |.| <= 4 (0x80 = -2 included).
  QuantizedTensor a = makeQ("mxint8", {2, 96}, {1, 32}, 0);
  QuantizedTensor b = makeQ("mxint8", {96, 3}, {32, 1}, 0);
  for (uint8_t &c : a.elements)
    c = rng.next(256);
  for (uint8_t &c : b.elements)
    c = rng.next(256);
  for (uint8_t &s : a.scales)
    s = 0x7f + rng.next(2);
  for (uint8_t &s : b.scales)
    s = 0x7e + rng.next(2);
  expectExact(a, b);
}

void randomNvfp4Scales(Lcg &rng, QuantizedTensor &a, QuantizedTensor &b) {
  for (uint8_t &c : a.elements)
    c = rng.next(16);
  for (uint8_t &c : b.elements)
    c = rng.next(16);
  for (uint8_t &s : a.scales)
    s = uint8_t(((7 + rng.next(2)) << 3) | rng.next(8)); // [1, 3.75]
  for (uint8_t &s : b.scales)
    s = uint8_t((7 << 3) | rng.next(8)); // [1, 1.875]
}

TEST(MatmulTest, RandomNvfp4MatchesExact) {
  Lcg rng{4};
  QuantizedTensor a = makeQ("nvfp4", {3, 64}, {1, 16}, 0, 0.5f);
  QuantizedTensor b = makeQ("nvfp4", {64, 4}, {16, 1}, 0, 0.25f);
  randomNvfp4Scales(rng, a, b);
  expectExact(a, b);
}

TEST(MatmulTest, Random16x16TilesMatchExact) {
  // Both operands with 16x16 tiles (NVFP4 2-D weight scaling): A's block
  // along M and B's block along N are 16.
  Lcg rng{5};
  QuantizedTensor a = makeQ("nvfp4", {32, 32}, {16, 16}, 0, 0.5f);
  QuantizedTensor b = makeQ("nvfp4", {32, 32}, {16, 16}, 0, 2.0f);
  randomNvfp4Scales(rng, a, b);
  expectExact(a, b);
  // Only B tiled; A keeps 1x16 blocks.
  QuantizedTensor c = makeQ("nvfp4", {3, 32}, {1, 16}, 0, 1.0f);
  randomNvfp4Scales(rng, c, b);
  expectExact(c, b);
}

TEST(MatmulTest, MixedUE4M3AndE8M0Scales) {
  // NVFP4 elements with 32-blocks against MXFP4: u is A's UE4M3 scale, e is
  // B's E8M0 exponent, g is A's S_dec alone.
  Lcg rng{6};
  QuantizedTensor a = makeQ("nvfp4", {2, 64}, {1, 32}, 0, 0.75f);
  QuantizedTensor b = makeQ("mxfp4", {64, 3}, {32, 1}, 0);
  for (uint8_t &c : a.elements)
    c = rng.next(16);
  for (uint8_t &c : b.elements)
    c = rng.next(16);
  for (uint8_t &s : a.scales)
    s = uint8_t(((6 + rng.next(3)) << 3) | rng.next(8));
  for (uint8_t &s : b.scales)
    s = 0x7d + rng.next(5);
  expectExact(a, b);
}

TEST(MatmulTest, BatchDimensions) {
  Lcg rng{7};
  QuantizedTensor a = makeQ("mxfp4", {2, 3, 64}, {1, 1, 32}, 0);
  QuantizedTensor b = makeQ("mxfp4", {2, 64, 2}, {1, 32, 1}, 0);
  for (uint8_t &c : a.elements)
    c = rng.next(16);
  for (uint8_t &c : b.elements)
    c = rng.next(16);
  for (uint8_t &s : a.scales)
    s = 0x7d + rng.next(5);
  for (uint8_t &s : b.scales)
    s = 0x7d + rng.next(5);
  MatmulResult r = unwrap(matmul(a, b));
  EXPECT_EQ(r.shape, (llvm::SmallVector<int64_t, 4>{2, 3, 2}));
  expectExact(a, b);

  // Batch 1 uses its own scales: the same codes in both batches, batch 1's
  // scales one binade up for A and two for B, give outputs 8x batch 0's.
  std::copy(a.elements.begin(), a.elements.begin() + 3 * 64,
            a.elements.begin() + 3 * 64);
  std::copy(b.elements.begin(), b.elements.begin() + 64 * 2,
            b.elements.begin() + 64 * 2);
  for (int64_t i = 0; i < 6; ++i)
    a.scales[6 + i] = a.scales[i] + 1;
  for (int64_t i = 0; i < 4; ++i)
    b.scales[4 + i] = b.scales[i] + 2;
  r = unwrap(matmul(a, b));
  ASSERT_EQ(r.values.size(), 12u);
  for (int64_t i = 0; i < 6; ++i)
    EXPECT_BITS(r.values[6 + i], r.values[i] * 8.0f) << i;
}

//===----------------------------------------------------------------------===//
// Error bound
//===----------------------------------------------------------------------===//

TEST(MatmulTest, ErrorBoundFormula) {
  // The hand case of Mxfp4TwoBlocksHandComputed, output (0,0): K = 64, two
  // blocks, no tensor scale, so n = 66 and
  //   S = (1.5*4 + 2*0.5) * 2^4 + (6*3) * 2^-2 = 112 + 4.5 = 116.5.
  QuantizedTensor a = makeQ("mxfp4", {1, 64}, {1, 32}, 0x7f);
  QuantizedTensor b = makeQ("mxfp4", {64, 1}, {32, 1}, 0x7f);
  a.elements[0] = 0x3;
  a.elements[1] = 0xc;
  a.elements[33] = 0x7;
  b.elements[0] = 0x6;
  b.elements[1] = 0x1;
  b.elements[33] = 0xd;
  a.scales = {0x80, 0x7d};
  b.scales = {0x82, 0x7f};
  llvm::Expected<std::vector<double>> bound = matmulErrorBound(a, b);
  ASSERT_TRUE(bool(bound)) << llvm::toString(bound.takeError());
  ASSERT_EQ(bound->size(), 1u);
  double u = std::ldexp(1.0, -24);
  double expected = 66 * u / (1 - 66 * u) * 116.5 + 66 * std::ldexp(1.0, -149);
  EXPECT_EQ((*bound)[0], expected);

  // With a tensor scale: n = K + blocks + 1 and everything times |g|.
  QuantizedTensor c = makeQ("nvfp4", {1, 32}, {1, 16}, 0x38, 0.5f);
  QuantizedTensor d = makeQ("nvfp4", {32, 1}, {16, 1}, 0x38, 3.0f);
  c.elements[0] = 0x7;     // 6
  d.elements[0] = 0xe;     // -4
  c.elements[17] = 0x2;    // 1
  d.elements[17] = 0x3;    // 1.5
  c.scales = {0x40, 0x38}; // 2, 1
  // S = 24 * 2 + 1.5 = 49.5, g = 1.5, n = 32 + 2 + 1 = 35
  bound = matmulErrorBound(c, d);
  ASSERT_TRUE(bool(bound)) << llvm::toString(bound.takeError());
  expected =
      35 * u / (1 - 35 * u) * 1.5 * 49.5 + 35 * std::ldexp(1.0, -149) * 1.5;
  EXPECT_EQ((*bound)[0], expected);
}

TEST(MatmulTest, ErrorBoundCoversReorderedSums) {
  // A plain operand makes the products inexact, so the orders differ; the
  // reference and a reversed f32 evaluation both stay within the bound of
  // the exact value.
  Lcg rng{8};
  const int64_t m = 4, k = 128, n = 3;
  std::vector<float> av(m * k);
  for (float &v : av)
    v = float(int32_t(rng.next(1u << 24)) - (1 << 23)) / float(1 << 20);
  QuantizedTensor b = makeQ("mxfp4", {k, n}, {32, 1}, 0);
  for (uint8_t &c : b.elements)
    c = rng.next(16);
  for (uint8_t &s : b.scales)
    s = 0x78 + rng.next(15);
  int64_t shapeA[] = {m, k};
  MatmulOperand opA(av, shapeA);
  MatmulResult r = unwrap(matmul(opA, b));
  llvm::Expected<std::vector<double>> bound = matmulErrorBound(opA, b);
  ASSERT_TRUE(bool(bound)) << llvm::toString(bound.takeError());
  ASSERT_EQ(bound->size(), size_t(m * n));
  int differing = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      long double exact = 0;
      float reversed = 0;
      for (int64_t kk = k; kk-- > 0;) {
        long double s = refScale(ScaleKind::E8M0, b.scales[(kk / 32) * n + j]);
        long double ev = refElem(ElemKind::E2M1, b.elements[kk * n + j]);
        exact += (long double)av[i * k + kk] * ev * s;
        volatile float prod = av[i * k + kk] * float(ev * s);
        reversed = reversed + prod;
      }
      double bd = (*bound)[i * n + j];
      EXPECT_GT(bd, 0);
      EXPECT_LE(std::fabs((long double)r.values[i * n + j] - exact), bd);
      EXPECT_LE(std::fabs((long double)reversed - exact), bd);
      differing += reversed != r.values[i * n + j];
    }
  EXPECT_GT(differing, 0) << "the orders should differ somewhere";

  // A NaN scale gives a NaN bound.
  b.scales[0] = 0xff;
  bound = matmulErrorBound(opA, b);
  ASSERT_TRUE(bool(bound));
  EXPECT_TRUE(std::isnan((*bound)[0]));
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST(MatmulTest, ErrorPaths) {
  auto has = [](const std::string &msg, const char *what) {
    return msg.find(what) != std::string::npos;
  };
  QuantizedTensor a = makeQ("mxfp4", {2, 64}, {1, 32}, 0x7f);
  QuantizedTensor b = makeQ("mxfp4", {64, 2}, {32, 1}, 0x7f);

  // Mismatched K.
  QuantizedTensor b96 = makeQ("mxfp4", {96, 2}, {32, 1}, 0x7f);
  EXPECT_TRUE(has(errorOf(matmul(a, b96)), "contraction sizes differ"));
  // Different block sizes along K.
  QuantizedTensor b16 = makeQ("nvfp4", {64, 2}, {16, 1}, 0x38);
  EXPECT_TRUE(has(errorOf(matmul(a, b16)), "block sizes along K differ"));
  // Block > 1 on a batch dimension.
  QuantizedTensor a3 = makeQ("mxfp4", {2, 2, 64}, {2, 1, 32}, 0x7f);
  QuantizedTensor b3 = makeQ("mxfp4", {2, 64, 2}, {1, 32, 1}, 0x7f);
  EXPECT_TRUE(has(errorOf(matmul(a3, b3)), "batch dimension 0 must be 1"));
  // Batch dimensions differ.
  QuantizedTensor a3b = makeQ("mxfp4", {3, 2, 64}, {1, 1, 32}, 0x7f);
  EXPECT_TRUE(has(errorOf(matmul(a3b, b3)), "batch dimension 0 differs"));
  // Ranks differ; rank < 2.
  EXPECT_TRUE(has(errorOf(matmul(a, b3)), "ranks differ"));
  std::vector<float> v(64, 1.0f);
  int64_t rank1[] = {64};
  EXPECT_TRUE(has(errorOf(matmul(MatmulOperand(v, rank1), b)), "rank >= 2"));
  // Plain operand with the wrong number of values; non-positive sizes.
  int64_t shape2x64[] = {2, 64};
  EXPECT_TRUE(has(errorOf(matmul(MatmulOperand(v, shape2x64), b)),
                  "expected 128 values"));
  int64_t shape0[] = {0, 64};
  EXPECT_TRUE(
      has(errorOf(matmul(MatmulOperand(v, shape0), b)), "must be positive"));
  // Malformed quantized tensors.
  QuantizedTensor badScales = a;
  badScales.scales.pop_back();
  EXPECT_TRUE(has(errorOf(matmul(badScales, b)), "scale bytes"));
  QuantizedTensor badElems = b;
  badElems.elements.push_back(0);
  EXPECT_TRUE(has(errorOf(matmul(a, badElems)), "element codes"));
  QuantizedTensor badBlock = a;
  badBlock.block = {1, 24};
  EXPECT_TRUE(has(errorOf(matmul(badBlock, b)), "does not divide"));
  QuantizedTensor badFormat = a;
  badFormat.format.scale = ScaleKind::UE4M3; // e2m1/ue4m3 without tensor scale
  badFormat.format.tensorScale = false;
  badFormat.format.elem = ElemKind::INT8;
  EXPECT_TRUE(has(errorOf(matmul(badFormat, b)), "invalid format"));
  // The error bound checks the same.
  llvm::Expected<std::vector<double>> bound = matmulErrorBound(a, b96);
  ASSERT_FALSE(bool(bound));
  EXPECT_TRUE(has(llvm::toString(bound.takeError()), "contraction"));
  // And getMatmulKBlock gives kb when valid.
  llvm::Expected<int64_t> kb = getMatmulKBlock(a, b);
  ASSERT_TRUE(bool(kb));
  EXPECT_EQ(*kb, 32);
  kb = getMatmulKBlock(MatmulOperand(v, shape0), b);
  ASSERT_FALSE(bool(kb));
  llvm::consumeError(kb.takeError());
  std::vector<float> w(128, 1.0f);
  int64_t shape64x2[] = {64, 2};
  kb =
      getMatmulKBlock(MatmulOperand(w, shape2x64), MatmulOperand(w, shape64x2));
  ASSERT_TRUE(bool(kb));
  EXPECT_EQ(*kb, 64);
}

} // namespace
