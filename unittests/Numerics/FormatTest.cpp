//===- FormatTest.cpp - Format catalog and validity table -----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// docs/Numerics.md §1 element parameters, the presets, and the validity table:
// which element x scale x tensor-scale combinations exist and which scale
// modes each allows.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Format.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mxref;

namespace {

const ElemKind kKinds[] = {ElemKind::E2M1, ElemKind::E2M3, ElemKind::E3M2,
                           ElemKind::E4M3, ElemKind::E5M2, ElemKind::INT8};
const ScaleMode kModes[] = {ScaleMode::Floor, ScaleMode::RCeil,
                            ScaleMode::Ceil,  ScaleMode::Even,
                            ScaleMode::NVFP4, ScaleMode::Tensor};

TEST(FormatTest, ElemInfoMatchesSpecTable) {
  struct Row {
    ElemKind kind;
    const char *name;
    unsigned bits, ebits, mbits;
    int bias, emax;
    float maxNorm;
    uint8_t maxCode;
  } rows[] = {
      // docs/Numerics.md §1: max normal 6 = 1.5*2^2 (S.11.1 = 0x7), 7.5 =
      // 1.875*2^2 (0x1f), 28 = 1.75*2^4 (0x1f), 448 = 1.75*2^8 (S.1111.110 =
      // 0x7e), 57344 = 1.75*2^15 (S.11110.11 = 0x7b), 127/64 (0x7f).
      {ElemKind::E2M1, "e2m1", 4, 2, 1, 1, 2, 6.0f, 0x7},
      {ElemKind::E2M3, "e2m3", 6, 2, 3, 1, 2, 7.5f, 0x1f},
      {ElemKind::E3M2, "e3m2", 6, 3, 2, 3, 4, 28.0f, 0x1f},
      {ElemKind::E4M3, "e4m3", 8, 4, 3, 7, 8, 448.0f, 0x7e},
      {ElemKind::E5M2, "e5m2", 8, 5, 2, 15, 15, 57344.0f, 0x7b},
      {ElemKind::INT8, "int8", 8, 0, 6, 0, 0, 1.984375f, 0x7f},
  };
  for (const Row &r : rows) {
    const ElemInfo &i = getElemInfo(r.kind);
    SCOPED_TRACE(r.name);
    EXPECT_EQ(i.kind, r.kind);
    EXPECT_STREQ(i.name, r.name);
    EXPECT_EQ(i.bits, r.bits);
    EXPECT_EQ(i.ebits, r.ebits);
    EXPECT_EQ(i.mbits, r.mbits);
    EXPECT_EQ(i.bias, r.bias);
    EXPECT_EQ(i.emax, r.emax);
    EXPECT_EQ(i.maxNorm, r.maxNorm);
    EXPECT_EQ(i.maxCode, r.maxCode);
    EXPECT_EQ(stringifyElemKind(r.kind), r.name);
    EXPECT_EQ(symbolizeElemKind(r.name), r.kind);
  }
  EXPECT_FALSE(symbolizeElemKind("e4m3fn").has_value());
  EXPECT_FALSE(symbolizeElemKind("").has_value());
}

TEST(FormatTest, EnumNames) {
  EXPECT_EQ(symbolizeScaleKind("e8m0"), ScaleKind::E8M0);
  EXPECT_EQ(symbolizeScaleKind("ue4m3"), ScaleKind::UE4M3);
  EXPECT_FALSE(symbolizeScaleKind("e4m3").has_value());
  EXPECT_EQ(stringifyScaleKind(ScaleKind::E8M0), "e8m0");
  EXPECT_EQ(stringifyScaleKind(ScaleKind::UE4M3), "ue4m3");
  EXPECT_EQ(symbolizeScaleKind("none"), ScaleKind::None);
  EXPECT_EQ(stringifyScaleKind(ScaleKind::None), "none");
  const char *modeNames[] = {"floor", "rceil", "ceil",
                             "even",  "nvfp4", "tensor"};
  static_assert(std::size(modeNames) == kNumScaleModes);
  for (unsigned i = 0; i < kNumScaleModes; ++i) {
    EXPECT_EQ(stringifyScaleMode(kModes[i]), modeNames[i]);
    EXPECT_EQ(symbolizeScaleMode(modeNames[i]), kModes[i]);
  }
  EXPECT_FALSE(symbolizeScaleMode("round").has_value());
  EXPECT_EQ(symbolizeRounding("rne"), Rounding::RNE);
  EXPECT_EQ(symbolizeRounding("stochastic"), Rounding::Stochastic);
  EXPECT_FALSE(symbolizeRounding("rz").has_value());
  EXPECT_EQ(stringifyRounding(Rounding::RNE), "rne");
  EXPECT_EQ(stringifyRounding(Rounding::Stochastic), "stochastic");
}

TEST(FormatTest, Presets) {
  struct P {
    const char *name;
    Format f;
  } want[] = {
      {"mxfp8_e4m3", {ElemKind::E4M3, ScaleKind::E8M0, false, 32}},
      {"mxfp8_e5m2", {ElemKind::E5M2, ScaleKind::E8M0, false, 32}},
      {"mxfp6_e2m3", {ElemKind::E2M3, ScaleKind::E8M0, false, 32}},
      {"mxfp6_e3m2", {ElemKind::E3M2, ScaleKind::E8M0, false, 32}},
      {"mxfp4", {ElemKind::E2M1, ScaleKind::E8M0, false, 32}},
      {"mxint8", {ElemKind::INT8, ScaleKind::E8M0, false, 32}},
      {"nvfp4", {ElemKind::E2M1, ScaleKind::UE4M3, true, 16}},
      {"fp8_e4m3_tensor", {ElemKind::E4M3, ScaleKind::None, true, 0}},
      {"mxfp4_b16", {ElemKind::E2M1, ScaleKind::E8M0, false, 16}},
  };
  ASSERT_EQ(getPresets().size(), 9u);
  for (const P &p : want) {
    SCOPED_TRACE(p.name);
    std::optional<Format> f = lookupPreset(p.name);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(*f, p.f);
    EXPECT_EQ(getPresetName(p.f), p.name);
    EXPECT_EQ(p.f.str(), p.name);
    EXPECT_FALSE(checkFormat(p.f).has_value());
    EXPECT_EQ(p.f.defaultScaleMode(),
              p.f.scale == ScaleKind::UE4M3  ? ScaleMode::NVFP4
              : p.f.scale == ScaleKind::None ? ScaleMode::Tensor
                                             : ScaleMode::Floor);
    EXPECT_EQ(p.f.isPerTensor(), p.f.scale == ScaleKind::None);
  }
  EXPECT_FALSE(lookupPreset("mxfp8").has_value());
  // A non-preset format has no name and a descriptive str().
  Format f64{ElemKind::E4M3, ScaleKind::E8M0, false, 64};
  EXPECT_EQ(getPresetName(f64), "");
  EXPECT_EQ(f64.str(), "e4m3/e8m0/b64");
  Format nv32{ElemKind::E2M1, ScaleKind::UE4M3, true, 32};
  EXPECT_EQ(nv32.str(), "e2m1/ue4m3+f32/b32");
  EXPECT_NE(f64, *lookupPreset("mxfp8_e4m3"));
}

TEST(FormatTest, ValidityTableExhaustive) {
  // Exactly the 6 OCP combos (E8M0, no tensor scale), NVFP4 (E2M1, UE4M3,
  // tensor scale) and per-tensor FP8 (E4M3, no block scale, tensor scale)
  // are valid.
  unsigned valid = 0;
  for (ElemKind e : kKinds)
    for (ScaleKind s : {ScaleKind::E8M0, ScaleKind::UE4M3, ScaleKind::None})
      for (bool ts : {false, true}) {
        // A per-tensor format has no block size.
        Format f{e, s, ts, s == ScaleKind::None ? 0 : 32};
        bool want = (s == ScaleKind::E8M0 && !ts) ||
                    (s == ScaleKind::UE4M3 && ts && e == ElemKind::E2M1) ||
                    (s == ScaleKind::None && ts && e == ElemKind::E4M3);
        std::optional<std::string> err = checkFormat(f);
        EXPECT_EQ(!err.has_value(), want)
            << f.str() << ": " << err.value_or("(valid)");
        EXPECT_EQ(lookupValidityRule(f) != nullptr, want) << f.str();
        if (err) {
          EXPECT_FALSE(err->empty());
        }
        valid += want;
      }
  EXPECT_EQ(valid, 8u);
  EXPECT_EQ(getValidityTable().size(), 8u);
  // A per-tensor format takes no block size.
  EXPECT_TRUE(checkFormat({ElemKind::E4M3, ScaleKind::None, true, 32}));
  EXPECT_FALSE(checkFormat({ElemKind::E4M3, ScaleKind::None, true, 0}));
  // Non-positive block sizes are rejected even for valid combos.
  EXPECT_TRUE(checkFormat({ElemKind::E4M3, ScaleKind::E8M0, false, 0}));
  EXPECT_TRUE(checkFormat({ElemKind::E4M3, ScaleKind::E8M0, false, -32}));
  EXPECT_FALSE(checkFormat({ElemKind::E4M3, ScaleKind::E8M0, false, 1}));
}

TEST(FormatTest, AllowedScaleModes) {
  for (ElemKind e : kKinds) {
    Format f{e, ScaleKind::E8M0, false, 32};
    for (ScaleMode m : kModes) {
      // OCP: floor, rceil, ceil, even; not nvfp4; INT8 has no `even`.
      bool want = m != ScaleMode::NVFP4 && m != ScaleMode::Tensor &&
                  !(e == ElemKind::INT8 && m == ScaleMode::Even);
      std::optional<std::string> err = checkScaleMode(f, m);
      EXPECT_EQ(!err.has_value(), want)
          << f.str() << " " << stringifyScaleMode(m).str();
      const ValidityRule *rule = lookupValidityRule(f);
      ASSERT_NE(rule, nullptr);
      EXPECT_EQ(bool(rule->allowedModes & (1u << unsigned(m))), want);
    }
  }
  // NVFP4: only its own mode.
  Format nv = *lookupPreset("nvfp4");
  for (ScaleMode m : kModes)
    EXPECT_EQ(!checkScaleMode(nv, m).has_value(), m == ScaleMode::NVFP4)
        << stringifyScaleMode(m).str();
  // Per-tensor FP8: only the tensor rule.
  Format pt = *lookupPreset("fp8_e4m3_tensor");
  for (ScaleMode m : kModes)
    EXPECT_EQ(!checkScaleMode(pt, m).has_value(), m == ScaleMode::Tensor)
        << stringifyScaleMode(m).str();
  // An invalid format gives a reason for any mode.
  Format bad{ElemKind::E4M3, ScaleKind::UE4M3, true, 16};
  EXPECT_TRUE(checkScaleMode(bad, ScaleMode::NVFP4).has_value());
  // The message names the allowed modes.
  std::optional<std::string> err =
      checkScaleMode(*lookupPreset("mxint8"), ScaleMode::Even);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("floor, rceil, ceil"), std::string::npos) << *err;
}

} // namespace
