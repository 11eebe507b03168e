//===- Tcgen05SimTest.cpp - The warp simulator's tcgen05 model ------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The descriptor fields, swizzle addresses, scale-factor cells and tensor
// memory rules of docs/WarpSimulator.md ("tcgen05"), checked with literal
// values taken from the PTX ISA tables, not from the model's own formulas.
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/WarpSimTcgen05.h"

#include "gtest/gtest.h"

#include <cstring>
#include <vector>

using namespace mlir::mx::warpsim;

namespace {

constexpr uint64_t kVersion1 = uint64_t(1) << 46;

uint64_t smemDesc(uint32_t start, uint32_t lbo, uint32_t sbo,
                  uint64_t swizzle = 0) {
  return (start >> 4) | uint64_t(lbo >> 4) << 16 | uint64_t(sbo >> 4) << 32 |
         kVersion1 | swizzle << 61;
}

std::string message(llvm::Error e) { return llvm::toString(std::move(e)); }
/// Whether `e` is an error (consumed).
bool fails(llvm::Error e) {
  bool failed = bool(e);
  llvm::consumeError(std::move(e));
  return failed;
}
template <typename T> bool fails(llvm::Expected<T> e) {
  if (e)
    return false;
  llvm::consumeError(e.takeError());
  return true;
}

TEST(Tcgen05Descriptors, SmemFields) {
  // LLVM's tcgen05.mma_smem_desc of LBO 8, SBO 16 (units of 16 bytes) is
  // 0x4010_0008_0000 (docs/WarpSimulator.md).
  SmemDescriptor d = SmemDescriptor::decode(0x401000080000ull | 0x123);
  EXPECT_EQ(d.startAddress, 0x1230u);
  EXPECT_EQ(d.leadingByteOffset, 128u);
  EXPECT_EQ(d.strideByteOffset, 256u);
  EXPECT_EQ(d.version, 1);
  EXPECT_EQ(d.swizzle, 0);
  EXPECT_EQ(SmemDescriptor::decode(uint64_t(2) << 61).getSwizzleBytes(), 128u);
  EXPECT_EQ(SmemDescriptor::decode(uint64_t(4) << 61).getSwizzleBytes(), 64u);
  EXPECT_EQ(SmemDescriptor::decode(uint64_t(6) << 61).getSwizzleBytes(), 32u);
  EXPECT_EQ(SmemDescriptor::decode(uint64_t(1) << 61).getSwizzleBytes(), 0u);
}

TEST(Tcgen05Descriptors, InstrFields) {
  // NVFP4, M = N = 128, UE4M3, scale IDs 0 (PTX Table "Instruction
  // descriptor format for .kind::mxf8f6f4, .kind::mxf4 and .kind::mxf4nvf4").
  InstrDescriptor d = InstrDescriptor::decode(0x08200480);
  EXPECT_EQ(d.typeA, 1);
  EXPECT_EQ(d.typeB, 1);
  EXPECT_EQ(d.n, 128u >> 3);
  EXPECT_EQ(d.m, 128u >> 4);
  EXPECT_FALSE(d.ue8m0);
  EXPECT_EQ(d.scaleIdA, 0);
  EXPECT_EQ(d.scaleIdB, 0);
  InstrDescriptor e = InstrDescriptor::decode(1u << 23 | 3u << 29 | 2u << 4 |
                                              1u << 15 | 1u << 13);
  EXPECT_TRUE(e.ue8m0);
  EXPECT_EQ(e.scaleIdA, 3);
  EXPECT_EQ(e.scaleIdB, 2);
  EXPECT_TRUE(e.mnMajorA);
  EXPECT_FALSE(e.mnMajorB);
  EXPECT_TRUE(e.negateA);
}

TEST(Tcgen05Descriptors, GranuleAddresses) {
  // No swizzle, K-major: rows 16 B apart, LBO along K, SBO per 8 rows.
  SmemDescriptor none = SmemDescriptor::decode(smemDesc(1024, 128, 256));
  EXPECT_EQ(*smemGranuleAddress(none, false, 0, 0), 1024u);
  EXPECT_EQ(*smemGranuleAddress(none, false, 3, 1), 1024u + 48 + 128);
  EXPECT_EQ(*smemGranuleAddress(none, false, 9, 0), 1024u + 256 + 16);
  // 128-byte swizzle: granule g of row r lands in granule g ^ (r % 8).
  SmemDescriptor sw128 =
      SmemDescriptor::decode(smemDesc(2048, 16, 1024, /*swizzle=*/2));
  int64_t expect[8][2] = {{0, 1}, {1, 0}, {2, 3}, {3, 2},
                          {4, 5}, {5, 4}, {6, 7}, {7, 6}};
  for (int r = 0; r < 8; ++r)
    for (int g = 0; g < 2; ++g)
      EXPECT_EQ(*smemGranuleAddress(sw128, false, r, g),
                uint64_t(2048 + 128 * r + 16 * expect[r][g]))
          << r << " " << g;
  EXPECT_EQ(*smemGranuleAddress(sw128, false, 11, 0),
            uint64_t(2048 + 1024 + 128 * 3 + 16 * 3));
  // 32-byte swizzle: granule g of row r lands in g ^ ((r / 4) % 2) of a
  // 32-byte row (address bit 7 into bit 4).
  SmemDescriptor sw32 = SmemDescriptor::decode(smemDesc(0, 16, 256, 6));
  EXPECT_EQ(*smemGranuleAddress(sw32, false, 3, 1), uint64_t(96 + 16));
  EXPECT_EQ(*smemGranuleAddress(sw32, false, 4, 1), uint64_t(128));
  // A K extent beyond the swizzle row, and version 0, are errors.
  EXPECT_TRUE(fails(smemGranuleAddress(sw32, false, 0, 2)));
  SmemDescriptor v0 = SmemDescriptor::decode(smemDesc(0, 16, 256) ^ kVersion1);
  auto bad = smemGranuleAddress(v0, false, 0, 0);
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(message(bad.takeError()).find("version"), std::string::npos);
}

TEST(Tcgen05Memory, AllocationRules) {
  CtaMemory mem;
  EXPECT_TRUE(fails(mem.allocate(48, 0)));
  auto a = mem.allocate(256, 0);
  ASSERT_TRUE(bool(a));
  EXPECT_EQ(*a, 0u);
  auto b = mem.allocate(128, 0);
  ASSERT_TRUE(bool(b));
  EXPECT_EQ(*b, 256u);
  auto c = mem.allocate(256, 0);
  ASSERT_FALSE(bool(c));
  EXPECT_NE(message(c.takeError()).find("exhausted"), std::string::npos);
  // Reading a column nobody wrote, or one outside any allocation.
  auto r = mem.readCell(5, 3);
  ASSERT_FALSE(bool(r));
  EXPECT_NE(message(r.takeError()).find("nothing wrote"), std::string::npos);
  auto u = mem.readCell(0, 400);
  ASSERT_FALSE(bool(u));
  EXPECT_NE(message(u.takeError()).find("unallocated"), std::string::npos);
  EXPECT_TRUE(fails(mem.writeCell(0, 384, 1)));
  // Dealloc must match an allocation and come from its warp.
  llvm::Error wrong = mem.deallocate(256, 64, 0);
  EXPECT_NE(message(std::move(wrong)).find("does not match"),
            std::string::npos);
  llvm::Error other = mem.deallocate(256, 128, 1);
  EXPECT_NE(message(std::move(other)).find("warp 1"), std::string::npos);
  EXPECT_FALSE(fails(mem.deallocate(256, 128, 0)));
  EXPECT_FALSE(fails(mem.deallocate(0, 256, 0)));
  mem.relinquished = true;
  EXPECT_TRUE(fails(mem.allocate(32, 0)));
}

/// Shared memory with the 128x4 scale layout at 0 and K-major no-swizzle
/// E2M1 ones for A (at 1024) and B (at 8192), 128 x 64 each.
struct Mxf4Fixture {
  std::vector<uint8_t> smem = std::vector<uint8_t>(16384, 0);
  CtaMemory mem;
  Mxf4Fixture() {
    mem.smem = smem.data();
    mem.smemSize = smem.size();
    for (int r = 0; r < 128; ++r)
      for (int byte = 0; byte < 32; ++byte) {
        int off = (r / 8) * 256 + (r % 8) * 16 + (byte / 16) * 128 + byte % 16;
        smem[1024 + off] = 0x22; // two E2M1 1.0
        smem[8192 + off] = 0x22;
      }
    // Scales: UE8M0 1.0 everywhere but row 37 of A, K block 1 = 4.0.
    for (int i = 0; i < 512; ++i)
      smem[i] = 127;
    smem[(37 % 32) * 16 + (37 / 32) * 4 + 1] = 129;
    EXPECT_FALSE(fails(mem.allocate(256, 0)));
  }
};

TEST(Tcgen05Copy, Warpx4ReplicatesRows) {
  std::vector<uint8_t> smem(512);
  for (int i = 0; i < 512; ++i)
    smem[i] = uint8_t(i * 7 + 3);
  CtaMemory mem;
  mem.smem = smem.data();
  mem.smemSize = smem.size();
  ASSERT_FALSE(fails(mem.allocate(32, 0)));
  ASSERT_FALSE(fails(simulateTcgen05Cp(mem, Tcgen05CpShape::Shape32x128bWarpx4,
                                       4, smemDesc(0, 0, 128))));
  // Row r's four words go to columns 4..7 of lanes r, r + 32, r + 64, r + 96.
  for (int q = 0; q < 4; ++q)
    for (int r = 0; r < 32; ++r)
      for (int c = 0; c < 4; ++c) {
        uint32_t want;
        std::memcpy(&want, &smem[16 * r + 4 * c], 4);
        auto got = mem.readCell(32 * q + r, 4 + c);
        ASSERT_TRUE(bool(got));
        EXPECT_EQ(*got, want);
      }
  // The copy starts at lane 0; and its columns must be allocated.
  EXPECT_TRUE(fails(simulateTcgen05Cp(mem, Tcgen05CpShape::Shape32x128bWarpx4,
                                      1u << 16, smemDesc(0, 0, 128))));
  EXPECT_TRUE(fails(simulateTcgen05Cp(mem, Tcgen05CpShape::Shape32x128bWarpx4,
                                      30, smemDesc(0, 0, 128))));
}

TEST(Tcgen05Mma, ScaleCellsPerRow) {
  Mxf4Fixture f;
  // SFA and SFB to columns 128..131 and 132..135.
  ASSERT_FALSE(fails(simulateTcgen05Cp(
      f.mem, Tcgen05CpShape::Shape32x128bWarpx4, 128, smemDesc(0, 0, 128))));
  ASSERT_FALSE(fails(simulateTcgen05Cp(
      f.mem, Tcgen05CpShape::Shape32x128bWarpx4, 132, smemDesc(0, 0, 128))));
  // kind::mxf4 (2X), UE8M0, M = 128, N = 128, E2M1.
  uint32_t idesc = 1u << 7 | 1u << 10 | 16u << 17 | 1u << 23 | 8u << 24;
  Tcgen05MmaKind kind{Tcgen05MmaKind::Mxf4, Tcgen05MmaKind::Block32};
  ASSERT_FALSE(fails(
      simulateTcgen05Mma(f.mem, kind, 0, smemDesc(1024, 128, 256),
                         smemDesc(8192, 128, 256), idesc, false, 128, 132)));
  // Every product is 1; row 37's second 32-block has scale 4.
  for (int r = 0; r < 128; ++r)
    for (int n = 0; n < 128; n += 17) {
      auto cell = f.mem.readCell(r, n);
      ASSERT_TRUE(bool(cell));
      float v;
      std::memcpy(&v, &*cell, 4);
      EXPECT_EQ(v, r == 37 ? 32.0f + 128.0f : 64.0f) << r << " " << n;
    }
  // Scale ID 2 selects bytes 2 and 3, whose value is 1.0 for row 37 too:
  // with enable-input-d the sum doubles, except row 37 adds 64.
  ASSERT_FALSE(fails(simulateTcgen05Mma(
      f.mem, kind, 0, smemDesc(1024, 128, 256), smemDesc(8192, 128, 256),
      idesc | 2u << 29, true, 128, 132)));
  auto c37 = f.mem.readCell(37, 5), c36 = f.mem.readCell(36, 5);
  ASSERT_TRUE(c37 && c36);
  float v37, v36;
  std::memcpy(&v37, &*c37, 4);
  std::memcpy(&v36, &*c36, 4);
  EXPECT_EQ(v37, 160.0f + 64.0f);
  EXPECT_EQ(v36, 128.0f);
  // Illegal: scale ID 1 with 2X, UE4M3 with kind::mxf4, M = 64.
  for (uint32_t bad : {idesc | 1u << 29, idesc & ~(1u << 23),
                       (idesc & ~(31u << 24)) | 4u << 24})
    EXPECT_TRUE(fails(
        simulateTcgen05Mma(f.mem, kind, 0, smemDesc(1024, 128, 256),
                           smemDesc(8192, 128, 256), bad, false, 128, 132)));
  // A scale column one to the right reads rows 32..63's cells for rows
  // 0..31 (no error, wrong scales), and one past the copy is unwritten.
  llvm::Error unwritten =
      simulateTcgen05Mma(f.mem, kind, 0, smemDesc(1024, 128, 256),
                         smemDesc(8192, 128, 256), idesc, false, 129, 133);
  EXPECT_NE(message(std::move(unwritten)).find("nothing wrote"),
            std::string::npos);
}

TEST(Tcgen05Ld, WarpQuarters) {
  CtaMemory mem;
  ASSERT_FALSE(fails(mem.allocate(32, 0)));
  for (uint32_t lane = 0; lane < 128; ++lane)
    ASSERT_FALSE(fails(mem.writeCell(lane, 2, lane * 10)));
  uint32_t out[2];
  ASSERT_FALSE(
      fails(simulateTcgen05Ld32x32b(mem, 5, 3, 32u << 16 | 2, 1, out)));
  EXPECT_EQ(out[0], 350u);
  llvm::Error wrongQuarter =
      simulateTcgen05Ld32x32b(mem, 1, 3, 64u << 16 | 2, 1, out);
  EXPECT_NE(message(std::move(wrongQuarter)).find("may only access lanes"),
            std::string::npos);
  // Columns 2 and 3 of lane 0: column 3 was never written.
  EXPECT_TRUE(fails(simulateTcgen05Ld32x32b(mem, 0, 0, 2, 2, out)));
}

} // namespace
