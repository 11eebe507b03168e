//===- HadamardTest.cpp - Reference block Hadamard transform tests --------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Hadamard.h"
#include "mx/Numerics/Codec.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>

using namespace mxref;

namespace {

constexpr int64_t kSizes[] = {16, 32, 64, 128};

/// The textbook stateful SplitMix64 generator (Steele et al.), written
/// independently of the library's counter-based form: output j of the
/// generator seeded with `seed` must be the library's z for counter j.
struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

/// The n x n Sylvester Hadamard matrix, built by H_2k = [[H,H],[H,-H]].
std::vector<std::vector<double>> sylvester(int64_t n) {
  std::vector<std::vector<double>> h = {{1.0}};
  for (int64_t k = 1; k < n; k *= 2) {
    std::vector<std::vector<double>> next(2 * k, std::vector<double>(2 * k));
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j) {
        next[i][j] = next[i][j + k] = next[i + k][j] = h[i][j];
        next[i + k][j + k] = -h[i][j];
      }
    h = std::move(next);
  }
  return h;
}

std::vector<float> unwrap(llvm::Expected<std::vector<float>> r) {
  if (!r) {
    ADD_FAILURE() << llvm::toString(r.takeError());
    return {};
  }
  return std::move(*r);
}

std::string errorOf(llvm::Expected<std::vector<float>> r) {
  if (r) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return llvm::toString(r.takeError());
}

TEST(HadamardTest, SignsMatchStatefulSplitMix64) {
  // Published SplitMix64 vector: the first output for seed 0 is
  // 0xE220A8397B1DCDAF, whose top bit is set, so s_0 = -1.
  SplitMix64 check{0};
  EXPECT_EQ(check.next(), 0xe220a8397b1dcdafull);
  EXPECT_EQ(hadamardSign(0, 0), -1);

  for (uint64_t seed :
       {uint64_t(0), uint64_t(42), uint64_t(0xdeadbeef), ~uint64_t(0)}) {
    SplitMix64 gen{seed};
    for (uint64_t j = 0; j < 256; ++j) {
      int expected = (gen.next() >> 63) ? -1 : 1;
      ASSERT_EQ(hadamardSign(seed, j), expected)
          << "seed " << seed << " j " << j;
    }
  }
}

TEST(HadamardTest, FirstSignsOfSeeds0And42) {
  // Top bits of SplitMix64 outputs 0..31, computed with a separate
  // arbitrary-precision implementation (Python): seed 0 starts
  // 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f (- + +);
  // seed 42 starts 0xbdd732262feb6e95, 0x28efe333b266f103 (- +).
  const char *seed0 = "-++-+++-+-+-----+-+----+--++---+";
  const char *seed42 = "-++++-+-+-++---++++--+--++------";
  std::vector<int8_t> s0 = getHadamardSigns(uint64_t(0), 32);
  std::vector<int8_t> s42 = getHadamardSigns(uint64_t(42), 32);
  ASSERT_EQ(s0.size(), 32u);
  ASSERT_EQ(s42.size(), 32u);
  for (int j = 0; j < 32; ++j) {
    EXPECT_EQ(s0[j], seed0[j] == '-' ? -1 : 1) << "seed 0, j " << j;
    EXPECT_EQ(s42[j], seed42[j] == '-' ? -1 : 1) << "seed 42, j " << j;
  }
  // Deterministic: the same call gives the same vector.
  EXPECT_EQ(getHadamardSigns(uint64_t(42), 32), s42);
  // No seed: all +1.
  EXPECT_EQ(getHadamardSigns(std::nullopt, 16), std::vector<int8_t>(16, 1));
}

TEST(HadamardTest, ScaleIsCorrectlyRounded) {
  const uint32_t expected[] = {0x3e800000u, 0x3e3504f3u, 0x3e000000u,
                               0x3db504f3u}; // 0.25, -, 0.125, -
  for (auto [i, n] : llvm::enumerate(kSizes)) {
    std::optional<float> c = getHadamardScale(n);
    ASSERT_TRUE(c) << n;
    EXPECT_EQ(floatBits(*c), expected[i]) << n;
    // Nearer to 1/sqrt(n) than both f32 neighbours (long double has 64
    // significand bits, ample to separate them).
    long double exact = 1.0L / std::sqrt((long double)n);
    long double err = std::fabs((long double)*c - exact);
    EXPECT_LT(err, std::fabs((long double)std::nextafter(*c, 0.0f) - exact));
    EXPECT_LT(err, std::fabs((long double)std::nextafter(*c, 1.0f) - exact));
  }
  EXPECT_FALSE(getHadamardScale(8));
  EXPECT_FALSE(getHadamardScale(256));
  EXPECT_FALSE(getHadamardScale(48));
}

TEST(HadamardTest, UnitVectorsGiveHadamardColumns) {
  // Without signs, H16 e_0 / 4 is the first column of H16 over 4 (all
  // 0.25), and H16 e_1 / 4 alternates +0.25, -0.25.
  std::vector<float> x(32, 0.0f);
  x[0] = 1.0f;  // group 0: e_0
  x[17] = 1.0f; // group 1: e_1
  std::vector<float> y = unwrap(hadamard(x, {32}, 0, 16, std::nullopt));
  ASSERT_EQ(y.size(), 32u);
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(floatBits(y[j]), floatBits(0.25f)) << j;
    EXPECT_EQ(floatBits(y[16 + j]), floatBits(j % 2 ? -0.25f : 0.25f)) << j;
  }
}

TEST(HadamardTest, MatchesSylvesterMatrix) {
  // Integer inputs: the butterfly is exact, so y_i = f32(sum * c_n) with
  // sum = sum_j H_ij s_j x_j evaluated exactly in double. Three groups
  // along the axis check that every group uses the same s_0 .. s_{n-1}.
  for (int64_t n : kSizes) {
    std::vector<std::vector<double>> h = sylvester(n);
    float c = *getHadamardScale(n);
    for (std::optional<uint64_t> seed :
         {std::optional<uint64_t>(), std::optional<uint64_t>(42)}) {
      std::vector<int8_t> s = getHadamardSigns(seed, n);
      std::vector<float> x(3 * n);
      for (int64_t i = 0; i < 3 * n; ++i)
        x[i] = float((i * 7 + 3) % 11) - 5.0f;
      std::vector<float> y = unwrap(hadamard(x, {3 * n}, 0, n, seed));
      ASSERT_EQ(y.size(), x.size());
      for (int64_t g = 0; g < 3; ++g)
        for (int64_t i = 0; i < n; ++i) {
          double sum = 0;
          for (int64_t j = 0; j < n; ++j)
            sum += h[i][j] * s[j] * x[g * n + j];
          float expected = float(sum) * c;
          ASSERT_EQ(floatBits(y[g * n + i]), floatBits(expected))
              << "n " << n << " group " << g << " i " << i;
        }
    }
  }
}

TEST(HadamardTest, TransformerEngineSignVectorForm) {
  // TE: x' = x_tiles(., 16) @ (S H16) / 4 with S = diag(sign vector)
  // multiplying the rows of H16 (docs/Numerics.md §7). Row vector times S H16
  // is (H16 S x) since H16 is symmetric. Dyadic inputs keep f32 exact.
  const int8_t te[16] = {1,  1,  1,  -1, 1,  -1, -1, -1,
                         -1, -1, -1, 1,  -1, 1,  -1, -1};
  std::vector<std::vector<double>> h = sylvester(16);
  std::vector<float> x(4 * 16);
  for (int64_t i = 0; i < 4 * 16; ++i)
    x[i] = float((i * 5 + 1) % 13) * 0.5f - 3.0f;
  std::vector<float> y =
      unwrap(hadamardWithSigns(x, {4, 16}, 1, llvm::ArrayRef(te)));
  ASSERT_EQ(y.size(), x.size());
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t col = 0; col < 16; ++col) {
      double v = 0;
      for (int64_t k = 0; k < 16; ++k)
        v += x[r * 16 + k] * (te[k] * h[k][col]);
      EXPECT_EQ(floatBits(y[r * 16 + col]), floatBits(float(v / 4)))
          << r << "," << col;
    }
}

TEST(HadamardTest, InverseUndoesForward) {
  // Exact for n = 16, 64 (c_n a power of two) on small integers.
  for (int64_t n : {16, 64}) {
    std::vector<float> x(2 * n);
    for (int64_t i = 0; i < 2 * n; ++i)
      x[i] = float((i * 13 + 5) % 17) - 8.0f;
    std::vector<float> y = unwrap(hadamard(x, {2, n}, 1, n, 7));
    std::vector<float> back = unwrap(hadamard(y, {2, n}, 1, n, 7, true));
    ASSERT_EQ(back.size(), x.size());
    // Equal in value; a zero may come back as -0 (s_j * +0 with s_j = -1).
    for (int64_t i = 0; i < 2 * n; ++i)
      EXPECT_EQ(back[i], x[i]) << n << " " << i;
  }
  // In general: with L = log2(n) and u = 2^-24, each butterfly pass plus its
  // scaling errs by at most gamma(L+1) * ||x||_1 (per group, after mapping
  // back), and c_n^2 n = 1 + O(2u), so
  //   |x'_j - x_j| <= (2 L + 6) u ||x||_1.
  for (int64_t n : kSizes) {
    std::vector<float> x(3 * n);
    uint32_t lcg = 12345;
    for (float &v : x) {
      lcg = lcg * 1664525u + 1013904223u;
      v = float(int32_t(lcg >> 8) - (1 << 23)) / float(1 << 22); // [-2, 2)
    }
    std::vector<float> y = unwrap(hadamard(x, {3 * n}, 0, n, 99));
    std::vector<float> back = unwrap(hadamard(y, {3 * n}, 0, n, 99, true));
    ASSERT_EQ(back.size(), x.size());
    double l = std::log2(double(n));
    for (int64_t g = 0; g < 3; ++g) {
      double norm1 = 0;
      for (int64_t j = 0; j < n; ++j)
        norm1 += std::fabs(x[g * n + j]);
      double bound = (2 * l + 6) * std::ldexp(1.0, -24) * norm1;
      for (int64_t j = 0; j < n; ++j)
        EXPECT_LE(std::fabs(double(back[g * n + j]) - x[g * n + j]), bound)
            << n << " " << g << " " << j;
    }
  }
}

TEST(HadamardTest, AxisOtherThanLast) {
  // A [32, 3] tensor transformed along axis 0 equals its [3, 32] transpose
  // transformed along axis 1, transposed back.
  std::vector<float> x(32 * 3), xt(3 * 32);
  for (int64_t i = 0; i < 32; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      x[i * 3 + j] = float((i * 3 + j) % 9) * 0.375f - 1.0f;
      xt[j * 32 + i] = x[i * 3 + j];
    }
  std::vector<float> y = unwrap(hadamard(x, {32, 3}, 0, 16, 5));
  std::vector<float> yt = unwrap(hadamard(xt, {3, 32}, 1, 16, 5));
  ASSERT_EQ(y.size(), 96u);
  ASSERT_EQ(yt.size(), 96u);
  for (int64_t i = 0; i < 32; ++i)
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_EQ(floatBits(y[i * 3 + j]), floatBits(yt[j * 32 + i]))
          << i << "," << j;

  // A middle axis: [2, 32, 3] along axis 1 matches slice by slice.
  std::vector<float> z(2 * 32 * 3);
  for (size_t i = 0; i < z.size(); ++i)
    z[i] = float(i % 7) - 3.0f;
  std::vector<float> zy = unwrap(hadamard(z, {2, 32, 3}, 1, 32, 5));
  ASSERT_EQ(zy.size(), z.size());
  for (int64_t b = 0; b < 2; ++b) {
    std::vector<float> slice(z.begin() + b * 96, z.begin() + (b + 1) * 96);
    std::vector<float> sy = unwrap(hadamard(slice, {32, 3}, 0, 32, 5));
    for (int64_t i = 0; i < 96; ++i)
      EXPECT_EQ(floatBits(zy[b * 96 + i]), floatBits(sy[i])) << b << " " << i;
  }
}

TEST(HadamardTest, ErrorPaths) {
  std::vector<float> x(64, 1.0f);
  for (int64_t n : {8, 48, 256, 0, -16})
    EXPECT_NE(errorOf(hadamard(x, {64}, 0, n, std::nullopt))
                  .find("Hadamard size must be"),
              std::string::npos)
        << n;
  EXPECT_NE(errorOf(hadamard(x, {2, 32}, 1, 64, std::nullopt))
                .find("does not divide dimension 1"),
            std::string::npos);
  EXPECT_NE(errorOf(hadamard(x, {4, 16}, 0, 16, std::nullopt))
                .find("does not divide dimension 0"),
            std::string::npos);
  EXPECT_NE(errorOf(hadamard(x, {64}, 1, 16, std::nullopt)).find("axis 1"),
            std::string::npos);
  EXPECT_NE(errorOf(hadamard(x, {64}, -1, 16, std::nullopt)).find("axis -1"),
            std::string::npos);
  EXPECT_NE(errorOf(hadamard(x, {32}, 0, 16, std::nullopt))
                .find("expected 32 values"),
            std::string::npos);
  EXPECT_NE(
      errorOf(hadamard(x, {-2, -32}, 1, 16, std::nullopt)).find("non-negative"),
      std::string::npos);
  std::vector<int8_t> bad(16, 1);
  bad[3] = 0;
  EXPECT_NE(errorOf(hadamardWithSigns(x, {64}, 0, bad)).find("sign 3"),
            std::string::npos);
}

} // namespace
