//===- Format.cpp - Block-scaled format catalog ---------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Format.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mxref;

static const ElemInfo kElemInfos[kNumElemKinds] = {
    // kind, name, bits, ebits, mbits, bias, emax, maxNorm, maxCode
    {ElemKind::E2M1, "e2m1", 4, 2, 1, 1, 2, 6.0f, 0x7},
    {ElemKind::E2M3, "e2m3", 6, 2, 3, 1, 2, 7.5f, 0x1f},
    {ElemKind::E3M2, "e3m2", 6, 3, 2, 3, 4, 28.0f, 0x1f},
    {ElemKind::E4M3, "e4m3", 8, 4, 3, 7, 8, 448.0f, 0x7e},
    {ElemKind::E5M2, "e5m2", 8, 5, 2, 15, 15, 57344.0f, 0x7b},
    // INT8: two's complement with an implicit 2^-6; encoders clamp
    // symmetrically to +-127/64 (docs/Numerics.md §1).
    {ElemKind::INT8, "int8", 8, 0, 6, 0, 0, 127.0f / 64.0f, 0x7f},
};

const ElemInfo &mxref::getElemInfo(ElemKind kind) {
  return kElemInfos[static_cast<unsigned>(kind)];
}

llvm::StringRef mxref::stringifyElemKind(ElemKind kind) {
  return getElemInfo(kind).name;
}

std::optional<ElemKind> mxref::symbolizeElemKind(llvm::StringRef name) {
  for (const ElemInfo &info : kElemInfos)
    if (name == info.name)
      return info.kind;
  return std::nullopt;
}

llvm::StringRef mxref::stringifyScaleKind(ScaleKind kind) {
  switch (kind) {
  case ScaleKind::E8M0:
    return "e8m0";
  case ScaleKind::UE4M3:
    return "ue4m3";
  case ScaleKind::None:
    return "none";
  }
  return "none";
}

std::optional<ScaleKind> mxref::symbolizeScaleKind(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ScaleKind>>(name)
      .Case("e8m0", ScaleKind::E8M0)
      .Case("ue4m3", ScaleKind::UE4M3)
      .Case("none", ScaleKind::None)
      .Default(std::nullopt);
}

static const char *const kScaleModeNames[kNumScaleModes] = {
    "floor", "rceil", "ceil", "even", "nvfp4", "tensor"};

llvm::StringRef mxref::stringifyScaleMode(ScaleMode mode) {
  return kScaleModeNames[static_cast<unsigned>(mode)];
}

std::optional<ScaleMode> mxref::symbolizeScaleMode(llvm::StringRef name) {
  for (unsigned i = 0; i < kNumScaleModes; ++i)
    if (name == kScaleModeNames[i])
      return static_cast<ScaleMode>(i);
  return std::nullopt;
}

llvm::StringRef mxref::stringifyRounding(Rounding rounding) {
  return rounding == Rounding::RNE ? "rne" : "stochastic";
}

std::optional<Rounding> mxref::symbolizeRounding(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Rounding>>(name)
      .Case("rne", Rounding::RNE)
      .Case("stochastic", Rounding::Stochastic)
      .Default(std::nullopt);
}

//===----------------------------------------------------------------------===//
// Validity table
//===----------------------------------------------------------------------===//

static constexpr uint8_t modeBit(ScaleMode m) {
  return uint8_t(1u << static_cast<unsigned>(m));
}
static constexpr uint8_t kOcpModes =
    modeBit(ScaleMode::Floor) | modeBit(ScaleMode::RCeil) |
    modeBit(ScaleMode::Ceil) | modeBit(ScaleMode::Even);
// `even` rounds amax to the element's mantissa width; INT8 has no mantissa
// field, so it is not defined there.
static constexpr uint8_t kIntModes = modeBit(ScaleMode::Floor) |
                                     modeBit(ScaleMode::RCeil) |
                                     modeBit(ScaleMode::Ceil);

static const ValidityRule kValidityTable[] = {
    {ElemKind::E2M1, ScaleKind::E8M0, false, kOcpModes, "OCP MXFP4"},
    {ElemKind::E2M3, ScaleKind::E8M0, false, kOcpModes, "OCP MXFP6 (E2M3)"},
    {ElemKind::E3M2, ScaleKind::E8M0, false, kOcpModes, "OCP MXFP6 (E3M2)"},
    {ElemKind::E4M3, ScaleKind::E8M0, false, kOcpModes, "OCP MXFP8 (E4M3)"},
    {ElemKind::E5M2, ScaleKind::E8M0, false, kOcpModes, "OCP MXFP8 (E5M2)"},
    {ElemKind::INT8, ScaleKind::E8M0, false, kIntModes,
     "OCP MXINT8; no `even` mode (INT8 has no mantissa field)"},
    {ElemKind::E2M1, ScaleKind::UE4M3, true, modeBit(ScaleMode::NVFP4),
     "NVIDIA NVFP4: UE4M3 block scales under an FP32 tensor scale, with "
     "NVFP4's own two-level scale rule"},
    {ElemKind::E4M3, ScaleKind::None, true, modeBit(ScaleMode::Tensor),
     "per-tensor FP8 E4M3: one FP32 tensor scale, no block scales "
     "(TransformerEngine current scaling)"},
};

llvm::ArrayRef<ValidityRule> mxref::getValidityTable() {
  return kValidityTable;
}

const ValidityRule *mxref::lookupValidityRule(const Format &f) {
  for (const ValidityRule &rule : kValidityTable)
    if (rule.elem == f.elem && rule.scale == f.scale &&
        rule.tensorScale == f.tensorScale)
      return &rule;
  return nullptr;
}

std::optional<std::string> mxref::checkFormat(const Format &f) {
  llvm::StringRef elem = stringifyElemKind(f.elem);
  if (f.isPerTensor()) {
    if (f.defaultBlock != 0)
      return llvm::formatv("a format without block scales has no block size "
                           "(its block is the whole tensor), got {0}",
                           f.defaultBlock)
          .str();
    if (!f.tensorScale)
      return "a format without block scales needs an FP32 tensor scale";
    if (lookupValidityRule(f))
      return std::nullopt;
    return llvm::formatv("element kind {0} cannot be scaled per tensor only "
                         "(only e4m3, as per-tensor FP8)",
                         elem)
        .str();
  }
  if (f.defaultBlock <= 0)
    return llvm::formatv("block size must be positive, got {0}", f.defaultBlock)
        .str();
  if (lookupValidityRule(f))
    return std::nullopt;
  if (f.scale == ScaleKind::E8M0 && f.tensorScale)
    return "an E8M0 block scale takes no tensor scale (tensor scales are "
           "defined for UE4M3 block scales and per-tensor formats only)";
  if (f.scale == ScaleKind::UE4M3 && !f.tensorScale)
    return "UE4M3 block scales need an FP32 tensor scale (NVFP4's "
           "two-level rule)";
  return llvm::formatv("element kind {0} cannot take UE4M3 block scales "
                       "(only e2m1, as NVFP4)",
                       elem)
      .str();
}

std::optional<std::string> mxref::checkScaleMode(const Format &f,
                                                 ScaleMode mode) {
  const ValidityRule *rule = lookupValidityRule(f);
  if (!rule)
    return checkFormat(f);
  if (rule->allowedModes & modeBit(mode))
    return std::nullopt;
  std::string allowed;
  for (unsigned i = 0; i < kNumScaleModes; ++i) {
    if (!(rule->allowedModes & (1u << i)))
      continue;
    if (!allowed.empty())
      allowed += ", ";
    allowed += kScaleModeNames[i];
  }
  return llvm::formatv("scale mode '{0}' is not valid for {1} (allowed: {2})",
                       stringifyScaleMode(mode), f.str(), allowed)
      .str();
}

ScaleMode Format::defaultScaleMode() const {
  switch (scale) {
  case ScaleKind::E8M0:
    return ScaleMode::Floor;
  case ScaleKind::UE4M3:
    return ScaleMode::NVFP4;
  case ScaleKind::None:
    return ScaleMode::Tensor;
  }
  return ScaleMode::Floor;
}

//===----------------------------------------------------------------------===//
// Presets
//===----------------------------------------------------------------------===//

static const Preset kPresets[] = {
    {"mxfp8_e4m3", {ElemKind::E4M3, ScaleKind::E8M0, false, 32}},
    {"mxfp8_e5m2", {ElemKind::E5M2, ScaleKind::E8M0, false, 32}},
    {"mxfp6_e2m3", {ElemKind::E2M3, ScaleKind::E8M0, false, 32}},
    {"mxfp6_e3m2", {ElemKind::E3M2, ScaleKind::E8M0, false, 32}},
    {"mxfp4", {ElemKind::E2M1, ScaleKind::E8M0, false, 32}},
    {"mxint8", {ElemKind::INT8, ScaleKind::E8M0, false, 32}},
    {"nvfp4", {ElemKind::E2M1, ScaleKind::UE4M3, true, 16}},
    {"fp8_e4m3_tensor", {ElemKind::E4M3, ScaleKind::None, true, 0}},
    // MXFP4 at NVFP4's granularity: E8M0 scales on 16-element blocks
    // (docs/AddingAFormat.md walks through this row).
    {"mxfp4_b16", {ElemKind::E2M1, ScaleKind::E8M0, false, 16}},
};

llvm::ArrayRef<Preset> mxref::getPresets() { return kPresets; }

std::optional<Format> mxref::lookupPreset(llvm::StringRef name) {
  for (const Preset &p : kPresets)
    if (name == p.name)
      return p.format;
  return std::nullopt;
}

llvm::StringRef mxref::getPresetName(const Format &f) {
  for (const Preset &p : kPresets)
    if (p.format == f)
      return p.name;
  return {};
}

std::string Format::str() const {
  llvm::StringRef preset = getPresetName(*this);
  if (!preset.empty())
    return preset.str();
  return llvm::formatv("{0}/{1}{2}/b{3}", stringifyElemKind(elem),
                       stringifyScaleKind(scale), tensorScale ? "+f32" : "",
                       defaultBlock)
      .str();
}
