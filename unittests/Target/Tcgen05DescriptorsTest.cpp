//===- Tcgen05DescriptorsTest.cpp - tcgen05 descriptor encoders -----------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Field by field against PTX ISA 8.8 §9.7.16.4.2 (block-scaled instruction
// descriptor: bits 0-1 sparse id2, 2 sparse, 4-5 B scale id, 7-9 atype,
// 10-12 btype, 13/14 negate, 15/16 major, 17-22 N>>3, 23 scale format,
// 24-28 M>>4, 29-30 A scale id, 31 K96) and §9.7.16.4.1 (shared memory
// descriptor: 0-13 start>>4, 16-29 LBO>>4, 32-45 SBO>>4, 46-48 0b001, 49-51
// base offset, 52 LBO mode, 61-63 swizzle), plus the constants of the
// single-tile sample that ptxas assembled (docs/Lowering.md).
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/Tcgen05Descriptors.h"

#include "gtest/gtest.h"

using namespace mxnvvm;

namespace {

uint32_t idesc(const BlockScaledInstrDesc &d) {
  llvm::Expected<uint32_t> v = encodeBlockScaledInstrDesc(d);
  if (!v) {
    ADD_FAILURE() << llvm::toString(v.takeError());
    return 0;
  }
  return *v;
}

std::string idescError(const BlockScaledInstrDesc &d) {
  llvm::Expected<uint32_t> v = encodeBlockScaledInstrDesc(d);
  if (v)
    return "";
  return llvm::toString(v.takeError());
}

uint64_t sdesc(const SmemDescriptor &d) {
  llvm::Expected<uint64_t> v = encodeSmemDescriptor(d);
  if (!v) {
    ADD_FAILURE() << llvm::toString(v.takeError());
    return 0;
  }
  return *v;
}

std::string sdescError(const SmemDescriptor &d) {
  llvm::Expected<uint64_t> v = encodeSmemDescriptor(d);
  if (v)
    return "";
  return llvm::toString(v.takeError());
}

BlockScaledInstrDesc nvfp4() {
  BlockScaledInstrDesc d;
  d.kind = Tcgen05Kind::Mxf4nvf4;
  d.a = d.b = Tcgen05ElemType::E2M1;
  d.scaleFormat = Tcgen05ScaleFormat::UE4M3;
  d.blockSize = 16;
  return d;
}

BlockScaledInstrDesc mxfp8() {
  BlockScaledInstrDesc d; // mxf8f6f4, E4M3 x E4M3, UE8M0, block32, 128x128
  return d;
}

// The sample's idesc (UMOV UR21, 0x8200480 feeding UTCOMMA.4X in its SASS).
TEST(Tcgen05Descriptors, SampleInstrDesc) {
  EXPECT_EQ(idesc(nvfp4()), 0x08200480u);
}

TEST(Tcgen05Descriptors, InstrDescFields) {
  uint32_t base = idesc(mxfp8());
  // mxf8f6f4 E4M3 (atype/btype 0), UE8M0 (bit 23), M=128 (8 << 24), N=128.
  EXPECT_EQ(base, (16u << 17) | (1u << 23) | (8u << 24));
  // Bits 4-5: B scale-factor id; bits 29-30: A scale-factor id.
  for (unsigned id = 0; id < 4; ++id) {
    BlockScaledInstrDesc d = mxfp8();
    d.sfIdB = id;
    EXPECT_EQ(idesc(d) ^ base, id << 4);
    d = mxfp8();
    d.sfIdA = id;
    EXPECT_EQ(idesc(d) ^ base, id << 29);
  }
  // Bits 7-9 / 10-12: element type codes of kind::mxf8f6f4.
  const std::pair<Tcgen05ElemType, uint32_t> codes[] = {
      {Tcgen05ElemType::E4M3, 0},
      {Tcgen05ElemType::E5M2, 1},
      {Tcgen05ElemType::E2M3, 3},
      {Tcgen05ElemType::E3M2, 4},
      {Tcgen05ElemType::E2M1, 5}};
  for (auto [t, code] : codes) {
    BlockScaledInstrDesc d = mxfp8();
    d.a = t;
    EXPECT_EQ(idesc(d) ^ base, code << 7);
    d = mxfp8();
    d.b = t;
    EXPECT_EQ(idesc(d) ^ base, code << 10);
  }
  // Bits 13/14 negate, 15/16 major (E4M3 may be MN-major).
  BlockScaledInstrDesc d = mxfp8();
  d.negateA = true;
  EXPECT_EQ(idesc(d) ^ base, 1u << 13);
  d = mxfp8();
  d.negateB = true;
  EXPECT_EQ(idesc(d) ^ base, 1u << 14);
  d = mxfp8();
  d.mnMajorA = true;
  EXPECT_EQ(idesc(d) ^ base, 1u << 15);
  d = mxfp8();
  d.mnMajorB = true;
  EXPECT_EQ(idesc(d) ^ base, 1u << 16);
  // Bits 17-22: N >> 3; bits 24-28: M >> 4.
  d = mxfp8();
  d.n = 8;
  EXPECT_EQ(idesc(d), (1u << 17) | (1u << 23) | (8u << 24));
  d.n = 256;
  EXPECT_EQ(idesc(d), (32u << 17) | (1u << 23) | (8u << 24));
  d.m = 256;
  EXPECT_EQ(idesc(d), (32u << 17) | (1u << 23) | (16u << 24));
  // Bit 31: K = 96 for the FP4 kinds.
  BlockScaledInstrDesc f = nvfp4();
  f.k96 = true;
  EXPECT_EQ(idesc(f), 0x08200480u | (1u << 31));
}

TEST(Tcgen05Descriptors, InstrDescFp4Kinds) {
  // The FP4 kinds code E2M1 as 1 (not 5); MXFP4: kind::mxf4, UE8M0,
  // block32, second MMA of a 4-block atom at scale-factor id 2.
  BlockScaledInstrDesc d;
  d.kind = Tcgen05Kind::Mxf4;
  d.a = d.b = Tcgen05ElemType::E2M1;
  d.sfIdA = d.sfIdB = 2;
  EXPECT_EQ(idesc(d), (1u << 7) | (1u << 10) | (16u << 17) | (1u << 23) |
                          (8u << 24) | (2u << 29) | (2u << 4));
  d.kind = Tcgen05Kind::Mxf4nvf4; // 2X UE8M0 form of mxf4nvf4
  EXPECT_EQ(idesc(d), (1u << 7) | (1u << 10) | (16u << 17) | (1u << 23) |
                          (8u << 24) | (2u << 29) | (2u << 4));
}

TEST(Tcgen05Descriptors, InstrDescIllegal) {
  BlockScaledInstrDesc d = mxfp8();
  d.blockSize = 16;
  EXPECT_NE(idescError(d).find("does not take .block16"), std::string::npos);
  d = nvfp4();
  d.kind = Tcgen05Kind::Mxf4;
  EXPECT_NE(idescError(d).find("kind::mxf4 does not take .block16"),
            std::string::npos);
  d = nvfp4();
  d.scaleFormat = Tcgen05ScaleFormat::UE8M0;
  EXPECT_NE(idescError(d).find("UE4M3 scale factors, not UE8M0"),
            std::string::npos);
  d = mxfp8();
  d.scaleFormat = Tcgen05ScaleFormat::UE4M3;
  EXPECT_NE(idescError(d).find("UE8M0 scale factors, not UE4M3"),
            std::string::npos);
  d = nvfp4();
  d.a = Tcgen05ElemType::E4M3;
  EXPECT_NE(idescError(d).find("A elements of type e4m3"), std::string::npos);
  d = mxfp8();
  d.m = 64;
  EXPECT_NE(idescError(d).find("M = 64"), std::string::npos);
  d = mxfp8();
  d.n = 12;
  EXPECT_NE(idescError(d).find("N = 12"), std::string::npos);
  d.n = 264;
  EXPECT_NE(idescError(d).find("N = 264"), std::string::npos);
  d = mxfp8();
  d.m = 256;
  d.n = 24;
  EXPECT_NE(idescError(d).find("multiple of 16"), std::string::npos);
  d = nvfp4();
  d.sfIdA = 2;
  EXPECT_NE(idescError(d).find("is not 0 for"), std::string::npos);
  d = nvfp4();
  d.kind = Tcgen05Kind::Mxf4;
  d.blockSize = 32;
  d.scaleFormat = Tcgen05ScaleFormat::UE8M0;
  d.sfIdB = 1;
  EXPECT_NE(idescError(d).find("is not 0 or 2"), std::string::npos);
  d = mxfp8();
  d.a = Tcgen05ElemType::E2M3;
  d.mnMajorA = true;
  EXPECT_NE(idescError(d).find("MN-major"), std::string::npos);
  d = mxfp8();
  d.k96 = true;
  EXPECT_NE(idescError(d).find("K = 96"), std::string::npos);
}

// The sample's A/B descriptor: LBO 128 B, SBO 256 B, no swizzle; its
// scale-copy descriptor: SBO 128 B (LLVM printed 0x4010_0008_0000 for the
// former before ORing in the start address).
TEST(Tcgen05Descriptors, SampleSmemDesc) {
  SmemDescriptor d;
  d.leadingByteOffset = 128;
  d.strideByteOffset = 256;
  EXPECT_EQ(sdesc(d), 0x0000401000080000ull);
  d.strideByteOffset = 128;
  EXPECT_EQ(sdesc(d), 0x0000400800080000ull);
}

TEST(Tcgen05Descriptors, SmemDescFields) {
  uint64_t version = 1ull << 46;
  SmemDescriptor d;
  EXPECT_EQ(sdesc(d), version);
  d.startAddress = 0x3fff0;
  EXPECT_EQ(sdesc(d) ^ version, 0x3fffull);
  d = {};
  d.leadingByteOffset = 0x3fff0;
  EXPECT_EQ(sdesc(d) ^ version, 0x3fffull << 16);
  d = {};
  d.strideByteOffset = 0x3fff0;
  EXPECT_EQ(sdesc(d) ^ version, 0x3fffull << 32);
  d = {};
  d.baseOffset = 7;
  EXPECT_EQ(sdesc(d) ^ version, 7ull << 49);
  d = {};
  d.lboAbsolute = true;
  EXPECT_EQ(sdesc(d) ^ version, 1ull << 52);
  const std::pair<SmemSwizzle, uint64_t> modes[] = {
      {SmemSwizzle::Swizzle128BBase32B, 1},
      {SmemSwizzle::Swizzle128B, 2},
      {SmemSwizzle::Swizzle64B, 4},
      {SmemSwizzle::Swizzle32B, 6}};
  for (auto [mode, code] : modes) {
    d = {};
    d.swizzle = mode;
    EXPECT_EQ(sdesc(d) ^ version, code << 61);
  }
}

TEST(Tcgen05Descriptors, SmemDescIllegal) {
  SmemDescriptor d;
  d.startAddress = 8;
  EXPECT_NE(sdescError(d).find("start address 8 is not a multiple of 16"),
            std::string::npos);
  d = {};
  d.strideByteOffset = 0x40000;
  EXPECT_NE(sdescError(d).find("does not fit"), std::string::npos);
  d = {};
  d.baseOffset = 8;
  EXPECT_NE(sdescError(d).find("base offset 8"), std::string::npos);
  d = {};
  d.swizzle = static_cast<SmemSwizzle>(3);
  EXPECT_NE(sdescError(d).find("swizzle mode 3"), std::string::npos);
}

} // namespace
