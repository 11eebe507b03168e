//===- PackingTest.cpp - Packed element bytes and scale layouts -----------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// docs/Numerics.md §5: FP4 nibble order, the FP6 little-endian bit stream, and
// Blackwell's 128x4 scale-factor layout against an index-loop transcription
// of torchao's `to_blocked`.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Packing.h"

#include "gtest/gtest.h"

#include <random>
#include <vector>

using namespace mxref;

namespace {

using Bytes = std::vector<uint8_t>;

TEST(PackingTest, PackedSizes) {
  EXPECT_EQ(getPackedSize(ElemKind::E2M1, 0), 0);
  EXPECT_EQ(getPackedSize(ElemKind::E2M1, 1), 1);
  EXPECT_EQ(getPackedSize(ElemKind::E2M1, 32), 16);
  EXPECT_EQ(getPackedSize(ElemKind::E2M1, 33), 17);
  EXPECT_EQ(getPackedSize(ElemKind::E2M3, 4), 3);
  EXPECT_EQ(getPackedSize(ElemKind::E3M2, 16), 12);
  EXPECT_EQ(getPackedSize(ElemKind::E3M2, 5), 4); // 30 bits
  EXPECT_EQ(getPackedSize(ElemKind::E2M3, 1), 1);
  EXPECT_EQ(getPackedSize(ElemKind::E4M3, 7), 7);
  EXPECT_EQ(getPackedSize(ElemKind::E5M2, 7), 7);
  EXPECT_EQ(getPackedSize(ElemKind::INT8, 7), 7);
}

TEST(PackingTest, FP4NibbleOrder) {
  // Element 2i in bits 3:0, 2i+1 in bits 7:4.
  Bytes codes = {0x1, 0x2, 0x3, 0xf, 0xa};
  Bytes packed = packElements(ElemKind::E2M1, codes);
  EXPECT_EQ(packed, (Bytes{0x21, 0xf3, 0x0a})); // odd count: zero pad
  EXPECT_EQ(unpackElements(ElemKind::E2M1, packed, 5), codes);
  // High bits of the one-per-byte codes are ignored.
  EXPECT_EQ(packElements(ElemKind::E2M1, Bytes{0xf1, 0xe2}), (Bytes{0x21}));
}

TEST(PackingTest, FP6BitStream) {
  // byte0 = e0 | e1<<6, byte1 = e1>>2 | e2<<4, byte2 = e2>>4 | e3<<2.
  uint8_t e0 = 0x15, e1 = 0x2a, e2 = 0x3c, e3 = 0x07;
  Bytes codes = {e0, e1, e2, e3};
  Bytes want = {uint8_t(e0 | (e1 << 6)), uint8_t((e1 >> 2) | (e2 << 4)),
                uint8_t((e2 >> 4) | (e3 << 2))};
  // By hand: 0x15 | 0x80 = 0x95; 0x0a | 0xc0 = 0xca; 0x03 | 0x1c = 0x1f.
  EXPECT_EQ(want, (Bytes{0x95, 0xca, 0x1f}));
  for (ElemKind k : {ElemKind::E2M3, ElemKind::E3M2}) {
    EXPECT_EQ(packElements(k, codes), want);
    EXPECT_EQ(unpackElements(k, want, 4), codes);
  }
  // Five elements: the fifth starts a new group, 2 bits of padding... 30
  // bits in 4 bytes: byte3 = e4.
  codes.push_back(0x3f);
  EXPECT_EQ(packElements(ElemKind::E2M3, codes),
            (Bytes{0x95, 0xca, 0x1f, 0x3f}));
  // All-ones codes: 4 elements fill 3 bytes with 0xff.
  EXPECT_EQ(packElements(ElemKind::E3M2, Bytes{0x3f, 0x3f, 0x3f, 0x3f}),
            (Bytes{0xff, 0xff, 0xff}));
}

TEST(PackingTest, ByteKindsAreIdentity) {
  Bytes codes = {0x00, 0x7f, 0x80, 0xff, 0x12};
  for (ElemKind k : {ElemKind::E4M3, ElemKind::E5M2, ElemKind::INT8}) {
    EXPECT_EQ(packElements(k, codes), codes);
    EXPECT_EQ(unpackElements(k, codes, 5), codes);
  }
}

TEST(PackingTest, RoundTripRandomAllCounts) {
  std::mt19937 rng(11);
  for (ElemKind k : {ElemKind::E2M1, ElemKind::E2M3, ElemKind::E3M2,
                     ElemKind::E4M3, ElemKind::E5M2, ElemKind::INT8}) {
    unsigned bits = getElemInfo(k).bits;
    for (int n = 0; n <= 67; ++n) {
      Bytes codes(n);
      for (uint8_t &c : codes)
        c = uint8_t(rng() & ((1u << bits) - 1));
      Bytes packed = packElements(k, codes);
      ASSERT_EQ(int64_t(packed.size()), (int64_t(n) * bits + 7) / 8);
      ASSERT_EQ(unpackElements(k, packed, n), codes) << n;
      // Padding bits are zero: the bit stream read independently.
      for (int64_t bit = int64_t(n) * bits; bit < int64_t(packed.size()) * 8;
           ++bit)
        ASSERT_EQ((packed[bit / 8] >> (bit % 8)) & 1, 0) << n;
      // Element j is bits [j*bits, (j+1)*bits) of the little-endian stream.
      for (int j = 0; j < n; ++j) {
        unsigned v = 0;
        for (unsigned b = 0; b < bits; ++b) {
          int64_t bit = int64_t(j) * bits + b;
          v |= ((packed[bit / 8] >> (bit % 8)) & 1u) << b;
        }
        ASSERT_EQ(v, codes[j]) << j;
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Blackwell 128x4
//===----------------------------------------------------------------------===//

/// torchao `to_blocked`, one view at a time with explicit index loops:
///   padded = pad(input, (rows -> R*128, cols -> C*4))
///   blocks = padded.view(R, 128, C, 4).permute(0, 2, 1, 3)      # R,C,128,4
///   rearranged = blocks.reshape(-1, 4, 32, 4).transpose(1, 2)    # N,32,4,4
///   return rearranged.flatten()
Bytes torchaoToBlocked(const Bytes &in, int64_t rows, int64_t cols) {
  int64_t R = (rows + 127) / 128, C = (cols + 3) / 4;
  // padded[r][c], (R*128) x (C*4).
  std::vector<Bytes> padded(R * 128, Bytes(C * 4, 0));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      padded[r][c] = in[r * cols + c];
  // view(R,128,C,4): v[a][b][c][d] = padded[a*128+b][c*4+d];
  // permute(0,2,1,3): blocks[a][c][b][d] = v[a][b][c][d].
  // reshape(-1,4,32,4): n = a*C + c, b = p*32 + q -> x[n][p][q][d].
  // transpose(1,2): y[n][q][p][d] = x[n][p][q][d]; flatten row-major over
  // (N, 32, 4, 4).
  Bytes out(R * C * 512);
  for (int64_t a = 0; a < R; ++a)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t b = 0; b < 128; ++b)
        for (int64_t d = 0; d < 4; ++d) {
          int64_t n = a * C + c, p = b / 32, q = b % 32;
          int64_t flat = ((n * 32 + q) * 4 + p) * 4 + d;
          out[flat] = padded[a * 128 + b][c * 4 + d];
        }
  return out;
}

TEST(PackingTest, BlackwellOffsetFormula) {
  // offset(m,k) = ((m/128)*(Kp/4) + k/4)*512 + (m%32)*16 + ((m%128)/32)*4 +
  // k%4. Hand values with cols = 6 (Kp = 8, two K-atoms):
  EXPECT_EQ(getBlackwellScaleOffset(0, 0, 6), 0);
  EXPECT_EQ(getBlackwellScaleOffset(0, 3, 6), 3);
  EXPECT_EQ(getBlackwellScaleOffset(0, 4, 6), 512);
  EXPECT_EQ(getBlackwellScaleOffset(1, 0, 6), 16);
  EXPECT_EQ(getBlackwellScaleOffset(32, 0, 6), 4);
  EXPECT_EQ(getBlackwellScaleOffset(33, 1, 6), 16 + 4 + 1);
  EXPECT_EQ(getBlackwellScaleOffset(127, 5, 6), 512 + 31 * 16 + 3 * 4 + 1);
  EXPECT_EQ(getBlackwellScaleOffset(128, 0, 6), 2 * 512);
  EXPECT_EQ(getBlackwellScaleOffset(130, 7, 6), 3 * 512 + 2 * 16 + 3);
  EXPECT_EQ(getBlackwellScaleSize(1, 1), 512);
  EXPECT_EQ(getBlackwellScaleSize(128, 4), 512);
  EXPECT_EQ(getBlackwellScaleSize(129, 5), 256 * 8);
  EXPECT_EQ(getBlackwellScaleSize(300, 10), 384 * 12);
}

TEST(PackingTest, BlackwellMatchesTorchaoToBlocked) {
  std::mt19937 rng(3);
  const int64_t dims[][2] = {{1, 1},   {128, 4},  {129, 5},  {32, 3},
                             {256, 8}, {300, 10}, {127, 13}, {5, 64}};
  for (auto [rows, cols] : dims) {
    SCOPED_TRACE(::testing::Message() << rows << "x" << cols);
    Bytes in(rows * cols);
    for (uint8_t &b : in)
      b = uint8_t(1 + rng() % 255); // non-zero, so padding is visible
    Bytes want = torchaoToBlocked(in, rows, cols);
    Bytes got = toBlackwell128x4(in, rows, cols);
    ASSERT_EQ(int64_t(got.size()), getBlackwellScaleSize(rows, cols));
    EXPECT_EQ(got, want);
    for (int64_t m = 0; m < rows; ++m)
      for (int64_t k = 0; k < cols; ++k)
        ASSERT_EQ(want[getBlackwellScaleOffset(m, k, cols)], in[m * cols + k]);
    // Inverse.
    EXPECT_EQ(fromBlackwell128x4(got, rows, cols), in);
    // Zero padding: exactly size - rows*cols zero bytes.
    int64_t zeros = std::count(got.begin(), got.end(), 0);
    EXPECT_EQ(zeros, int64_t(got.size()) - rows * cols);
  }
}

TEST(PackingTest, ScaleLayoutNames) {
  EXPECT_EQ(symbolizeScaleLayout("row_major"), ScaleLayout::RowMajor);
  EXPECT_EQ(symbolizeScaleLayout("blackwell_128x4"),
            ScaleLayout::Blackwell128x4);
  EXPECT_FALSE(symbolizeScaleLayout("128x4").has_value());
  EXPECT_FALSE(symbolizeScaleLayout("blocked").has_value());
  EXPECT_EQ(stringifyScaleLayout(ScaleLayout::RowMajor), "row_major");
  EXPECT_EQ(stringifyScaleLayout(ScaleLayout::Blackwell128x4),
            "blackwell_128x4");
}

} // namespace
