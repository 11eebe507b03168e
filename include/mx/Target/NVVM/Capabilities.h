//===- Capabilities.h - NVIDIA chip capability table ------------*- C++ -*-===//
//
// Part of the MX project. LLVM Support only: no MLIR IR dependency.
//
//===----------------------------------------------------------------------===//
//
// One table, keyed by NVIDIA chip name, that answers "can this chip do X
// natively, and from which PTX version" for the block-scaled NVVM lowering
// (docs/TargetCapabilities.md, which a unit test keeps equal to this table).
//
// Every cell is measured (LLVM 22.1.8 llc and ptxas 13.0 accepted or
// rejected the code), follows from a measured rule (docs/TargetCapabilities.md,
// "Rules behind whole columns"), or is `Unknown`. The lowering must treat
// `Unknown` like `No`: LLVM 22 aborts the process ("Cannot select") instead of
// diagnosing an instruction the chip lacks, so emission has to be gated here
// first.
//
//===----------------------------------------------------------------------===//

#ifndef MX_TARGET_NVVM_CAPABILITIES_H
#define MX_TARGET_NVVM_CAPABILITIES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mxnvvm {

/// A PTX ISA version, e.g. 8.7.
struct PtxVersion {
  unsigned major = 0;
  unsigned minor = 0;

  /// "8.7".
  std::string str() const;
  /// The NVPTX target feature that selects it: "+ptx87".
  std::string featureString() const;

  friend bool operator==(PtxVersion a, PtxVersion b) {
    return a.major == b.major && a.minor == b.minor;
  }
  friend bool operator!=(PtxVersion a, PtxVersion b) { return !(a == b); }
  friend bool operator<(PtxVersion a, PtxVersion b) {
    return a.major != b.major ? a.major < b.major : a.minor < b.minor;
  }
};

/// What the lowering may want to emit natively (docs/TargetCapabilities.md
/// describes the instruction and NVVM op behind each).
enum class Capability : uint8_t {
  CvtFp8,               ///< E4M3/E5M2 <-> f32/f16 conversions
  CvtFp4Fp6,            ///< E2M1/E2M3/E3M2 <-> f32/f16 conversions
  CvtUe8m0,             ///< f32 -> UE8M0 (rz/rp), UE8M0 -> bf16 conversions
  MmaMxf8f6f4X1Ue8m0,   ///< mma.sync m16n8k32 kind::mxf8f6f4 1X, UE8M0
  MmaMxf4X2Ue8m0,       ///< mma.sync m16n8k64 kind::mxf4 2X, UE8M0
  MmaMxf4nvf4X2Ue8m0,   ///< mma.sync m16n8k64 kind::mxf4nvf4 2X, UE8M0
  MmaMxf4nvf4X4Ue4m3,   ///< mma.sync m16n8k64 kind::mxf4nvf4 4X, UE4M3
  MmaMxf4nvf4X4Ue8m0,   ///< mma.sync m16n8k64 kind::mxf4nvf4 4X, UE8M0
  Tcgen05MmaBlockScale, ///< tcgen05.mma ... block_scale (block16/block32)
  MmaFp8M16n8k32,       ///< mma.sync m16n8k32 e4m3 (unscaled, f32 accum)
  MmaBf16,              ///< mma.sync with bf16 operands
  WgmmaFp8,             ///< wgmma.mma_async e4m3
  WgmmaBf16,            ///< wgmma.mma_async bf16
  LdmatrixFp4,          ///< ldmatrix m8n16 b8x16.b4x16_p64 (packed FP4)
};
constexpr unsigned kNumCapabilities = 14;

/// The short name used in docs and diagnostics, e.g. "cvt-fp4-fp6".
llvm::StringRef stringifyCapability(Capability cap);
/// All capabilities in enum order.
llvm::ArrayRef<Capability> getAllCapabilities();

/// One cell of the table.
struct Support {
  enum Kind : uint8_t {
    No,      ///< the toolchain rejects it on this chip, or a rule excludes it
    Unknown, ///< not established: never emit it
    Yes,     ///< works from `minPtx`
  };
  Kind kind = Unknown;
  PtxVersion minPtx;
  /// For `Yes`: true when `minPtx` is the real minimum (a lower version was
  /// rejected, or it is the lowest version LLVM accepts for the chip); false
  /// when it is the version that was measured and lower ones were not tried.
  bool exact = false;

  /// "8.7" (exact), "8.8*" (measured there, lower not tried), "no" or "?".
  std::string str() const;
};

/// One chip: its name, the PTX version LLVM 22 picks for it by default (when
/// measured) and one cell per capability, in enum order.
struct ChipInfo {
  const char *name; ///< e.g. "sm_90a"
  unsigned sm;      ///< e.g. 90
  char suffix;      ///< 'a' (arch-specific), 'f' (family) or 0
  std::optional<PtxVersion> defaultPtx;
  Support cells[kNumCapabilities];

  const Support &get(Capability cap) const {
    return cells[static_cast<unsigned>(cap)];
  }
};

/// Every row of the table, in the order the docs list them.
llvm::ArrayRef<ChipInfo> getAllChips();

/// Splits "sm_<digits>[a|f]" into its number and suffix; anything else is an
/// error that shows the expected form.
llvm::Error parseChipName(llvm::StringRef name, unsigned &sm, char &suffix);

/// The row for `name` (e.g. "sm_120a"). A malformed name or one not in the
/// table is an error whose message lists the known chips.
llvm::Expected<const ChipInfo &> lookupChip(llvm::StringRef name);

/// The minimum PTX version from which `chip` does `cap` natively, or
/// std::nullopt when it does not or when that is not established.
std::optional<PtxVersion> supports(const ChipInfo &chip, Capability cap);

} // namespace mxnvvm

#endif // MX_TARGET_NVVM_CAPABILITIES_H
