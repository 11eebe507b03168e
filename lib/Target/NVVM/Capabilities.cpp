//===- Capabilities.cpp - NVIDIA chip capability table --------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The table below is the only place these facts live;
// docs/TargetCapabilities.md repeats it for readers and
// unittests/Target/DocsTest.cpp keeps the two equal. Every "Yes" and "No" was
// measured, or follows from a measured rule listed below, without a GPU:
// LLVM 22.1.8 llc compiled (or aborted on) the NVVM op or intrinsic and
// ptxas 13.0 assembled (or rejected) the PTX. Unless a cell's comment says
// otherwise the probes ran llc with `-mattr=+ptx88`, so a version marked not
// exact ("8.8*") is where the instruction was seen to work, not a proven
// minimum.
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/Capabilities.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mxnvvm;

namespace {

constexpr Support no() { return {Support::No, {}, false}; }
constexpr Support unk() { return {Support::Unknown, {}, false}; }
/// Works from this version; a lower one is rejected, or the chip accepts none
/// lower.
constexpr Support from(unsigned major, unsigned minor) {
  return {Support::Yes, {major, minor}, true};
}
/// Seen to work at this version; lower versions were not tried.
constexpr Support at(unsigned major, unsigned minor) {
  return {Support::Yes, {major, minor}, false};
}

const char *const kCapabilityNames[kNumCapabilities] = {
    "cvt-fp8",
    "cvt-fp4-fp6",
    "cvt-ue8m0",
    "mma-mxf8f6f4-1x-ue8m0",
    "mma-mxf4-2x-ue8m0",
    "mma-mxf4nvf4-2x-ue8m0",
    "mma-mxf4nvf4-4x-ue4m3",
    "mma-mxf4nvf4-4x-ue8m0",
    "tcgen05-mma-block-scale",
    "mma-fp8-m16n8k32",
    "mma-bf16",
    "wgmma-fp8",
    "wgmma-bf16",
    "ldmatrix-fp4",
};

const Capability kAllCapabilities[kNumCapabilities] = {
    Capability::CvtFp8,
    Capability::CvtFp4Fp6,
    Capability::CvtUe8m0,
    Capability::MmaMxf8f6f4X1Ue8m0,
    Capability::MmaMxf4X2Ue8m0,
    Capability::MmaMxf4nvf4X2Ue8m0,
    Capability::MmaMxf4nvf4X4Ue4m3,
    Capability::MmaMxf4nvf4X4Ue8m0,
    Capability::Tcgen05MmaBlockScale,
    Capability::MmaFp8M16n8k32,
    Capability::MmaBf16,
    Capability::WgmmaFp8,
    Capability::WgmmaBf16,
    Capability::LdmatrixFp4,
};

// Columns, in enum order. Facts that apply to whole columns:
// * cvt-fp4-fp6 / cvt-ue8m0: need an arch- or family-specific target; plain
//   sm_80..sm_90 and sm_120 have none. sm_110a was not probed.
// * block-scaled mma.sync exists only on sm_120a (from PTX 8.7; 8.6 is
//   rejected), sm_120f and sm_121a (from 8.8); sm_100a, sm_103a, sm_90a and
//   plain sm_120 abort in llc. 4X with UE8M0 is rejected by ptxas on every
//   target and by the MLIR verifier, although the PTX document lists it.
// * tcgen05.mma block_scale: the NVVM op requires the sm_100a/sm_110a
//   families, so its verifier rejects every other chip (and ptxas rejects all
//   of tcgen05 on sm_120a); block16/block32 need PTX 8.8 (8.6 and 8.7 abort
//   in llc). Whether the scale_vec forms select below 8.8 was not measured.
// * mma-fp8-m16n8k32: every chip from sm_89 (PTX 8.8; sm_110a 9.0, its
//   lowest); sm_80 aborts in llc ("Cannot select"). ldmatrix-fp4: probed
//   only on the chips with a version (and on sm_90a, which aborts).
// * mma-bf16 (m16n8k16, f32 accumulation): llc and ptxas accept it on every
//   chip at PTX 8.8 (sm_110a at 9.0, its lowest); lower versions not tried.
// * wgmma: the e4m3 probe compiles on sm_90a only; sm_90, sm_100a and
//   sm_120a abort on wgmma.wait_group, which every wgmma needs, so bf16 is
//   "no" there too. The chips not probed follow the "sm_90a only" rule.
//   bf16 wgmma itself was not probed on sm_90a.
// * Default PTX: the lowest version LLVM 22 accepts for the chip, measured
//   for the arch/family targets only; sm_80, sm_89, sm_90 and sm_120 unknown.
const ChipInfo kChips[] = {
    // clang-format off
    // Cells: cvt fp8, fp4/fp6, ue8m0 | mma.sync block_scale mxf8f6f4 1X,
    // mxf4 2X, mxf4nvf4 2X ue8m0, 4X ue4m3, 4X ue8m0 | tcgen05 block_scale |
    // mma.sync fp8, bf16 | wgmma fp8, bf16 | ldmatrix fp4.
    // sm_80 was probed for the mma.sync columns only; its other "no" cells
    // follow from the column facts.
    {"sm_80", 80, 0, std::nullopt,         {unk(),      no(),       no(),       no(),       no(),       no(),       no(),       no(),       no(),       no(),      at(8, 8),      no(),       no(),       unk()}},
    {"sm_89", 89, 0, std::nullopt,         {at(8, 8),   no(),       no(),       no(),       no(),       no(),       no(),       no(),       no(),       at(8, 8),   at(8, 8),      no(),       no(),       unk()}},
    {"sm_90", 90, 0, std::nullopt,         {at(8, 8),   no(),       no(),       no(),       no(),       no(),       no(),       no(),       no(),       at(8, 8),   at(8, 8),      no(),       no(),       unk()}},
    {"sm_90a", 90, 'a', PtxVersion{8, 0},  {at(8, 8),   no(),       no(),       no(),       no(),       no(),       no(),       no(),       no(),       at(8, 8),   at(8, 8),      at(8, 8),   unk(),      no()}},
    {"sm_100a", 100, 'a', PtxVersion{8, 6}, {at(8, 8),   at(8, 8),   at(8, 8),   no(),       no(),       no(),       no(),       no(),       from(8, 8), at(8, 8),   at(8, 8),      no(),       no(),       at(8, 8)}},
    {"sm_100f", 100, 'f', PtxVersion{8, 8}, {from(8, 8), from(8, 8), from(8, 8), no(),       no(),       no(),       no(),       no(),       from(8, 8), at(8, 8),      at(8, 8),      no(),       no(),       unk()}},
    {"sm_103a", 103, 'a', PtxVersion{8, 8}, {from(8, 8), from(8, 8), from(8, 8), no(),       no(),       no(),       no(),       no(),       from(8, 8), at(8, 8),      at(8, 8),      no(),       no(),       unk()}},
    // sm_110a: only tcgen05 was probed (it needs a PTX version above 8.8).
    {"sm_110a", 110, 'a', PtxVersion{9, 0}, {unk(),      unk(),      unk(),      no(),       no(),       no(),       no(),       no(),       from(9, 0), at(9, 0),      at(9, 0),      no(),       no(),       unk()}},
    {"sm_120", 120, 0, std::nullopt,       {at(8, 8),   no(),       no(),       no(),       no(),       no(),       no(),       no(),       no(),       at(8, 8),   at(8, 8),      no(),       no(),       unk()}},
    {"sm_120a", 120, 'a', PtxVersion{8, 7}, {at(8, 8),   at(8, 8),   at(8, 8),   from(8, 7), from(8, 7), from(8, 7), from(8, 7), no(),       no(),       at(8, 8),   at(8, 8),      no(),       no(),       at(8, 8)}},
    {"sm_120f", 120, 'f', PtxVersion{8, 8}, {from(8, 8), from(8, 8), from(8, 8), from(8, 8), from(8, 8), from(8, 8), from(8, 8), no(),       no(),       at(8, 8),      at(8, 8),      no(),       no(),       unk()}},
    {"sm_121a", 121, 'a', PtxVersion{8, 8}, {from(8, 8), from(8, 8), from(8, 8), from(8, 8), from(8, 8), from(8, 8), from(8, 8), no(),       no(),       at(8, 8),      at(8, 8),      no(),       no(),       unk()}},
    // clang-format on
};

std::string knownChipList() {
  std::string out;
  for (const ChipInfo &chip : kChips) {
    if (!out.empty())
      out += ", ";
    out += chip.name;
  }
  return out;
}

} // namespace

std::string PtxVersion::str() const {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string PtxVersion::featureString() const {
  return "+ptx" + std::to_string(major) + std::to_string(minor);
}

std::string Support::str() const {
  switch (kind) {
  case No:
    return "no";
  case Unknown:
    return "?";
  case Yes:
    return minPtx.str() + (exact ? "" : "*");
  }
  return "?";
}

llvm::StringRef mxnvvm::stringifyCapability(Capability cap) {
  return kCapabilityNames[static_cast<unsigned>(cap)];
}

llvm::ArrayRef<Capability> mxnvvm::getAllCapabilities() {
  return kAllCapabilities;
}

llvm::ArrayRef<ChipInfo> mxnvvm::getAllChips() { return kChips; }

llvm::Error mxnvvm::parseChipName(llvm::StringRef name, unsigned &sm,
                                  char &suffix) {
  llvm::StringRef rest = name;
  suffix = 0;
  if (rest.consume_back("a"))
    suffix = 'a';
  else if (rest.consume_back("f"))
    suffix = 'f';
  // getAsInteger also takes "0x..." and signs, and a leading zero would make
  // "sm_090" an alias of sm_90: only plain digits name a chip.
  if (!rest.consume_front("sm_") || rest.empty() || rest.front() == '0' ||
      !llvm::all_of(rest, llvm::isDigit) || rest.getAsInteger(10, sm))
    return llvm::createStringError(
        "'" + name + "' is not an NVIDIA chip name (expected sm_<number>, " +
        "optionally followed by 'a' or 'f', e.g. sm_90a)");
  return llvm::Error::success();
}

llvm::Expected<const ChipInfo &> mxnvvm::lookupChip(llvm::StringRef name) {
  unsigned sm;
  char suffix;
  if (llvm::Error err = parseChipName(name, sm, suffix))
    return llvm::createStringError(llvm::toString(std::move(err)) +
                                   "; known chips: " + knownChipList());
  for (const ChipInfo &chip : kChips)
    if (chip.sm == sm && chip.suffix == suffix)
      return chip;
  return llvm::createStringError("no capability data for NVIDIA chip '" + name +
                                 "'; known chips: " + knownChipList());
}

std::optional<PtxVersion> mxnvvm::supports(const ChipInfo &chip,
                                           Capability cap) {
  const Support &cell = chip.get(cap);
  if (cell.kind != Support::Yes)
    return std::nullopt;
  return cell.minPtx;
}
