//===- CapabilitiesTest.cpp - NVIDIA chip capability table ----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Spot checks of the key facts (docs/TargetCapabilities.md), the chip name
// parser and the shape of the table.
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/Capabilities.h"

#include "llvm/Support/Error.h"

#include "gtest/gtest.h"

#include <set>
#include <string>

using namespace mxnvvm;

namespace {

const ChipInfo &chip(llvm::StringRef name) {
  llvm::Expected<const ChipInfo &> info = lookupChip(name);
  if (!info) {
    ADD_FAILURE() << llvm::toString(info.takeError());
    return getAllChips().front();
  }
  return *info;
}

std::string lookupError(llvm::StringRef name) {
  llvm::Expected<const ChipInfo &> info = lookupChip(name);
  if (info)
    return "";
  return llvm::toString(info.takeError());
}

bool has(llvm::StringRef name, Capability cap) {
  return supports(chip(name), cap).has_value();
}

constexpr Capability kBlockScaledMmaSync[] = {
    Capability::MmaMxf8f6f4X1Ue8m0, Capability::MmaMxf4X2Ue8m0,
    Capability::MmaMxf4nvf4X2Ue8m0, Capability::MmaMxf4nvf4X4Ue4m3};

TEST(CapabilitiesTest, HopperHasNoFp4AndNoBlockScaledMma) {
  for (llvm::StringRef name : {"sm_90", "sm_90a"}) {
    SCOPED_TRACE(name.str());
    EXPECT_FALSE(has(name, Capability::CvtFp4Fp6));
    EXPECT_FALSE(has(name, Capability::CvtUe8m0));
    for (Capability cap : kBlockScaledMmaSync)
      EXPECT_FALSE(has(name, cap));
    EXPECT_FALSE(has(name, Capability::Tcgen05MmaBlockScale));
    EXPECT_FALSE(has(name, Capability::LdmatrixFp4));
    EXPECT_TRUE(has(name, Capability::CvtFp8));
  }
  // "no", not merely unknown: these were measured.
  EXPECT_EQ(chip("sm_90a").get(Capability::CvtFp4Fp6).kind, Support::No);
}

TEST(CapabilitiesTest, ConsumerBlackwellHasBlockScaledMmaSync) {
  for (Capability cap : kBlockScaledMmaSync) {
    EXPECT_EQ(supports(chip("sm_120a"), cap), (PtxVersion{8, 7}));
    EXPECT_EQ(supports(chip("sm_120f"), cap), (PtxVersion{8, 8}));
    EXPECT_EQ(supports(chip("sm_121a"), cap), (PtxVersion{8, 8}));
    // Plain sm_120 and the datacenter chips abort in llc.
    EXPECT_FALSE(has("sm_120", cap));
    EXPECT_FALSE(has("sm_100a", cap));
    EXPECT_FALSE(has("sm_103a", cap));
  }
  EXPECT_FALSE(has("sm_120a", Capability::Tcgen05MmaBlockScale));
  EXPECT_FALSE(has("sm_120", Capability::CvtFp4Fp6));
  EXPECT_TRUE(has("sm_120a", Capability::CvtFp4Fp6));
  EXPECT_TRUE(has("sm_120a", Capability::LdmatrixFp4));
}

TEST(CapabilitiesTest, Mxf4nvf4With4XAndUe8m0IsNowhere) {
  for (const ChipInfo &info : getAllChips())
    EXPECT_EQ(info.get(Capability::MmaMxf4nvf4X4Ue8m0).kind, Support::No)
        << info.name;
}

TEST(CapabilitiesTest, DatacenterBlackwellHasTcgen05AndFp4Cvt) {
  for (llvm::StringRef name : {"sm_100a", "sm_100f", "sm_103a"}) {
    SCOPED_TRACE(name.str());
    // block16/block32 need PTX 8.8 even where the chip default is lower.
    EXPECT_EQ(supports(chip(name), Capability::Tcgen05MmaBlockScale),
              (PtxVersion{8, 8}));
    EXPECT_TRUE(has(name, Capability::CvtFp4Fp6));
    EXPECT_TRUE(has(name, Capability::CvtUe8m0));
  }
  EXPECT_EQ(chip("sm_100a").defaultPtx, (PtxVersion{8, 6}));
  EXPECT_TRUE(chip("sm_100a").get(Capability::Tcgen05MmaBlockScale).exact);
  EXPECT_EQ(supports(chip("sm_110a"), Capability::Tcgen05MmaBlockScale),
            (PtxVersion{9, 0}));
  EXPECT_TRUE(has("sm_100a", Capability::LdmatrixFp4));
}

TEST(CapabilitiesTest, Fp8MmaSyncM16n8k32) {
  for (llvm::StringRef name :
       {"sm_89", "sm_90", "sm_90a", "sm_100a", "sm_120", "sm_120a"})
    EXPECT_TRUE(has(name, Capability::MmaFp8M16n8k32)) << name.str();
}

TEST(CapabilitiesTest, WgmmaOnlyOnSm90a) {
  for (const ChipInfo &info : getAllChips()) {
    bool expected = llvm::StringRef(info.name) == "sm_90a";
    EXPECT_EQ(supports(info, Capability::WgmmaFp8).has_value(), expected)
        << info.name;
    if (!expected) {
      EXPECT_EQ(info.get(Capability::WgmmaBf16).kind, Support::No) << info.name;
    }
  }
  // Not probed for bf16 on sm_90a: unknown, and so never emitted.
  EXPECT_EQ(chip("sm_90a").get(Capability::WgmmaBf16).kind, Support::Unknown);
  EXPECT_FALSE(has("sm_90a", Capability::WgmmaBf16));
}

TEST(CapabilitiesTest, DefaultPtxVersions) {
  EXPECT_EQ(chip("sm_90a").defaultPtx, (PtxVersion{8, 0}));
  EXPECT_EQ(chip("sm_120a").defaultPtx, (PtxVersion{8, 7}));
  for (llvm::StringRef name : {"sm_100f", "sm_103a", "sm_120f", "sm_121a"})
    EXPECT_EQ(chip(name).defaultPtx, (PtxVersion{8, 8})) << name.str();
  EXPECT_EQ(chip("sm_110a").defaultPtx, (PtxVersion{9, 0}));
  EXPECT_FALSE(chip("sm_89").defaultPtx.has_value());
}

TEST(CapabilitiesTest, PtxVersionStrings) {
  EXPECT_EQ((PtxVersion{8, 7}).str(), "8.7");
  EXPECT_EQ((PtxVersion{8, 8}).featureString(), "+ptx88");
  EXPECT_EQ((PtxVersion{9, 0}).featureString(), "+ptx90");
  EXPECT_TRUE((PtxVersion{8, 8}) < (PtxVersion{9, 0}));
  EXPECT_EQ((Support{Support::Yes, {8, 8}, false}).str(), "8.8*");
  EXPECT_EQ((Support{Support::Yes, {8, 7}, true}).str(), "8.7");
  EXPECT_EQ((Support{Support::No, {}, false}).str(), "no");
  EXPECT_EQ((Support{Support::Unknown, {}, false}).str(), "?");
}

TEST(CapabilitiesTest, ParsesGoodNames) {
  unsigned sm;
  char suffix;
  ASSERT_FALSE(bool(parseChipName("sm_90a", sm, suffix)));
  EXPECT_EQ(sm, 90u);
  EXPECT_EQ(suffix, 'a');
  ASSERT_FALSE(bool(parseChipName("sm_100f", sm, suffix)));
  EXPECT_EQ(sm, 100u);
  EXPECT_EQ(suffix, 'f');
  ASSERT_FALSE(bool(parseChipName("sm_89", sm, suffix)));
  EXPECT_EQ(sm, 89u);
  EXPECT_EQ(suffix, 0);
  for (llvm::StringRef name :
       {"sm_80", "sm_89", "sm_90", "sm_90a", "sm_100a", "sm_100f", "sm_103a",
        "sm_110a", "sm_120", "sm_120a", "sm_120f", "sm_121a"})
    EXPECT_EQ(llvm::StringRef(chip(name).name), name);
}

TEST(CapabilitiesTest, RejectsBadNames) {
  for (llvm::StringRef name :
       {"", "sm_", "sm_a", "sm90a", "SM_90a", "sm_90b", "sm_090", "sm_0x5a",
        "sm_+90", "sm_90aa", "compute_90a", " sm_90a"}) {
    std::string err = lookupError(name);
    EXPECT_NE(err.find("is not an NVIDIA chip name"), std::string::npos)
        << "'" << name.str() << "': " << err;
    EXPECT_NE(err.find("known chips: sm_80, sm_89,"), std::string::npos) << err;
  }
}

TEST(CapabilitiesTest, UnknownChipListsKnownChips) {
  // Well formed, but not in the table (sm_101 was renamed sm_110).
  std::string err = lookupError("sm_101a");
  EXPECT_EQ(err, "no capability data for NVIDIA chip 'sm_101a'; known chips: "
                 "sm_80, sm_89, sm_90, sm_90a, sm_100a, sm_100f, sm_103a, "
                 "sm_110a, sm_120, sm_120a, sm_120f, sm_121a");
  EXPECT_NE(lookupError("sm_100").find("'sm_100'"), std::string::npos);
}

TEST(CapabilitiesTest, EveryRowIsComplete) {
  ASSERT_EQ(getAllCapabilities().size(), kNumCapabilities);
  std::set<std::string> capNames;
  for (unsigned i = 0; i < kNumCapabilities; ++i) {
    Capability cap = getAllCapabilities()[i];
    EXPECT_EQ(static_cast<unsigned>(cap), i);
    EXPECT_FALSE(stringifyCapability(cap).empty());
    EXPECT_TRUE(capNames.insert(stringifyCapability(cap).str()).second);
  }
  std::set<std::string> chipNames;
  for (const ChipInfo &info : getAllChips()) {
    SCOPED_TRACE(info.name);
    EXPECT_TRUE(chipNames.insert(info.name).second);
    // The name and the parsed fields agree, so lookup finds this very row.
    unsigned sm;
    char suffix;
    ASSERT_FALSE(bool(parseChipName(info.name, sm, suffix)));
    EXPECT_EQ(sm, info.sm);
    EXPECT_EQ(suffix, info.suffix);
    EXPECT_EQ(&chip(info.name), &info);
    for (Capability cap : getAllCapabilities()) {
      const Support &cell = info.get(cap);
      EXPECT_TRUE(cell.kind == Support::No || cell.kind == Support::Unknown ||
                  cell.kind == Support::Yes);
      if (cell.kind != Support::Yes)
        continue;
      // Every "yes" names a PTX version the toolchain knows (8.0 .. 9.0).
      EXPECT_FALSE(cell.minPtx < (PtxVersion{8, 0}));
      EXPECT_FALSE((PtxVersion{9, 0}) < cell.minPtx);
      // No instruction works below the lowest version LLVM takes for the
      // chip; an exact minimum at that default is consistent.
      if (info.defaultPtx) {
        EXPECT_FALSE(cell.minPtx < *info.defaultPtx)
            << stringifyCapability(cap).str();
      }
    }
  }
  EXPECT_EQ(chipNames.size(), 12u);
}

} // namespace
