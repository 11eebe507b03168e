//===- WarpSimTest.cpp - The warp simulator's MMA model and collectives ---===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The scale-lane and byte facts of docs/WarpSimulator.md (PTX "block
// scaling for mma.sync"), checked with literal lane tables, and the
// runtime's errors for collectives that only part of a warp reaches.
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/WarpSim.h"
#include "mx/Numerics/Format.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace mlir::mx::warpsim;

namespace {

constexpr uint32_t kOnesE2M1 = 0x22222222; // eight packed E2M1 1.0

MmaDesc mxf4X2() {
  MmaDesc d;
  d.shape = MmaDesc::BlockScale;
  d.kind = MmaDesc::Mxf4;
  d.typeA = d.typeB = uint8_t(mxref::ElemKind::E2M1);
  d.scaleVec = 2;
  return d;
}

std::vector<LaneOperands> onesMxf4() {
  std::vector<LaneOperands> lanes(32);
  for (LaneOperands &l : lanes) {
    for (uint32_t &a : l.a)
      a = kOnesE2M1;
    for (uint32_t &b : l.b)
      b = kOnesE2M1;
    l.scaleA = l.scaleB = 0x7F7F7F7F; // 1.0 in every byte
  }
  return lanes;
}

/// The output (r, n) from D registers (C/D layout: lane 4 * (r % 8) +
/// n / 2, register 2 * (r / 8) + n % 2).
float at(const std::array<float, 4> *d, int r, int n) {
  return d[4 * (r % 8) + n / 2][2 * (r / 8) + n % 2];
}

TEST(WarpSimMma, ScaleALanes) {
  // Lane l's A scale for K 0..31 is 2^l; K 32..63 has scale 1. Then
  // out(r, n) = 32 * 2^lane + 32 names the lane that supplied row r.
  // Expected (NVVM-FACTS §1.5): thread-id-a = 0 -> lanes 4q (row q) and
  // 4q+1 (row q+8); thread-id-a = 1 -> lanes 4q+2 and 4q+3.
  const int expected[2][16] = {
      {0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29},
      {2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31}};
  for (int tidA = 0; tidA < 2; ++tidA)
    for (int byteId : {0, 2}) {
      std::vector<LaneOperands> lanes = onesMxf4();
      for (int l = 0; l < 32; ++l) {
        lanes[l].scaleA = 0x7F7F7F7F;
        lanes[l].scaleA &= ~(0xFFu << (8 * byteId));
        lanes[l].scaleA |= uint32_t(127 + l) << (8 * byteId);
        lanes[l].selA = byteId | tidA << 8;
        lanes[l].selB = 0;
      }
      std::array<float, 4> d[32];
      ASSERT_FALSE(bool(simulateMma(mxf4X2(), lanes, d)));
      for (int r = 0; r < 16; ++r)
        for (int n = 0; n < 8; ++n)
          EXPECT_EQ(at(d, r, n),
                    32.0f * std::ldexp(1.0f, expected[tidA][r]) + 32.0f)
              << "tid-a " << tidA << " byte-id " << byteId << " row " << r;
    }
}

TEST(WarpSimMma, ScaleBLanes) {
  // Column n takes its B scale from lane 4n + thread-id-b.
  for (int tidB = 0; tidB < 4; ++tidB) {
    std::vector<LaneOperands> lanes = onesMxf4();
    for (int l = 0; l < 32; ++l) {
      lanes[l].scaleB = 0x7F7F7F00u | uint32_t(127 + l);
      lanes[l].selB = tidB << 8;
    }
    std::array<float, 4> d[32];
    ASSERT_FALSE(bool(simulateMma(mxf4X2(), lanes, d)));
    for (int r = 0; r < 16; ++r)
      for (int n = 0; n < 8; ++n)
        EXPECT_EQ(at(d, r, n), 32.0f * std::ldexp(1.0f, 4 * n + tidB) + 32.0f);
  }
}

TEST(WarpSimMma, X4ByteOrder) {
  // 4X UE4M3: byte q scales K 16q..16q+15; byte 1 covers a0/a1 of the lanes
  // with t in {2, 3}. Only those registers are nonzero here, so every output
  // is 16 * byte 1's scale.
  MmaDesc desc = mxf4X2();
  desc.kind = MmaDesc::Mxf4nvf4;
  desc.scaleVec = 4;
  desc.ue4m3 = true;
  std::vector<LaneOperands> lanes = onesMxf4();
  for (int l = 0; l < 32; ++l) {
    LaneOperands &x = lanes[l];
    bool upper = l % 4 >= 2;
    x.a[0] = x.a[1] = upper ? kOnesE2M1 : 0;
    x.a[2] = x.a[3] = 0;
    x.scaleA = 0x50484038; // UE4M3 1, 2, 4, 8 in bytes 0..3
    x.scaleB = 0x38383838;
  }
  std::array<float, 4> d[32];
  ASSERT_FALSE(bool(simulateMma(desc, lanes, d)));
  for (int r = 0; r < 16; ++r)
    for (int n = 0; n < 8; ++n)
      EXPECT_EQ(at(d, r, n), 32.0f);
}

TEST(WarpSimMma, Bf16Fragment) {
  // Lane 5 (g = 1, t = 1): register a2's low half is A(1, 8 + 2) = A(1, 10)
  // and B register b1's high half in lane 4n + 1 is B(8 + 3, n) = B(11, n).
  // With only those nonzero, out(1, n) = 0 (K 10 vs K 11), and with B(10, n)
  // instead (b1's low half) out(1, n) = 2 * 3 = 6.
  MmaDesc desc;
  desc.shape = MmaDesc::BF16m16n8k16;
  for (bool match : {false, true}) {
    std::vector<LaneOperands> lanes(32);
    lanes[5].a[2] = 0x4000; // bf16 2.0, low half
    for (int n = 0; n < 8; ++n)
      lanes[4 * n + 1].b[1] = match ? 0x4040 : 0x40400000; // bf16 3.0
    std::array<float, 4> d[32];
    ASSERT_FALSE(bool(simulateMma(desc, lanes, d)));
    for (int r = 0; r < 16; ++r)
      for (int n = 0; n < 8; ++n)
        EXPECT_EQ(at(d, r, n), r == 1 && match ? 6.0f : 0.0f);
  }
}

TEST(WarpSimMma, IllegalSelectors) {
  std::vector<LaneOperands> lanes = onesMxf4();
  for (LaneOperands &l : lanes)
    l.selA = 1; // byte-id-a 1 with 2X: PTX Table 37 allows 0 or 2
  std::array<float, 4> d[32];
  llvm::Error e = simulateMma(mxf4X2(), lanes, d);
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("illegal selectors"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Collectives
//===----------------------------------------------------------------------===//

using MmaFn = void (*)(int64_t, int32_t, int32_t, int32_t, int32_t, int32_t,
                       int32_t, float, float, float, float, int32_t, int32_t,
                       int32_t, int32_t);
using ResultFn = float (*)(int64_t);

MmaFn mmaFn() {
  return reinterpret_cast<MmaFn>(getRuntimeSymbols().lookup("mxws_mma"));
}
ResultFn resultFn() {
  return reinterpret_cast<ResultFn>(getRuntimeSymbols().lookup("mxws_result"));
}

/// Argument 12 is an int: the lane that leaves before the MMA (-1: none);
/// argument 13 a lane whose thread-id-a differs (-1: none); argument 14 a
/// float[32 * 4] for the results.
void testKernel(void **args) {
  int64_t tid = *static_cast<int64_t *>(args[0]);
  int skip = *static_cast<int *>(args[12]);
  int odd = *static_cast<int *>(args[13]);
  float *out = static_cast<float *>(args[14]);
  if (tid == skip)
    return;
  int32_t ones = int32_t(kOnesE2M1);
  mmaFn()(mxf4X2().encode(), ones, ones, ones, ones, ones, ones, 0, 0, 0, 0,
          0x7F7F7F7F, tid == odd ? 1 << 8 : 0, 0x7F7F7F7F, 0);
  for (int i = 0; i < 4; ++i)
    out[4 * tid + i] = resultFn()(i);
}

llvm::Error runTestKernel(int skip, int odd, std::vector<float> &out) {
  out.assign(32 * 4, -1.0f);
  float *data = out.data();
  std::vector<void *> args = {&skip, &odd, data};
  return runGrid(testKernel, args, {1, 1, 1}, {32, 1, 1});
}

TEST(WarpSimRuntime, FullWarp) {
  std::vector<float> out;
  ASSERT_FALSE(bool(runTestKernel(-1, -1, out)));
  for (float v : out)
    EXPECT_EQ(v, 64.0f);
}

TEST(WarpSimRuntime, PartialWarp) {
  std::vector<float> out;
  llvm::Error e = runTestKernel(5, -1, out);
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("reached by 31 of the warp's 32"),
            std::string::npos);
}

TEST(WarpSimRuntime, NonUniformSelectors) {
  std::vector<float> out;
  llvm::Error e = runTestKernel(-1, 3, out);
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("warp-uniform"),
            std::string::npos);
}

using ShuffleFn = int32_t (*)(int32_t, int32_t);

ShuffleFn shuffleFn() {
  return reinterpret_cast<ShuffleFn>(
      getRuntimeSymbols().lookup("mxws_shuffle_xor"));
}

/// As testKernel, for a butterfly shuffle of the thread id by 4 (lane `odd`
/// by 8); argument 14 an int32_t[32] for the results.
void shuffleKernel(void **args) {
  int64_t tid = *static_cast<int64_t *>(args[0]);
  int skip = *static_cast<int *>(args[12]);
  int odd = *static_cast<int *>(args[13]);
  int32_t *out = static_cast<int32_t *>(args[14]);
  if (tid == skip)
    return;
  out[tid] = shuffleFn()(int32_t(tid), tid == odd ? 8 : 4);
}

llvm::Error runShuffleKernel(int skip, int odd, std::vector<int32_t> &out) {
  out.assign(32, -1);
  int32_t *data = out.data();
  std::vector<void *> args = {&skip, &odd, data};
  return runGrid(shuffleKernel, args, {1, 1, 1}, {32, 1, 1});
}

TEST(WarpSimRuntime, ShuffleXor) {
  std::vector<int32_t> out;
  ASSERT_FALSE(bool(runShuffleKernel(-1, -1, out)));
  for (int32_t l = 0; l < 32; ++l)
    EXPECT_EQ(out[l], l ^ 4);
}

TEST(WarpSimRuntime, ShufflePartialWarp) {
  std::vector<int32_t> out;
  llvm::Error e = runShuffleKernel(7, -1, out);
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e))
                .find("shuffle was reached by only "
                      "part"),
            std::string::npos);
}

TEST(WarpSimRuntime, ShuffleNonUniformOffsets) {
  std::vector<int32_t> out;
  llvm::Error e = runShuffleKernel(-1, 9, out);
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("different offsets"),
            std::string::npos);
}

} // namespace
