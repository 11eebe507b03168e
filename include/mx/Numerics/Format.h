//===- Format.h - Block-scaled format catalog -------------------*- C++ -*-===//
//
// Part of the MX project. The reference numerics layer: no MLIR IR dependency.
//
//===----------------------------------------------------------------------===//
//
// A block-scaled format is data, not code: an element kind, a scale kind, an
// optional FP32 tensor scale and a default block size. The named formats
// (mxfp4, nvfp4, ...) are presets of this catalog. Which combinations are
// valid, and which scale modes each allows, is decided by one table
// (`getValidityTable`), which every other layer consults.
//
//===----------------------------------------------------------------------===//

#ifndef MX_NUMERICS_FORMAT_H
#define MX_NUMERICS_FORMAT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mxref {

/// Element encodings (docs/Numerics.md §1).
enum class ElemKind : uint8_t { E2M1, E2M3, E3M2, E4M3, E5M2, INT8 };
/// Shared block scale encodings. UE4M3 is an E4M3 byte whose sign bit is
/// ignored on decode (as cuBLAS does). `None` is a format without block
/// scales: the whole tensor is one block under its FP32 tensor scale
/// (per-tensor FP8, docs/Numerics.md §3).
enum class ScaleKind : uint8_t { E8M0, UE4M3, None };
/// How a block scale is chosen (docs/Numerics.md §2, §3). `NVFP4` is the
/// two-level rule of NVIDIA's NVFP4 (UE4M3 block scale under an FP32 tensor
/// scale, TransformerEngine convention). `Tensor` is the per-tensor rule of
/// formats without block scales (S_enc = max / amax, TransformerEngine's
/// "current scaling").
enum class ScaleMode : uint8_t { Floor, RCeil, Ceil, Even, NVFP4, Tensor };
/// How elements are rounded after scaling.
enum class Rounding : uint8_t { RNE, Stochastic };
// The dialect's `#mx.scale_mode` and `#mx.rounding` (MXEnums.td) mirror
// ScaleMode and Rounding case for case, value for value and spelling for
// spelling: MXAttributes.cpp checks it at compile time, unittests/Dialect
// the spellings.

constexpr unsigned kNumElemKinds = 6;
constexpr unsigned kNumScaleModes = 6;
constexpr unsigned kNumRoundings = 2;

/// Static description of an element kind.
struct ElemInfo {
  ElemKind kind;
  const char *name; ///< e.g. "e2m1", "int8"
  unsigned bits;    ///< storage bits of one code
  unsigned ebits;   ///< exponent bits (0 for INT8)
  unsigned mbits;   ///< mantissa bits (6 fractional bits for INT8)
  int bias;         ///< exponent bias (0 for INT8)
  int emax;         ///< exponent of the largest power of two (emax_elem)
  float maxNorm;    ///< largest finite magnitude
  uint8_t maxCode;  ///< code of +maxNorm
};

const ElemInfo &getElemInfo(ElemKind kind);
llvm::StringRef stringifyElemKind(ElemKind kind);
std::optional<ElemKind> symbolizeElemKind(llvm::StringRef name);
llvm::StringRef stringifyScaleKind(ScaleKind kind);
std::optional<ScaleKind> symbolizeScaleKind(llvm::StringRef name);
llvm::StringRef stringifyScaleMode(ScaleMode mode);
std::optional<ScaleMode> symbolizeScaleMode(llvm::StringRef name);
llvm::StringRef stringifyRounding(Rounding rounding);
std::optional<Rounding> symbolizeRounding(llvm::StringRef name);

/// A block-scaled format. The block shape used for a particular tensor is
/// chosen where the tensor is quantized; `defaultBlock` only supplies the
/// default (a 1 x defaultBlock block along the last dimension). A format
/// without block scales (ScaleKind::None) has `defaultBlock` 0: its one
/// block is always the whole tensor.
struct Format {
  ElemKind elem = ElemKind::E2M1;
  ScaleKind scale = ScaleKind::E8M0;
  bool tensorScale = false;
  int64_t defaultBlock = 32;

  bool operator==(const Format &o) const {
    return elem == o.elem && scale == o.scale && tensorScale == o.tensorScale &&
           defaultBlock == o.defaultBlock;
  }
  bool operator!=(const Format &o) const { return !(*this == o); }

  /// The preset name when this format is one, else a descriptive string
  /// such as "e4m3/e8m0/b64".
  std::string str() const;
  /// The scale mode a quantizer uses when none is given: Floor (OCP v1.0)
  /// for E8M0 scales, NVFP4 for UE4M3 scales, Tensor without block scales.
  ScaleMode defaultScaleMode() const;
  /// True for formats without block scales (one FP32 tensor scale only).
  bool isPerTensor() const { return scale == ScaleKind::None; }
  /// True for formats with one scale byte per block.
  bool hasBlockScales() const { return !isPerTensor(); }
};

/// One row of the validity table.
struct ValidityRule {
  ElemKind elem;
  ScaleKind scale;
  bool tensorScale;
  /// Bit i is set when ScaleMode(i) is allowed.
  uint8_t allowedModes;
  /// Why, in a sentence (for docs and diagnostics).
  const char *note;
};

/// Every valid element kind x scale kind x tensor-scale combination. A
/// combination that is not listed is invalid.
llvm::ArrayRef<ValidityRule> getValidityTable();
/// Returns the rule for `f`, or null when the combination is invalid.
const ValidityRule *lookupValidityRule(const Format &f);
/// Empty when `f` is valid; otherwise a one-line reason.
std::optional<std::string> checkFormat(const Format &f);
/// Empty when `mode` is allowed for `f` (which must be valid); otherwise a
/// one-line reason.
std::optional<std::string> checkScaleMode(const Format &f, ScaleMode mode);

/// Named presets.
struct Preset {
  const char *name;
  Format format;
};
llvm::ArrayRef<Preset> getPresets();
std::optional<Format> lookupPreset(llvm::StringRef name);
/// The preset name of `f`, or empty when it is not a preset.
llvm::StringRef getPresetName(const Format &f);

} // namespace mxref

#endif // MX_NUMERICS_FORMAT_H
